#include "common/delivery/request_server.h"

#include <utility>
#include <vector>

#include <fmt/format.h>

#include "common/transport/zmq_socket.h"

namespace newsflow {

RequestServer::RequestServer(RequestServerOptions options, std::shared_ptr<spdlog::logger> logger,
                             RequestHandler handler, ErrorReplyFn error_reply)
    : options_(std::move(options)),
      handler_(std::move(handler)),
      error_reply_(std::move(error_reply)),
      bad_input_(std::move(logger), options_.name) {
  // The payload's field name ("query", "control"): oneof cases are field numbers.
  const auto* field = v1::Envelope::descriptor()->FindFieldByNumber(static_cast<int>(options_.request_case));
  expected_ = field != nullptr ? field->name() : "known";
}

absl::Status RequestServer::Open(zmq::context_t& context, const EndpointConfig& endpoint) {
  auto socket = OpenSocket(context, zmq::socket_type::router, endpoint);
  if (!socket.ok()) return socket.status();
  socket_ = std::move(*socket);
  std::lock_guard lock(endpoint_mu_);
  endpoint_ = endpoint.bind ? BoundEndpoint(*socket_) : endpoint.address;
  return absl::OkStatus();
}

std::string RequestServer::endpoint() const {
  std::lock_guard lock(endpoint_mu_);
  return endpoint_;
}

absl::Status RequestServer::ServePending(int max_requests) {
  for (int served = 0; served < max_requests; ++served) {
    auto frames = RecvFrames(*socket_);
    if (!frames.ok()) return frames.status();
    if (!frames->has_value()) break;
    requests_.fetch_add(1);
    Serve(**frames);
  }
  return absl::OkStatus();
}

absl::Status RequestServer::Run(std::stop_token stop, std::chrono::milliseconds poll_interval) {
  std::vector<zmq::pollitem_t> items{{socket_->handle(), 0, ZMQ_POLLIN, 0}};
  while (!stop.stop_requested()) {
    auto ready = Poll(items, poll_interval);
    if (!ready.ok()) return absl::IsCancelled(ready.status()) ? absl::OkStatus() : ready.status();
    if (*ready == 0) continue;
    absl::Status s = ServePending();
    if (!s.ok()) return absl::IsCancelled(s) ? absl::OkStatus() : s;
  }
  return absl::OkStatus();
}

void RequestServer::Serve(std::vector<zmq::message_t>& parts) {
  const zmq::message_t& body = parts.back();
  // A ROUTER always prepends the identity: one frame is the identity alone.
  if (parts.size() < 2) {
    bad_input_.Report(&body, parts.size(), absl::InvalidArgumentError("no request body"));
    return;
  }
  if (parts.size() - 1 > kMaxRoutingFrames) {
    bad_input_.Report(
        &body, parts.size(),
        absl::InvalidArgumentError(fmt::format("more than {} routing frames", kMaxRoutingFrames)));
    return;
  }
  absl::StatusOr<v1::Envelope> reply;
  auto request = DecodeEnvelope(body);
  if (!request.ok()) {
    reply = request.status();
  } else if (request->payload_case() != options_.request_case) {
    reply = absl::InvalidArgumentError(fmt::format("expected a {} request", expected_));
  } else {
    reply = handler_(*request);
  }
  if (!reply.ok()) {
    bad_input_.Report(&body, parts.size(), reply.status());
    const char* what = absl::IsPermissionDenied(reply.status()) ? "unauthorised" : "bad request";
    reply = error_reply_(fmt::format("{}: {}", what, std::string(reply.status().message())));
  }
  std::vector<std::string> out;
  out.reserve(parts.size());
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) out.push_back(parts[i].to_string());
  out.push_back(EncodeEnvelope(*reply));
  (void)SendFrames(*socket_, out);  // a ROUTER drops replies to vanished peers
}

}  // namespace newsflow

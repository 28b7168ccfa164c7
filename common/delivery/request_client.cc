#include "common/delivery/request_client.h"

#include <fmt/format.h>

#include "common/delivery/envelope_codec.h"
#include "common/transport/zmq_socket.h"

namespace newsflow {

absl::StatusOr<v1::Envelope> Request(zmq::context_t& context, const std::string& endpoint,
                                     const v1::Envelope& request, std::chrono::milliseconds timeout) {
  EndpointConfig ep = MakeEndpoint(endpoint, false, 100);
  auto socket = OpenSocket(context, zmq::socket_type::dealer, ep);
  if (!socket.ok()) return socket.status();
  absl::Status s = SendFrames(*socket, {EncodeEnvelope(request)}, /*dontwait=*/false);
  if (!s.ok()) return s;
  std::vector<zmq::pollitem_t> items{{socket->handle(), 0, ZMQ_POLLIN, 0}};
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return absl::DeadlineExceededError(
          fmt::format("no answer from {} within {} ms", endpoint, timeout.count()));
    }
    auto ready = Poll(items, left);
    if (!ready.ok()) return ready.status();
    if (*ready == 0) continue;
    auto frames = RecvFrames(*socket);
    if (!frames.ok()) return frames.status();
    if (!frames->has_value()) continue;
    const zmq::message_t& last = (**frames).back();
    auto reply = DecodeEnvelope(last);
    if (!reply.ok())
      return absl::DataLossError(
          fmt::format("reply from {}: {}", endpoint, std::string(reply.status().message())));
    return reply;
  }
}

}  // namespace newsflow

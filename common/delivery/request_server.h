// RequestServer: the server side of newsflow's request/reply sockets (the
// store's query socket, ingest's control socket), over a ROUTER. It owns
// the socket and everything about the wire; the service only supplies a
// handler that turns a request into a reply.
//
// A request arrives as [routing frames..., body]: ROUTER prepends the
// peer's identity, a REQ client or a proxy adds an empty delimiter or more
// identities; the reply goes back as [the same routing frames..., reply],
// so it reaches the peer that asked, whatever is in between.
//
// What a peer can send wrong, and what it gets:
//   - a body that is not an Envelope, or one with a payload other than
//     `request_case`: answered with error_reply("bad request: ..."), so a
//     client never waits on a request it got wrong;
//   - a request the handler refuses (returns an error status): answered
//     with error_reply("unauthorised: ..." for kPermissionDenied, else
//     "bad request: ...");
//   - no body, more than kMaxRoutingFrames routing frames, or a message
//     larger than the endpoint's max_message_bytes (libzmq disconnects that
//     peer before reading it): dropped, there is no one sensible to answer.
// Every one of these is counted (bad_requests()) and logged rate-limited
// with the peer and size; none stops the server. A reply to a peer that has
// gone is dropped by the ROUTER.
//
//   RequestServer server({"store.query", v1::Envelope::kQuery}, logger,
//       [&](const v1::Envelope& request) -> absl::StatusOr<v1::Envelope> { ... },
//       [](const std::string& error) { ... envelope with result.error = error ... });
//   RETURN_IF_ERROR(server.Open(context, config.query));
//   server.Run(stop, 100ms);                   // or poll server.socket() in
//   // your own loop and call server.ServePending() when it is readable
//
// Thread-compatible: the socket is created by Open, used and closed (Close,
// or the destructor) on one thread; requests(), bad_requests() and
// endpoint() may be read from any thread.
#ifndef NEWSFLOW_COMMON_DELIVERY_REQUEST_SERVER_H_
#define NEWSFLOW_COMMON_DELIVERY_REQUEST_SERVER_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>

#include <spdlog/spdlog.h>
#include <zmq.hpp>

#include "absl/status/statusor.h"
#include "common/config/newsflow_config.h"
#include "common/delivery/envelope_codec.h"
#include "newsflow/v1/envelope.pb.h"

namespace newsflow {

// Routing frames a request may carry before its body (the ROUTER's identity
// plus what REQ clients and proxies add); more is not a newsflow client.
inline constexpr std::size_t kMaxRoutingFrames = 8;

struct RequestServerOptions {
  std::string name;  // the socket's name in logs: "store.query"
  v1::Envelope::PayloadCase request_case = v1::Envelope::PAYLOAD_NOT_SET;  // the payload served
};

// Answers a well-formed request (its payload is options.request_case). An
// error status refuses it: it is counted and answered with error_reply.
// Runs on the server's thread.
using RequestHandler = std::function<absl::StatusOr<v1::Envelope>(const v1::Envelope& request)>;
// The reply to a refused or malformed request, carrying `error`.
using ErrorReplyFn = std::function<v1::Envelope(const std::string& error)>;

class RequestServer {
 public:
  RequestServer(RequestServerOptions options, std::shared_ptr<spdlog::logger> logger, RequestHandler handler,
                ErrorReplyFn error_reply);
  RequestServer(const RequestServer&) = delete;
  RequestServer& operator=(const RequestServer&) = delete;

  // Binds or connects the ROUTER socket. Errors as OpenSocket.
  absl::Status Open(zmq::context_t& context, const EndpointConfig& endpoint);
  // Closes the socket (on the thread that opened it). Idempotent.
  void Close() { socket_.reset(); }
  // REQUIRES: Open() succeeded.
  zmq::socket_t& socket() { return *socket_; }
  // The bound endpoint with "*" ports resolved (the configured one when
  // connecting); "" before Open.
  std::string endpoint() const;

  // Answers up to `max_requests` queued requests without blocking. Returns
  // kCancelled when the context is shut down, another status when the
  // socket fails; malformed requests are not errors.
  absl::Status ServePending(int max_requests = 100);
  // Polls and serves until `stop` is requested (checked every
  // `poll_interval`) or the context is shut down; both return Ok.
  absl::Status Run(std::stop_token stop, std::chrono::milliseconds poll_interval);

  // Messages received, malformed ones included.
  uint64_t requests() const { return requests_.load(); }
  // Messages dropped or answered with an error by the server or refused by
  // the handler.
  uint64_t bad_requests() const { return bad_input_.count(); }

 private:
  void Serve(std::vector<zmq::message_t>& parts);

  RequestServerOptions options_;
  std::string expected_;  // the served payload's name, for error replies
  RequestHandler handler_;
  ErrorReplyFn error_reply_;
  std::optional<zmq::socket_t> socket_;
  mutable std::mutex endpoint_mu_;
  std::string endpoint_;  // GUARDED_BY(endpoint_mu_)
  std::atomic<uint64_t> requests_{0};
  BadInputReporter bad_input_;
};

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_DELIVERY_REQUEST_SERVER_H_

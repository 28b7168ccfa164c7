#include "common/transport/zmq_socket.h"

#include <fmt/format.h>

#include <atomic>

#include "common/transport/zap_authenticator.h"

namespace newsflow {

absl::Status FromZmqError(const zmq::error_t& e, std::string_view context) {
  std::string message = fmt::format("{}: {}", context, e.what());
  switch (e.num()) {
    case ETERM:
      return absl::CancelledError(message);
    case EAGAIN:
    case EINTR:
    case EADDRINUSE:
    case EHOSTUNREACH:
      return absl::UnavailableError(message);
    case EINVAL:
    case EPROTONOSUPPORT:
    case ENOCOMPATPROTO:
    case EADDRNOTAVAIL:
    case ENODEV:
      return absl::InvalidArgumentError(message);
    default:
      return absl::InternalError(message);
  }
}

bool SendsHeartbeats(zmq::socket_type type) {
  return type == zmq::socket_type::push || type == zmq::socket_type::pub || type == zmq::socket_type::xpub;
}

absl::StatusOr<zmq::socket_t> OpenSocket(zmq::context_t& context, zmq::socket_type type,
                                         const EndpointConfig& ep, std::chrono::milliseconds linger,
                                         const std::function<void(zmq::socket_t&)>& before_connect) {
  try {
    zmq::socket_t socket(context, type);
    socket.set(zmq::sockopt::linger, static_cast<int>(linger.count()));
    socket.set(zmq::sockopt::sndhwm, ep.hwm);
    socket.set(zmq::sockopt::rcvhwm, ep.hwm);
    // A peer announcing a larger frame is disconnected before anything is
    // allocated for it (libzmq checks the declared size in the decoder).
    socket.set(zmq::sockopt::maxmsgsize, ep.max_message_bytes);
    // ZMTP heartbeats: a peer that stops answering (killed host, SIGSTOP,
    // dropped link) is disconnected within seconds instead of holding what
    // was queued to it until TCP gives up. Only senders ping (see the header).
    if (SendsHeartbeats(type)) {
      socket.set(zmq::sockopt::heartbeat_ivl, kHeartbeatIntervalMs);
      socket.set(zmq::sockopt::heartbeat_timeout, kHeartbeatTimeoutMs);
      socket.set(zmq::sockopt::heartbeat_ttl, kHeartbeatTimeoutMs);
    }
    if (!ep.curve_secret_key.empty()) {
      if (ep.bind) {
        socket.set(zmq::sockopt::curve_server, 1);
        socket.set(zmq::sockopt::curve_secretkey, ep.curve_secret_key);
        if (!ep.curve_allowed_clients.empty()) {
          // A ZAP domain of its own, whose list the context's handler
          // checks (unique per socket: addresses such as tcp://*:* repeat).
          static std::atomic<uint64_t> sockets{0};
          const std::string domain = fmt::format("newsflow:{}#{}", ep.address, ++sockets);
          absl::Status admitted = RegisterCurveAllowList(context, domain, ep.curve_allowed_clients);
          if (!admitted.ok()) return admitted;
          socket.set(zmq::sockopt::zap_domain, domain);
        }
      } else {
        socket.set(zmq::sockopt::curve_serverkey, ep.curve_server_key);
        socket.set(zmq::sockopt::curve_publickey, ep.curve_public_key);
        socket.set(zmq::sockopt::curve_secretkey, ep.curve_secret_key);
      }
    }
    if (before_connect) before_connect(socket);
    if (ep.bind) {
      socket.bind(ep.address);
    } else {
      socket.connect(ep.address);
    }
    return socket;
  } catch (const zmq::error_t& e) {
    return FromZmqError(e, fmt::format("{} {}", ep.bind ? "bind" : "connect", ep.address));
  }
}

std::string BoundEndpoint(zmq::socket_t& socket) {
  try {
    return socket.get(zmq::sockopt::last_endpoint);
  } catch (const zmq::error_t&) {
    return "";
  }
}

absl::Status SendFrames(zmq::socket_t& socket, const std::vector<std::string>& frames, bool dontwait) {
  try {
    for (std::size_t i = 0; i < frames.size(); ++i) {
      zmq::send_flags flags = dontwait ? zmq::send_flags::dontwait : zmq::send_flags::none;
      if (i + 1 < frames.size()) flags = flags | zmq::send_flags::sndmore;
      zmq::const_buffer buffer(frames[i].data(), frames[i].size());
      if (!socket.send(buffer, flags)) {
        // Only the first frame can hit the high-water mark: later frames of a
        // multipart message are queued atomically with it.
        return absl::UnavailableError("send: queue full (high-water mark)");
      }
    }
    return absl::OkStatus();
  } catch (const zmq::error_t& e) {
    return FromZmqError(e, "send");
  }
}

absl::StatusOr<std::optional<std::vector<zmq::message_t>>> RecvFrames(zmq::socket_t& socket) {
  try {
    std::vector<zmq::message_t> frames;
    zmq::message_t first;
    if (!socket.recv(first, zmq::recv_flags::dontwait)) return std::nullopt;
    bool more = first.more();
    frames.push_back(std::move(first));
    while (more) {
      zmq::message_t next;
      // The rest of a multipart message is already here once the first part is.
      (void)socket.recv(next, zmq::recv_flags::none);
      more = next.more();
      frames.push_back(std::move(next));
    }
    return frames;
  } catch (const zmq::error_t& e) {
    return FromZmqError(e, "recv");
  }
}

absl::StatusOr<int> Poll(std::vector<zmq::pollitem_t>& items, std::chrono::milliseconds timeout) {
  try {
    return zmq::poll(items.data(), items.size(), timeout);
  } catch (const zmq::error_t& e) {
    if (e.num() == EINTR) return 0;
    return FromZmqError(e, "poll");
  }
}

}  // namespace newsflow

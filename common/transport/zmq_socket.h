// ZeroMQ socket helpers: every socket newsflow opens is made here from an
// EndpointConfig, and every zmq::error_t is turned into a Status here
// (STYLE.md B3: exceptions stay at foreign boundaries).
//
// Threading: a zmq::socket_t must be created, used and closed on one thread
// (zguide "Making a Clean Exit"); these helpers do not change that rule.
// Cancellation: context_t::shutdown() makes blocked calls fail with ETERM,
// which every helper maps to kCancelled.
#ifndef NEWSFLOW_COMMON_TRANSPORT_ZMQ_SOCKET_H_
#define NEWSFLOW_COMMON_TRANSPORT_ZMQ_SOCKET_H_

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "absl/status/statusor.h"
#include "common/config/newsflow_config.h"

namespace newsflow {

// ZMTP heartbeats, sent by the sockets that only send (PUSH, PUB, XPUB): a
// peer silent for kHeartbeatTimeoutMs is disconnected (its queue dropped; the
// outbox resends what it held). The PINGs carry the same time as a TTL, so the
// receiving end also drops a sender that went silent. Receiving sockets run no
// heartbeat timer of their own: in libzmq 4.3 a heartbeat timer that fires on
// a connection whose input was stopped by a full receive queue and then
// marked failed writes on it anyway and aborts the process (assertion
// `!_io_error` in stream_engine_base.cpp), which a worker resumed after a
// pause longer than the timeout could hit.
inline constexpr int kHeartbeatIntervalMs = 1000;
inline constexpr int kHeartbeatTimeoutMs = 5000;

// Whether sockets of `type` send heartbeats (the send-only types).
bool SendsHeartbeats(zmq::socket_type type);

// Creates a socket of `type`, sets linger, high-water marks, the largest
// message accepted (ep.max_message_bytes: a peer that sends a bigger one is
// disconnected) and CurveZMQ keys from `ep` (a CURVE server with curve_allowed_clients admits only those
// clients; see zap_authenticator.h), then binds or connects. `linger` bounds how long unsent messages
// are kept at close. Errors: kInvalidArgument (bad address or key),
// kUnavailable (address in use), kCancelled (context shut down).
// `before_connect`, when given, runs on the configured socket right before it
// binds or connects (e.g. to start a socket monitor that sees the first
// connection).
absl::StatusOr<zmq::socket_t> OpenSocket(zmq::context_t& context, zmq::socket_type type,
                                         const EndpointConfig& ep,
                                         std::chrono::milliseconds linger = std::chrono::milliseconds(0),
                                         const std::function<void(zmq::socket_t&)>& before_connect = {});

// The endpoint a socket bound to, with "*" ports resolved ("tcp://127.0.0.1:40123").
std::string BoundEndpoint(zmq::socket_t& socket);

// Sends `frames` as one multipart message. With `dontwait`, a full queue
// (high-water mark) returns kUnavailable and nothing is sent.
absl::Status SendFrames(zmq::socket_t& socket, const std::vector<std::string>& frames, bool dontwait = true);

// Receives one multipart message without blocking; nullopt when none is queued.
absl::StatusOr<std::optional<std::vector<zmq::message_t>>> RecvFrames(zmq::socket_t& socket);

// Polls `items` for up to `timeout`. Returns the number of ready items.
absl::StatusOr<int> Poll(std::vector<zmq::pollitem_t>& items, std::chrono::milliseconds timeout);

// Maps a zmq::error_t to a Status with `context` ("send store.acks").
absl::Status FromZmqError(const zmq::error_t& e, std::string_view context);

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_TRANSPORT_ZMQ_SOCKET_H_

// Client authentication for CurveZMQ server sockets: a ZAP handler (ZeroMQ
// Authentication Protocol, RFC 27) that admits only the client public keys
// listed for a socket.
//
// A context gets one handler, started by the first allow-list registered on
// it: a REP socket bound to inproc://zeromq.zap.01 on the context and a
// thread that answers libzmq's requests. Each server socket with an
// allow-list has its own ZAP domain; requests for any other domain (CURVE
// servers without a list) are admitted, as they would be without a handler.
// The thread ends when the context is shut down or closed.
//
//   RegisterCurveAllowList(context, "newsflow:tcp://0.0.0.0:5561", {client_z85});
//   socket.set(zmq::sockopt::zap_domain, "newsflow:tcp://0.0.0.0:5561");
//   socket.bind(...);
//
// Thread-safe.
#ifndef NEWSFLOW_COMMON_TRANSPORT_ZAP_AUTHENTICATOR_H_
#define NEWSFLOW_COMMON_TRANSPORT_ZAP_AUTHENTICATOR_H_

#include <string>
#include <vector>

#include <zmq.hpp>

#include "absl/status/status.h"

namespace newsflow {

// Admits on `context`, for ZAP domain `domain`, exactly the CURVE clients
// whose public keys are in `z85_public_keys` (40-character Z85), replacing an
// earlier list for the domain. Starts the context's handler if needed, before
// returning, so that a socket bound afterwards is covered from its first
// handshake. Errors: kInvalidArgument (a key that is not Z85, an empty list),
// kUnavailable (another ZAP handler already serves the context).
absl::Status RegisterCurveAllowList(zmq::context_t& context, const std::string& domain,
                                    const std::vector<std::string>& z85_public_keys);

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_TRANSPORT_ZAP_AUTHENTICATOR_H_

// Request/reply over a DEALER socket to a ROUTER service (the store's query
// socket, ingest's control socket). One socket per call keeps the client
// trivially correct across timeouts: a late reply lands on a closed socket.
#ifndef NEWSFLOW_COMMON_DELIVERY_REQUEST_CLIENT_H_
#define NEWSFLOW_COMMON_DELIVERY_REQUEST_CLIENT_H_

#include <chrono>
#include <string>

#include <zmq.hpp>

#include "absl/status/statusor.h"
#include "newsflow/v1/envelope.pb.h"

namespace newsflow {

// Sends `request` to `endpoint` and waits up to `timeout` for the reply.
// Errors: kDeadlineExceeded (no answer: service down or busy),
// kInvalidArgument (bad endpoint), kDataLoss (reply does not decode).
absl::StatusOr<v1::Envelope> Request(zmq::context_t& context, const std::string& endpoint,
                                     const v1::Envelope& request, std::chrono::milliseconds timeout);

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_DELIVERY_REQUEST_CLIENT_H_

// ServiceGroup runs several services in one process with an ordered start and
// an ordered drain (benthos StopGracefully, adapted):
//
//  - start: services start in the given order, each only after the previous
//    one reported ready (so binders exist before connecters, though ZeroMQ
//    would tolerate either);
//  - stop: when `stop` is requested or any service fails, services are
//    stopped in REVERSE order, each drained before the next is asked, so
//    upstream stops producing before downstream stops consuming;
//  - deadline: if the whole drain exceeds `drain_deadline`, the context is
//    shut down, which makes every blocked ZeroMQ call return ETERM; a
//    service still running 2 s after that ends the process with
//    kDrainDeadlineExitCode (logged), as the supervisor's kill would.
//
// `newsflow run` passes {store, enrich, ingest}; a daemon passes one service.
#ifndef NEWSFLOW_COMMON_RUNTIME_SERVICE_GROUP_H_
#define NEWSFLOW_COMMON_RUNTIME_SERVICE_GROUP_H_

#include <chrono>
#include <memory>
#include <stop_token>
#include <vector>

#include <spdlog/spdlog.h>
#include <zmq.hpp>

#include "absl/status/status.h"
#include "common/runtime/service.h"

namespace newsflow {

inline constexpr int kDrainDeadlineExitCode = 1;

// Blocks until every service has returned. `on_ready` is called once, with
// all services' endpoints merged, after the last one is ready. Returns the
// first service error, or OkStatus after a clean drain.
absl::Status RunServiceGroup(std::vector<std::unique_ptr<Service>> services, zmq::context_t& context,
                             std::stop_token stop, std::chrono::milliseconds drain_deadline,
                             const ReadyFn& on_ready, const std::shared_ptr<spdlog::logger>& logger);

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_RUNTIME_SERVICE_GROUP_H_

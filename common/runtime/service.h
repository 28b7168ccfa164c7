// Service: one newsflow daemon's body (ingest, enrich or store).
//
// A service is built from config and a shared zmq::context_t, then Run() on a
// thread the caller owns. Run() binds/connects its sockets, calls `ready`
// once with the endpoints it actually bound ("*" ports resolved), and works
// until `stop` is requested. It then drains: stops taking new input, finishes
// what it holds, and returns OkStatus. A fatal error returns early with that
// error. Run() is called at most once per object.
//
//   auto store = store::MakeStoreService(config, context);
//   std::jthread t([&](std::stop_token st) { status = store->Run(st, OnReady); });
#ifndef NEWSFLOW_COMMON_RUNTIME_SERVICE_H_
#define NEWSFLOW_COMMON_RUNTIME_SERVICE_H_

#include <functional>
#include <map>
#include <memory>
#include <stop_token>
#include <string>

#include <zmq.hpp>

#include "absl/status/status.h"
#include "common/config/newsflow_config.h"

namespace newsflow {

// Role name ("store.query") -> bound endpoint ("tcp://127.0.0.1:40123").
using EndpointMap = std::map<std::string, std::string>;
using ReadyFn = std::function<void(const EndpointMap& endpoints)>;

class Service {
 public:
  virtual ~Service() = default;
  virtual std::string name() const = 0;
  virtual absl::Status Run(std::stop_token stop, const ReadyFn& ready) = 0;
};

// Builds a service from the whole config (it reads its own section).
using ServiceFactory = std::function<absl::StatusOr<std::unique_ptr<Service>>(const NewsflowConfig& config,
                                                                              zmq::context_t& context)>;

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_RUNTIME_SERVICE_H_

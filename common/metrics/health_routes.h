// The operational routes every daemon serves on its HTTP server:
//
//   GET /healthz   liveness: 200 {"status": "ok", ...} while the process serves
//   GET /readyz    readiness: 200 {"ready": true} or 503 {"ready": false,
//                  "reason": "..."}: whether the daemon does its job right now
//                  (connected, its database writable, its peer acking)
//   GET /metrics   the registry in the Prometheus text format 0.0.4
//
// /healthz is public (no token; HttpServerOptions::public_paths), the other
// two need the server's bearer token when one is set. A load balancer or
// Kubernetes restarts on liveness and routes on readiness, so /healthz stays
// 200 through outages that a restart would not cure.
#ifndef NEWSFLOW_COMMON_METRICS_HEALTH_ROUTES_H_
#define NEWSFLOW_COMMON_METRICS_HEALTH_ROUTES_H_

#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "common/metrics/metrics.h"
#include "common/transport/http_server.h"

namespace newsflow {

struct Readiness {
  bool ready = true;
  std::string reason;     // why not, when !ready
  nlohmann::json detail;  // optional object merged into the answer (both cases)
};

// Registers the three routes on `server` before it starts. `ready` (may be
// null: always ready) and `health_detail` (may be null) run on the server's
// threads; they and `registry` must outlive the server.
void InstallHealthRoutes(HttpServer& server, std::shared_ptr<const metrics::Registry> registry,
                         const std::function<Readiness()>& ready,
                         const std::function<nlohmann::json()>& health_detail = nullptr);

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_METRICS_HEALTH_ROUTES_H_

#include "common/metrics/health_routes.h"

#include <utility>

namespace newsflow {

void InstallHealthRoutes(HttpServer& server, std::shared_ptr<const metrics::Registry> registry,
                         const std::function<Readiness()>& ready,
                         const std::function<nlohmann::json()>& health_detail) {
  server.Route("GET", "/healthz", [health_detail](const HttpRequest&) {
    nlohmann::json body = {{"status", "ok"}};
    if (health_detail) body.update(health_detail());
    return HttpResponse::Json(200, body);
  });
  server.Route("GET", "/readyz", [ready](const HttpRequest&) {
    Readiness r = ready ? ready() : Readiness{};
    nlohmann::json body = {{"ready", r.ready}};
    if (!r.ready) body["reason"] = r.reason;
    if (r.detail.is_object()) body.update(r.detail);
    return HttpResponse::Json(r.ready ? 200 : 503, body);
  });
  server.Route("GET", "/metrics", [registry = std::move(registry)](const HttpRequest&) {
    return HttpResponse::Text(200, registry->Render(), metrics::kContentType);
  });
}

}  // namespace newsflow

#include "services/store/status_api.h"

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/util/time.h"

namespace newsflow::store {
namespace {

using Clock = std::chrono::steady_clock;

// Scrapes closer together than this give no rate (noise).
constexpr double kMinRateSeconds = 0.5;

// The previous scrape of each daemon, for rates.
struct Previous {
  std::mutex mu;
  std::map<std::string, std::pair<metrics::DaemonFigures, Clock::time_point>> by_url;  // GUARDED_BY(mu)
};

struct Observation {
  metrics::ScrapeTarget target;
  bool up = false;
  bool healthy = false;
  bool ready = false;
  std::string reason;
  std::string error;
  std::optional<metrics::DaemonFigures> figures;
  Clock::time_point at;
};

std::string ReasonOf(const metrics::HttpReply& reply) {
  auto body = nlohmann::json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
  for (const char* key : {"reason", "problem", "error"}) {
    if (body.is_object() && body.contains(key) && body[key].is_string()) return body[key].get<std::string>();
  }
  return fmt::format("HTTP {}", reply.status);
}

void Probe(Observation& o) {
  const metrics::ScrapeTarget& t = o.target;
  auto health = metrics::HttpGet(t.url + "/healthz", t.token, kStatusTimeout);
  if (!health.ok()) {
    o.error = std::string(health.status().message());
    return;
  }
  o.up = true;
  o.healthy = health->status == 200;
  if (!o.healthy) o.reason = ReasonOf(*health);
  auto ready = metrics::HttpGet(t.url + "/readyz", t.token, kStatusTimeout);
  if (!ready.ok()) {
    o.error = std::string(ready.status().message());
    return;
  }
  o.ready = ready->status == 200;
  if (!o.ready && o.reason.empty()) o.reason = ReasonOf(*ready);
  auto scraped = metrics::HttpGet(t.url + "/metrics", t.token, kStatusTimeout);
  o.at = Clock::now();
  if (!scraped.ok()) {
    o.error = std::string(scraped.status().message());
  } else if (scraped->status != 200) {
    o.error = fmt::format("/metrics: HTTP {}", scraped->status);
  } else {
    o.figures = metrics::FiguresOf(t.daemon, metrics::ParseMetricsText(scraped->body));
  }
}

nlohmann::json ToJson(const Observation& o, const std::optional<metrics::DaemonFigures>& before,
                      double seconds) {
  nlohmann::json j = {{"daemon", o.target.daemon},
                      {"url", o.target.url},
                      {"up", o.up},
                      {"healthy", o.healthy},
                      {"ready", o.ready}};
  if (!o.reason.empty()) j["reason"] = o.reason;
  if (!o.error.empty()) j["error"] = o.error;
  if (!o.figures) return j;
  const metrics::DaemonFigures& f = *o.figures;
  j["articles"] = f.articles;
  j["errors"] = f.errors;
  auto put = [&j](const char* name, const std::optional<double>& v) {
    if (v) j[name] = *v;
  };
  put("outbox", f.outbox);
  put("dead_letters", f.dead_letters);
  put("failing_feeds", f.failing_feeds);
  put("connected_threads", f.connected);
  put("stored", f.stored);
  put("commits_failing", f.commits_failing);
  const bool rate = before.has_value() && seconds > 0;
  if (rate) j["articles_per_second"] = std::max(0.0, f.articles - before->articles) / seconds;
  j["summary"] = metrics::SummaryLine(f, rate ? &*before : nullptr, seconds);
  return j;
}

}  // namespace

void InstallStatusApi(HttpServer& server, const std::vector<metrics::ScrapeTarget>& targets) {
  auto previous = std::make_shared<Previous>();
  const std::string address = server.options().address;
  server.Route(
      "GET", "/v1/status",
      [&server, targets, previous, address](const HttpRequest&) {
        std::vector<Observation> observations;
        observations.reserve(targets.size());
        for (metrics::ScrapeTarget t : targets) {
          if (t.daemon == "store") t.url = metrics::HttpBaseUrl(address, server.port());
          observations.push_back({.target = std::move(t)});
        }
        {
          std::vector<std::jthread> probes;
          probes.reserve(observations.size());
          for (Observation& o : observations) probes.emplace_back([&o] { Probe(o); });
        }
        nlohmann::json daemons = nlohmann::json::array();
        std::lock_guard lock(previous->mu);
        for (const Observation& o : observations) {
          std::optional<metrics::DaemonFigures> before;
          double seconds = 0;
          const std::string key = o.target.daemon + " " + o.target.url;
          auto it = previous->by_url.find(key);
          if (it != previous->by_url.end()) {
            seconds = std::chrono::duration<double>(o.at - it->second.second).count();
            if (seconds >= kMinRateSeconds && seconds < std::chrono::duration<double>(kMaxRateAge).count()) {
              before = it->second.first;
            }
          }
          daemons.push_back(ToJson(o, before, seconds));
          // Two requests close together (two open pages) keep the older scrape,
          // so that the rate stays measured over a useful interval.
          if (o.figures && (it == previous->by_url.end() || seconds >= kMinRateSeconds)) {
            previous->by_url[key] = {*o.figures, o.at};
          }
        }
        return HttpResponse::Json(200, {{"daemons", daemons}, {"time", FormatRfc3339Utc(NowMs())}});
      },
      RouteOptions{.blocking = true});
}

}  // namespace newsflow::store

#include "services/cli/status_command.h"

#include <iostream>
#include <optional>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/metrics/scrape.h"
#include "common/runtime/service_main.h"

namespace newsflow::cli {
namespace {

constexpr std::chrono::milliseconds kTimeout(2000);

using Target = metrics::ScrapeTarget;

struct Observation {
  Target target;
  std::string error;  // set when the daemon could not be reached
  bool healthy = false;
  bool ready = false;
  std::string reason;  // why not ready
  std::optional<metrics::DaemonFigures> first;
  std::optional<metrics::DaemonFigures> second;
  std::string summary;
};

std::optional<metrics::DaemonFigures> Scrape(const Target& t, std::string* error) {
  auto reply = metrics::HttpGet(t.url + "/metrics", t.token, kTimeout);
  if (!reply.ok()) {
    *error = std::string(reply.status().message());
    return std::nullopt;
  }
  if (reply->status != 200) {
    *error = fmt::format("/metrics: HTTP {}", reply->status);
    return std::nullopt;
  }
  return metrics::FiguresOf(t.daemon, metrics::ParseMetricsText(reply->body));
}

void Probe(Observation& o) {
  const Target& t = o.target;
  auto health = metrics::HttpGet(t.url + "/healthz", t.token, kTimeout);
  if (!health.ok()) {
    o.error = std::string(health.status().message());
    return;
  }
  o.healthy = health->status == 200;
  auto ready = metrics::HttpGet(t.url + "/readyz", t.token, kTimeout);
  if (!ready.ok()) {
    o.error = std::string(ready.status().message());
    return;
  }
  o.ready = ready->status == 200;
  if (!o.ready) {
    auto body = nlohmann::json::parse(ready->body, nullptr, /*allow_exceptions=*/false);
    o.reason = body.is_object() && body.contains("reason") && body["reason"].is_string()
                   ? body["reason"].get<std::string>()
                   : fmt::format("HTTP {}", ready->status);
  }
  o.first = Scrape(t, &o.error);
}

std::string TokenFor(const NewsflowConfig& config, const std::string& daemon) {
  if (daemon == "store") return config.store.http_token;
  if (daemon == "ingest") return config.ingest.api_token;
  return config.enrich.http_token;
}

}  // namespace

int RunStatus(const NewsflowConfig& config, const StatusOptions& options) {
  std::vector<Target> targets = metrics::ScrapeTargetsOf(config);
  bool replaced[3] = {false, false, false};  // store, ingest, enrich: the first --url replaces
  for (const std::string& spec : options.urls) {
    size_t eq = spec.find('=');
    std::string daemon = spec.substr(0, eq);
    int index = daemon == "store" ? 0 : daemon == "ingest" ? 1 : daemon == "enrich" ? 2 : -1;
    if (eq == std::string::npos || index < 0 || spec.compare(eq + 1, 7, "http://") != 0) {
      std::cerr << "newsflow status: --url wants store|ingest|enrich=http://HOST:PORT, not \"" << spec
                << "\"\n";
      return kExitUsage;
    }
    if (!replaced[index]) {
      std::erase_if(targets, [&](const Target& t) { return t.daemon == daemon; });
      replaced[index] = true;
    }
    std::string url = spec.substr(eq + 1);
    while (!url.empty() && url.back() == '/') url.pop_back();
    targets.push_back({daemon, url, TokenFor(config, daemon)});
  }

  std::vector<Observation> observations;
  observations.reserve(targets.size());
  for (const Target& t : targets) observations.push_back({.target = t});
  // Probe all, wait, scrape again: one interval for the whole table.
  std::vector<std::jthread> probes;
  probes.reserve(observations.size());
  for (Observation& o : observations) probes.emplace_back([&o] { Probe(o); });
  probes.clear();
  probes.reserve(observations.size());
  auto first_at = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(options.interval_s));
  for (Observation& o : observations) {
    if (o.first) probes.emplace_back([&o] { o.second = Scrape(o.target, &o.error); });
  }
  probes.clear();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - first_at).count();

  bool all_ok = !observations.empty();
  for (Observation& o : observations) {
    if (o.second) o.summary = metrics::SummaryLine(*o.second, &*o.first, seconds);
    all_ok = all_ok && o.error.empty() && o.healthy && o.ready;
    if (options.json) {
      nlohmann::json j{
          {"daemon", o.target.daemon}, {"url", o.target.url}, {"healthy", o.healthy}, {"ready", o.ready}};
      if (!o.reason.empty()) j["reason"] = o.reason;
      if (!o.error.empty()) j["error"] = o.error;
      if (!o.summary.empty()) j["summary"] = o.summary;
      if (o.first && o.second) j["articles_per_second"] = (o.second->articles - o.first->articles) / seconds;
      std::cout << j.dump() << "\n";
      continue;
    }
    std::string health = !o.error.empty() && !o.healthy ? "DOWN" : o.healthy ? "healthy" : "UNHEALTHY";
    std::string ready = o.ready ? "ready" : (o.healthy ? "NOT READY" : "-");
    std::string detail = o.summary;
    if (!o.reason.empty()) detail += fmt::format("{}({})", detail.empty() ? "" : "  ", o.reason);
    if (!o.error.empty()) detail += fmt::format("{}{}", detail.empty() ? "" : "  ", o.error);
    std::cout << fmt::format("{:<7} {:<28} {:<9} {:<9} {}\n", o.target.daemon, o.target.url, health, ready,
                             detail);
  }
  if (observations.empty()) std::cerr << "newsflow status: no daemon with an HTTP address in the config\n";
  return all_ok ? kExitOk : kExitFailure;
}

}  // namespace newsflow::cli

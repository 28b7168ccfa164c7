#include "common/runtime/service_main.h"

#include <cstdio>
#include <cstdlib>

#include <condition_variable>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "common/log/logging.h"
#include "common/metrics/scrape.h"
#include "common/runtime/service_group.h"
#include "common/runtime/stop_signal.h"
#include "common/runtime/systemd_notify.h"

namespace newsflow {
namespace {

constexpr std::chrono::seconds kStatusInterval(5);

// The daemon's own HTTP server ("<name>.http", ingest's "ingest.api") and
// the token its /metrics needs.
std::pair<std::string, std::string> OwnMetricsUrl(const std::string& name, const NewsflowConfig& config,
                                                  const EndpointMap& endpoints) {
  std::string role = name == "ingest" ? "ingest.api" : name + ".http";
  auto it = endpoints.find(role);
  if (it == endpoints.end()) return {};
  std::string token = name == "ingest"   ? config.ingest.api_token
                      : name == "enrich" ? config.enrich.http_token
                                         : config.store.http_token;
  return {it->second + "/metrics", token};
}

// After READY=1: pings the watchdog while every main loop beats
// (systemd_notify.h) and sends a STATUS= summary of the daemon's own
// /metrics every kStatusInterval. Runs only under systemd (NOTIFY_SOCKET).
class Notifier {
 public:
  Notifier(std::string name, std::string metrics_url, std::string token,
           std::shared_ptr<spdlog::logger> logger)
      : name_(std::move(name)),
        metrics_url_(std::move(metrics_url)),
        token_(std::move(token)),
        logger_(std::move(logger)),
        watchdog_(SdWatchdogInterval()),
        thread_([this](std::stop_token stop) { Loop(stop); }) {}

 private:
  void Loop(std::stop_token stop) {
    using std::chrono::milliseconds;
    // Ping three times per interval; a loop silent for half of it counts
    // as stalled, so systemd kills a hung daemon within 1.5 intervals.
    milliseconds period = kStatusInterval;
    milliseconds stall_limit{0};
    if (watchdog_) {
      period = std::min<milliseconds>(period, std::chrono::duration_cast<milliseconds>(*watchdog_) / 3);
      stall_limit = std::chrono::duration_cast<milliseconds>(*watchdog_) / 2;
      logger_->info("systemd watchdog every {} ms; pinged while every main loop beats",
                    watchdog_->count() / 1000);
    }
    auto next_status = std::chrono::steady_clock::now();
    std::mutex mu;
    std::condition_variable_any cv;
    RateLimitedLog stalled_log;
    while (!stop.stop_requested()) {
      if (watchdog_) {
        auto stalest = FindStalestLoop();
        uint64_t suppressed = 0;
        if (!stalest || stalest->since_beat < stall_limit) {
          SdNotify("WATCHDOG=1");
        } else if (stalled_log.ShouldLog(&suppressed)) {
          logger_->error(
              "watchdog: loop {} made no progress for {} ms; withholding the systemd ping suppressed={}",
              stalest->name, stalest->since_beat.count(), suppressed);
        }
      }
      if (std::chrono::steady_clock::now() >= next_status) {
        next_status = std::chrono::steady_clock::now() + kStatusInterval;
        SendStatus();
      }
      std::unique_lock lock(mu);
      cv.wait_for(lock, stop, period, [] { return false; });
    }
  }

  void SendStatus() {
    if (metrics_url_.empty()) return;
    auto reply = metrics::HttpGet(metrics_url_, token_, std::chrono::seconds(2));
    if (!reply.ok() || reply->status != 200) return;
    auto now = std::chrono::steady_clock::now();
    metrics::DaemonFigures figures = metrics::FiguresOf(name_, metrics::ParseMetricsText(reply->body));
    double seconds = std::chrono::duration<double>(now - last_at_).count();
    SdNotify("STATUS=" + metrics::SummaryLine(figures, last_ ? &*last_ : nullptr, seconds));
    last_ = figures;
    last_at_ = now;
  }

  std::string name_;
  std::string metrics_url_;
  std::string token_;
  std::shared_ptr<spdlog::logger> logger_;
  std::optional<std::chrono::microseconds> watchdog_;
  std::optional<metrics::DaemonFigures> last_;
  std::chrono::steady_clock::time_point last_at_;
  std::jthread thread_;  // last: stopped and joined first
};

}  // namespace

absl::StatusOr<NewsflowConfig> LoadConfigWithOverrides(const std::string& path, const std::string& data_dir,
                                                       const std::string& log_level) {
  NewsflowConfig config;
  if (path.empty()) {
    config = DefaultConfig();
  } else {
    auto loaded = LoadConfig(path);
    if (!loaded.ok()) return loaded.status();
    config = *std::move(loaded);
  }
  if (!data_dir.empty()) {
    // Derived folders follow the override unless the file set them apart.
    if (config.ingest.data_dir == config.data_dir + "/ingest") config.ingest.data_dir = data_dir + "/ingest";
    if (config.store.data_dir == config.data_dir + "/store") config.store.data_dir = data_dir + "/store";
    if (config.enrich.journal_dir == config.data_dir + "/enrich-journal") {
      config.enrich.journal_dir = data_dir + "/enrich-journal";
    }
    config.data_dir = data_dir;
  }
  if (!log_level.empty()) {
    auto level = spdlog::level::from_str(log_level);
    if (level == spdlog::level::off && log_level != "off") {
      return absl::InvalidArgumentError(fmt::format("--log-level: unknown level \"{}\"", log_level));
    }
    config.logging.level = log_level;
  }
  return config;
}

absl::Status WriteEndpointsFile(const std::string& path, const EndpointMap& endpoints) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [role, address] : endpoints) j[role] = address;
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << j.dump(2) << "\n";
    if (!out) return absl::UnavailableError(fmt::format("write {}: failed", tmp));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(fmt::format("rename {}: failed", tmp));
  }
  return absl::OkStatus();
}

int RunService(int argc, char** argv, const std::string& name, const ServiceFactory& factory,
               const std::vector<ServiceFlag>& flags) {
  CLI::App app{fmt::format("newsflow-{}: the newsflow {} daemon", name, name)};
  std::string config_path, data_dir, log_level, endpoints_file;
  bool check_only = false;
  app.add_option("-c,--config", config_path, "YAML config file (default: built-in defaults)");
  app.add_flag("--check-config", check_only, "validate the config and exit");
  app.add_option("--data-dir", data_dir, "override data_dir");
  app.add_option("--log-level", log_level, "override logging.level");
  app.add_option("--endpoints-file", endpoints_file, "write bound endpoints as JSON to this file once ready");
  for (const ServiceFlag& flag : flags) app.add_flag(flag.name, *flag.value, flag.help);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }

  BlockStopSignals();
  auto config = LoadConfigWithOverrides(config_path, data_dir, log_level);
  if (!config.ok()) {
    std::cerr << "newsflow-" << name << ": invalid config: " << config.status().message() << "\n";
    return kExitUsage;
  }
  if (check_only) {
    std::cout << "config ok\n";
    return kExitOk;
  }
  if (absl::Status s = InitLogging(config->logging); !s.ok()) {
    std::cerr << "newsflow-" << name << ": " << s.message() << "\n";
    return kExitFailure;
  }
  auto logger = MakeLogger(name);

  int exit_code = kExitOk;
  {
    zmq::context_t context(1);
    auto service = factory(*config, context);
    if (!service.ok()) {
      logger->error("cannot start: {}", std::string(service.status().message()));
      return absl::IsInvalidArgument(service.status()) ? kExitUsage : kExitFailure;
    }
    std::vector<std::unique_ptr<Service>> services;
    services.push_back(*std::move(service));
    std::stop_source stop;
    std::optional<Notifier> notifier;
    // The drain starts when a stop is requested (or a service fails, below).
    std::stop_callback announce_stop(stop.get_token(), [] { SdNotify("STOPPING=1\nSTATUS=draining"); });
    SignalWatcher watcher(stop, [logger] {
      absl::Status s = ReopenLogs();
      if (s.ok()) {
        logger->info("SIGHUP: log file reopened");
      } else {
        logger->error("SIGHUP: {}", std::string(s.message()));
      }
    });
    absl::Status s = RunServiceGroup(
        std::move(services), context, stop.get_token(), std::chrono::milliseconds(config->drain.deadline_ms),
        [&](const EndpointMap& endpoints) {
          for (const auto& [role, address] : endpoints) {
            logger->info("listening role={} endpoint={}", role, address);
          }
          if (!endpoints_file.empty()) {
            absl::Status w = WriteEndpointsFile(endpoints_file, endpoints);
            if (!w.ok()) logger->error("{}", std::string(w.message()));
          }
          // Serving now: every service bound its sockets and HTTP server.
          SdNotify("READY=1\nSTATUS=serving");
          if (std::getenv("NOTIFY_SOCKET") != nullptr) {
            auto [url, token] = OwnMetricsUrl(name, *config, endpoints);
            notifier.emplace(name, url, token, logger);
          }
        },
        logger);
    notifier.reset();
    if (!stop.stop_requested()) SdNotify("STOPPING=1");
    if (!s.ok()) {
      logger->error("stopped with error: {}", std::string(s.message()));
      exit_code = absl::IsInvalidArgument(s) ? kExitUsage : kExitFailure;
    } else {
      logger->info("stopped cleanly");
    }
  }
  return exit_code;
}

}  // namespace newsflow

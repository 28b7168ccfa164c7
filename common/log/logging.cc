#include "common/log/logging.h"

#include <cstdlib>

#include <spdlog/cfg/env.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace newsflow {
namespace {

std::mutex g_mu;
spdlog::sink_ptr g_sink;  // GUARDED_BY(g_mu)
spdlog::level::level_enum g_level = spdlog::level::info;

spdlog::sink_ptr SharedSink() {
  std::lock_guard lock(g_mu);
  if (!g_sink) g_sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  return g_sink;
}

}  // namespace

void InitLogging(const LoggingConfig& config) {
  spdlog::sink_ptr sink = SharedSink();
  sink->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %n: %v");
  g_level = spdlog::level::from_str(config.level);
  spdlog::set_level(g_level);
  spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) { l->set_level(g_level); });
  if (std::getenv("SPDLOG_LEVEL") != nullptr) spdlog::cfg::load_env_levels();
}

std::shared_ptr<spdlog::logger> MakeLogger(const std::string& name) {
  if (auto existing = spdlog::get(name)) return existing;
  auto logger = std::make_shared<spdlog::logger>(name, SharedSink());
  logger->set_level(g_level);
  logger->flush_on(spdlog::level::warn);
  try {
    spdlog::register_logger(logger);
  } catch (const spdlog::spdlog_ex&) {
    // Another thread registered it first.
    if (auto existing = spdlog::get(name)) return existing;
  }
  return logger;
}

std::shared_ptr<spdlog::logger> NullLogger() {
  static auto logger =
      std::make_shared<spdlog::logger>("null", std::make_shared<spdlog::sinks::null_sink_mt>());
  return logger;
}

bool RateLimitedLog::ShouldLog(uint64_t* suppressed) {
  std::lock_guard lock(mu_);
  auto now = std::chrono::steady_clock::now();
  if (!logged_once_ || now - last_ >= interval_) {
    logged_once_ = true;
    last_ = now;
    *suppressed = suppressed_;
    suppressed_ = 0;
    return true;
  }
  ++suppressed_;
  return false;
}

}  // namespace newsflow

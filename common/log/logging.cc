#include "common/log/logging.h"

#include <cstdlib>

#include <fmt/format.h>
#include <spdlog/cfg/env.h>
#include <spdlog/details/file_helper.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/dist_sink.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace newsflow {
namespace {

constexpr char kPattern[] = "%Y-%m-%dT%H:%M:%S.%e %l %n: %v";

// Appends to a file that Reopen() opens again under the same name.
class ReopenableFileSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  // Throws spdlog::spdlog_ex when the file cannot be opened.
  explicit ReopenableFileSink(const std::string& path) { file_.open(path, /*truncate=*/false); }

  void Reopen() {
    std::lock_guard lock(mutex_);
    file_.reopen(/*truncate=*/false);
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    file_.write(formatted);
  }
  void flush_() override { file_.flush(); }

 private:
  spdlog::details::file_helper file_;
};

std::mutex g_mu;
// Every logger writes to this one sink; InitLogging() points it at stderr
// or at the log file, also for loggers made before it ran.
std::shared_ptr<spdlog::sinks::dist_sink_mt> g_sink;  // GUARDED_BY(g_mu)
std::shared_ptr<ReopenableFileSink> g_file;           // GUARDED_BY(g_mu)
spdlog::level::level_enum g_level = spdlog::level::info;

std::shared_ptr<spdlog::sinks::dist_sink_mt> SharedSink() {
  std::lock_guard lock(g_mu);
  if (!g_sink) {
    g_sink = std::make_shared<spdlog::sinks::dist_sink_mt>();
    g_sink->add_sink(std::make_shared<spdlog::sinks::stderr_sink_mt>());
    g_sink->set_pattern(kPattern);
  }
  return g_sink;
}

}  // namespace

absl::Status InitLogging(const LoggingConfig& config) {
  auto sink = SharedSink();
  g_level = spdlog::level::from_str(config.level);
  spdlog::set_level(g_level);
  spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) { l->set_level(g_level); });
  if (std::getenv("SPDLOG_LEVEL") != nullptr) spdlog::cfg::load_env_levels();
  if (config.file.empty()) return absl::OkStatus();
  std::shared_ptr<ReopenableFileSink> file;
  try {
    file = std::make_shared<ReopenableFileSink>(config.file);
  } catch (const spdlog::spdlog_ex& e) {
    return absl::UnavailableError(fmt::format("logging.file: {}", e.what()));
  }
  file->set_pattern(kPattern);
  sink->set_sinks({file});
  std::lock_guard lock(g_mu);
  g_file = std::move(file);
  return absl::OkStatus();
}

absl::Status ReopenLogs() {
  std::shared_ptr<ReopenableFileSink> file;
  {
    std::lock_guard lock(g_mu);
    file = g_file;
  }
  if (!file) return absl::OkStatus();
  try {
    file->Reopen();
  } catch (const spdlog::spdlog_ex& e) {
    return absl::UnavailableError(fmt::format("logging.file: {}", e.what()));
  }
  return absl::OkStatus();
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

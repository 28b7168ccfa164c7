// Logging setup. InitLogging() runs once per process (from RunService or the
// CLI); components then get named loggers with MakeLogger("store.writer").
// Logs go to stderr, so stdout stays free for data (`newsflow run` prints
// the article stream there), or are appended to `logging.file`, which
// ReopenLogs() (SIGHUP) reopens after a rotation. Pattern:
// "%Y-%m-%dT%H:%M:%S.%e %l %n: %v", one line per event (a newline inside a
// message becomes "\n"), or with logging.format json one object a line:
// {"ts":"2026-01-02T03:04:05.678Z","level":"warn","logger":"store","msg":"..."}.
// On stderr under systemd (JOURNAL_STREAM names stderr) each line starts
// with its syslog priority, "<4>" for warn, which journald strips and keeps
// as the entry's PRIORITY.
// SPDLOG_LEVEL in the environment overrides the configured level.
//
// RateLimitedLog keeps repeated warnings (bad frames, failing feeds) to the
// first occurrence and then one line per interval with a suppressed count.
#ifndef NEWSFLOW_COMMON_LOG_LOGGING_H_
#define NEWSFLOW_COMMON_LOG_LOGGING_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include <spdlog/spdlog.h>

#include "absl/status/status.h"

#include "common/config/newsflow_config.h"

namespace newsflow {

// kUnavailable when logging.file cannot be opened (logs then stay on stderr).
absl::Status InitLogging(const LoggingConfig& config);

// Reopens logging.file under its configured name (after logrotate moved it
// away); a no-op when logging goes to stderr. Thread-safe.
absl::Status ReopenLogs();

// Returns the logger called `name`, creating it on the shared sink. Safe to
// call from any thread.
std::shared_ptr<spdlog::logger> MakeLogger(const std::string& name);

// A logger that discards everything, for tests.
std::shared_ptr<spdlog::logger> NullLogger();

// The syslog priority journald reads from a "<N>" prefix: 7 debug and
// trace, 6 info, 4 warn, 3 error, 2 critical. Exposed for tests.
int SyslogPriority(spdlog::level::level_enum level);

// Thread-safe. ShouldLog() is true for the first event and then at most once
// per `interval`; `suppressed` receives the number of events skipped since
// the last logged one.
class RateLimitedLog {
 public:
  explicit RateLimitedLog(std::chrono::milliseconds interval = std::chrono::seconds(10))
      : interval_(interval) {}
  bool ShouldLog(uint64_t* suppressed);

 private:
  std::mutex mu_;
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point last_{};  // GUARDED_BY(mu_)
  bool logged_once_ = false;                      // GUARDED_BY(mu_)
  uint64_t suppressed_ = 0;                       // GUARDED_BY(mu_)
};

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_LOG_LOGGING_H_

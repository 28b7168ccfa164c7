#include "common/log/logging.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>

#include <fmt/format.h>
#include <spdlog/cfg/env.h>
#include <spdlog/details/file_helper.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/dist_sink.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace newsflow {
namespace {

constexpr char kPattern[] = "%Y-%m-%dT%H:%M:%S.%e %l %n: %v";

// Whether JOURNAL_STREAM ("DEV:INODE") names this process's stderr: then
// systemd connected it to journald, which reads "<N>" priority prefixes
// (sd-daemon(3)). A child that inherited the variable but not the stream
// writes no prefixes.
bool StderrIsJournal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  unsigned long long dev = 0, ino = 0;  // NOLINT(google-runtime-int): sscanf
  if (std::sscanf(stream, "%llu:%llu", &dev, &ino) != 2) return false;
  struct stat st {};
  if (fstat(STDERR_FILENO, &st) != 0) return false;
  return static_cast<unsigned long long>(st.st_dev) == dev &&  // NOLINT(google-runtime-int)
         static_cast<unsigned long long>(st.st_ino) == ino;    // NOLINT(google-runtime-int)
}

void AppendJsonString(std::string_view s, spdlog::memory_buf_t& out) {
  out.push_back('"');
  for (char c : s) {
    switch (c) {
      case '"':
        out.append(std::string_view("\\\""));
        break;
      case '\\':
        out.append(std::string_view("\\\\"));
        break;
      case '\n':
        out.append(std::string_view("\\n"));
        break;
      case '\r':
        out.append(std::string_view("\\r"));
        break;
      case '\t':
        out.append(std::string_view("\\t"));
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<int>(c));
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

// Formats one event as one line: the text pattern with inner newlines
// escaped, or a JSON object; with `priority_prefix`, "<N>" first.
class LineFormatter final : public spdlog::formatter {
 public:
  LineFormatter(bool json, bool priority_prefix) : json_(json), priority_prefix_(priority_prefix) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    if (priority_prefix_) fmt::format_to(std::back_inserter(dest), "<{}>", SyslogPriority(msg.level));
    if (json_) {
      FormatJson(msg, dest);
      return;
    }
    spdlog::memory_buf_t line;
    text_.format(msg, line);
    std::string_view body(line.data(), line.size());
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.remove_suffix(1);
    for (char c : body) {
      if (c == '\n') {
        dest.append(std::string_view("\\n"));
      } else if (c != '\r') {
        dest.push_back(c);
      }
    }
    dest.push_back('\n');
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<LineFormatter>(json_, priority_prefix_);
  }

 private:
  static void FormatJson(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
    using std::chrono::duration_cast;
    using std::chrono::milliseconds;
    const auto since_epoch = msg.time.time_since_epoch();
    const std::time_t seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count();
    const int64_t millis = duration_cast<milliseconds>(since_epoch).count() % 1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    fmt::format_to(std::back_inserter(dest),
                   R"({{"ts":"{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z","level":)", utc.tm_year + 1900,
                   utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
    const auto level = spdlog::level::to_string_view(msg.level);
    AppendJsonString(std::string_view(level.data(), level.size()), dest);
    dest.append(std::string_view(R"(,"logger":)"));
    AppendJsonString(std::string_view(msg.logger_name.data(), msg.logger_name.size()), dest);
    dest.append(std::string_view(R"(,"msg":)"));
    AppendJsonString(std::string_view(msg.payload.data(), msg.payload.size()), dest);
    dest.append(std::string_view("}\n"));
  }

  bool json_;
  bool priority_prefix_;
  spdlog::pattern_formatter text_{kPattern};
};

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
  const bool json = config.format == "json";
  sink->set_formatter(std::make_unique<LineFormatter>(json, config.file.empty() && StderrIsJournal()));
  g_level = spdlog::level::from_str(config.level);
  spdlog::set_level(g_level);
  spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) { l->set_level(g_level); });
  if (std::getenv("SPDLOG_LEVEL") != nullptr) spdlog::cfg::load_env_levels();
  if (config.file.empty()) {
    // Back to stderr when an earlier call logged to a file.
    std::lock_guard lock(g_mu);
    if (g_file) {
      auto err = std::make_shared<spdlog::sinks::stderr_sink_mt>();
      err->set_formatter(std::make_unique<LineFormatter>(json, StderrIsJournal()));
      sink->set_sinks({err});
      g_file = nullptr;
    }
    return absl::OkStatus();
  }
  std::shared_ptr<ReopenableFileSink> file;
  try {
    file = std::make_shared<ReopenableFileSink>(config.file);
  } catch (const spdlog::spdlog_ex& e) {
    return absl::UnavailableError(fmt::format("logging.file: {}", e.what()));
  }
  file->set_formatter(std::make_unique<LineFormatter>(json, /*priority_prefix=*/false));
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

int SyslogPriority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return 7;
    case spdlog::level::info:
      return 6;
    case spdlog::level::warn:
      return 4;
    case spdlog::level::err:
      return 3;
    default:
      return 2;
  }
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

// Wall-clock helpers (UTC milliseconds since the Unix epoch).
#ifndef NEWSFLOW_COMMON_UTIL_TIME_H_
#define NEWSFLOW_COMMON_UTIL_TIME_H_

#include <chrono>
#include <cstdint>
#include <ctime>
#include <string>

namespace newsflow {

inline int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "2026-11-29T20:56:36Z" (UTC, second precision); "" for 0 (unknown).
inline std::string FormatRfc3339Utc(int64_t unix_ms) {
  if (unix_ms == 0) return "";
  std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_UTIL_TIME_H_

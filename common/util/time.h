// Wall-clock helpers (UTC milliseconds since the Unix epoch).
#ifndef NEWSFLOW_COMMON_UTIL_TIME_H_
#define NEWSFLOW_COMMON_UTIL_TIME_H_

#include <chrono>
#include <cstdint>

namespace newsflow {

inline int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_UTIL_TIME_H_

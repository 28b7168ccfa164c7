// Counters: named monotonic counters a service exposes on /metrics and in
// `stats` queries, for events whose names are known where they are counted
// ("feed_fetches", "acks", ...) rather than registered up front.
//
// Each name owns one metrics::Counter (common/metrics/metrics.h), so an
// increment is the same relaxed atomic add as every other counter of the
// daemon. Finding a name's counter is lock-free too: a fixed table of
// kCapacity atomic slots, probed from the name's hash; a new name is claimed
// with one compare-exchange (the loser of a race drops its copy and uses the
// winner's). Slots are never freed or moved, so Get() returns a reference
// that stays valid for the life of the Counters object. A service counts a
// few dozen names; once the table is full, further new names count into
// kOverflowName so that no event is lost silently. Thread-safe.
#ifndef NEWSFLOW_COMMON_UTIL_COUNTERS_H_
#define NEWSFLOW_COMMON_UTIL_COUNTERS_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/metrics/metrics.h"

namespace newsflow {

class Counters {
 public:
  static constexpr size_t kCapacity = 256;  // a power of two
  static constexpr std::string_view kOverflowName = "counter_names_overflow";

  Counters() = default;
  ~Counters();
  Counters(const Counters&) = delete;
  Counters& operator=(const Counters&) = delete;

  // The counter called `name`, created at zero on first use.
  metrics::Counter& Get(std::string_view name);
  void Add(std::string_view name, uint64_t n = 1) { Get(name).Inc(n); }

  // Every name used so far (including names only read through Get) with its
  // value; counts added concurrently may or may not be included.
  std::map<std::string, uint64_t> Snapshot() const;

 private:
  struct Slot {
    explicit Slot(std::string_view n) : name(n) {}
    const std::string name;
    metrics::Counter counter;
  };

  std::array<std::atomic<Slot*>, kCapacity> slots_{};  // owned; set once each
  std::atomic<Slot*> overflow_{nullptr};               // owned; set once
};

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_UTIL_COUNTERS_H_

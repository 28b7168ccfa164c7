// Counters: named monotonic counters a service exposes on /metrics and in
// `stats` queries. Get() returns a reference that stays valid for the life of
// the Counters object; increments are lock-free. Thread-safe.
#ifndef NEWSFLOW_COMMON_UTIL_COUNTERS_H_
#define NEWSFLOW_COMMON_UTIL_COUNTERS_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace newsflow {

class Counters {
 public:
  std::atomic<uint64_t>& Get(const std::string& name) {
    std::lock_guard lock(mu_);
    auto& slot = counters_[name];
    if (!slot) slot = std::make_unique<std::atomic<uint64_t>>(0);
    return *slot;
  }
  void Add(const std::string& name, uint64_t n = 1) { Get(name).fetch_add(n); }
  std::map<std::string, uint64_t> Snapshot() const {
    std::lock_guard lock(mu_);
    std::map<std::string, uint64_t> out;
    for (const auto& [k, v] : counters_) out[k] = v->load();
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<std::atomic<uint64_t>>> counters_;  // GUARDED_BY(mu_)
};

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_UTIL_COUNTERS_H_

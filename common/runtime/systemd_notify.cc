#include "common/runtime/systemd_notify.h"

#include <systemd/sd-daemon.h>

#include <algorithm>
#include <mutex>
#include <vector>

namespace newsflow {
namespace {

int64_t SteadyNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::mutex g_mu;
std::vector<const LoopHeartbeat*>& Loops() {  // GUARDED_BY(g_mu)
  static auto* loops = new std::vector<const LoopHeartbeat*>();
  return *loops;
}

}  // namespace

bool SdNotify(const std::string& state) { return sd_notify(/*unset_environment=*/0, state.c_str()) > 0; }

std::optional<std::chrono::microseconds> SdWatchdogInterval() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(/*unset_environment=*/0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::microseconds(usec);
}

LoopHeartbeat::LoopHeartbeat(std::string name) : name_(std::move(name)), last_beat_ms_(SteadyNowMs()) {
  std::lock_guard lock(g_mu);
  Loops().push_back(this);
}

LoopHeartbeat::~LoopHeartbeat() {
  std::lock_guard lock(g_mu);
  auto& loops = Loops();
  loops.erase(std::remove(loops.begin(), loops.end(), this), loops.end());
}

void LoopHeartbeat::Beat() { last_beat_ms_.store(SteadyNowMs(), std::memory_order_relaxed); }

std::optional<StalestLoop> FindStalestLoop() {
  const int64_t now = SteadyNowMs();
  std::lock_guard lock(g_mu);
  const LoopHeartbeat* stalest = nullptr;
  for (const LoopHeartbeat* loop : Loops()) {
    if (stalest == nullptr || loop->last_beat_ms() < stalest->last_beat_ms()) stalest = loop;
  }
  if (stalest == nullptr) return std::nullopt;
  return StalestLoop{stalest->name(),
                     std::chrono::milliseconds(std::max<int64_t>(0, now - stalest->last_beat_ms()))};
}

}  // namespace newsflow

// The systemd service protocol (sd_notify(3)) for the daemons, and the loop
// heartbeats that decide whether the watchdog is pinged.
//
// Under a Type=notify unit systemd sets NOTIFY_SOCKET; the daemon then sends
//   READY=1     once every service reported ready (its sockets bound, its HTTP
//               server serving),
//   STATUS=...  a one-line summary (rates, queue depths) every few seconds,
//               shown by `systemctl status`,
//   WATCHDOG=1  every WatchdogSec/3 while the main loops make progress,
//   STOPPING=1  when the drain starts.
// Without NOTIFY_SOCKET every call is a no-op (sd_notify returns 0), so the
// daemons run the same by hand, in containers and in tests.
//
// Why heartbeats: a timer thread that pings on its own keeps a hung daemon
// "alive" for systemd. Instead each main loop (ingest's sender, each enrich
// worker thread, the store's writer) holds a LoopHeartbeat and calls Beat()
// every iteration, also while it waits out an outage (a retry loop beats too,
// since a restart cures no full disk). The notifier sends WATCHDOG=1 only
// when every registered loop beat within the stall limit; a loop stuck in a
// deadlock or a blocking call stops the pings, and systemd kills and restarts
// the daemon after WatchdogSec. Beat() is one relaxed atomic store.
//
// Thread-safety: everything here may be called from any thread.
#ifndef NEWSFLOW_COMMON_RUNTIME_SYSTEMD_NOTIFY_H_
#define NEWSFLOW_COMMON_RUNTIME_SYSTEMD_NOTIFY_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace newsflow {

// Sends `state` ("READY=1", "STATUS=...") to the service manager. Returns
// true when it was sent, false without NOTIFY_SOCKET or on an error.
bool SdNotify(const std::string& state);

// The watchdog interval systemd asks for (WATCHDOG_USEC, when WATCHDOG_PID is
// unset or this process), or nullopt when the watchdog is off.
std::optional<std::chrono::microseconds> SdWatchdogInterval();

// A main loop's progress marker. Registered for its whole life; a loop
// creates one before it starts iterating and keeps it on its stack.
class LoopHeartbeat {
 public:
  explicit LoopHeartbeat(std::string name);  // counts as a beat
  ~LoopHeartbeat();
  LoopHeartbeat(const LoopHeartbeat&) = delete;
  LoopHeartbeat& operator=(const LoopHeartbeat&) = delete;

  void Beat();
  const std::string& name() const { return name_; }
  // Milliseconds of the steady clock at the last beat.
  int64_t last_beat_ms() const { return last_beat_ms_.load(std::memory_order_relaxed); }

 private:
  std::string name_;
  std::atomic<int64_t> last_beat_ms_;
};

// The registered loop that beat longest ago, with how long ago; nullopt when
// no loop is registered.
struct StalestLoop {
  std::string name;
  std::chrono::milliseconds since_beat{0};
};
std::optional<StalestLoop> FindStalestLoop();

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_RUNTIME_SYSTEMD_NOTIFY_H_

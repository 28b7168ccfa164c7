// Clock: where a service reads the time of day, so that tests can set it.
//
// Code that schedules (when a feed is due, how long a backoff lasts, when an
// unacked article is resent) takes a `const Clock&` and asks it instead of
// calling std::chrono directly; production passes Clock::Real() (the
// default), tests a FakeClock they move forward by hand, so rules about
// minutes and hours are checked at once and without sleeping.
//
// NowMs() is wall time, UTC milliseconds since the Unix epoch, because that
// is what the schedules store and show (next_fetch_ms, outbox due times).
// Durations of work done (latency histograms) and the deadlines of network
// transfers are real time and stay on std::chrono; so does waiting
// (condition variables, socket polls): code under a FakeClock still wakes up
// on its own, and what it finds due then depends on the fake time.
//
// Thread-safe: both clocks may be read from any thread; a FakeClock may be
// advanced while others read it.
#ifndef NEWSFLOW_COMMON_RUNTIME_CLOCK_H_
#define NEWSFLOW_COMMON_RUNTIME_CLOCK_H_

#include <atomic>
#include <chrono>
#include <cstdint>

namespace newsflow {

class Clock {
 public:
  virtual ~Clock() = default;

  // UTC milliseconds since the Unix epoch.
  virtual int64_t NowMs() const = 0;

  // The system clock (a process-wide instance, never destroyed).
  static const Clock& Real();
};

// A clock that stands still until the test moves it.
class FakeClock final : public Clock {
 public:
  // Starts at `start_ms` (a fixed date by default, so results do not depend
  // on when the test runs).
  explicit FakeClock(int64_t start_ms = kDefaultStartMs) : now_ms_(start_ms) {}

  int64_t NowMs() const override { return now_ms_.load(); }

  void Advance(std::chrono::milliseconds d) { now_ms_ += d.count(); }
  // Sets the time (it may go backwards, as a system clock can).
  void SetNowMs(int64_t now_ms) { now_ms_ = now_ms; }

  // 2026-01-01T00:00:00Z.
  static constexpr int64_t kDefaultStartMs = 1767225600000;

 private:
  std::atomic<int64_t> now_ms_;
};

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_RUNTIME_CLOCK_H_

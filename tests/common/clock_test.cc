#include "common/runtime/clock.h"

#include <chrono>

#include <gtest/gtest.h>

namespace newsflow {
namespace {

using std::chrono::milliseconds;

int64_t SystemNowMs() {
  return std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST(ClockTest, RealClockReadsTheSystemClock) {
  const Clock& clock = Clock::Real();
  const int64_t before = SystemNowMs();
  const int64_t now = clock.NowMs();
  const int64_t after = SystemNowMs();
  EXPECT_LE(before, now);
  EXPECT_LE(now, after);
  EXPECT_EQ(&Clock::Real(), &clock);
}

TEST(ClockTest, FakeClockStandsStillUntilAdvanced) {
  FakeClock clock(5000);
  EXPECT_EQ(clock.NowMs(), 5000);
  EXPECT_EQ(clock.NowMs(), 5000);
  clock.Advance(std::chrono::hours(2));
  EXPECT_EQ(clock.NowMs(), 5000 + 2 * 3600 * 1000);
  clock.Advance(milliseconds(1));
  EXPECT_EQ(clock.NowMs(), 5000 + 2 * 3600 * 1000 + 1);
}

TEST(ClockTest, FakeClockStartsAtAFixedDateAndCanBeSetBack) {
  FakeClock clock;
  EXPECT_EQ(clock.NowMs(), FakeClock::kDefaultStartMs);
  clock.SetNowMs(1000);
  EXPECT_EQ(clock.NowMs(), 1000);
}

}  // namespace
}  // namespace newsflow

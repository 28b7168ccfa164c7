#include "common/runtime/systemd_notify.h"

#include <thread>

#include <gtest/gtest.h>

namespace newsflow {
namespace {

using std::chrono::milliseconds;

// The watchdog gate: a loop that keeps beating is fresh, one that stops
// beating becomes the stalest, and a finished loop no longer counts.
TEST(LoopHeartbeatTest, TheLoopThatStopsBeatingIsTheStalest) {
  EXPECT_FALSE(FindStalestLoop().has_value());
  LoopHeartbeat busy("busy");
  {
    LoopHeartbeat stuck("stuck");
    for (int i = 0; i < 6; ++i) {
      std::this_thread::sleep_for(milliseconds(50));
      busy.Beat();
    }
    auto stalest = FindStalestLoop();
    ASSERT_TRUE(stalest.has_value());
    EXPECT_EQ(stalest->name, "stuck");
    EXPECT_GE(stalest->since_beat, milliseconds(250));
    stuck.Beat();
    EXPECT_LT(FindStalestLoop()->since_beat, milliseconds(250));
  }
  auto stalest = FindStalestLoop();
  ASSERT_TRUE(stalest.has_value());
  EXPECT_EQ(stalest->name, "busy");
}

// Without NOTIFY_SOCKET (a daemon started by hand) nothing is sent and no
// watchdog is asked for.
TEST(SdNotifyTest, IsANoOpOutsideSystemd) {
  unsetenv("NOTIFY_SOCKET");
  unsetenv("WATCHDOG_USEC");
  EXPECT_FALSE(SdNotify("READY=1"));
  EXPECT_FALSE(SdWatchdogInterval().has_value());
  setenv("WATCHDOG_USEC", "3000000", 1);
  EXPECT_EQ(SdWatchdogInterval(), std::chrono::microseconds(3000000));
  unsetenv("WATCHDOG_USEC");
}

}  // namespace
}  // namespace newsflow

#include "common/runtime/stop_signal.h"

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <csignal>

#include <gtest/gtest.h>

#include "tests/testing/test_util.h"

namespace newsflow {
namespace {

int ThreadCount() {
  int n = 0;
  if (DIR* d = opendir("/proc/self/task")) {
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] != '.') ++n;
    }
    closedir(d);
  }
  return n;
}

// Process-directed signals go to any thread that does not block them, so the
// test only runs when this thread is the only one (as under ctest, which
// runs each test in its own process).
class SignalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (ThreadCount() != 1) GTEST_SKIP() << "other threads exist; run this test on its own";
    pthread_sigmask(SIG_SETMASK, nullptr, &saved_);
    BlockStopSignals();
  }
  void TearDown() override { pthread_sigmask(SIG_SETMASK, &saved_, nullptr); }
  sigset_t saved_;
};

class SignalWatcherTest : public SignalTest, public ::testing::WithParamInterface<int> {};

TEST_P(SignalWatcherTest, SignalRequestsStop) {
  std::stop_source source;
  {
    SignalWatcher watcher(source);
    ASSERT_EQ(kill(getpid(), GetParam()), 0);
    EXPECT_TRUE(::newsflow::testing::WaitFor([&] { return source.stop_requested(); }));
    EXPECT_EQ(watcher.last_signal(), GetParam());
  }
}

INSTANTIATE_TEST_SUITE_P(StopSignals, SignalWatcherTest, ::testing::Values(SIGINT, SIGTERM, SIGHUP));

class HangupTest : public SignalTest {};

// SIGHUP (logrotate's signal, and what a closing terminal sends) runs the
// hang-up action and does not stop the daemon.
TEST_F(HangupTest, HangupRunsTheActionWithoutStopping) {
  std::stop_source source;
  std::atomic<int> hangups{0};
  {
    SignalWatcher watcher(source, [&] { ++hangups; });
    ASSERT_EQ(kill(getpid(), SIGHUP), 0);
    EXPECT_TRUE(::newsflow::testing::WaitFor([&] { return hangups.load() == 1; }));
    ASSERT_EQ(kill(getpid(), SIGHUP), 0);
    EXPECT_TRUE(::newsflow::testing::WaitFor([&] { return hangups.load() == 2; }));
    EXPECT_EQ(watcher.last_signal(), SIGHUP);
  }
  EXPECT_FALSE(source.stop_requested());
}

TEST(SignalWatcherDestructionTest, DestructorReturnsWithoutSignal) {
  std::stop_source source;
  { SignalWatcher watcher(source); }
  EXPECT_FALSE(source.stop_requested());
}

TEST(BlockStopSignalsTest, IgnoresSigpipe) {
  sigset_t saved;
  pthread_sigmask(SIG_SETMASK, nullptr, &saved);
  struct sigaction old_action;
  sigaction(SIGPIPE, nullptr, &old_action);
  BlockStopSignals();
  struct sigaction now;
  sigaction(SIGPIPE, nullptr, &now);
  sigset_t mask;
  pthread_sigmask(SIG_SETMASK, nullptr, &mask);
  EXPECT_EQ(now.sa_handler, SIG_IGN);
  EXPECT_TRUE(sigismember(&mask, SIGTERM));
  EXPECT_TRUE(sigismember(&mask, SIGINT));
  EXPECT_TRUE(sigismember(&mask, SIGHUP));
  sigaction(SIGPIPE, &old_action, nullptr);
  pthread_sigmask(SIG_SETMASK, &saved, nullptr);
}

}  // namespace
}  // namespace newsflow

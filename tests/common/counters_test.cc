#include "common/util/counters.h"

#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace newsflow {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

TEST(CountersTest, GetReturnsTheSameCounterForOneName) {
  Counters c;
  std::atomic<uint64_t>& a = c.Get("a");
  c.Get("b");  // growing the map must not move "a"
  c.Add("a", 3);
  EXPECT_EQ(&a, &c.Get("a"));
  EXPECT_EQ(a.load(), 3u);
}

TEST(CountersTest, SnapshotListsEveryCounterByName) {
  Counters c;
  c.Add("received");
  c.Add("received");
  c.Add("dropped", 5);
  c.Get("idle");
  EXPECT_THAT(c.Snapshot(), ElementsAre(Pair("dropped", 5u), Pair("idle", 0u), Pair("received", 2u)));
}

TEST(CountersTest, ConcurrentAddsAreNotLost) {
  Counters c;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&c, t] {
      for (int i = 0; i < 10000; ++i) c.Add(i % 2 == 0 ? "even" : "odd-" + std::to_string(t % 2));
    });
  }
  for (auto& t : threads) t.join();
  auto snapshot = c.Snapshot();
  EXPECT_EQ(snapshot["even"], 20000u);
  EXPECT_EQ(snapshot["odd-0"] + snapshot["odd-1"], 20000u);
}

}  // namespace
}  // namespace newsflow

#include "common/util/counters.h"

#include <string>
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
  metrics::Counter& a = c.Get("a");
  c.Get("b");  // a second name must not move "a"
  c.Add("a", 3);
  EXPECT_EQ(&a, &c.Get("a"));
  EXPECT_EQ(a.value(), 3u);
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

// Threads racing to create the same new names end up sharing one counter
// per name.
TEST(CountersTest, ConcurrentFirstUsesShareOneCounter) {
  Counters c;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&c] {
      for (int i = 0; i < 1000; ++i) c.Add("name-" + std::to_string(i % 100));
    });
  }
  for (auto& t : threads) t.join();
  auto snapshot = c.Snapshot();
  ASSERT_EQ(snapshot.size(), 100u);
  for (const auto& [name, value] : snapshot) EXPECT_EQ(value, 40u) << name;
}

// More names than the table holds: every name that fits keeps its own
// count, and the events of the rest are still counted, under one name.
TEST(CountersTest, NamesBeyondCapacityCountIntoOverflow) {
  Counters c;
  const size_t names = Counters::kCapacity + 10;
  for (size_t i = 0; i < names; ++i) c.Add("event-" + std::to_string(i), 2);
  auto snapshot = c.Snapshot();
  EXPECT_EQ(snapshot.size(), Counters::kCapacity + 1);
  EXPECT_EQ(snapshot[std::string(Counters::kOverflowName)], 20u);
  uint64_t total = 0;
  for (const auto& [name, value] : snapshot) total += value;
  EXPECT_EQ(total, 2 * names);
  EXPECT_EQ(c.Get("event-0").value(), 2u);
}

}  // namespace
}  // namespace newsflow

#include "services/ingest/feed_list.h"

#include <chrono>
#include <string>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/test_util.h"

namespace newsflow::ingest {
namespace {

using ::newsflow::testing::IsOk;
using ::newsflow::testing::TempDir;

v1::FeedSpec Feed(const std::string& url, int64_t next_fetch_ms, bool enabled = true) {
  v1::FeedSpec f;
  f.set_url(url);
  f.set_enabled(enabled);
  f.set_next_fetch_ms(next_fetch_ms);
  return f;
}

class FeedListTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = IngestDb::Open(dir_.Sub("db"), false);
    ASSERT_THAT(db, IsOk());
    db_ = *std::move(db);
  }
  std::string Take(FeedList& list, int64_t now) {
    int64_t wait = 60000;
    auto f = list.TakeDue(now, &wait);
    return f ? f->url() : "";
  }
  TempDir dir_;
  std::unique_ptr<IngestDb> db_;
};

TEST(FeedHostTest, HostAndPortLowerCasedWithoutUserInfo) {
  EXPECT_EQ(FeedHost("https://User@News.Example:8080/feed?x"), "news.example:8080");
  EXPECT_EQ(FeedHost("http://a.example"), "a.example");
  EXPECT_EQ(FeedHost("/srv/feeds/a.xml"), "");
  EXPECT_EQ(FeedHost("file:///srv/feeds/a.xml"), "");
  EXPECT_EQ(FeedHost("http://[2001:DB8::1]:8080/rss"), "[2001:db8::1]:8080");
}

TEST_F(FeedListTest, TakesTheEarliestDueFeedAndReportsTheWait) {
  FeedList list(*db_, 1);
  ASSERT_THAT(list.Load(), IsOk());
  ASSERT_THAT(list.Put(Feed("http://a.example/1", 300)), IsOk());
  ASSERT_THAT(list.Put(Feed("http://b.example/1", 100)), IsOk());
  ASSERT_THAT(list.Put(Feed("http://c.example/1", 0, false)), IsOk());  // disabled: never due
  int64_t wait = 60000;
  EXPECT_FALSE(list.TakeDue(50, &wait).has_value());
  EXPECT_EQ(wait, 50);
  EXPECT_EQ(Take(list, 1000), "http://b.example/1");
  EXPECT_EQ(Take(list, 1000), "http://a.example/1");
  EXPECT_EQ(Take(list, 1000), "");
}

TEST_F(FeedListTest, OneHostAtATimeWhileOtherHostsGoOn) {
  FeedList list(*db_, 1);
  ASSERT_THAT(list.Load(), IsOk());
  for (int i = 0; i < 1000; ++i)
    ASSERT_THAT(list.Put(Feed(fmt::format("http://busy.example/{}", i), i)), IsOk());
  ASSERT_THAT(list.Put(Feed("http://quiet.example/feed", 5000)), IsOk());
  std::string first = Take(list, 10000);
  EXPECT_EQ(first, "http://busy.example/0");
  // The busy host is at its limit: the other host's feed comes next.
  EXPECT_EQ(Take(list, 10000), "http://quiet.example/feed");
  EXPECT_EQ(Take(list, 10000), "");
  v1::FeedSpec done = Feed(first, 20000);
  ASSERT_THAT(list.FinishPoll(first, done), IsOk());
  EXPECT_EQ(Take(list, 10000), "http://busy.example/1");
}

TEST_F(FeedListTest, ManyFeedsArePickedQuickly) {
  FeedList list(*db_, 1);
  ASSERT_THAT(list.Load(), IsOk());
  constexpr int kFeeds = 20000;
  for (int i = 0; i < kFeeds; ++i) {
    ASSERT_THAT(list.Put(Feed(fmt::format("http://h{}.example/feed", i), 1000 + i)), IsOk());
  }
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kFeeds; ++i) {
    int64_t wait = 60000;
    auto f = list.TakeDue(1000 + kFeeds, &wait);
    ASSERT_TRUE(f.has_value());
    ASSERT_EQ(f->next_fetch_ms(), 1000 + i);
  }
  // A scan of the list per pick would take seconds here.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST_F(FeedListTest, ChangesArePersistedAndLoadedAgain) {
  {
    FeedList list(*db_, 1);
    ASSERT_THAT(list.Load(), IsOk());
    ASSERT_THAT(list.Put(Feed("http://a.example/feed", 0)), IsOk());
    ASSERT_THAT(list.Put(Feed("http://b.example/feed", 0)), IsOk());
    EXPECT_THAT(list.Remove("http://b.example/feed"), IsOk());
    EXPECT_EQ(Take(list, 10), "http://a.example/feed");
    v1::FeedSpec polled = Feed("http://a.example/moved", 777);
    polled.set_last_fetch_ms(5);
    ASSERT_THAT(list.FinishPoll("http://a.example/feed", polled), IsOk());
  }
  FeedList again(*db_, 1);
  ASSERT_THAT(again.Load(), IsOk());
  ASSERT_EQ(again.size(), 1u);
  ASSERT_TRUE(again.Get("http://a.example/moved").has_value());
  EXPECT_EQ(again.Get("http://a.example/moved")->next_fetch_ms(), 777);
}

TEST_F(FeedListTest, RemovedWhileBeingPolledStaysRemoved) {
  FeedList list(*db_, 1);
  ASSERT_THAT(list.Load(), IsOk());
  ASSERT_THAT(list.Put(Feed("http://a.example/feed", 0)), IsOk());
  EXPECT_EQ(Take(list, 10), "http://a.example/feed");
  EXPECT_THAT(list.Remove("http://a.example/feed"), IsOk());
  ASSERT_THAT(list.FinishPoll("http://a.example/feed", Feed("http://a.example/feed", 100)), IsOk());
  EXPECT_EQ(list.size(), 0u);
  EXPECT_FALSE(db_->GetFeed("http://a.example/feed")->has_value());
  EXPECT_EQ(Take(list, 1000), "");
}

TEST_F(FeedListTest, InterruptedPollStaysDueAndPollNowMakesEveryFeedDue) {
  FeedList list(*db_, 1);
  ASSERT_THAT(list.Load(), IsOk());
  ASSERT_THAT(list.Put(Feed("http://a.example/feed", 0)), IsOk());
  ASSERT_THAT(list.Put(Feed("http://b.example/feed", 99999)), IsOk());
  EXPECT_EQ(Take(list, 10), "http://a.example/feed");
  ASSERT_THAT(list.FinishPoll("http://a.example/feed", std::nullopt), IsOk());
  EXPECT_EQ(Take(list, 10), "http://a.example/feed");
  ASSERT_THAT(list.FinishPoll("http://a.example/feed", std::nullopt), IsOk());
  list.PollAllNow(20);
  EXPECT_NE(Take(list, 30), "");
  EXPECT_NE(Take(list, 30), "");
}

}  // namespace
}  // namespace newsflow::ingest

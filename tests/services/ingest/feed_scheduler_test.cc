// The poll policy on a fake clock: every rule about minutes and hours is
// checked by moving the clock, never by sleeping.
#include "services/ingest/feed_scheduler.h"

#include <chrono>
#include <memory>
#include <set>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/test_util.h"

namespace newsflow::ingest {
namespace {

using ::newsflow::testing::IsOk;
using ::newsflow::testing::TempDir;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr char kUrl[] = "https://news.example/feed";

PollOutcome Succeeded(uint64_t accepted = 0) {
  PollOutcome o;
  o.parsed = true;
  o.accepted = accepted;
  return o;
}

PollOutcome Failed(const std::string& why, int retry_after_s = 0) {
  PollOutcome o;
  o.error = absl::UnavailableError(why);
  o.retry_after_s = retry_after_s;
  return o;
}

PollOutcome NotModified() { return PollOutcome(); }

class FeedSchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = IngestDb::Open(dir_.Sub("db"), false);
    ASSERT_THAT(db, IsOk());
    db_ = *std::move(db);
    feeds_ = std::make_unique<FeedList>(*db_, 1);
    ASSERT_THAT(feeds_->Load(), IsOk());
    scheduler_ = std::make_unique<FeedScheduler>(*feeds_, policy_, clock_);
  }

  // Lists a new feed, due at once.
  void AddFeed(int interval_s = 0) {
    v1::FeedSpec f;
    f.set_url(kUrl);
    f.set_enabled(true);
    f.set_interval_s(interval_s);
    ASSERT_THAT(feeds_->Put(f), IsOk());
  }

  bool Due() {
    int64_t wait_ms = 86400000;
    auto f = scheduler_->TakeDue(&wait_ms);
    if (f) scheduler_->Abandon(f->url());  // back in its queue, unchanged
    return f.has_value();
  }

  // Polls the feed now (it must be due) with `outcome`; returns its new state.
  v1::FeedSpec Poll(const PollOutcome& outcome) {
    int64_t wait_ms = 86400000;
    auto f = scheduler_->TakeDue(&wait_ms);
    EXPECT_TRUE(f.has_value()) << "not due; next in " << wait_ms << " ms";
    if (!f) return v1::FeedSpec();
    v1::FeedSpec updated = scheduler_->Reschedule(*f, outcome, clock_.NowMs());
    EXPECT_THAT(scheduler_->Finish(f->url(), updated), IsOk());
    return updated;
  }

  // The time until the feed is next due.
  milliseconds Wait() {
    int64_t wait_ms = 86400000 * 7;
    auto f = scheduler_->TakeDue(&wait_ms);
    if (f) {
      scheduler_->Abandon(f->url());
      return milliseconds(0);
    }
    return milliseconds(wait_ms);
  }

  TempDir dir_;
  std::unique_ptr<IngestDb> db_;
  std::unique_ptr<FeedList> feeds_;
  FakeClock clock_;
  PollPolicy policy_{
      .default_interval_s = 900, .min_interval_s = 60, .max_interval_s = 3600, .max_failures = 4};
  std::unique_ptr<FeedScheduler> scheduler_;
};

TEST_F(FeedSchedulerTest, SuccessfulPollIsRepeatedAfterTheFeedsInterval) {
  ASSERT_NO_FATAL_FAILURE(AddFeed(600));
  ASSERT_TRUE(Due());
  const int64_t polled_at = clock_.NowMs();
  v1::FeedSpec f = Poll(Succeeded(2));
  EXPECT_EQ(f.last_fetch_ms(), polled_at);
  EXPECT_EQ(f.next_fetch_ms(), polled_at + 600 * 1000);
  EXPECT_EQ(f.articles_seen(), 2u);
  EXPECT_EQ(Wait(), seconds(600));
  clock_.Advance(seconds(599));
  EXPECT_FALSE(Due());
  clock_.Advance(seconds(1));
  EXPECT_TRUE(Due());
  // The state was saved, not only scheduled.
  auto stored = db_->GetFeed(kUrl);
  ASSERT_THAT(stored, IsOk());
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ((*stored)->next_fetch_ms(), polled_at + 600 * 1000);
}

TEST_F(FeedSchedulerTest, IntervalIsKeptWithinThePollLimits) {
  v1::FeedSpec f;
  f.set_interval_s(5);
  EXPECT_EQ(scheduler_->IntervalMs(f), 60 * 1000);
  f.set_interval_s(100000);
  EXPECT_EQ(scheduler_->IntervalMs(f), 3600 * 1000);
  f.set_interval_s(0);
  EXPECT_EQ(scheduler_->IntervalMs(f), 900 * 1000);  // the default
  f.set_adaptive_interval_s(120);
  EXPECT_EQ(scheduler_->IntervalMs(f), 120 * 1000);  // learnt
  f.set_interval_s(300);
  EXPECT_EQ(scheduler_->IntervalMs(f), 300 * 1000);  // set by hand wins
}

TEST_F(FeedSchedulerTest, FailuresBackOffExponentiallyWithJitterUpToTheMaximum) {
  ASSERT_NO_FATAL_FAILURE(AddFeed(600));
  policy_.max_failures = 100;
  scheduler_ = std::make_unique<FeedScheduler>(*feeds_, policy_, clock_);
  // 60 s, 120 s, 240 s, ... from min_interval_s, capped at max_interval_s,
  // each +-20%.
  for (int failure = 1; failure <= 8; ++failure) {
    v1::FeedSpec f = Poll(Failed("HTTP 503"));
    EXPECT_EQ(f.consecutive_failures(), failure);
    EXPECT_EQ(f.last_error(), "HTTP 503");
    EXPECT_TRUE(f.enabled());
    const int64_t backoff = std::min<int64_t>(int64_t{60000} << (failure - 1), 3600 * 1000);
    const int64_t waited = f.next_fetch_ms() - clock_.NowMs();
    EXPECT_GE(waited, backoff * 8 / 10) << "failure " << failure;
    EXPECT_LE(waited, backoff * 12 / 10) << "failure " << failure;
    // Not due a moment before the backoff ends, due when it has.
    clock_.Advance(milliseconds(waited - 1));
    EXPECT_FALSE(Due()) << "failure " << failure;
    clock_.Advance(milliseconds(1));
    ASSERT_TRUE(Due()) << "failure " << failure;
  }
  // A success ends the backoff: the feed's own interval again.
  v1::FeedSpec f = Poll(Succeeded());
  EXPECT_EQ(f.consecutive_failures(), 0);
  EXPECT_EQ(f.last_error(), "");
  EXPECT_EQ(Wait(), seconds(600));
}

TEST_F(FeedSchedulerTest, JitterSpreadsFeedsThatFailTogether) {
  std::set<int64_t> waits;
  for (int i = 0; i < 20; ++i) {
    v1::FeedSpec f;
    f.set_url(kUrl);
    f.set_enabled(true);
    waits.insert(scheduler_->Reschedule(f, Failed("timeout"), clock_.NowMs()).next_fetch_ms());
  }
  EXPECT_GT(waits.size(), 10u);
  EXPECT_GE(*waits.begin(), clock_.NowMs() + 48000);
  EXPECT_LE(*waits.rbegin(), clock_.NowMs() + 72000);
}

TEST_F(FeedSchedulerTest, RetryAfterLengthensTheBackoffPastTheMaximum) {
  ASSERT_NO_FATAL_FAILURE(AddFeed());
  v1::FeedSpec f = Poll(Failed("HTTP 429", 7200));
  EXPECT_TRUE(f.enabled());
  EXPECT_EQ(f.consecutive_failures(), 1);
  const milliseconds wait = Wait();
  EXPECT_GE(wait, milliseconds(hours(2)) * 8 / 10);
  EXPECT_LE(wait, milliseconds(hours(2)) * 12 / 10);
  clock_.Advance(wait - milliseconds(1));
  EXPECT_FALSE(Due());
  clock_.Advance(milliseconds(1));
  EXPECT_TRUE(Due());
}

TEST_F(FeedSchedulerTest, DisabledAfterMaxFailuresInARow) {
  ASSERT_NO_FATAL_FAILURE(AddFeed());
  for (int failure = 1; failure < 4; ++failure) {
    v1::FeedSpec f = Poll(Failed("connection refused"));
    EXPECT_TRUE(f.enabled());
    clock_.Advance(hours(2));
  }
  v1::FeedSpec f = Poll(Failed("connection refused"));
  EXPECT_FALSE(f.enabled());
  EXPECT_EQ(f.disabled_reason(), "4 failures in a row");
  clock_.Advance(hours(24 * 30));
  EXPECT_FALSE(Due());
  scheduler_->PollAllNow();
  EXPECT_FALSE(Due()) << "poll-now does not wake a disabled feed";
  auto stored = db_->GetFeed(kUrl);
  ASSERT_THAT(stored, IsOk());
  ASSERT_TRUE(stored->has_value());
  EXPECT_FALSE((*stored)->enabled());
}

TEST_F(FeedSchedulerTest, GoneDisablesAtOnceWithItsReason) {
  ASSERT_NO_FATAL_FAILURE(AddFeed());
  PollOutcome gone;
  gone.gone = true;
  gone.error = absl::NotFoundError("HTTP 410 Gone: feed disabled");
  v1::FeedSpec f = Poll(gone);
  EXPECT_FALSE(f.enabled());
  EXPECT_EQ(f.disabled_reason(), "HTTP 410 Gone");
  EXPECT_EQ(f.consecutive_failures(), 1);
  clock_.Advance(hours(24));
  EXPECT_FALSE(Due());
}

TEST_F(FeedSchedulerTest, ValidatorsAreStoredOnlyAfterACompletePoll) {
  ASSERT_NO_FATAL_FAILURE(AddFeed(60));
  PollOutcome first = Succeeded(1);
  first.validators = PollOutcome::Validators{"\"v1\"", "Mon, 07 Dec 2026 03:00:00 GMT"};
  v1::FeedSpec f = Poll(first);
  EXPECT_EQ(f.etag(), "\"v1\"");
  EXPECT_EQ(f.last_modified(), "Mon, 07 Dec 2026 03:00:00 GMT");
  // 304 Not Modified: the stored validators stay.
  clock_.Advance(minutes(5));
  f = Poll(NotModified());
  EXPECT_EQ(f.etag(), "\"v1\"");
  // A new version whose items could not all be written: the old validators
  // stay, so the next poll gets the whole document again.
  clock_.Advance(minutes(5));
  PollOutcome failed = Failed("disk full");
  failed.parsed = true;
  failed.validators = PollOutcome::Validators{"\"v2\"", ""};
  f = Poll(failed);
  EXPECT_EQ(f.etag(), "\"v1\"");
  EXPECT_EQ(f.last_modified(), "Mon, 07 Dec 2026 03:00:00 GMT");
}

TEST_F(FeedSchedulerTest, AbandonedPollStaysDueWithItsOldState) {
  ASSERT_NO_FATAL_FAILURE(AddFeed(600));
  int64_t wait_ms = 60000;
  auto f = scheduler_->TakeDue(&wait_ms);
  ASSERT_TRUE(f.has_value());
  EXPECT_FALSE(Due()) << "taken: being polled";
  scheduler_->Abandon(f->url());
  EXPECT_TRUE(Due());
  auto stored = db_->GetFeed(kUrl);
  ASSERT_THAT(stored, IsOk());
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ((*stored)->last_fetch_ms(), 0);
}

TEST_F(FeedSchedulerTest, PollNowMakesAWaitingFeedDue) {
  ASSERT_NO_FATAL_FAILURE(AddFeed(3600));
  Poll(Succeeded());
  clock_.Advance(minutes(1));
  EXPECT_FALSE(Due());
  scheduler_->PollAllNow();
  EXPECT_TRUE(Due());
}

// The interval learnt from a feed's own rhythm (feeds without interval_s).
TEST_F(FeedSchedulerTest, IntervalFollowsHowOftenTheFeedPublishes) {
  ASSERT_NO_FATAL_FAILURE(AddFeed());
  // Items ten minutes apart: polled every five.
  PollOutcome dated = Succeeded(3);
  const int64_t t = clock_.NowMs();
  dated.item_times_ms = {t - 20 * 60000, t, t - 10 * 60000};
  v1::FeedSpec f = Poll(dated);
  EXPECT_EQ(f.adaptive_interval_s(), 300);
  EXPECT_EQ(Wait(), minutes(5));
  // Undated items: new ones halve the interval, none grow it by half, 304
  // by a quarter; never under min_interval_s or over max_interval_s.
  clock_.Advance(minutes(5));
  f = Poll(Succeeded(1));
  EXPECT_EQ(f.adaptive_interval_s(), 150);
  clock_.Advance(seconds(150));
  f = Poll(Succeeded(0));
  EXPECT_EQ(f.adaptive_interval_s(), 225);
  clock_.Advance(seconds(225));
  f = Poll(NotModified());
  EXPECT_EQ(f.adaptive_interval_s(), 281);
  EXPECT_EQ(Wait(), seconds(281));
  for (int i = 0; i < 10; ++i) {
    clock_.Advance(hours(2));
    f = Poll(Succeeded(5));
  }
  EXPECT_EQ(f.adaptive_interval_s(), 60);
  for (int i = 0; i < 20; ++i) {
    clock_.Advance(hours(2));
    f = Poll(NotModified());
  }
  EXPECT_EQ(f.adaptive_interval_s(), 3600);
  // A failure teaches nothing.
  clock_.Advance(hours(2));
  f = Poll(Failed("timeout"));
  EXPECT_EQ(f.adaptive_interval_s(), 3600);
}

TEST(DatedItemTimesTest, PublishedElseUpdatedAndUndatedLeftOut) {
  ParsedFeed feed;
  feed.items.resize(3);
  feed.items[0].published_ms = 1000;
  feed.items[0].updated_ms = 5000;
  feed.items[1].updated_ms = 2000;
  EXPECT_THAT(DatedItemTimes(feed), ::testing::ElementsAre(1000, 2000));
}

}  // namespace
}  // namespace newsflow::ingest

// Control requests run directly on the executor, over a real feed list,
// database and outbox, on a fake clock.
#include "services/ingest/control_executor.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/delivery/envelope_codec.h"
#include "common/log/logging.h"
#include "tests/testing/test_util.h"

namespace newsflow::ingest {
namespace {

using ::newsflow::testing::IsOk;
using ::newsflow::testing::TempDir;
using ::newsflow::testing::WaitFor;
using ::testing::HasSubstr;

constexpr char kFeedUrl[] = "https://news.example/rss";

class ControlExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(Open([](IngestConfig*) {}));
  }

  void Open(const std::function<void(IngestConfig*)>& adjust) {
    executor_.reset();
    outbox_.reset();
    scheduler_.reset();
    feeds_.reset();
    db_.reset();  // closed before it is opened again
    config_ = DefaultConfig().ingest;
    adjust(&config_);
    auto db = IngestDb::Open(dir_.Sub("ingest"), false);
    ASSERT_THAT(db, IsOk());
    db_ = *std::move(db);
    feeds_ = std::make_unique<FeedList>(*db_, 1);
    ASSERT_THAT(feeds_->Load(), IsOk());
    scheduler_ = std::make_unique<FeedScheduler>(*feeds_, PollPolicy::FromConfig(config_), clock_);
    outbox_ = std::make_unique<Outbox>(*db_, OutboxOptions{}, counters_, NullLogger());
    fetch_options_ = FetchOptionsFromConfig(config_, &counters_);
    executor_ = std::make_unique<ControlExecutor>(
        config_, *db_, *feeds_, *scheduler_, *outbox_, fetch_options_, counters_, NullLogger(), clock_,
        ControlExecutor::Hooks{[this] { ++wakes_; },
                               [this](const std::string& url) { pages_.push_back(url); },
                               [this](const absl::Status& s, std::string_view) { db_errors_.push_back(s); }});
  }

  v1::ControlResponse AddFeed(const std::string& url, int interval_s = 0) {
    v1::ControlRequest r;
    r.mutable_add_feed()->set_url(url);
    r.mutable_add_feed()->set_interval_s(interval_s);
    return executor_->Execute(r);
  }
  std::vector<v1::FeedSpec> List() {
    v1::ControlRequest r;
    r.set_list_feeds(true);
    v1::ControlResponse response = executor_->Execute(r);
    EXPECT_TRUE(response.ok()) << response.error();
    return {response.feeds().begin(), response.feeds().end()};
  }
  // Runs an OPML import to its end; the last progress report.
  v1::ImportProgress Import(const std::string& opml) {
    v1::ControlRequest start;
    start.set_import_opml(opml);
    v1::ControlResponse started = executor_->Execute(start);
    EXPECT_TRUE(started.ok()) << started.error();
    v1::ControlRequest status;
    status.set_import_status(started.import().id());
    v1::ImportProgress progress;
    EXPECT_TRUE(WaitFor(
        [&] {
          v1::ControlResponse r = executor_->Execute(status);
          progress = r.import();
          return r.ok() && progress.done();
        },
        std::chrono::seconds(20)));
    return progress;
  }

  TempDir dir_;
  FakeClock clock_;
  IngestConfig config_;
  Counters counters_;
  std::unique_ptr<IngestDb> db_;
  std::unique_ptr<FeedList> feeds_;
  std::unique_ptr<FeedScheduler> scheduler_;
  std::unique_ptr<Outbox> outbox_;
  FetchOptions fetch_options_;
  std::unique_ptr<ControlExecutor> executor_;
  std::atomic<int> wakes_{0};
  std::vector<std::string> pages_;
  std::vector<absl::Status> db_errors_;
};

TEST_F(ControlExecutorTest, AddedFeedIsListedWakesTheFetchersAndCanBeRemoved) {
  v1::ControlResponse added = AddFeed(kFeedUrl, 600);
  ASSERT_TRUE(added.ok()) << added.error();
  EXPECT_GE(wakes_.load(), 1);
  std::vector<v1::FeedSpec> feeds = List();
  ASSERT_EQ(feeds.size(), 1u);
  EXPECT_EQ(feeds[0].url(), kFeedUrl);
  EXPECT_EQ(feeds[0].interval_s(), 600);
  EXPECT_TRUE(feeds[0].enabled());
  v1::ControlRequest remove;
  remove.set_remove_feed(kFeedUrl);
  EXPECT_TRUE(executor_->Execute(remove).ok());
  EXPECT_TRUE(List().empty());
  v1::ControlResponse again = executor_->Execute(remove);
  EXPECT_FALSE(again.ok());
  EXPECT_THAT(again.error(), HasSubstr("no feed"));
}

TEST_F(ControlExecutorTest, ReAddingChangesSettingsAndKeepsWhatPollingLearnt) {
  ASSERT_TRUE(AddFeed(kFeedUrl, 600).ok());
  int64_t wait_ms = 60000;
  auto taken = scheduler_->TakeDue(&wait_ms);
  ASSERT_TRUE(taken.has_value());
  PollOutcome outcome;
  outcome.parsed = true;
  outcome.accepted = 4;
  outcome.validators = PollOutcome::Validators{"\"e1\"", ""};
  v1::FeedSpec polled = scheduler_->Reschedule(*taken, outcome, clock_.NowMs());
  ASSERT_THAT(scheduler_->Finish(taken->url(), polled), IsOk());
  ASSERT_TRUE(AddFeed(kFeedUrl, 1200).ok());
  std::vector<v1::FeedSpec> feeds = List();
  ASSERT_EQ(feeds.size(), 1u);
  EXPECT_EQ(feeds[0].interval_s(), 1200);
  EXPECT_EQ(feeds[0].etag(), "\"e1\"");
  EXPECT_EQ(feeds[0].articles_seen(), 4u);
  EXPECT_EQ(feeds[0].last_fetch_ms(), clock_.NowMs());
}

TEST_F(ControlExecutorTest, JunkFeedsAndPagesAreRefusedAndCounted) {
  for (const char* url : {"not a url", "file:///etc/passwd", "ftp://news.example/rss"}) {
    v1::ControlResponse r = AddFeed(url);
    EXPECT_FALSE(r.ok()) << url;
    EXPECT_THAT(r.error(), HasSubstr("feed refused")) << url;
  }
  EXPECT_EQ(counters_.Get("feeds_refused").value(), 3u);
  EXPECT_TRUE(List().empty());
  v1::ControlRequest page;
  page.set_submit_url("file:///etc/passwd");
  v1::ControlResponse refused = executor_->Execute(page);
  EXPECT_FALSE(refused.ok());
  EXPECT_THAT(refused.error(), HasSubstr("page refused"));
  EXPECT_EQ(counters_.Get("pages_refused").value(), 1u);
  EXPECT_TRUE(pages_.empty());
  page.set_submit_url("https://news.example/story");
  EXPECT_TRUE(executor_->Execute(page).ok());
  EXPECT_THAT(pages_, ::testing::ElementsAre("https://news.example/story"));
  v1::ControlRequest empty;
  EXPECT_FALSE(executor_->Execute(empty).ok());
}

TEST_F(ControlExecutorTest, PollNowMakesAWaitingFeedDue) {
  ASSERT_TRUE(AddFeed(kFeedUrl, 3600).ok());
  int64_t wait_ms = 60000;
  auto taken = scheduler_->TakeDue(&wait_ms);
  ASSERT_TRUE(taken.has_value());
  PollOutcome outcome;
  outcome.parsed = true;
  ASSERT_THAT(scheduler_->Finish(taken->url(), scheduler_->Reschedule(*taken, outcome, clock_.NowMs())),
              IsOk());
  clock_.Advance(std::chrono::minutes(10));
  wait_ms = 86400000;
  EXPECT_FALSE(scheduler_->TakeDue(&wait_ms).has_value());
  EXPECT_EQ(wait_ms, 50 * 60 * 1000);
  const int wakes = wakes_.load();
  v1::ControlRequest poll_now;
  poll_now.set_poll_now(true);
  EXPECT_TRUE(executor_->Execute(poll_now).ok());
  EXPECT_GT(wakes_.load(), wakes);
  EXPECT_TRUE(scheduler_->TakeDue(&wait_ms).has_value());
}

TEST_F(ControlExecutorTest, ControlSocketRequestsNeedTheTokenWhenOneIsSet) {
  ASSERT_NO_FATAL_FAILURE(Open([](IngestConfig* c) { c->api_token = "s3cret"; }));
  v1::Envelope request = NewEnvelope();
  request.mutable_control()->set_list_feeds(true);
  for (const char* token : {"", "wrong", "s3cre", "s3cret!"}) {
    request.mutable_control()->set_token(token);
    auto reply = executor_->Handle(request);
    EXPECT_TRUE(absl::IsPermissionDenied(reply.status())) << token;
  }
  EXPECT_EQ(counters_.Get("control_unauthorised").value(), 4u);
  request.mutable_control()->set_token("s3cret");
  auto reply = executor_->Handle(request);
  ASSERT_THAT(reply, IsOk());
  EXPECT_TRUE(reply->control_result().ok());
}

TEST_F(ControlExecutorTest, OpmlImportAdmitsGoodOutlinesAndReportsTheRest) {
  v1::ImportProgress progress = Import(fmt::format(
      R"(<opml version="2.0"><body><outline xmlUrl="{}"/><outline xmlUrl="https://other.example/feed"/>)"
      R"(<outline xmlUrl="file:///etc/passwd"/></body></opml>)",
      kFeedUrl));
  EXPECT_EQ(progress.total(), 3u);
  EXPECT_EQ(progress.added(), 2u);
  EXPECT_EQ(progress.refused(), 1u);
  ASSERT_EQ(progress.refusals_size(), 1);
  EXPECT_EQ(progress.refusals(0).url(), "file:///etc/passwd");
  EXPECT_EQ(progress.error(), "");
  EXPECT_EQ(List().size(), 2u);
  EXPECT_GE(wakes_.load(), 1);
  v1::ControlRequest unknown;
  unknown.set_import_status("no-such-import");
  EXPECT_FALSE(executor_->Execute(unknown).ok());
}

TEST_F(ControlExecutorTest, OpmlImportOverTheOutlineCapAddsNothing) {
  ASSERT_NO_FATAL_FAILURE(Open([](IngestConfig* c) { c->max_import_outlines = 1; }));
  v1::ImportProgress progress = Import(
      R"(<opml version="2.0"><body><outline xmlUrl="https://a.example/1"/><outline xmlUrl="https://a.example/2"/>)"
      R"(</body></opml>)");
  EXPECT_THAT(progress.error(), HasSubstr("max_import_outlines"));
  EXPECT_EQ(progress.added(), 0u);
  EXPECT_TRUE(List().empty());
  EXPECT_EQ(counters_.Get("imports_refused").value(), 1u);
}

}  // namespace
}  // namespace newsflow::ingest

#include "services/ingest/feed_poller.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include "common/log/logging.h"
#include "tests/testing/test_util.h"

namespace newsflow::ingest {
namespace {

using ::newsflow::testing::IsOk;
using ::newsflow::testing::TempDir;
using ::newsflow::testing::WaitFor;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr char kEtag[] = "\"v1\"";

// A paragraph long enough that a feed carrying it is not a teaser.
std::string LongText(const std::string& topic) {
  std::string text;
  for (int i = 0; i < 12; ++i) {
    text += fmt::format("The {} committee met again on day {} and published its minutes for residents. ",
                        topic, i);
  }
  return text;
}

// A page whose article the extractor finds.
std::string ArticlePage(const std::string& title, const std::string& body) {
  return fmt::format(
      "<html><head><title>{0}</title></head><body><nav><a href=\"/\">Home</a></nav>"
      "<article><h1>{0}</h1><p>{1}</p><p>{1}</p><p>{1}</p></article><footer>About us</footer></body></html>",
      title, body);
}

class FeedPollerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Get("/feed", [this](const httplib::Request& req, httplib::Response& res) {
      ++feed_requests_;
      if (req.get_header_value("If-None-Match") == kEtag) {
        res.status = 304;
        return;
      }
      res.set_header("ETag", kEtag);
      res.set_content(fmt::format("<rss version=\"2.0\"><channel><title>Town news</title>"
                                  "<item><title>Bridge repairs</title><link>{0}/a/1</link>"
                                  "<description>{1}</description></item>"
                                  "<item><title>Library hours</title><link>{0}/a/2</link>"
                                  "<description>{2}</description></item></channel></rss>",
                                  Base(), LongText("bridge"), LongText("library")),
                      "application/rss+xml");
    });
    server_.Get("/teasers", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(
          fmt::format("<rss version=\"2.0\"><channel><title>Town news</title>"
                      "<item><title>Harbour plan</title><link>{}/page/harbour</link>"
                      "<description>Read more about the plan.</description></item></channel></rss>",
                      Base()),
          "application/rss+xml");
    });
    server_.Get("/page/harbour", [this](const httplib::Request&, httplib::Response& res) {
      ++page_requests_;
      res.set_content(ArticlePage("Harbour plan",
                                  "The harbour board approved a plan to dredge the channel "
                                  "and rebuild the north quay before the autumn storms."),
                      "text/html; charset=utf-8");
    });
    server_.Get("/broken", [](const httplib::Request&, httplib::Response& res) {
      res.status = 500;
      res.set_content("down", "text/plain");
    });
    server_.set_keep_alive_timeout(1);
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    ASSERT_TRUE(WaitFor([this] { return server_.is_running(); }));

    auto db = IngestDb::Open(dir_.Sub("db"), false);
    ASSERT_THAT(db, IsOk());
    db_ = *std::move(db);
    feeds_ = std::make_unique<FeedList>(*db_, 1);
    ASSERT_THAT(feeds_->Load(), IsOk());
    config_.min_interval_s = 60;
    scheduler_ = std::make_unique<FeedScheduler>(*feeds_, PollPolicy::FromConfig(config_), clock_);
    outbox_ = std::make_unique<Outbox>(*db_, OutboxOptions{}, counters_, NullLogger());
    fetch_options_.allow_networks = {*ParseIpNetwork("127.0.0.0/8")};
    config_.fetch_threads = 2;
    poller_ = std::make_unique<FeedPoller>(
        config_, *scheduler_, *outbox_, *db_, fetch_options_, counters_, registry_, NullLogger(), clock_,
        [this](const absl::Status& s, std::string_view what) {
          db_errors_.push_back(std::string(what) + ": " + std::string(s.message()));
        });
  }

  void TearDown() override {
    poller_.reset();
    server_.stop();
    thread_.join();
  }

  std::string Base() const { return fmt::format("http://127.0.0.1:{}", port_); }

  void AddFeed(const std::string& path) {
    v1::FeedSpec f;
    f.set_url(Base() + path);
    f.set_enabled(true);
    ASSERT_THAT(feeds_->Put(f), IsOk());
  }

  // Polls the feed due now on this thread, as a fetch thread would.
  void PollDue(std::stop_token stop = {}) {
    int64_t wait_ms = 0;
    auto feed = scheduler_->TakeDue(&wait_ms);
    ASSERT_TRUE(feed.has_value()) << "no feed due";
    poller_->PollFeed(*std::move(feed), stop);
  }

  // What the outbox would send, in order.
  std::vector<v1::Article> Sent() {
    std::vector<v1::Article> out;
    while (true) {
      auto next = outbox_->NextToSend();
      EXPECT_THAT(next, IsOk());
      if (!next.ok() || !next->has_value()) break;
      out.push_back((*next)->article());
      outbox_->Sent(out.back().id(), clock_.NowMs());
    }
    return out;
  }

  uint64_t Count(const std::string& name) {
    auto snapshot = counters_.Snapshot();
    auto it = snapshot.find(name);
    return it == snapshot.end() ? 0 : it->second;
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> feed_requests_{0};
  std::atomic<int> page_requests_{0};
  TempDir dir_;
  FakeClock clock_;
  IngestConfig config_;
  Counters counters_;
  metrics::Registry registry_;
  FetchOptions fetch_options_;
  std::unique_ptr<IngestDb> db_;
  std::unique_ptr<FeedList> feeds_;
  std::unique_ptr<FeedScheduler> scheduler_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<FeedPoller> poller_;
  std::vector<std::string> db_errors_;
};

TEST_F(FeedPollerTest, PollAcceptsEveryItemAndTheNextPollIsConditional) {
  AddFeed("/feed");
  PollDue();
  std::vector<v1::Article> sent = Sent();
  ASSERT_THAT(sent, SizeIs(2));
  EXPECT_EQ(sent[0].title(), "Bridge repairs");
  EXPECT_EQ(sent[1].title(), "Library hours");
  auto stored = feeds_->Get(Base() + "/feed");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->etag(), kEtag);
  EXPECT_EQ(stored->title(), "Town news");
  EXPECT_EQ(stored->consecutive_failures(), 0);

  // Due again after its interval: the server answers 304 to the validator.
  clock_.Advance(std::chrono::hours(25));
  PollDue();
  EXPECT_THAT(Sent(), SizeIs(0));
  EXPECT_EQ(feed_requests_.load(), 2);
  EXPECT_EQ(Count("feed_not_modified"), 1u);
  EXPECT_TRUE(db_errors_.empty());
}

TEST_F(FeedPollerTest, TeaserIsReplacedByItsPageOnceOnly) {
  AddFeed("/teasers");
  PollDue();
  std::vector<v1::Article> sent = Sent();
  ASSERT_THAT(sent, SizeIs(1));
  EXPECT_THAT(sent[0].text(), HasSubstr("dredge the channel"));
  EXPECT_EQ(Count("pages_extracted"), 1u);

  // The same item on the next poll: its page is not fetched again.
  clock_.Advance(std::chrono::hours(25));
  PollDue();
  EXPECT_EQ(page_requests_.load(), 1);
}

TEST_F(FeedPollerTest, ServerErrorBacksTheFeedOff) {
  AddFeed("/broken");
  PollDue();
  auto stored = feeds_->Get(Base() + "/broken");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->consecutive_failures(), 1);
  EXPECT_TRUE(stored->enabled());
  EXPECT_EQ(Count("feed_errors"), 1u);
  int64_t wait_ms = 86400000;
  EXPECT_FALSE(scheduler_->TakeDue(&wait_ms).has_value()) << "a failed feed must back off";
  EXPECT_GT(wait_ms, 0);
}

TEST_F(FeedPollerTest, PollStoppedBeforeItsFetchLeavesTheFeedDueAndUnchanged) {
  AddFeed("/feed");
  std::stop_source stop;
  stop.request_stop();
  PollDue(stop.get_token());
  EXPECT_THAT(Sent(), SizeIs(0));
  EXPECT_EQ(Count("polls_interrupted"), 1u);
  int64_t wait_ms = 0;
  auto again = scheduler_->TakeDue(&wait_ms);
  ASSERT_TRUE(again.has_value()) << "an interrupted poll must leave its feed due";
  EXPECT_TRUE(again->etag().empty());
  scheduler_->Abandon(again->url());
}

TEST_F(FeedPollerTest, ThreadsFetchASubmittedPageAndDueFeeds) {
  AddFeed("/feed");
  poller_->Start();
  poller_->SubmitPage(Base() + "/page/harbour");
  std::vector<v1::Article> sent;
  ASSERT_TRUE(WaitFor([&] {
    for (v1::Article& a : Sent()) sent.push_back(std::move(a));
    return sent.size() == 3;
  }));
  poller_->Stop();
  EXPECT_EQ(page_requests_.load(), 1);
  EXPECT_EQ(Count("pages_submitted"), 1u);
}

}  // namespace
}  // namespace newsflow::ingest

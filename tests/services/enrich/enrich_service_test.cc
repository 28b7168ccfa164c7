// The enrich worker's quarantine: a budget overrun and a crash recorded in
// the journal become EnrichFailure reports on the output link, and a
// quarantined article is never enriched again. Real ZeroMQ sockets
// (inproc) and a real journal folder.
#include "services/enrich/enrich_service.h"

#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/delivery/envelope_codec.h"
#include "common/transport/zmq_socket.h"
#include "services/enrich/article_journal.h"
#include "tests/testing/test_util.h"

namespace newsflow::enrich {
namespace {

using ::newsflow::testing::IsOk;
using ::newsflow::testing::MakeArticle;
using ::newsflow::testing::TempDir;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

class EnrichServiceTest : public ::testing::Test {
 protected:
  // Binds the feeder (PUSH) and the collector (PULL) the worker connects to.
  void SetUp() override {
    input_ep_ = testing::UniqueInprocEndpoint("enrich-in");
    output_ep_ = testing::UniqueInprocEndpoint("enrich-out");
    auto in = OpenSocket(context_, zmq::socket_type::push, MakeEndpoint(input_ep_, true, 100));
    ASSERT_THAT(in, IsOk());
    feeder_ = std::make_unique<zmq::socket_t>(*std::move(in));
    auto out = OpenSocket(context_, zmq::socket_type::pull, MakeEndpoint(output_ep_, true, 100));
    ASSERT_THAT(out, IsOk());
    collector_ = std::make_unique<zmq::socket_t>(*std::move(out));
    config_.enrich.worker_id = "w";
    config_.enrich.input = MakeEndpoint(input_ep_, false, 100);
    config_.enrich.output = MakeEndpoint(output_ep_, false, 100);
    config_.enrich.share_term_counts = false;
    config_.enrich.journal_dir = dir_.Sub("journal");
    config_.enrich.http_port = 0;  // tests run side by side
  }
  void TearDown() override { StopWorker(); }

  void StartWorker() {
    auto service = MakeEnrichService(config_, context_);
    ASSERT_THAT(service, IsOk());
    service_ = *std::move(service);
    thread_ = std::jthread(
        [this](std::stop_token stop) { result_ = service_->Run(stop, [](const EndpointMap&) {}); });
  }
  void StopWorker() {
    if (thread_.joinable()) {
      thread_.request_stop();
      thread_.join();
      EXPECT_THAT(result_, IsOk());
    }
  }

  void Feed(const v1::Article& article) {
    v1::Envelope e = NewEnvelope();
    *e.mutable_article() = article;
    // Until the worker has connected, the PUSH socket has no peer.
    const std::string payload = EncodeEnvelope(e);
    ASSERT_TRUE(testing::WaitFor([&] { return SendFrames(*feeder_, {payload}).ok(); }, 10s));
  }
  // The next envelope from the worker, skipping term counts.
  std::optional<v1::Envelope> Next(std::chrono::milliseconds timeout = 10s) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      auto frames = RecvFrames(*collector_);
      if (!frames.ok()) return std::nullopt;
      if (!frames->has_value()) {
        std::this_thread::sleep_for(5ms);
        continue;
      }
      auto e = DecodeEnvelope((**frames).back());
      if (e.ok() && e->payload_case() != v1::Envelope::kTermCounts) return *e;
    }
    return std::nullopt;
  }

  TempDir dir_;
  zmq::context_t context_{1};
  std::string input_ep_, output_ep_;
  std::unique_ptr<zmq::socket_t> feeder_, collector_;
  NewsflowConfig config_;
  std::unique_ptr<Service> service_;
  absl::Status result_;
  std::jthread thread_;
};

std::string LongText() {
  std::string text;
  for (int i = 0; i < 4000; ++i) {
    text += "The harbour authority reported " + std::to_string(i) + " ships at the northern port today. ";
    if (i % 7 == 6) text += "\n";
  }
  return text;
}

TEST_F(EnrichServiceTest, BudgetOverrunIsReportedAndQuarantinedNotStored) {
  config_.enrich.article_budget_ms = 1;  // no 300 KB article enriches in 1 ms
  config_.enrich.watchdog_ms = 0;
  ASSERT_NO_FATAL_FAILURE(StartWorker());
  v1::Article slow = MakeArticle("slow", "Slow", LongText());
  slow.set_origin("ingest-7");
  Feed(slow);
  auto got = Next();
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(got->payload_case(), v1::Envelope::kEnrichFailure);
  const v1::EnrichFailure& f = got->enrich_failure();
  EXPECT_EQ(f.article_id(), slow.id());
  EXPECT_EQ(f.version(), slow.version());
  EXPECT_EQ(f.origin(), "ingest-7");
  EXPECT_EQ(f.worker(), "w/0");
  EXPECT_THAT(f.reason(), HasSubstr("time budget exceeded"));

  // Sent again (ingest had not heard yet): reported again, not enriched.
  Feed(slow);
  got = Next();
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(got->payload_case(), v1::Envelope::kEnrichFailure);
  EXPECT_THAT(got->enrich_failure().reason(), HasSubstr("time budget exceeded"));
}

TEST_F(EnrichServiceTest, NormalArticlesWithinTheBudgetAreEnriched) {
  ASSERT_NO_FATAL_FAILURE(StartWorker());
  v1::Article a = MakeArticle("a", "Kestrel opens a drone factory",
                              "Kestrel Robotics opened a drone factory in Ohio on Monday. The plant will "
                              "build delivery drones for retailers. Officials welcomed the new jobs.");
  Feed(a);
  auto got = Next();
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(got->payload_case(), v1::Envelope::kArticle);
  EXPECT_EQ(got->article().enrichment().enricher(), "w");
  EXPECT_FALSE(got->article().enrichment().tags().empty());
}

TEST_F(EnrichServiceTest, ACrashRecordedInTheJournalIsReportedOnStartAndQuarantined) {
  v1::Article poison = MakeArticle("poison", "Poison", "Short text that crashed a worker. It is fine now.");
  poison.set_origin("ingest-0");
  {
    // A previous process claimed the slot, began the article and crashed.
    auto journal = ArticleJournal::Open(config_.enrich.journal_dir);
    ASSERT_THAT(journal, IsOk());
    v1::EnrichFailure entry;
    entry.set_article_id(poison.id());
    entry.set_version(poison.version());
    entry.set_origin(poison.origin());
    entry.set_worker("w/0");
    ASSERT_THAT((*journal)->Begin(entry), IsOk());
    // What the fatal-signal handler writes.
    std::ifstream in((*journal)->path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_FALSE(bytes.empty());
    bytes[0] = 'C';
    testing::WriteFile((*journal)->path(), bytes);
  }
  ASSERT_NO_FATAL_FAILURE(StartWorker());
  auto got = Next();
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(got->payload_case(), v1::Envelope::kEnrichFailure);
  EXPECT_EQ(got->enrich_failure().article_id(), poison.id());
  EXPECT_EQ(got->enrich_failure().origin(), "ingest-0");
  EXPECT_THAT(got->enrich_failure().reason(), HasSubstr("crashed the worker"));
  // The article arrives again: never enriched, reported again.
  Feed(poison);
  got = Next();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->payload_case(), v1::Envelope::kEnrichFailure);
}

TEST_F(EnrichServiceTest, AnArticleLeftBusyByAKilledProcessIsNotQuarantined) {
  v1::Article a = MakeArticle("a", "A", "Kestrel Robotics opened a drone factory in Ohio on Monday.");
  {
    auto journal = ArticleJournal::Open(config_.enrich.journal_dir);
    ASSERT_THAT(journal, IsOk());
    v1::EnrichFailure entry;
    entry.set_article_id(a.id());
    entry.set_version(a.version());
    ASSERT_THAT((*journal)->Begin(entry), IsOk());
  }  // killed from outside: the slot still says 'B'
  ASSERT_NO_FATAL_FAILURE(StartWorker());
  Feed(a);
  auto got = Next();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->payload_case(), v1::Envelope::kArticle);
}

TEST(ArticleJournalTest, SlotsAreExclusiveAndClearedAfterUse) {
  TempDir dir;
  auto first = ArticleJournal::Open(dir.Sub("j"));
  auto second = ArticleJournal::Open(dir.Sub("j"));
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(second, IsOk());
  EXPECT_NE((*first)->path(), (*second)->path());
  v1::EnrichFailure entry;
  entry.set_article_id("x");
  ASSERT_THAT((*first)->Begin(entry), IsOk());
  ASSERT_THAT((*first)->Clear(), IsOk());
  const std::string path = (*first)->path();
  first->reset();
  auto again = ArticleJournal::Open(dir.Sub("j"));
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ((*again)->path(), path);
  EXPECT_FALSE((*again)->leftover().has_value());
}

TEST(ArticleJournalTest, TimedOutEntryCarriesTheWatchdogReason) {
  TempDir dir;
  v1::EnrichFailure entry;
  entry.set_article_id("x");
  entry.set_version("v");
  {
    auto journal = ArticleJournal::Open(dir.Sub("j"));
    ASSERT_THAT(journal, IsOk());
    ASSERT_THAT((*journal)->Begin(entry), IsOk());
    v1::EnrichFailure other = entry;
    other.set_article_id("y");
    EXPECT_FALSE((*journal)->MarkTimedOut(other, "wrong article"));
    EXPECT_TRUE((*journal)->MarkTimedOut(entry, "over the watchdog limit"));
  }
  auto journal = ArticleJournal::Open(dir.Sub("j"));
  ASSERT_THAT(journal, IsOk());
  ASSERT_TRUE((*journal)->leftover().has_value());
  EXPECT_EQ((*journal)->leftover()->state, 'T');
  EXPECT_EQ((*journal)->leftover()->entry.reason(), "over the watchdog limit");
}

}  // namespace
}  // namespace newsflow::enrich

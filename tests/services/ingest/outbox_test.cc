#include "services/ingest/outbox.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/log/logging.h"
#include "tests/testing/test_util.h"

namespace newsflow::ingest {
namespace {

using ::newsflow::testing::IsOk;
using ::newsflow::testing::MakeArticle;
using ::newsflow::testing::StatusIs;
using ::newsflow::testing::TempDir;
using ::newsflow::testing::WaitFor;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using namespace std::chrono_literals;

constexpr int64_t kT0 = 1'000'000;

v1::Ack AckOf(const v1::Article& a) {
  v1::Ack ack;
  ack.set_article_id(a.id());
  ack.set_version(a.version());
  ack.set_sequence(1);
  return ack;
}

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override { OpenDb(); }
  void OpenDb() {
    outbox_.reset();
    db_.reset();
    auto opened = IngestDb::Open(dir_.Sub("ingest"), false);
    ASSERT_THAT(opened, IsOk());
    db_ = *std::move(opened);
    outbox_ = std::make_unique<Outbox>(*db_, options_, counters_, NullLogger());
  }
  void Accept(const v1::Article& a) {
    auto r = outbox_->Accept(a, std::stop_token());
    ASSERT_THAT(r, IsOk());
  }
  // Takes the next envelope and marks it sent at `now_ms`.
  std::optional<v1::Envelope> SendNext(int64_t now_ms) {
    auto next = outbox_->NextToSend();
    EXPECT_THAT(next, IsOk());
    if (!next.ok() || !next->has_value()) return std::nullopt;
    outbox_->Sent((*next)->article().id(), now_ms);
    return **next;
  }
  // Another article goes through the whole pipeline (sent and acked): the
  // store and a worker are up, so earlier sends count towards max_attempts.
  void PipelineAnswers(int64_t now_ms) {
    v1::Article filler = MakeArticle("filler-" + std::to_string(fillers_++), "F", "x");
    Accept(filler);
    std::optional<v1::Envelope> sent;
    while ((sent = SendNext(now_ms)) && sent->article().id() != filler.id()) {
    }
    ASSERT_TRUE(sent.has_value());
    v1::Ack ack;
    ack.set_article_id(filler.id());
    ack.set_version(filler.version());
    ASSERT_THAT(outbox_->OnAck(ack), IsOk());
  }
  std::vector<std::string> DeadIds() {
    auto dead = db_->ListDeadLetters(100);
    EXPECT_THAT(dead, IsOk());
    std::vector<std::string> ids;
    if (dead.ok()) {
      for (const auto& e : *dead) ids.push_back(e.envelope().article().id());
    }
    return ids;
  }

  TempDir dir_;
  OutboxOptions options_{.ack_timeout_ms = 100, .max_attempts = 3, .max_in_flight = 100};
  Counters counters_;
  std::unique_ptr<IngestDb> db_;
  std::unique_ptr<Outbox> outbox_;
  int fillers_ = 0;
};

TEST_F(OutboxTest, AcceptedArticlesAreSentInOrderWithAttemptOne) {
  v1::Article a = MakeArticle("a", "A", "x");
  v1::Article b = MakeArticle("b", "B", "x");
  Accept(a);
  Accept(b);
  auto first = SendNext(kT0);
  auto second = SendNext(kT0);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->article().id(), a.id());
  EXPECT_EQ(first->attempt(), 1u);
  EXPECT_EQ(second->article().id(), b.id());
  EXPECT_FALSE(SendNext(kT0).has_value());
  EXPECT_EQ(outbox_->outstanding(), 2u);
}

TEST_F(OutboxTest, DuplicateIsNotQueuedAgain) {
  v1::Article a = MakeArticle("a", "A", "x");
  Accept(a);
  auto r = outbox_->Accept(a, std::stop_token());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(*r, AcceptResult::kDuplicate);
  EXPECT_EQ(outbox_->queued(), 1u);
  EXPECT_EQ(counters_.Snapshot()["duplicates_skipped"], 1u);
}

TEST_F(OutboxTest, ABatchIsAcceptedWithOneResultPerArticleInOrder) {
  const v1::Article a = MakeArticle("a", "A", "x");
  const v1::Article b = MakeArticle("b", "B", "x");
  v1::Article a_changed = a;
  a_changed.set_text("x, corrected");
  a_changed.set_version("a-v2");
  ASSERT_NE(a_changed.version(), a.version());
  auto r = outbox_->AcceptBatch({a, b, a, a_changed}, std::stop_token());
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(*r, ElementsAre(AcceptResult::kNew, AcceptResult::kNew, AcceptResult::kDuplicate,
                              AcceptResult::kChanged));
  EXPECT_EQ(outbox_->queued(), 2u);  // "a" keeps its place with its new version
  auto counts = counters_.Snapshot();
  EXPECT_EQ(counts["accepted_new"], 2u);
  EXPECT_EQ(counts["duplicates_skipped"], 1u);
  EXPECT_EQ(counts["accepted_changed"], 1u);
  // Durable: a restart finds the newer version of "a" and "b".
  OpenDb();
  ASSERT_THAT(outbox_->Recover(), IsOk());
  auto first = SendNext(kT0);
  auto second = SendNext(kT0);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->article().id(), a.id());
  EXPECT_EQ(first->article().version(), "a-v2");
  EXPECT_EQ(second->article().id(), b.id());
  // Sent again as one batch, every article is a duplicate.
  auto again = outbox_->AcceptBatch({a_changed, b}, std::stop_token());
  ASSERT_THAT(again, IsOk());
  EXPECT_THAT(*again, ElementsAre(AcceptResult::kDuplicate, AcceptResult::kDuplicate));
}

TEST_F(OutboxTest, AckRemovesTheEntry) {
  v1::Article a = MakeArticle("a", "A", "x");
  Accept(a);
  SendNext(kT0);
  ASSERT_THAT(outbox_->OnAck(AckOf(a)), IsOk());
  EXPECT_EQ(outbox_->outstanding(), 0u);
  EXPECT_THAT(*db_->LoadOutbox(), IsEmpty());
  ASSERT_THAT(outbox_->ExpireDue(kT0 + 10'000), IsOk());
  EXPECT_FALSE(SendNext(kT0 + 10'000).has_value());
}

TEST_F(OutboxTest, AckBeforeSendSkipsTheQueuedEntry) {
  v1::Article a = MakeArticle("a", "A", "x");
  Accept(a);
  ASSERT_THAT(outbox_->OnAck(AckOf(a)), IsOk());
  EXPECT_FALSE(SendNext(kT0).has_value());
}

TEST_F(OutboxTest, NotResentBeforeTheAckTimeout) {
  Accept(MakeArticle("a", "A", "x"));
  SendNext(kT0);
  ASSERT_THAT(outbox_->ExpireDue(kT0 + 99), IsOk());
  EXPECT_EQ(outbox_->queued(), 0u);
}

TEST_F(OutboxTest, ResentWithNextAttemptAfterTheAckTimeout) {
  v1::Article a = MakeArticle("a", "A", "x");
  Accept(a);
  SendNext(kT0);
  ASSERT_NO_FATAL_FAILURE(PipelineAnswers(kT0));
  ASSERT_THAT(outbox_->ExpireDue(kT0 + 100), IsOk());
  auto resent = SendNext(kT0 + 100);
  ASSERT_TRUE(resent.has_value());
  EXPECT_EQ(resent->article().id(), a.id());
  EXPECT_EQ(resent->attempt(), 2u);
  EXPECT_EQ(counters_.Snapshot()["resent"], 1u);
}

TEST_F(OutboxTest, ExpiryPersistsTheAttemptCount) {
  v1::Article a = MakeArticle("a", "A", "x");
  Accept(a);
  SendNext(kT0);
  ASSERT_NO_FATAL_FAILURE(PipelineAnswers(kT0));
  ASSERT_THAT(outbox_->ExpireDue(kT0 + 100), IsOk());
  auto entry = db_->GetOutbox(a.id());
  ASSERT_THAT(entry, IsOk());
  ASSERT_TRUE(entry->has_value());
  EXPECT_EQ((*entry)->attempt(), 1u);
}

TEST_F(OutboxTest, DeadLetteredAfterMaxAttempts) {
  v1::Article a = MakeArticle("a", "A", "x");
  Accept(a);
  int64_t now = kT0;
  std::vector<uint32_t> attempts;
  for (int i = 0; i < 5; ++i) {
    auto sent = SendNext(now);
    if (!sent) break;
    attempts.push_back(sent->attempt());
    ASSERT_NO_FATAL_FAILURE(PipelineAnswers(now));
    now += 100;
    ASSERT_THAT(outbox_->ExpireDue(now), IsOk());
  }
  EXPECT_THAT(attempts, ElementsAre(1u, 2u, 3u));
  EXPECT_THAT(DeadIds(), ElementsAre(a.id()));
  EXPECT_THAT(*db_->LoadOutbox(), IsEmpty());
  EXPECT_EQ(outbox_->outstanding(), 0u);
  EXPECT_EQ(counters_.Snapshot()["dead_lettered"], 1u);
}

TEST_F(OutboxTest, EnrichFailureAckDeadLettersAtOnceWithTheReason) {
  v1::Article a = MakeArticle("a", "A", "x");
  v1::Article b = MakeArticle("b", "B", "x");
  Accept(a);
  Accept(b);
  SendNext(kT0);
  SendNext(kT0);
  v1::Ack failed = AckOf(a);
  failed.set_sequence(0);
  failed.set_failure("enrich: time budget exceeded after analysis");
  failed.set_failed_worker("w1/0");
  ASSERT_THAT(outbox_->OnAck(failed), IsOk());
  EXPECT_THAT(DeadIds(), ElementsAre(a.id()));
  auto dead = db_->GetDeadLetter(a.id());
  ASSERT_THAT(dead, IsOk());
  ASSERT_TRUE(dead->has_value());
  EXPECT_THAT((*dead)->reason(), ::testing::HasSubstr("time budget exceeded"));
  EXPECT_THAT((*dead)->reason(), ::testing::HasSubstr("w1/0"));
  EXPECT_EQ((*dead)->attempts(), 1u);
  // Never resent, even after the ack timeout; the other article is.
  ASSERT_THAT(outbox_->ExpireDue(kT0 + 10'000), IsOk());
  auto next = SendNext(kT0 + 10'000);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->article().id(), b.id());
  EXPECT_FALSE(SendNext(kT0 + 10'000).has_value());
  EXPECT_EQ(outbox_->outstanding(), 1u);
  EXPECT_EQ(counters_.Snapshot()["enrich_failures"], 1u);
}

// An ack out of bounds (an oversized failure text here) changes nothing: the
// entry stays in the outbox and is resent when its ack times out.
TEST_F(OutboxTest, InvalidAckIsCountedAndIgnored) {
  v1::Article a = MakeArticle("a", "A", "x");
  Accept(a);
  SendNext(kT0);
  v1::Ack failed = AckOf(a);
  failed.set_failure(std::string(100 * 1024, 'f'));
  ASSERT_THAT(outbox_->OnAck(failed), IsOk());
  v1::Ack bad_version = AckOf(a);
  bad_version.set_version(std::string(1000, 'v'));
  ASSERT_THAT(outbox_->OnAck(bad_version), IsOk());
  EXPECT_THAT(DeadIds(), IsEmpty());
  EXPECT_EQ(outbox_->outstanding(), 1u);
  EXPECT_EQ(counters_.Snapshot()["bad_acks"], 2u);
}

TEST_F(OutboxTest, EnrichFailureOfAnOlderVersionKeepsTheNewOne) {
  v1::Article a = MakeArticle("a", "A", "x");
  Accept(a);
  SendNext(kT0);
  v1::Article changed = MakeArticle("a", "A", "changed text");
  ASSERT_EQ(changed.id(), a.id());
  Accept(changed);
  v1::Ack failed = AckOf(a);
  failed.set_failure("crashed");
  ASSERT_THAT(outbox_->OnAck(failed), IsOk());
  EXPECT_THAT(DeadIds(), IsEmpty());
  EXPECT_EQ(outbox_->outstanding(), 1u);
}

TEST_F(OutboxTest, RedriveSendsADeadLetterAgainFromAttemptOne) {
  v1::Article a = MakeArticle("a", "A", "x");
  Accept(a);
  SendNext(kT0);
  v1::Ack failed = AckOf(a);
  failed.set_failure("crashed");
  ASSERT_THAT(outbox_->OnAck(failed), IsOk());
  ASSERT_FALSE(SendNext(kT0).has_value());
  auto redriven = outbox_->Redrive(a.id());
  ASSERT_THAT(redriven, IsOk());
  EXPECT_TRUE(*redriven);
  auto sent = SendNext(kT0 + 1);
  ASSERT_TRUE(sent.has_value());
  EXPECT_EQ(sent->article().id(), a.id());
  EXPECT_EQ(sent->attempt(), 1u);
  EXPECT_THAT(DeadIds(), IsEmpty());
  ASSERT_THAT(outbox_->OnAck(AckOf(a)), IsOk());
  EXPECT_EQ(outbox_->outstanding(), 0u);
  EXPECT_FALSE(*outbox_->Redrive(a.id()));
}

TEST_F(OutboxTest, RecoverQueuesLeftoversWithTheirAttempts) {
  v1::Article a = MakeArticle("a", "A", "x");
  v1::Article b = MakeArticle("b", "B", "x");
  Accept(a);
  Accept(b);
  SendNext(kT0);
  ASSERT_THAT(outbox_->OnAck(AckOf(b)), IsOk());       // the pipeline answers: a's send counts
  ASSERT_THAT(outbox_->ExpireDue(kT0 + 100), IsOk());  // a: attempt 1 persisted
  OpenDb();                                            // a restart
  ASSERT_THAT(outbox_->Recover(), IsOk());
  EXPECT_EQ(outbox_->outstanding(), 1u);
  auto resent = SendNext(kT0);
  ASSERT_TRUE(resent.has_value());
  EXPECT_EQ(resent->article().id(), a.id());
  EXPECT_EQ(resent->attempt(), 2u);
  EXPECT_FALSE(SendNext(kT0).has_value());
}

TEST_F(OutboxTest, RecoveredEntryCountsTowardsMaxAttempts) {
  v1::Article a = MakeArticle("a", "A", "x");
  Accept(a);
  int64_t now = kT0;
  for (int i = 0; i < 2; ++i) {
    SendNext(now);
    ASSERT_NO_FATAL_FAILURE(PipelineAnswers(now));
    now += 100;
    ASSERT_THAT(outbox_->ExpireDue(now), IsOk());
  }
  OpenDb();
  ASSERT_THAT(outbox_->Recover(), IsOk());
  auto last = SendNext(now);
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->attempt(), 3u);
  ASSERT_NO_FATAL_FAILURE(PipelineAnswers(now));
  ASSERT_THAT(outbox_->ExpireDue(now + 100), IsOk());
  EXPECT_THAT(DeadIds(), ElementsAre(a.id()));
}

// While nothing at all is acked (the store or every worker is down), sends
// do not count: a long outage dead-letters nothing. Once the pipeline
// answers again, max_attempts applies as usual.
TEST_F(OutboxTest, StalledPipelineDeadLettersNothing) {
  v1::Article a = MakeArticle("a", "A", "x");
  Accept(a);
  int64_t now = kT0;
  for (int i = 0; i < 20; ++i) {
    auto sent = SendNext(now);
    ASSERT_TRUE(sent.has_value()) << "cycle " << i;
    EXPECT_EQ(sent->attempt(), 1u);
    now += 100;
    ASSERT_THAT(outbox_->ExpireDue(now), IsOk());
  }
  EXPECT_THAT(DeadIds(), IsEmpty());
  EXPECT_EQ(outbox_->outstanding(), 1u);
  EXPECT_EQ(counters_.Snapshot()["resent_while_stalled"], 20u);
  for (int i = 0; i < 5 && DeadIds().empty(); ++i) {
    ASSERT_TRUE(SendNext(now).has_value());
    ASSERT_NO_FATAL_FAILURE(PipelineAnswers(now));
    now += 100;
    ASSERT_THAT(outbox_->ExpireDue(now), IsOk());
  }
  EXPECT_THAT(DeadIds(), ElementsAre(a.id()));
}

TEST_F(OutboxTest, ChangedArticleSentAgainAndOldAckIgnored) {
  v1::Article a = MakeArticle("a", "A", "x");
  Accept(a);
  SendNext(kT0);
  v1::Article changed = a;
  changed.set_text("new");
  changed.set_version("0000000000000002");
  Accept(changed);
  ASSERT_THAT(outbox_->OnAck(AckOf(a)), IsOk());  // late ack of the old version
  EXPECT_EQ(outbox_->outstanding(), 1u);
  auto next = SendNext(kT0);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->article().version(), changed.version());
  EXPECT_FALSE(SendNext(kT0).has_value());  // queued once
  ASSERT_THAT(outbox_->OnAck(AckOf(changed)), IsOk());
  EXPECT_EQ(outbox_->outstanding(), 0u);
}

TEST_F(OutboxTest, ChangedWhileQueuedKeepsOnePlace) {
  v1::Article a = MakeArticle("a", "A", "x");
  Accept(a);
  v1::Article changed = a;
  changed.set_version("0000000000000002");
  Accept(changed);
  EXPECT_EQ(outbox_->queued(), 1u);
  auto next = SendNext(kT0);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->article().version(), changed.version());
}

TEST_F(OutboxTest, RequeuePutsTheEntryFirst) {
  v1::Article a = MakeArticle("a", "A", "x");
  v1::Article b = MakeArticle("b", "B", "x");
  Accept(a);
  Accept(b);
  auto first = outbox_->NextToSend();
  ASSERT_THAT(first, IsOk());
  ASSERT_TRUE(first->has_value());
  outbox_->Requeue(a.id());  // socket was full
  auto again = SendNext(kT0);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->article().id(), a.id());
  EXPECT_EQ(again->attempt(), 1u);
}

// Every source is capped at the one door: the text is cut at a sentence
// end, the id stays and the version is that of the cut text.
TEST_F(OutboxTest, AcceptCutsAnOversizedArticleToTheLimits) {
  options_.limits.max_text_bytes = 1024;
  options_.limits.max_categories = 2;
  ASSERT_NO_FATAL_FAILURE(OpenDb());
  std::string text;
  for (int i = 0; text.size() < 5000; ++i) text += "Sentence number " + std::to_string(i) + " of the story. ";
  v1::Article a = MakeArticle("big", "Big", text);
  for (const char* c : {"one", "two", "three"}) a.add_categories(c);
  Accept(a);
  auto sent = SendNext(kT0);
  ASSERT_TRUE(sent.has_value());
  const v1::Article& got = sent->article();
  EXPECT_EQ(got.id(), a.id());
  EXPECT_LE(got.text().size(), 1024u);
  EXPECT_GE(got.text().size(), 768u);
  EXPECT_EQ(got.text().back(), '.');
  EXPECT_EQ(text.compare(0, got.text().size(), got.text()), 0);
  EXPECT_NE(got.version(), a.version());
  EXPECT_EQ(got.categories_size(), 2);
  EXPECT_EQ(counters_.Snapshot()["articles_truncated"], 1u);
  // The same oversized article again is a duplicate of what was stored.
  auto again = outbox_->Accept(a, std::stop_token());
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(*again, AcceptResult::kDuplicate);
}

class OutboxBackpressureTest : public OutboxTest {
 protected:
  void SetUp() override {
    options_.max_in_flight = 2;
    OutboxTest::SetUp();
  }
};

TEST_F(OutboxBackpressureTest, AcceptBlocksAtMaxInFlightAndAckFreesRoom) {
  v1::Article a = MakeArticle("a", "A", "x");
  Accept(a);
  Accept(MakeArticle("b", "B", "x"));
  std::atomic<bool> accepted{false};
  absl::Status status;
  std::jthread producer([&] {
    auto r = outbox_->Accept(MakeArticle("c", "C", "x"), std::stop_token());
    status = r.status();
    accepted = true;
  });
  // Blocked while full: the third entry is not in the outbox.
  EXPECT_EQ(outbox_->outstanding(), 2u);
  EXPECT_FALSE(accepted.load());
  ASSERT_THAT(outbox_->OnAck(AckOf(a)), IsOk());
  ASSERT_TRUE(WaitFor([&] { return accepted.load(); }));
  producer.join();
  EXPECT_THAT(status, IsOk());
  EXPECT_EQ(outbox_->outstanding(), 2u);
}

TEST_F(OutboxBackpressureTest, BlockedAcceptIsCancelledByStop) {
  Accept(MakeArticle("a", "A", "x"));
  Accept(MakeArticle("b", "B", "x"));
  std::stop_source stop;
  std::atomic<bool> returned{false};
  absl::Status status;
  std::jthread producer([&] {
    status = outbox_->Accept(MakeArticle("c", "C", "x"), stop.get_token()).status();
    returned = true;
  });
  stop.request_stop();
  ASSERT_TRUE(WaitFor([&] { return returned.load(); }));
  producer.join();
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kCancelled));
  EXPECT_EQ(outbox_->outstanding(), 2u);
  EXPECT_FALSE(db_->GetOutbox(MakeArticle("c", "C", "x").id())->has_value());
}

TEST_F(OutboxBackpressureTest, DeadLetterFreesRoom) {
  Accept(MakeArticle("a", "A", "x"));
  Accept(MakeArticle("b", "B", "x"));
  int64_t now = kT0;
  for (int i = 0; i < 3; ++i) {
    while (SendNext(now)) {
    }
    // The store answers (here a repeated ack of an older article), so the
    // sends count towards max_attempts.
    ASSERT_THAT(outbox_->OnAck(AckOf(MakeArticle("older", "O", "x"))), IsOk());
    now += 100;
    ASSERT_THAT(outbox_->ExpireDue(now), IsOk());
  }
  EXPECT_EQ(outbox_->outstanding(), 0u);
  auto r = outbox_->Accept(MakeArticle("c", "C", "x"), std::stop_token());
  EXPECT_THAT(r, IsOk());
}

}  // namespace
}  // namespace newsflow::ingest

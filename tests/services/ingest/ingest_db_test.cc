#include "services/ingest/ingest_db.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/test_util.h"

namespace newsflow::ingest {
namespace {

using ::newsflow::testing::IsOk;
using ::newsflow::testing::MakeArticle;
using ::newsflow::testing::StatusIs;
using ::newsflow::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Optional;

v1::Article Changed(const v1::Article& a, const std::string& text) {
  v1::Article out = a;
  out.set_text(text);
  out.set_version(a.version() + "-" + text);
  return out;
}

class IngestDbTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    db_.reset();
    auto opened = IngestDb::Open(dir_.Sub("ingest"), /*sync_writes=*/false);
    ASSERT_THAT(opened, IsOk());
    db_ = *std::move(opened);
  }
  AcceptResult Accept(const v1::Article& a) {
    auto r = db_->Accept(a);
    EXPECT_THAT(r, IsOk());
    return r.ok() ? *r : AcceptResult::kDuplicate;
  }
  std::vector<std::string> OutboxIds() {
    auto entries = db_->LoadOutbox();
    EXPECT_THAT(entries, IsOk());
    std::vector<std::string> ids;
    if (entries.ok()) {
      for (const auto& e : *entries) ids.push_back(e.article().id());
    }
    return ids;
  }

  TempDir dir_;
  std::unique_ptr<IngestDb> db_;
};

TEST_F(IngestDbTest, AcceptNewArticleWritesOutboxWithAttemptZero) {
  v1::Article a = MakeArticle("a", "A", "x");
  EXPECT_EQ(Accept(a), AcceptResult::kNew);
  auto entry = db_->GetOutbox(a.id());
  ASSERT_THAT(entry, IsOk());
  ASSERT_TRUE(entry->has_value());
  EXPECT_EQ((*entry)->article().version(), a.version());
  EXPECT_EQ((*entry)->attempt(), 0u);
}

TEST_F(IngestDbTest, AcceptSameVersionIsDuplicate) {
  v1::Article a = MakeArticle("a", "A", "x");
  Accept(a);
  EXPECT_EQ(Accept(a), AcceptResult::kDuplicate);
}

TEST_F(IngestDbTest, DuplicateStaysDuplicateAfterAck) {
  v1::Article a = MakeArticle("a", "A", "x");
  Accept(a);
  ASSERT_THAT(db_->Ack(a.id(), a.version()), IsOk());
  EXPECT_EQ(Accept(a), AcceptResult::kDuplicate);
  EXPECT_THAT(OutboxIds(), IsEmpty());
}

TEST_F(IngestDbTest, AcceptChangedVersionReplacesOutboxEntry) {
  v1::Article a = MakeArticle("a", "A", "x");
  Accept(a);
  v1::Article b = Changed(a, "new text");
  EXPECT_EQ(Accept(b), AcceptResult::kChanged);
  auto entry = db_->GetOutbox(a.id());
  ASSERT_THAT(entry, IsOk());
  ASSERT_TRUE(entry->has_value());
  EXPECT_EQ((*entry)->article().version(), b.version());
}

TEST_F(IngestDbTest, AckRemovesOnlyTheMatchingVersion) {
  v1::Article a = MakeArticle("a", "A", "x");
  Accept(a);
  v1::Article b = Changed(a, "new");
  Accept(b);
  auto stale = db_->Ack(a.id(), a.version());
  ASSERT_THAT(stale, IsOk());
  EXPECT_FALSE(*stale);
  EXPECT_THAT(OutboxIds(), ElementsAre(a.id()));
  auto current = db_->Ack(a.id(), b.version());
  ASSERT_THAT(current, IsOk());
  EXPECT_TRUE(*current);
  EXPECT_THAT(OutboxIds(), IsEmpty());
}

TEST_F(IngestDbTest, AckOfUnknownIdIsFalse) {
  auto r = db_->Ack("nope", "v");
  ASSERT_THAT(r, IsOk());
  EXPECT_FALSE(*r);
}

TEST_F(IngestDbTest, SetAttemptPersists) {
  v1::Article a = MakeArticle("a", "A", "x");
  Accept(a);
  ASSERT_THAT(db_->SetAttempt(a.id(), 4), IsOk());
  Reopen();
  auto entry = db_->GetOutbox(a.id());
  ASSERT_THAT(entry, IsOk());
  ASSERT_TRUE(entry->has_value());
  EXPECT_EQ((*entry)->attempt(), 4u);
}

TEST_F(IngestDbTest, SetAttemptOfAckedEntryDoesNotResurrectIt) {
  v1::Article a = MakeArticle("a", "A", "x");
  Accept(a);
  ASSERT_THAT(db_->Ack(a.id(), a.version()), IsOk());
  ASSERT_THAT(db_->SetAttempt(a.id(), 2), IsOk());
  EXPECT_THAT(OutboxIds(), IsEmpty());
}

TEST_F(IngestDbTest, DeadLetterMovesTheEntry) {
  v1::Article a = MakeArticle("a", "A", "x");
  v1::Article b = MakeArticle("b", "B", "x");
  Accept(a);
  Accept(b);
  ASSERT_THAT(db_->SetAttempt(a.id(), 10), IsOk());
  ASSERT_THAT(db_->DeadLetter(a.id(), "no ack after 10 attempts"), IsOk());
  EXPECT_THAT(OutboxIds(), ElementsAre(b.id()));
  auto dead = db_->ListDeadLetters(10);
  ASSERT_THAT(dead, IsOk());
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ((*dead)[0].envelope().article().id(), a.id());
  EXPECT_EQ((*dead)[0].attempts(), 10u);
  EXPECT_EQ((*dead)[0].reason(), "no ack after 10 attempts");
  EXPECT_GT((*dead)[0].dead_at_ms(), 0);
}

TEST_F(IngestDbTest, DeadLetterOfAVersionLeavesANewerOneAlone) {
  v1::Article a = MakeArticle("a", "A", "x");
  Accept(a);
  auto moved = db_->DeadLetter(a.id(), "crashed", "some-older-version");
  ASSERT_THAT(moved, IsOk());
  EXPECT_FALSE(*moved);
  EXPECT_THAT(OutboxIds(), ElementsAre(a.id()));
  moved = db_->DeadLetter(a.id(), "crashed", a.version());
  ASSERT_THAT(moved, IsOk());
  EXPECT_TRUE(*moved);
  EXPECT_THAT(OutboxIds(), IsEmpty());
}

TEST_F(IngestDbTest, RedriveMovesADeadLetterBackWithAttemptsReset) {
  v1::Article a = MakeArticle("a", "A", "x");
  Accept(a);
  ASSERT_THAT(db_->SetAttempt(a.id(), 7), IsOk());
  ASSERT_THAT(db_->DeadLetter(a.id(), "why"), IsOk());
  auto redriven = db_->Redrive(a.id());
  ASSERT_THAT(redriven, IsOk());
  ASSERT_TRUE(redriven->has_value());
  EXPECT_EQ((*redriven)->attempt(), 0u);
  EXPECT_THAT(OutboxIds(), ElementsAre(a.id()));
  EXPECT_EQ((*db_->GetOutbox(a.id()))->attempt(), 0u);
  EXPECT_THAT(*db_->ListDeadLetters(10), IsEmpty());
  auto again = db_->Redrive(a.id());
  ASSERT_THAT(again, IsOk());
  EXPECT_FALSE(again->has_value());
}

TEST_F(IngestDbTest, PurgeDeletesOnlyTheDeadLetter) {
  v1::Article a = MakeArticle("a", "A", "x");
  Accept(a);
  ASSERT_THAT(db_->DeadLetter(a.id(), "why"), IsOk());
  EXPECT_TRUE(*db_->PurgeDeadLetter(a.id()));
  EXPECT_FALSE(*db_->PurgeDeadLetter(a.id()));
  EXPECT_FALSE(db_->GetDeadLetter(a.id())->has_value());
  // Still seen: the same version is not accepted again.
  EXPECT_EQ(*db_->Accept(a), AcceptResult::kDuplicate);
}

TEST_F(IngestDbTest, ListDeadLettersHonoursLimit) {
  for (const char* s : {"a", "b", "c"}) {
    v1::Article x = MakeArticle(s, s, "x");
    Accept(x);
    ASSERT_THAT(db_->DeadLetter(x.id(), "why"), IsOk());
  }
  auto dead = db_->ListDeadLetters(2);
  ASSERT_THAT(dead, IsOk());
  EXPECT_EQ(dead->size(), 2u);
}

TEST_F(IngestDbTest, ReopenKeepsTheOutboxAndSeen) {
  v1::Article a = MakeArticle("a", "A", "x");
  v1::Article b = MakeArticle("b", "B", "x");
  Accept(a);
  Accept(b);
  ASSERT_THAT(db_->Ack(b.id(), b.version()), IsOk());
  Reopen();
  EXPECT_THAT(OutboxIds(), ElementsAre(a.id()));
  EXPECT_EQ(Accept(b), AcceptResult::kDuplicate);
}

TEST_F(IngestDbTest, SecondOpenWhileInUseIsUnavailable) {
  EXPECT_THAT(IngestDb::Open(dir_.Sub("ingest"), false), StatusIs(absl::StatusCode::kUnavailable));
}

v1::FeedSpec Feed(const std::string& url, int interval_s) {
  v1::FeedSpec f;
  f.set_url(url);
  f.set_interval_s(interval_s);
  f.set_enabled(true);
  return f;
}

TEST_F(IngestDbTest, FeedsPutGetList) {
  ASSERT_THAT(db_->PutFeed(Feed("https://b.example/feed", 60)), IsOk());
  ASSERT_THAT(db_->PutFeed(Feed("https://a.example/feed", 120)), IsOk());
  auto got = db_->GetFeed("https://a.example/feed");
  ASSERT_THAT(got, IsOk());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->interval_s(), 120);
  auto all = db_->ListFeeds();
  ASSERT_THAT(all, IsOk());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].url(), "https://a.example/feed");
  EXPECT_EQ((*all)[1].url(), "https://b.example/feed");
}

TEST_F(IngestDbTest, PutFeedUpdatesState) {
  ASSERT_THAT(db_->PutFeed(Feed("https://a.example/feed", 60)), IsOk());
  v1::FeedSpec updated = Feed("https://a.example/feed", 60);
  updated.set_etag("\"abc\"");
  updated.set_consecutive_failures(2);
  ASSERT_THAT(db_->PutFeed(updated), IsOk());
  auto got = db_->GetFeed("https://a.example/feed");
  ASSERT_THAT(got, IsOk());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->etag(), "\"abc\"");
  EXPECT_EQ((*got)->consecutive_failures(), 2);
  EXPECT_EQ(db_->ListFeeds()->size(), 1u);
}

TEST_F(IngestDbTest, RemoveFeedReportsWhetherItExisted) {
  ASSERT_THAT(db_->PutFeed(Feed("https://a.example/feed", 60)), IsOk());
  auto removed = db_->RemoveFeed("https://a.example/feed");
  ASSERT_THAT(removed, IsOk());
  EXPECT_TRUE(*removed);
  auto again = db_->RemoveFeed("https://a.example/feed");
  ASSERT_THAT(again, IsOk());
  EXPECT_FALSE(*again);
  auto got = db_->GetFeed("https://a.example/feed");
  ASSERT_THAT(got, IsOk());
  EXPECT_FALSE(got->has_value());
}

TEST_F(IngestDbTest, FeedsSurviveReopen) {
  ASSERT_THAT(db_->PutFeed(Feed("https://a.example/feed", 60)), IsOk());
  Reopen();
  auto all = db_->ListFeeds();
  ASSERT_THAT(all, IsOk());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].url(), "https://a.example/feed");
}

}  // namespace
}  // namespace newsflow::ingest

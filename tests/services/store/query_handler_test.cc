#include "services/store/query_handler.h"

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/test_util.h"

namespace newsflow::store {
namespace {

using ::newsflow::testing::IsOk;
using ::newsflow::testing::MakeArticle;
using ::newsflow::testing::TempDir;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

std::vector<std::string> Titles(const v1::QueryResponse& r) {
  std::vector<std::string> titles;
  for (const auto& a : r.articles()) titles.push_back(a.title());
  return titles;
}

class QueryHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = ArticleStore::Open({.path = dir_.Sub("db"), .sync_writes = false});
    ASSERT_THAT(opened, IsOk());
    store_ = *std::move(opened);
    std::vector<v1::Article> batch;
    for (int i = 0; i < 5; ++i) {
      v1::Article a = MakeArticle(std::to_string(i), "T" + std::to_string(i), "text", "AI");
      a.set_published_at_ms(1000 * (i + 1));
      if (i == 4) {
        a.mutable_enrichment()->set_language("zh");
        a.mutable_source()->set_id("src-zh");
      }
      batch.push_back(a);
    }
    ASSERT_THAT(store_->Upsert(batch), IsOk());
    first_id_ = batch[0].id();
  }
  v1::QueryResponse Run(const v1::QueryRequest& q, const QueryLimits& limits = {}) {
    return ExecuteQuery(*store_, q, limits, {{"received", 7}});
  }

  TempDir dir_;
  std::unique_ptr<ArticleStore> store_;
  std::string first_id_;
};

TEST_F(QueryHandlerTest, GetIdReturnsTheArticle) {
  v1::QueryRequest q;
  q.set_get_id(first_id_);
  v1::QueryResponse r = Run(q);
  EXPECT_TRUE(r.ok());
  EXPECT_THAT(Titles(r), ElementsAre("T0"));
  EXPECT_EQ(r.last_sequence(), 5u);
}

TEST_F(QueryHandlerTest, UnknownIdIsNotOkAndNamesTheId) {
  v1::QueryRequest q;
  q.set_get_id("0000000000000000");
  v1::QueryResponse r = Run(q);
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(r.error(), HasSubstr("0000000000000000"));
  EXPECT_THAT(r.error(), HasSubstr("not found"));
  EXPECT_THAT(r.articles(), IsEmpty());
}

TEST_F(QueryHandlerTest, LatestIsNewestFirst) {
  v1::QueryRequest q;
  q.set_latest(true);
  q.set_limit(3);
  EXPECT_THAT(Titles(Run(q)), ElementsAre("T4", "T3", "T2"));
}

// A client lists, then opens the stream from the list's last_sequence: an
// article committed while the list was read must lie above it, or the
// stream skips it and the list never showed it. So every article up to
// last_sequence is in a list long enough to hold them all, however the
// writes fall during the scan.
TEST_F(QueryHandlerTest, ListsLastSequenceCoversOnlyWhatTheScanSaw) {
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < 600; ++i) {
      v1::Article a = MakeArticle("w" + std::to_string(i), "W" + std::to_string(i), "text", "AI");
      a.set_published_at_ms(10000 + i);
      std::vector<v1::Article> one{a};
      EXPECT_THAT(store_->Upsert(one), IsOk());
    }
    done = true;
  });
  v1::QueryRequest q;
  q.set_latest(true);
  q.set_limit(1000);
  std::string missed;  // the first sequence up to last_sequence the list lacked
  int queries = 0;
  while ((!done.load() || queries == 0) && missed.empty()) {
    v1::QueryResponse r = Run(q);
    EXPECT_TRUE(r.ok()) << r.error();
    std::set<uint64_t> listed;
    for (const auto& a : r.articles()) listed.insert(a.sequence());
    for (uint64_t s = 1; s <= r.last_sequence() && missed.empty(); ++s) {
      if (!listed.contains(s)) {
        missed = "sequence " + std::to_string(s) + " <= last_sequence " + std::to_string(r.last_sequence()) +
                 " is not in the list of " + std::to_string(listed.size());
      }
    }
    ++queries;
  }
  writer.join();
  EXPECT_EQ(missed, "") << "after " << queries << " queries";
}

TEST_F(QueryHandlerTest, ByTag) {
  v1::QueryRequest q;
  q.set_by_tag("ai");
  q.set_limit(2);
  v1::QueryResponse r = Run(q);
  EXPECT_TRUE(r.ok());
  EXPECT_THAT(Titles(r), ElementsAre("T4", "T3"));
}

TEST_F(QueryHandlerTest, ByLang) {
  v1::QueryRequest q;
  q.set_by_lang("zh");
  EXPECT_THAT(Titles(Run(q)), ElementsAre("T4"));
}

TEST_F(QueryHandlerTest, BySource) {
  v1::QueryRequest q;
  q.set_by_source("src-test");
  q.set_limit(1);
  EXPECT_THAT(Titles(Run(q)), ElementsAre("T3"));
}

TEST_F(QueryHandlerTest, SinceSeqPagesOldestFirstWithMore) {
  v1::QueryRequest q;
  q.set_since_seq(1);
  q.set_limit(2);
  v1::QueryResponse r = Run(q);
  EXPECT_TRUE(r.ok());
  EXPECT_THAT(Titles(r), ElementsAre("T1", "T2"));
  EXPECT_TRUE(r.more());
  q.set_since_seq(3);
  r = Run(q);
  EXPECT_THAT(Titles(r), ElementsAre("T3", "T4"));
  EXPECT_FALSE(r.more());
}

TEST_F(QueryHandlerTest, TagCounts) {
  v1::QueryRequest q;
  q.set_tag_counts(true);
  v1::QueryResponse r = Run(q);
  EXPECT_TRUE(r.ok());
  ASSERT_EQ(r.tags_size(), 1);
  EXPECT_EQ(r.tags(0).key(), "ai");
  EXPECT_EQ(r.tags(0).count(), 5u);
}

TEST_F(QueryHandlerTest, StatsCarriesCountersAndArticleCount) {
  v1::QueryRequest q;
  q.set_stats(true);
  v1::QueryResponse r = Run(q);
  EXPECT_TRUE(r.ok());
  EXPECT_THAT(r.counters(), Contains(Pair("received", 7u)));
  EXPECT_THAT(r.counters(), Contains(Pair("articles", 5u)));
}

TEST_F(QueryHandlerTest, MissingKindIsNotOk) {
  v1::QueryRequest q;
  q.set_limit(3);
  v1::QueryResponse r = Run(q);
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(r.error(), HasSubstr("no kind"));
}

TEST_F(QueryHandlerTest, ZeroLimitUsesTheDefault) {
  v1::QueryRequest q;
  q.set_latest(true);
  EXPECT_EQ(Run(q, {.default_limit = 2, .max_limit = 4}).articles_size(), 2);
}

TEST_F(QueryHandlerTest, LimitIsCappedAtMax) {
  v1::QueryRequest q;
  q.set_latest(true);
  q.set_limit(1000000);
  EXPECT_EQ(Run(q, {.default_limit = 2, .max_limit = 3}).articles_size(), 3);
}

TEST_F(QueryHandlerTest, SinceLimitIsCappedAndReportsMore) {
  v1::QueryRequest q;
  q.set_since_seq(0);
  q.set_limit(1000000);
  v1::QueryResponse r = Run(q, {.default_limit = 2, .max_limit = 3});
  EXPECT_EQ(r.articles_size(), 3);
  EXPECT_TRUE(r.more());
}

}  // namespace
}  // namespace newsflow::store

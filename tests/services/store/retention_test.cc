// Retention (ArticleStore::ApplyRetention) on a real RocksDB: a deleted
// article leaves every index, its counts and the search index, and is not
// stored again when sent once more.
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/config/newsflow_config.h"
#include "common/util/time.h"
#include "services/store/article_store.h"
#include "services/store/keys.h"
#include "services/store/search_index.h"
#include "tests/testing/test_util.h"

namespace newsflow::store {
namespace {

using ::newsflow::testing::IsOk;
using ::newsflow::testing::MakeArticleWithTags;
using ::newsflow::testing::StatusIs;
using ::newsflow::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr int64_t kDayMs = int64_t{24} * 3600 * 1000;

// An article `days_old` days before `now`, in `lang`, from `source`.
v1::Article Aged(std::string_view seed, int64_t now, double days_old, std::string lang, std::string source,
                 const std::vector<std::string>& tags, std::string text = "") {
  if (text.empty()) text = fmt::format("The report {} tells of harbour cranes and grain ships.", seed);
  v1::Article a = MakeArticleWithTags(seed, fmt::format("Report {}", seed), text, tags);
  a.set_published_at_ms(now - static_cast<int64_t>(days_old * static_cast<double>(kDayMs)));
  a.set_fetched_at_ms(a.published_at_ms());
  a.mutable_enrichment()->set_language(std::move(lang));
  a.mutable_source()->set_id(std::move(source));
  return a;
}

std::vector<std::string> Ids(const absl::StatusOr<std::vector<v1::Article>>& articles) {
  std::vector<std::string> ids;
  EXPECT_THAT(articles, IsOk());
  if (articles.ok()) {
    for (const auto& a : *articles) ids.push_back(a.id());
  }
  return ids;
}

std::unique_ptr<ArticleStore> OpenStore(const std::string& path, RetentionPolicy retention = {}) {
  auto opened = ArticleStore::Open({.path = path, .sync_writes = false, .retention = retention});
  EXPECT_THAT(opened, IsOk());
  return opened.ok() ? *std::move(opened) : nullptr;
}

// Every answer of every index of `store` for the values used in the tests:
// lists by index and value, tag counts, and the tag_hours counts of every
// scope over the trending span.
std::map<std::string, std::vector<std::string>> Snapshot(const ArticleStore& store, int64_t now) {
  std::map<std::string, std::vector<std::string>> out;
  out["latest"] = Ids(store.Latest(1000));
  for (const char* tag : {"Harbour", "Grain", "Weather"})
    out[std::string("tag:") + tag] = Ids(store.ByTag(tag, 1000));
  for (const char* source : {"src-a", "src-b"})
    out[std::string("source:") + source] = Ids(store.BySource(source, 1000));
  for (const char* lang : {"en", "de"}) out[std::string("lang:") + lang] = Ids(store.ByLang(lang, 1000));
  auto tags = store.TagCounts(1000);
  EXPECT_THAT(tags, IsOk());
  if (tags.ok()) {
    for (const auto& t : *tags) out["count:" + t.key()].push_back(std::to_string(t.count()));
  }
  auto scopes = store.TagHourScopes();
  EXPECT_THAT(scopes, IsOk());
  if (scopes.ok()) {
    for (const std::string& scope : *scopes) {
      EXPECT_THAT(store.ScanTagHours(scope, HourOf(now) - kTagHoursRetentionHours, HourOf(now) + 1,
                                     [&](int64_t hour, std::string_view key, int64_t count) {
                                       out[fmt::format("hours:{}:{}:{}", scope, hour, key)].push_back(
                                           std::to_string(count));
                                     }),
                  IsOk());
    }
  }
  return out;
}

class RetentionTest : public ::testing::Test {
 protected:
  // Ten articles 0.5 .. 9.5 days old, two sources, two languages, tags.
  std::vector<v1::Article> TenArticles() {
    std::vector<v1::Article> out;
    for (int i = 0; i < 10; ++i) {
      std::vector<std::string> tags{"Harbour"};
      if (i % 2 == 0) tags.emplace_back("Grain");
      if (i % 3 == 0) tags.emplace_back("Weather");
      out.push_back(Aged(fmt::format("r{}", i), now_, 0.5 + i, i % 4 == 0 ? "de" : "en",
                         i % 2 ? "src-a" : "src-b", tags));
    }
    return out;
  }

  TempDir dir_;
  const int64_t now_ = NowMs();
};

TEST_F(RetentionTest, AgeLimitLeavesTheIndexesOfAStoreThatNeverHadTheOldArticles) {
  // Stored before the limit applies: written with no limit, then reopened.
  {
    auto unlimited = OpenStore(dir_.Sub("db"));
    std::vector<v1::Article> all = TenArticles();
    ASSERT_THAT(unlimited->Upsert(all), IsOk());
  }
  auto store = OpenStore(dir_.Sub("db"), {.max_age_ms = 5 * kDayMs});
  auto pass = store->ApplyRetention(now_, 1000);
  ASSERT_THAT(pass, IsOk());
  EXPECT_EQ(pass->deleted_by_age, 5u);  // 5.5 .. 9.5 days old
  EXPECT_EQ(pass->deleted_by_count, 0u);
  EXPECT_FALSE(pass->more);
  EXPECT_EQ(store->ArticleCount(), 5u);
  EXPECT_EQ(store->Deletions(), 5u);

  // The same five articles stored alone.
  auto fresh = OpenStore(dir_.Sub("fresh"));
  std::vector<v1::Article> young;
  for (const v1::Article& a : TenArticles()) {
    if (a.published_at_ms() >= now_ - 5 * kDayMs) young.push_back(a);
  }
  ASSERT_EQ(young.size(), 5u);
  ASSERT_THAT(fresh->Upsert(young), IsOk());
  EXPECT_EQ(Snapshot(*store, now_), Snapshot(*fresh, now_));

  for (const v1::Article& a : TenArticles()) {
    const bool old = a.published_at_ms() < now_ - 5 * kDayMs;
    EXPECT_EQ(absl::IsNotFound(store->Get(a.id()).status()), old) << a.title();
    auto by_url = store->IdByUrl(a.canonical_url());
    ASSERT_THAT(by_url, IsOk());
    EXPECT_EQ(by_url->has_value(), !old) << a.title();
  }
  // A second pass finds nothing more.
  pass = store->ApplyRetention(now_, 1000);
  ASSERT_THAT(pass, IsOk());
  EXPECT_EQ(pass->deleted_by_age, 0u);
}

TEST_F(RetentionTest, CountLimitDeletesTheOldestInBoundedBatches) {
  auto store = OpenStore(dir_.Sub("db"), {.max_articles = 4});
  std::vector<v1::Article> all = TenArticles();
  ASSERT_THAT(store->Upsert(all), IsOk());
  uint64_t deleted = 0;
  int calls = 0;
  for (bool more = true; more; ++calls) {
    auto pass = store->ApplyRetention(now_, 2);
    ASSERT_THAT(pass, IsOk());
    EXPECT_LE(pass->deleted_by_count, 2u);
    EXPECT_EQ(pass->deleted_by_age, 0u);
    deleted += pass->deleted_by_count;
    more = pass->more;
    ASSERT_LT(calls, 10);
  }
  EXPECT_EQ(deleted, 6u);
  EXPECT_EQ(store->ArticleCount(), 4u);
  // The count is kept with the deletes: the next open reads the same.
  store.reset();
  store = OpenStore(dir_.Sub("db"), {.max_articles = 4});
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->ArticleCount(), 4u);
  auto again = store->ApplyRetention(now_, 2);
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->deleted_by_count, 0u);
  // The four newest (0.5 .. 3.5 days old) stay, newest first.
  std::vector<std::string> expected;
  expected.reserve(4);
  for (int i = 0; i < 4; ++i) expected.push_back(all[i].id());
  EXPECT_EQ(Ids(store->Latest(100)), expected);
}

TEST_F(RetentionTest, NearDuplicateLeavesItsClusterAndFingerprintBands) {
  auto store = OpenStore(dir_.Sub("db"), {.max_age_ms = 5 * kDayMs});
  v1::Article old = Aged("old-copy", now_, 1, "en", "src-a", {"Harbour"});
  old.mutable_enrichment()->set_fingerprint(0x0123456789abcdefULL);
  {
    // Stored while it was young enough.
    std::vector<v1::Article> batch{old};
    ASSERT_THAT(store->Upsert(batch), IsOk());
  }
  v1::Article copy = Aged("new-copy", now_, 0.1, "en", "src-b", {"Harbour"});
  copy.mutable_enrichment()->set_fingerprint(0x0123456789abcdeeULL);  // one bit apart
  std::vector<v1::Article> batch{copy};
  ASSERT_THAT(store->Upsert(batch), IsOk());
  const std::string cluster = store->Get(copy.id())->cluster_id();
  ASSERT_EQ(cluster, store->Get(old.id())->cluster_id());
  EXPECT_EQ(Ids(store->ByCluster(cluster, 10)).size(), 2u);

  // Ten days later the first copy is past the limit, the second is not.
  auto pass = store->ApplyRetention(now_ + 4 * kDayMs + kDayMs / 2, 1000);
  ASSERT_THAT(pass, IsOk());
  EXPECT_EQ(pass->deleted_by_age, 1u);
  EXPECT_THAT(Ids(store->ByCluster(cluster, 10)), ElementsAre(copy.id()));
  // A third copy near the deleted fingerprint only (3 bits from it, 4 from
  // the survivor) starts its own cluster: the deleted bands are gone.
  v1::Article third = Aged("third-copy", now_, 0, "en", "src-c", {"Harbour"});
  third.mutable_enrichment()->set_fingerprint(0x0123456789abcdefULL ^ 0xeULL);
  batch = {third};
  ASSERT_THAT(store->Upsert(batch), IsOk());
  auto stored = store->Get(third.id());
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->cluster_id(), third.id());
}

TEST_F(RetentionTest, DeletedAndTooOldArticlesAreNotStoredAgain) {
  auto store = OpenStore(dir_.Sub("db"), {.max_articles = 2});
  std::vector<v1::Article> batch{Aged("a", now_, 3, "en", "src-a", {"Harbour"}),
                                 Aged("b", now_, 2, "en", "src-a", {"Harbour"}),
                                 Aged("c", now_, 1, "en", "src-a", {"Harbour"})};
  ASSERT_THAT(store->Upsert(batch), IsOk());
  ASSERT_THAT(store->ApplyRetention(now_, 1000), IsOk());
  ASSERT_TRUE(absl::IsNotFound(store->Get(batch[0].id()).status()));
  const uint64_t sequence = store->LastSequence();

  // The feed sends the deleted article again, even after a restart.
  store.reset();
  store = OpenStore(dir_.Sub("db"), {.max_articles = 2});
  std::vector<v1::Article> again{Aged("a", now_, 3, "en", "src-a", {"Harbour"})};
  auto results = store->Upsert(again);
  ASSERT_THAT(results, IsOk());
  EXPECT_TRUE((*results)[0].retired);
  EXPECT_TRUE((*results)[0].duplicate);  // acked, so ingest forgets it
  EXPECT_TRUE(absl::IsNotFound(store->Get(batch[0].id()).status()));
  EXPECT_EQ(store->LastSequence(), sequence);

  // With an age limit, a new article already older than it is refused too.
  auto aged = OpenStore(dir_.Sub("aged"), {.max_age_ms = 7 * kDayMs});
  std::vector<v1::Article> mixed{Aged("ancient", now_, 30, "en", "src-a", {}),
                                 Aged("recent", now_, 1, "en", "src-a", {})};
  results = aged->Upsert(mixed);
  ASSERT_THAT(results, IsOk());
  EXPECT_TRUE((*results)[0].retired);
  EXPECT_FALSE((*results)[1].retired);
  EXPECT_EQ(aged->ArticleCount(), 1u);

  // Ids are remembered kTombstoneMs, then forgotten.
  auto pass = store->ApplyRetention(now_ + kTombstoneMs + kDayMs, 1000);
  ASSERT_THAT(pass, IsOk());
  EXPECT_EQ(pass->tombstones_pruned, 1u);
}

TEST_F(RetentionTest, SinceReportsTombstonesOnlyWhenAsked) {
  auto store = OpenStore(dir_.Sub("db"), {.max_articles = 1});
  std::vector<v1::Article> batch{Aged("a", now_, 2, "en", "src-a", {}),
                                 Aged("b", now_, 1, "en", "src-a", {})};
  ASSERT_THAT(store->Upsert(batch), IsOk());
  ASSERT_THAT(store->ApplyRetention(now_, 1000), IsOk());
  EXPECT_EQ(store->LastSequence(), 3u);  // the delete took a sequence number
  bool more = false;
  EXPECT_THAT(Ids(store->Since(0, 100, &more)), ElementsAre(batch[1].id()));
  std::vector<std::pair<uint64_t, std::string>> deleted;
  auto since = store->Since(0, 100, &more, &deleted);
  EXPECT_THAT(Ids(since), ElementsAre(batch[1].id()));
  EXPECT_THAT(deleted, ElementsAre(std::pair<uint64_t, std::string>(3, batch[0].id())));
}

// The search index follows deletions through the log: also when the index
// was committed before the delete and only opened again afterwards (a
// crash between the RocksDB delete and the Xapian one), and in a rebuild.
TEST_F(RetentionTest, SearchIndexDropsDeletedArticlesAfterARestartAndInARebuild) {
  auto store = OpenStore(dir_.Sub("db"), {.max_articles = 2});
  std::vector<v1::Article> batch{
      Aged("a", now_, 3, "en", "src-a", {}, "Lighthouse keepers counted migrating cranes."),
      Aged("b", now_, 2, "en", "src-a", {}, "Lighthouse lamps were replaced by diodes."),
      Aged("c", now_, 1, "en", "src-a", {}, "The ferry timetable changes in spring.")};
  ASSERT_THAT(store->Upsert(batch), IsOk());
  const std::string path = dir_.Sub("search");
  auto hits = [&](const std::string& query) {
    std::set<std::string> ids;
    auto result = Search(path, {.query = query, .limit = 100});
    EXPECT_THAT(result, IsOk());
    if (result.ok()) {
      for (const auto& h : result->hits) ids.insert(h.id);
    }
    return ids;
  };
  {
    auto index = SearchIndex::Open(path);
    ASSERT_THAT(index, IsOk());
    ASSERT_THAT((*index)->CatchUpAll(*store), IsOk());
  }
  EXPECT_EQ(hits("lighthouse"), (std::set<std::string>{batch[0].id(), batch[1].id()}));
  // The index is closed ("crashed") when the delete commits.
  ASSERT_THAT(store->ApplyRetention(now_, 1000), IsOk());
  EXPECT_EQ(hits("lighthouse").size(), 2u);  // not applied yet
  {
    auto index = SearchIndex::Open(path);
    ASSERT_THAT(index, IsOk());
    ASSERT_THAT((*index)->CatchUpAll(*store), IsOk());
    EXPECT_EQ((*index)->LastSequence(), store->LastSequence());
    EXPECT_EQ((*index)->DocumentCount(), 2u);
  }
  EXPECT_EQ(hits("lighthouse"), (std::set<std::string>{batch[1].id()}));
  ASSERT_THAT(SearchIndex::Rebuild(*store, path), IsOk());
  EXPECT_EQ(hits("lighthouse"), (std::set<std::string>{batch[1].id()}));
  EXPECT_EQ(hits("ferry"), (std::set<std::string>{batch[2].id()}));
}

TEST(RetentionConfigTest, LimitsAreOffByDefaultAndValidated) {
  auto defaults = ParseConfig("data_dir: /tmp/x\n");
  ASSERT_THAT(defaults, IsOk());
  EXPECT_FALSE(defaults->store.RetentionEnabled());
  auto set = ParseConfig("store:\n  retention:\n    max_age_days: 90\n    max_articles: 1000000\n");
  ASSERT_THAT(set, IsOk());
  EXPECT_EQ(set->store.retention_max_age_days, 90);
  EXPECT_EQ(set->store.retention_max_articles, 1000000);
  EXPECT_TRUE(set->store.RetentionEnabled());
  for (const char* bad :
       {"store:\n  retention:\n    max_age_days: -1\n", "store:\n  retention:\n    max_articles: lots\n",
        "store:\n  retention:\n    interval_seconds: 1\n", "store:\n  retention:\n    max_days: 3\n"}) {
    auto parsed = ParseConfig(bad);
    EXPECT_THAT(parsed, StatusIs(absl::StatusCode::kInvalidArgument)) << bad;
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("store.retention.")) << bad;
  }
}

}  // namespace
}  // namespace newsflow::store

#include "services/store/article_store.h"

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include "common/util/text.h"
#include "common/util/time.h"
#include "services/store/keys.h"
#include "tests/testing/test_util.h"

namespace newsflow::store {
namespace {

using ::newsflow::testing::IsOk;
using ::newsflow::testing::MakeArticle;
using ::newsflow::testing::MakeArticleWithTags;
using ::newsflow::testing::StatusIs;
using ::newsflow::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Optional;
using ::testing::UnorderedElementsAre;

std::vector<std::string> Ids(const std::vector<v1::Article>& articles) {
  std::vector<std::string> ids;
  ids.reserve(articles.size());
  for (const auto& a : articles) ids.push_back(a.id());
  return ids;
}

std::vector<std::string> Titles(const absl::StatusOr<std::vector<v1::Article>>& articles) {
  std::vector<std::string> titles;
  EXPECT_THAT(articles, IsOk());
  if (!articles.ok()) return titles;
  for (const auto& a : *articles) titles.push_back(a.title());
  return titles;
}

v1::Article With(v1::Article a, int64_t published_ms) {
  a.set_published_at_ms(published_ms);
  return a;
}

// Changes title/text and recomputes the version like ingest does.
v1::Article NewVersion(const v1::Article& base, const std::string& text,
                       const std::vector<std::string>& tags) {
  v1::Article a = MakeArticleWithTags("unused", base.title(), text, tags);
  a.set_id(base.id());
  a.set_canonical_url(base.canonical_url());
  a.set_url(base.url());
  a.set_published_at_ms(base.published_at_ms());
  return a;
}

class ArticleStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    store_.reset();
    auto opened = ArticleStore::Open({.path = dir_.Sub("db"), .sync_writes = false});
    ASSERT_THAT(opened, IsOk());
    store_ = *std::move(opened);
  }
  std::vector<UpsertResult> Upsert(std::vector<v1::Article> articles) {
    auto results = store_->Upsert(articles);
    EXPECT_THAT(results, IsOk());
    return results.ok() ? *results : std::vector<UpsertResult>{};
  }
  UpsertResult UpsertOne(v1::Article a) {
    auto r = Upsert({std::move(a)});
    return r.empty() ? UpsertResult{} : r[0];
  }
  std::map<std::string, uint64_t> TagCountMap() {
    auto counts = store_->TagCounts(100);
    EXPECT_THAT(counts, IsOk());
    std::map<std::string, uint64_t> out;
    if (counts.ok()) {
      for (const auto& t : *counts) out[t.key()] = t.count();
    }
    return out;
  }

  TempDir dir_;
  std::unique_ptr<ArticleStore> store_;
};

TEST_F(ArticleStoreTest, NewArticlesGetSequenceOneToN) {
  auto results = Upsert({MakeArticle("a", "A", "a"), MakeArticle("b", "B", "b"), MakeArticle("c", "C", "c")});
  ASSERT_EQ(results.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(results[i].sequence, i + 1);
    EXPECT_FALSE(results[i].duplicate);
  }
  EXPECT_EQ(store_->LastSequence(), 3u);
  EXPECT_EQ(store_->ArticleCount(), 3u);
}

TEST_F(ArticleStoreTest, UpsertSetsSequenceAndStoredTimeOnTheArticle) {
  std::vector<v1::Article> batch{MakeArticle("a", "A", "a")};
  ASSERT_THAT(store_->Upsert(batch), IsOk());
  EXPECT_EQ(batch[0].sequence(), 1u);
  EXPECT_GT(batch[0].stored_at_ms(), 0);
  auto stored = store_->Get(batch[0].id());
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->sequence(), 1u);
  EXPECT_EQ(stored->title(), "A");
}

TEST_F(ArticleStoreTest, GetUnknownIdIsNotFound) {
  EXPECT_THAT(store_->Get("ffffffffffffffff"), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ArticleStoreTest, SameIdAndVersionIsDuplicateWithOriginalSequence) {
  UpsertOne(MakeArticle("a", "A", "a"));
  UpsertOne(MakeArticle("b", "B", "b"));
  UpsertResult again = UpsertOne(MakeArticle("a", "A", "a"));
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.sequence, 1u);
  EXPECT_EQ(store_->LastSequence(), 2u);
  EXPECT_EQ(store_->ArticleCount(), 2u);
}

TEST_F(ArticleStoreTest, DuplicateWritesNothing) {
  UpsertOne(MakeArticle("a", "A", "a", "AI"));
  v1::Article dup = MakeArticle("a", "A", "a", "AI");
  dup.set_title("changed without a new version");  // a no-op must not overwrite
  UpsertResult r = UpsertOne(dup);
  EXPECT_TRUE(r.duplicate);
  auto stored = store_->Get(dup.id());
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->title(), "A");
  bool more = false;
  EXPECT_THAT(Titles(store_->Since(0, 10, &more)), ElementsAre("A"));
  EXPECT_EQ(TagCountMap()["ai"], 1u);
}

TEST_F(ArticleStoreTest, NewVersionGetsNewSequenceAndReplacesTheArticle) {
  v1::Article v1a = MakeArticle("a", "A", "first text", "AI");
  UpsertOne(v1a);
  UpsertOne(MakeArticle("b", "B", "b"));
  UpsertResult r = UpsertOne(NewVersion(v1a, "second text", {"AI"}));
  EXPECT_FALSE(r.duplicate);
  EXPECT_EQ(r.sequence, 3u);
  auto stored = store_->Get(v1a.id());
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->text(), "second text");
  EXPECT_EQ(stored->sequence(), 3u);
  EXPECT_EQ(store_->ArticleCount(), 2u);
}

TEST_F(ArticleStoreTest, NewVersionRemovesStaleTagIndexEntries) {
  v1::Article old = MakeArticle("a", "A", "first", "Old Tag", "Kept");
  UpsertOne(old);
  UpsertOne(NewVersion(old, "second", {"New Tag", "Kept"}));
  EXPECT_THAT(Titles(store_->ByTag("old tag", 10)), IsEmpty());
  EXPECT_THAT(Titles(store_->ByTag("New Tag", 10)), ElementsAre("A"));
  EXPECT_THAT(Titles(store_->ByTag("kept", 10)), ElementsAre("A"));  // once, not twice
}

// The store indexes, counts and publishes the key enrichment computed; it
// does not derive its own from the display name.
TEST_F(ArticleStoreTest, IndexesTheKeyEnrichmentComputed) {
  v1::Article a = MakeArticle("a", "A", "text", "Subsidies");
  a.mutable_enrichment()->mutable_tags(0)->set_key("subsidy");
  UpsertOne(a);
  EXPECT_THAT(Titles(store_->ByTag("subsidy", 10)), ElementsAre("A"));
  // A query is keyed like a tag: the plural finds the singular's articles.
  EXPECT_THAT(Titles(store_->ByTag("subsidies", 10)), ElementsAre("A"));
  // Indexed and counted under the enrichment's key only.
  EXPECT_EQ(TagCountMap(), (std::map<std::string, uint64_t>{{"subsidy", 1}}));
}

TEST_F(ArticleStoreTest, TagWithoutANormalisedKeyIsIndexedByItsName) {
  v1::Article a = MakeArticle("a", "A", "text", "Export Controls", "Grid");
  a.mutable_enrichment()->mutable_tags(0)->clear_key();
  a.mutable_enrichment()->mutable_tags(1)->set_key("Not  Normalised");
  UpsertOne(a);
  EXPECT_THAT(Titles(store_->ByTag("Export Controls", 10)), ElementsAre("A"));
  EXPECT_THAT(Titles(store_->ByTag("grid", 10)), ElementsAre("A"));
}

// A database whose tag keys an older TagKey made is re-keyed on open: the
// stored tags, the tag index and the counts all move to TagKey(name).
TEST_F(ArticleStoreTest, OpeningADatabaseOfAnOlderTagKeyVersionReKeysItsTags) {
  v1::Article a = MakeArticle("a", "A", "text", "Export Controls", "Chips");
  a.mutable_enrichment()->mutable_tags(0)->set_key("old key");
  v1::Article b = MakeArticle("b", "B", "text", "export controls");
  b.mutable_enrichment()->mutable_tags(0)->set_key("old key");
  // Recent, so that the trending counts hold them too.
  a.set_published_at_ms(NowMs() - 60'000);
  b.set_published_at_ms(NowMs() - 60'000);
  Upsert({a, b});
  ASSERT_THAT(Titles(store_->ByTag("old key", 10)), UnorderedElementsAre("A", "B"));
  store_.reset();
  {
    // What a build with an older TagKey left behind.
    rocksdb::DB* raw = nullptr;
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir_.Sub("db"), &names).ok());
    for (const auto& name : names) {
      rocksdb::ColumnFamilyOptions options;
      if (name == kTagHoursCf) options.merge_operator = NewTagHoursMergeOperator();
      cfs.emplace_back(name, options);
    }
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), dir_.Sub("db"), cfs, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    auto meta = std::find(names.begin(), names.end(), kMetaCf) - names.begin();
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handles[meta], kMetaTagKeyVersion, EncodeBE64(0)).ok());
    for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
  }
  Reopen();
  EXPECT_THAT(Titles(store_->ByTag("old key", 10)), IsEmpty());
  EXPECT_THAT(Titles(store_->ByTag("Export Controls", 10)), UnorderedElementsAre("A", "B"));
  EXPECT_THAT(Titles(store_->ByTag("chips", 10)), ElementsAre("A"));
  EXPECT_EQ(TagCountMap(),
            (std::map<std::string, uint64_t>{{TagKey("Export Controls"), 2}, {TagKey("Chips"), 1}}));
  auto stored = store_->Get(a.id());
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->enrichment().tags(0).key(), TagKey("Export Controls"));
  EXPECT_EQ(stored->sequence(), 1u);  // re-keying publishes nothing new
  // The hourly trending counts were made again under the new keys.
  std::map<std::string, int64_t> hours;
  ASSERT_THAT(
      store_->ScanTagHours(kAllLanguagesScope, HourOf(NowMs()) - 2, HourOf(NowMs()),
                           [&](int64_t, std::string_view key, int64_t n) { hours[std::string(key)] += n; }),
      IsOk());
  EXPECT_EQ(hours, (std::map<std::string, int64_t>{{TagKey("Export Controls"), 2}, {TagKey("Chips"), 1}}));
  // Done once: the next open finds the current version and changes nothing.
  Reopen();
  EXPECT_THAT(Titles(store_->ByTag("export controls", 10)), UnorderedElementsAre("A", "B"));
}

// Runs `fn` on the store's database at `path` opened directly, as a build
// that knows nothing of the store's meta keys would.
void WithRawMeta(const std::string& path,
                 const std::function<void(rocksdb::DB*, rocksdb::ColumnFamilyHandle*)>& fn) {
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (const auto& name : names) {
    rocksdb::ColumnFamilyOptions options;
    if (name == kTagHoursCf) options.merge_operator = NewTagHoursMergeOperator();
    cfs.emplace_back(name, options);
  }
  rocksdb::DB* raw = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), path, cfs, &handles, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  fn(db.get(), handles[std::find(names.begin(), names.end(), kMetaCf) - names.begin()]);
  for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
}

TEST_F(ArticleStoreTest, ArticleCountSurvivesAReopen) {
  v1::Article a = MakeArticle("a", "A", "first");
  Upsert({a, MakeArticle("b", "B", "b"), MakeArticle("c", "C", "c")});
  UpsertOne(NewVersion(a, "second", {}));  // a new version is no new article
  v1::Article elsewhere = MakeArticle("a", "A", "first");
  elsewhere.mutable_source()->set_id("src-other");
  UpsertOne(elsewhere);                   // nor is another source's copy
  UpsertOne(MakeArticle("b", "B", "b"));  // nor a duplicate
  ASSERT_EQ(store_->ArticleCount(), 3u);
  Reopen();
  EXPECT_EQ(store_->ArticleCount(), 3u);
  UpsertOne(MakeArticle("d", "D", "d"));
  Reopen();
  EXPECT_EQ(store_->ArticleCount(), 4u);
}

TEST_F(ArticleStoreTest, ArticleCountIsReadNotCountedAtOpen) {
  Upsert({MakeArticle("a", "A", "a"), MakeArticle("b", "B", "b")});
  store_.reset();
  // A recorded count at the last sequence is taken as it is.
  WithRawMeta(dir_.Sub("db"), [](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* meta) {
    ASSERT_TRUE(
        db->Put(rocksdb::WriteOptions(), meta, kMetaArticleCount, EncodeBE64(7) + EncodeBE64(2)).ok());
  });
  Reopen();
  EXPECT_EQ(store_->ArticleCount(), 7u);
}

TEST_F(ArticleStoreTest, DatabaseWithoutARecordedCountIsCountedOnceAtOpen) {
  Upsert({MakeArticle("a", "A", "a"), MakeArticle("b", "B", "b"), MakeArticle("c", "C", "c")});
  store_.reset();
  // Written before the count was kept.
  WithRawMeta(dir_.Sub("db"), [](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* meta) {
    ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), meta, kMetaArticleCount).ok());
  });
  Reopen();
  EXPECT_EQ(store_->ArticleCount(), 3u);
  store_.reset();
  std::string recorded;
  WithRawMeta(dir_.Sub("db"), [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* meta) {
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), meta, kMetaArticleCount, &recorded).ok());
  });
  EXPECT_EQ(recorded, EncodeBE64(3) + EncodeBE64(3));
}

TEST_F(ArticleStoreTest, CountOfAnEarlierSequenceIsCountedAgain) {
  Upsert({MakeArticle("a", "A", "a"), MakeArticle("b", "B", "b")});
  store_.reset();
  // A build that does not keep the count committed since (sequence 3): the
  // recorded count (of sequence 2) may be wrong and is not used.
  WithRawMeta(dir_.Sub("db"), [](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* meta) {
    ASSERT_TRUE(
        db->Put(rocksdb::WriteOptions(), meta, kMetaArticleCount, EncodeBE64(7) + EncodeBE64(2)).ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), meta, kMetaLastSequence, EncodeBE64(3)).ok());
  });
  Reopen();
  EXPECT_EQ(store_->ArticleCount(), 2u);
}

TEST_F(ArticleStoreTest, NewVersionWithNewPublishedTimeLeavesOneTimeIndexEntry) {
  v1::Article old = With(MakeArticle("a", "A", "first"), 1000);
  UpsertOne(old);
  v1::Article changed = With(NewVersion(old, "second", {}), 5000);
  UpsertOne(changed);
  auto latest = store_->Latest(10);
  ASSERT_THAT(latest, IsOk());
  ASSERT_EQ(latest->size(), 1u);
  EXPECT_EQ((*latest)[0].text(), "second");
  EXPECT_THAT(Titles(store_->BySource("src-test", 10)), ElementsAre("A"));
  EXPECT_THAT(Titles(store_->ByLang("en", 10)), ElementsAre("A"));
}

TEST_F(ArticleStoreTest, NewVersionMovesLanguageIndex) {
  v1::Article old = MakeArticle("a", "A", "first");
  UpsertOne(old);
  v1::Article changed = NewVersion(old, "zweiter", {});
  changed.mutable_enrichment()->set_language("de");
  UpsertOne(changed);
  EXPECT_THAT(Titles(store_->ByLang("en", 10)), IsEmpty());
  EXPECT_THAT(Titles(store_->ByLang("de", 10)), ElementsAre("A"));
  EXPECT_THAT(Titles(store_->BySource("src-test", 10)), ElementsAre("A"));
}

// ---- Identity ownership: the first source owns an id ------------------------

// `base`'s URL as linked by another source, with that source's own text.
v1::Article FromOtherSource(const v1::Article& base, const std::string& source_id, const std::string& text) {
  v1::Article a = NewVersion(base, text, {"Hijacked"});
  a.set_title("Other title");
  a.set_version("v-" + source_id + "-" + text);
  a.set_fetched_at_ms(1700000000000);
  a.mutable_source()->set_id(source_id);
  a.mutable_source()->set_url("https://" + source_id + ".example/feed.xml");
  a.mutable_source()->set_title("Feed " + source_id);
  a.set_url(base.url() + "?via=" + source_id);
  return a;
}

TEST_F(ArticleStoreTest, AnotherSourceCannotReplaceTheOwnersArticle) {
  v1::Article owner = MakeArticle("a", "Owner title", "owner text", "Owned");
  UpsertOne(owner);
  UpsertResult r = UpsertOne(FromOtherSource(owner, "intruder", "replaced text"));
  // Acked with the version sent (so the sender's outbox entry goes), not stored.
  EXPECT_TRUE(r.duplicate);
  EXPECT_TRUE(r.foreign);
  EXPECT_EQ(r.sequence, 1u);
  EXPECT_EQ(r.version, "v-intruder-replaced text");
  EXPECT_EQ(store_->LastSequence(), 1u);
  auto got = store_->Get(owner.id());
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->title(), "Owner title");
  EXPECT_EQ(got->text(), "owner text");
  EXPECT_EQ(got->version(), owner.version());
  EXPECT_EQ(got->source().id(), "src-test");
  ASSERT_EQ(got->also_seen_at_size(), 1);
  EXPECT_EQ(got->also_seen_at(0).source_id(), "intruder");
  EXPECT_EQ(got->also_seen_at(0).source_url(), "https://intruder.example/feed.xml");
  EXPECT_EQ(got->also_seen_at(0).source_title(), "Feed intruder");
  EXPECT_EQ(got->also_seen_at(0).url(), owner.url() + "?via=intruder");
  EXPECT_EQ(got->also_seen_at(0).seen_at_ms(), 1700000000000);
  // The indexes still describe the owner's version only.
  EXPECT_THAT(Titles(store_->BySource("src-test", 10)), ElementsAre("Owner title"));
  EXPECT_THAT(Titles(store_->BySource("intruder", 10)), IsEmpty());
  EXPECT_THAT(Titles(store_->ByTag("owned", 10)), ElementsAre("Owner title"));
  EXPECT_THAT(Titles(store_->ByTag("hijacked", 10)), IsEmpty());
  EXPECT_EQ(TagCountMap().count("hijacked"), 0u);
  EXPECT_EQ(store_->ArticleCount(), 1u);
}

TEST_F(ArticleStoreTest, AlsoSeenAtIsRecordedOncePerSource) {
  v1::Article owner = MakeArticle("a", "A", "owner text");
  UpsertOne(owner);
  UpsertOne(FromOtherSource(owner, "other", "one"));
  UpsertOne(FromOtherSource(owner, "other", "one"));
  UpsertOne(FromOtherSource(owner, "other", "two"));
  auto got = store_->Get(owner.id());
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->also_seen_at_size(), 1);
  EXPECT_EQ(store_->LastSequence(), 1u);
}

TEST_F(ArticleStoreTest, AlsoSeenAtIsBounded) {
  v1::Article owner = MakeArticle("a", "A", "owner text");
  UpsertOne(owner);
  for (int i = 0; i < kMaxAlsoSeenAt + 10; ++i) {
    EXPECT_TRUE(UpsertOne(FromOtherSource(owner, fmt::format("s{}", i), "x")).duplicate);
  }
  auto got = store_->Get(owner.id());
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->also_seen_at_size(), kMaxAlsoSeenAt);
  EXPECT_EQ(got->also_seen_at(0).source_id(), "s0");
  EXPECT_EQ(got->text(), "owner text");
}

TEST_F(ArticleStoreTest, OwnerStillReplacesItsArticleAndKeepsAlsoSeenAt) {
  v1::Article owner = MakeArticle("a", "A", "first");
  UpsertOne(owner);
  UpsertOne(FromOtherSource(owner, "other", "theirs"));
  UpsertResult r = UpsertOne(NewVersion(owner, "second", {}));
  EXPECT_FALSE(r.duplicate);
  EXPECT_EQ(r.sequence, 2u);
  auto got = store_->Get(owner.id());
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->text(), "second");
  ASSERT_EQ(got->also_seen_at_size(), 1);
  EXPECT_EQ(got->also_seen_at(0).source_id(), "other");
}

TEST_F(ArticleStoreTest, OwnershipHoldsWithinOneBatch) {
  v1::Article owner = MakeArticle("a", "A", "owner text");
  auto results = Upsert({owner, FromOtherSource(owner, "other", "theirs"),
                         FromOtherSource(owner, "third", "x"), NewVersion(owner, "owner again", {})});
  ASSERT_EQ(results.size(), 4u);
  EXPECT_FALSE(results[0].duplicate);
  EXPECT_TRUE(results[1].foreign);
  EXPECT_TRUE(results[2].foreign);
  EXPECT_FALSE(results[3].duplicate);
  auto got = store_->Get(owner.id());
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->text(), "owner again");
  EXPECT_EQ(got->also_seen_at_size(), 2);
  EXPECT_EQ(store_->LastSequence(), 2u);
}

TEST_F(ArticleStoreTest, ByUrlFollowsTheCanonicalUrl) {
  v1::Article old = MakeArticle("a", "A", "first");
  UpsertOne(old);
  EXPECT_THAT(store_->IdByUrl(old.canonical_url()), IsOk());
  EXPECT_THAT(*store_->IdByUrl(old.canonical_url()), Optional(old.id()));
  v1::Article moved = NewVersion(old, "second", {});
  moved.set_canonical_url("https://news.example/moved");
  UpsertOne(moved);
  EXPECT_EQ(*store_->IdByUrl(old.canonical_url()), std::nullopt);
  EXPECT_THAT(*store_->IdByUrl("https://news.example/moved"), Optional(old.id()));
}

TEST_F(ArticleStoreTest, TwoVersionsOfOneIdInOneBatch) {
  v1::Article first = MakeArticle("a", "A", "first", "Old");
  v1::Article second = NewVersion(first, "second", {"New"});
  auto results = Upsert({first, second});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].sequence, 1u);
  EXPECT_EQ(results[1].sequence, 2u);
  EXPECT_FALSE(results[1].duplicate);
  auto stored = store_->Get(first.id());
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->text(), "second");
  EXPECT_THAT(Titles(store_->ByTag("old", 10)), IsEmpty());
  EXPECT_THAT(Titles(store_->ByTag("new", 10)), ElementsAre("A"));
  EXPECT_EQ(store_->ArticleCount(), 1u);
  auto counts = TagCountMap();
  EXPECT_EQ(counts.count("old"), 0u);
  EXPECT_EQ(counts["new"], 1u);
  bool more = true;
  auto since = store_->Since(0, 10, &more);
  ASSERT_THAT(since, IsOk());
  ASSERT_EQ(since->size(), 1u);
  EXPECT_EQ((*since)[0].sequence(), 2u);
}

TEST_F(ArticleStoreTest, SameArticleTwiceInOneBatchIsOneCommitAndOneDuplicate) {
  auto results = Upsert({MakeArticle("a", "A", "a"), MakeArticle("a", "A", "a")});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_FALSE(results[0].duplicate);
  EXPECT_TRUE(results[1].duplicate);
  EXPECT_EQ(results[1].sequence, results[0].sequence);
  EXPECT_EQ(store_->LastSequence(), 1u);
}

TEST_F(ArticleStoreTest, ArticleWithoutIdOrVersionIsRejectedAndNothingWritten) {
  v1::Article no_version = MakeArticle("b", "B", "b");
  no_version.clear_version();
  std::vector<v1::Article> batch{MakeArticle("a", "A", "a"), no_version};
  EXPECT_THAT(store_->Upsert(batch), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(store_->LastSequence(), 0u);
  EXPECT_THAT(store_->Get(batch[0].id()), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ArticleStoreTest, SincePagesWithMore) {
  for (int i = 0; i < 5; ++i) UpsertOne(MakeArticle(std::to_string(i), "T" + std::to_string(i), "x"));
  bool more = false;
  auto page1 = store_->Since(0, 2, &more);
  EXPECT_THAT(Titles(page1), ElementsAre("T0", "T1"));
  EXPECT_TRUE(more);
  auto page2 = store_->Since(2, 2, &more);
  EXPECT_THAT(Titles(page2), ElementsAre("T2", "T3"));
  EXPECT_TRUE(more);
  auto page3 = store_->Since(4, 2, &more);
  EXPECT_THAT(Titles(page3), ElementsAre("T4"));
  EXPECT_FALSE(more);
  auto empty = store_->Since(5, 2, &more);
  EXPECT_THAT(Titles(empty), IsEmpty());
  EXPECT_FALSE(more);
}

TEST_F(ArticleStoreTest, SinceExactlyFullPageHasNoMore) {
  for (int i = 0; i < 2; ++i) UpsertOne(MakeArticle(std::to_string(i), "T" + std::to_string(i), "x"));
  bool more = true;
  EXPECT_THAT(Titles(store_->Since(0, 2, &more)), ElementsAre("T0", "T1"));
  EXPECT_FALSE(more);
}

TEST_F(ArticleStoreTest, SinceSkipsSupersededVersions) {
  v1::Article a = MakeArticle("a", "A", "first");
  UpsertOne(a);                            // seq 1
  UpsertOne(MakeArticle("b", "B", "b"));   // seq 2
  UpsertOne(NewVersion(a, "second", {}));  // seq 3
  bool more = false;
  auto all = store_->Since(0, 10, &more);
  ASSERT_THAT(all, IsOk());
  std::vector<uint64_t> seqs;
  for (const auto& x : *all) seqs.push_back(x.sequence());
  EXPECT_THAT(seqs, ElementsAre(2u, 3u));
  EXPECT_EQ((*all)[1].text(), "second");
  EXPECT_THAT(Titles(store_->Since(2, 10, &more)), ElementsAre("A"));
}

TEST_F(ArticleStoreTest, LatestOrdersByPublishedTimeNewestFirst) {
  Upsert({With(MakeArticle("mid", "Mid", "x"), 2000), With(MakeArticle("old", "Old", "x"), 1000),
          With(MakeArticle("new", "New", "x"), 3000)});
  EXPECT_THAT(Titles(store_->Latest(10)), ElementsAre("New", "Mid", "Old"));
  EXPECT_THAT(Titles(store_->Latest(2)), ElementsAre("New", "Mid"));
}

TEST_F(ArticleStoreTest, SortTimeFallsBackToFetchedTime) {
  v1::Article unpublished = MakeArticle("u", "Unpublished", "x");
  unpublished.set_published_at_ms(0);
  unpublished.set_fetched_at_ms(5000);
  EXPECT_EQ(ArticleStore::SortTime(unpublished), 5000);
  Upsert({unpublished, With(MakeArticle("p", "Published", "x"), 4000)});
  EXPECT_THAT(Titles(store_->Latest(10)), ElementsAre("Unpublished", "Published"));
}

TEST_F(ArticleStoreTest, ByTagMatchesNormalisedKeyAndOrdersNewestFirst) {
  Upsert({With(MakeArticle("1", "One", "x", "Export Controls"), 1000),
          With(MakeArticle("2", "Two", "x", "export  controls"), 2000),
          With(MakeArticle("3", "Three", "x", "Export"), 3000)});
  EXPECT_THAT(Titles(store_->ByTag("EXPORT CONTROLS", 10)), ElementsAre("Two", "One"));
  EXPECT_THAT(Titles(store_->ByTag("export", 10)), ElementsAre("Three"));
  EXPECT_THAT(Titles(store_->ByTag("nothing", 10)), IsEmpty());
}

TEST_F(ArticleStoreTest, TagCountsRankByCountAndKeepDisplayName) {
  Upsert({MakeArticle("1", "One", "x", "AI", "Chips"), MakeArticle("2", "Two", "x", "AI"),
          MakeArticle("3", "Three", "x", "AI", "Chips", "Taiwan")});
  auto counts = store_->TagCounts(2);
  ASSERT_THAT(counts, IsOk());
  ASSERT_EQ(counts->size(), 2u);
  EXPECT_EQ((*counts)[0].key(), "ai");
  EXPECT_EQ((*counts)[0].name(), "AI");
  EXPECT_EQ((*counts)[0].count(), 3u);
  EXPECT_EQ((*counts)[1].key(), "chips");
  EXPECT_EQ((*counts)[1].count(), 2u);
}

TEST_F(ArticleStoreTest, TagCountsAdjustedOnReplace) {
  v1::Article a = MakeArticle("a", "A", "first", "Old", "Kept");
  Upsert({a, MakeArticle("b", "B", "b", "Old")});
  UpsertOne(NewVersion(a, "second", {"New", "Kept"}));
  auto counts = TagCountMap();
  EXPECT_EQ(counts["old"], 1u);
  EXPECT_EQ(counts["kept"], 1u);
  EXPECT_EQ(counts["new"], 1u);
}

TEST_F(ArticleStoreTest, TagDroppedToZeroDisappearsFromCounts) {
  v1::Article a = MakeArticle("a", "A", "first", "Gone");
  UpsertOne(a);
  UpsertOne(NewVersion(a, "second", {}));
  EXPECT_EQ(TagCountMap().count("gone"), 0u);
}

// Disabled: Upsert counts a tag once per Tag entry, not once per distinct
// key, so two names with one key ("AI", "ai") count the article twice, and a
// later version without the tag only subtracts one (the count never returns
// to zero). See services/store/article_store.cc, the tag loop in Upsert().
TEST_F(ArticleStoreTest, TwoTagNamesWithOneKeyCountTheArticleOnce) {
  // "AI" and "ai" index under the same key; the article carries that key once.
  v1::Article a = MakeArticle("a", "A", "x", "AI", "ai");
  UpsertOne(a);
  EXPECT_EQ(TagCountMap()["ai"], 1u);
  UpsertOne(NewVersion(a, "second", {}));
  EXPECT_EQ(TagCountMap().count("ai"), 0u);
}

TEST_F(ArticleStoreTest, ReopenContinuesTheSequence) {
  Upsert({MakeArticle("a", "A", "a"), MakeArticle("b", "B", "b")});
  Reopen();
  EXPECT_EQ(store_->LastSequence(), 2u);
  EXPECT_EQ(store_->ArticleCount(), 2u);
  UpsertResult r = UpsertOne(MakeArticle("c", "C", "c"));
  EXPECT_EQ(r.sequence, 3u);
  UpsertResult dup = UpsertOne(MakeArticle("a", "A", "a"));
  EXPECT_TRUE(dup.duplicate);
  EXPECT_EQ(dup.sequence, 1u);
}

TEST_F(ArticleStoreTest, SecondOpenOfALockedDatabaseIsUnavailable) {
  auto second = ArticleStore::Open({.path = dir_.Sub("db"), .sync_writes = false});
  EXPECT_THAT(second, StatusIs(absl::StatusCode::kUnavailable));
}

TEST(ArticleStoreOpenTest, NewerSchemaIsFailedPrecondition) {
  TempDir dir;
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir.Sub("db"), &raw).ok());
    rocksdb::ColumnFamilyHandle* meta = nullptr;
    ASSERT_TRUE(raw->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), "meta", &meta).ok());
    ASSERT_TRUE(
        raw->Put(rocksdb::WriteOptions(), meta, "schema_version", std::string("\0\0\0\0\0\0\0\x09", 8)).ok());
    raw->DestroyColumnFamilyHandle(meta);
    delete raw;
  }
  EXPECT_THAT(ArticleStore::Open({.path = dir.Sub("db")}), StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(ArticleStoreOpenTest, SyncedWritesSurviveReopen) {
  TempDir dir;
  v1::Article a = MakeArticle("a", "A", "a", "AI");
  {
    auto store = ArticleStore::Open({.path = dir.Sub("db"), .sync_writes = true});
    ASSERT_THAT(store, IsOk());
    std::vector<v1::Article> batch{a};
    ASSERT_THAT((*store)->Upsert(batch), IsOk());
  }
  auto store = ArticleStore::Open({.path = dir.Sub("db"), .sync_writes = true});
  ASSERT_THAT(store, IsOk());
  auto got = (*store)->Get(a.id());
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->sequence(), 1u);
  auto by_tag = (*store)->ByTag("ai", 10);
  ASSERT_THAT(by_tag, IsOk());
  EXPECT_EQ(Ids(*by_tag), std::vector<std::string>{a.id()});
}

}  // namespace
}  // namespace newsflow::store

namespace newsflow::store {
namespace {

v1::Article WithFingerprint(v1::Article a, uint64_t fingerprint) {
  a.mutable_enrichment()->set_fingerprint(fingerprint);
  return a;
}

class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = ArticleStore::Open({.path = dir_.Sub("db"), .sync_writes = false});
    ASSERT_THAT(opened, IsOk());
    store_ = *std::move(opened);
  }
  std::string Commit(v1::Article a) {
    std::vector<v1::Article> batch{std::move(a)};
    EXPECT_THAT(store_->Upsert(batch), IsOk());
    return batch[0].cluster_id();
  }
  testing::TempDir dir_;
  std::unique_ptr<ArticleStore> store_;
};

constexpr uint64_t kStory = 0x9e3779b97f4a7c15ULL;

TEST_F(ClusterTest, FirstArticleStartsItsOwnCluster) {
  v1::Article a = WithFingerprint(testing::MakeArticle("a", "A", "a"), kStory);
  EXPECT_EQ(Commit(a), a.id());
}

TEST_F(ClusterTest, NearDuplicateJoinsTheFirstArticlesCluster) {
  v1::Article first = WithFingerprint(testing::MakeArticle("a", "A", "a"), kStory);
  Commit(first);
  // Differs in 3 bits, one in each of three bands: still the same story.
  uint64_t near = kStory ^ (1ULL << 1) ^ (1ULL << 20) ^ (1ULL << 40);
  EXPECT_EQ(Commit(WithFingerprint(testing::MakeArticle("b", "B", "b"), near)), first.id());
  auto members = store_->ByCluster(first.id(), 10);
  ASSERT_THAT(members, IsOk());
  EXPECT_EQ(members->size(), 2u);
}

TEST_F(ClusterTest, DistantFingerprintStartsANewCluster) {
  Commit(WithFingerprint(testing::MakeArticle("a", "A", "a"), kStory));
  // Four bits apart, one per band: beyond kMaxClusterDistance.
  uint64_t far = kStory ^ (1ULL << 1) ^ (1ULL << 20) ^ (1ULL << 40) ^ (1ULL << 60);
  v1::Article b = WithFingerprint(testing::MakeArticle("b", "B", "b"), far);
  EXPECT_EQ(Commit(b), b.id());
}

TEST_F(ClusterTest, NearDuplicatesInOneBatchShareACluster) {
  std::vector<v1::Article> batch{WithFingerprint(testing::MakeArticle("a", "A", "a"), kStory),
                                 WithFingerprint(testing::MakeArticle("b", "B", "b"), kStory ^ 1)};
  ASSERT_THAT(store_->Upsert(batch), IsOk());
  EXPECT_EQ(batch[1].cluster_id(), batch[0].id());
}

TEST_F(ClusterTest, NewVersionKeepsItsClusterAndMovesItsBands) {
  v1::Article first = WithFingerprint(testing::MakeArticle("a", "A", "a"), kStory);
  Commit(first);
  v1::Article changed = first;
  changed.set_version("v2");
  changed.mutable_enrichment()->set_fingerprint(~kStory);
  EXPECT_EQ(Commit(changed), first.id());
  // The old fingerprint no longer attracts new articles to this cluster.
  v1::Article later = WithFingerprint(testing::MakeArticle("c", "C", "c"), kStory);
  EXPECT_EQ(Commit(later), later.id());
}

TEST_F(ClusterTest, ZeroFingerprintNeverClusters) {
  Commit(WithFingerprint(testing::MakeArticle("a", "A", "a"), 0));
  v1::Article b = WithFingerprint(testing::MakeArticle("b", "B", "b"), 0);
  EXPECT_EQ(Commit(b), b.id());
}

// A full disk is an outage, not a crash: commits fail with kUnavailable
// (nothing acked), reads keep working, and once space is back the database
// recovers by itself and takes the held batch. Needs a tmpfs (root).
TEST(ArticleStoreDiskFullTest, CommitsFailWhileTheDiskIsFullAndResumeWhenSpaceReturns) {
  ::newsflow::testing::SmallFilesystem disk(256 << 20);
  if (!disk.available()) GTEST_SKIP() << "mounting a tmpfs needs CAP_SYS_ADMIN";
  auto store = ArticleStore::Open({.path = disk.Sub("db"), .sync_writes = true});
  ASSERT_THAT(store, IsOk());
  disk.Fill(/*leave_bytes=*/256 << 10);

  // RocksDB preallocates its write-ahead log (about 70 MiB by default), so
  // filling the disk takes more than the 256 KiB left beside the filler.
  const std::string body(256 << 10, 'x');
  std::vector<std::string> committed;
  std::vector<v1::Article> held;
  for (int i = 0; i < 1000 && held.empty(); ++i) {
    std::vector<v1::Article> batch{
        MakeArticle(fmt::format("a{}", i), fmt::format("Title {}", i), body, "AI", "Chips")};
    auto result = (*store)->Upsert(batch);
    if (result.ok()) {
      committed.push_back(batch[0].id());
    } else {
      EXPECT_THAT(result.status(), StatusIs(absl::StatusCode::kUnavailable));
      held = batch;
    }
  }
  ASSERT_FALSE(held.empty()) << "the disk never filled";
  ASSERT_FALSE(committed.empty());
  // Still full: the held batch keeps failing, reads still answer.
  EXPECT_THAT((*store)->Upsert(held).status(), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT((*store)->Get(committed.front()), IsOk());

  disk.Free();
  bool recovered =
      ::newsflow::testing::WaitFor([&] { return (*store)->Upsert(held).ok(); }, std::chrono::seconds(60));
  ASSERT_TRUE(recovered) << "the store did not recover after space returned";
  for (const std::string& id : committed) EXPECT_THAT((*store)->Get(id), IsOk()) << id;
  EXPECT_THAT((*store)->Get(held[0].id()), IsOk());
  EXPECT_EQ((*store)->ArticleCount(), committed.size() + 1);
}

// Closing while the disk is full neither aborts nor hangs: the flush at
// close fails, and the next open replays the log, losing no commit.
TEST(ArticleStoreDiskFullTest, ClosingWhileTheDiskIsFullKeepsEveryCommit) {
  ::newsflow::testing::SmallFilesystem disk(256 << 20);
  if (!disk.available()) GTEST_SKIP() << "mounting a tmpfs needs CAP_SYS_ADMIN";
  std::vector<std::string> committed;
  {
    auto store = ArticleStore::Open({.path = disk.Sub("db"), .sync_writes = true});
    ASSERT_THAT(store, IsOk());
    disk.Fill(/*leave_bytes=*/256 << 10);
    const std::string body(256 << 10, 'x');
    bool full = false;
    for (int i = 0; i < 1000 && !full; ++i) {
      std::vector<v1::Article> batch{
          MakeArticle(fmt::format("a{}", i), fmt::format("Title {}", i), body, "AI")};
      auto result = (*store)->Upsert(batch);
      if (result.ok()) {
        committed.push_back(batch[0].id());
      } else {
        full = true;
      }
    }
    ASSERT_TRUE(full) << "the disk never filled";
    ASSERT_FALSE(committed.empty());
  }  // closed while still full
  disk.Free();
  auto reopened = ArticleStore::Open({.path = disk.Sub("db"), .sync_writes = true});
  ASSERT_THAT(reopened, IsOk());
  for (const std::string& id : committed) EXPECT_THAT((*reopened)->Get(id), IsOk()) << id;
  EXPECT_EQ((*reopened)->ArticleCount(), committed.size());
}

// A clean close leaves nothing in the log: the next open replays no commit.
TEST_F(ArticleStoreTest, CleanCloseLeavesNoLogToReplay) {
  std::vector<std::string> ids;
  ids.reserve(20);
  for (int i = 0; i < 20; ++i) {
    ids.push_back(UpsertOne(MakeArticle(fmt::format("a{}", i), fmt::format("T{}", i), "text")).id);
  }
  store_.reset();
  uint64_t log_bytes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.Sub("db"))) {
    if (entry.path().extension() == ".log") log_bytes += entry.file_size();
  }
  EXPECT_EQ(log_bytes, 0u);
  Reopen();
  EXPECT_EQ(store_->ArticleCount(), 20u);
  for (const std::string& id : ids) EXPECT_THAT(store_->Get(id), IsOk()) << id;
}

}  // namespace
}  // namespace newsflow::store

// Online backups and restores on real RocksDB databases, and retention run
// by the store service.
#include "services/store/backup.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/util/time.h"
#include "services/store/article_store.h"
#include "services/store/search_index.h"
#include "tests/services/store/store_test_fixture.h"
#include "tests/testing/test_util.h"

namespace newsflow::store {
namespace {

using ::newsflow::testing::IsOk;
using ::newsflow::testing::MakeArticleWithTags;
using ::newsflow::testing::StatusIs;
using ::newsflow::testing::TempDir;
using ::newsflow::testing::WaitFor;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

constexpr const char* kWords[] = {"harbour", "glacier", "orchard", "railway", "festival", "vineyard"};
constexpr const char* kTags[] = {"Harbour", "Glacier", "Orchard"};

// Article `i`: its words, tags, language and source vary with i; its time
// repeats every 37 so that many share one.
v1::Article Numbered(int i) {
  std::vector<std::string> tags{kTags[i % 3]};
  if (i % 5 == 0) tags.emplace_back("Festival");
  v1::Article a = MakeArticleWithTags(
      fmt::format("n{}", i), fmt::format("Note {} on the {}", i, kWords[i % 6]),
      fmt::format("A note about the {} and the {}, number {}.", kWords[i % 6], kWords[(i / 6) % 6], i), tags);
  a.set_published_at_ms(1'700'000'000'000 + (i % 37) * 60'000);
  a.mutable_enrichment()->set_language(i % 4 == 0 ? "de" : "en");
  a.mutable_source()->set_id(i % 3 == 0 ? "src-a" : "src-b");
  return a;
}

std::unique_ptr<ArticleStore> OpenStore(const std::string& path) {
  auto opened = ArticleStore::Open({.path = path, .sync_writes = false});
  EXPECT_THAT(opened, IsOk());
  return opened.ok() ? *std::move(opened) : nullptr;
}

// Every page of one list, following next_cursor.
std::vector<std::string> All(const ArticleStore& store, ListIndex index, const std::string& value,
                             uint64_t max_sequence) {
  std::vector<std::string> ids;
  PageRequest page{.limit = 7};
  while (true) {
    auto p = store.List(index, value, page);
    EXPECT_THAT(p, IsOk());
    if (!p.ok()) break;
    for (const auto& a : p->articles) {
      if (a.sequence() <= max_sequence) ids.push_back(a.id());
    }
    if (!p->more) break;
    page.cursor = p->next_cursor;
  }
  return ids;
}

std::set<std::string> SearchIds(const std::string& path, const std::string& query) {
  std::set<std::string> ids;
  SearchRequest r{.query = query, .limit = kMaxSearchPageSize};
  while (true) {
    auto result = Search(path, r);
    EXPECT_THAT(result, IsOk());
    if (!result.ok()) break;
    for (const auto& h : result->hits) ids.insert(h.id);
    if (result->next_cursor.empty()) break;
    r.cursor = result->next_cursor;
  }
  return ids;
}

TEST(BackupTest, RestoredCopyAnswersLikeTheSourceAtTheBackupSequence) {
  TempDir dir;
  auto source = OpenStore(dir.Sub("source"));
  for (int i = 0; i < 300; i += 20) {
    std::vector<v1::Article> batch;
    for (int j = i; j < i + 20; ++j) batch.push_back(Numbered(j));
    ASSERT_THAT(source->Upsert(batch), IsOk());
  }
  // The writer goes on while the backup is made: new articles and new
  // versions of stored ones.
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    for (int i = 300; !stop.load() && i < 5000; i += 5) {
      std::vector<v1::Article> batch;
      for (int j = i; j < i + 5; ++j) batch.push_back(Numbered(j));
      v1::Article changed = Numbered(i % 300);
      changed.set_text(changed.text() + fmt::format(" Revised {}.", i));
      changed.set_version(fmt::format("rev-{}", i));
      batch.push_back(changed);
      ASSERT_THAT(source->Upsert(batch), IsOk());
      written += 5;
    }
  });
  ASSERT_TRUE(WaitFor([&] { return written.load() >= 50; }, 30s));
  auto backup = source->Checkpoint(dir.Sub("backup"));
  ASSERT_TRUE(WaitFor([&] { return written.load() >= 100; }, 30s));
  stop = true;
  writer.join();
  ASSERT_THAT(backup, IsOk());
  EXPECT_GT(backup->sequence, 300u);
  EXPECT_LT(backup->sequence, source->LastSequence());  // writes went on after it
  EXPECT_GT(backup->bytes, 0u);

  auto inspected = InspectBackup(backup->dir);
  ASSERT_THAT(inspected, IsOk());
  EXPECT_EQ(inspected->sequence, backup->sequence);
  EXPECT_EQ(inspected->articles, backup->articles);

  std::string kept;
  auto restored_info =
      RestoreBackup(backup->dir, dir.Sub("restored"), dir.Sub("restored") + "/search", &kept);
  ASSERT_THAT(restored_info, IsOk());
  EXPECT_TRUE(kept.empty());
  auto restored = OpenStore(dir.Sub("restored"));
  ASSERT_NE(restored, nullptr);
  EXPECT_EQ(restored->LastSequence(), backup->sequence);

  // Every article: the source's version as of the backup's sequence. The
  // source's newer versions have a higher sequence, so the restored
  // article of such an id is older; compare the ones the source still has
  // at or below the sequence, and count the rest.
  bool more = false;
  auto all = restored->Since(0, 100000, &more);
  ASSERT_THAT(all, IsOk());
  EXPECT_EQ(all->size(), restored->ArticleCount());
  uint64_t same = 0;
  for (const v1::Article& a : *all) {
    EXPECT_LE(a.sequence(), backup->sequence);
    auto now = source->Get(a.id());
    ASSERT_THAT(now, IsOk());
    if (now->sequence() <= backup->sequence) {
      EXPECT_EQ(now->SerializeAsString(), a.SerializeAsString()) << a.id();
      ++same;
    } else {
      EXPECT_GT(now->sequence(), backup->sequence);
    }
  }
  EXPECT_GT(same, 300u);
  // Every source article at or below the sequence is in the backup.
  auto source_all = source->Since(0, 100000, &more);
  ASSERT_THAT(source_all, IsOk());
  std::set<std::string> restored_ids;
  for (const v1::Article& a : *all) restored_ids.insert(a.id());
  for (const v1::Article& a : *source_all) {
    if (a.sequence() <= backup->sequence) EXPECT_TRUE(restored_ids.contains(a.id())) << a.id();
  }

  // Index queries: the articles the source lists that were the same then.
  // Ids re-versioned after the backup are left out of both sides.
  std::set<std::string> changed_after;
  for (const v1::Article& a : *source_all) {
    if (a.sequence() > backup->sequence && restored_ids.contains(a.id())) changed_after.insert(a.id());
  }
  auto without_changed = [&](std::vector<std::string> ids) {
    std::erase_if(ids, [&](const std::string& id) { return changed_after.contains(id); });
    return ids;
  };
  const uint64_t kAll = UINT64_MAX;
  std::vector<std::pair<ListIndex, std::string>> lists{{ListIndex::kLatest, ""},
                                                       {ListIndex::kSource, "src-a"},
                                                       {ListIndex::kSource, "src-b"},
                                                       {ListIndex::kLang, "DE"},
                                                       {ListIndex::kLang, "en"}};
  for (const char* tag : kTags) lists.emplace_back(ListIndex::kTag, tag);
  lists.emplace_back(ListIndex::kTag, "Festival");
  for (const auto& [index, value] : lists) {
    EXPECT_EQ(without_changed(All(*restored, index, value, kAll)),
              without_changed(All(*source, index, value, backup->sequence)))
        << value;
  }
  auto restored_tags = restored->TagCounts(100);
  ASSERT_THAT(restored_tags, IsOk());
  uint64_t tag_total = 0;
  for (const auto& t : *restored_tags) tag_total += t.count();
  uint64_t expected_total = 0;
  for (const v1::Article& a : *all) expected_total += a.enrichment().tags_size();
  EXPECT_EQ(tag_total, expected_total);

  // Search: the restored store builds its index from its own log and finds
  // what an index of the source finds among the backed-up versions.
  {
    auto index = SearchIndex::Open(dir.Sub("restored") + "/search");
    ASSERT_THAT(index, IsOk());
    ASSERT_THAT((*index)->CatchUpAll(*restored), IsOk());
    auto source_index = SearchIndex::Open(dir.Sub("source-search"));
    ASSERT_THAT(source_index, IsOk());
    ASSERT_THAT((*source_index)->CatchUpAll(*source), IsOk());
  }
  for (const char* word : kWords) {
    std::set<std::string> want;
    for (const std::string& id : SearchIds(dir.Sub("source-search"), word)) {
      if (restored_ids.contains(id) && !changed_after.contains(id)) want.insert(id);
    }
    std::set<std::string> got = SearchIds(dir.Sub("restored") + "/search", word);
    std::erase_if(got, [&](const std::string& id) { return changed_after.contains(id); });
    EXPECT_EQ(got, want) << word;
    EXPECT_FALSE(got.empty()) << word;
  }
}

TEST(BackupTest, CheckpointRefusesANonEmptyOrRelativeDir) {
  TempDir dir;
  auto store = OpenStore(dir.Sub("db"));
  std::vector<v1::Article> batch{Numbered(1)};
  ASSERT_THAT(store->Upsert(batch), IsOk());
  std::filesystem::create_directories(dir.Sub("full"));
  std::ofstream(dir.Sub("full") + "/keep.txt") << "precious";
  EXPECT_THAT(store->Checkpoint(dir.Sub("full")), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_TRUE(std::filesystem::exists(dir.Sub("full") + "/keep.txt"));
  EXPECT_THAT(store->Checkpoint("relative/backup"), StatusIs(absl::StatusCode::kInvalidArgument));
  // An empty folder is fine, and so is one whose parents are missing.
  std::filesystem::create_directories(dir.Sub("empty"));
  EXPECT_THAT(store->Checkpoint(dir.Sub("empty")), IsOk());
  EXPECT_THAT(store->Checkpoint(dir.Sub("a/b/c")), IsOk());
}

TEST(BackupTest, RestoreRefusesALiveDatabaseAndKeepsTheOneItReplaces) {
  TempDir dir;
  auto store = OpenStore(dir.Sub("db"));
  std::vector<v1::Article> batch{Numbered(1), Numbered(2)};
  ASSERT_THAT(store->Upsert(batch), IsOk());
  auto backup = store->Checkpoint(dir.Sub("backup"));
  ASSERT_THAT(backup, IsOk());
  batch = {Numbered(3)};
  ASSERT_THAT(store->Upsert(batch), IsOk());
  std::string kept;
  EXPECT_THAT(RestoreBackup(backup->dir, dir.Sub("db"), "", &kept), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(store->ArticleCount(), 3u);  // untouched
  EXPECT_THAT(RestoreBackup(dir.Sub("nothing"), dir.Sub("db2"), "", &kept),
              StatusIs(absl::StatusCode::kNotFound));
  store.reset();

  // An outside search index goes aside with the replaced database.
  std::filesystem::create_directories(dir.Sub("search"));
  auto restored = RestoreBackup(backup->dir, dir.Sub("db"), dir.Sub("search"), &kept);
  ASSERT_THAT(restored, IsOk());
  EXPECT_EQ(restored->articles, 2u);
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("search")));
  ASSERT_FALSE(kept.empty());
  auto old = OpenStore(kept);
  ASSERT_NE(old, nullptr);
  EXPECT_EQ(old->ArticleCount(), 3u);
  old.reset();
  store = OpenStore(dir.Sub("db"));
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->ArticleCount(), 2u);
  EXPECT_TRUE(absl::IsNotFound(store->Get(Numbered(3).id()).status()));
  // The backup itself is untouched by the store running on the copy.
  batch = {Numbered(4)};
  ASSERT_THAT(store->Upsert(batch), IsOk());
  auto again = InspectBackup(backup->dir);
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->articles, 2u);
}

// Backups asked for over the network land inside the backup folder only.
TEST(ResolveBackupDirTest, AcceptsFoldersInsideTheRootAndRefusesTheRest) {
  TempDir dir;
  const std::string root = dir.Sub("backups");
  std::filesystem::create_directories(root);
  auto resolve = [](const std::string& in, const std::string& requested) {
    absl::StatusOr<std::string> r = ResolveBackupDir(in, requested);
    return r.ok() ? *r : "error: " + r.status().ToString();
  };
  EXPECT_EQ(resolve(root, "nightly"), root + "/nightly");
  EXPECT_EQ(resolve(root, "2026/12/07/"), root + "/2026/12/07");
  EXPECT_EQ(resolve(root, root + "/weekly"), root + "/weekly");
  EXPECT_EQ(resolve(root + "/", "a/../b"), root + "/b");
  for (const std::string& outside :
       {std::string("../db"), std::string("a/../../x"), dir.Sub("db"), std::string("/etc/cron.d/x"), root,
        root + "/.", dir.Sub("backups-other/x")}) {
    EXPECT_THAT(ResolveBackupDir(root, outside), StatusIs(absl::StatusCode::kPermissionDenied)) << outside;
  }
  // A symbolic link inside the root that points out of it does not lead out.
  std::filesystem::create_directory_symlink(dir.path(), root + "/escape");
  EXPECT_THAT(ResolveBackupDir(root, "escape/db"), StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(ResolveBackupDir("", "nightly"), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(ResolveBackupDir(root, ""), StatusIs(absl::StatusCode::kInvalidArgument));
}

// The store service: backups over the query socket, and retention run by
// its writer (a pass at start, then every interval).
class StoreServiceRetentionTest : public testing::StoreServiceFixture {
 protected:
  std::string ExtraStoreYaml() const override {
    return "  http: {enabled: false}\n  retention: {max_articles: 3}\n  backup: {dir: " +
           dir_.Sub("backups") + "}\n";
  }
};

TEST_F(StoreServiceRetentionTest, BackupOverTheQuerySocketAndRetentionByTheWriter) {
  std::vector<v1::Article> articles;
  for (int i = 0; i < 5; ++i) {
    articles.push_back(Numbered(i));
    articles.back().set_published_at_ms(1'700'000'000'000 + i * 60'000);
    Push(articles.back());
  }
  // The first pass ran on the empty database; all five are stored.
  ASSERT_TRUE(WaitForStored(5));

  v1::QueryRequest q;
  // Only inside store.backup.dir: a path elsewhere is refused and not made.
  q.set_backup(dir_.Sub("elsewhere"));
  auto outside = Query(q);
  ASSERT_THAT(outside, IsOk());
  EXPECT_FALSE(outside->ok());
  EXPECT_THAT(outside->error(), HasSubstr("not inside the backup folder"));
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("elsewhere")));
  q.set_backup("nightly");  // relative to store.backup.dir
  auto r = Query(q);
  ASSERT_THAT(r, IsOk());
  ASSERT_TRUE(r->ok()) << r->error();
  EXPECT_EQ(r->backup().articles(), 5u);
  EXPECT_EQ(r->backup().sequence(), r->last_sequence());
  EXPECT_EQ(r->backup().dir(), dir_.Sub("backups/nightly"));
  auto inspected = InspectBackup(dir_.Sub("backups/nightly"));
  ASSERT_THAT(inspected, IsOk());
  EXPECT_EQ(inspected->articles, 5u);
  r = Query(q);  // the folder is no longer empty
  ASSERT_THAT(r, IsOk());
  EXPECT_FALSE(r->ok());
  EXPECT_THAT(r->error(), HasSubstr("not empty"));

  // A restart runs a pass at once: the two oldest go, from every index
  // and from search.
  ASSERT_THAT(StopService(), IsOk());
  StartService();
  ASSERT_TRUE(WaitFor([&] { return Counter("retention_deleted_by_count") == 2; }, 20s));
  EXPECT_EQ(Counter("articles"), 3u);
  v1::QueryRequest latest;
  latest.set_latest(true);
  auto listed = Query(latest);
  ASSERT_THAT(listed, IsOk());
  ASSERT_EQ(listed->articles_size(), 3);
  EXPECT_EQ(listed->articles(2).id(), articles[2].id());
  ASSERT_TRUE(WaitFor(
      [&] {
        auto hits = Search(config_.store.SearchPath(), {.query = "note", .limit = 100});
        return hits.ok() && hits->hits.size() == 3;
      },
      20s));

  // The oldest is sent again: acked, not stored, counted.
  Push(articles[0]);
  ASSERT_TRUE(WaitFor([&] { return Counter("retention_refused") == 1; }, 20s));
  EXPECT_EQ(Counter("articles"), 3u);
}

}  // namespace
}  // namespace newsflow::store

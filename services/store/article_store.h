// ArticleStore: the store's RocksDB, holding articles with their enrichment,
// the secondary indexes, the sequence (replay) log and counters. Layout and
// key encodings: services/store/keys.h.
//
// Writes: Upsert() commits a group of articles in ONE WriteBatch (group
// commit). For each article: an id already stored with the same version is a
// no-op reported as a duplicate; otherwise the article gets the next sequence
// number and the batch replaces it and all of its index entries, deleting the
// stale ones of the version it replaces. The batch is synced to the WAL when
// `sync_writes` is set, so a returned result is durable.
//
// Identity ownership (DESIGN.md, delivery contract): an id is owned by the
// first source (source.id) that delivered it. A new version from the owner
// replaces the article as above, keeping its also_seen_at list. A version
// from another source that links the same canonical URL does NOT replace the
// owner's text, title or index entries: the stored article gains one
// also_seen_at entry for that source (once per source, at most
// kMaxAlsoSeenAt, no new sequence number, nothing published) and the
// result is reported as a duplicate carrying the version that was sent, so
// the ack still clears the sender's outbox entry. Repeats are no-ops. Without
// this, any feed could overwrite any article by linking its URL.
//
// Near-duplicates: a new article whose enrichment fingerprint (SimHash) lies
// within kMaxClusterDistance bits of a stored one joins that article's
// cluster (cluster_id); otherwise it starts its own. A replaced version keeps
// the cluster it had.
//
// Trending counts: every new version also counts its tags in the hour of its
// TrendTime(), overall and under its language (tag_hours, keys.h), in the
// same WriteBatch, by merge (no read); the version it replaces is counted
// out. Only hours within kTagHoursRetentionHours of now are counted, and
// PruneTagHours() drops older ones. A database without complete counts
// (older than this feature, or re-keyed) has them rebuilt at Open().
//
// Retention: ApplyRetention() deletes the articles past the limits of
// ArticleStoreOptions::retention, oldest first. A delete is one WriteBatch
// like a commit: the article, every index entry (tag, source, language,
// time, URL, cluster, fingerprint bands), its tag count and its tag_hours
// counts go together, and it takes a sequence number of its own whose log
// entry is a tombstone (id, empty version), so that the search index, which
// follows the log, deletes the document too, also after a crash or a
// rebuild (Since() reports tombstones to whoever asks). The deleted id is
// remembered (column family `gone`, kTombstoneMs) and a copy sent again
// within that time is refused, as is a new article already older than
// max_age: an article that aged out and is fetched again from a feed does
// not come back (UpsertResult::retired; it is acked, so ingest forgets it).
//
// Backups: Checkpoint() makes a RocksDB checkpoint (hard links of the SST
// files plus a copy of the rest) of the database at one commit boundary,
// while commits continue.
//
// Thread safety: Upsert() and ApplyRetention() must be called from one
// thread at a time (the store's single writer); reads and Checkpoint() may
// run concurrently from any thread.
//
//   auto store = ArticleStore::Open({.path = dir});
//   auto results = (*store)->Upsert(articles);
//   auto latest = (*store)->Latest(20);
#ifndef NEWSFLOW_SERVICES_STORE_ARTICLE_STORE_H_
#define NEWSFLOW_SERVICES_STORE_ARTICLE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <rocksdb/db.h>

#include "absl/status/statusor.h"
#include "newsflow/v1/article.pb.h"
#include "newsflow/v1/envelope.pb.h"
#include "newsflow/v1/query.pb.h"

namespace newsflow::store {

// Largest Hamming distance between 64-bit SimHash fingerprints of one story.
inline constexpr int kMaxClusterDistance = 3;

// Most other sources recorded on one article (Article.also_seen_at); later
// ones are dropped.
inline constexpr int kMaxAlsoSeenAt = 16;

// How far back tag_hours counts: the longest trending window (24 h), its
// baseline (7 days) and the hour in progress.
inline constexpr int64_t kTagHoursRetentionHours = 24 + 7 * 24 + 1;

// How long a deleted id is remembered and refused when sent again: 30 days,
// beyond the life of an item in a feed. Later the article would be stored
// anew (and deleted again by the next pass if still past the limits).
inline constexpr int64_t kTombstoneMs = int64_t{30} * 24 * 3600 * 1000;

// Retention limits; 0 = no limit. Both 0 (the default): nothing is deleted.
struct RetentionPolicy {
  int64_t max_age_ms = 0;     // delete articles whose SortTime is older than now - max_age_ms
  uint64_t max_articles = 0;  // keep at most this many, deleting the oldest (by SortTime) first
  bool enabled() const { return max_age_ms > 0 || max_articles > 0; }
};

struct ArticleStoreOptions {
  std::string path;         // database folder, created if missing
  bool sync_writes = true;  // fsync the WAL before Upsert returns. Default: true
  RetentionPolicy retention;
  // What RocksDB's block cache and memtables may hold together, every
  // column family included (common/storage/rocksdb_options.h). Default: 128 MiB
  std::size_t memory_bytes = std::size_t{128} << 20;
};

// What one ApplyRetention() call did.
struct RetentionPass {
  uint64_t deleted_by_age = 0;
  uint64_t deleted_by_count = 0;
  uint64_t tombstones_pruned = 0;  // remembered ids older than kTombstoneMs forgotten
  bool more = false;               // stopped at max_deletes: more are past the limits
};

// A checkpoint made by Checkpoint(), or found by InspectBackup().
struct BackupInfo {
  std::string dir;
  uint64_t sequence = 0;  // the last sequence number it holds
  uint64_t articles = 0;
  uint64_t bytes = 0;  // size of its files
};

struct UpsertResult {
  std::string id;
  std::string version;
  uint64_t sequence = 0;   // of the stored version (the existing one for duplicates)
  bool duplicate = false;  // id + version were already stored, or another source owns the id
  bool foreign = false;    // another source owns the id: not stored as a version (see above)
  // Deleted by retention (or already older than its max age): not stored,
  // nothing published; `duplicate` is set too, so it is acked like one.
  bool retired = false;
};

// One page of a newest-first list (ArticleStore::List).
struct PageRequest {
  std::size_t limit = 20;
  // A previous page's next_cursor: continue right after its last article.
  // The position is in time order, so it stays valid while articles are added.
  std::string cursor;
  int64_t since_ms = 0;  // keep SortTime >= since_ms (0 = unbounded)
  int64_t until_ms = 0;  // keep SortTime < until_ms (0 = unbounded)
};

struct ArticlePage {
  std::vector<v1::Article> articles;
  bool more = false;        // more articles match after this page
  std::string next_cursor;  // set when `more`
};

// The indexes List() reads, each newest first.
enum class ListIndex { kLatest, kTag, kSource, kLang, kCluster };

// The merge operator of the tag_hours column family (signed addition): any
// code opening the database directly must set it on that family.
std::shared_ptr<rocksdb::MergeOperator> NewTagHoursMergeOperator();

// RocksDB status -> absl::Status: corruption -> kDataLoss, busy/IO/timeout ->
// kUnavailable, not found -> kNotFound, invalid argument -> kInvalidArgument.
absl::Status FromRocksStatus(const rocksdb::Status& s, std::string_view context);

class ArticleStore {
 public:
  // Opens or creates the database with every column family. Errors:
  // kUnavailable (locked by another process, I/O), kDataLoss (corruption),
  // kFailedPrecondition (written by a newer schema).
  static absl::StatusOr<std::unique_ptr<ArticleStore>> Open(const ArticleStoreOptions& options);
  ~ArticleStore();

  // The time an article is ordered by in time indexes: published, else fetched.
  static int64_t SortTime(const v1::Article& a);
  // The time an article's tags count at in trending: SortTime, but never
  // later than when it was stored (a wrong future date does not hold a tag
  // in the recent window) and never the storing time of an old article (a
  // feed's backlog does not trend).
  static int64_t TrendTime(const v1::Article& a);

  // Commits `articles` (each must have id and version) in one batch.
  // Articles are modified: sequence and stored_at_ms are set on new versions.
  // REQUIRES: single writer.
  absl::StatusOr<std::vector<UpsertResult>> Upsert(std::vector<v1::Article>& articles);

  // kNotFound when absent.
  absl::StatusOr<v1::Article> Get(const std::string& id) const;
  // A page of one newest-first list: every article (kLatest), or those with
  // tag `value` (matched by TagKey), source id, language code (ASCII
  // case-insensitive: "ZH" finds "zh") or cluster id. kInvalidArgument for a
  // malformed cursor. Paging with next_cursor returns every article present
  // throughout exactly once.
  absl::StatusOr<ArticlePage> List(ListIndex index, const std::string& value, const PageRequest& page) const;
  // True when `cursor` is "" or has the form of a next_cursor.
  static bool IsValidCursor(std::string_view cursor);

  // Newest first by SortTime.
  absl::StatusOr<std::vector<v1::Article>> Latest(std::size_t limit) const;
  // `tag` is matched by TagKey(tag).
  absl::StatusOr<std::vector<v1::Article>> ByTag(const std::string& tag, std::size_t limit) const;
  absl::StatusOr<std::vector<v1::Article>> BySource(const std::string& source_id, std::size_t limit) const;
  absl::StatusOr<std::vector<v1::Article>> ByLang(const std::string& lang, std::size_t limit) const;
  // Near-duplicates of one story (same cluster_id), newest first.
  absl::StatusOr<std::vector<v1::Article>> ByCluster(const std::string& cluster_id, std::size_t limit) const;
  // Versions committed after `after_seq` (none after UINT64_MAX), oldest first. An article changed
  // again since is returned once, at its newest sequence, and only if that
  // sequence is in range; `*more` says whether the log continues past the page.
  // With `deleted`, the log's tombstones of articles still absent are
  // appended to it as (sequence, id) and count towards `limit`; without,
  // they are skipped.
  absl::StatusOr<std::vector<v1::Article>> Since(
      uint64_t after_seq, std::size_t limit, bool* more,
      std::vector<std::pair<uint64_t, std::string>>* deleted = nullptr) const;
  // Most frequent tags, highest count first.
  absl::StatusOr<std::vector<v1::TagCount>> TagCounts(std::size_t limit) const;
  absl::StatusOr<std::optional<std::string>> IdByUrl(const std::string& canonical_url) const;

  // The stream's document frequencies as last saved (see TermCounts);
  // nullopt before the first save. DataLoss if the saved value is corrupt.
  absl::StatusOr<std::optional<v1::TermCounts>> LoadTermCounts() const;
  absl::Status SaveTermCounts(const v1::TermCounts& counts);

  // Calls `fn` for every tag_hours count of `scope` (kAllLanguagesScope or
  // a lower-case language code) in hours [from_hour, to_hour], by hour.
  absl::Status ScanTagHours(
      std::string_view scope, int64_t from_hour, int64_t to_hour,
      const std::function<void(int64_t hour, std::string_view tag_key, int64_t count)>& fn) const;
  // The scopes with tag_hours counts (kAllLanguagesScope and languages).
  absl::StatusOr<std::vector<std::string>> TagHourScopes() const;
  // The latest display name of a tag key ("" when unknown).
  absl::StatusOr<std::string> TagName(const std::string& tag_key) const;
  // Deletes the tag_hours counts of hours before `before_hour`, every scope.
  // Any thread.
  absl::Status PruneTagHours(int64_t before_hour);

  // Deletes what options().retention says is past its limits at `now_ms`,
  // oldest first, at most `max_deletes` articles in one WriteBatch, and
  // forgets tombstones older than kTombstoneMs (a bounded slice per call).
  // A no-op without limits. REQUIRES: single writer.
  absl::StatusOr<RetentionPass> ApplyRetention(int64_t now_ms, std::size_t max_deletes);
  // Articles deleted since Open(): changes whenever one is (caches of
  // answers that name articles compare it).
  uint64_t Deletions() const { return deletions_.load(); }

  // Makes a consistent copy of the database in `dir` (an absolute path; it
  // must not exist or be empty; its parent is created) at a commit
  // boundary, and returns its last sequence and size. Commits wait while
  // the checkpoint's memtables are flushed. kFailedPrecondition for a
  // non-empty `dir`, kInvalidArgument for a relative one. Any thread.
  absl::StatusOr<BackupInfo> Checkpoint(const std::string& dir) const;

  const ArticleStoreOptions& options() const { return options_; }
  uint64_t LastSequence() const;
  // Kept in the database with every commit (keys.h, kMetaArticleCount), so
  // Open() reads it instead of counting.
  uint64_t ArticleCount() const;

 private:
  class UpsertBatch;  // one Upsert's write batch (article_store.cc)

  ArticleStore() = default;
  // Merges the newest-first scans of `prefixes` (entries: prefix rts id).
  absl::StatusOr<ArticlePage> ScanIndex(rocksdb::ColumnFamilyHandle* cf,
                                        const std::vector<std::string>& prefixes,
                                        const PageRequest& page) const;
  // Index prefixes of every stored language code equal to `lang` ignoring
  // ASCII case.
  absl::StatusOr<std::vector<std::string>> LangPrefixes(const std::string& lang) const;
  // The distinct parts before the first NUL of the keys of `family` (keys
  // without one are skipped), in key order, with one seek each; `what`
  // names them in errors.
  absl::StatusOr<std::vector<std::string>> DistinctKeyPrefixes(rocksdb::ColumnFamilyHandle* family,
                                                               std::string_view what) const;
  absl::StatusOr<std::optional<v1::Article>> Lookup(const std::string& id) const;
  // Sets article_count_ from kMetaArticleCount (keys.h), or counts the
  // articles and records the count where it is missing or stale.
  absl::Status LoadArticleCount();
  // Brings the tag index up to kTagKeyVersion when the database was written
  // with an older TagKey: every stored tag gets key TagKey(name) (articles
  // rewritten where it changed, their sequence kept), and the tag index and
  // tag counts are rebuilt. The version is recorded last, so an interrupted
  // run starts over at the next open.
  absl::Status RekeyTags();
  // Rebuilds tag_hours from the stored articles unless it is complete
  // (kMetaTagHoursVersion), then records it complete.
  absl::Status BuildTagHours();
  // Whether a new article `a` is refused: its id was deleted (gone), or it
  // is already older than the retention's max age.
  absl::StatusOr<bool> IsRetired(const v1::Article& a, int64_t now_ms) const;
  // Forgets a slice of the deleted ids older than kTombstoneMs; returns how many.
  absl::StatusOr<uint64_t> PruneTombstones(int64_t now_ms);
  // Cluster of the nearest stored fingerprint within kMaxClusterDistance, or "".
  absl::StatusOr<std::string> NearestCluster(uint64_t fingerprint, const std::string& id) const;

  ArticleStoreOptions options_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::ColumnFamilyHandle* articles_ = nullptr;
  rocksdb::ColumnFamilyHandle* by_tag_ = nullptr;
  rocksdb::ColumnFamilyHandle* by_source_ = nullptr;
  rocksdb::ColumnFamilyHandle* by_lang_ = nullptr;
  rocksdb::ColumnFamilyHandle* by_time_ = nullptr;
  rocksdb::ColumnFamilyHandle* by_url_ = nullptr;
  rocksdb::ColumnFamilyHandle* seq_ = nullptr;
  rocksdb::ColumnFamilyHandle* meta_ = nullptr;
  rocksdb::ColumnFamilyHandle* by_cluster_ = nullptr;
  rocksdb::ColumnFamilyHandle* by_band_ = nullptr;
  rocksdb::ColumnFamilyHandle* tag_hours_ = nullptr;
  rocksdb::ColumnFamilyHandle* gone_ = nullptr;
  // Held by the writer around each batch write and its last_sequence_
  // update, and by Checkpoint(), so a checkpoint's sequence is exact.
  mutable std::mutex write_mu_;
  std::atomic<uint64_t> last_sequence_{0};  // written by the single writer only
  std::atomic<uint64_t> article_count_{0};
  std::atomic<uint64_t> deletions_{0};
  std::string tombstone_scan_from_;  // writer only: where the next tombstone prune resumes
};

}  // namespace newsflow::store

#endif  // NEWSFLOW_SERVICES_STORE_ARTICLE_STORE_H_

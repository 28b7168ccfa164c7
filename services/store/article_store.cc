#include "services/store/article_store.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <filesystem>
#include <limits>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <rocksdb/convenience.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include "common/log/logging.h"
#include "common/status/status_macros.h"
#include "common/storage/rocksdb_options.h"
#include "common/util/text.h"
#include "common/util/time.h"
#include "services/store/keys.h"

namespace newsflow::store {

absl::Status FromRocksStatus(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return absl::OkStatus();
  std::string message = fmt::format("{}: {}", context, s.ToString());
  if (s.IsCorruption()) return absl::DataLossError(message);
  if (s.IsNotFound()) return absl::NotFoundError(message);
  if (s.IsInvalidArgument()) return absl::InvalidArgumentError(message);
  if (s.IsBusy() || s.IsIOError() || s.IsTimedOut() || s.IsTryAgain() || s.IsIncomplete()) {
    return absl::UnavailableError(message);
  }
  return absl::InternalError(message);
}

ArticleStore::~ArticleStore() {
  if (db_) {
    // The memtables go to SST files, so the next Open() has no log to
    // replay (the log is only needed after a crash). Nothing is lost when
    // this fails (a full disk): every commit is already in the log, and the
    // next Open() replays it.
    rocksdb::FlushOptions flush;
    flush.wait = true;
    flush.allow_write_stall = true;
    if (rocksdb::Status s = db_->Flush(flush, handles_); !s.ok()) {
      MakeLogger("store.db")
          ->warn("flushing the memtables at close failed ({}); the next open replays the log", s.ToString());
    }
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
    db_->Close();
  }
}

int64_t ArticleStore::SortTime(const v1::Article& a) {
  return a.published_at_ms() > 0 ? a.published_at_ms() : a.fetched_at_ms();
}

int64_t ArticleStore::TrendTime(const v1::Article& a) {
  const int64_t t = SortTime(a);
  if (a.stored_at_ms() > 0 && (t <= 0 || t > a.stored_at_ms())) return a.stored_at_ms();
  return t;
}

namespace {

// The value of kMetaArticleCount (keys.h).
std::string ArticleCountValue(uint64_t count, uint64_t sequence) {
  return EncodeBE64(count) + EncodeBE64(sequence);
}

// tag_hours values: signed 64-bit counts, merged by addition. A malformed
// operand counts as 0 rather than failing every read of the key.
class AddCountsOperator : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice& /*key*/, const rocksdb::Slice* existing, const rocksdb::Slice& value,
             std::string* new_value, rocksdb::Logger* /*logger*/) const override {
    int64_t sum = ParseTagHourValue(std::string_view(value.data(), value.size())).value_or(0);
    if (existing) sum += ParseTagHourValue(std::string_view(existing->data(), existing->size())).value_or(0);
    *new_value = TagHourValue(sum);
    return true;
  }
  const char* Name() const override { return "newsflow.AddCounts"; }
};

// The tag_hours scopes an article counts under.
std::vector<std::string> TrendScopes(const v1::Article& a) {
  std::vector<std::string> scopes{kAllLanguagesScope};
  std::string lang = a.enrichment().language();
  for (char& c : lang) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!lang.empty() && lang != kAllLanguagesScope) scopes.push_back(std::move(lang));
  return scopes;
}

// Adds `delta` to the tag_hours counts of every tag of `a` (once per key)
// in `counts`, unless its hour is out of retention at `now_ms`.
void CountTagHours(const v1::Article& a, int64_t delta, int64_t now_ms,
                   std::map<std::string, int64_t>* counts) {
  const int64_t hour = HourOf(ArticleStore::TrendTime(a));
  if (hour < HourOf(now_ms) - kTagHoursRetentionHours) return;
  std::set<std::string> keys;
  for (const auto& t : a.enrichment().tags()) keys.insert(IndexedTagKey(t));
  for (const std::string& scope : TrendScopes(a)) {
    for (const std::string& key : keys) (*counts)[TagHourKey(scope, hour, key)] += delta;
  }
}

}  // namespace

std::shared_ptr<rocksdb::MergeOperator> NewTagHoursMergeOperator() {
  return std::make_shared<AddCountsOperator>();
}

absl::StatusOr<std::unique_ptr<ArticleStore>> ArticleStore::Open(const ArticleStoreOptions& options) {
  std::unique_ptr<ArticleStore> store(new ArticleStore());
  store->options_ = options;
  rocksdb::DBOptions db_options;
  ApplyNewsflowDbOptions(MakeLogger("store.db"), &db_options);
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  // Every family shares one memory budget (common/storage/rocksdb_options.h).
  const RocksDbMemoryBudget budget = NewRocksDbMemoryBudget(options.memory_bytes);
  ApplyMemoryBudget(budget, &db_options);
  // Past this, the families holding the oldest log are flushed, so the log
  // (replayed at the next open after a crash) stays near the memtables' size.
  db_options.max_total_wal_size = uint64_t{64} << 20;
  // Families read by key (Get) carry Bloom filters; the others are only
  // iterated, where a filter does not help.
  rocksdb::ColumnFamilyOptions iterated;
  ApplyMemoryBudget(budget, /*bloom=*/false, &iterated);
  rocksdb::ColumnFamilyOptions by_key;
  ApplyMemoryBudget(budget, /*bloom=*/true, &by_key);
  // Article bodies, most of the data: LZ4 (fast), ZSTD at the last level
  // (smaller, written once by compaction), where this RocksDB build has them;
  // otherwise RocksDB's default.
  rocksdb::ColumnFamilyOptions bodies = by_key;
  const std::vector<rocksdb::CompressionType> supported = rocksdb::GetSupportedCompressions();
  auto has = [&](rocksdb::CompressionType type) {
    return std::find(supported.begin(), supported.end(), type) != supported.end();
  };
  if (has(rocksdb::kLZ4Compression)) bodies.compression = rocksdb::kLZ4Compression;
  if (has(rocksdb::kZSTD)) bodies.bottommost_compression = rocksdb::kZSTD;
  rocksdb::ColumnFamilyOptions counts_options = iterated;
  counts_options.merge_operator = NewTagHoursMergeOperator();
  // In the order of the handles below.
  const std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {
      {rocksdb::kDefaultColumnFamilyName, iterated},
      {kArticlesCf, bodies},
      {kByTagCf, iterated},
      {kBySourceCf, iterated},
      {kByLangCf, iterated},
      {kByTimeCf, iterated},
      {kByUrlCf, by_key},
      {kSeqCf, iterated},
      {kMetaCf, by_key},
      {kByClusterCf, iterated},
      {kByBandCf, iterated},
      {kTagHoursCf, counts_options},
      {kGoneCf, by_key},
  };
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, options.path, cfs, &store->handles_, &raw);
  if (!s.ok()) return FromRocksStatus(s, fmt::format("open store db {}", options.path));
  store->db_.reset(raw);
  auto& h = store->handles_;
  store->articles_ = h[1];
  store->by_tag_ = h[2];
  store->by_source_ = h[3];
  store->by_lang_ = h[4];
  store->by_time_ = h[5];
  store->by_url_ = h[6];
  store->seq_ = h[7];
  store->meta_ = h[8];
  store->by_cluster_ = h[9];
  store->by_band_ = h[10];
  store->tag_hours_ = h[11];
  store->gone_ = h[12];

  std::string value;
  s = raw->Get(rocksdb::ReadOptions(), store->meta_, kMetaSchemaVersion, &value);
  if (s.IsNotFound()) {
    rocksdb::WriteOptions wo;
    wo.sync = true;
    s = raw->Put(wo, store->meta_, kMetaSchemaVersion, EncodeBE64(kStoreSchemaVersion));
    if (!s.ok()) return FromRocksStatus(s, "write schema version");
  } else if (!s.ok()) {
    return FromRocksStatus(s, "read schema version");
  } else {
    auto version = DecodeBE64(value);
    if (!version || *version > kStoreSchemaVersion) {
      return absl::FailedPreconditionError(
          fmt::format("store db {} has schema version {}, this build reads up to {}", options.path,
                      version ? *version : 0, kStoreSchemaVersion));
    }
  }
  s = raw->Get(rocksdb::ReadOptions(), store->meta_, kMetaLastSequence, &value);
  if (s.ok()) {
    store->last_sequence_ = DecodeBE64(value).value_or(0);
  } else if (!s.IsNotFound()) {
    return FromRocksStatus(s, "read last sequence");
  }
  if (absl::Status counted = store->LoadArticleCount(); !counted.ok()) return counted;
  if (absl::Status rekeyed = store->RekeyTags(); !rekeyed.ok()) return rekeyed;
  if (absl::Status counted = store->BuildTagHours(); !counted.ok()) return counted;
  return store;
}

absl::Status ArticleStore::LoadArticleCount() {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), meta_, kMetaArticleCount, &value);
  if (!s.ok() && !s.IsNotFound()) return FromRocksStatus(s, "read article count");
  if (s.ok() && value.size() == 16) {
    const std::optional<uint64_t> count = DecodeBE64(std::string_view(value).substr(0, 8));
    const std::optional<uint64_t> at = DecodeBE64(std::string_view(value).substr(8));
    if (count && at == last_sequence_.load()) {
      article_count_ = *count;
      return absl::OkStatus();
    }
  }
  // Absent (written before the count was kept) or stale (a build that did
  // not keep it committed since): counted once and recorded.
  uint64_t count = 0;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), articles_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++count;
  if (!it->status().ok()) return FromRocksStatus(it->status(), "count articles");
  article_count_ = count;
  rocksdb::WriteOptions wo;
  wo.sync = true;
  s = db_->Put(wo, meta_, kMetaArticleCount, ArticleCountValue(count, last_sequence_.load()));
  // Not fatal: the count is known, and the next commit records it.
  if (!s.ok()) MakeLogger("store.db")->warn("recording the article count failed: {}", s.ToString());
  if (count > 0) MakeLogger("store.db")->info("counted {} stored articles", count);
  return absl::OkStatus();
}

absl::Status ArticleStore::BuildTagHours() {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), meta_, kMetaTagHoursVersion, &value);
  if (!s.ok() && !s.IsNotFound()) return FromRocksStatus(s, "read tag hours version");
  if (s.ok() && DecodeBE64(value) == kTagHoursVersion) return absl::OkStatus();
  rocksdb::WriteOptions wo;
  wo.sync = true;
  // Whatever an interrupted build or an older version left goes first.
  std::unique_ptr<rocksdb::Iterator> last(db_->NewIterator(rocksdb::ReadOptions(), tag_hours_));
  last->SeekToLast();
  if (last->Valid()) {
    rocksdb::WriteBatch clear;
    clear.DeleteRange(tag_hours_, "", last->key());
    clear.Delete(tag_hours_, last->key());
    s = db_->Write(wo, &clear);
    if (!s.ok()) return FromRocksStatus(s, "clear tag hours");
  }
  if (!last->status().ok()) return FromRocksStatus(last->status(), "scan tag hours");
  last.reset();
  const int64_t now = NowMs();
  std::map<std::string, int64_t> counts;
  uint64_t articles = 0;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), articles_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    v1::Article a;
    if (!a.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) continue;
    ++articles;
    CountTagHours(a, 1, now, &counts);
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "scan articles to count tag hours");
  rocksdb::WriteBatch batch;
  for (const auto& [key, count] : counts) {
    if (count != 0) batch.Put(tag_hours_, key, TagHourValue(count));
    if (batch.Count() >= 4096) {
      s = db_->Write(wo, &batch);
      if (!s.ok()) return FromRocksStatus(s, "write tag hours");
      batch.Clear();
    }
  }
  // Recorded last: an interrupted build starts over at the next open.
  batch.Put(meta_, kMetaTagHoursVersion, EncodeBE64(kTagHoursVersion));
  s = db_->Write(wo, &batch);
  if (!s.ok()) return FromRocksStatus(s, "write tag hours");
  if (articles > 0) {
    MakeLogger("store.db")
        ->info("counted the tags of {} articles by hour ({} counts)", articles, counts.size());
  }
  return absl::OkStatus();
}

absl::Status ArticleStore::RekeyTags() {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), meta_, kMetaTagKeyVersion, &value);
  if (!s.ok() && !s.IsNotFound()) return FromRocksStatus(s, "read tag key version");
  const std::optional<uint64_t> version = s.ok() ? DecodeBE64(value) : std::nullopt;
  rocksdb::WriteOptions wo;
  wo.sync = true;
  auto record_version = [&] {
    rocksdb::Status put = db_->Put(wo, meta_, kMetaTagKeyVersion, EncodeBE64(kTagKeyVersion));
    return put.ok() ? absl::OkStatus() : FromRocksStatus(put, "write tag key version");
  };
  if (version == static_cast<uint64_t>(kTagKeyVersion)) return absl::OkStatus();
  if (article_count_.load() == 0) return record_version();
  if (version && *version > static_cast<uint64_t>(kTagKeyVersion)) {
    // A newer build keyed these tags; its keys are kept as they are (queries
    // from this build may miss variants it merges).
    MakeLogger("store.db")
        ->warn("tag keys were made by a newer build (version {}, this build {}); left as they are", *version,
               kTagKeyVersion);
    return absl::OkStatus();
  }
  MakeLogger("store.db")
      ->info("re-keying stored tags (tag key version {} -> {})", version.value_or(0), kTagKeyVersion);
  // The hourly counts hold the old keys: BuildTagHours() counts them again.
  rocksdb::Status forget = db_->Delete(wo, meta_, kMetaTagHoursVersion);
  if (!forget.ok()) return FromRocksStatus(forget, "reset tag hours version");
  constexpr size_t kBatchOps = 4096;
  rocksdb::WriteBatch batch;
  auto flush = [&](bool force) {
    if (!force && batch.Count() < kBatchOps) return absl::OkStatus();
    rocksdb::Status w = db_->Write(wo, &batch);
    batch.Clear();
    return w.ok() ? absl::OkStatus() : FromRocksStatus(w, "re-key tags");
  };
  // The old index and counts go first.
  for (auto* cf : {by_tag_, meta_}) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf));
    const std::string prefix = cf == meta_ ? kMetaTagPrefix : "";
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      batch.Delete(cf, it->key());
      if (absl::Status f = flush(false); !f.ok()) return f;
    }
    if (!it->status().ok()) return FromRocksStatus(it->status(), "scan old tag index");
  }
  if (absl::Status f = flush(true); !f.ok()) return f;
  // key -> (count, display name, sequence of the article that named it)
  std::map<std::string, std::tuple<uint64_t, std::string, uint64_t>> counts;
  uint64_t articles = 0;
  uint64_t rewritten = 0;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), articles_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    v1::Article a;
    if (!a.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      MakeLogger("store.db")
          ->warn("re-keying tags: stored article {} does not parse; skipped", it->key().ToString());
      continue;
    }
    ++articles;
    bool changed = false;
    std::set<std::string> keys;
    for (v1::Tag& t : *a.mutable_enrichment()->mutable_tags()) {
      std::string key = TagKey(t.name());
      if (key != t.key()) {
        t.set_key(key);
        changed = true;
      }
      if (!keys.insert(key).second) continue;
      auto& [count, name, sequence] = counts[key];
      ++count;
      if (name.empty() || a.sequence() >= sequence) {
        name = t.name();
        sequence = a.sequence();
      }
      batch.Put(by_tag_, IndexKey(key, SortTime(a), a.id()), "");
    }
    if (changed) {
      batch.Put(articles_, a.id(), a.SerializeAsString());
      ++rewritten;
    }
    if (absl::Status f = flush(false); !f.ok()) return f;
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "scan articles to re-key");
  for (const auto& [key, entry] : counts) {
    batch.Put(meta_, TagCountKey(key), TagCountValue(std::get<0>(entry), std::get<1>(entry)));
    if (absl::Status f = flush(false); !f.ok()) return f;
  }
  if (absl::Status f = flush(true); !f.ok()) return f;
  MakeLogger("store.db")
      ->info("re-keyed the tags of {} articles ({} rewritten, {} distinct keys)", articles, rewritten,
             counts.size());
  return record_version();
}

absl::StatusOr<std::optional<v1::Article>> ArticleStore::Lookup(const std::string& id) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), articles_, id, &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocksStatus(s, fmt::format("get id={}", id));
  v1::Article article;
  if (!article.ParseFromString(value)) {
    return absl::DataLossError(fmt::format("get id={}: stored article does not parse", id));
  }
  return article;
}

absl::StatusOr<v1::Article> ArticleStore::Get(const std::string& id) const {
  auto found = Lookup(id);
  if (!found.ok()) return found.status();
  if (!found->has_value()) return absl::NotFoundError(fmt::format("article {} not found", id));
  return **found;
}

namespace {

// Index entries of one article version, used to delete stale ones.
struct IndexEntries {
  std::set<std::string> tags;  // tag keys
  std::string source, lang, url, cluster;
  int64_t time = 0;
  uint64_t fingerprint = 0;
};

IndexEntries EntriesOf(const v1::Article& a) {
  IndexEntries e;
  for (const auto& t : a.enrichment().tags()) {
    e.tags.insert(IndexedTagKey(t));
  }
  e.source = a.source().id();
  e.lang = a.enrichment().language();
  e.url = a.canonical_url();
  e.time = ArticleStore::SortTime(a);
  e.cluster = a.cluster_id();
  e.fingerprint = a.enrichment().fingerprint();
  return e;
}

}  // namespace

// The write batch of one Upsert call and what it has learnt so far:
// articles written earlier in the batch shadow the database, tag counts are
// read once and written once, fingerprints of the batch join clusters like
// stored ones.
class ArticleStore::UpsertBatch {
 public:
  explicit UpsertBatch(ArticleStore& store) : store_(store) {}

  // The version of `id` this batch would replace: written earlier in the
  // batch, else stored, else none.
  absl::StatusOr<std::optional<v1::Article>> Previous(const std::string& id) const {
    if (auto it = in_batch_.find(id); it != in_batch_.end()) return *it->second;
    return store_.Lookup(id);
  }

  // Records that the source of `a` also carries the story `owner` holds:
  // once per source, at most kMaxAlsoSeenAt sources; the owner's text stays.
  void AddSeenAt(const v1::Article& owner, const v1::Article& a) {
    const auto& seen = owner.also_seen_at();
    bool known = std::any_of(seen.begin(), seen.end(),
                             [&](const v1::SeenAt& s) { return s.source_id() == a.source().id(); });
    if (known || seen.size() >= kMaxAlsoSeenAt) return;
    v1::Article& updated = also_seen_[a.id()] = owner;
    v1::SeenAt* entry = updated.add_also_seen_at();
    entry->set_source_id(a.source().id());
    entry->set_source_url(a.source().url());
    entry->set_source_title(a.source().title());
    entry->set_url(a.url());
    entry->set_seen_at_ms(a.fetched_at_ms());
    batch_.Put(store_.articles_, a.id(), updated.SerializeAsString());
    in_batch_[a.id()] = &updated;
    changed_ = true;
  }

  // A new version keeps its cluster; a new article joins the cluster of the
  // nearest fingerprint in this batch or, failing that, in the store, or
  // starts its own.
  absl::Status AssignCluster(v1::Article& a, const std::optional<v1::Article>& previous) {
    const uint64_t fingerprint = a.enrichment().fingerprint();
    if (previous && !previous->cluster_id().empty()) {
      a.set_cluster_id(previous->cluster_id());
    } else {
      std::string cluster;
      int best = kMaxClusterDistance + 1;
      if (fingerprint != 0) {
        for (const auto& [fp, member_cluster] : fingerprints_) {
          int d = std::popcount(fp ^ fingerprint);
          if (d < best) {
            best = d;
            cluster = member_cluster;
          }
        }
        auto stored = store_.NearestCluster(fingerprint, a.id());
        if (!stored.ok()) return stored.status();
        if (!stored->empty() && cluster.empty()) cluster = *stored;
      }
      a.set_cluster_id(cluster.empty() ? a.id() : cluster);
    }
    if (fingerprint != 0) fingerprints_.emplace_back(fingerprint, a.cluster_id());
    return absl::OkStatus();
  }

  // Writes `a` (sequence and cluster set) in place of `previous`: the
  // article, its sequence-log entry and its index entries, the previous
  // version's entries deleted, tag counts moved.
  absl::Status Write(const v1::Article& a, const std::optional<v1::Article>& previous) {
    const IndexEntries now = EntriesOf(a);
    std::set<std::string> old_tags;
    if (previous) {
      const IndexEntries old = EntriesOf(*previous);
      NF_RETURN_IF_ERROR(DeleteIndexEntries(a.id(), old, now));
      old_tags = old.tags;
    }
    NF_RETURN_IF_ERROR(PutIndexEntries(a, now, old_tags));
    const int64_t now_ms = NowMs();
    if (previous) CountTagHours(*previous, -1, now_ms, &tag_hours_);
    CountTagHours(a, 1, now_ms, &tag_hours_);
    batch_.Put(store_.seq_, SeqKey(a.sequence()), SeqValue(a.id(), a.version()));
    batch_.Put(store_.articles_, a.id(), a.SerializeAsString());
    in_batch_[a.id()] = &a;
    return absl::OkStatus();
  }

  // Deletes `a` (as stored) at `sequence`: the article, its log entry and
  // index entries, its tag and tag_hours counts; logs a tombstone at
  // `sequence` and remembers the id as gone.
  absl::Status Remove(const v1::Article& a, uint64_t sequence, int64_t now_ms) {
    NF_RETURN_IF_ERROR(DeleteIndexEntries(a.id(), EntriesOf(a), IndexEntries{}));
    CountTagHours(a, -1, now_ms, &tag_hours_);
    batch_.Delete(store_.seq_, SeqKey(a.sequence()));
    batch_.Put(store_.seq_, SeqKey(sequence), SeqValue(a.id(), ""));
    batch_.Delete(store_.articles_, a.id());
    batch_.Put(store_.gone_, a.id(), EncodeBE64(static_cast<uint64_t>(now_ms)));
    return absl::OkStatus();
  }

  // Whether anything besides new versions was written (also_seen_at).
  bool changed() const { return changed_; }

  // Writes the batch of `count` articles with the tag counts, the last
  // sequence number and the number of stored articles after it.
  absl::Status Commit(uint64_t last_sequence, uint64_t article_count, bool sync, std::size_t count) {
    for (const auto& [key, entry] : tag_counts_) {
      batch_.Put(store_.meta_, TagCountKey(key), TagCountValue(entry.first, entry.second));
    }
    for (const auto& [key, delta] : tag_hours_) {
      if (delta != 0) batch_.Merge(store_.tag_hours_, key, TagHourValue(delta));
    }
    batch_.Put(store_.meta_, kMetaLastSequence, EncodeBE64(last_sequence));
    batch_.Put(store_.meta_, kMetaArticleCount, ArticleCountValue(article_count, last_sequence));
    rocksdb::WriteOptions wo;
    wo.sync = sync;
    rocksdb::Status s = store_.db_->Write(wo, &batch_);
    return s.ok() ? absl::OkStatus() : FromRocksStatus(s, fmt::format("commit batch of {}", count));
  }

 private:
  using TagCount = std::pair<uint64_t, std::string>;  // count, display name

  absl::StatusOr<TagCount*> Count(const std::string& key) {
    auto it = tag_counts_.find(key);
    if (it != tag_counts_.end()) return &it->second;
    std::string value;
    rocksdb::Status s = store_.db_->Get(rocksdb::ReadOptions(), store_.meta_, TagCountKey(key), &value);
    TagCount entry{0, ""};
    if (s.ok()) {
      ParseTagCountValue(value, &entry.first, &entry.second);
    } else if (!s.IsNotFound()) {
      return FromRocksStatus(s, "read tag count");
    }
    return &tag_counts_.emplace(key, entry).first->second;
  }

  // Deletes the index entries of the version `old` of article `id`; tags
  // the new version (`now`) no longer has are counted down.
  absl::Status DeleteIndexEntries(const std::string& id, const IndexEntries& old, const IndexEntries& now) {
    for (const auto& t : old.tags) {
      batch_.Delete(store_.by_tag_, IndexKey(t, old.time, id));
      if (!now.tags.contains(t)) {
        NF_ASSIGN_OR_RETURN(TagCount * count, Count(t));
        if (count->first > 0) --count->first;
      }
    }
    batch_.Delete(store_.by_source_, IndexKey(old.source, old.time, id));
    batch_.Delete(store_.by_lang_, IndexKey(old.lang, old.time, id));
    batch_.Delete(store_.by_time_, TimeKey(old.time, id));
    if (old.url != now.url && !old.url.empty()) batch_.Delete(store_.by_url_, old.url);
    if (!old.cluster.empty()) batch_.Delete(store_.by_cluster_, IndexKey(old.cluster, old.time, id));
    if (old.fingerprint != 0) {
      for (int band = 0; band < kFingerprintBands; ++band) {
        batch_.Delete(store_.by_band_, BandPrefix(band, old.fingerprint) + id);
      }
    }
    return absl::OkStatus();
  }

  // Puts the index entries of `a`; tags the previous version did not have
  // (`old_tags`) are counted up, and every tag's count keeps its latest
  // display name. Two names with one key count once.
  absl::Status PutIndexEntries(const v1::Article& a, const IndexEntries& now,
                               const std::set<std::string>& old_tags) {
    std::set<std::string> counted;
    for (const auto& t : a.enrichment().tags()) {
      std::string key = IndexedTagKey(t);
      if (!counted.insert(key).second) continue;
      batch_.Put(store_.by_tag_, IndexKey(key, now.time, a.id()), "");
      NF_ASSIGN_OR_RETURN(TagCount * count, Count(key));
      if (!old_tags.contains(key)) ++count->first;
      count->second = t.name();
    }
    batch_.Put(store_.by_source_, IndexKey(now.source, now.time, a.id()), "");
    batch_.Put(store_.by_lang_, IndexKey(now.lang, now.time, a.id()), "");
    batch_.Put(store_.by_time_, TimeKey(now.time, a.id()), "");
    if (!now.url.empty()) batch_.Put(store_.by_url_, now.url, a.id());
    batch_.Put(store_.by_cluster_, IndexKey(now.cluster, now.time, a.id()), "");
    if (now.fingerprint != 0) {
      for (int band = 0; band < kFingerprintBands; ++band) {
        batch_.Put(store_.by_band_, BandPrefix(band, now.fingerprint) + a.id(),
                   BandValue(now.fingerprint, now.cluster));
      }
    }
    return absl::OkStatus();
  }

  ArticleStore& store_;
  rocksdb::WriteBatch batch_;
  std::map<std::string, const v1::Article*> in_batch_;
  std::map<std::string, TagCount> tag_counts_;                  // by tag key
  std::map<std::string, int64_t> tag_hours_;                    // tag_hours key -> delta
  std::vector<std::pair<uint64_t, std::string>> fingerprints_;  // fingerprint, cluster
  // Stored articles that gained an also_seen_at entry in this batch
  // (std::map: stable addresses for in_batch_).
  std::map<std::string, v1::Article> also_seen_;
  bool changed_ = false;
};

absl::StatusOr<std::vector<UpsertResult>> ArticleStore::Upsert(std::vector<v1::Article>& articles) {
  UpsertBatch batch(*this);
  std::vector<UpsertResult> results;
  results.reserve(articles.size());
  uint64_t sequence = last_sequence_.load();
  uint64_t new_articles = 0;
  for (v1::Article& a : articles) {
    if (a.id().empty() || a.version().empty()) {
      return absl::InvalidArgumentError("upsert: article without id or version");
    }
    NF_ASSIGN_OR_RETURN(std::optional<v1::Article> previous, batch.Previous(a.id()));
    if (previous && previous->source().id() != a.source().id()) {
      // Another source links the owner's URL: recorded, never replacing the
      // owner's text (see the header). The ack carries the version sent.
      results.push_back({a.id(), a.version(), previous->sequence(), true, true});
      batch.AddSeenAt(*previous, a);
      continue;
    }
    if (previous && previous->version() == a.version()) {
      results.push_back({a.id(), a.version(), previous->sequence(), true});
      continue;
    }
    if (!previous) {
      NF_ASSIGN_OR_RETURN(bool retired, IsRetired(a, NowMs()));
      if (retired) {
        results.push_back({.id = a.id(), .version = a.version(), .duplicate = true, .retired = true});
        continue;
      }
    }
    if (previous) {
      *a.mutable_also_seen_at() = previous->also_seen_at();
    } else {
      ++new_articles;
    }
    a.set_sequence(++sequence);
    a.set_stored_at_ms(NowMs());
    // Computed on read (services/store/related.h), never stored.
    a.clear_related();
    a.clear_other_sources();
    NF_RETURN_IF_ERROR(batch.AssignCluster(a, previous));
    NF_RETURN_IF_ERROR(batch.Write(a, previous));
    results.push_back({a.id(), a.version(), a.sequence(), false});
  }
  if (sequence == last_sequence_.load() && !batch.changed())
    return results;  // all duplicates: nothing to write

  std::lock_guard lock(write_mu_);
  if (absl::Status s =
          batch.Commit(sequence, article_count_.load() + new_articles, options_.sync_writes, articles.size());
      !s.ok()) {
    for (v1::Article& a : articles) a.clear_sequence();
    return s;
  }
  last_sequence_ = sequence;
  article_count_ += new_articles;
  return results;
}

namespace {

constexpr char kHex[] = "0123456789abcdef";

// A cursor is the hex of the index suffix (rts id) of a page's last article.
std::string EncodeCursor(std::string_view suffix) {
  std::string out;
  out.reserve(suffix.size() * 2);
  for (unsigned char c : suffix) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::optional<std::string> DecodeCursor(std::string_view cursor) {
  // rts (8 bytes) and a non-empty id of at most 256 bytes.
  if (cursor.size() % 2 != 0 || cursor.size() < 18 || cursor.size() > 2 * (8 + 256)) return std::nullopt;
  std::string out;
  out.reserve(cursor.size() / 2);
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < cursor.size(); i += 2) {
    int hi = nibble(cursor[i]), lo = nibble(cursor[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi << 4 | lo));
  }
  return out;
}

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// Time of an index suffix (rts id).
int64_t SuffixTime(std::string_view suffix) {
  uint64_t rts = DecodeBE64(suffix.substr(0, 8)).value_or(0);
  return static_cast<int64_t>(std::numeric_limits<uint64_t>::max() - rts);
}

}  // namespace

bool ArticleStore::IsValidCursor(std::string_view cursor) {
  return cursor.empty() || DecodeCursor(cursor).has_value();
}

absl::StatusOr<ArticlePage> ArticleStore::ScanIndex(rocksdb::ColumnFamilyHandle* cf,
                                                    const std::vector<std::string>& prefixes,
                                                    const PageRequest& page) const {
  std::optional<std::string> after;
  if (!page.cursor.empty()) {
    after = DecodeCursor(page.cursor);
    if (!after) return absl::InvalidArgumentError("malformed cursor");
  }
  // Suffixes ascend as time descends: start at until_ms - 1 or right after
  // the cursor, whichever comes later.
  std::string start;
  if (page.until_ms > 0) start = TimeKey(page.until_ms - 1, "");
  const bool skip_cursor = after && *after >= start;
  if (skip_cursor) start = *after;

  struct Scan {
    std::unique_ptr<rocksdb::Iterator> it;
    const std::string* prefix;
    bool done = false;
  };
  std::vector<Scan> scans;
  for (const std::string& prefix : prefixes) {
    Scan scan{std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(rocksdb::ReadOptions(), cf)), &prefix};
    scan.it->Seek(prefix + start);
    if (skip_cursor && scan.it->Valid() && scan.it->key() == rocksdb::Slice(prefix + *after)) scan.it->Next();
    scans.push_back(std::move(scan));
  }
  // The suffix of a scan's current entry, or nullopt when it is exhausted.
  auto current = [&page](Scan& scan) -> std::optional<std::string_view> {
    if (scan.done) return std::nullopt;
    if (!scan.it->Valid() || !scan.it->key().starts_with(*scan.prefix)) {
      scan.done = true;
      return std::nullopt;
    }
    std::string_view key(scan.it->key().data(), scan.it->key().size());
    std::string_view suffix = key.substr(scan.prefix->size());
    if (suffix.size() < 8 || (page.since_ms > 0 && SuffixTime(suffix) < page.since_ms)) {
      scan.done = true;
      return std::nullopt;
    }
    return suffix;
  };

  ArticlePage out;
  std::string last_suffix;
  while (true) {
    Scan* next = nullptr;
    std::string_view next_suffix;
    for (Scan& scan : scans) {
      auto suffix = current(scan);
      if (suffix && (next == nullptr || *suffix < next_suffix)) {
        next = &scan;
        next_suffix = *suffix;
      }
    }
    if (next == nullptr) break;
    if (out.articles.size() >= page.limit) {
      out.more = true;
      break;
    }
    last_suffix.assign(next_suffix);
    auto found = Lookup(std::string(next_suffix.substr(8)));
    if (!found.ok()) return found.status();
    if (found->has_value()) out.articles.push_back(**std::move(found));
    next->it->Next();
  }
  for (const Scan& scan : scans) {
    if (!scan.it->status().ok()) return FromRocksStatus(scan.it->status(), "scan index");
  }
  if (out.more) out.next_cursor = EncodeCursor(last_suffix);
  return out;
}

absl::StatusOr<std::vector<std::string>> ArticleStore::DistinctKeyPrefixes(
    rocksdb::ColumnFamilyHandle* family, std::string_view what) const {
  std::vector<std::string> prefixes;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), family));
  // One seek per distinct prefix: jump past every key of the prefix just seen.
  for (it->SeekToFirst(); it->Valid();) {
    std::string_view key(it->key().data(), it->key().size());
    std::size_t end = key.find('\0');
    if (end == std::string_view::npos) {
      it->Next();
      continue;
    }
    prefixes.emplace_back(key.substr(0, end));
    it->Seek(prefixes.back() + '\x01');
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), fmt::format("scan {}", what));
  return prefixes;
}

absl::StatusOr<std::vector<std::string>> ArticleStore::LangPrefixes(const std::string& lang) const {
  auto codes = DistinctKeyPrefixes(by_lang_, "languages");
  if (!codes.ok()) return codes.status();
  std::vector<std::string> prefixes;
  for (const std::string& code : *codes) {
    if (EqualsIgnoreAsciiCase(code, lang)) prefixes.push_back(IndexPrefix(code));
  }
  return prefixes;
}

absl::StatusOr<ArticlePage> ArticleStore::List(ListIndex index, const std::string& value,
                                               const PageRequest& page) const {
  switch (index) {
    case ListIndex::kLatest:
      return ScanIndex(by_time_, {""}, page);
    case ListIndex::kTag:
      return ScanIndex(by_tag_, {IndexPrefix(TagKey(value))}, page);
    case ListIndex::kSource:
      return ScanIndex(by_source_, {IndexPrefix(value)}, page);
    case ListIndex::kLang: {
      auto prefixes = LangPrefixes(value);
      if (!prefixes.ok()) return prefixes.status();
      return ScanIndex(by_lang_, *prefixes, page);
    }
    case ListIndex::kCluster:
      return ScanIndex(by_cluster_, {IndexPrefix(value)}, page);
  }
  return absl::InvalidArgumentError("unknown index");
}

namespace {
absl::StatusOr<std::vector<v1::Article>> Articles(absl::StatusOr<ArticlePage> page) {
  if (!page.ok()) return page.status();
  return std::move(page->articles);
}
}  // namespace

absl::StatusOr<std::vector<v1::Article>> ArticleStore::Latest(std::size_t limit) const {
  return Articles(List(ListIndex::kLatest, "", {.limit = limit}));
}

absl::StatusOr<std::vector<v1::Article>> ArticleStore::ByTag(const std::string& tag,
                                                             std::size_t limit) const {
  return Articles(List(ListIndex::kTag, tag, {.limit = limit}));
}

absl::StatusOr<std::vector<v1::Article>> ArticleStore::BySource(const std::string& source_id,
                                                                std::size_t limit) const {
  return Articles(List(ListIndex::kSource, source_id, {.limit = limit}));
}

absl::StatusOr<std::vector<v1::Article>> ArticleStore::ByLang(const std::string& lang,
                                                              std::size_t limit) const {
  return Articles(List(ListIndex::kLang, lang, {.limit = limit}));
}

absl::StatusOr<std::vector<v1::Article>> ArticleStore::ByCluster(const std::string& cluster_id,
                                                                 std::size_t limit) const {
  return Articles(List(ListIndex::kCluster, cluster_id, {.limit = limit}));
}

absl::StatusOr<std::string> ArticleStore::NearestCluster(uint64_t fingerprint, const std::string& id) const {
  // Buckets of very common band values (boilerplate-only texts) are capped so
  // a lookup stays cheap; the other three bands still find true neighbours.
  constexpr int kMaxBucketScan = 256;
  std::string best_cluster;
  int best = kMaxClusterDistance + 1;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), by_band_));
  for (int band = 0; band < kFingerprintBands; ++band) {
    const std::string prefix = BandPrefix(band, fingerprint);
    int scanned = 0;
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix) && scanned < kMaxBucketScan;
         it->Next(), ++scanned) {
      if (it->key().ToString().substr(prefix.size()) == id) continue;
      uint64_t other = 0;
      std::string cluster;
      if (!ParseBandValue(std::string_view(it->value().data(), it->value().size()), &other, &cluster))
        continue;
      int d = std::popcount(other ^ fingerprint);
      if (d < best) {
        best = d;
        best_cluster = cluster;
      }
    }
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "scan fingerprint bands");
  return best_cluster;
}

absl::StatusOr<std::vector<v1::Article>> ArticleStore::Since(
    uint64_t after_seq, std::size_t limit, bool* more,
    std::vector<std::pair<uint64_t, std::string>>* deleted) const {
  std::vector<v1::Article> out;
  *more = false;
  if (after_seq == std::numeric_limits<uint64_t>::max()) return out;  // after_seq + 1 would wrap to 0
  const std::size_t deleted_before = deleted ? deleted->size() : 0;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), seq_));
  for (it->Seek(SeqKey(after_seq + 1)); it->Valid(); it->Next()) {
    if (out.size() + (deleted ? deleted->size() - deleted_before : 0) >= limit) {
      *more = true;
      break;
    }
    auto seq = DecodeBE64(std::string_view(it->key().data(), it->key().size()));
    std::string id, version;
    if (!seq || !ParseSeqValue(std::string_view(it->value().data(), it->value().size()), &id, &version)) {
      return absl::DataLossError("seq log entry malformed");
    }
    auto found = Lookup(id);
    if (!found.ok()) return found.status();
    if (version.empty()) {  // a tombstone
      if (deleted != nullptr && !found->has_value()) deleted->emplace_back(*seq, std::move(id));
      continue;
    }
    // A version replaced later appears again at its newer sequence.
    if (found->has_value() && (*found)->sequence() == *seq) out.push_back(**std::move(found));
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "scan seq log");
  return out;
}

absl::StatusOr<std::vector<v1::TagCount>> ArticleStore::TagCounts(std::size_t limit) const {
  std::vector<v1::TagCount> all;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), meta_));
  const std::string prefix = kMetaTagPrefix;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    uint64_t count = 0;
    std::string name;
    if (!ParseTagCountValue(std::string_view(it->value().data(), it->value().size()), &count, &name))
      continue;
    if (count == 0) continue;
    v1::TagCount tc;
    tc.set_key(it->key().ToString().substr(prefix.size()));
    tc.set_name(name);
    tc.set_count(count);
    all.push_back(std::move(tc));
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "scan tag counts");
  std::stable_sort(all.begin(), all.end(),
                   [](const v1::TagCount& a, const v1::TagCount& b) { return a.count() > b.count(); });
  if (all.size() > limit) all.resize(limit);
  return all;
}

absl::Status ArticleStore::ScanTagHours(
    std::string_view scope, int64_t from_hour, int64_t to_hour,
    const std::function<void(int64_t hour, std::string_view tag_key, int64_t count)>& fn) const {
  const std::string prefix = TagHourPrefix(scope);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), tag_hours_));
  for (it->Seek(TagHourKey(scope, from_hour, "")); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    std::string_view key_scope, tag_key;
    int64_t hour = 0;
    if (!ParseTagHourKey(std::string_view(it->key().data(), it->key().size()), &key_scope, &hour, &tag_key)) {
      continue;
    }
    if (hour > to_hour) break;
    auto count = ParseTagHourValue(std::string_view(it->value().data(), it->value().size()));
    if (count && *count != 0) fn(hour, tag_key, *count);
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "scan tag hours");
  return absl::OkStatus();
}

absl::StatusOr<std::string> ArticleStore::TagName(const std::string& tag_key) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), meta_, TagCountKey(tag_key), &value);
  if (s.IsNotFound()) return std::string();
  if (!s.ok()) return FromRocksStatus(s, "read tag name");
  uint64_t count = 0;
  std::string name;
  if (!ParseTagCountValue(value, &count, &name)) return std::string();
  return name;
}

absl::StatusOr<std::vector<std::string>> ArticleStore::TagHourScopes() const {
  return DistinctKeyPrefixes(tag_hours_, "tag hour scopes");
}

absl::Status ArticleStore::PruneTagHours(int64_t before_hour) {
  auto scopes = TagHourScopes();
  if (!scopes.ok()) return scopes.status();
  rocksdb::WriteBatch batch;
  for (const std::string& scope : *scopes) {
    batch.DeleteRange(tag_hours_, TagHourPrefix(scope), TagHourKey(scope, before_hour, ""));
  }
  if (batch.Count() == 0) return absl::OkStatus();
  return FromRocksStatus(db_->Write(rocksdb::WriteOptions(), &batch), "prune tag hours");
}

absl::StatusOr<std::optional<std::string>> ArticleStore::IdByUrl(const std::string& canonical_url) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), by_url_, canonical_url, &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocksStatus(s, "get by url");
  return value;
}

absl::StatusOr<std::optional<v1::TermCounts>> ArticleStore::LoadTermCounts() const {
  std::string value;
  const rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), meta_, kMetaTermCounts, &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocksStatus(s, "read term counts");
  v1::TermCounts counts;
  if (!counts.ParseFromString(value)) return absl::DataLossError("read term counts: corrupt value");
  return counts;
}

absl::Status ArticleStore::SaveTermCounts(const v1::TermCounts& counts) {
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync_writes;
  return FromRocksStatus(db_->Put(wo, meta_, kMetaTermCounts, counts.SerializeAsString()),
                         "write term counts");
}

absl::StatusOr<bool> ArticleStore::IsRetired(const v1::Article& a, int64_t now_ms) const {
  const int64_t max_age = options_.retention.max_age_ms;
  if (max_age > 0 && SortTime(a) > 0 && SortTime(a) < now_ms - max_age) return true;
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), gone_, a.id(), &value);
  if (s.IsNotFound()) return false;
  if (!s.ok()) return FromRocksStatus(s, "read deleted ids");
  return true;
}

absl::StatusOr<RetentionPass> ArticleStore::ApplyRetention(int64_t now_ms, std::size_t max_deletes) {
  RetentionPass pass;
  const RetentionPolicy& policy = options_.retention;
  if (!policy.enabled()) return pass;
  const int64_t cutoff =
      policy.max_age_ms > 0 ? now_ms - policy.max_age_ms : std::numeric_limits<int64_t>::min();
  const uint64_t count = article_count_.load();
  const uint64_t excess =
      policy.max_articles > 0 && count > policy.max_articles ? count - policy.max_articles : 0;
  UpsertBatch batch(*this);
  uint64_t sequence = last_sequence_.load();
  uint64_t deleted = 0;
  // by_time is newest first: walk it backwards, oldest first.
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), by_time_));
  for (it->SeekToLast(); it->Valid(); it->Prev()) {
    std::string_view key(it->key().data(), it->key().size());
    if (key.size() <= 8) continue;
    const bool by_age = SuffixTime(key) < cutoff;
    if (!by_age && deleted >= excess) break;  // everything newer is within the limits
    if (deleted >= max_deletes) {
      pass.more = true;
      break;
    }
    NF_ASSIGN_OR_RETURN(std::optional<v1::Article> a, Lookup(std::string(key.substr(8))));
    if (!a) continue;  // a stale entry; nothing to delete
    NF_RETURN_IF_ERROR(batch.Remove(*a, ++sequence, now_ms));
    ++deleted;
    ++(by_age ? pass.deleted_by_age : pass.deleted_by_count);
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "scan articles by time");
  it.reset();
  if (deleted > 0) {
    std::lock_guard lock(write_mu_);
    NF_RETURN_IF_ERROR(
        batch.Commit(sequence, article_count_.load() - deleted, options_.sync_writes, deleted));
    last_sequence_ = sequence;
    article_count_ -= deleted;
    deletions_ += deleted;
  }
  NF_ASSIGN_OR_RETURN(pass.tombstones_pruned, PruneTombstones(now_ms));
  return pass;
}

absl::StatusOr<uint64_t> ArticleStore::PruneTombstones(int64_t now_ms) {
  // A slice per pass from where the last one stopped, so that a large
  // `gone` never holds the writer for long.
  constexpr int kScanPerPass = 10000;
  rocksdb::WriteBatch batch;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), gone_));
  int scanned = 0;
  for (it->Seek(tombstone_scan_from_); it->Valid() && scanned < kScanPerPass; it->Next(), ++scanned) {
    auto at = DecodeBE64(std::string_view(it->value().data(), it->value().size()));
    if (!at || static_cast<int64_t>(*at) < now_ms - kTombstoneMs) batch.Delete(gone_, it->key());
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "scan deleted ids");
  tombstone_scan_from_ = it->Valid() ? it->key().ToString() : std::string();
  if (batch.Count() == 0) return 0;
  NF_RETURN_IF_ERROR(FromRocksStatus(db_->Write(rocksdb::WriteOptions(), &batch), "forget deleted ids"));
  return batch.Count();
}

absl::StatusOr<BackupInfo> ArticleStore::Checkpoint(const std::string& dir) const {
  namespace fs = std::filesystem;
  const fs::path path(dir);
  if (dir.empty() || !path.is_absolute())
    return absl::InvalidArgumentError("backup dir must be an absolute path");
  std::error_code ec;
  if (fs::exists(path, ec)) {
    if (!fs::is_directory(path, ec) || !fs::is_empty(path, ec)) {
      return absl::FailedPreconditionError(fmt::format("backup dir {} exists and is not empty", dir));
    }
    fs::remove(path, ec);  // RocksDB makes the folder itself
  }
  fs::create_directories(path.parent_path(), ec);
  if (ec) return absl::UnavailableError(fmt::format("backup dir {}: {}", dir, ec.message()));
  rocksdb::Checkpoint* raw = nullptr;
  NF_RETURN_IF_ERROR(FromRocksStatus(rocksdb::Checkpoint::Create(db_.get(), &raw), "checkpoint"));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  BackupInfo info{.dir = dir};
  {
    // No batch is written meanwhile: the checkpoint holds exactly the
    // commits up to last_sequence_. Memtables are flushed (log size 0), so
    // the copy opens without replaying a WAL.
    std::lock_guard lock(write_mu_);
    info.sequence = last_sequence_.load();
    info.articles = article_count_.load();
    NF_RETURN_IF_ERROR(
        FromRocksStatus(checkpoint->CreateCheckpoint(dir, /*log_size_for_flush=*/0), "checkpoint " + dir));
  }
  for (const auto& entry : fs::recursive_directory_iterator(path, ec)) {
    if (entry.is_regular_file(ec)) info.bytes += entry.file_size(ec);
  }
  return info;
}

uint64_t ArticleStore::LastSequence() const { return last_sequence_.load(); }
uint64_t ArticleStore::ArticleCount() const { return article_count_.load(); }

}  // namespace newsflow::store

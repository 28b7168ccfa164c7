#include "services/store/article_store.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <limits>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <rocksdb/write_batch.h>

#include "common/log/logging.h"
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
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
    db_->Close();
  }
}

int64_t ArticleStore::SortTime(const v1::Article& a) {
  return a.published_at_ms() > 0 ? a.published_at_ms() : a.fetched_at_ms();
}

absl::StatusOr<std::unique_ptr<ArticleStore>> ArticleStore::Open(
    const ArticleStoreOptions& options) {
  std::unique_ptr<ArticleStore> store(new ArticleStore());
  store->options_ = options;
  rocksdb::DBOptions db_options;
  ApplyNewsflowDbOptions(MakeLogger("store.db"), &db_options);
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  rocksdb::ColumnFamilyOptions cf_options;
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (const char* name : {rocksdb::kDefaultColumnFamilyName.c_str(), kArticlesCf, kByTagCf,
                           kBySourceCf, kByLangCf, kByTimeCf, kByUrlCf, kSeqCf, kMetaCf,
                           kByClusterCf, kByBandCf}) {
    cfs.emplace_back(name, cf_options);
  }
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
  uint64_t count = 0;
  std::unique_ptr<rocksdb::Iterator> it(raw->NewIterator(rocksdb::ReadOptions(), store->articles_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++count;
  store->article_count_ = count;
  if (absl::Status rekeyed = store->RekeyTags(); !rekeyed.ok()) return rekeyed;
  return store;
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
    MakeLogger("store.db")->warn("tag keys were made by a newer build (version {}, this build {}); left as they are",
             *version, kTagKeyVersion);
    return absl::OkStatus();
  }
  MakeLogger("store.db")->info("re-keying stored tags (tag key version {} -> {})", version.value_or(0), kTagKeyVersion);
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
      MakeLogger("store.db")->warn("re-keying tags: stored article {} does not parse; skipped", it->key().ToString());
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
  MakeLogger("store.db")->info("re-keyed the tags of {} articles ({} rewritten, {} distinct keys)", articles, rewritten,
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

absl::StatusOr<std::vector<UpsertResult>> ArticleStore::Upsert(std::vector<v1::Article>& articles) {
  rocksdb::WriteBatch batch;
  std::vector<UpsertResult> results;
  results.reserve(articles.size());
  // Articles written earlier in this same batch shadow the database.
  std::map<std::string, const v1::Article*> in_batch;
  std::map<std::string, std::pair<uint64_t, std::string>> tag_counts;  // key -> count, name
  uint64_t sequence = last_sequence_.load();
  uint64_t new_articles = 0;
  std::vector<std::pair<uint64_t, std::string>> batch_fingerprints;  // fingerprint, cluster
  // Stored articles that gained an also_seen_at entry in this batch
  // (std::map: stable addresses for in_batch).
  std::map<std::string, v1::Article> also_seen;
  bool changed = false;  // anything to write besides new versions

  auto tag_count = [&](const std::string& key) -> absl::StatusOr<std::pair<uint64_t, std::string>*> {
    auto it = tag_counts.find(key);
    if (it != tag_counts.end()) return &it->second;
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), meta_, TagCountKey(key), &value);
    std::pair<uint64_t, std::string> entry{0, ""};
    if (s.ok()) {
      ParseTagCountValue(value, &entry.first, &entry.second);
    } else if (!s.IsNotFound()) {
      return FromRocksStatus(s, "read tag count");
    }
    return &tag_counts.emplace(key, entry).first->second;
  };

  for (v1::Article& a : articles) {
    if (a.id().empty() || a.version().empty()) {
      return absl::InvalidArgumentError("upsert: article without id or version");
    }
    std::optional<v1::Article> previous;
    if (auto it = in_batch.find(a.id()); it != in_batch.end()) {
      previous = *it->second;
    } else {
      auto found = Lookup(a.id());
      if (!found.ok()) return found.status();
      previous = *std::move(found);
    }
    if (previous && previous->source().id() != a.source().id()) {
      // Another source links the owner's URL: recorded, never replacing the
      // owner's text (see the header). The ack carries the version sent.
      results.push_back({a.id(), a.version(), previous->sequence(), true, true});
      const auto& seen = previous->also_seen_at();
      bool known = std::any_of(seen.begin(), seen.end(),
                               [&](const v1::SeenAt& s) { return s.source_id() == a.source().id(); });
      if (known || seen.size() >= kMaxAlsoSeenAt) continue;
      v1::Article& updated = also_seen[a.id()] = *previous;
      v1::SeenAt* entry = updated.add_also_seen_at();
      entry->set_source_id(a.source().id());
      entry->set_source_url(a.source().url());
      entry->set_source_title(a.source().title());
      entry->set_url(a.url());
      entry->set_seen_at_ms(a.fetched_at_ms());
      batch.Put(articles_, a.id(), updated.SerializeAsString());
      in_batch[a.id()] = &updated;
      changed = true;
      continue;
    }
    if (previous && previous->version() == a.version()) {
      results.push_back({a.id(), a.version(), previous->sequence(), true});
      continue;
    }
    if (previous) *a.mutable_also_seen_at() = previous->also_seen_at();
    a.set_sequence(++sequence);
    a.set_stored_at_ms(NowMs());
    const uint64_t fingerprint = a.enrichment().fingerprint();
    if (previous && !previous->cluster_id().empty()) {
      a.set_cluster_id(previous->cluster_id());
    } else {
      std::string cluster;
      int best = kMaxClusterDistance + 1;
      if (fingerprint != 0) {
        for (const auto& [fp, member_cluster] : batch_fingerprints) {
          int d = std::popcount(fp ^ fingerprint);
          if (d < best) {
            best = d;
            cluster = member_cluster;
          }
        }
        auto stored = NearestCluster(fingerprint, a.id());
        if (!stored.ok()) return stored.status();
        if (!stored->empty() && cluster.empty()) cluster = *stored;
      }
      a.set_cluster_id(cluster.empty() ? a.id() : cluster);
    }
    if (fingerprint != 0) batch_fingerprints.emplace_back(fingerprint, a.cluster_id());
    IndexEntries now = EntriesOf(a);
    if (previous) {
      IndexEntries old = EntriesOf(*previous);
      for (const auto& t : old.tags) {
        batch.Delete(by_tag_, IndexKey(t, old.time, a.id()));
        if (!now.tags.contains(t)) {
          auto count = tag_count(t);
          if (!count.ok()) return count.status();
          if ((*count)->first > 0) --(*count)->first;
        }
      }
      batch.Delete(by_source_, IndexKey(old.source, old.time, a.id()));
      batch.Delete(by_lang_, IndexKey(old.lang, old.time, a.id()));
      batch.Delete(by_time_, TimeKey(old.time, a.id()));
      if (old.url != now.url && !old.url.empty()) batch.Delete(by_url_, old.url);
      if (!old.cluster.empty()) batch.Delete(by_cluster_, IndexKey(old.cluster, old.time, a.id()));
      if (old.fingerprint != 0) {
        for (int band = 0; band < kFingerprintBands; ++band) {
          batch.Delete(by_band_, BandPrefix(band, old.fingerprint) + a.id());
        }
      }
    } else {
      ++new_articles;
    }
    const std::set<std::string> old_tags = previous ? EntriesOf(*previous).tags : std::set<std::string>{};
    std::set<std::string> counted;  // two names with one key count once
    for (const auto& t : a.enrichment().tags()) {
      std::string key = IndexedTagKey(t);
      if (!counted.insert(key).second) continue;
      batch.Put(by_tag_, IndexKey(key, now.time, a.id()), "");
      bool had = old_tags.contains(key);
      auto count = tag_count(key);
      if (!count.ok()) return count.status();
      if (!had) ++(*count)->first;
      (*count)->second = t.name();
    }
    batch.Put(by_source_, IndexKey(now.source, now.time, a.id()), "");
    batch.Put(by_lang_, IndexKey(now.lang, now.time, a.id()), "");
    batch.Put(by_time_, TimeKey(now.time, a.id()), "");
    if (!now.url.empty()) batch.Put(by_url_, now.url, a.id());
    batch.Put(by_cluster_, IndexKey(now.cluster, now.time, a.id()), "");
    if (fingerprint != 0) {
      for (int band = 0; band < kFingerprintBands; ++band) {
        batch.Put(by_band_, BandPrefix(band, fingerprint) + a.id(), BandValue(fingerprint, now.cluster));
      }
    }
    batch.Put(seq_, SeqKey(a.sequence()), SeqValue(a.id(), a.version()));
    batch.Put(articles_, a.id(), a.SerializeAsString());
    in_batch[a.id()] = &a;
    results.push_back({a.id(), a.version(), a.sequence(), false});
  }
  if (sequence == last_sequence_.load() && !changed) return results;  // all duplicates: nothing to write

  for (const auto& [key, entry] : tag_counts) {
    batch.Put(meta_, TagCountKey(key), TagCountValue(entry.first, entry.second));
  }
  batch.Put(meta_, kMetaLastSequence, EncodeBE64(sequence));
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync_writes;
  rocksdb::Status s = db_->Write(wo, &batch);
  if (!s.ok()) {
    for (v1::Article& a : articles) a.clear_sequence();
    return FromRocksStatus(s, fmt::format("commit batch of {}", articles.size()));
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

absl::StatusOr<std::vector<std::string>> ArticleStore::LangPrefixes(const std::string& lang) const {
  std::vector<std::string> prefixes;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), by_lang_));
  // One seek per distinct code: jump past every entry of the code just seen.
  for (it->SeekToFirst(); it->Valid();) {
    std::string_view key(it->key().data(), it->key().size());
    std::size_t end = key.find('\0');
    if (end == std::string_view::npos) {
      it->Next();
      continue;
    }
    std::string code(key.substr(0, end));
    if (EqualsIgnoreAsciiCase(code, lang)) prefixes.push_back(IndexPrefix(code));
    it->Seek(code + '\x01');
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "scan languages");
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

absl::StatusOr<std::string> ArticleStore::NearestCluster(uint64_t fingerprint,
                                                         const std::string& id) const {
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
      if (!ParseBandValue(std::string_view(it->value().data(), it->value().size()), &other, &cluster)) continue;
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

absl::StatusOr<std::vector<v1::Article>> ArticleStore::Since(uint64_t after_seq, std::size_t limit,
                                                             bool* more) const {
  std::vector<v1::Article> out;
  *more = false;
  if (after_seq == std::numeric_limits<uint64_t>::max()) return out;  // after_seq + 1 would wrap to 0
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), seq_));
  for (it->Seek(SeqKey(after_seq + 1)); it->Valid(); it->Next()) {
    if (out.size() >= limit) {
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
    if (!ParseTagCountValue(std::string_view(it->value().data(), it->value().size()), &count, &name)) continue;
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

uint64_t ArticleStore::LastSequence() const { return last_sequence_.load(); }
uint64_t ArticleStore::ArticleCount() const { return article_count_.load(); }

}  // namespace newsflow::store

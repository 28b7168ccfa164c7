// Related articles: for one stored article, the articles closest to it by
// text and tags within a time window that are NOT near-duplicates of it,
// and, apart, its near-duplicates (same cluster_id) as other sources of the
// same story.
//
// Computed on read, not at commit. A list stored with the article would be
// stale as soon as a closer article arrives (an article stored today is the
// best match of yesterday's), so every new article would have to rewrite
// the lists of the ones it beats; and a "more like this" query costs about
// a few milliseconds, far more than the store spends committing one article
// (it commits over 5,000 a second). So the store's commit path and its search
// indexer do no extra work: RelatedFinder asks the search index when an
// article is read and keeps the answer in a small cache for a while.
//
// Method: Xapian's relevance feedback. The article's own index document is
// the relevance set; Enquire::get_eset picks its kExpandTerms most telling
// terms (words and stems, weighted by how much more often they occur in it
// than in the index), and the OR of those terms, each scaled by its weight,
// is run with BM25 over the articles in the window, leaving out the article
// and its cluster. The best candidates are scored by their BM25 weight
// relative to the best one plus kTagShare times the share of the article's
// tags they carry, and are checked against the database: still stored,
// and no near-duplicate that SimHash put in another cluster (within
// kMaxClusterDistance bits of the article's fingerprint, or sharing
// kNearDuplicateContainment of its word 4-grams; those are listed as other
// sources). Only terms that another document holds are expanded: the
// expansion weight ranks the rarest first, and a term of the article alone
// matches nothing.
//
// An article the index has not reached yet (the indexer runs behind the
// commits, usually by less than a second) has no related articles until it
// has; its other sources come from the database and are always current.
//
// Thread safety: Find() may run on any number of threads; it opens its own
// read-only view of the index per call.
#ifndef NEWSFLOW_SERVICES_STORE_RELATED_H_
#define NEWSFLOW_SERVICES_STORE_RELATED_H_

#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "newsflow/v1/article.pb.h"
#include "services/store/article_store.h"

namespace newsflow::store {

// Most related articles one request may ask for.
inline constexpr std::size_t kMaxRelated = 50;
// Most near-duplicates listed as other sources (the newest of a larger cluster).
inline constexpr std::size_t kMaxOtherSources = 50;
// Terms of the "more like this" query. Words count about twice (the word
// and its stem). On the BBC News set (tools/eval/related.sh) precision@5
// rose with the terms up to about 150 (40: .85, 80: .88, 150: .91, 300:
// .91) while the time per query doubled.
inline constexpr unsigned kExpandTerms = 150;
// A candidate holding this share of the article's word 4-grams, or the
// article this share of its own, is a copy of the same story: listed as an
// other source, not as related.
inline constexpr double kNearDuplicateContainment = 0.5;
// Weight of the shared tags beside the text score (which is at most 1).
inline constexpr double kTagShare = 0.5;

struct RelatedOptions {
  std::size_t limit = 5;  // related articles when a request names none. Default: 5
  // Related articles lie at most this far before or after the article's
  // time (ArticleStore::SortTime); 0 = any time. Default: 30 days.
  int64_t window_ms = int64_t{30} * 24 * 3600 * 1000;
  // An answer is reused for this long (for the same article version and a
  // limit no larger); 0 = no cache. Default: 60 s.
  int64_t cache_ms = 60000;
  std::size_t cache_entries = 10000;  // cached articles, least recently used dropped. Default: 10000
};

struct RelatedResult {
  std::vector<v1::RelatedArticle> related;  // best first
  // Same cluster, oldest first; then copies found by their text, best first.
  std::vector<v1::RelatedArticle> other_sources;
  bool indexed = false;  // the index holds the article (else `related` is empty)
};

class RelatedFinder {
 public:
  // `store` must outlive the finder; `index_path` is the search index's
  // folder (SearchIndex), which may not exist yet.
  RelatedFinder(const ArticleStore& store, std::string index_path, RelatedOptions options = {});

  const RelatedOptions& options() const { return options_; }

  // Related articles and other sources of `article` (as stored), at most
  // `limit` related (0 = options().limit; more than kMaxRelated is refused
  // with kInvalidArgument). kUnavailable when the index cannot be read;
  // other errors are the database's.
  absl::StatusOr<RelatedResult> Find(const v1::Article& article, std::size_t limit = 0) const;
  // The same for a stored id; kNotFound when there is none.
  absl::StatusOr<RelatedResult> Find(const std::string& id, std::size_t limit = 0) const;

 private:
  struct CacheEntry {
    std::string version;
    std::size_t limit = 0;
    int64_t at_ms = 0;
    uint64_t deletions =
        0;  // ArticleStore::Deletions() when computed: a list naming a deleted article is stale
    RelatedResult result;
    std::list<std::string>::iterator lru;
  };
  absl::StatusOr<RelatedResult> Compute(const v1::Article& article, std::size_t limit, bool* cacheable) const;
  std::vector<v1::RelatedArticle> OtherSources(const v1::Article& article) const;

  const ArticleStore& store_;
  std::string index_path_;
  RelatedOptions options_;
  mutable std::mutex mu_;
  mutable std::unordered_map<std::string, CacheEntry> cache_;  // GUARDED_BY(mu_)
  mutable std::list<std::string> lru_;                         // GUARDED_BY(mu_): most recent first
};

// One entry as JSON: {id, url, title, score, cluster_id, time (RFC 3339),
// time_ms, source_id}.
nlohmann::json RelatedArticleToJson(const v1::RelatedArticle& r);
// {"related": [...], "other_sources": [...]}: the body of
// /v1/articles/<id>/related and of `newsflow related --json`.
nlohmann::json RelatedToJson(const google::protobuf::RepeatedPtrField<v1::RelatedArticle>& related,
                             const google::protobuf::RepeatedPtrField<v1::RelatedArticle>& other_sources);

}  // namespace newsflow::store

#endif  // NEWSFLOW_SERVICES_STORE_RELATED_H_

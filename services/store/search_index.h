// Full-text search over the stored articles, with Xapian.
//
// The search index is derived state. RocksDB (ArticleStore) stays the system
// of record; the index follows its sequence log and records, in the Xapian
// database's metadata, the last sequence number it has indexed. That number
// is committed together with the documents of the same batch, so after a
// crash or a restart the index resumes exactly where its last commit ended
// (a batch is indexed again at worst, which replaces the same documents).
// Rebuild() makes a fresh index from the database alone.
//
// One Xapian document per article id (unique term "Q<id>"); a new version
// replaces it. Terms:
//   - free text: the title (three times, for weight, and again under prefix
//     "S" for `title:`), the body, the extractive summary and the tag names;
//     European languages Xapian has a Snowball stemmer for are indexed with
//     the stems too (STEM_SOME, stems prefixed "Z"), by the article's
//     detected language;
//   - Chinese, Japanese and Korean text as character unigrams and bigrams
//     (FLAG_CJK_NGRAM, on both the indexer and the query parser). Xapian
//     1.4 has no CJK word segmenter (FLAG_CJK_WORDS needs 1.5 with ICU), and
//     n-grams need no dictionary, so a name the dictionary lacks is found
//     too; a query's CJK run becomes a phrase of its n-grams, which keeps
//     precision;
//   - boolean filter terms: "XL" language code (lower case), "XT" tag key
//     (TagKey), "XS" source id, "XC" cluster id.
// Value slot kTimeSlot holds ArticleStore::SortTime, sortable-serialised,
// for time ranges and the newest-first order.
//
// Query syntax (Xapian::QueryParser): words (all must match: the default
// operator is AND, as in web search), AND, OR, NOT, +word, -word,
// "a phrase", parentheses, and the fields title:word, tag:name (any form of
// the tag's name: it is matched by TagKey), lang:zh, source:<id>,
// cluster:<id>. Operators are recognised in capitals only, as in web
// search: a pasted headline saying "not" or "or" stays a list of words.
//
// Snippets are HTML: Xapian escapes <, > and & of the article text and the
// matched words are wrapped in <mark>...</mark>.
//
// Thread safety: SearchIndex (the writer) is used by one thread at a time;
// Search() opens its own read-only view per call and may run on any number
// of threads beside the writer, from this or another process. A reader sees
// the last committed batch.
#ifndef NEWSFLOW_SERVICES_STORE_SEARCH_INDEX_H_
#define NEWSFLOW_SERVICES_STORE_SEARCH_INDEX_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "newsflow/v1/article.pb.h"
#include "services/store/article_store.h"

namespace Xapian {
class WritableDatabase;
}

namespace newsflow::store {

// Bounds on one search request (longer queries and larger pages are refused
// with kInvalidArgument, not trimmed, so a client learns the limit).
inline constexpr std::size_t kMaxSearchQueryBytes = 1024;
inline constexpr std::size_t kMaxSearchPageSize = 100;
// Articles indexed per Xapian commit by CatchUp().
inline constexpr std::size_t kSearchIndexBatch = 500;

// The index's layout, for readers beside Search() (services/store/related.h).
// Value slot of ArticleStore::SortTime (a Xapian::valueno), sortable-serialised.
inline constexpr unsigned kSearchTimeSlot = 0;
// Metadata key of the last sequence number indexed and committed.
inline constexpr char kSearchMetaLastSequence[] = "newsflow.last_sequence";
// A boolean term: `prefix` ("Q" id, "XC" cluster, "XT" tag key, ...) and
// `value`, cut to Xapian's term length limit as the indexer cuts it.
std::string SearchBooleanTerm(std::string_view prefix, std::string_view value);

enum class SearchOrder {
  kRelevance,  // BM25 score, best first
  kNewest,     // ArticleStore::SortTime, newest first
};

struct SearchRequest {
  std::string query;  // QueryParser syntax (above); may be empty when a filter is given
  // Filters, each exact ("" = none). lang is matched ignoring ASCII case,
  // tag by TagKey.
  std::string lang;
  std::string tag;
  std::string source;
  std::string cluster;
  int64_t since_ms = 0;  // keep SortTime >= since_ms (0 = unbounded)
  int64_t until_ms = 0;  // keep SortTime < until_ms (0 = unbounded)
  std::size_t limit = 20;
  // A previous answer's next_cursor (same query, filters and order).
  std::string cursor;
  SearchOrder order = SearchOrder::kRelevance;
};

struct SearchHit {
  std::string id;
  std::string title;
  std::string url;
  std::string lang;
  int64_t time_ms = 0;  // ArticleStore::SortTime
  double score = 0;     // BM25 weight (0 in kNewest order)
  std::string snippet;  // HTML, matches in <mark>; "" when nothing of the text matched
};

struct SearchResult {
  std::vector<SearchHit> hits;
  uint64_t estimated_matches = 0;  // Xapian's estimate of all matches
  // Set when more hits may follow. Pages never repeat or skip a hit because
  // articles were added meanwhile: in kNewest order the cursor holds the
  // last hit's (time, document number) and the next page starts strictly
  // after it; in kRelevance order it holds the page offset and the highest
  // document number of the first page, and later pages leave out documents
  // added after it. New articles change BM25's collection statistics a
  // little, so two near-equal scores may still swap across a page boundary
  // in relevance order; kNewest is exact.
  std::string next_cursor;
};

class SearchIndex {
 public:
  // Opens or creates the index at `path` for writing (one writer per
  // path: kUnavailable when another holds it). An index written with
  // another schema is emptied, to be filled again by CatchUp().
  static absl::StatusOr<std::unique_ptr<SearchIndex>> Open(const std::string& path);
  ~SearchIndex();

  // The last sequence number whose article is indexed and committed.
  uint64_t LastSequence() const { return last_sequence_; }
  uint64_t DocumentCount() const;

  // Adds or replaces `articles` and records `last_sequence`, in one commit.
  absl::Status Index(const std::vector<v1::Article>& articles, uint64_t last_sequence);

  // Indexes one batch of what `store` committed after LastSequence() (at
  // most `batch` articles). Returns how many were indexed; `*more` says
  // whether the log goes on.
  absl::StatusOr<std::size_t> CatchUp(const ArticleStore& store, std::size_t batch, bool* more);

  // Replaces the index at `path` with one built from `store` alone: built
  // in a folder beside it, then swapped in. No writer may hold `path`.
  // Returns the number of articles indexed.
  static absl::StatusOr<uint64_t> Rebuild(const ArticleStore& store, const std::string& path);

 private:
  SearchIndex() = default;

  std::string path_;
  std::unique_ptr<Xapian::WritableDatabase> db_;
  uint64_t last_sequence_ = 0;
};

// Runs `request` on the index at `path` (read-only). kInvalidArgument for a
// bad query (the parser's message), a bad cursor or out-of-bounds limits;
// kUnavailable when there is no index at `path` yet.
absl::StatusOr<SearchResult> Search(const std::string& path, const SearchRequest& request);

// {"hits": [{id, title, url, lang, time (RFC 3339), time_ms, score,
// snippet}], "estimated_matches", "more", "next_cursor" (when more)}: the
// body of /v1/search and of `newsflow search --json`.
nlohmann::json SearchResultToJson(const SearchResult& result);

}  // namespace newsflow::store

#endif  // NEWSFLOW_SERVICES_STORE_SEARCH_INDEX_H_

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
// replaces it, and a tombstone in the log (an article deleted by retention,
// ArticleStore::ApplyRetention) deletes it. Terms:
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
// Commits: a Xapian commit syncs the database's files and costs far more
// than indexing a few articles, so the writer adds documents as they come
// (CatchUp) and commits them in large groups (Commit): the store's indexer
// commits every kSearchCommitDocuments documents or kSearchCommitInterval,
// whichever comes first. The last indexed sequence is set in the same
// commit, so a crash loses only uncommitted work, which the next start
// indexes again from the sequence log.
//
// Thread safety: SearchIndex (the writer) is used by one thread at a time.
// Readers see the last commit: Search() opens its own read-only view per
// call (for one-off use, e.g. the CLI in another process); a SearchReader
// keeps open views for a server's many queries. Both run on any number of
// threads beside the writer.
#ifndef NEWSFLOW_SERVICES_STORE_SEARCH_INDEX_H_
#define NEWSFLOW_SERVICES_STORE_SEARCH_INDEX_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "newsflow/v1/article.pb.h"
#include "services/store/article_store.h"

namespace Xapian {
class Database;
class Stem;
class TermGenerator;
class WritableDatabase;
}  // namespace Xapian

namespace newsflow::store {

// Bounds on one search request (longer queries and larger pages are refused
// with kInvalidArgument, not trimmed, so a client learns the limit).
inline constexpr std::size_t kMaxSearchQueryBytes = 1024;
inline constexpr std::size_t kMaxSearchPageSize = 100;
// Articles read from the sequence log per CatchUp() call.
inline constexpr std::size_t kSearchIndexBatch = 500;
// A commit is due after this many added documents or this long after the
// first uncommitted one, whichever comes first. The count bounds the work
// a crash throws away and the writer's memory (larger groups measured
// slower on newsflow_search_bench: Xapian's in-memory postings grow); the
// interval bounds how late a new article shows in searches.
inline constexpr std::size_t kSearchCommitDocuments = 1000;
inline constexpr std::chrono::milliseconds kSearchCommitInterval(1000);

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
  // The last sequence number added, committed or not (>= LastSequence()).
  uint64_t PendingSequence() const { return pending_sequence_; }
  // Documents added since the last commit.
  std::size_t PendingDocuments() const { return pending_documents_; }
  // Whether anything (documents or a sequence advance) awaits Commit().
  bool HasPending() const { return pending_sequence_ != last_sequence_; }
  uint64_t DocumentCount() const;

  // Adds or replaces `articles` and records `last_sequence`, in one commit
  // (with whatever was added before).
  absl::Status Index(const std::vector<v1::Article>& articles, uint64_t last_sequence);

  // Adds one batch of what `store` committed after PendingSequence() (at
  // most `batch` articles and deletions), without committing. Returns how
  // many were added or deleted; `*more` says whether the log goes on. On an error nothing of
  // the batch counts as added: the next call reads it again (replacing
  // whatever of it Xapian holds).
  absl::StatusOr<std::size_t> CatchUp(const ArticleStore& store, std::size_t batch, bool* more);

  // Commits the added documents with PendingSequence() as the last indexed
  // sequence. A no-op when nothing is pending.
  absl::Status Commit();

  // Adds everything `store` committed after PendingSequence() and commits,
  // every kSearchCommitDocuments documents and at the end. Returns the
  // number of articles indexed. For offline use (the CLI, Rebuild).
  absl::StatusOr<uint64_t> CatchUpAll(const ArticleStore& store);

  // Replaces the index at `path` with one built from `store` alone: built
  // in a folder beside it, then swapped in. No writer may hold `path`.
  // Returns the number of articles indexed.
  static absl::StatusOr<uint64_t> Rebuild(const ArticleStore& store, const std::string& path);

 private:
  SearchIndex();
  // Adds or replaces `articles`, deletes the documents of `deleted` ids and
  // moves PendingSequence() to `last_sequence`, without committing.
  absl::Status Add(const std::vector<v1::Article>& articles, uint64_t last_sequence,
                   const std::vector<std::string>& deleted = {});
  // The Snowball stemmer of a language code, made once per code.
  const Xapian::Stem& StemmerFor(const std::string& lang);

  std::string path_;
  std::unique_ptr<Xapian::WritableDatabase> db_;
  // Reused for every document: making one (and a stemmer) per article
  // costs more than indexing a short one.
  std::unique_ptr<Xapian::TermGenerator> terms_;
  std::map<std::string, std::unique_ptr<Xapian::Stem>> stemmers_;
  uint64_t last_sequence_ = 0;
  uint64_t pending_sequence_ = 0;
  std::size_t pending_documents_ = 0;
};

// Searches the index at `path` for a server: it keeps read-only Database
// objects open between queries (opening one reads the database's headers
// and costs more than a typical query) and reopen()s one to the writer's
// latest commit before each use, which costs a read of the version file.
// A Xapian Database must not be used by two threads at once, so each query
// takes one from a pool (a new one when all are busy) and returns it.
//
// Thread safety: Search() from any number of threads.
class SearchReader {
 public:
  explicit SearchReader(std::string path);
  ~SearchReader();

  // As the free Search() below.
  absl::StatusOr<SearchResult> Search(const SearchRequest& request);

 private:
  std::string path_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Xapian::Database>> idle_;  // GUARDED_BY(mu_)
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

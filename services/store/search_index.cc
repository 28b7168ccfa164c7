#include "services/store/search_index.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <limits>
#include <optional>

#include <fmt/format.h>
#include <xapian.h>
#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "common/util/text.h"
#include "common/util/time.h"

namespace newsflow::store {
namespace {

namespace fs = std::filesystem;

// Bumped whenever the terms or the document data change: an index of
// another schema is emptied and filled again from the store.
constexpr std::string_view kSchema = "1";
constexpr char kMetaSchema[] = "newsflow.schema";
constexpr const char* kMetaLastSequence = kSearchMetaLastSequence;
constexpr Xapian::valueno kTimeSlot = kSearchTimeSlot;
// The snippet is cut from this much of the body, kept in the document's
// data (the index answers without reading RocksDB, so a search also runs
// from another process while the store holds its database).
constexpr std::size_t kMaxSnippetSourceBytes = 16 << 10;
constexpr Xapian::termcount kSnippetBytes = 240;
// Xapian refuses terms longer than 245 bytes.
constexpr std::size_t kMaxBooleanTermBytes = 240;
constexpr Xapian::termcount kTitleWeight = 3;

// Cuts `s` to at most `n` bytes without splitting a UTF-8 sequence.
std::string_view CutUtf8(std::string_view s, std::size_t n) {
  if (s.size() <= n) return s;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

std::string BooleanTerm(std::string_view prefix, std::string_view value) {
  return std::string(prefix) + std::string(CutUtf8(value, kMaxBooleanTermBytes));
}

// Xapian's Snowball stemmer for a language code, or none (Chinese, "und").
Xapian::Stem MakeStemmer(const std::string& lang) {
  if (lang.empty() || lang == "und" || lang == "none") return Xapian::Stem();
  try {
    return Xapian::Stem(lang);
  } catch (const Xapian::InvalidArgumentError&) {
    return Xapian::Stem();
  }
}

std::string LangOf(const v1::Article& a) { return absl::AsciiStrToLower(a.enrichment().language()); }

// `terms` is set to the article's stemmer, `stemmer`.
Xapian::Document MakeDocument(const v1::Article& a, const std::string& lang, const Xapian::Stem& stemmer,
                              Xapian::TermGenerator& terms) {
  Xapian::Document doc;
  terms.set_document(doc);
  terms.set_stemmer(stemmer);
  // Positions jump between fields so that no phrase spans two of them.
  terms.index_text(a.title(), kTitleWeight);
  terms.increase_termpos();
  terms.index_text(a.title(), 1, "S");
  terms.increase_termpos();
  terms.index_text(a.text());
  for (const std::string& sentence : a.enrichment().summary()) {
    terms.increase_termpos();
    terms.index_text(sentence);
  }
  for (const v1::Tag& tag : a.enrichment().tags()) {
    terms.increase_termpos();
    terms.index_text(tag.name());
    doc.add_boolean_term(BooleanTerm("XT", tag.key().empty() ? TagKey(tag.name()) : tag.key()));
  }
  doc.add_boolean_term(BooleanTerm("Q", a.id()));
  if (!lang.empty()) doc.add_boolean_term(BooleanTerm("XL", lang));
  if (!a.source().id().empty()) doc.add_boolean_term(BooleanTerm("XS", a.source().id()));
  if (!a.cluster_id().empty()) doc.add_boolean_term(BooleanTerm("XC", a.cluster_id()));
  doc.add_value(kTimeSlot, Xapian::sortable_serialise(static_cast<double>(ArticleStore::SortTime(a))));

  std::string snippet_source;
  if (!a.text().empty()) {
    snippet_source = CutUtf8(a.text(), kMaxSnippetSourceBytes);
  } else {
    for (const std::string& sentence : a.enrichment().summary()) {
      if (!snippet_source.empty()) snippet_source += ' ';
      snippet_source += sentence;
    }
    snippet_source = std::string(CutUtf8(snippet_source, kMaxSnippetSourceBytes));
  }
  nlohmann::json data = {{"id", a.id()},
                         {"title", a.title()},
                         {"url", a.url().empty() ? a.canonical_url() : a.url()},
                         {"lang", lang},
                         {"time", ArticleStore::SortTime(a)},
                         {"text", snippet_source}};
  doc.set_data(data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  return doc;
}

absl::Status XapianError(const Xapian::Error& e, std::string_view context) {
  std::string message = fmt::format("search index {}: {}: {}", context, e.get_type(), e.get_msg());
  // Xapian's exceptions are not polymorphic: their class is in get_type().
  const std::string type = e.get_type();
  if (type == "DatabaseLockError" || type == "DatabaseOpeningError" || type == "DatabaseNotFoundError" ||
      type == "DatabaseVersionError") {
    return absl::UnavailableError(message);
  }
  if (type == "DatabaseCorruptError") return absl::DataLossError(message);
  return absl::InternalError(message);
}

bool ParseU64(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// tag:<name> -> the XT term of TagKey(name), so any spelling of a tag finds it.
class TagField : public Xapian::FieldProcessor {
 public:
  Xapian::Query operator()(const std::string& value) override {
    return Xapian::Query(BooleanTerm("XT", TagKey(value)));
  }
};

// lang:<code>, ignoring ASCII case.
class LangField : public Xapian::FieldProcessor {
 public:
  Xapian::Query operator()(const std::string& value) override {
    return Xapian::Query(BooleanTerm("XL", absl::AsciiStrToLower(value)));
  }
};

// Where a page starts (SearchRequest::cursor, SearchResult::next_cursor):
//   "r.<max docid>.<offset>"   relevance order
//   "n.<time ms>.<docid>"      newest first: strictly after this hit
struct Cursor {
  bool newest = false;
  uint64_t a = 0;  // relevance: highest docid of the first page; newest: time (as int64 bits)
  uint64_t b = 0;  // relevance: offset; newest: docid
  int64_t time() const { return static_cast<int64_t>(a); }
};

bool ParseCursor(std::string_view s, SearchOrder order, Cursor* out) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    std::size_t dot = s.find('.', start);
    parts.push_back(s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (parts.size() != 3) return false;
  if (parts[0] == "r") {
    out->newest = false;
  } else if (parts[0] == "n") {
    out->newest = true;
  } else {
    return false;
  }
  if (out->newest != (order == SearchOrder::kNewest)) return false;
  int64_t time = 0;
  if (out->newest) {
    auto [ptr, ec] = std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), time);
    if (ec != std::errc() || ptr != parts[1].data() + parts[1].size()) return false;
    out->a = static_cast<uint64_t>(time);
  } else if (!ParseU64(parts[1], &out->a)) {
    return false;
  }
  if (!ParseU64(parts[2], &out->b)) return false;
  if (out->b > std::numeric_limits<Xapian::docid>::max()) return false;
  return !out->newest || out->b > 0;
}

// Keeps the documents a cursor's page may hold (see SearchResult::next_cursor).
class CursorDecider : public Xapian::MatchDecider {
 public:
  explicit CursorDecider(const Cursor& c)
      : cursor_(c), time_(Xapian::sortable_serialise(static_cast<double>(c.time()))) {}
  bool operator()(const Xapian::Document& doc) const override {
    if (!cursor_.newest) return doc.get_docid() <= cursor_.a;
    const std::string t = doc.get_value(kTimeSlot);
    return t < time_ || (t == time_ && doc.get_docid() > cursor_.b);
  }

 private:
  Cursor cursor_;
  std::string time_;
};

Xapian::QueryParser MakeParser(const Xapian::Database& db, const Xapian::Stem& stemmer) {
  Xapian::QueryParser qp;
  qp.set_database(db);
  qp.set_stemmer(stemmer);
  qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  qp.set_default_op(Xapian::Query::OP_AND);
  qp.add_prefix("title", "S");
  qp.add_boolean_prefix("tag", (new TagField)->release());
  qp.add_boolean_prefix("lang", (new LangField)->release());
  qp.add_boolean_prefix("source", "XS");
  qp.add_boolean_prefix("cluster", "XC");
  return qp;
}

constexpr unsigned kParserFlags = Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN |
                                  Xapian::QueryParser::FLAG_LOVEHATE | Xapian::QueryParser::FLAG_PURE_NOT |
                                  Xapian::QueryParser::FLAG_CJK_NGRAM;

// The request's filters, AND-ed; MatchAll when none.
Xapian::Query FilterQuery(const SearchRequest& r) {
  std::vector<Xapian::Query> parts;
  if (!r.lang.empty()) parts.emplace_back(BooleanTerm("XL", absl::AsciiStrToLower(r.lang)));
  if (!r.tag.empty()) parts.emplace_back(BooleanTerm("XT", TagKey(r.tag)));
  if (!r.source.empty()) parts.emplace_back(BooleanTerm("XS", r.source));
  if (!r.cluster.empty()) parts.emplace_back(BooleanTerm("XC", r.cluster));
  if (r.since_ms > 0) {
    parts.emplace_back(Xapian::Query::OP_VALUE_GE, kTimeSlot,
                       Xapian::sortable_serialise(static_cast<double>(r.since_ms)));
  }
  if (r.until_ms > 0) {
    parts.emplace_back(Xapian::Query::OP_VALUE_LE, kTimeSlot,
                       Xapian::sortable_serialise(static_cast<double>(r.until_ms - 1)));
  }
  if (parts.empty()) return Xapian::Query::MatchAll;
  return Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end());
}

absl::StatusOr<SearchResult> RunSearch(const Xapian::Database& db, const SearchRequest& r,
                                       const std::optional<Cursor>& cursor) {
  const Xapian::Stem stemmer = MakeStemmer(r.lang.empty() ? "en" : absl::AsciiStrToLower(r.lang));
  Xapian::Query query = Xapian::Query::MatchAll;
  if (!r.query.empty()) {
    Xapian::QueryParser qp = MakeParser(db, stemmer);
    try {
      query = qp.parse_query(r.query, kParserFlags);
    } catch (const Xapian::QueryParserError& e) {
      return absl::InvalidArgumentError(fmt::format("query: {}", e.get_msg()));
    }
  }
  Xapian::Query filter = FilterQuery(r);
  if (!(filter.get_type() == Xapian::Query::LEAF_MATCH_ALL)) {
    query = Xapian::Query(Xapian::Query::OP_FILTER, query, filter);
  }
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  const bool newest = r.order == SearchOrder::kNewest;
  if (newest) enquire.set_sort_by_value(kTimeSlot, /*reverse=*/true);  // ties: docid ascending
  Xapian::doccount offset = 0;
  uint64_t max_docid = db.get_lastdocid();
  std::unique_ptr<CursorDecider> decider;
  if (cursor) {
    decider = std::make_unique<CursorDecider>(*cursor);
    if (!cursor->newest) {
      offset = static_cast<Xapian::doccount>(cursor->b);
      max_docid = cursor->a;
    }
  }
  const auto limit = static_cast<Xapian::doccount>(r.limit);
  Xapian::MSet mset = enquire.get_mset(offset, limit + 1, limit + 1, nullptr, decider.get());

  SearchResult result;
  result.estimated_matches = mset.get_matches_estimated();
  Xapian::docid last_docid = 0;
  int64_t last_time = 0;
  for (Xapian::MSetIterator it = mset.begin(); it != mset.end() && result.hits.size() < r.limit; ++it) {
    const nlohmann::json data = nlohmann::json::parse(it.get_document().get_data(), nullptr, false);
    if (!data.is_object()) return absl::DataLossError("search index: a document's data is not JSON");
    SearchHit hit;
    hit.id = data.value("id", "");
    hit.title = data.value("title", "");
    hit.url = data.value("url", "");
    hit.lang = data.value("lang", "");
    hit.time_ms = data.value("time", int64_t{0});
    hit.score = newest ? 0.0 : it.get_weight();
    hit.snippet = mset.snippet(data.value("text", ""), kSnippetBytes, stemmer,
                               Xapian::MSet::SNIPPET_BACKGROUND_MODEL | Xapian::MSet::SNIPPET_EXHAUSTIVE |
                                   Xapian::MSet::SNIPPET_CJK_NGRAM,
                               "<mark>", "</mark>", "…");
    // CJK n-grams are highlighted one character at a time: join the runs.
    for (std::size_t at; (at = hit.snippet.find("</mark><mark>")) != std::string::npos;) {
      hit.snippet.erase(at, 13);
    }
    last_docid = *it;
    last_time = hit.time_ms;
    result.hits.push_back(std::move(hit));
  }
  if (mset.size() > r.limit) {
    result.next_cursor = newest ? fmt::format("n.{}.{}", last_time, last_docid)
                                : fmt::format("r.{}.{}", max_docid, offset + r.limit);
  }
  return result;
}

}  // namespace

SearchIndex::SearchIndex() : terms_(std::make_unique<Xapian::TermGenerator>()) {
  terms_->set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
  terms_->set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
}

std::string SearchBooleanTerm(std::string_view prefix, std::string_view value) {
  return BooleanTerm(prefix, value);
}

SearchIndex::~SearchIndex() = default;

const Xapian::Stem& SearchIndex::StemmerFor(const std::string& lang) {
  auto it = stemmers_.find(lang);
  if (it == stemmers_.end()) {
    it = stemmers_.emplace(lang, std::make_unique<Xapian::Stem>(MakeStemmer(lang))).first;
  }
  return *it->second;
}

absl::StatusOr<std::unique_ptr<SearchIndex>> SearchIndex::Open(const std::string& path) {
  std::unique_ptr<SearchIndex> index(new SearchIndex());
  index->path_ = path;
  try {
    index->db_ = std::make_unique<Xapian::WritableDatabase>(path, Xapian::DB_CREATE_OR_OPEN);
    const std::string schema = index->db_->get_metadata(kMetaSchema);
    if (schema != kSchema && (!schema.empty() || index->db_->get_doccount() > 0)) {
      // Another schema: start empty, CatchUp() fills it from the store.
      index->db_.reset();
      index->db_ = std::make_unique<Xapian::WritableDatabase>(path, Xapian::DB_CREATE_OR_OVERWRITE);
    }
    if (schema != kSchema) {
      index->db_->set_metadata(kMetaSchema, std::string(kSchema));
      index->db_->commit();
    }
    const std::string last = index->db_->get_metadata(kMetaLastSequence);
    if (!last.empty() && !ParseU64(last, &index->last_sequence_)) {
      return absl::DataLossError(fmt::format("search index {}: last sequence \"{}\" malformed", path, last));
    }
    index->pending_sequence_ = index->last_sequence_;
  } catch (const Xapian::Error& e) {
    return XapianError(e, "open " + path);
  }
  return index;
}

uint64_t SearchIndex::DocumentCount() const { return db_->get_doccount(); }

absl::Status SearchIndex::Add(const std::vector<v1::Article>& articles, uint64_t last_sequence,
                              const std::vector<std::string>& deleted) {
  try {
    for (const v1::Article& a : articles) {
      const std::string lang = LangOf(a);
      db_->replace_document(BooleanTerm("Q", a.id()), MakeDocument(a, lang, StemmerFor(lang), *terms_));
    }
    for (const std::string& id : deleted) db_->delete_document(BooleanTerm("Q", id));
  } catch (const Xapian::Error& e) {
    // pending_sequence_ stays, so the batch is read again and replaces
    // whatever of it Xapian holds.
    return XapianError(e, "index");
  }
  pending_documents_ += articles.size() + deleted.size();
  pending_sequence_ = std::max(pending_sequence_, last_sequence);
  return absl::OkStatus();
}

absl::Status SearchIndex::Index(const std::vector<v1::Article>& articles, uint64_t last_sequence) {
  if (absl::Status s = Add(articles, last_sequence); !s.ok()) return s;
  return Commit();
}

absl::Status SearchIndex::Commit() {
  if (!HasPending()) return absl::OkStatus();
  try {
    db_->set_metadata(kMetaLastSequence, std::to_string(pending_sequence_));
    db_->commit();
  } catch (const Xapian::Error& e) {
    // last_sequence_ stays: after a restart the uncommitted documents are
    // indexed again; meanwhile the next Commit() tries again with them.
    return XapianError(e, "commit");
  }
  last_sequence_ = pending_sequence_;
  pending_documents_ = 0;
  return absl::OkStatus();
}

absl::StatusOr<std::size_t> SearchIndex::CatchUp(const ArticleStore& store, std::size_t batch, bool* more) {
  // Read before the scan: every entry up to `head` is then in the log the
  // scan reads, so a scan that reaches the end covers all of it.
  const uint64_t head = store.LastSequence();
  std::vector<std::pair<uint64_t, std::string>> tombstones;
  auto articles = store.Since(pending_sequence_, batch, more, &tombstones);
  if (!articles.ok()) return articles.status();
  uint64_t last = pending_sequence_;
  for (const v1::Article& a : *articles) last = std::max(last, a.sequence());
  // Deleted articles (retention) leave the index through their tombstones.
  std::vector<std::string> deleted;
  deleted.reserve(tombstones.size());
  for (auto& [sequence, id] : tombstones) {
    last = std::max(last, sequence);
    deleted.push_back(std::move(id));
  }
  // Entries of versions replaced since were skipped by Since(); past the
  // last returned article they are covered only when the scan ended.
  if (!*more) last = std::max(last, head);
  if (absl::Status s = Add(*articles, last, deleted); !s.ok()) return s;
  return articles->size() + deleted.size();
}

absl::StatusOr<uint64_t> SearchIndex::CatchUpAll(const ArticleStore& store) {
  uint64_t count = 0;
  bool more = true;
  while (more) {
    auto n = CatchUp(store, kSearchIndexBatch, &more);
    if (!n.ok()) return n.status();
    count += *n;
    if (pending_documents_ >= kSearchCommitDocuments || !more) {
      if (absl::Status s = Commit(); !s.ok()) return s;
    }
  }
  return count;
}

absl::StatusOr<uint64_t> SearchIndex::Rebuild(const ArticleStore& store, const std::string& path) {
  const std::string fresh = path + ".rebuild";
  const std::string old = path + ".old";
  std::error_code ec;
  fs::remove_all(fresh, ec);
  fs::remove_all(old, ec);
  uint64_t count = 0;
  {
    auto index = Open(fresh);
    if (!index.ok()) return index.status();
    auto n = (*index)->CatchUpAll(store);
    if (!n.ok()) return n.status();
    count = *n;
  }
  if (fs::exists(path)) fs::rename(path, old, ec);
  if (ec)
    return absl::UnavailableError(fmt::format("search index: cannot move {} aside: {}", path, ec.message()));
  fs::rename(fresh, path, ec);
  if (ec)
    return absl::UnavailableError(
        fmt::format("search index: cannot move {} to {}: {}", fresh, path, ec.message()));
  fs::remove_all(old, ec);
  return count;
}

namespace {

// Checks the bounds of `request` and parses its cursor.
absl::Status CheckRequest(const SearchRequest& request, std::optional<Cursor>* cursor) {
  if (request.query.size() > kMaxSearchQueryBytes) {
    return absl::InvalidArgumentError(fmt::format("query longer than {} bytes", kMaxSearchQueryBytes));
  }
  if (request.limit == 0 || request.limit > kMaxSearchPageSize) {
    return absl::InvalidArgumentError(fmt::format("limit must be from 1 to {}", kMaxSearchPageSize));
  }
  if (request.since_ms < 0 || request.until_ms < 0) {
    return absl::InvalidArgumentError("since and until must not be negative");
  }
  if (!request.cursor.empty()) {
    Cursor c;
    if (!ParseCursor(request.cursor, request.order, &c)) {
      return absl::InvalidArgumentError(
          "cursor must be a next_cursor of an earlier answer in the same order");
    }
    *cursor = c;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SearchResult> Search(const std::string& path, const SearchRequest& request) {
  std::optional<Cursor> cursor;
  if (absl::Status s = CheckRequest(request, &cursor); !s.ok()) return s;
  // A commit between opening and reading makes Xapian throw
  // DatabaseModifiedError; the next attempt sees the new revision.
  for (int attempt = 0;; ++attempt) {
    try {
      Xapian::Database db(path);
      return RunSearch(db, request, cursor);
    } catch (const Xapian::DatabaseModifiedError& e) {
      if (attempt >= 2) return XapianError(e, "search");
    } catch (const Xapian::Error& e) {
      return XapianError(e, "search " + path);
    }
  }
}

SearchReader::SearchReader(std::string path) : path_(std::move(path)) {}
SearchReader::~SearchReader() = default;

absl::StatusOr<SearchResult> SearchReader::Search(const SearchRequest& request) {
  std::optional<Cursor> cursor;
  if (absl::Status s = CheckRequest(request, &cursor); !s.ok()) return s;
  std::unique_ptr<Xapian::Database> db;
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      db = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  absl::StatusOr<SearchResult> result;
  for (int attempt = 0;; ++attempt) {
    try {
      if (db) {
        db->reopen();  // to the latest commit; cheap when there is none
      } else {
        db = std::make_unique<Xapian::Database>(path_);
      }
      result = RunSearch(*db, request, cursor);
      break;
    } catch (const Xapian::DatabaseModifiedError& e) {
      // The revision it read was overwritten: reopen() moves to the latest.
      if (attempt >= 2) {
        result = XapianError(e, "search");
        break;
      }
    } catch (const Xapian::Error& e) {
      // Opening failed (no index yet) or the view is broken: not kept.
      db.reset();
      result = XapianError(e, "search " + path_);
      break;
    }
  }
  if (db) {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(db));
  }
  return result;
}

nlohmann::json SearchResultToJson(const SearchResult& result) {
  nlohmann::json hits = nlohmann::json::array();
  for (const SearchHit& h : result.hits) {
    hits.push_back({{"id", h.id},
                    {"title", h.title},
                    {"url", h.url},
                    {"lang", h.lang},
                    {"time", FormatRfc3339Utc(h.time_ms)},
                    {"time_ms", h.time_ms},
                    {"score", h.score},
                    {"snippet", h.snippet}});
  }
  nlohmann::json body = {
      {"hits", hits}, {"estimated_matches", result.estimated_matches}, {"more", !result.next_cursor.empty()}};
  if (!result.next_cursor.empty()) body["next_cursor"] = result.next_cursor;
  return body;
}

}  // namespace newsflow::store

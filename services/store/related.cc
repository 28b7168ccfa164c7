#include "services/store/related.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <optional>
#include <set>
#include <unordered_set>

#include <fmt/format.h>
#include <xapian.h>

#include "common/util/text.h"
#include "common/util/time.h"
#include "services/store/search_index.h"

namespace newsflow::store {
namespace {

constexpr std::size_t kShingleWords = 4;

// Hashes of the word 4-grams of `text`: words are runs of ASCII letters and
// digits (lower-cased), and every other non-ASCII character is a word of its
// own, so Chinese text is shingled by characters.
std::unordered_set<uint64_t> Shingles(std::string_view text) {
  std::vector<std::string_view> words;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
      words.push_back(text.substr(i, n));
      i += n;
    } else if (std::isalnum(c)) {
      std::size_t j = i;
      while (j < text.size() && static_cast<unsigned char>(text[j]) < 0x80 &&
             std::isalnum(static_cast<unsigned char>(text[j]))) {
        ++j;
      }
      words.push_back(text.substr(i, j - i));
      i = j;
    } else {
      ++i;
    }
  }
  std::unordered_set<uint64_t> shingles;
  std::string gram;
  for (std::size_t i = 0; i + kShingleWords <= words.size(); ++i) {
    gram.clear();
    for (std::size_t k = 0; k < kShingleWords; ++k) {
      for (char ch : words[i + k]) gram += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      gram += ' ';
    }
    shingles.insert(std::hash<std::string>{}(gram));
  }
  return shingles;
}

// |a ∩ b| / min(|a|, |b|): near 1 when one text holds the other, as a
// shorter copy of a story holds most of its shingles in the longer one.
double Containment(const std::unordered_set<uint64_t>& a, const std::unordered_set<uint64_t>& b) {
  if (a.empty() || b.empty()) return 0;
  const auto& small = a.size() <= b.size() ? a : b;
  const auto& large = a.size() <= b.size() ? b : a;
  std::size_t shared = 0;
  for (uint64_t h : small) shared += large.contains(h);
  return static_cast<double>(shared) / static_cast<double>(small.size());
}

// Candidates read from the index per related article asked for: enough to
// rerank by tags and to replace those the database check drops.
constexpr Xapian::doccount kCandidatesPer = 4;
constexpr Xapian::doccount kMinCandidates = 20;

// Words, stems ("Z") and CJK n-grams: terms without an upper-case prefix,
// or stems. Boolean terms (id, language, source, cluster, tag keys) and the
// title field's copies ("S") would only repeat or filter. A term no other
// document holds matches nothing, yet the expansion weight ranks such terms
// first (the rarer the better): they are left out.
class TextTerms : public Xapian::ExpandDecider {
 public:
  explicit TextTerms(const Xapian::Database& db) : db_(db) {}
  bool operator()(const std::string& term) const override {
    if (term.empty()) return false;
    const char c = term[0];
    if (c >= 'A' && c <= 'Z' && (c != 'Z' || term.size() == 1)) return false;
    return db_.get_termfreq(term) >= 2;
  }

 private:
  const Xapian::Database& db_;
};

std::string TagKeyOf(const v1::Tag& t) { return t.key().empty() ? TagKey(t.name()) : t.key(); }

int Distance(uint64_t a, uint64_t b) { return std::popcount(a ^ b); }

v1::RelatedArticle Entry(const v1::Article& a, double score) {
  v1::RelatedArticle r;
  r.set_id(a.id());
  r.set_url(a.url().empty() ? a.canonical_url() : a.url());
  r.set_title(a.title());
  r.set_score(score);
  r.set_cluster_id(a.cluster_id());
  r.set_time_ms(ArticleStore::SortTime(a));
  r.set_source_id(a.source().id());
  return r;
}

absl::Status IndexError(const Xapian::Error& e, const std::string& path) {
  const std::string message =
      fmt::format("related: search index {}: {}: {}", path, e.get_type(), e.get_msg());
  const std::string type = e.get_type();
  if (type == "DatabaseOpeningError" || type == "DatabaseNotFoundError" || type == "DatabaseVersionError" ||
      type == "DatabaseModifiedError") {
    return absl::UnavailableError(message);
  }
  if (type == "DatabaseCorruptError") return absl::DataLossError(message);
  return absl::InternalError(message);
}

struct Candidate {
  std::string id;
  double score = 0;
};

}  // namespace

RelatedFinder::RelatedFinder(const ArticleStore& store, std::string index_path, RelatedOptions options)
    : store_(store), index_path_(std::move(index_path)), options_(options) {}

absl::StatusOr<RelatedResult> RelatedFinder::Find(const std::string& id, std::size_t limit) const {
  auto article = store_.Get(id);
  if (!article.ok()) return article.status();
  return Find(*article, limit);
}

absl::StatusOr<RelatedResult> RelatedFinder::Find(const v1::Article& article, std::size_t limit) const {
  if (limit == 0) limit = std::min(options_.limit, kMaxRelated);
  if (limit > kMaxRelated) {
    return absl::InvalidArgumentError(fmt::format("limit must be from 1 to {}", kMaxRelated));
  }
  const int64_t now = NowMs();
  if (options_.cache_ms > 0) {
    std::lock_guard lock(mu_);
    auto it = cache_.find(article.id());
    if (it != cache_.end()) {
      CacheEntry& e = it->second;
      if (e.version == article.version() && e.limit >= limit && now - e.at_ms < options_.cache_ms &&
          e.deletions == store_.Deletions()) {
        lru_.splice(lru_.begin(), lru_, e.lru);
        RelatedResult result = e.result;
        if (result.related.size() > limit) result.related.resize(limit);
        return result;
      }
    }
  }
  bool cacheable = false;
  const uint64_t deletions = store_.Deletions();  // before computing: a delete meanwhile makes it stale
  auto result = Compute(article, limit, &cacheable);
  if (!result.ok() || !cacheable || options_.cache_ms <= 0 || options_.cache_entries == 0) return result;
  std::lock_guard lock(mu_);
  auto [it, inserted] = cache_.try_emplace(article.id());
  CacheEntry& e = it->second;
  if (inserted) {
    lru_.push_front(article.id());
    e.lru = lru_.begin();
  } else {
    lru_.splice(lru_.begin(), lru_, e.lru);
  }
  e.version = article.version();
  e.limit = limit;
  e.at_ms = now;
  e.deletions = deletions;
  e.result = *result;
  while (cache_.size() > options_.cache_entries) {
    cache_.erase(lru_.back());
    lru_.pop_back();
  }
  return result;
}

std::vector<v1::RelatedArticle> RelatedFinder::OtherSources(const v1::Article& article) const {
  std::vector<v1::RelatedArticle> out;
  if (article.cluster_id().empty()) return out;
  auto page = store_.List(ListIndex::kCluster, article.cluster_id(), {.limit = kMaxOtherSources + 1});
  if (!page.ok()) return out;
  const uint64_t fp = article.enrichment().fingerprint();
  for (auto it = page->articles.rbegin(); it != page->articles.rend(); ++it) {
    if (it->id() == article.id()) continue;
    if (out.size() == kMaxOtherSources) break;
    out.push_back(Entry(*it, 1.0 - Distance(fp, it->enrichment().fingerprint()) / 64.0));
  }
  return out;
}

absl::StatusOr<RelatedResult> RelatedFinder::Compute(const v1::Article& article, std::size_t limit,
                                                     bool* cacheable) const {
  RelatedResult result;
  result.other_sources = OtherSources(article);
  std::vector<Candidate> candidates;
  // A commit between opening and reading makes Xapian throw
  // DatabaseModifiedError; the next attempt sees the new revision.
  for (int attempt = 0;; ++attempt) {
    try {
      candidates.clear();
      Xapian::Database db(index_path_);
      uint64_t indexed_sequence = 0;
      const std::string last = db.get_metadata(kSearchMetaLastSequence);
      if (!last.empty()) indexed_sequence = std::stoull(last);
      Xapian::PostingIterator self = db.postlist_begin(SearchBooleanTerm("Q", article.id()));
      if (self == db.postlist_end(SearchBooleanTerm("Q", article.id()))) {
        return result;  // not indexed yet: no related articles, nothing cached
      }
      // Only an answer from the index of this very version is worth keeping.
      *cacheable = indexed_sequence >= article.sequence();
      result.indexed = true;

      Xapian::RSet rset;
      rset.add_document(*self);
      Xapian::Enquire enquire(db);
      TextTerms text_terms(db);
      Xapian::ESet eset = enquire.get_eset(kExpandTerms, rset, &text_terms);
      if (eset.empty()) return result;
      std::vector<Xapian::Query> terms;
      terms.reserve(eset.size());
      for (Xapian::ESetIterator t = eset.begin(); t != eset.end(); ++t) {
        terms.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(*t), t.get_weight());
      }
      Xapian::Query query(Xapian::Query::OP_OR, terms.begin(), terms.end());
      // Neither the article nor its near-duplicates.
      std::vector<Xapian::Query> excluded = {Xapian::Query(SearchBooleanTerm("Q", article.id()))};
      if (!article.cluster_id().empty()) excluded.emplace_back(SearchBooleanTerm("XC", article.cluster_id()));
      query = Xapian::Query(Xapian::Query::OP_AND_NOT, query,
                            Xapian::Query(Xapian::Query::OP_OR, excluded.begin(), excluded.end()));
      const int64_t time = ArticleStore::SortTime(article);
      if (options_.window_ms > 0 && time > 0) {
        query = Xapian::Query(
            Xapian::Query::OP_FILTER, query,
            Xapian::Query(Xapian::Query::OP_VALUE_RANGE, kSearchTimeSlot,
                          Xapian::sortable_serialise(static_cast<double>(time - options_.window_ms)),
                          Xapian::sortable_serialise(static_cast<double>(time + options_.window_ms))));
      }
      enquire.set_query(query);
      const auto wanted = std::max(kMinCandidates, static_cast<Xapian::doccount>(limit) * kCandidatesPer);
      Xapian::MSet mset = enquire.get_mset(0, wanted);
      const double best = mset.get_max_attained();

      std::set<std::string> tags;
      for (const v1::Tag& t : article.enrichment().tags()) tags.insert(SearchBooleanTerm("XT", TagKeyOf(t)));
      for (Xapian::MSetIterator m = mset.begin(); m != mset.end(); ++m) {
        Xapian::Document doc = m.get_document();
        std::size_t shared = 0;
        std::string id;
        // Terms come sorted: the id's "Q" term, then the "XT" tag terms.
        Xapian::TermIterator t = doc.termlist_begin();
        t.skip_to("Q");
        if (t != doc.termlist_end() && (*t).starts_with("Q")) id = (*t).substr(1);
        for (t.skip_to("XT"); t != doc.termlist_end() && (*t).starts_with("XT"); ++t) {
          shared += tags.contains(*t);
        }
        if (id.empty()) continue;
        double score = best > 0 ? m.get_weight() / best : 0;
        if (!tags.empty())
          score += kTagShare * static_cast<double>(shared) / static_cast<double>(tags.size());
        candidates.push_back({std::move(id), score});
      }
      break;
    } catch (const Xapian::DatabaseModifiedError& e) {
      if (attempt >= 2) return IndexError(e, index_path_);
    } catch (const Xapian::Error& e) {
      return IndexError(e, index_path_);
    } catch (const std::exception&) {
      return absl::DataLossError(
          fmt::format("related: search index {}: last sequence malformed", index_path_));
    }
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
  // The database has the last word: the newest title and URL, and a check
  // that the candidate is not the same story under another cluster.
  const uint64_t fp = article.enrichment().fingerprint();
  std::optional<std::unordered_set<uint64_t>> shingles;  // of the article, made when first needed
  for (const Candidate& c : candidates) {
    if (result.related.size() == limit) break;
    auto stored = store_.Get(c.id);
    if (!stored.ok()) {
      if (absl::IsNotFound(stored.status())) continue;
      return stored.status();
    }
    if (stored->cluster_id() == article.cluster_id() && !article.cluster_id().empty()) continue;
    if (fp != 0 && Distance(fp, stored->enrichment().fingerprint()) <= kMaxClusterDistance) continue;
    if (!shingles) shingles = Shingles(article.text());
    if (double contained = Containment(*shingles, Shingles(stored->text()));
        contained >= kNearDuplicateContainment) {
      // The same story that SimHash put in another cluster (an edited or
      // shortened copy moves its fingerprint by more than a few bits).
      if (result.other_sources.size() < kMaxOtherSources) {
        result.other_sources.push_back(Entry(*stored, contained));
      }
      continue;
    }
    result.related.push_back(Entry(*stored, c.score));
  }
  return result;
}

nlohmann::json RelatedArticleToJson(const v1::RelatedArticle& r) {
  return {{"id", r.id()},
          {"url", r.url()},
          {"title", r.title()},
          {"score", r.score()},
          {"cluster_id", r.cluster_id()},
          {"time", FormatRfc3339Utc(r.time_ms())},
          {"time_ms", r.time_ms()},
          {"source_id", r.source_id()}};
}

nlohmann::json RelatedToJson(const google::protobuf::RepeatedPtrField<v1::RelatedArticle>& related,
                             const google::protobuf::RepeatedPtrField<v1::RelatedArticle>& other_sources) {
  nlohmann::json body = {{"related", nlohmann::json::array()}, {"other_sources", nlohmann::json::array()}};
  for (const auto& r : related) body["related"].push_back(RelatedArticleToJson(r));
  for (const auto& r : other_sources) body["other_sources"].push_back(RelatedArticleToJson(r));
  return body;
}

}  // namespace newsflow::store

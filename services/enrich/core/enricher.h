// Enricher turns one article (title + plain text) into its enrichment:
// language, ranked tags, an extractive summary, key points and a SimHash
// fingerprint for near-duplicate detection. Pure computation: no I/O.
//
// Bounded work: whatever the input, an Enricher analyses at most
// max_text_bytes of the body (cut at a sentence or UTF-8 boundary; the
// article keeps its whole text), kMaxTitleBytes of the title, and ranks at
// most max_ranked_sentences sentences, each joined only to its nearest
// kSentenceNeighbours (see summarizer.h), so time and memory stay linear in
// the capped size.
//
// Thread-compatible: an Enricher owns ICU break iterators and a Snowball
// stemmer, which are not thread-safe; create one Enricher per thread and
// reuse it across articles (construction loads ICU data once). An Enricher
// also learns document frequencies from the articles it enriches (see
// TermStatistics): tags of later articles use them, so results depend on the
// stream seen so far (cold, a fresh Enricher tags on the article alone).
//
//   Enricher enricher(EnrichOptions{});
//   EnrichResult result = enricher.Enrich(title, body);
//   for (const ScoredTag& tag : result.tags) Index(tag.key, article_id);
#ifndef NEWSFLOW_SERVICES_ENRICH_CORE_ENRICHER_H_
#define NEWSFLOW_SERVICES_ENRICH_CORE_ENRICHER_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/config/newsflow_config.h"  // CategoryRule
#include "common/util/document_frequencies.h"
#include "services/enrich/core/keyphrases.h"  // ScoredTag
#include "services/enrich/core/simhash.h"     // FingerprintDistance

namespace newsflow::enrich {

struct EnrichOptions {
  // Upper bound on tags. Default: 8.
  int max_tags = 8;
  // Tags returned when the text has that many good candidates; fewer only
  // for short or empty texts. Default: 5.
  int min_tags = 5;
  // Sentences in the summary. Default: 3.
  int summary_sentences = 3;
  // If positive, the summary also stays within this many characters (code
  // points): it then has fewer sentences, but always at least one.
  // Default: 0 (no limit).
  int summary_max_chars = 0;
  // Key points (distinct informative sentences), normally 3–5. Default: 5.
  int key_points = 5;
  // Category tags added on top of the extracted ones when an article
  // matches (see CategoryRule in common/config/newsflow_config.h). Rules
  // whose pattern does not compile are skipped.
  std::vector<CategoryRule> categories;
  // Caps on what is analysed (the article itself is never changed):
  // Body bytes analysed; a longer body is cut at the last sentence or line
  // end before this many bytes (else at a UTF-8 boundary). Default: 262144.
  int max_text_bytes = 256 * 1024;
  // Sentences ranked for the summary and key points: the first this many
  // eligible ones in reading order. Default: 1000.
  int max_ranked_sentences = 1000;
  // Longer sentences (bytes) are never summary sentences or key points.
  // Default: 3000.
  int max_sentence_bytes = 3000;
  // Chinese terms the segmenter keeps whole (a user dictionary of domain
  // words and names; see ReadWordList in enrich_cli.h).
  std::vector<std::string> user_words;
};

// Title bytes analysed (cut at a UTF-8 boundary).
inline constexpr size_t kMaxTitleBytes = 4096;

// Returns `options` with values clamped to usable ranges: non-negative
// counts, min_tags <= max_tags, and at most 100 of anything; caps at least
// 1 (max_text_bytes at least 1024, max_sentence_bytes at least 64).
EnrichOptions SanitizeOptions(EnrichOptions options);

struct EnrichResult {
  std::string language = "und";  // "en", "zh", ... or "und": the article's
  bool language_reliable = false;
  std::string title_language = "und";   // of the title alone
  std::string body_language = "und";    // of the body alone
  std::vector<ScoredTag> tags;          // best first
  std::vector<std::string> summary;     // sentences in reading order
  std::vector<std::string> key_points;  // sentences in reading order
  uint64_t fingerprint = 0;             // 64-bit SimHash over word 3-shingles
};

class Enricher {
 public:
  explicit Enricher(EnrichOptions options);
  ~Enricher();
  Enricher(const Enricher&) = delete;
  Enricher& operator=(const Enricher&) = delete;

  // Enriches one article. `text` is the body (UTF-8; paragraphs on separate
  // lines work best); `title` may be empty. Never fails: empty or
  // unanalysable input gives an empty result with language "und". If ICU
  // could not be initialised (see init_status()), only the language is set.
  EnrichResult Enrich(std::string_view title, std::string_view text);

  // The same within a time budget: the deadline is checked between stages
  // (language, analysis, tags, ranking), so an article whose stages run
  // past `deadline` stops at the next check with kDeadlineExceeded (the
  // message names the stage). A stage itself is not interrupted; the caps
  // above bound how long one can take.
  absl::StatusOr<EnrichResult> Enrich(std::string_view title, std::string_view text,
                                      std::chrono::steady_clock::time_point deadline);

  // Test hook: the stage boundary check also sleeps this long first, so a
  // test can overrun a budget with a normal article. Default: 0.
  void SetStageDelayForTesting(std::chrono::milliseconds delay);

  // Ok unless ICU data was unavailable at construction.
  const absl::Status& init_status() const;

  const EnrichOptions& options() const;

  // The document frequencies learned so far (see TermStatistics); the
  // enrich service shares them with the other workers.
  DocumentFrequencies& document_frequencies();

 private:
  // Appends the category tags whose rule matches and that `tags` lacks.
  void AddCategoryTags(std::string_view title, std::string_view text, std::vector<ScoredTag>* tags);

  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace newsflow::enrich

#endif  // NEWSFLOW_SERVICES_ENRICH_CORE_ENRICHER_H_

#include "services/enrich/core/enricher.h"

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "services/enrich/core/document.h"
#include "services/enrich/core/keyphrases.h"
#include "services/enrich/core/language.h"
#include "services/enrich/core/simhash.h"
#include "services/enrich/core/summarizer.h"
#include "services/enrich/core/text_segmenter.h"

namespace newsflow::enrich {
namespace {

constexpr int kMaxCount = 100;
// Below this many bytes of body, the title joins language detection.
constexpr size_t kMinLanguageBytes = 64;

}  // namespace

EnrichOptions SanitizeOptions(EnrichOptions options) {
  options.max_tags = std::clamp(options.max_tags, 0, kMaxCount);
  options.min_tags = std::clamp(options.min_tags, 0, options.max_tags);
  options.summary_sentences = std::clamp(options.summary_sentences, 0, kMaxCount);
  options.key_points = std::clamp(options.key_points, 0, kMaxCount);
  return options;
}

struct Enricher::State {
  EnrichOptions options;
  absl::Status init_status;
  std::unique_ptr<TextSegmenter> segmenter;
  std::unique_ptr<DocumentBuilder> builder;
  Document document;
  TermStatistics term_statistics;
  std::vector<uint64_t> key_hashes;
  std::vector<uint64_t> word_hashes;
  std::string language_text;
};

Enricher::Enricher(EnrichOptions options) : state_(std::make_unique<State>()) {
  state_->options = SanitizeOptions(options);
  absl::StatusOr<std::unique_ptr<TextSegmenter>> segmenter = TextSegmenter::Create();
  if (!segmenter.ok()) {
    state_->init_status = segmenter.status();
    return;
  }
  state_->segmenter = std::move(segmenter).value();
  state_->builder = std::make_unique<DocumentBuilder>(state_->segmenter.get());
}

Enricher::~Enricher() = default;

const absl::Status& Enricher::init_status() const { return state_->init_status; }

const EnrichOptions& Enricher::options() const { return state_->options; }

DocumentFrequencies& Enricher::document_frequencies() { return state_->term_statistics.frequencies(); }

EnrichResult Enricher::Enrich(std::string_view title, std::string_view text) {
  State& s = *state_;
  EnrichResult result;
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    // Nothing but a title: enrich the title itself.
    text = title;
  }
  LanguageGuess language;
  if (text.size() >= kMinLanguageBytes || title.empty() || text.data() == title.data()) {
    language = DetectLanguage(text);
  } else {
    s.language_text.assign(title);
    s.language_text.push_back('\n');
    s.language_text.append(text);
    language = DetectLanguage(s.language_text);
  }
  result.language = language.code;
  result.language_reliable = language.reliable;
  if (!s.init_status.ok() || text.empty()) return result;

  const bool unspaced = IsUnspacedLanguage(language.code);
  const bool stem = language.code == "en" || language.code == "und";
  Document& document = s.document;
  s.builder->Build(title, text, unspaced, stem, &document);

  s.term_statistics.Add(document);
  result.tags = ExtractKeyphrases(
      document, KeyphraseOptions{.max_tags = s.options.max_tags, .min_tags = s.options.min_tags},
      &s.term_statistics);

  const SentenceRanking ranking = RankSentences(document);
  const std::vector<uint32_t> summary =
      SelectSentences(ranking, s.options.summary_sentences, kSummaryDiversity);
  for (uint32_t index : summary) result.summary.push_back(SentenceForDisplay(document, index));
  for (uint32_t index : SelectKeyPoints(ranking, s.options.key_points, summary)) {
    result.key_points.push_back(KeyPointForDisplay(document, index));
  }

  s.key_hashes.resize(document.keys.size());
  for (size_t k = 0; k < document.keys.size(); ++k) s.key_hashes[k] = HashWord(document.keys[k]);
  s.word_hashes.clear();
  for (const Token& token : document.tokens) s.word_hashes.push_back(s.key_hashes[token.key]);
  result.fingerprint = SimHash(s.word_hashes);
  return result;
}

}  // namespace newsflow::enrich

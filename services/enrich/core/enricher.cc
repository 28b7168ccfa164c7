#include "services/enrich/core/enricher.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "common/util/text.h"
#include "re2/re2.h"
#include "services/enrich/core/chinese_script.h"
#include "services/enrich/core/document.h"
#include "services/enrich/core/keyphrases.h"
#include "services/enrich/core/language.h"
#include "services/enrich/core/simhash.h"
#include "services/enrich/core/summarizer.h"
#include "services/enrich/core/tag_keys.h"
#include "services/enrich/core/text_segmenter.h"
#include "services/enrich/core/unicode_text.h"

namespace newsflow::enrich {
namespace {

constexpr int kMaxCount = 100;
constexpr int kMinTextBytes = 1024;
constexpr int kMinSentenceBytes = 64;
// Below this many bytes of body, the title joins language detection.
constexpr size_t kMinLanguageBytes = 64;

}  // namespace

EnrichOptions SanitizeOptions(EnrichOptions options) {
  options.max_tags = std::clamp(options.max_tags, 0, kMaxCount);
  options.min_tags = std::clamp(options.min_tags, 0, options.max_tags);
  options.summary_sentences = std::clamp(options.summary_sentences, 0, kMaxCount);
  options.summary_max_chars = std::max(options.summary_max_chars, 0);
  options.key_points = std::clamp(options.key_points, 0, kMaxCount);
  options.max_text_bytes = std::max(options.max_text_bytes, kMinTextBytes);
  options.max_ranked_sentences = std::max(options.max_ranked_sentences, 1);
  options.max_sentence_bytes = std::max(options.max_sentence_bytes, kMinSentenceBytes);
  return options;
}

namespace {

// A category rule ready to match: keywords in their normalised lowercase
// form, the pattern compiled.
struct CompiledCategory {
  std::string name;
  std::string key;
  std::vector<std::string> keywords;
  std::shared_ptr<const RE2> pattern;  // null: none; RE2 is thread-safe
};

bool IsAsciiWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// `keyword` occurs in `text` (both lowercase), as a whole word where it
// starts or ends with a Latin letter or digit.
bool ContainsKeyword(std::string_view text, std::string_view keyword) {
  if (keyword.empty()) return false;
  for (size_t at = text.find(keyword); at != std::string_view::npos; at = text.find(keyword, at + 1)) {
    const size_t end = at + keyword.size();
    const bool starts_clean = at == 0 || !IsAsciiWordChar(keyword.front()) || !IsAsciiWordChar(text[at - 1]);
    const bool ends_clean =
        end == text.size() || !IsAsciiWordChar(keyword.back()) || !IsAsciiWordChar(text[end]);
    if (starts_clean && ends_clean) return true;
  }
  return false;
}

}  // namespace

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
  // Chinese in traditional script, converted for analysis (chinese_script.h).
  std::string simplified_title;
  std::string simplified_text;
  std::vector<CompiledCategory> categories;
  std::string category_text;
  std::string lowered;
  std::chrono::milliseconds stage_delay{0};
};

Enricher::Enricher(EnrichOptions options) : state_(std::make_unique<State>()) {
  state_->options = SanitizeOptions(std::move(options));
  absl::StatusOr<std::unique_ptr<TextSegmenter>> segmenter = TextSegmenter::Create();
  if (!segmenter.ok()) {
    state_->init_status = segmenter.status();
    return;
  }
  state_->segmenter = std::move(segmenter).value();
  state_->segmenter->SetUserWords(state_->options.user_words);
  state_->builder = std::make_unique<DocumentBuilder>(state_->segmenter.get());
  for (const CategoryRule& rule : state_->options.categories) {
    if (rule.tag.empty()) continue;
    CompiledCategory category;
    category.name = rule.tag;
    ToLower(rule.tag, &category.key);
    for (const std::string& keyword : rule.keywords) {
      std::string lowered;
      ToLower(keyword, &lowered);
      if (!lowered.empty()) category.keywords.push_back(std::move(lowered));
    }
    if (!rule.pattern.empty()) {
      RE2::Options re2_options;
      re2_options.set_case_sensitive(false);
      re2_options.set_log_errors(false);
      auto pattern = std::make_shared<const RE2>(rule.pattern, re2_options);
      if (!pattern->ok()) continue;  // the config check reports it; here the rule is skipped
      category.pattern = std::move(pattern);
    }
    state_->categories.push_back(std::move(category));
  }
}

Enricher::~Enricher() = default;

const absl::Status& Enricher::init_status() const { return state_->init_status; }

const EnrichOptions& Enricher::options() const { return state_->options; }

DocumentFrequencies& Enricher::document_frequencies() { return state_->term_statistics.frequencies(); }

void Enricher::AddCategoryTags(std::string_view title, std::string_view text, std::vector<ScoredTag>* tags) {
  State& s = *state_;
  if (s.categories.empty()) return;
  s.category_text.assign(title);
  s.category_text.push_back('\n');
  s.category_text.append(text);
  ToLower(s.category_text, &s.lowered);
  for (const CompiledCategory& category : s.categories) {
    const bool present =
        std::any_of(tags->begin(), tags->end(), [&](const ScoredTag& t) { return t.key == category.key; });
    if (present) continue;
    bool match = std::any_of(category.keywords.begin(), category.keywords.end(),
                             [&](const std::string& k) { return ContainsKeyword(s.lowered, k); });
    if (!match && category.pattern) match = RE2::PartialMatch(s.category_text, *category.pattern);
    if (match) tags->push_back(ScoredTag{category.name, category.key, 1.0, /*category=*/true});
  }
}

void Enricher::SetStageDelayForTesting(std::chrono::milliseconds delay) { state_->stage_delay = delay; }

EnrichResult Enricher::Enrich(std::string_view title, std::string_view text) {
  return *Enrich(title, text, std::chrono::steady_clock::time_point::max());
}

absl::StatusOr<EnrichResult> Enricher::Enrich(std::string_view title, std::string_view text,
                                              std::chrono::steady_clock::time_point deadline) {
  State& s = *state_;
  const auto check = [&](std::string_view stage) -> absl::Status {
    if (s.stage_delay.count() > 0) std::this_thread::sleep_for(s.stage_delay);
    if (std::chrono::steady_clock::now() <= deadline) return absl::OkStatus();
    return absl::DeadlineExceededError(std::string("enrich: time budget exceeded after ") +
                                       std::string(stage));
  };
  title = CapText(title, kMaxTitleBytes);
  text = CapText(text, static_cast<size_t>(s.options.max_text_bytes));
  EnrichResult result;
  // Each field's language, then the article's: the body's, or for a short
  // body that of title and body together.
  LanguageGuess language;
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    // Nothing but a title: enrich the title itself.
    text = title;
    language = DetectLanguage(title);
    result.title_language = language.code;
  } else {
    const LanguageGuess body = DetectLanguage(text);
    result.body_language = body.code;
    if (!title.empty()) result.title_language = DetectFieldLanguage(title, text, body).code;
    language = body;
    if (text.size() < kMinLanguageBytes && !title.empty()) {
      s.language_text.assign(title);
      s.language_text.push_back('\n');
      s.language_text.append(text);
      language = DetectLanguage(s.language_text);
    }
  }
  result.language = language.code;
  result.language_reliable = language.reliable;
  if (!s.init_status.ok() || text.empty()) return result;
  if (absl::Status st = check("language"); !st.ok()) return st;

  Document& document = s.document;
  // Traditional Chinese is analysed in simplified script (one dictionary,
  // one key per concept) and shown as written.
  bool converted = false;
  if (language.code == "zh") {
    const bool title_converted = ToSimplifiedChinese(title, &s.simplified_title);
    const bool text_converted = ToSimplifiedChinese(text, &s.simplified_text);
    converted = title_converted || text_converted;
  }
  const auto as_written = [&](const std::string& shown) {
    if (s.simplified_text.find(shown) != std::string::npos) {
      return InOriginalScript(shown, s.simplified_text, text);
    }
    return InOriginalScript(shown, s.simplified_title, title);
  };
  s.builder->Build(converted ? std::string_view(s.simplified_title) : title,
                   converted ? std::string_view(s.simplified_text) : text, language.code, &document);
  if (absl::Status st = check("analysis"); !st.ok()) return st;

  s.term_statistics.Add(document);
  result.tags = ExtractKeyphrases(
      document, KeyphraseOptions{.max_tags = s.options.max_tags, .min_tags = s.options.min_tags},
      &s.term_statistics);

  if (converted) {
    for (ScoredTag& tag : result.tags) tag.name = as_written(tag.name);
  }
  AddCategoryTags(title, text, &result.tags);
  CanonicalizeTagKeys(&result.tags);
  if (absl::Status st = check("tags"); !st.ok()) return st;

  const SentenceRanking ranking = RankSentences(
      document, RankOptions{.max_sentences = static_cast<size_t>(s.options.max_ranked_sentences),
                            .max_sentence_bytes = static_cast<size_t>(s.options.max_sentence_bytes)});
  if (absl::Status st = check("ranking"); !st.ok()) return st;
  std::vector<uint32_t> summary = SelectSentences(ranking, s.options.summary_sentences, kSummaryDiversity);
  if (s.options.summary_max_chars > 0) {
    // The best selection of fewer sentences that fits the budget.
    const auto length = [&](const std::vector<uint32_t>& picked) {
      size_t chars = 0;
      for (uint32_t index : picked)
        chars += CountCodePoints(document.SentenceText(document.sentences[index]));
      return chars;
    };
    for (int count = static_cast<int>(summary.size()) - 1;
         count >= 1 && length(summary) > static_cast<size_t>(s.options.summary_max_chars); --count) {
      summary = SelectSentences(ranking, count, kSummaryDiversity);
    }
  }
  for (uint32_t index : summary) result.summary.push_back(SentenceForDisplay(document, index));
  for (KeyPoint& point : SelectKeyPoints(document, ranking, s.options.key_points, summary)) {
    result.key_points.push_back(std::move(point.text));
  }
  if (converted) {
    for (std::string& sentence : result.summary) sentence = as_written(sentence);
    for (std::string& point : result.key_points) point = as_written(point);
  }

  s.key_hashes.resize(document.keys.size());
  for (size_t k = 0; k < document.keys.size(); ++k) s.key_hashes[k] = HashWord(document.keys[k]);
  s.word_hashes.clear();
  for (const Token& token : document.tokens) s.word_hashes.push_back(s.key_hashes[token.key]);
  result.fingerprint = SimHash(s.word_hashes);
  return result;
}

}  // namespace newsflow::enrich

// Document is the analysed form of one article that the tagger and the
// summarizer share: sentences, word tokens with normalised keys, and
// per-sentence flags (terminal punctuation, boilerplate). DocumentBuilder
// produces it with one pass of segmentation (ICU; jieba's dictionary for
// Chinese, whose word classes the tokens carry), stop-word tagging and
// Snowball stemming.
//
// A Document refers to the text and title it was built from (token offsets
// index into them); the caller keeps both alive while the Document is used.
//
// Thread-compatible: a DocumentBuilder owns a Stemmer and caches; use one per
// thread. A built Document is read-only and may be shared.
#ifndef NEWSFLOW_SERVICES_ENRICH_CORE_DOCUMENT_H_
#define NEWSFLOW_SERVICES_ENRICH_CORE_DOCUMENT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "services/enrich/core/stemmer.h"
#include "services/enrich/core/text_segmenter.h"

namespace newsflow::enrich {

struct Token {
  // Surface bytes in Document::text, without a possessive "'s".
  uint32_t begin = 0;
  uint32_t end = 0;
  // Index into Document::keys: the normalised form shared by variants
  // (Snowball stem for English, lowercase word otherwise).
  uint32_t key = 0;
  // Index into Document::keys: the lowercase word, unstemmed (equal to `key`
  // where nothing is stemmed). Sentence similarity compares words, not
  // stems: stems conflate words that news keeps apart ("general",
  // "generally").
  uint32_t word = 0;
  uint32_t sentence = 0;
  WordKind kind = WordKind::kLetter;
  Gap gap_before = Gap::kNone;
  // Stop word, number, or too short to stand in a tag; stop tokens end tag
  // candidates and do not count for sentence similarity.
  bool stop = false;
  // Carries content for sentence similarity: not a function word, at least
  // two characters, numbers included. Broader than !stop: reporting verbs,
  // calendar and number words count, and the tag heuristics (adverbs,
  // infinitives) do not apply.
  bool content = false;
  // A single Han character outside the stop list ("率" in 退货|率):
  // dictionary segmentation leaves unlisted terms in such pieces, so it may
  // stand inside a tag, but not alone.
  bool fragment = false;
  // Chinese words: the dictionary's word class (kNone for other words), and
  // whether a single character is bound, a piece of an unlisted term ("率"
  // in 退货|率) rather than a word of its own ("买").
  ChineseWordClass zh_class = ChineseWordClass::kNone;
  bool bound = false;
  bool capitalized = false;       // first letter uppercase
  bool acronym = false;           // all letters uppercase, at least two ("AI", "U.S")
  bool sentence_initial = false;  // first word of its sentence
  bool possessive = false;        // had a trailing "'s"
  bool latin = false;             // starts with a non-CJK letter or digit
  bool in_title = false;          // offsets refer to Document::title
};

struct Sentence {
  uint32_t begin = 0;
  uint32_t end = 0;
  uint32_t paragraph = 0;
  // Tokens [first_token, end_token) belong to this sentence.
  uint32_t first_token = 0;
  uint32_t end_token = 0;
  bool terminal = false;     // ends with terminal punctuation
  bool boilerplate = false;  // promotional/navigational; ignored by ranking
};

struct Document {
  std::string_view text;
  std::string_view title;
  // True for Chinese/Japanese: tags are joined without spaces.
  bool unspaced = false;
  // English (or undetermined) text: the English word-class cues apply.
  bool english = true;
  std::vector<Sentence> sentences;
  std::vector<Token> tokens;
  // Keys of the title's words; stop words excluded.
  std::vector<uint32_t> title_keys;
  // The title's words, analysed like the body's (in_title set, `sentence`
  // is the number of sentences); tag candidates come from them too.
  std::vector<Token> title_tokens;
  // Normalised forms, indexed by Token::key.
  std::vector<std::string> keys;

  std::string_view Surface(const Token& token) const {
    return (token.in_title ? title : text).substr(token.begin, token.end - token.begin);
  }
  std::string_view SentenceText(const Sentence& sentence) const {
    return text.substr(sentence.begin, sentence.end - sentence.begin);
  }
};

class DocumentBuilder {
 public:
  // `segmenter` must outlive the builder.
  explicit DocumentBuilder(TextSegmenter* segmenter) : segmenter_(segmenter) {}

  // Analyses `text` (and `title`, for title keys) as language `language`
  // (ISO 639-1, or "und") into `*document`, reusing its storage: Chinese and
  // Japanese are segmented by dictionary and joined without spaces; other
  // languages get their stop words and Snowball stemmer where newsflow has
  // them, English (and "und") also the English word-class cues.
  void Build(std::string_view title, std::string_view text, std::string_view language, Document* document);
  // The same with the language given as `unspaced` (Chinese) or `stem`
  // (English); neither is English stop words without stemming.
  void Build(std::string_view title, std::string_view text, bool unspaced, bool stem, Document* document) {
    Build(title, text, unspaced ? "zh" : stem ? "en" : "", document);
  }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  uint32_t InternKey(std::string_view key, Document* document);
  // Fills everything in `*token` but `sentence` from the word span.
  void AnalyseWord(std::string_view text, const WordSpan& span, Document* document, Token* token);
  // Selects stop words and stemmer for `language`.
  void SetLanguage(std::string_view language);

  TextSegmenter* segmenter_;
  // Per language; nullptr where libstemmer has no algorithm.
  std::unordered_map<std::string, std::unique_ptr<Stemmer>> stemmers_;
  Stemmer* stemmer_ = nullptr;        // of the current document; nullptr: none
  std::string stop_language_ = "en";  // whose stop word list applies
  bool english_ = true;               // English lists and cues
  bool elisions_ = false;             // French/Italian "l'", "d'" split off
  absl::flat_hash_map<std::string, uint32_t, Hash, std::equal_to<>> key_ids_;
  std::vector<SentenceSpan> sentence_spans_;
  std::vector<WordSpan> word_spans_;
  std::string lower_;
  std::string scratch_;
};

}  // namespace newsflow::enrich

#endif  // NEWSFLOW_SERVICES_ENRICH_CORE_DOCUMENT_H_

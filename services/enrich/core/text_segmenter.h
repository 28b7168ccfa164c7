// TextSegmenter splits UTF-8 text into sentences and words with ICU break
// iterators, plus newsflow's own repairs on top of ICU's sentence rules:
//
//   - no break after title abbreviations ("Mr.", "Dr.", "Prof."), initials
//     ("John F. Kennedy"), "e.g."/"i.e.", or "No."/month abbreviations before
//     a number;
//   - no break after acronym-like abbreviations ("U.S.", "Inc.", "Corp.")
//     unless the next word is a capitalised function word ("The", "It"),
//     which signals a new sentence;
//   - a line break always ends a sentence, so headings and list items stand
//     alone.
//
// Chinese text is split at 。！？ (with any closing quotes kept on the
// sentence they close); its Han runs are segmented into words, with their
// word classes, by CjkDictionary (jieba's dictionary). Japanese text (with
// kana) is segmented by ICU's break iterator and its dictionary.
//
// All offsets are UTF-8 byte offsets into the text passed in.
//
// Thread-compatible: a TextSegmenter owns its ICU iterators; use one per
// thread. Construction loads ICU rules once; reuse the object.
//
//   auto segmenter = TextSegmenter::Create();
//   if (!segmenter.ok()) return segmenter.status();
//   std::vector<SentenceSpan> sentences;
//   (*segmenter)->SplitSentences(text, &sentences);
#ifndef NEWSFLOW_SERVICES_ENRICH_CORE_TEXT_SEGMENTER_H_
#define NEWSFLOW_SERVICES_ENRICH_CORE_TEXT_SEGMENTER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <unicode/uversion.h>

#include "absl/status/statusor.h"
#include "services/enrich/core/cjk_dictionary.h"

U_NAMESPACE_BEGIN
class BreakIterator;
U_NAMESPACE_END

namespace newsflow::enrich {

// One sentence, trimmed of surrounding whitespace.
struct SentenceSpan {
  uint32_t begin = 0;
  uint32_t end = 0;
  // Index of the line (paragraph) the sentence starts in; lines are counted
  // from 0 and only non-empty lines count.
  uint32_t paragraph = 0;
  // True if the sentence ends with terminal punctuation (. ! ? 。！？ …),
  // possibly followed by closing quotes or brackets. Headings and captions
  // usually have none.
  bool terminal = false;
};

enum class WordKind : uint8_t {
  kLetter,       // alphabetic or alphanumeric ("subsidy", "H100")
  kNumber,       // numeric ("2027", "1.39")
  kIdeographic,  // Han or kana, segmented by dictionary
};

// What separates a word from the previous word in the text.
enum class Gap : uint8_t {
  kNone,    // adjacent (typical between Chinese words)
  kSpace,   // whitespace only
  kJoiner,  // a single hyphen with no spaces ("out-of-print")
  kPunct,   // any other punctuation or symbol
  // " & " between two capitalised words, which it joins into one name
  // ("Marks & Spencer"); set by DocumentBuilder, never by the segmenter.
  kAmpersand,
};

struct WordSpan {
  uint32_t begin = 0;
  uint32_t end = 0;
  WordKind kind = WordKind::kLetter;
  Gap gap_before = Gap::kNone;
  // Chinese words only (kNone elsewhere): the dictionary's word class, and
  // whether a single character is bound (see CjkWord).
  ChineseWordClass zh_class = ChineseWordClass::kNone;
  bool bound = false;
};

class TextSegmenter {
 public:
  // Returns kInternal if ICU cannot build its iterators (missing ICU data).
  static absl::StatusOr<std::unique_ptr<TextSegmenter>> Create();

  ~TextSegmenter();
  TextSegmenter(const TextSegmenter&) = delete;
  TextSegmenter& operator=(const TextSegmenter&) = delete;

  // Replaces `*sentences` with the sentences of `text`, in order. Empty and
  // whitespace-only stretches produce no sentence.
  void SplitSentences(std::string_view text, std::vector<SentenceSpan>* sentences);

  // Chinese terms to keep whole (see CjkUserWords); replaces any set before.
  void SetUserWords(const std::vector<std::string>& words);

  // Replaces `*words` with the words and numbers of `text`, in order;
  // punctuation and whitespace only show up in `gap_before`.
  void SplitWords(std::string_view text, std::vector<WordSpan>* words);

 private:
  TextSegmenter(std::unique_ptr<icu::BreakIterator> sentence_iterator,
                std::unique_ptr<icu::BreakIterator> word_iterator);

  // ICU word segmentation of `text`, whose offsets start at `base` in the
  // caller's text; `gap` is the gap before its first word. Returns the gap
  // pending after its last word.
  Gap SplitWordsIcu(std::string_view text, uint32_t base, Gap gap, std::vector<WordSpan>* words);

  std::unique_ptr<icu::BreakIterator> sentence_iterator_;
  std::unique_ptr<icu::BreakIterator> word_iterator_;
  CjkDictionary::Scratch cjk_scratch_;
  CjkUserWords user_words_;
  std::vector<CjkWord> cjk_words_;
};

}  // namespace newsflow::enrich

#endif  // NEWSFLOW_SERVICES_ENRICH_CORE_TEXT_SEGMENTER_H_

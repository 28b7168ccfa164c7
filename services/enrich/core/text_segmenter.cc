#include "services/enrich/core/text_segmenter.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "services/enrich/core/cjk_dictionary.h"
#include "services/enrich/core/stopwords.h"
#include "services/enrich/core/unicode_text.h"

namespace newsflow::enrich {
namespace {

// Abbreviations after which a sentence never ends.
constexpr std::string_view kTitleAbbreviations[] = {
    "Mr",   "Mrs", "Ms",     "Dr",  "Prof", "Sen", "Rep", "Gov",    "Gen", "Lt", "Col",  "Capt",
    "Sgt",  "Cpl", "Maj",    "Adm", "Brig", "Rev", "Hon", "St",     "Mt",  "Ft", "Pres", "Supt",
    "Insp", "Det", "Messrs", "e.g", "i.e",  "cf",  "vs",  "approx", "Fr",  "Sr", "Jr",
};

// Abbreviations after which a sentence ends only before a number-less
// continuation ("No. 5" and "Sept. 12" continue the sentence).
constexpr std::string_view kNumberAbbreviations[] = {
    "No",  "Nos", "Fig", "Vol", "Ch",  "pp",  "p",    "Art", "Sec", "Jan", "Feb",
    "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
};

// Abbreviations that may end a sentence ("... moved to the U.S. The ...").
constexpr std::string_view kAcronymAbbreviations[] = {
    "Inc", "Corp", "Ltd", "Co", "Bros", "Plc", "LLC", "Ltd", "a.m", "p.m", "Dept", "Univ", "Assn", "Est",
};

template <size_t N>
bool Contains(const std::string_view (&list)[N], std::string_view word) {
  return std::find(std::begin(list), std::end(list), word) != std::end(list);
}

bool IsAsciiUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || IsAsciiUpper(c); }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// "U.S", "E.U", "D.C": single letters joined by dots.
bool IsDottedAcronym(std::string_view word) {
  if (word.size() < 3) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    const bool want_letter = i % 2 == 0;
    if (want_letter ? !IsAsciiLetter(word[i]) : word[i] != '.') return false;
  }
  return true;
}

// The last whitespace-separated word of `sentence` if it ends with a period,
// stripped of the period and of opening brackets/quotes; empty otherwise.
std::string_view FinalAbbreviationCandidate(std::string_view sentence) {
  if (sentence.empty() || sentence.back() != '.') return {};
  sentence.remove_suffix(1);
  const size_t space = sentence.find_last_of(" \t\n\r");
  std::string_view word = space == std::string_view::npos ? sentence : sentence.substr(space + 1);
  while (!word.empty() &&
         (word.front() == '(' || word.front() == '"' || word.front() == '\'' || word.front() == '[')) {
    word.remove_prefix(1);
  }
  return word;
}

std::string_view FirstWord(std::string_view sentence) {
  const size_t end = sentence.find_first_of(" \t\n\r,;:");
  return end == std::string_view::npos ? sentence : sentence.substr(0, end);
}

// Decides whether ICU's break between `previous` and `next` (both trimmed
// sentence texts on the same line) falls after an abbreviation and should be
// undone.
bool ShouldJoin(std::string_view previous, std::string_view next) {
  const std::string_view abbreviation = FinalAbbreviationCandidate(previous);
  if (abbreviation.empty() || next.empty()) return false;
  if (Contains(kTitleAbbreviations, abbreviation)) return true;
  // A single capital letter is an initial ("John F. Kennedy").
  if (abbreviation.size() == 1 && IsAsciiUpper(abbreviation[0])) return true;
  const char first = next.front();
  if (Contains(kNumberAbbreviations, abbreviation)) return IsAsciiDigit(first);
  if (Contains(kAcronymAbbreviations, abbreviation) || IsDottedAcronym(abbreviation)) {
    if (!IsAsciiLetter(first) && !IsAsciiDigit(first)) return false;
    std::string word(FirstWord(next));
    if (!IsAsciiUpper(word[0])) return true;
    for (char& c : word) c = static_cast<char>(AsciiToLower(c));
    return !IsEnglishStopWord(word);
  }
  return false;
}

bool IsSpaceByte(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Closing quotes and brackets that may follow terminal punctuation.
constexpr std::string_view kClosers[] = {"\"", "'", ")", "]", "”", "’", "」", "』", "》", "）", "»"};
constexpr std::string_view kTerminals[] = {".", "!", "?", "。", "！", "？", "…", "．"};

bool EndsWithTerminal(std::string_view s) {
  bool stripped = true;
  while (stripped && !s.empty()) {
    stripped = false;
    for (std::string_view closer : kClosers) {
      if (s.ends_with(closer)) {
        s.remove_suffix(closer.size());
        stripped = true;
        break;
      }
    }
  }
  for (std::string_view terminal : kTerminals) {
    if (s.ends_with(terminal)) return true;
  }
  return false;
}

// Unicode whitespace handled beyond ASCII: NBSP, ideographic space, and the
// line/paragraph separators.
size_t LeadingSpaceBytes(std::string_view s) {
  if (s.empty()) return 0;
  if (IsSpaceByte(s[0])) return 1;
  if (s.starts_with("\xC2\xA0")) return 2;
  if (s.starts_with("\xE3\x80\x80") || s.starts_with("\xE2\x80\xA8") || s.starts_with("\xE2\x80\xA9")) {
    return 3;
  }
  return 0;
}

size_t TrailingSpaceBytes(std::string_view s) {
  if (s.empty()) return 0;
  if (IsSpaceByte(s.back())) return 1;
  if (s.ends_with("\xC2\xA0")) return 2;
  if (s.ends_with("\xE3\x80\x80") || s.ends_with("\xE2\x80\xA8") || s.ends_with("\xE2\x80\xA9")) {
    return 3;
  }
  return 0;
}

// RAII holder for an ICU UText over UTF-8 bytes.
class Utf8Text {
 public:
  explicit Utf8Text(std::string_view text) {
    UErrorCode status = U_ZERO_ERROR;
    utext_openUTF8(&text_, text.data(), static_cast<int64_t>(text.size()), &status);
    ok_ = U_SUCCESS(status);
  }
  ~Utf8Text() { utext_close(&text_); }
  Utf8Text(const Utf8Text&) = delete;
  Utf8Text& operator=(const Utf8Text&) = delete;

  bool ok() const { return ok_; }
  UText* get() { return &text_; }

 private:
  UText text_ = UTEXT_INITIALIZER;
  bool ok_ = false;
};

}  // namespace

absl::StatusOr<std::unique_ptr<TextSegmenter>> TextSegmenter::Create() {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> sentences(
      icu::BreakIterator::createSentenceInstance(icu::Locale::getRoot(), status));
  if (U_FAILURE(status) || sentences == nullptr) {
    return absl::InternalError(std::string("text_segmenter: ICU sentence iterator: ") + u_errorName(status));
  }
  std::unique_ptr<icu::BreakIterator> words(
      icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  if (U_FAILURE(status) || words == nullptr) {
    return absl::InternalError(std::string("text_segmenter: ICU word iterator: ") + u_errorName(status));
  }
  return std::unique_ptr<TextSegmenter>(new TextSegmenter(std::move(sentences), std::move(words)));
}

TextSegmenter::TextSegmenter(std::unique_ptr<icu::BreakIterator> sentence_iterator,
                             std::unique_ptr<icu::BreakIterator> word_iterator)
    : sentence_iterator_(std::move(sentence_iterator)), word_iterator_(std::move(word_iterator)) {}

TextSegmenter::~TextSegmenter() = default;

void TextSegmenter::SplitSentences(std::string_view text, std::vector<SentenceSpan>* sentences) {
  sentences->clear();
  if (text.empty()) return;
  Utf8Text utext(text);
  if (!utext.ok()) return;
  UErrorCode status = U_ZERO_ERROR;
  sentence_iterator_->setText(utext.get(), status);
  if (U_FAILURE(status)) return;

  uint32_t paragraph = 0;
  bool seen_text = false;
  bool newline_since_last = false;
  int32_t start = sentence_iterator_->first();
  for (int32_t end = sentence_iterator_->next(); end != icu::BreakIterator::DONE;
       start = end, end = sentence_iterator_->next()) {
    size_t b = static_cast<size_t>(start);
    size_t e = static_cast<size_t>(end);
    // Leading whitespace may hold the line break that started this piece.
    while (b < e) {
      const size_t n = LeadingSpaceBytes(text.substr(b, e - b));
      if (n == 0) break;
      if (text[b] == '\n' || text[b] == '\r' || n == 3) newline_since_last = true;
      b += n;
    }
    bool ends_with_newline = false;
    while (e > b) {
      const size_t n = TrailingSpaceBytes(text.substr(b, e - b));
      if (n == 0) break;
      if (text[e - 1] == '\n' || text[e - 1] == '\r' || n == 3) ends_with_newline = true;
      e -= n;
    }
    if (b >= e) {
      newline_since_last = newline_since_last || ends_with_newline;
      continue;
    }
    const std::string_view piece = text.substr(b, e - b);
    if (seen_text && newline_since_last) ++paragraph;
    if (seen_text && !newline_since_last && !sentences->empty()) {
      SentenceSpan& last = sentences->back();
      const std::string_view previous = text.substr(last.begin, last.end - last.begin);
      if (ShouldJoin(previous, piece)) {
        last.end = static_cast<uint32_t>(e);
        last.terminal = EndsWithTerminal(text.substr(last.begin, last.end - last.begin));
        newline_since_last = ends_with_newline;
        continue;
      }
    }
    sentences->push_back(
        SentenceSpan{static_cast<uint32_t>(b), static_cast<uint32_t>(e), paragraph, EndsWithTerminal(piece)});
    seen_text = true;
    newline_since_last = ends_with_newline;
  }
}

namespace {

// True if `text` may hold Han characters (all of which encode with a lead
// byte of 0xE3 or more) and holds no kana: Chinese text, which the
// dictionary segments. Japanese text keeps ICU's engine, which also handles
// katakana runs.
bool NeedsDictionary(std::string_view text) {
  bool han = false;
  for (size_t pos = 0; pos < text.size();) {
    if (static_cast<unsigned char>(text[pos]) < 0xE3) {
      ++pos;
      continue;
    }
    const char32_t cp = DecodeUtf8(text, &pos);
    if (IsKana(cp)) return false;
    han = han || IsHan(cp);
  }
  return han;
}

// The gap that a piece holding no word leaves before the next word, worked
// out without ICU for the pieces between Chinese runs (mostly one
// punctuation mark: "，", "、", "（"), where a break iterator costs more
// than the dictionary segmentation of the run itself. Gives the same gap as
// SplitWordsIcu: a hyphen right after a word joins, white space is a space
// (or ends a join), anything else is punctuation. Returns false, leaving
// `gap` alone, for a piece that may hold a word or a character that word
// breaking attaches to its neighbour (letters, numbers, marks, format and
// connector characters, symbols): those go to ICU.
bool PunctuationGap(std::string_view piece, Gap* gap) {
  Gap result = *gap;
  for (size_t pos = 0; pos < piece.size();) {
    const size_t space = LeadingSpaceBytes(piece.substr(pos));
    if (space > 0) {
      if (result == Gap::kNone) result = Gap::kSpace;
      if (result == Gap::kJoiner) result = Gap::kPunct;
      pos += space;
      continue;
    }
    const char32_t cp = DecodeUtf8(piece, &pos);
    switch (u_charType(static_cast<UChar32>(cp))) {
      case U_DASH_PUNCTUATION:
      case U_START_PUNCTUATION:
      case U_END_PUNCTUATION:
      case U_INITIAL_PUNCTUATION:
      case U_FINAL_PUNCTUATION:
      case U_OTHER_PUNCTUATION:
        break;
      default:
        return false;
    }
    const bool hyphen = cp == U'-' || cp == U'\u2010' || cp == U'\u2011';
    result = hyphen && result == Gap::kNone ? Gap::kJoiner : Gap::kPunct;
  }
  *gap = result;
  return true;
}

}  // namespace

void TextSegmenter::SetUserWords(const std::vector<std::string>& words) {
  user_words_ = CjkUserWords();
  for (const std::string& word : words) user_words_.Add(word);
}

void TextSegmenter::SplitWords(std::string_view text, std::vector<WordSpan>* words) {
  words->clear();
  if (text.empty()) return;
  if (!NeedsDictionary(text)) {
    SplitWordsIcu(text, 0, Gap::kNone, words);
    return;
  }
  // Han runs go to the dictionary; everything between them (Latin words,
  // numbers, punctuation) to ICU.
  Gap gap = Gap::kNone;
  size_t done = 0;
  for (size_t pos = 0; pos < text.size();) {
    const size_t start = pos;
    if (!IsHan(DecodeUtf8(text, &pos))) continue;
    size_t end = pos;
    while (end < text.size()) {
      size_t next = end;
      if (!IsHan(DecodeUtf8(text, &next))) break;
      end = next;
    }
    if (start > done && !PunctuationGap(text.substr(done, start - done), &gap)) {
      gap = SplitWordsIcu(text.substr(done, start - done), static_cast<uint32_t>(done), gap, words);
    }
    cjk_words_.clear();
    CjkDictionary::Get().Segment(text.substr(start, end - start), static_cast<uint32_t>(start), &cjk_scratch_,
                                 &cjk_words_, &user_words_);
    for (const CjkWord& word : cjk_words_) {
      words->push_back(
          WordSpan{word.begin, word.end, WordKind::kIdeographic, gap, word.word_class, word.bound});
      gap = Gap::kNone;
    }
    done = pos = end;
  }
  if (done < text.size() && !PunctuationGap(text.substr(done), &gap)) {
    SplitWordsIcu(text.substr(done), static_cast<uint32_t>(done), gap, words);
  }
}

Gap TextSegmenter::SplitWordsIcu(std::string_view text, uint32_t base, Gap gap,
                                 std::vector<WordSpan>* words) {
  Utf8Text utext(text);
  if (!utext.ok()) return gap;
  UErrorCode status = U_ZERO_ERROR;
  word_iterator_->setText(utext.get(), status);
  if (U_FAILURE(status)) return gap;

  int32_t start = word_iterator_->first();
  for (int32_t end = word_iterator_->next(); end != icu::BreakIterator::DONE;
       start = end, end = word_iterator_->next()) {
    const int32_t rule = word_iterator_->getRuleStatus();
    const auto b = static_cast<uint32_t>(start);
    const auto e = static_cast<uint32_t>(end);
    const uint32_t at = base + b;
    const uint32_t to = base + e;
    if (rule >= UBRK_WORD_NONE_LIMIT) {
      WordKind kind = WordKind::kLetter;
      if (rule < UBRK_WORD_NUMBER_LIMIT) {
        kind = WordKind::kNumber;
      } else if (rule >= UBRK_WORD_KANA) {
        kind = WordKind::kIdeographic;
      }
      words->push_back(WordSpan{at, to, kind, gap});
      gap = Gap::kNone;
      continue;
    }
    const std::string_view piece = text.substr(b, e - b);
    const bool is_hyphen = piece == "-" || piece == "\xE2\x80\x90" || piece == "\xE2\x80\x91";
    if (is_hyphen && gap == Gap::kNone) {
      gap = Gap::kJoiner;
      continue;
    }
    bool all_space = true;
    for (size_t i = 0; i < piece.size();) {
      const size_t n = LeadingSpaceBytes(piece.substr(i));
      if (n == 0) {
        all_space = false;
        break;
      }
      i += n;
    }
    if (all_space) {
      // A space after a hyphen ("pre- and post-") is not a joiner.
      if (gap == Gap::kNone) gap = Gap::kSpace;
      if (gap == Gap::kJoiner) gap = Gap::kPunct;
    } else {
      gap = Gap::kPunct;
    }
  }
  return gap;
}

}  // namespace newsflow::enrich

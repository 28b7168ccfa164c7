#include "common/util/text.h"

#include <unicode/translit.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "common/lexicon/english_lexicon.h"

namespace newsflow {
namespace {

// Han characters all encode with a lead byte of 0xE3 or more.
bool MayHoldHan(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0xE3) return true;
  }
  return false;
}

// ICU's traditional-to-simplified Chinese transform, one per thread (a
// Transliterator is not meant for concurrent use); nullptr if ICU's data
// lacks it.
icu::Transliterator* TraditionalToSimplified() {
  thread_local const std::unique_ptr<icu::Transliterator> transliterator = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> t(
        icu::Transliterator::createInstance("Hant-Hans", UTRANS_FORWARD, status));
    return U_SUCCESS(status) ? std::move(t) : nullptr;
  }();
  return transliterator.get();
}

bool IsAsciiLower(char c) { return c >= 'a' && c <= 'z'; }

// "u.s." and "u.s" -> "us": letters each followed by a dot (the last dot
// may be missing), at least two letters.
bool UndotAcronym(std::string* word) {
  const std::string& w = *word;
  if (w.size() < 3) return false;
  size_t letters = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    const bool letter_position = i % 2 == 0;
    if (letter_position ? !IsAsciiLower(w[i]) : w[i] != '.') return false;
    letters += letter_position ? 1 : 0;
  }
  if (letters < 2 || w[1] != '.') return false;
  std::erase(*word, '.');
  return true;
}

// One key per English concept (see TagKey): dotted acronyms undotted, the
// plural of a common head noun made singular, abbreviations expanded.
// Every decision reads the casefolded key only (queries are typed in lower
// case), and each output is a fixed point: a singular is a noun lemma,
// which is left alone; an expansion is a multiword lemma holding no
// abbreviation.
std::string CanonicalEnglish(std::string key) {
  bool ascii_letter = false;
  for (char c : key) {
    if (static_cast<unsigned char>(c) >= 0x80) return key;
    ascii_letter = ascii_letter || IsAsciiLower(c);
  }
  if (!ascii_letter) return key;
  std::vector<std::string> words;
  for (size_t begin = 0; begin <= key.size();) {
    size_t end = key.find(' ', begin);
    if (end == std::string::npos) end = key.size();
    words.emplace_back(key, begin, end - begin);
    begin = end + 1;
  }
  bool changed = false;
  for (std::string& word : words) changed = UndotAcronym(&word) || changed;
  const EnglishLexicon& lexicon = EnglishLexicon::Get();
  std::string phrase;
  const auto join = [&] {
    phrase.clear();
    for (const std::string& word : words) {
      if (!phrase.empty()) phrase.push_back(' ');
      phrase += word;
    }
  };
  join();
  // A multiword lemma ("united states", "los angeles") stays as it is.
  if (words.size() > 1 && lexicon.IsLemma(phrase)) return phrase;
  // The head noun singular, when WordNet says the form inflects a noun
  // and is no noun of its own ("subsidies"; not "news", "physics",
  // "athens").
  std::string& head = words.back();
  bool letters_only = head.size() >= 3;
  for (char c : head) letters_only = letters_only && IsAsciiLower(c);
  if (letters_only && !lexicon.IsLemmaOf(head, EnglishLexicon::kNoun)) {
    std::string scratch;
    const std::string_view lemma = lexicon.NounLemma(head, &scratch);
    if (!lemma.empty() && lemma != head) {
      head.assign(lemma);
      changed = true;
    }
  }
  for (std::string& word : words) {
    const std::string_view name = lexicon.Expansion(word);
    if (!name.empty()) {
      word.assign(name);
      changed = true;
    }
  }
  if (!changed) return key;
  join();
  return phrase;
}

}  // namespace

std::string TagKey(std::string_view name) {
  icu::UnicodeString u =
      icu::UnicodeString::fromUTF8(icu::StringPiece(name.data(), static_cast<int32_t>(name.size())));
  u.foldCase();
  if (MayHoldHan(name)) {
    if (icu::Transliterator* t = TraditionalToSimplified()) t->transliterate(u);
  }
  std::string lowered;
  u.toUTF8String(lowered);
  std::string out;
  out.reserve(lowered.size());
  bool pending_space = false;
  for (char c : lowered) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return CanonicalEnglish(std::move(out));
}

std::string_view CapText(std::string_view text, size_t limit) {
  if (text.size() <= limit) return text;
  // A line end, else a sentence end, in the last quarter of the allowance.
  const size_t floor = limit - limit / 4;
  const std::string_view head = text.substr(0, limit);
  if (const size_t line = head.rfind('\n'); line != std::string_view::npos && line >= floor) {
    return text.substr(0, line + 1);
  }
  size_t best = 0;
  for (std::string_view terminal :
       {std::string_view(". "), std::string_view("! "), std::string_view("? "), std::string_view("\u3002"),
        std::string_view("\uFF01"), std::string_view("\uFF1F")}) {
    const size_t at = head.rfind(terminal);
    if (at != std::string_view::npos && at >= floor) {
      best = std::max(best, at + (terminal.back() == ' ' ? terminal.size() - 1 : terminal.size()));
    }
  }
  if (best > 0) return text.substr(0, best);
  size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

}  // namespace newsflow

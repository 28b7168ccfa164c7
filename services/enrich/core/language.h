// Language identification for article text: CLD2 first, and when CLD2 is not
// confident, a script count that recognises Chinese, Japanese and Korean
// (short Chinese paragraphs and CJK text mixed with Latin names often come
// back from CLD2 as unreliable).
//
// Thread-safe: CLD2 keeps no per-call state outside the stack.
#ifndef NEWSFLOW_SERVICES_ENRICH_CORE_LANGUAGE_H_
#define NEWSFLOW_SERVICES_ENRICH_CORE_LANGUAGE_H_

#include <string>
#include <string_view>

namespace newsflow::enrich {

struct LanguageGuess {
  // ISO 639-1 code where one exists ("en", "zh", "ja"); "und" if unknown.
  // Traditional and simplified Chinese are both "zh".
  std::string code = "und";
  // True when CLD2 reports its answer as reliable, or when the script
  // decides alone (enough Han characters, no kana or hangul: Chinese).
  bool reliable = false;
};

// Identifies the main language of `text` (UTF-8; invalid bytes are
// tolerated). Only the first 32 KiB are examined.
LanguageGuess DetectLanguage(std::string_view text);
// The same with a language the text is likely in ("en"), which CLD2 then
// favours.
LanguageGuess DetectLanguage(std::string_view text, std::string_view hint);

// The language of a short field (a title) of an article whose other text is
// `context`, in language `context_language`. Short text often leaves CLD2
// unsure, and its guess then can be far off ("rw" for an English headline):
// CLD2 is told the context's language as a hint, and an answer that is still
// unreliable gives way to the context's language when the field is written
// in the same script as the context.
LanguageGuess DetectFieldLanguage(std::string_view field, std::string_view context,
                                  const LanguageGuess& context_language);

// True for languages written without spaces between words, which need
// dictionary segmentation and get no spaces inside tags ("zh", "ja").
bool IsUnspacedLanguage(std::string_view code);

}  // namespace newsflow::enrich

#endif  // NEWSFLOW_SERVICES_ENRICH_CORE_LANGUAGE_H_

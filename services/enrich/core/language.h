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
  // True only when CLD2 reports its answer as reliable.
  bool reliable = false;
};

// Identifies the main language of `text` (UTF-8; invalid bytes are
// tolerated). Only the first 32 KiB are examined.
LanguageGuess DetectLanguage(std::string_view text);

// True for languages written without spaces between words, which need
// dictionary segmentation and get no spaces inside tags ("zh", "ja").
bool IsUnspacedLanguage(std::string_view code);

}  // namespace newsflow::enrich

#endif  // NEWSFLOW_SERVICES_ENRICH_CORE_LANGUAGE_H_

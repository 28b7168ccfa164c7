// Case folding and script tests shared by the enrichment code, on code
// points decoded with common/util/utf8.h (included here for them).
//
// Thread-safe: pure functions.
#ifndef NEWSFLOW_SERVICES_ENRICH_CORE_UNICODE_TEXT_H_
#define NEWSFLOW_SERVICES_ENRICH_CORE_UNICODE_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "common/util/utf8.h"

namespace newsflow::enrich {

inline char AsciiToLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Writes the normalised lowercase form of `text` to `*out`: Unicode NFKC
// with case folding (ICU's NFKC_Casefold), so that variants a reader takes
// for one word share a form: "ＡＩ" (full-width) -> "ai", "ﬁle" -> "file",
// "E" + combining acute -> "é", "Straße" -> "strasse". ASCII and common
// CJK ideographs, which it leaves unchanged apart from ASCII case, take a
// fast path.
void ToLower(std::string_view text, std::string* out);

// True for Han ideographs (CJK Unified Ideographs and extensions,
// compatibility ideographs).
bool IsHan(char32_t cp);
bool IsKana(char32_t cp);
bool IsHangul(char32_t cp);

// True if `cp` is an uppercase letter (Unicode general category Lu/Lt).
bool IsUpperLetter(char32_t cp);
// True if `cp` is a letter of any case or script.
bool IsLetter(char32_t cp);

}  // namespace newsflow::enrich

#endif  // NEWSFLOW_SERVICES_ENRICH_CORE_UNICODE_TEXT_H_

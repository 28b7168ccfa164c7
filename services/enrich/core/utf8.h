// Small UTF-8 helpers shared by the enrichment code: code point iteration,
// case folding and script tests. Invalid bytes decode as U+FFFD and never
// read past the end of the input.
//
// Thread-safe: pure functions.
#ifndef NEWSFLOW_SERVICES_ENRICH_CORE_UTF8_H_
#define NEWSFLOW_SERVICES_ENRICH_CORE_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace newsflow::enrich {

inline char AsciiToLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// DecodeUtf8 for anything but ASCII and well-formed three-byte sequences.
char32_t DecodeUtf8Slow(std::string_view text, size_t* pos);

// Decodes the code point starting at `*pos` and advances `*pos` past it.
// REQUIRES: *pos < text.size().
inline char32_t DecodeUtf8(std::string_view text, size_t* pos) {
  const auto lead = static_cast<unsigned char>(text[*pos]);
  if (lead < 0x80) {
    ++*pos;
    return lead;
  }
  // Three bytes: the BMP beyond U+0800, which holds CJK text.
  if ((lead & 0xF0) == 0xE0 && *pos + 2 < text.size()) {
    const auto b1 = static_cast<unsigned char>(text[*pos + 1]);
    const auto b2 = static_cast<unsigned char>(text[*pos + 2]);
    if ((b1 & 0xC0) == 0x80 && (b2 & 0xC0) == 0x80) {
      *pos += 3;
      return (static_cast<char32_t>(lead & 0x0F) << 12) | (static_cast<char32_t>(b1 & 0x3F) << 6) |
             (b2 & 0x3F);
    }
  }
  return DecodeUtf8Slow(text, pos);
}

// Appends the UTF-8 encoding of `cp` to `*out`.
void AppendUtf8(char32_t cp, std::string* out);

// Number of code points in `text`.
size_t CountCodePoints(std::string_view text);

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

#endif  // NEWSFLOW_SERVICES_ENRICH_CORE_UTF8_H_

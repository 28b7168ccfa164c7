// UTF-8: validity, repair, and code point decoding and encoding, for every
// service. Text enters newsflow as bytes (feeds, pages, drop files, API
// requests) and leaves as protobuf `string` fields and JSON, which must hold
// valid UTF-8; the boundary that builds an article from such bytes repairs
// them once with ToValidUtf8 (services/ingest/article_builder.h), and later
// stages rely on proto3's parse check (a `string` field with invalid UTF-8
// fails to parse) instead of repeating it.
//
// "Valid" is well-formed UTF-8 as Unicode defines it: no overlong forms, no
// surrogates, nothing above U+10FFFF. Repair replaces each maximal ill-formed
// subpart with U+FFFD, the practice Unicode recommends (chapter 3, "U+FFFD
// Substitution of Maximal Subparts"), by ICU's U8_NEXT.
//
//   IsValidUtf8("caf\xE9")         == false
//   ToValidUtf8("caf\xE9!")        == "caf\uFFFD!"
//   size_t pos = 0; DecodeUtf8("港", &pos) == U'港', pos == 3
//
// Thread-safe: pure functions.
#ifndef NEWSFLOW_COMMON_UTIL_UTF8_H_
#define NEWSFLOW_COMMON_UTIL_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace newsflow {

// True if `bytes` is well-formed UTF-8. Runs of ASCII are checked eight
// bytes at a time.
bool IsValidUtf8(std::string_view bytes);

// `bytes` with every maximal ill-formed subpart replaced by U+FFFD; a copy
// of `bytes` when it is valid.
std::string ToValidUtf8(std::string_view bytes);

// DecodeUtf8 for anything but ASCII and well-formed three-byte sequences.
char32_t DecodeUtf8Slow(std::string_view text, size_t* pos);

// Decodes the code point starting at `*pos` and advances `*pos` past it; a
// byte that starts no complete sequence decodes as U+FFFD and advances by
// one. Lenient (an overlong form decodes to its value) and fast for ASCII
// and the three-byte sequences of CJK text: it reads text that is already
// valid. Never reads past the end.
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

// Appends the UTF-8 encoding of `cp` to `*out`; a value that is not a
// Unicode scalar value (a surrogate, or past U+10FFFF) appends U+FFFD, so
// the output is always valid UTF-8.
void AppendUtf8(char32_t cp, std::string* out);

// Number of code points in `text` (bytes that are not continuation bytes).
size_t CountCodePoints(std::string_view text);

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_UTIL_UTF8_H_

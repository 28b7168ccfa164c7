#include "services/enrich/core/unicode_text.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

namespace newsflow::enrich {

void ToLower(std::string_view text, std::string* out) {
  out->clear();
  out->reserve(text.size());
  bool ascii = true;
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    for (char c : text) out->push_back(AsciiToLower(c));
    return;
  }
  // Unified ideographs (not the compatibility ones) map to themselves.
  bool stable = true;
  for (size_t pos = 0; pos < text.size() && stable;) {
    const char32_t cp = DecodeUtf8(text, &pos);
    stable = cp < 0x80 || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF);
  }
  if (stable) {
    for (char c : text) out->push_back(AsciiToLower(c));
    return;
  }
  UErrorCode status = U_ZERO_ERROR;
  // ICU owns the instance; it is thread-safe.
  const icu::Normalizer2* nfkc_casefold = icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_SUCCESS(status)) {
    const icu::UnicodeString folded = nfkc_casefold->normalize(
        icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size()))),
        status);
    if (U_SUCCESS(status)) {
      folded.toUTF8String(*out);
      return;
    }
  }
  // Without ICU's normalisation data: simple case mapping.
  for (size_t pos = 0; pos < text.size();) {
    AppendUtf8(static_cast<char32_t>(u_tolower(static_cast<UChar32>(DecodeUtf8(text, &pos)))), out);
  }
}

bool IsHan(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x20000 && cp <= 0x2EBEF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0x30000 && cp <= 0x3134F);
}

bool IsKana(char32_t cp) {
  return (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF) || (cp >= 0xFF66 && cp <= 0xFF9F);
}

bool IsHangul(char32_t cp) {
  return (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x3130 && cp <= 0x318F);
}

bool IsUpperLetter(char32_t cp) {
  if (cp < 0x80) return cp >= 'A' && cp <= 'Z';
  const int8_t type = u_charType(static_cast<UChar32>(cp));
  return type == U_UPPERCASE_LETTER || type == U_TITLECASE_LETTER;
}

bool IsLetter(char32_t cp) {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z');
  return u_isalpha(static_cast<UChar32>(cp));
}

}  // namespace newsflow::enrich

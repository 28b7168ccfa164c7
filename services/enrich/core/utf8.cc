#include "services/enrich/core/utf8.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

namespace newsflow::enrich {

char32_t DecodeUtf8Slow(std::string_view text, size_t* pos) {
  constexpr char32_t kReplacement = 0xFFFD;
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(*pos);
  if (lead < 0x80) {
    ++*pos;
    return lead;
  }
  int extra = 0;
  char32_t cp = 0;
  if ((lead & 0xE0) == 0xC0) {
    extra = 1;
    cp = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    extra = 2;
    cp = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    extra = 3;
    cp = lead & 0x07;
  } else {
    ++*pos;
    return kReplacement;
  }
  if (*pos + static_cast<size_t>(extra) >= text.size()) {
    // Truncated sequence at the end of the text.
    ++*pos;
    return kReplacement;
  }
  for (int i = 1; i <= extra; ++i) {
    const unsigned char next = byte(*pos + i);
    if ((next & 0xC0) != 0x80) {
      ++*pos;
      return kReplacement;
    }
    cp = (cp << 6) | (next & 0x3F);
  }
  *pos += static_cast<size_t>(extra) + 1;
  return cp;
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

size_t CountCodePoints(std::string_view text) {
  size_t count = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

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
  return (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF) ||
         (cp >= 0xFF66 && cp <= 0xFF9F);
}

bool IsHangul(char32_t cp) {
  return (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0x1100 && cp <= 0x11FF) ||
         (cp >= 0x3130 && cp <= 0x318F);
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

#include "services/enrich/core/chinese_script.h"

#include <unicode/translit.h>
#include <unicode/unistr.h>
#include <unicode/utypes.h>

#include <memory>
#include <vector>

#include "common/util/utf8.h"

namespace newsflow::enrich {
namespace {

// CJK Unified Ideographs and Extension A: every ideograph that takes three
// UTF-8 bytes.
constexpr char32_t kRanges[][2] = {{0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xF900, 0xFAFF}};

bool ThreeByteIdeograph(char32_t cp) {
  for (const auto& range : kRanges) {
    if (cp >= range[0] && cp <= range[1]) return true;
  }
  return false;
}

// Dense over the code points from kRanges' first to its last: two array
// reads per character, since every Chinese text is checked.
constexpr char32_t kFirst = 0x3400;
constexpr char32_t kLast = 0xFAFF;

struct Table {
  // Traditional -> simplified; 0 where a character is kept.
  std::vector<char32_t> simplified = std::vector<char32_t>(kLast - kFirst + 1, 0);
  // Simplified forms that are no traditional one.
  std::vector<bool> simplified_only = std::vector<bool>(kLast - kFirst + 1, false);

  char32_t SimplifiedOf(char32_t cp) const {
    return cp >= kFirst && cp <= kLast ? simplified[cp - kFirst] : 0;
  }
  bool SimplifiedOnly(char32_t cp) const {
    return cp >= kFirst && cp <= kLast && simplified_only[cp - kFirst];
  }
};

// Empty when ICU lacks the transform: text is then analysed as written.
const Table& SimplifiedTable() {
  static const Table* const kTable = [] {
    auto* table = new Table();
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> transform(
        icu::Transliterator::createInstance("Traditional-Simplified", UTRANS_FORWARD, status));
    if (U_FAILURE(status) || transform == nullptr) return table;
    for (const auto& range : kRanges) {
      for (char32_t cp = range[0]; cp <= range[1]; ++cp) {
        icu::UnicodeString s(static_cast<UChar32>(cp));
        transform->transliterate(s);
        if (s.countChar32() != 1) continue;
        const auto simplified = static_cast<char32_t>(s.char32At(0));
        if (simplified != cp && ThreeByteIdeograph(simplified)) table->simplified[cp - kFirst] = simplified;
      }
    }
    for (const char32_t to : table->simplified) {
      if (to != 0 && table->simplified[to - kFirst] == 0) table->simplified_only[to - kFirst] = true;
    }
    return table;
  }();
  return *kTable;
}

}  // namespace

bool ToSimplifiedChinese(std::string_view text, std::string* out) {
  const Table& table = SimplifiedTable();
  out->assign(text);
  // Simplified text also holds characters the transform would change (著 of
  // 著名, 乾 of 乾隆): only a text whose traditional forms outnumber its
  // simplified ones is converted.
  size_t traditional = 0;
  size_t simplified = 0;
  for (size_t pos = 0; pos < text.size();) {
    const size_t begin = pos;
    const char32_t cp = DecodeUtf8(text, &pos);
    if (pos - begin != 3) continue;
    traditional += table.SimplifiedOf(cp) != 0 ? 1 : 0;
    simplified += table.SimplifiedOnly(cp) ? 1 : 0;
  }
  if (traditional <= simplified) return false;
  bool changed = false;
  for (size_t pos = 0; pos < text.size();) {
    const size_t begin = pos;
    const char32_t cp = DecodeUtf8(text, &pos);
    if (pos - begin != 3) continue;
    const char32_t to = table.SimplifiedOf(cp);
    if (to == 0) continue;
    (*out)[begin] = static_cast<char>(0xE0 | (to >> 12));
    (*out)[begin + 1] = static_cast<char>(0x80 | ((to >> 6) & 0x3F));
    (*out)[begin + 2] = static_cast<char>(0x80 | (to & 0x3F));
    changed = true;
  }
  return changed;
}

std::string InOriginalScript(std::string_view shown, std::string_view converted, std::string_view original) {
  const size_t at = converted.find(shown);
  if (at == std::string_view::npos || converted.size() != original.size()) return std::string(shown);
  return std::string(original.substr(at, shown.size()));
}

}  // namespace newsflow::enrich

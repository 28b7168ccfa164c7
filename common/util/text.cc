#include "common/util/text.h"

#include <unicode/translit.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <memory>

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

}  // namespace

std::string TagKey(std::string_view name) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(name.data(), static_cast<int32_t>(name.size())));
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
  return out;
}

std::string ValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(s.size());
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  while (i < n) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0) {
      out += "\xEF\xBF\xBD";
    } else {
      out.append(s.data() + start, static_cast<std::size_t>(i - start));
    }
  }
  return out;
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
  for (std::string_view terminal : {std::string_view(". "), std::string_view("! "),
                                    std::string_view("? "), std::string_view("\u3002"),
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

// Small text helpers shared by services.
#ifndef NEWSFLOW_COMMON_UTIL_TEXT_H_
#define NEWSFLOW_COMMON_UTIL_TEXT_H_

#include <string>
#include <string_view>

namespace newsflow {

// The key a tag is indexed, published and queried under: Unicode lower case
// (ICU, locale-independent), traditional Chinese characters made simplified
// (ICU's Hant-Hans), whitespace runs collapsed to one space, trimmed.
// "Export  Controls" -> "export controls"; "經濟" and "经济" -> "经济".
std::string TagKey(std::string_view name);

// Replaces invalid UTF-8 sequences with U+FFFD so protobuf string fields and
// JSON output always hold valid UTF-8.
std::string ValidUtf8(std::string_view s);

// The first `limit` bytes of `text` or less: up to the last line end, else
// sentence end (". ", "。", ...), in the last quarter of them, else up to a
// UTF-8 character boundary. `text` itself when it is no longer.
std::string_view CapText(std::string_view text, size_t limit);

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_UTIL_TEXT_H_

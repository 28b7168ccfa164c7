// Character-set helpers for ingest: recognising what encoding a document
// declares and converting legacy encodings to UTF-8 with ICU.
//
//   absl::StatusOr<std::string> utf8 = ConvertToUtf8(bytes, "gb2312");
//
// Pure functions, thread-safe.
#ifndef NEWSFLOW_SERVICES_INGEST_FEED_CHARSET_H_
#define NEWSFLOW_SERVICES_INGEST_FEED_CHARSET_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace newsflow::ingest {

// The encoding named in an XML declaration at the start of `bytes`
// (`<?xml version="1.0" encoding="gb2312"?>`), lower-cased, or "" if there is
// no declaration, it names no encoding, or the document is not in an
// ASCII-compatible encoding (UTF-16/32 are detected from their byte patterns
// by the XML parser, not from the declaration).
std::string DeclaredXmlEncoding(std::string_view bytes);

// True if `bytes` is well-formed UTF-8 (no overlongs, surrogates or code
// points above U+10FFFF).
bool IsValidUtf8(std::string_view bytes);

// Returns `bytes` with every ill-formed UTF-8 sequence replaced by U+FFFD.
std::string ToValidUtf8(std::string_view bytes);

// Converts `bytes` from `charset` (any name or alias ICU knows) to UTF-8;
// unmappable bytes become U+FFFD. GB2312 and GBK are decoded as GB18030, their
// superset, because documents labelled GB2312 routinely use GBK characters.
// Returns InvalidArgument if ICU has no converter for `charset`.
absl::StatusOr<std::string> ConvertToUtf8(std::string_view bytes, std::string_view charset);

}  // namespace newsflow::ingest

#endif  // NEWSFLOW_SERVICES_INGEST_FEED_CHARSET_H_

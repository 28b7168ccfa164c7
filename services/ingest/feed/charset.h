// Character-set helpers for ingest: recognising what encoding a document
// declares and converting legacy encodings to UTF-8 with ICU. UTF-8 validity
// and repair (IsValidUtf8, ToValidUtf8) are common/util/utf8.h, included
// here for the decoders that use both.
//
//   absl::StatusOr<std::string> utf8 = ConvertToUtf8(bytes, "gb2312");
//
// Pure functions, thread-safe.
#ifndef NEWSFLOW_SERVICES_INGEST_FEED_CHARSET_H_
#define NEWSFLOW_SERVICES_INGEST_FEED_CHARSET_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/util/utf8.h"

namespace newsflow::ingest {

// The encoding named in an XML declaration at the start of `bytes`
// (`<?xml version="1.0" encoding="gb2312"?>`), lower-cased, or "" if there is
// no declaration, it names no encoding, or the document is not in an
// ASCII-compatible encoding (UTF-16/32 are detected from their byte patterns
// by the XML parser, not from the declaration).
std::string DeclaredXmlEncoding(std::string_view bytes);

// Converts `bytes` from `charset` (any name or alias ICU knows) to UTF-8;
// unmappable bytes become U+FFFD. GB2312 and GBK are decoded as GB18030, their
// superset, because documents labelled GB2312 routinely use GBK characters.
// If `had_errors` is given, it tells whether any byte sequence was illegal or
// unmappable in `charset` (and so replaced).
// Returns InvalidArgument if ICU has no converter for `charset`.
absl::StatusOr<std::string> ConvertToUtf8(std::string_view bytes, std::string_view charset,
                                          bool* had_errors = nullptr);

// Guesses the charset of `bytes` from their content alone, with ICU's
// statistical detector run over the whole document (markup ignored; at most
// the first 8 MiB). Meant for documents whose bytes are not valid in the
// encoding they declare, or in UTF-8 when they declare none:
//
//   if (!IsValidUtf8(body)) {
//     if (std::optional<std::string> charset = DetectCharset(body)) ...
//   }
//
// Returns the detector's name for its best match ("Big5", "EUC-KR",
// "Shift_JIS", "GB18030", "EUC-JP", "KOI8-R", "windows-1251", ...) if it is
// confident and `bytes` decode in that charset without a single error;
// nullopt otherwise. Unicode encodings, ASCII and ISO-8859-1/windows-1252
// are never returned: callers try those anyway, the last as their fallback.
std::optional<std::string> DetectCharset(std::string_view bytes);

}  // namespace newsflow::ingest

#endif  // NEWSFLOW_SERVICES_INGEST_FEED_CHARSET_H_

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

// How a document was received, for DecodeXmlBytes.
struct XmlHttpInfo {
  bool fetched = false;           // received over HTTP
  bool has_content_type = false;  // the response had a Content-Type header
  std::string content_type;       // its value, e.g. "text/xml; charset=utf-8"
};

// Why DecodeXmlBytes had to second-guess the document.
enum class XmlEncodingProblem {
  kNone,
  kNotXmlMediaType,  // fetched over HTTP with a media type that is not XML
  kOverridden,       // not valid in the encoding RFC 3023 gives; another one worked
  kUnknown,          // no candidate decoded the bytes; invalid ones were replaced
};

struct XmlDecoding {
  // The document as UTF-8, its XML declaration (if any) replaced by one
  // that says utf-8, and a byte-order mark dropped.
  std::string utf8;
  std::string encoding;  // the encoding used, as named by its source; "" if unknown
  XmlEncodingProblem problem = XmlEncodingProblem::kNone;
  std::string message;  // what the problem was; "" if none
};

// Decodes an XML document by RFC 3023's rules, as Universal Feed Parser does:
// for application/xml (and */*+xml) the HTTP charset, else the XML
// declaration, else utf-8; for text/xml (and text/*+xml) the HTTP charset,
// else us-ascii; a byte-order mark or the UTF-16/32 byte pattern of "<?"
// stands in for an absent declaration. If the bytes are not valid in that
// encoding (strict decoding, Python's codec names), the declaration, the
// byte pattern, DetectCharset, utf-8, windows-1252 and iso-8859-2 are tried
// in turn (kOverridden). Never fails: kUnknown if nothing fits.
XmlDecoding DecodeXmlBytes(std::string_view bytes, const XmlHttpInfo& http);

// The name of the exception Universal Feed Parser reports for `problem`
// ("CharacterEncodingOverride", ...); "" for kNone.
const char* XmlEncodingProblemName(XmlEncodingProblem problem);

}  // namespace newsflow::ingest

#endif  // NEWSFLOW_SERVICES_INGEST_FEED_CHARSET_H_

#include "services/ingest/feed/charset.h"

#include <unicode/ucnv.h>
#include <unicode/ucnv_err.h>
#include <unicode/ucsdet.h>
#include <unicode/ustring.h>
#include <unicode/utypes.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "common/util/utf8.h"

namespace newsflow::ingest {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A to-Unicode callback that substitutes like ICU's default and notes in
// `context` (a bool*) that it had to.
void SubstituteAndNote(const void* context, UConverterToUnicodeArgs* args, const char* units, int32_t length,
                       UConverterCallbackReason reason, UErrorCode* error) {
  if (reason <= UCNV_IRREGULAR) *static_cast<bool*>(const_cast<void*>(context)) = true;
  UCNV_TO_U_CALLBACK_SUBSTITUTE(nullptr, args, units, length, reason, error);
}

// ---------------------------------------------------------------------------
// DecodeXmlBytes: strict decoders with Python's codec semantics, and the
// RFC 3023 precedence of HTTP charset, XML declaration and byte patterns.

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
void ReplaceAll(std::string* s, std::string_view from, std::string_view to) {
  size_t pos = 0;
  while ((pos = s->find(from, pos)) != std::string::npos) {
    s->replace(pos, from.size(), to);
    pos += to.size();
  }
}
std::string_view Strip(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::optional<std::string> DecodeAscii(std::string_view b) {
  for (char c : b) {
    if (static_cast<unsigned char>(c) >= 0x80) return std::nullopt;
  }
  return std::string(b);
}

std::string DecodeLatin1(std::string_view b) {
  std::string out;
  out.reserve(b.size() * 2);
  for (char c : b) AppendUtf8(static_cast<char32_t>(static_cast<unsigned char>(c)), &out);
  return out;
}

std::optional<std::string> DecodeCp1252(std::string_view b) {
  static constexpr unsigned kC1[32] = {0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                       0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
                                       0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                       0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};
  std::string out;
  out.reserve(b.size() * 2);
  for (char ch : b) {
    unsigned c = static_cast<unsigned char>(ch);
    if (c >= 0x80 && c < 0xA0) {
      if (kC1[c - 0x80] == 0) return std::nullopt;
      AppendUtf8(static_cast<char32_t>(kC1[c - 0x80]), &out);
    } else {
      AppendUtf8(static_cast<char32_t>(c), &out);
    }
  }
  return out;
}

std::optional<std::string> DecodeUtf16(std::string_view b, bool big_endian) {
  if (b.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(b.size());
  for (size_t i = 0; i + 1 < b.size(); i += 2) {
    auto unit = [&](size_t k) -> unsigned {
      unsigned a = static_cast<unsigned char>(b[k]);
      unsigned c = static_cast<unsigned char>(b[k + 1]);
      return big_endian ? (a << 8 | c) : (c << 8 | a);
    };
    unsigned u = unit(i);
    if (u >= 0xD800 && u <= 0xDBFF) {
      if (i + 3 >= b.size()) return std::nullopt;
      unsigned lo = unit(i + 2);
      if (lo < 0xDC00 || lo > 0xDFFF) return std::nullopt;
      AppendUtf8(static_cast<char32_t>(0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00)), &out);
      i += 2;
    } else if (u >= 0xDC00 && u <= 0xDFFF) {
      return std::nullopt;
    } else {
      AppendUtf8(static_cast<char32_t>(u), &out);
    }
  }
  return out;
}

std::optional<std::string> DecodeUtf32(std::string_view b, bool big_endian) {
  if (b.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(b.size());
  for (size_t i = 0; i + 3 < b.size(); i += 4) {
    unsigned v = 0;
    for (int k = 0; k < 4; ++k) {
      unsigned byte = static_cast<unsigned char>(b[i + (big_endian ? k : 3 - k)]);
      v = v << 8 | byte;
    }
    if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return std::nullopt;
    AppendUtf8(static_cast<char32_t>(v), &out);
  }
  return out;
}

// Strict decoding with ICU: fails on any illegal or unmappable byte.
std::optional<std::string> DecodeIcu(std::string_view b, const std::string& name) {
  UErrorCode status = U_ZERO_ERROR;
  UConverter* conv = ucnv_open(name.c_str(), &status);
  if (U_FAILURE(status) || conv == nullptr) return std::nullopt;
  std::unique_ptr<UConverter, void (*)(UConverter*)> guard(conv, ucnv_close);
  ucnv_setToUCallBack(conv, UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  if (U_FAILURE(status)) return std::nullopt;
  std::vector<UChar> units(b.size() * 2 + 16);
  status = U_ZERO_ERROR;
  int32_t len = ucnv_toUChars(conv, units.data(), static_cast<int32_t>(units.size()), b.data(),
                              static_cast<int32_t>(b.size()), &status);
  if (U_FAILURE(status)) return std::nullopt;
  std::string utf16;
  utf16.reserve(static_cast<size_t>(len) * 2);
  for (int32_t i = 0; i < len; ++i) {
    utf16 += static_cast<char>(units[i] >> 8);
    utf16 += static_cast<char>(units[i] & 0xFF);
  }
  return DecodeUtf16(utf16, true);
}

// Decodes `b` as Python's codec `encoding` would in strict mode; nullopt if
// the bytes are not valid in it or the codec is unknown.
std::optional<std::string> DecodeAs(std::string_view b, const std::string& encoding) {
  std::string e = Lower(encoding);
  std::string norm;
  for (char c : e) norm += (c == '_' ? '-' : c);
  if (norm == "utf-8" || norm == "utf8" || norm == "u8") {
    if (!IsValidUtf8(b)) return std::nullopt;
    return std::string(b);
  }
  if (norm == "us-ascii" || norm == "ascii" || norm == "646" || norm == "us") return DecodeAscii(b);
  if (norm == "iso-8859-1" || norm == "latin-1" || norm == "latin1" || norm == "iso8859-1" || norm == "l1" ||
      norm == "8859" || norm == "cp819") {
    return DecodeLatin1(b);
  }
  if (norm == "windows-1252" || norm == "cp1252") return DecodeCp1252(b);
  if (norm == "utf-16be") return DecodeUtf16(b, true);
  if (norm == "utf-16le") return DecodeUtf16(b, false);
  if (norm == "utf-32be") return DecodeUtf32(b, true);
  if (norm == "utf-32le") return DecodeUtf32(b, false);
  if (norm == "utf-16" || norm == "utf16") {
    if (StartsWith(b, "\xFE\xFF")) return DecodeUtf16(b.substr(2), true);
    if (StartsWith(b, "\xFF\xFE")) return DecodeUtf16(b.substr(2), false);
    return DecodeUtf16(b, false);
  }
  if (norm == "utf-32" || norm == "utf32") {
    if (StartsWith(b, std::string_view("\x00\x00\xFE\xFF", 4))) return DecodeUtf32(b.substr(4), true);
    if (StartsWith(b, std::string_view("\xFF\xFE\x00\x00", 4))) return DecodeUtf32(b.substr(4), false);
    return DecodeUtf32(b, false);
  }
  if (norm == "cp037" || norm == "ebcdic-cp-us") return DecodeIcu(b, "ibm-37");
  // Names Python does not know must not decode.
  if (norm.empty() || norm.find(' ') != std::string::npos) return std::nullopt;
  return DecodeIcu(b, norm);
}

// Parses "type/subtype; a=b; c="d"" like cgi.parse_header.
std::pair<std::string, std::map<std::string, std::string>> ParseContentType(std::string_view value) {
  std::vector<std::string> parts;
  std::string cur;
  bool quoted = false;
  for (char c : value) {
    if (c == '"') quoted = !quoted;
    if (c == ';' && !quoted) {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  std::string key(Strip(parts[0]));
  key = Lower(key);
  std::map<std::string, std::string> params;
  for (size_t i = 1; i < parts.size(); ++i) {
    size_t eq = parts[i].find('=');
    if (eq == std::string::npos) continue;
    std::string name = Lower(Strip(std::string_view(parts[i]).substr(0, eq)));
    std::string v(Strip(std::string_view(parts[i]).substr(eq + 1)));
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
      v = v.substr(1, v.size() - 2);
      ReplaceAll(&v, "\\\\", "\\");
      ReplaceAll(&v, "\\\"", "\"");
    }
    params[name] = v;
  }
  return {key, params};
}

XmlDecoding DecodeXmlBytesImpl(std::string_view data, const XmlHttpInfo& http) {
  XmlDecoding out;
  std::string bom_encoding;
  auto starts = [&](std::string_view p) { return StartsWith(data, p); };
  if (starts(std::string_view("\x00\x00\xFE\xFF", 4))) {
    bom_encoding = "utf-32be";
    data.remove_prefix(4);
  } else if (starts(std::string_view("\xFF\xFE\x00\x00", 4))) {
    bom_encoding = "utf-32le";
    data.remove_prefix(4);
  } else if (starts("\xFE\xFF")) {
    bom_encoding = "utf-16be";
    data.remove_prefix(2);
  } else if (starts("\xFF\xFE")) {
    bom_encoding = "utf-16le";
    data.remove_prefix(2);
  } else if (starts("\xEF\xBB\xBF")) {
    bom_encoding = "utf-8";
    data.remove_prefix(3);
  } else if (starts("\x4C\x6F\xA7\x94")) {
    bom_encoding = "cp037";
  } else if (starts(std::string_view("\x00\x3C\x00\x3F", 4))) {
    bom_encoding = "utf-16be";
  } else if (starts(std::string_view("\x3C\x00\x3F\x00", 4))) {
    bom_encoding = "utf-16le";
  } else if (starts(std::string_view("\x00\x00\x00\x3C", 4))) {
    bom_encoding = "utf-32be";
  } else if (starts(std::string_view("\x3C\x00\x00\x00", 4))) {
    bom_encoding = "utf-32le";
  }
  std::string xml_encoding;
  std::optional<std::string> temp;
  if (!bom_encoding.empty()) {
    temp = DecodeAs(data, bom_encoding);
  } else {
    temp = std::string(data.substr(0, std::min<size_t>(data.size(), 4096)));
  }
  if (temp) {
    // ^<\?.*encoding=['"](.*?)['"].*\?>   ('.' does not cross newlines)
    const std::string& t = *temp;
    if (StartsWith(t, "<?")) {
      size_t line_end = t.find('\n');
      std::string_view line = std::string_view(t).substr(0, line_end);
      size_t close = line.rfind("?>");
      size_t enc = line.find("encoding=");
      if (close != std::string_view::npos && enc != std::string_view::npos) {
        // The greedy ".*" takes the last "encoding=" that still leaves "?>".
        size_t best = std::string_view::npos;
        for (size_t p = enc; p != std::string_view::npos; p = line.find("encoding=", p + 1)) {
          size_t q = p + 9;
          if (q < line.size() && (line[q] == '"' || line[q] == '\'')) {
            size_t r = line.find_first_of("\"'", q + 1);
            if (r != std::string_view::npos && line.find("?>", r + 1) != std::string_view::npos) best = p;
          }
        }
        if (best != std::string_view::npos) {
          size_t q = best + 10;
          size_t r = line.find_first_of("\"'", q);
          xml_encoding = Lower(line.substr(q, r - q));
        }
      }
    }
    static const char* kUnicodeNames[] = {
        "u16",    "utf-16",          "utf16",           "utf_16", "u32",       "utf-32", "utf32",
        "utf_32", "iso-10646-ucs-2", "iso-10646-ucs-4", "csucs4", "csunicode", "ucs-2",  "ucs-4"};
    if (!bom_encoding.empty()) {
      for (const char* name : kUnicodeNames) {
        if (xml_encoding == name) xml_encoding = bom_encoding;
      }
    }
  }
  const std::string& content_type_header = http.content_type;
  const bool has_content_type = http.has_content_type;
  auto [http_content_type, params] = ParseContentType(content_type_header);
  std::string http_encoding = params.count("charset") ? params["charset"] : "";
  http_encoding.erase(std::remove(http_encoding.begin(), http_encoding.end(), '\''), http_encoding.end());
  bool acceptable = false;
  std::string rfc3023;
  if (http_content_type == "application/xml" || http_content_type == "application/xml-dtd" ||
      http_content_type == "application/xml-external-parsed-entity" ||
      (StartsWith(http_content_type, "application/") && EndsWith(http_content_type, "+xml"))) {
    acceptable = true;
    rfc3023 = !http_encoding.empty() ? http_encoding : !xml_encoding.empty() ? xml_encoding : "utf-8";
  } else if (http_content_type == "text/xml" || http_content_type == "text/xml-external-parsed-entity" ||
             (StartsWith(http_content_type, "text/") && EndsWith(http_content_type, "+xml"))) {
    acceptable = true;
    rfc3023 = !http_encoding.empty() ? http_encoding : "us-ascii";
  } else if (StartsWith(http_content_type, "text/")) {
    rfc3023 = !http_encoding.empty() ? http_encoding : "us-ascii";
  } else if (http.fetched && !has_content_type) {
    rfc3023 = !xml_encoding.empty() ? xml_encoding : "iso-8859-1";
  } else {
    rfc3023 = !xml_encoding.empty() ? xml_encoding : "utf-8";
  }
  if (Lower(rfc3023) == "gb2312") rfc3023 = "gb18030";
  if (xml_encoding == "gb2312") xml_encoding = "gb18030";
  if (http.fetched && !acceptable) {
    out.problem = XmlEncodingProblem::kNotXmlMediaType;
    out.message =
        has_content_type ? content_type_header + " is not an XML media type" : "no Content-type specified";
  }
  std::vector<std::string> tried;
  std::string proposed;
  bool known = false;
  // As feedparser does with chardet installed: when the declared and
  // signalled encodings fail, a guess from the bytes themselves
  // (DetectCharset, computed only if needed) comes before the fallbacks.
  constexpr size_t kDetectedSlot = 3;
  std::vector<std::string> candidates = {rfc3023, xml_encoding,   bom_encoding, "",
                                         "utf-8", "windows-1252", "iso-8859-2"};
  for (size_t slot = 0; slot < candidates.size(); ++slot) {
    if (slot == kDetectedSlot) candidates[slot] = DetectCharset(data).value_or("");
    const std::string& candidate = candidates[slot];
    if (candidate.empty()) continue;
    if (std::find(tried.begin(), tried.end(), candidate) != tried.end()) continue;
    tried.push_back(candidate);
    std::optional<std::string> decoded = DecodeAs(data, candidate);
    if (!decoded) continue;
    known = true;
    proposed = candidate;
    std::string& text = *decoded;
    constexpr std::string_view kDecl = "<?xml version='1.0' encoding='utf-8'?>";
    if (StartsWith(text, "<?xml")) {
      size_t gt = text.find('>');
      if (gt != std::string::npos) {
        out.utf8 = std::string(kDecl) + text.substr(gt + 1);
      } else {
        out.utf8 = std::string(kDecl) + "\n" + text;
      }
    } else {
      out.utf8 = std::string(kDecl) + "\n" + text;
    }
    break;
  }
  if (!known) {
    out.problem = XmlEncodingProblem::kUnknown;
    out.message = "document encoding unknown, I tried " + rfc3023 + ", " + xml_encoding +
                  ", utf-8, windows-1252, and iso-8859-2 but nothing worked";
    out.encoding = "";
    out.utf8 = ToValidUtf8(data);
  } else if (proposed != rfc3023) {
    out.problem = XmlEncodingProblem::kOverridden;
    out.message = "document declared as " + rfc3023 + ", but parsed as " + proposed;
    out.encoding = proposed;
  } else {
    out.encoding = rfc3023;
  }
  return out;
}

}  // namespace

std::string DeclaredXmlEncoding(std::string_view bytes) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  if (bytes.substr(0, 5) != "<?xml") return "";
  size_t end = bytes.find("?>");
  if (end == std::string_view::npos) return "";
  std::string_view decl = bytes.substr(0, end);
  size_t pos = decl.find("encoding");
  if (pos == std::string_view::npos) return "";
  pos += 8;
  while (pos < decl.size() && (decl[pos] == ' ' || decl[pos] == '\t' || decl[pos] == '\r' ||
                               decl[pos] == '\n' || decl[pos] == '=')) {
    ++pos;
  }
  if (pos >= decl.size() || (decl[pos] != '"' && decl[pos] != '\'')) return "";
  char quote = decl[pos++];
  size_t close = decl.find(quote, pos);
  if (close == std::string_view::npos) return "";
  return Lower(decl.substr(pos, close - pos));
}

absl::StatusOr<std::string> ConvertToUtf8(std::string_view bytes, std::string_view charset,
                                          bool* had_errors) {
  std::string name = Lower(charset);
  if (name == "gb2312" || name == "gbk" || name == "x-gbk" || name == "cp936" || name == "euc-cn" ||
      name == "csgb2312" || name == "windows-936") {
    name = "gb18030";
  }
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, decltype(&ucnv_close)> converter(ucnv_open(name.c_str(), &status), &ucnv_close);
  if (U_FAILURE(status) || converter == nullptr) {
    return absl::InvalidArgumentError("charset: no converter for \"" + name + "\"");
  }
  if (bytes.size() > static_cast<size_t>(INT32_MAX / 2)) {
    return absl::InvalidArgumentError("charset: input too large");
  }
  if (had_errors != nullptr) {
    *had_errors = false;
    ucnv_setToUCallBack(converter.get(), &SubstituteAndNote, had_errors, nullptr, nullptr, &status);
    if (U_FAILURE(status)) {
      return absl::InternalError("charset: cannot set the conversion callback");
    }
  }
  // Each input byte yields at most two UTF-16 units.
  std::vector<UChar> utf16(bytes.size() * 2 + 1);
  int32_t units = ucnv_toUChars(converter.get(), utf16.data(), static_cast<int32_t>(utf16.size()),
                                bytes.data(), static_cast<int32_t>(bytes.size()), &status);
  if (U_FAILURE(status)) {
    return absl::InvalidArgumentError("charset: cannot decode as \"" + name + "\": " + u_errorName(status));
  }
  std::string out(static_cast<size_t>(units) * 3 + 1, '\0');
  int32_t length = 0;
  status = U_ZERO_ERROR;
  u_strToUTF8WithSub(out.data(), static_cast<int32_t>(out.size()), &length, utf16.data(), units, 0xFFFD,
                     nullptr, &status);
  if (U_FAILURE(status)) {
    return absl::InvalidArgumentError("charset: cannot encode UTF-8: " + std::string(u_errorName(status)));
  }
  out.resize(static_cast<size_t>(length));
  return out;
}

namespace {

// Thai in TIS-620 (or its superset windows-874), which ICU's detector does
// not know. TIS-620 leaves 0x80-0xA0, 0xDB-0xDE and 0xFC-0xFF unassigned
// (windows-874 puts a few punctuation marks in 0x80-0x9F). Thai writing is
// recognisable by its combining vowels and tone marks (0xD1, 0xD4-0xDA,
// 0xE7-0xEE), which follow a consonant (0xA1-0xCE) or another mark; Latin
// text in windows-1252, whose letters share the byte range, puts its high
// bytes between ASCII letters instead.
bool LooksLikeThai(std::string_view bytes) {
  const auto is_consonant = [](unsigned char c) { return c >= 0xA1 && c <= 0xCE; };
  const auto is_mark = [](unsigned char c) {
    return c == 0xD1 || (c >= 0xD4 && c <= 0xDA) || (c >= 0xE7 && c <= 0xEE);
  };
  size_t high = 0;
  size_t marks = 0;
  size_t attached_marks = 0;
  unsigned char previous = 0;
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) {
      ++high;
      const bool punctuation_874 = c == 0x80 || c == 0x85 || (c >= 0x91 && c <= 0x97);
      if ((c <= 0xA0 && !punctuation_874) || (c >= 0xDB && c <= 0xDE) || c >= 0xFC) return false;
      if (is_mark(c)) {
        ++marks;
        if (is_consonant(previous) || is_mark(previous)) ++attached_marks;
      }
    }
    previous = c;
  }
  constexpr size_t kMinHighBytes = 32;
  return high >= kMinHighBytes && marks * 10 >= high && attached_marks * 10 >= marks * 9;
}

}  // namespace

std::optional<std::string> DetectCharset(std::string_view bytes) {
  // Enough text for any feed; bounds the time on huge inputs.
  constexpr size_t kMaxDetectedBytes = 8 << 20;
  // ICU's confidence (0-100) below which a guess is not used. Multi-byte
  // charsets with real text score near 100; single-byte ones lower (a Russian
  // KOI8-R feed about 65); noise about 10.
  constexpr int32_t kMinConfidence = 50;
  bytes = bytes.substr(0, kMaxDetectedBytes);
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UCharsetDetector, decltype(&ucsdet_close)> detector(ucsdet_open(&status), &ucsdet_close);
  if (U_FAILURE(status) || detector == nullptr) return std::nullopt;
  ucsdet_enableInputFilter(detector.get(), true);  // skip <tags>
  ucsdet_setText(detector.get(), bytes.data(), static_cast<int32_t>(bytes.size()), &status);
  const UCharsetMatch* match = ucsdet_detect(detector.get(), &status);
  int32_t confidence = 0;
  const char* name = nullptr;
  if (U_SUCCESS(status) && match != nullptr) {
    confidence = ucsdet_getConfidence(match, &status);
    name = ucsdet_getName(match, &status);
  }
  std::string charset = U_SUCCESS(status) && name != nullptr ? name : "";
  std::string lower = Lower(charset);
  if (charset.empty() || confidence < kMinConfidence || lower.rfind("utf-", 0) == 0 || lower == "us-ascii" ||
      lower == "iso-8859-1" || lower == "windows-1252") {
    // Nothing ICU knows, or only Latin: perhaps Thai, which it does not.
    if (!LooksLikeThai(bytes)) return std::nullopt;
    charset = "TIS-620";
  }
  bool had_errors = false;
  absl::StatusOr<std::string> decoded = ConvertToUtf8(bytes, charset, &had_errors);
  if (charset == "TIS-620" && (!decoded.ok() || had_errors)) {
    charset = "windows-874";  // TIS-620 plus punctuation in 0x80-0x9F
    had_errors = false;
    decoded = ConvertToUtf8(bytes, charset, &had_errors);
  }
  if (!decoded.ok() || had_errors) return std::nullopt;
  return charset;
}

XmlDecoding DecodeXmlBytes(std::string_view bytes, const XmlHttpInfo& http) {
  return DecodeXmlBytesImpl(bytes, http);
}

const char* XmlEncodingProblemName(XmlEncodingProblem problem) {
  switch (problem) {
    case XmlEncodingProblem::kNone:
      return "";
    case XmlEncodingProblem::kNotXmlMediaType:
      return "NonXMLContentType";
    case XmlEncodingProblem::kOverridden:
      return "CharacterEncodingOverride";
    case XmlEncodingProblem::kUnknown:
      return "CharacterEncodingUnknown";
  }
  return "";
}

}  // namespace newsflow::ingest

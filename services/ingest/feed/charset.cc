#include "services/ingest/feed/charset.h"

#include <unicode/ucnv.h>
#include <unicode/ucnv_err.h>
#include <unicode/ucsdet.h>
#include <unicode/ustring.h>
#include <unicode/utypes.h>

#include <cctype>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace newsflow::ingest {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A to-Unicode callback that substitutes like ICU's default and notes in
// `context` (a bool*) that it had to.
void SubstituteAndNote(const void* context, UConverterToUnicodeArgs* args, const char* units,
                       int32_t length, UConverterCallbackReason reason, UErrorCode* error) {
  if (reason <= UCNV_IRREGULAR) *static_cast<bool*>(const_cast<void*>(context)) = true;
  UCNV_TO_U_CALLBACK_SUBSTITUTE(nullptr, args, units, length, reason, error);
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
  if (name == "gb2312" || name == "gbk" || name == "x-gbk" || name == "cp936" ||
      name == "euc-cn" || name == "csgb2312" || name == "windows-936") {
    name = "gb18030";
  }
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, decltype(&ucnv_close)> converter(ucnv_open(name.c_str(), &status),
                                                               &ucnv_close);
  if (U_FAILURE(status) || converter == nullptr) {
    return absl::InvalidArgumentError("charset: no converter for \"" + name + "\"");
  }
  if (bytes.size() > static_cast<size_t>(INT32_MAX / 2)) {
    return absl::InvalidArgumentError("charset: input too large");
  }
  if (had_errors != nullptr) {
    *had_errors = false;
    ucnv_setToUCallBack(converter.get(), &SubstituteAndNote, had_errors, nullptr, nullptr,
                        &status);
    if (U_FAILURE(status)) {
      return absl::InternalError("charset: cannot set the conversion callback");
    }
  }
  // Each input byte yields at most two UTF-16 units.
  std::vector<UChar> utf16(bytes.size() * 2 + 1);
  int32_t units = ucnv_toUChars(converter.get(), utf16.data(), static_cast<int32_t>(utf16.size()),
                                bytes.data(), static_cast<int32_t>(bytes.size()), &status);
  if (U_FAILURE(status)) {
    return absl::InvalidArgumentError("charset: cannot decode as \"" + name +
                                      "\": " + u_errorName(status));
  }
  std::string out(static_cast<size_t>(units) * 3 + 1, '\0');
  int32_t length = 0;
  status = U_ZERO_ERROR;
  u_strToUTF8WithSub(out.data(), static_cast<int32_t>(out.size()), &length, utf16.data(), units,
                     0xFFFD, nullptr, &status);
  if (U_FAILURE(status)) {
    return absl::InvalidArgumentError("charset: cannot encode UTF-8: " +
                                      std::string(u_errorName(status)));
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
  std::unique_ptr<UCharsetDetector, decltype(&ucsdet_close)> detector(ucsdet_open(&status),
                                                                      &ucsdet_close);
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
  if (charset.empty() || confidence < kMinConfidence || lower.rfind("utf-", 0) == 0 ||
      lower == "us-ascii" || lower == "iso-8859-1" || lower == "windows-1252") {
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

}  // namespace newsflow::ingest

#include "services/ingest/extract/page_decoder.h"

#include <unicode/ucsdet.h>

#include <cctype>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "services/ingest/feed/charset.h"

namespace newsflow::ingest {
namespace {

constexpr size_t kMetaScanBytes = 16 * 1024;
constexpr size_t kDetectBytes = 64 * 1024;

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool StartsWithNoCase(std::string_view s, size_t pos, std::string_view prefix) {
  if (pos + prefix.size() > s.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (LowerAscii(s[pos + i]) != prefix[i]) return false;
  }
  return true;
}

size_t FindNoCase(std::string_view s, std::string_view needle, size_t from) {
  if (needle.empty()) return from;
  for (size_t i = from; i + needle.size() <= s.size(); ++i) {
    if (LowerAscii(s[i]) == needle[0] && StartsWithNoCase(s, i, needle)) return i;
  }
  return std::string_view::npos;
}

// The value after "charset=" in `s` (quotes, spaces and ';' end it).
std::string CharsetParameter(std::string_view s) {
  size_t pos = FindNoCase(s, "charset", 0);
  if (pos == std::string_view::npos) return "";
  pos += 7;
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t')) ++pos;
  if (pos >= s.size() || s[pos] != '=') return "";
  ++pos;
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '"' || s[pos] == '\'')) ++pos;
  std::string out;
  while (pos < s.size() && out.size() < 40) {
    char c = s[pos++];
    if (c == '"' || c == '\'' || c == ';' || c == ' ' || c == '>' || c == '/' || c == '\t' || c == '\r' ||
        c == '\n') {
      break;
    }
    out.push_back(LowerAscii(c));
  }
  return out;
}

// The charset named by a <meta> tag near the start of the page, or "".
std::string MetaCharset(std::string_view bytes) {
  std::string_view head = bytes.substr(0, kMetaScanBytes);
  size_t pos = 0;
  while ((pos = FindNoCase(head, "<meta", pos)) != std::string_view::npos) {
    size_t end = head.find('>', pos);
    if (end == std::string_view::npos) break;
    std::string charset = CharsetParameter(head.substr(pos, end - pos));
    if (!charset.empty()) return charset;
    pos = end;
  }
  return "";
}

bool IsLatinLabel(std::string_view name) {
  return name == "iso-8859-1" || name == "latin1" || name == "latin-1" || name == "us-ascii" ||
         name == "ascii" || name == "windows-1252" || name == "cp1252" || name == "iso8859-1";
}

bool IsUtf8Label(std::string_view name) { return name == "utf-8" || name == "utf8"; }

bool HasHighBytes(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

std::string DetectWithIcu(std::string_view bytes) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UCharsetDetector, decltype(&ucsdet_close)> detector(ucsdet_open(&status), &ucsdet_close);
  if (U_FAILURE(status) || detector == nullptr) return "";
  std::string_view sample = bytes.substr(0, kDetectBytes);
  ucsdet_enableInputFilter(detector.get(), true);  // ignore markup
  ucsdet_setText(detector.get(), sample.data(), static_cast<int32_t>(sample.size()), &status);
  const UCharsetMatch* match = ucsdet_detect(detector.get(), &status);
  if (U_FAILURE(status) || match == nullptr) return "";
  const char* name = ucsdet_getName(match, &status);
  if (U_FAILURE(status) || name == nullptr) return "";
  std::string out;
  for (const char* p = name; *p; ++p) out.push_back(LowerAscii(*p));
  return out;
}

// Position just after the end of the raw-text element whose start tag ends
// at `from` (the first "</name" followed by a non-name character), or npos.
size_t SkipRawText(std::string_view html, size_t from, std::string_view name) {
  size_t pos = from;
  while ((pos = html.find("</", pos)) != std::string_view::npos) {
    if (StartsWithNoCase(html, pos + 2, name)) {
      size_t after = pos + 2 + name.size();
      if (after >= html.size() || !std::isalnum(static_cast<unsigned char>(html[after]))) {
        size_t close = html.find('>', after);
        return close == std::string_view::npos ? html.size() : close + 1;
      }
    }
    pos += 2;
  }
  return std::string_view::npos;
}

}  // namespace

std::string SniffCharset(std::string_view bytes, std::string_view content_type) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") return "utf-8";
  if (bytes.substr(0, 2) == "\xFF\xFE") return "utf-16le";
  if (bytes.substr(0, 2) == "\xFE\xFF") return "utf-16be";
  std::string declared = CharsetParameter(content_type);
  if (declared.empty()) declared = MetaCharset(bytes);
  if (declared == "utf-16" || declared == "utf-16le" || declared == "utf-16be") {
    declared.clear();  // an ASCII-compatible meta tag cannot really be UTF-16
  }
  if (!declared.empty()) {
    if (IsLatinLabel(declared) && HasHighBytes(bytes) && IsValidUtf8(bytes)) return "utf-8";
    if (IsUtf8Label(declared)) return "utf-8";
    return declared;
  }
  if (IsValidUtf8(bytes)) return "utf-8";
  std::string detected = DetectWithIcu(bytes);
  return detected.empty() ? "windows-1252" : detected;
}

std::string StripScripts(std::string_view html, std::vector<std::string>* json_ld) {
  static constexpr std::string_view kRawElements[] = {"script", "style", "svg", "noscript", "template"};
  std::string out;
  out.reserve(html.size());
  size_t pos = 0;
  while (pos < html.size()) {
    size_t lt = html.find('<', pos);
    if (lt == std::string_view::npos) {
      out.append(html.substr(pos));
      break;
    }
    out.append(html.substr(pos, lt - pos));
    if (html.compare(lt, 4, "<!--") == 0) {
      size_t end = html.find("-->", lt + 4);
      pos = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    bool skipped = false;
    for (std::string_view name : kRawElements) {
      size_t after = lt + 1 + name.size();
      if (!StartsWithNoCase(html, lt + 1, name)) continue;
      if (after < html.size() && std::isalnum(static_cast<unsigned char>(html[after]))) continue;
      size_t tag_end = html.find('>', after);
      if (tag_end == std::string_view::npos) {
        pos = html.size();
      } else {
        size_t end = SkipRawText(html, tag_end + 1, name);
        size_t content_end = end;
        if (end == std::string_view::npos) {
          end = content_end = html.size();
        } else {
          content_end = html.rfind("</", end - 1);  // the start of this end tag
        }
        if (name == "script" && json_ld != nullptr) {
          std::string_view tag = html.substr(lt, tag_end - lt);
          if (FindNoCase(tag, "ld+json", 0) != std::string_view::npos && content_end > tag_end + 1) {
            json_ld->emplace_back(html.substr(tag_end + 1, content_end - tag_end - 1));
          }
        }
        pos = end;
      }
      skipped = true;
      break;
    }
    if (!skipped) {
      out.push_back('<');
      pos = lt + 1;
    }
  }
  return out;
}

DecodedPage DecodePage(std::string_view bytes, std::string_view content_type) {
  DecodedPage page;
  page.charset = SniffCharset(bytes, content_type);
  std::string utf8;
  if (page.charset == "utf-8") {
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
    utf8 = ToValidUtf8(bytes);
  } else {
    absl::StatusOr<std::string> converted = ConvertToUtf8(bytes, page.charset);
    if (converted.ok()) {
      utf8 = ToValidUtf8(*converted);
    } else {
      page.charset = "utf-8";  // unknown label: read as UTF-8, replacing bad bytes
      utf8 = ToValidUtf8(bytes);
    }
    if (utf8.substr(0, 3) == "\xEF\xBB\xBF") utf8.erase(0, 3);
  }
  page.html = StripScripts(utf8, &page.json_ld);
  return page;
}

}  // namespace newsflow::ingest

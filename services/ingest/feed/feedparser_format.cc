#include "services/ingest/feed/feedparser_format.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "re2/re2.h"
#include "services/ingest/feed/charset.h"
#include "services/ingest/feed/feed_date.h"
#include "services/ingest/feed/feedparser_html.h"

namespace newsflow::ingest {
namespace {

using Json = nlohmann::json;
using fp::Attrs;
using fp::PyStrip;
using namespace std::string_view_literals;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

void ReplaceAll(std::string* s, std::string_view from, std::string_view to) {
  if (from.empty()) return;
  size_t pos = 0;
  while ((pos = s->find(from, pos)) != std::string::npos) {
    s->replace(pos, from.size(), to);
    pos += to.size();
  }
}

// xml.sax.saxutils.escape
std::string XmlEscape(std::string_view s, bool quote = false) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"':
        if (quote) {
          out += "&quot;";
          break;
        }
        [[fallthrough]];
      default: out += c;
    }
  }
  return out;
}

// ----------------------------------------------------------------------------
// Character encodings

Json MakeException(std::string_view type, std::string_view message) {
  return Json{{"type", type}, {"message", message}};
}

struct Decoded {
  std::string data;  // UTF-8 with an utf-8 XML declaration
  std::string encoding;
  std::optional<Json> error;
};

Decoded ConvertToUtf8Fp(std::string_view data, const std::map<std::string, std::string>& headers) {
  XmlHttpInfo http;
  http.fetched = !headers.empty();
  if (auto it = headers.find("content-type"); it != headers.end()) {
    http.has_content_type = true;
    http.content_type = it->second;
  }
  XmlDecoding decoding = DecodeXmlBytes(data, http);
  Decoded out;
  out.data = std::move(decoding.utf8);
  out.encoding = std::move(decoding.encoding);
  if (decoding.problem != XmlEncodingProblem::kNone) {
    out.error = MakeException(XmlEncodingProblemName(decoding.problem), decoding.message);
  }
  return out;
}

// ----------------------------------------------------------------------------
// DOCTYPE handling: keeps only simple internal entity declarations.

struct DoctypeResult {
  std::string version;  // "rss091n" or ""
  std::string data;
  std::map<std::string, std::string> entities;
};

DoctypeResult ReplaceDoctype(const std::string& data) {
  DoctypeResult result;
  size_t start = std::string::npos;
  for (size_t i = 0; i + 1 < data.size(); ++i) {
    if (data[i] == '<') {
      unsigned char c = static_cast<unsigned char>(data[i + 1]);
      if (std::isalnum(c) || c == '_' || c >= 0x80) {
        start = i;
        break;
      }
    }
  }
  size_t head_len = (start == std::string::npos || start == 0) ? 0 : start + 1;
  std::string head = data.substr(0, head_len);
  std::string rest = data.substr(head_len);
  // Lines "<!ENTITY ...>" (at a line start, after whitespace).
  std::vector<std::string> entity_results;
  auto strip_decls = [](std::string* text, std::string_view keyword, std::vector<std::string>* found) {
    std::string out;
    size_t pos = 0;
    size_t line_start = 0;
    while (pos <= text->size()) {
      // Find a line start (start of text or after '\n').
      size_t p = line_start;
      size_t q = p;
      while (q < text->size() && std::isspace(static_cast<unsigned char>((*text)[q]))) ++q;
      bool matched = false;
      if (text->compare(q, keyword.size(), keyword) == 0) {
        size_t gt = text->find('>', q + keyword.size());
        if (gt != std::string::npos) {
          found->push_back(text->substr(q + keyword.size(), gt - q - keyword.size()));
          out.append(*text, pos, p - pos);
          pos = gt + 1;
          matched = true;
          size_t nl = text->find('\n', gt + 1);
          line_start = nl == std::string::npos ? text->size() + 1 : nl + 1;
          if (nl != std::string::npos) {
            // '^' also matches right after the consumed text if it ends a line
            line_start = gt + 1 < text->size() && (*text)[gt] == '\n' ? gt + 1 : nl + 1;
          }
        }
      }
      if (!matched) {
        size_t nl = text->find('\n', line_start);
        if (nl == std::string::npos) break;
        line_start = nl + 1;
      }
      if (line_start > text->size()) break;
    }
    out.append(*text, std::min(pos, text->size()), std::string::npos);
    *text = out;
  };
  strip_decls(&head, "<!ENTITY", &entity_results);
  std::vector<std::string> doctype_results;
  std::string head_copy = head;
  strip_decls(&head_copy, "<!DOCTYPE", &doctype_results);
  std::string doctype = doctype_results.empty() ? "" : Lower(doctype_results[0]);
  if (doctype.find("netscape") != std::string::npos) result.version = "rss091n";
  std::string replacement;
  if (doctype_results.size() == 1 && !entity_results.empty()) {
    static const RE2 safe_re(R"re(^[\t\n\v\f\r ]+(\w+)[\t\n\v\f\r ]+"(&#\w+;|[^&"]*)")re", fp::BytePatterns());
    std::vector<std::string> safe;
    for (const std::string& e : entity_results) {
      std::string name;
      std::string value;
      if (RE2::PartialMatch(e, safe_re, &name, &value)) {
        safe.push_back(e);
        result.entities[name] = value;
      }
    }
    if (!safe.empty()) {
      replacement = "<!DOCTYPE feed [\n<!ENTITY";
      for (size_t i = 0; i < safe.size(); ++i) {
        if (i > 0) replacement += ">\n<!ENTITY ";
        replacement += safe[i];
      }
      replacement += ">\n]>";
    } else {
      result.entities.clear();
    }
  }
  if (!doctype_results.empty()) {
    // Replace each DOCTYPE declaration by the replacement.
    std::vector<std::string> ignored;
    std::string replaced;
    size_t q = 0;
    size_t count = 0;
    std::string h = head;
    while (true) {
      size_t p = h.find("<!DOCTYPE", q);
      if (p == std::string::npos) break;
      size_t gt = h.find('>', p);
      if (gt == std::string::npos) break;
      // Must be at a line start after optional whitespace.
      size_t b = p;
      while (b > 0 && std::isspace(static_cast<unsigned char>(h[b - 1])) && h[b - 1] != '\n') --b;
      bool at_line = b == 0 || h[b - 1] == '\n';
      if (!at_line) {
        replaced.append(h, q, gt + 1 - q);
        q = gt + 1;
        continue;
      }
      replaced.append(h, q, b - q);
      replaced += replacement;
      q = gt + 1;
      ++count;
    }
    replaced.append(h, q, std::string::npos);
    head = replaced;
  }
  result.data = head + rest;
  return result;
}

// ----------------------------------------------------------------------------
// Dates

Json TupleFromMs(int64_t ms) {
  int64_t secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
  time_t t = static_cast<time_t>(secs);
  struct tm tm;
  if (gmtime_r(&t, &tm) == nullptr) return nullptr;
  return Json::array({tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                      (tm.tm_wday + 6) % 7, tm.tm_yday + 1, 0});
}

// ----------------------------------------------------------------------------
// The feed state machine

constexpr std::string_view kXhtml = "application/xhtml+xml";

// FeedParserDict's write-side key aliases.
std::string MapKey(const std::string& key) {
  static const std::unordered_map<std::string, std::string> map = {
      {"channel", "feed"},          {"items", "entries"},
      {"guid", "id"},               {"date", "updated"},
      {"date_parsed", "updated_parsed"}, {"description", "summary"},
      {"description_detail", "summary_detail"}, {"url", "href"},
      {"modified", "updated"},      {"modified_parsed", "updated_parsed"},
      {"issued", "published"},      {"issued_parsed", "published_parsed"},
      {"copyright", "rights"},      {"copyright_detail", "rights_detail"},
      {"tagline", "subtitle"},      {"tagline_detail", "subtitle_detail"}};
  auto it = map.find(key);
  return it == map.end() ? key : it->second;
}

void Put(Json& ctx, const std::string& key, Json value) {
  if (!ctx.is_object()) ctx = Json::object();
  ctx[MapKey(key)] = std::move(value);
}
Json& SetDefault(Json& ctx, const std::string& key, Json value) {
  if (!ctx.is_object()) ctx = Json::object();
  std::string k = MapKey(key);
  auto it = ctx.find(k);
  if (it != ctx.end()) return *it;
  ctx[k] = std::move(value);
  return ctx[k];
}
bool Has(const Json& ctx, const std::string& key) { return ctx.is_object() && ctx.contains(key); }

std::string AttrGet(const Attrs& attrs, std::string_view key, std::string_view def = "") {
  for (auto it = attrs.rbegin(); it != attrs.rend(); ++it) {
    if (it->first == key) return it->second;
  }
  return std::string(def);
}
bool AttrHas(const Attrs& attrs, std::string_view key) {
  for (const auto& [k, v] : attrs) {
    if (k == key) return true;
  }
  return false;
}
void AttrSet(Attrs* attrs, const std::string& key, const std::string& value) {
  for (auto& [k, v] : *attrs) {
    if (k == key) {
      v = value;
      return;
    }
  }
  attrs->emplace_back(key, value);
}
void AttrDel(Attrs* attrs, std::string_view key) {
  attrs->erase(std::remove_if(attrs->begin(), attrs->end(), [&](const auto& p) { return p.first == key; }),
               attrs->end());
}
// dict(attrs): last value wins, first position kept.
Attrs AttrDict(const Attrs& attrs) {
  Attrs out;
  for (const auto& [k, v] : attrs) AttrSet(&out, k, v);
  return out;
}
Json AttrsToJson(const Attrs& attrs) {
  Json out = Json::object();
  for (const auto& [k, v] : attrs) out[k] = v;
  return out;
}

std::string MapContentType(std::string type) {
  type = Lower(type);
  if (type == "text" || type == "plain") return "text/plain";
  if (type == "html") return "text/html";
  if (type == "xhtml") return std::string(kXhtml);
  return type;
}

// "&name;" -> "&name" for [A-Za-z0-9_]+ names.
std::string DropEntitySemicolons(const std::string& s) {
  if (s.find('&') == std::string::npos) return s;
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    out += s[i];
    if (s[i] != '&') continue;
    size_t q = i + 1;
    while (q < s.size() && (std::isalnum(static_cast<unsigned char>(s[q])) || s[q] == '_')) ++q;
    if (q > i + 1 && q < s.size() && s[q] == ';') {
      out.append(s, i + 1, q - i - 1);
      i = q;
    }
  }
  return out;
}

// Python's base64.decodebytes (non-strict) then UTF-8 decoding: characters
// outside the alphabet are skipped, the first '=' ends the data, and a
// partial last group must have been padded.
std::optional<std::string> DecodeBase64Fp(const std::string& in) {
  std::string alphabet_only;
  alphabet_only.reserve(in.size());
  bool padded = false;
  for (char c : in) {
    if (c == '=') {
      padded = true;
      break;
    }
    if (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/') alphabet_only += c;
  }
  size_t count = alphabet_only.size();
  if (count % 4 == 1) return std::nullopt;
  if (count % 4 != 0 && !padded) return std::nullopt;
  std::string out;
  if (!absl::Base64Unescape(alphabet_only, &out)) return std::nullopt;
  if (!IsValidUtf8(out)) return std::nullopt;
  return out;
}

struct Element {
  std::string name;
  bool expecting_text;
  std::vector<std::string> pieces;
};

class FeedState {
 public:
  FeedState(std::string baseuri, std::optional<std::string> baselang, bool loose,
            std::map<std::string, std::string> entities)
      : baseuri_(std::move(baseuri)), lang_(std::move(baselang)), loose_(loose),
        entities_(std::move(entities)) {
    feeddata_ = Json::object();
    entries_ = Json::array();
    if (lang_ && !lang_->empty()) {
      std::string l = *lang_;
      std::replace(l.begin(), l.end(), '_', '-');
      feeddata_["language"] = l;
    }
  }

  Json feeddata_;
  Json entries_;
  std::string version_;
  std::vector<std::pair<std::string, std::string>> namespaces_in_use_;

  // --- events -------------------------------------------------------------

  void StartTag(std::string tag, Attrs attrs) {
    ++depth_;
    for (auto& [k, v] : attrs) {
      k = Lower(k);
      if (k == "rel" || k == "type") v = Lower(v);
      if (loose_) ReplaceAll(&v, "&amp;", "&");
    }
    Attrs attrs_d = AttrDict(attrs);
    std::string base = AttrHas(attrs_d, "xml:base") ? AttrGet(attrs_d, "xml:base") : AttrGet(attrs_d, "base");
    if (base.empty()) base = baseuri_;
    if (!baseuri_.empty()) {
      std::string joined = fp::MakeSafeAbsoluteUri(baseuri_, base);
      if (!joined.empty()) baseuri_ = joined;
    } else {
      baseuri_ = fp::UrlJoin(baseuri_, base);
    }
    std::optional<std::string> lang;
    if (AttrHas(attrs_d, "xml:lang")) {
      lang = AttrGet(attrs_d, "xml:lang");
    } else if (AttrHas(attrs_d, "lang")) {
      lang = AttrGet(attrs_d, "lang");
    }
    if (lang && lang->empty()) {
      lang.reset();
    } else if (!lang) {
      lang = lang_;
    }
    if (lang && !lang->empty() && (tag == "feed" || tag == "rss")) {
      std::string l = *lang;
      std::replace(l.begin(), l.end(), '_', '-');
      feeddata_["language"] = l;
    }
    lang_ = lang;
    basestack_.push_back(baseuri_);
    langstack_.push_back(lang);
    for (const auto& [k, v] : attrs) {
      if (StartsWith(k, "xmlns:")) {
        TrackNamespace(k.substr(6), v);
      } else if (k == "xmlns") {
        TrackNamespace(std::nullopt, v);
      }
    }
    if (incontent_ > 0 && !EndsWith(ContentType("xml"), "xml")) {
      if (tag == "xhtml:div" || tag == "div") return;
      contentparams_["type"] = std::string(kXhtml);
    }
    if (incontent_ > 0 && ContentType("") == kXhtml) {
      size_t colon = tag.find(':');
      if (colon != std::string::npos) {
        std::string prefix = tag.substr(0, colon);
        tag = tag.substr(colon + 1);
        std::string ns = NamespaceInUse(prefix);
        if (tag == "math" && ns == "http://www.w3.org/1998/Math/MathML") attrs.emplace_back("xmlns", ns);
        if (tag == "svg" && ns == "http://www.w3.org/2000/svg") attrs.emplace_back("xmlns", ns);
      }
      if (tag == "svg") ++svg_ok_;
      HandleData("<" + tag + StrAttrs(attrs) + ">", false);
      return;
    }
    std::string prefix, suffix;
    size_t colon = tag.find(':');
    if (colon != std::string::npos) {
      prefix = tag.substr(0, colon);
      suffix = tag.substr(colon + 1);
    } else {
      suffix = tag;
    }
    if (auto it = namespacemap_.find(prefix); it != namespacemap_.end()) prefix = it->second;
    if (!prefix.empty()) prefix += "_";
    if (prefix.empty() && tag != "title" && tag != "link" && tag != "description" && tag != "name") {
      intextinput_ = false;
    }
    if (prefix.empty() && tag != "title" && tag != "link" && tag != "description" && tag != "url" &&
        tag != "href" && tag != "width" && tag != "height") {
      inimage_ = false;
    }
    std::string name = prefix + suffix;
    if (!Start(name, attrs_d)) {
      if (attrs_d.empty()) {
        Push(name, true);
      } else {
        Put(Context(), name, AttrsToJson(attrs_d));
      }
    }
  }

  void EndTag(std::string tag) {
    std::string prefix, suffix;
    size_t colon = tag.find(':');
    if (colon != std::string::npos) {
      prefix = tag.substr(0, colon);
      suffix = tag.substr(colon + 1);
    } else {
      suffix = tag;
    }
    if (auto it = namespacemap_.find(prefix); it != namespacemap_.end()) prefix = it->second;
    if (!prefix.empty()) prefix += "_";
    if (suffix == "svg" && svg_ok_ > 0) --svg_ok_;
    std::string name = prefix + suffix;
    if (svg_ok_ > 0 || !End(name)) Pop(name);
    if (incontent_ > 0 && !EndsWith(ContentType("xml"), "xml")) {
      if (tag == "xhtml:div" || tag == "div") return;
      contentparams_["type"] = std::string(kXhtml);
    }
    if (incontent_ > 0 && ContentType("") == kXhtml) {
      size_t c = tag.rfind(':');
      HandleData("</" + (c == std::string::npos ? tag : tag.substr(c + 1)) + ">", false);
    }
    if (!basestack_.empty()) {
      basestack_.pop_back();
      if (!basestack_.empty() && !basestack_.back().empty()) baseuri_ = basestack_.back();
    }
    if (!langstack_.empty()) {
      langstack_.pop_back();
      if (!langstack_.empty()) lang_ = langstack_.back();
    }
    --depth_;
  }

  void HandleData(std::string_view text, bool escape = true) {
    if (elementstack_.empty()) return;
    if (escape && ContentType("") == kXhtml) {
      elementstack_.back().pieces.push_back(XmlEscape(text));
    } else {
      elementstack_.back().pieces.emplace_back(text);
    }
  }

  void HandleCharRef(std::string ref) {
    if (elementstack_.empty()) return;
    ref = Lower(ref);
    std::string text;
    if (ref == "34" || ref == "38" || ref == "39" || ref == "60" || ref == "62" || ref == "x22" ||
        ref == "x26" || ref == "x27" || ref == "x3c" || ref == "x3e") {
      text = "&#" + ref + ";";
    } else {
      unsigned long c = ref[0] == 'x' ? std::strtoul(ref.c_str() + 1, nullptr, 16)
                                      : std::strtoul(ref.c_str(), nullptr, 10);
      fp::AppendUtf8(&text, static_cast<unsigned>(std::min<unsigned long>(c, 0x110000)));
    }
    elementstack_.back().pieces.push_back(text);
  }

  void HandleEntityRef(const std::string& ref) {
    if (elementstack_.empty()) return;
    std::string text;
    if (ref == "lt" || ref == "gt" || ref == "quot" || ref == "amp" || ref == "apos") {
      text = "&" + ref + ";";
    } else if (auto it = entities_.find(ref); it != entities_.end()) {
      text = it->second;
      if (StartsWith(text, "&#") && EndsWith(text, ";")) {
        HandleEntityRef(text);
        return;
      }
    } else {
      int cp = fp::Html4Entity(ref);
      if (cp < 0) {
        text = "&" + ref + ";";
      } else {
        fp::AppendUtf8(&text, static_cast<unsigned>(cp));
      }
    }
    elementstack_.back().pieces.push_back(text);
  }

  void TrackNamespace(std::optional<std::string> prefix, std::string uri) {
    std::string lower = Lower(uri);
    if (version_.empty()) {
      if (!prefix && lower == "http://my.netscape.com/rdf/simple/0.9/") {
        version_ = "rss090";
      } else if (lower == "http://purl.org/rss/1.0/") {
        version_ = "rss10";
      } else if (lower == "http://www.w3.org/2005/atom") {
        version_ = "atom10";
      }
    }
    if (lower.find("backend.userland.com/rss") != std::string::npos) {
      uri = "http://backend.userland.com/rss";
      lower = uri;
    }
    const auto& match = fp::MatchNamespaces();
    if (auto it = match.find(lower); it != match.end()) {
      if (prefix) namespacemap_[*prefix] = it->second;
      SetNamespace(it->second, uri);
    } else {
      SetNamespace(prefix.value_or(""), uri);
    }
  }

  std::string NamespaceInUse(const std::string& prefix) const {
    for (const auto& [p, u] : namespaces_in_use_) {
      if (p == prefix) return u;
    }
    return "";
  }

  // Strict mode: the prefix of a namespaced element whose namespace is not a
  // known one, as declared in the document.
  std::string PrefixForNamespace(const std::string& uri) const {
    for (const auto& [p, u] : namespaces_in_use_) {
      if (!p.empty() && u == uri) return p;
    }
    return "";
  }

 private:
  void SetNamespace(const std::string& prefix, const std::string& uri) {
    for (auto& [p, u] : namespaces_in_use_) {
      if (p == prefix) {
        u = uri;
        return;
      }
    }
    namespaces_in_use_.emplace_back(prefix, uri);
  }

  std::string ContentType(const std::string& def) const {
    auto it = contentparams_.find("type");
    if (it == contentparams_.end() || !it->is_string()) return def;
    return it->get<std::string>();
  }

  std::string StrAttrs(const Attrs& attrs) const {
    std::string out;
    for (const auto& [k, v] : attrs) {
      if (loose_) {
        std::string value = v;
        ReplaceAll(&value, "\"", "&quot;");
        out += " " + k + "=\"" + value + "\"";
      } else {
        out += " " + k + "=\"" + XmlEscape(v, true) + "\"";
      }
    }
    return out;
  }

  Json& Context() {
    if (insource_) return sourcedata_;
    if (inimage_ && Has(feeddata_, "image")) return feeddata_["image"];
    if (intextinput_) return feeddata_["textinput"];
    if (inentry_ && !entries_.empty()) return entries_.back();
    return feeddata_;
  }

  void Push(const std::string& name, bool expecting_text) {
    elementstack_.push_back(Element{name, expecting_text, {}});
  }

  std::string ResolveUri(const std::string& uri) const { return fp::UrlJoin(baseuri_, uri); }

  std::string DecodeEntities(std::string data) const {
    if (!loose_) return data;
    ReplaceAll(&data, "&#60;", "&lt;");
    ReplaceAll(&data, "&#x3c;", "&lt;");
    ReplaceAll(&data, "&#x3C;", "&lt;");
    ReplaceAll(&data, "&#62;", "&gt;");
    ReplaceAll(&data, "&#x3e;", "&gt;");
    ReplaceAll(&data, "&#x3E;", "&gt;");
    ReplaceAll(&data, "&#38;", "&amp;");
    ReplaceAll(&data, "&#x26;", "&amp;");
    ReplaceAll(&data, "&#34;", "&quot;");
    ReplaceAll(&data, "&#x22;", "&quot;");
    ReplaceAll(&data, "&#39;", "&apos;");
    ReplaceAll(&data, "&#x27;", "&apos;");
    if (!EndsWith(ContentType("xml"), "xml")) {
      ReplaceAll(&data, "&lt;", "<");
      ReplaceAll(&data, "&gt;", ">");
      ReplaceAll(&data, "&amp;", "&");
      ReplaceAll(&data, "&quot;", "\"");
      ReplaceAll(&data, "&apos;", "'");
      ReplaceAll(&data, "&#x2f;", "/");
      ReplaceAll(&data, "&#x2F;", "/");
    }
    return data;
  }

  Json ContentDetail(const std::string& value) const {
    Json detail = contentparams_;
    detail.erase("base64");
    detail.erase("mode");
    detail["value"] = value;
    return detail;
  }

  std::optional<std::string> Pop(const std::string& element, bool strip = true) {
    if (elementstack_.empty() || elementstack_.back().name != element) return std::nullopt;
    Element el = std::move(elementstack_.back());
    elementstack_.pop_back();
    std::vector<std::string>& pieces = el.pieces;
    size_t first = 0;
    size_t last = pieces.size();
    if (version_ == "atom10" && ContentType("text") == kXhtml) {
      while (last - first > 1 && PyStrip(pieces[last - 1]).empty()) --last;
      while (last - first > 1 && PyStrip(pieces[first]).empty()) ++first;
      if (last > first && (pieces[first] == "<div>" || StartsWith(pieces[first], "<div ")) &&
          pieces[last - 1] == "</div>") {
        int depth = 0;
        bool broke = false;
        for (size_t i = first; i + 1 < last; ++i) {
          const std::string& piece = pieces[i];
          if (StartsWith(piece, "</")) {
            --depth;
            if (depth == 0) {
              broke = true;
              break;
            }
          } else if (StartsWith(piece, "<") && !EndsWith(piece, "/>")) {
            ++depth;
          }
        }
        if (!broke) {
          ++first;
          --last;
        }
      }
    }
    std::string output;
    for (size_t i = first; i < last; ++i) output += pieces[i];
    if (strip) output = std::string(PyStrip(output));
    if (!el.expecting_text) return output;

    bool base64 = contentparams_.value("base64", 0) != 0;
    if (base64) {
      if (auto decoded = DecodeBase64Fp(output)) output = *decoded;
    }
    static const std::vector<std::string> kRelativeUri = {"comments", "docs", "href", "icon", "id",
                                                          "link", "logo", "url", "wfw_comment",
                                                          "wfw_commentrss"};
    if (!output.empty() && std::find(kRelativeUri.begin(), kRelativeUri.end(), element) != kRelativeUri.end()) {
      if (element != "id" || guidislink_) output = ResolveUri(output);
    }
    if (!base64) output = DecodeEntities(output);
    if (!StartsWith(version_, "atom") && ContentType("") == "text/plain" && fp::LooksLikeHtml(output)) {
      contentparams_["type"] = "text/html";
    }
    contentparams_.erase("mode");
    contentparams_.erase("base64");
    std::string type = ContentType("text/html");
    bool htmlish = MapContentType(type) == kXhtml || MapContentType(type) == "text/html";
    static const std::vector<std::string> kMarkup = {"content", "copyright", "description", "info",
                                                     "rights", "subtitle", "summary", "tagline", "title"};
    bool markup = std::find(kMarkup.begin(), kMarkup.end(), element) != kMarkup.end();
    if (htmlish && markup) {
      output = fp::ResolveRelativeUris(output, baseuri_, type);
      output = fp::SanitizeHtmlFp(output, type);
    }
    fp::FixDoubleEncoding(&output);
    fp::TranslateCp1252(&output);
    if (element == "category" || element == "tags" || element == "itunes_keywords") return output;
    if (element == "title" && title_depth_ > -1 && title_depth_ <= depth_) return output;

    if (inentry_ && !insource_ && !entries_.empty()) {
      Json& entry = entries_.back();
      if (element == "content") {
        SetDefault(entry, "content", Json::array()).push_back(ContentDetail(output));
      } else if (element == "link") {
        if (!inimage_) {
          ReplaceAll(&output, "&amp;", "&");
          output = DropEntitySemicolons(output);
          // Only an alternate link is the entry's link; rel="enclosure",
          // "related" ... links with text content only fill their own href.
          bool alternate = true;
          if (Has(entry, "links") && entry["links"].is_array() && !entry["links"].empty()) {
            const Json& last = entry["links"].back();
            alternate = !last.contains("rel") || last["rel"] == "alternate";
          }
          if (alternate || !Has(entry, "link")) entry["link"] = output;
          if (!output.empty() && Has(entry, "links") && !entry["links"].empty()) {
            entry["links"].back()["href"] = output;
          }
        }
      } else {
        std::string key = element == "description" ? "summary" : element;
        auto& depths = property_depth_[entries_.size() - 1];
        auto it = depths.find(key);
        if (it == depths.end() || depth_ <= it->second) {
          depths[key] = depth_;
          Put(entry, key, output);
        }
        if (incontent_ > 0) Put(entry, key + "_detail", ContentDetail(output));
      }
    } else if (infeed_ || insource_) {
      Json& context = Context();
      std::string key = element == "description" ? "subtitle" : element;
      Put(context, key, output);
      if (key == "link") {
        output = DropEntitySemicolons(output);
        context["link"] = output;
        if (Has(context, "links") && context["links"].is_array() && !context["links"].empty()) {
          context["links"].back()["href"] = output;
        }
      } else if (incontent_ > 0) {
        Put(context, key + "_detail", ContentDetail(output));
      }
    }
    return output;
  }

  void PushContent(const std::string& tag, const Attrs& attrs, const std::string& default_type,
                   bool expecting_text) {
    ++incontent_;
    if (lang_) std::replace(lang_->begin(), lang_->end(), '_', '-');
    contentparams_ = Json::object();
    contentparams_["type"] = MapContentType(AttrHas(attrs, "type") ? AttrGet(attrs, "type") : default_type);
    contentparams_["language"] = lang_ ? Json(*lang_) : Json(nullptr);
    contentparams_["base"] = baseuri_;
    std::string type = contentparams_["type"];
    int base64 = 1;
    if (AttrGet(attrs, "mode") == "base64") {
      base64 = 1;
    } else if (StartsWith(type, "text/") || EndsWith(type, "+xml") || EndsWith(type, "/xml")) {
      base64 = 0;
    }
    contentparams_["base64"] = base64;
    Push(tag, expecting_text);
  }

  std::optional<std::string> PopContent(const std::string& tag) {
    std::optional<std::string> value = Pop(tag);
    --incontent_;
    contentparams_ = Json::object();
    return value;
  }

  // --- authors ---------------------------------------------------------------

  void SyncAuthorDetail(const std::string& key = "author") {
    Json& context = Context();
    Json detail = Json::object();
    bool from_list = Has(context, key + "s") && context[key + "s"].is_array() && !context[key + "s"].empty();
    if (from_list) detail = context[key + "s"].back();
    if (detail.is_object() && !detail.empty()) {
      std::string name = detail.contains("name") && detail["name"].is_string() ? detail["name"].get<std::string>() : "";
      std::string email = detail.contains("email") && detail["email"].is_string() ? detail["email"].get<std::string>() : "";
      if (!name.empty() && !email.empty()) {
        context[key] = name + " (" + email + ")";
      } else if (!name.empty()) {
        context[key] = name;
      } else if (!email.empty()) {
        context[key] = email;
      }
      return;
    }
    if (!Has(context, key) || !context[key].is_string()) return;
    std::string author = context[key];
    if (author.empty()) return;
    std::string email;
    static const RE2 email_re(
        R"(([a-zA-Z0-9_\-\.\+]+)@(?:\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.|(?:[a-zA-Z0-9\-]+\.)+)(?:[a-zA-Z]{2,4}|[0-9]{1,3})\]?(?:\?subject=[^\t\n\v\f\r ]+)?)",
        fp::BytePatterns());
    re2::StringPiece match;
    if (author.find('@') != std::string::npos &&
        email_re.Match(author, 0, author.size(), RE2::UNANCHORED, &match, 1)) {
      email = std::string(match);
      ReplaceAll(&author, email, "");
      ReplaceAll(&author, "()", "");
      ReplaceAll(&author, "<>", "");
      ReplaceAll(&author, "&lt;&gt;", "");
      author = std::string(PyStrip(author));
      if (!author.empty() && author.front() == '(') author.erase(0, 1);
      if (!author.empty() && author.back() == ')') author.pop_back();
      author = std::string(PyStrip(author));
    }
    bool inserted = false;
    if ((!author.empty() || !email.empty()) && !Has(context, key + "_detail")) {
      context[key + "_detail"] = Json::object();
      inserted = true;
    }
    auto apply = [&](Json& d) {
      if (!author.empty()) d["name"] = author;
      if (!email.empty()) d["email"] = email;
    };
    if (inserted) apply(context[key + "_detail"]);
    if (from_list) apply(context[key + "s"].back());
  }

  void SaveAuthor(const std::string& key, const std::string& value, const std::string& prefix = "author") {
    Json& context = Context();
    SetDefault(context, prefix + "_detail", Json::object())[key] = value;
    SyncAuthorDetail();
    Json& ctx2 = Context();
    Json& authors = SetDefault(ctx2, "authors", Json::array({Json::object()}));
    if (authors.empty()) authors.push_back(Json::object());
    authors.back()[key] = value;
  }

  void SaveContributor(const std::string& key, const std::string& value) {
    Json& context = Context();
    Json& list = SetDefault(context, "contributors", Json::array({Json::object()}));
    if (list.empty()) list.push_back(Json::object());
    list.back()[key] = value;
  }

  void AddTag(const Json& term, const Json& scheme, const Json& label) {
    Json& context = Context();
    Json& tags = SetDefault(context, "tags", Json::array());
    auto truthy = [](const Json& j) { return j.is_string() && !j.get<std::string>().empty(); };
    if (!truthy(term) && !truthy(scheme) && !truthy(label)) return;
    Json value = {{"term", term}, {"scheme", scheme}, {"label", label}};
    for (const Json& t : tags) {
      if (t == value) return;
    }
    tags.push_back(value);
  }

  void Save(const std::string& key, Json value, bool overwrite = false) {
    Json& context = Context();
    if (overwrite) {
      Put(context, key, std::move(value));
    } else {
      SetDefault(context, key, std::move(value));
    }
  }

  static Json OptStr(const Attrs& attrs, std::string_view key) {
    return AttrHas(attrs, key) ? Json(AttrGet(attrs, key)) : Json(nullptr);
  }

  void CdfCommon(const Attrs& attrs) {
    if (AttrHas(attrs, "lastmod")) {
      Push("updated", true);
      elementstack_.back().pieces = {AttrGet(attrs, "lastmod")};
      EndUpdated("updated", "updated_parsed");
    }
    if (AttrHas(attrs, "href")) {
      Attrs none;
      StartLink(none);
      if (!elementstack_.empty()) elementstack_.back().pieces = {AttrGet(attrs, "href")};
      Pop("link");
    }
  }

  static Attrs EnforceHref(Attrs attrs) {
    std::string href = AttrHas(attrs, "url") ? AttrGet(attrs, "url")
                       : AttrHas(attrs, "uri") ? AttrGet(attrs, "uri")
                                               : AttrGet(attrs, "href");
    if (!href.empty()) {
      AttrDel(&attrs, "url");
      AttrDel(&attrs, "uri");
      AttrSet(&attrs, "href", href);
    }
    return attrs;
  }

  void StartLink(Attrs attrs) {
    if (!AttrHas(attrs, "rel")) AttrSet(&attrs, "rel", "alternate");
    if (AttrGet(attrs, "rel") == "self") {
      if (!AttrHas(attrs, "type")) AttrSet(&attrs, "type", "application/atom+xml");
    } else if (!AttrHas(attrs, "type")) {
      AttrSet(&attrs, "type", "text/html");
    }
    attrs = EnforceHref(attrs);
    if (AttrHas(attrs, "href")) AttrSet(&attrs, "href", ResolveUri(AttrGet(attrs, "href")));
    bool expecting = infeed_ || inentry_ || insource_;
    Json& context = Context();
    Json& links = SetDefault(context, "links", Json::array());
    if (!(inentry_ && inimage_)) links.push_back(AttrsToJson(attrs));
    if (AttrHas(attrs, "href")) {
      std::string t = MapContentType(AttrGet(attrs, "type"));
      if (AttrGet(attrs, "rel") == "alternate" && (t == kXhtml || t == "text/html")) {
        context["link"] = AttrGet(attrs, "href");
      }
    } else {
      Push("link", expecting);
    }
  }

  void EndUpdated(const std::string& element, const std::string& parsed_key) {
    std::optional<std::string> value = Pop(element);
    Save(parsed_key, value ? FeedparserParseDate(*value) : Json(nullptr), true);
  }

  void StartContent(const Attrs& attrs) {
    has_content_ = true;
    PushContent("content", attrs, "text/plain", true);
    std::string src = AttrGet(attrs, "src");
    if (!src.empty()) contentparams_["src"] = src;
    Push("content", true);
  }
  void EndContent() {
    std::string t = MapContentType(ContentType(""));
    bool copy = t == "text/plain" || t == "text/html" || t == kXhtml;
    std::optional<std::string> value = PopContent("content");
    if (copy) Save("summary", value ? Json(*value) : Json(nullptr));
  }

  void StartDescription(const Attrs& attrs, const std::string& default_type) {
    if (Has(Context(), "summary") && !has_content_) {
      summary_key_ = "content";
      StartContent(attrs);
    } else {
      PushContent("description", attrs, default_type, infeed_ || inentry_ || insource_);
    }
  }
  void EndDescription() {
    if (summary_key_ == "content") {
      EndContent();
    } else {
      PopContent("description");
    }
    summary_key_.clear();
  }

  void StartAuthor() {
    inauthor_ = true;
    Push("author", true);
    SetDefault(Context(), "authors", Json::array()).push_back(Json::object());
  }
  void EndAuthor() {
    Pop("author");
    inauthor_ = false;
    SyncAuthorDetail();
  }
  void StartTitle(const Attrs& attrs) {
    PushContent("title", attrs, "text/plain", infeed_ || inentry_ || insource_);
  }
  void EndTitle() {
    std::optional<std::string> value = PopContent("title");
    if (!value || value->empty()) return;
    title_depth_ = depth_;
  }
  void StartCategory(const Attrs& attrs) {
    Json scheme = AttrHas(attrs, "scheme") ? Json(AttrGet(attrs, "scheme")) : OptStr(attrs, "domain");
    AddTag(OptStr(attrs, "term"), scheme, OptStr(attrs, "label"));
    Push("category", true);
  }
  void EndCategory() {
    std::optional<std::string> value = Pop("category");
    if (!value || value->empty()) return;
    Json& context = Context();
    Json& tags = SetDefault(context, "tags", Json::array());
    if (!tags.empty()) {
      Json& term = tags.back()["term"];
      if (!term.is_string() || term.get<std::string>().empty()) {
        term = *value;
        return;
      }
    }
    AddTag(*value, nullptr, nullptr);
  }
  void EndName() {
    std::optional<std::string> v = Pop("name");
    Json value = v ? Json(*v) : Json(nullptr);
    std::string s = v.value_or("");
    if (inpublisher_) {
      SaveAuthor("name", s, "publisher");
    } else if (inauthor_) {
      SaveAuthor("name", s);
    } else if (incontributor_) {
      SaveContributor("name", s);
    } else if (intextinput_) {
      Context()["name"] = value;
    }
  }
  void EndWebmaster() {
    Pop("publisher");
    SyncAuthorDetail("publisher");
  }
  void EndSize(const std::string& key) {
    std::optional<std::string> value = Pop(key);
    int n = 0;
    if (value) {
      std::string v(PyStrip(*value));
      char* end = nullptr;
      long parsed = std::strtol(v.c_str(), &end, 10);
      if (!v.empty() && end != nullptr && *end == '\0') n = static_cast<int>(parsed);
    }
    if (inimage_) Context()[key] = n;
  }

  // Start handlers; false if `name` has none.
  bool Start(const std::string& name, Attrs& attrs) {
    if (name == "rss"sv) {
      if (version_.empty() || !StartsWith(version_, "rss")) {
        std::string v = AttrGet(attrs, "version");
        if (v == "0.91") {
          version_ = "rss091u";
        } else if (v == "0.92") {
          version_ = "rss092";
        } else if (v == "0.93") {
          version_ = "rss093";
        } else if (v == "0.94") {
          version_ = "rss094";
        } else if (StartsWith(v, "2.")) {
          version_ = "rss20";
        } else {
          version_ = "rss";
        }
      }
    } else if (name == "channel"sv) {
      infeed_ = true;
      CdfCommon(attrs);
    } else if (name == "feed"sv) {
      infeed_ = true;
      if (version_.empty()) {
        std::string v = AttrGet(attrs, "version");
        version_ = v == "0.1" ? "atom01" : v == "0.2" ? "atom02" : v == "0.3" ? "atom03" : "atom";
      }
    } else if (name == "image"sv) {
      if (!inentry_) SetDefault(Context(), "image", Json::object());
      inimage_ = true;
      title_depth_ = -1;
      Push("image", false);
    } else if (name == "textinput"sv) {
      SetDefault(Context(), "textinput", Json::object());
      intextinput_ = true;
      title_depth_ = -1;
      Push("textinput", false);
    } else if (name == "author"sv || name == "managingeditor"sv || name == "dc_author"sv ||
               name == "dc_creator"sv || name == "itunes_author"sv) {
      StartAuthor();
    } else if (name == "contributor"sv) {
      incontributor_ = true;
      SetDefault(Context(), "contributors", Json::array()).push_back(Json::object());
      Push("contributor", false);
    } else if (name == "dc_contributor"sv) {
      incontributor_ = true;
      SetDefault(Context(), "contributors", Json::array()).push_back(Json::object());
      Push("name", false);
    } else if (name == "name"sv || name == "itunes_name"sv) {
      Push("name", false);
    } else if (name == "width"sv || name == "height"sv) {
      Push(name, false);
    } else if (name == "url"sv || name == "homepage"sv || name == "uri"sv) {
      Push("href", true);
    } else if (name == "email"sv || name == "itunes_email"sv) {
      Push("email", false);
    } else if (name == "subtitle"sv || name == "tagline"sv || name == "itunes_subtitle"sv) {
      PushContent("subtitle", attrs, "text/plain", true);
    } else if (name == "rights"sv || name == "copyright"sv || name == "dc_rights"sv) {
      PushContent("rights", attrs, "text/plain", true);
    } else if (name == "item"sv || name == "entry"sv) {
      entries_.push_back(Json::object());
      Push("item", false);
      inentry_ = true;
      guidislink_ = false;
      title_depth_ = -1;
      std::string id = AttrGet(attrs, MapStandardPrefix("rdf:about"));
      if (!id.empty()) Context()["id"] = id;
      CdfCommon(attrs);
    } else if (name == "language"sv || name == "dc_language"sv) {
      Push("language", true);
    } else if (name == "webmaster"sv || name == "dc_publisher"sv) {
      Push("publisher", true);
    } else if (name == "published"sv || name == "issued"sv || name == "pubdate"sv || name == "dcterms_issued"sv) {
      Push("published", true);
    } else if (name == "updated"sv || name == "modified"sv || name == "lastbuilddate"sv || name == "dc_date"sv ||
               name == "dcterms_modified"sv) {
      Push("updated", true);
    } else if (name == "created"sv || name == "dcterms_created"sv) {
      Push("created", true);
    } else if (name == "expirationdate"sv) {
      Push("expired", true);
    } else if (name == "category"sv || name == "keywords"sv || name == "dc_subject"sv) {
      StartCategory(attrs);
    } else if (name == "media_category"sv) {
      if (!AttrHas(attrs, "scheme")) AttrSet(&attrs, "scheme", "http://search.yahoo.com/mrss/category_schema");
      StartCategory(attrs);
    } else if (name == "itunes_category"sv) {
      AddTag(OptStr(attrs, "text"), "http://www.itunes.com/", nullptr);
      Push("category", true);
    } else if (name == "cloud"sv) {
      Context()["cloud"] = AttrsToJson(attrs);
    } else if (name == "link"sv) {
      StartLink(attrs);
    } else if (name == "guid"sv || name == "id"sv) {
      guidislink_ = AttrGet(attrs, "ispermalink", "true") == "true";
      Push("id", true);
    } else if (name == "title"sv || name == "dc_title"sv || name == "media_title"sv) {
      if (svg_ok_ > 0) return false;
      StartTitle(attrs);
    } else if (name == "description"sv || name == "dc_description"sv || name == "media_description"sv) {
      StartDescription(attrs, "text/html");
    } else if (name == "abstract"sv) {
      PushContent("description", attrs, "text/plain", infeed_ || inentry_ || insource_);
    } else if (name == "info"sv || name == "feedburner_browserfriendly"sv) {
      PushContent("info", attrs, "text/plain", true);
    } else if (name == "generator"sv) {
      Attrs a = attrs;
      if (!a.empty()) {
        a = EnforceHref(a);
        if (AttrHas(a, "href")) AttrSet(&a, "href", ResolveUri(AttrGet(a, "href")));
      }
      Context()["generator_detail"] = AttrsToJson(a);
      Push("generator", true);
    } else if (name == "summary"sv || name == "itunes_summary"sv) {
      if (Has(Context(), "summary") && !has_content_) {
        summary_key_ = "content";
        StartContent(attrs);
      } else {
        summary_key_ = "summary";
        PushContent("summary", attrs, "text/plain", true);
      }
    } else if (name == "enclosure"sv) {
      Attrs a = EnforceHref(attrs);
      AttrSet(&a, "rel", "enclosure");
      SetDefault(Context(), "links", Json::array()).push_back(AttrsToJson(a));
    } else if (name == "source"sv) {
      if (AttrHas(attrs, "url")) sourcedata_["href"] = AttrGet(attrs, "url");
      Push("source", true);
      insource_ = true;
      title_depth_ = -1;
    } else if (name == "content"sv) {
      StartContent(attrs);
    } else if (name == "body"sv || name == "xhtml_body"sv) {
      PushContent("content", attrs, std::string(kXhtml), true);
    } else if (name == "content_encoded"sv || name == "fullitem"sv) {
      has_content_ = true;
      PushContent("content", attrs, "text/html", true);
    } else if (name == "newlocation"sv) {
      Push("newlocation", true);
    } else if (name == "tags"sv) {
      Push("tags", true);
    } else if (name == "dcterms_valid"sv) {
      Push("validity", true);
    } else if (name == "admin_generatoragent"sv || name == "admin_errorreportsto"sv) {
      std::string el = name == "admin_generatoragent"sv ? "generator" : "errorreportsto";
      Push(el, true);
      std::string value = AttrGet(attrs, MapStandardPrefix("rdf:resource"));
      if (!value.empty()) elementstack_.back().pieces.push_back(value);
      Pop(el);
      if (el == "generator") Context()["generator_detail"] = Json{{"href", value.empty() ? Json(nullptr) : Json(value)}};
    } else if (name == "cc_license"sv) {
      std::string value = AttrGet(attrs, MapStandardPrefix("rdf:resource"));
      Json link = {{"rel", "license"}};
      if (!value.empty()) link["href"] = value;
      SetDefault(Context(), "links", Json::array()).push_back(link);
    } else if (name == "creativecommons_license"sv) {
      Push("license", true);
    } else if (name == "itunes_owner"sv) {
      inpublisher_ = true;
      Push("publisher", false);
    } else if (name == "itunes_image"sv || name == "itunes_link"sv) {
      Push("itunes_image", false);
      std::string href = AttrGet(attrs, "href");
      if (href.empty()) href = AttrGet(attrs, "url");
      if (!href.empty()) Context()["image"] = Json{{"href", href}};
    } else if (name == "psc_chapters"sv) {
      Json& context = Context();
      if (!Has(context, "psc_chapters")) {
        psc_chapters_flag_ = true;
        Json chapters = AttrsToJson(attrs);
        chapters["chapters"] = Json::array();
        context["psc_chapters"] = chapters;
      }
    } else if (name == "psc_chapter"sv) {
      if (psc_chapters_flag_) {
        Json chapter = AttrsToJson(attrs);
        chapter["start_parsed"] = PscStart(AttrGet(attrs, "start"));
        Context()["psc_chapters"]["chapters"].push_back(chapter);
      }
    } else if (name == "media_group"sv) {
    } else if (name == "media_rating"sv || name == "media_restriction"sv || name == "media_license"sv) {
      SetDefault(Context(), name, AttrsToJson(attrs));
      Push(name.substr(6), true);
    } else if (name == "media_credit"sv) {
      SetDefault(Context(), "media_credit", Json::array()).push_back(AttrsToJson(attrs));
      Push("credit", true);
    } else if (name == "media_content"sv) {
      SetDefault(Context(), "media_content", Json::array()).push_back(AttrsToJson(attrs));
    } else if (name == "media_thumbnail"sv) {
      Json& list = SetDefault(Context(), "media_thumbnail", Json::array());
      Push("url", true);
      list.push_back(AttrsToJson(attrs));
    } else if (name == "media_player"sv) {
      Push("media_player", false);
      Context()["media_player"] = AttrsToJson(attrs);
    } else if (StartGeo(name, attrs)) {
    } else {
      return false;
    }
    return true;
  }

  // ---- GeoRSS (simple and GML profiles): the entry's or feed's "where", a
  // GeoJSON-like {"type", "coordinates"} with (longitude, latitude) order.

  bool StartGeo(const std::string& name, const Attrs& attrs) {
    if (name == "georss_point"sv || name == "georss_line"sv || name == "georss_polygon"sv ||
        name == "georss_box"sv) {
      Push("geometry", false);
      Context()["where"] = Json::object();
    } else if (name == "where"sv || name == "georss_where"sv) {
      Push("where", false);
      Context()["where"] = Json::object();
    } else if (name == "gml_point"sv || name == "gml_linestring"sv || name == "gml_polygon"sv) {
      GeoSrsAttributes(attrs);
      if (name != "gml_polygon"sv) geometry_kind_ = name == "gml_point"sv ? "point" : "linestring";
      Push("geometry", false);
    } else if (name == "gml_exterior"sv) {
      Push("geometry", false);
    } else if (name == "gml_linearring"sv) {
      geometry_kind_ = "polygon";
      Push("geometry", false);
    } else if (name == "gml_pos"sv || name == "gml_poslist"sv) {
      Push("pos", false);
    } else {
      return false;
    }
    return true;
  }

  bool EndGeo(const std::string& name) {
    if (name == "georss_point"sv || name == "georss_line"sv || name == "georss_polygon"sv ||
        name == "georss_box"sv) {
      std::string kind = name.substr(7);
      if (kind == "line") kind = "linestring";
      if (kind == "polygon") kind = "georss_polygon";
      SaveWhere(GeoGeometry(kind, Pop("geometry").value_or(""), /*swap=*/true, /*dims=*/2));
    } else if (name == "gml_pos"sv || name == "gml_poslist"sv) {
      const std::string text = Pop("pos").value_or("");
      const Json& where = Context().contains("where") ? Context()["where"] : Json::object();
      bool swap = true;
      const std::string srs = where.contains("srsName") && where["srsName"].is_string()
                                  ? where["srsName"].get<std::string>()
                                  : "";
      if (srs.find("EPSG") != std::string::npos) {
        const std::string code = srs.substr(srs.rfind(':') + 1);
        swap = !code.empty() && code.find_first_not_of("0123456789") == std::string::npos &&
               code.size() < 9 && IsGeographicEpsg(std::stoi(code));
      }
      const int dims = where.contains("srsDimension") && where["srsDimension"].is_number_integer()
                           ? where["srsDimension"].get<int>()
                           : 2;
      const std::string kind = name == "gml_pos"sv ? "point" : geometry_kind_;
      if (kind == "point" || kind == "linestring" || kind == "polygon") {
        SaveWhere(GeoGeometry(kind, text, swap, dims));
      }
    } else if (name == "gml_point"sv || name == "gml_linestring"sv || name == "gml_linearring"sv ||
               name == "gml_exterior"sv || name == "gml_polygon"sv) {
      geometry_kind_.clear();
      Pop("geometry");
    } else if (name == "where"sv || name == "georss_where"sv) {
      Pop("where");
    } else {
      return false;
    }
    return true;
  }

  void GeoSrsAttributes(const Attrs& attrs) {
    int dimension = 2;
    const std::string value = AttrGet(attrs, "srsdimension", "2");
    if (!value.empty() && value.size() < 9 &&
        value.find_first_not_of("0123456789") == std::string::npos) {
      dimension = std::stoi(value);
    }
    Json& where = Context()["where"];
    if (!where.is_object()) where = Json::object();
    where["srsName"] = AttrHas(attrs, "srsname") ? Json(AttrGet(attrs, "srsname")) : Json(nullptr);
    where["srsDimension"] = dimension;
  }

  void SaveWhere(const Json& geometry) {
    if (geometry.is_null()) return;
    Json& where = Context()["where"];
    if (!where.is_object()) where = Json::object();
    for (const auto& [key, value] : geometry.items()) where[key] = value;
  }

  // EPSG codes of geographic (latitude, longitude) coordinate systems, whose
  // GML positions are swapped to (longitude, latitude): the 4000-4999 block
  // of the EPSG registry and the few geographic systems numbered below it.
  static bool IsGeographicEpsg(int code) {
    return (code >= 4000 && code <= 4999) || code == 3819 || code == 3821 || code == 3824 ||
           code == 3889 || code == 3906;
  }

  // `text`: numbers separated by white space or commas, read as positions of
  // `dims` (2 or 3) numbers, each (latitude, longitude[, height]) when
  // `swap`. Null when the text holds no usable position.
  static Json GeoGeometry(const std::string& kind, const std::string& text, bool swap, int dims) {
    std::vector<double> numbers;
    std::string token;
    std::string padded = text + " ";
    for (char c : padded) {
      if (c == ' ' || c == ',' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        if (token.empty()) continue;
        char* end = nullptr;
        const double value = std::strtod(token.c_str(), &end);
        if (end == token.c_str() || *end != '\0' || !std::isfinite(value)) return nullptr;
        numbers.push_back(value);
        token.clear();
      } else {
        token.push_back(c);
      }
    }
    Json positions = Json::array();
    const size_t step = dims == 3 ? 3 : 2;
    for (size_t i = 0; i + step <= numbers.size(); i += step) {
      Json position = swap ? Json::array({numbers[i + 1], numbers[i]})
                           : Json::array({numbers[i], numbers[i + 1]});
      if (dims == 3) position.push_back(numbers[i + 2]);
      positions.push_back(std::move(position));
    }
    if (kind == "point") {
      if (positions.empty()) return nullptr;
      return Json{{"type", "Point"}, {"coordinates", positions[0]}};
    }
    if (kind == "linestring") return Json{{"type", "LineString"}, {"coordinates", positions}};
    if (kind == "polygon" || kind == "georss_polygon") {
      // A GeoRSS polygon needs four positions, the last repeating the first;
      // a GML ring is taken as it is.
      if (kind == "georss_polygon" && positions.size() < 4) return nullptr;
      return Json{{"type", "Polygon"}, {"coordinates", Json::array({positions})}};
    }
    if (kind == "box") return Json{{"type", "Box"}, {"coordinates", positions}};
    return nullptr;
  }

  static Json PscStart(const std::string& start) {
    static const RE2 re(R"((?:(\d{2}):)?(\d{2}):(\d{2})(?:\.(\d{3}))?)", fp::BytePatterns());
    std::string h;  // empty: the optional part is absent
    int mi = 0;
    int s = 0;
    std::string ms;
    if (!RE2::FullMatch(start, re, &h, &mi, &s, &ms)) return nullptr;
    return (h.empty() ? 0 : std::stoi(h)) * 3600 + mi * 60 + s + (ms.empty() ? 0 : std::stoi(ms)) / 1000.0;
  }

  std::string MapStandardPrefix(const std::string& name) const {
    size_t colon = name.find(':');
    if (colon == std::string::npos) return name;
    std::string prefix = name.substr(0, colon);
    if (auto it = namespacemap_.find(prefix); it != namespacemap_.end()) prefix = it->second;
    return prefix + ":" + name.substr(colon + 1);
  }

  // End handlers; false if `name` has none.
  bool End(const std::string& name) {
    if (name == "channel"sv || name == "feed"sv) {
      infeed_ = false;
    } else if (name == "image"sv) {
      Pop("image");
      inimage_ = false;
    } else if (name == "textinput"sv) {
      Pop("textinput");
      intextinput_ = false;
    } else if (name == "author"sv || name == "managingeditor"sv || name == "dc_author"sv ||
               name == "dc_creator"sv || name == "itunes_author"sv) {
      EndAuthor();
    } else if (name == "contributor"sv) {
      Pop("contributor");
      incontributor_ = false;
    } else if (name == "dc_contributor"sv) {
      EndName();
      incontributor_ = false;
    } else if (name == "name"sv || name == "itunes_name"sv) {
      EndName();
    } else if (name == "width"sv || name == "height"sv) {
      EndSize(name);
    } else if (name == "url"sv || name == "homepage"sv || name == "uri"sv) {
      std::optional<std::string> value = Pop("href");
      if (inauthor_) {
        SaveAuthor("href", value.value_or(""));
      } else if (incontributor_) {
        SaveContributor("href", value.value_or(""));
      }
    } else if (name == "email"sv || name == "itunes_email"sv) {
      std::optional<std::string> value = Pop("email");
      if (inpublisher_) {
        SaveAuthor("email", value.value_or(""), "publisher");
      } else if (inauthor_) {
        SaveAuthor("email", value.value_or(""));
      } else if (incontributor_) {
        SaveContributor("email", value.value_or(""));
      }
    } else if (name == "subtitle"sv || name == "tagline"sv || name == "itunes_subtitle"sv) {
      PopContent("subtitle");
    } else if (name == "rights"sv || name == "copyright"sv || name == "dc_rights"sv) {
      PopContent("rights");
    } else if (name == "item"sv || name == "entry"sv) {
      Pop("item");
      inentry_ = false;
      has_content_ = false;
    } else if (name == "language"sv || name == "dc_language"sv) {
      std::optional<std::string> value = Pop("language");
      lang_ = value;
    } else if (name == "webmaster"sv || name == "dc_publisher"sv) {
      EndWebmaster();
    } else if (name == "published"sv || name == "issued"sv || name == "pubdate"sv || name == "dcterms_issued"sv) {
      EndUpdated("published", "published_parsed");
    } else if (name == "updated"sv || name == "modified"sv || name == "lastbuilddate"sv || name == "dc_date"sv ||
               name == "dcterms_modified"sv) {
      EndUpdated("updated", "updated_parsed");
    } else if (name == "created"sv || name == "dcterms_created"sv) {
      EndUpdated("created", "created_parsed");
    } else if (name == "expirationdate"sv) {
      EndUpdated("expired", "expired_parsed");
    } else if (name == "category"sv || name == "keywords"sv || name == "dc_subject"sv || name == "media_category"sv ||
               name == "itunes_category"sv) {
      EndCategory();
    } else if (name == "link"sv) {
      Pop("link");
    } else if (name == "guid"sv || name == "id"sv) {
      std::optional<std::string> value = Pop("id");
      Save("guidislink", guidislink_ && !Has(Context(), "link"));
      if (guidislink_) Save("link", value ? Json(*value) : Json(nullptr));
    } else if (name == "title"sv || name == "dc_title"sv) {
      if (svg_ok_ > 0) return true;
      EndTitle();
    } else if (name == "media_title"sv) {
      int saved = title_depth_;
      EndTitle();
      title_depth_ = saved;
    } else if (name == "description"sv || name == "dc_description"sv || name == "media_description"sv ||
               name == "abstract"sv) {
      EndDescription();
    } else if (name == "info"sv || name == "feedburner_browserfriendly"sv) {
      PopContent("info");
    } else if (name == "generator"sv) {
      std::optional<std::string> value = Pop("generator");
      Json& context = Context();
      if (Has(context, "generator_detail")) context["generator_detail"]["name"] = value ? Json(*value) : Json(nullptr);
    } else if (name == "summary"sv || name == "itunes_summary"sv) {
      if (summary_key_ == "content") {
        EndContent();
      } else {
        PopContent(summary_key_.empty() ? "summary" : summary_key_);
      }
      summary_key_.clear();
    } else if (name == "source"sv) {
      insource_ = false;
      std::optional<std::string> value = Pop("source");
      if (value && !value->empty()) sourcedata_["title"] = *value;
      Context()["source"] = sourcedata_;
      sourcedata_ = Json::object();
    } else if (name == "content"sv || name == "body"sv || name == "xhtml_body"sv || name == "content_encoded"sv ||
               name == "fullitem"sv) {
      EndContent();
    } else if (name == "newlocation"sv) {
      std::optional<std::string> url = Pop("newlocation");
      Json& context = Context();
      if (&context == &feeddata_) {
        context["newlocation"] = fp::MakeSafeAbsoluteUri(baseuri_, PyStrip(url.value_or("")));
      }
    } else if (name == "tags"sv) {
      std::optional<std::string> value = Pop("tags");
      if (!value) return false;
      size_t pos = 0;
      while (true) {
        size_t comma = value->find(',', pos);
        std::string term(PyStrip(std::string_view(*value).substr(pos, comma == std::string::npos ? std::string::npos : comma - pos)));
        AddTag(term, nullptr, nullptr);
        if (comma == std::string::npos) break;
        pos = comma + 1;
      }
    } else if (name == "itunes_keywords"sv || name == "media_keywords"sv) {
      std::optional<std::string> value = Pop(name);
      if (!value) return false;
      size_t pos = 0;
      while (true) {
        size_t comma = value->find(',', pos);
        std::string term(PyStrip(std::string_view(*value).substr(pos, comma == std::string::npos ? std::string::npos : comma - pos)));
        if (!term.empty()) {
          AddTag(term, name == "itunes_keywords"sv ? Json("http://www.itunes.com/") : Json(nullptr), nullptr);
        }
        if (comma == std::string::npos) break;
        pos = comma + 1;
      }
    } else if (name == "dcterms_valid"sv) {
      std::optional<std::string> value = Pop("validity");
      if (!value) return false;
      size_t pos = 0;
      while (true) {
        size_t semi = value->find(';', pos);
        std::string part = value->substr(pos, semi == std::string::npos ? std::string::npos : semi - pos);
        size_t eq = part.find('=');
        if (eq != std::string::npos) {
          std::string key = part.substr(0, eq);
          std::string v = part.substr(eq + 1);
          if (key == "start" || key == "end") {
            Save("validity_" + key, v, true);
            Save("validity_" + key + "_parsed", FeedparserParseDate(v), true);
          }
        }
        if (semi == std::string::npos) break;
        pos = semi + 1;
      }
    } else if (name == "creativecommons_license"sv) {
      std::optional<std::string> value = Pop("license");
      Json& context = Context();
      Json link = {{"rel", "license"}};
      if (value && !value->empty()) link["href"] = *value;
      SetDefault(context, "links", Json::array()).push_back(link);
      context.erase("license");
    } else if (name == "itunes_owner"sv) {
      Pop("publisher");
      inpublisher_ = false;
      SyncAuthorDetail("publisher");
    } else if (name == "itunes_block"sv) {
      std::optional<std::string> value = Pop("itunes_block", false);
      Context()["itunes_block"] = (value == "yes" || value == "Yes") ? 1 : 0;
    } else if (name == "itunes_explicit"sv) {
      std::optional<std::string> value = Pop("itunes_explicit", false);
      Json& context = Context();
      std::string v = value.value_or("");  // exact lower-case values only
      if (v == "yes" || v == "true") {
        context["itunes_explicit"] = true;
      } else if (v == "no" || v == "false" || v == "clean") {
        context["itunes_explicit"] = false;
      } else {
        context["itunes_explicit"] = nullptr;
      }
    } else if (name == "psc_chapters"sv) {
      psc_chapters_flag_ = false;
    } else if (name == "media_rating"sv || name == "media_license"sv) {
      std::string el = name.substr(6);
      std::optional<std::string> value = Pop(el);
      if (value && !PyStrip(*value).empty()) {
        Json& c = Context();
        if (Has(c, name) && c[name].is_object()) c[name]["content"] = *value;
      }
    } else if (name == "media_restriction"sv) {
      std::optional<std::string> value = Pop("restriction");
      if (value && !PyStrip(*value).empty()) {
        Json list = Json::array();
        size_t pos = 0;
        while (true) {
          size_t sp = value->find(' ', pos);
          list.push_back(Lower(PyStrip(value->substr(pos, sp == std::string::npos ? std::string::npos : sp - pos))));
          if (sp == std::string::npos) break;
          pos = sp + 1;
        }
        Json& c = Context();
        if (Has(c, name) && c[name].is_object()) c[name]["content"] = list;
      }
    } else if (name == "media_credit"sv) {
      std::optional<std::string> value = Pop("credit");
      if (value && !PyStrip(*value).empty()) {
        Json& c = Context();
        if (Has(c, "media_credit") && !c["media_credit"].empty()) c["media_credit"].back()["content"] = *value;
      }
    } else if (name == "media_thumbnail"sv) {
      std::optional<std::string> url = Pop("url");
      Json& c = Context();
      if (url && !PyStrip(*url).empty() && Has(c, "media_thumbnail") && !c["media_thumbnail"].empty()) {
        Json& last = c["media_thumbnail"].back();
        if (!last.contains("url")) last["url"] = *url;
      }
    } else if (name == "media_player"sv) {
      std::optional<std::string> value = Pop("media_player");
      Context()["media_player"]["content"] = value ? Json(*value) : Json(nullptr);
    } else if (EndGeo(name)) {
    } else {
      return false;
    }
    return true;
  }

  std::string baseuri_;
  std::optional<std::string> lang_;
  bool loose_;
  std::map<std::string, std::string> entities_;
  std::map<std::string, std::string> namespacemap_;
  std::vector<Element> elementstack_;
  std::vector<std::string> basestack_;
  std::vector<std::optional<std::string>> langstack_;
  std::map<size_t, std::map<std::string, int>> property_depth_;
  Json sourcedata_ = Json::object();
  Json contentparams_ = Json::object();
  std::string summary_key_;
  bool infeed_ = false;
  bool inentry_ = false;
  int incontent_ = 0;
  bool intextinput_ = false;
  bool inimage_ = false;
  bool inauthor_ = false;
  bool incontributor_ = false;
  bool inpublisher_ = false;
  bool insource_ = false;
  bool guidislink_ = false;
  bool has_content_ = false;
  bool psc_chapters_flag_ = false;
  std::string geometry_kind_;  // GML geometry being read: point, linestring, polygon
  int svg_ok_ = 0;
  int title_depth_ = -1;
  int depth_ = 0;
};

// ----------------------------------------------------------------------------
// Strict pass: libxml2 SAX2

struct StrictContext {
  FeedState* state;
  std::vector<std::pair<std::string, std::string>> pending_decls;
  std::string error;
  bool failed = false;
};

std::string XStr(const xmlChar* s) { return s != nullptr ? reinterpret_cast<const char*>(s) : ""; }

std::string QualifiedName(FeedState* state, const xmlChar* localname, const xmlChar* uri_x) {
  std::string uri = XStr(uri_x);
  std::string lower = Lower(uri);
  if (lower.find("backend.userland.com/rss") != std::string::npos) {
    uri = "http://backend.userland.com/rss";
    lower = uri;
  }
  std::string local = Lower(XStr(localname));
  const auto& match = fp::MatchNamespaces();
  auto it = match.find(lower);
  if (it != match.end()) {
    if (!it->second.empty()) return Lower(it->second) + ":" + local;
    if (uri.empty()) return local;
  }
  if (!uri.empty()) {
    std::string prefix = state->PrefixForNamespace(uri);
    if (!prefix.empty()) return Lower(prefix + ":" + local);
  }
  return local;
}

void OnStartElementNs(void* ctx, const xmlChar* localname, const xmlChar* /*prefix*/, const xmlChar* uri,
                      int nb_namespaces, const xmlChar** namespaces, int nb_attributes, int /*nb_defaulted*/,
                      const xmlChar** attributes) {
  auto* pctxt = static_cast<xmlParserCtxt*>(ctx);
  auto* sc = static_cast<StrictContext*>(pctxt->_private);
  if (sc->failed) return;
  FeedState* state = sc->state;
  Attrs attrs;
  for (int i = 0; i < nb_namespaces; ++i) {
    std::string p = XStr(namespaces[2 * i]);
    std::string u = XStr(namespaces[2 * i + 1]);
    if (u.empty()) continue;
    state->TrackNamespace(p.empty() ? std::nullopt : std::optional<std::string>(p), u);
    if (!p.empty() && u == "http://www.w3.org/1999/xlink") attrs.emplace_back("xmlns:" + p, u);
  }
  std::string ns = XStr(uri);
  std::string local = Lower(XStr(localname));
  if (local == "math" && ns == "http://www.w3.org/1998/Math/MathML") attrs.emplace_back("xmlns", ns);
  if (local == "svg" && ns == "http://www.w3.org/2000/svg") attrs.emplace_back("xmlns", ns);
  std::string tag = QualifiedName(state, localname, uri);
  std::vector<std::pair<std::string, std::string>> qnames;
  for (int i = 0; i < nb_attributes; ++i) {
    const xmlChar** a = attributes + 5 * i;
    std::string alocal = XStr(a[0]);
    std::string auri = XStr(a[2]);
    std::string value(reinterpret_cast<const char*>(a[3]), static_cast<size_t>(a[4] - a[3]));
    std::string key = alocal;
    if (!auri.empty()) {
      auto it = fp::MatchNamespaces().find(Lower(auri));
      if (it != fp::MatchNamespaces().end() && !it->second.empty()) key = it->second + ":" + alocal;
    }
    AttrSet(&attrs, Lower(key), value);
    qnames.emplace_back(Lower(alocal), value);
  }
  for (const auto& [k, v] : qnames) AttrSet(&attrs, k, v);
  state->StartTag(tag, attrs);
}

void OnEndElementNs(void* ctx, const xmlChar* localname, const xmlChar* /*prefix*/, const xmlChar* uri) {
  auto* pctxt = static_cast<xmlParserCtxt*>(ctx);
  auto* sc = static_cast<StrictContext*>(pctxt->_private);
  if (sc->failed) return;
  sc->state->EndTag(QualifiedName(sc->state, localname, uri));
}

void OnCharacters(void* ctx, const xmlChar* ch, int len) {
  auto* pctxt = static_cast<xmlParserCtxt*>(ctx);
  auto* sc = static_cast<StrictContext*>(pctxt->_private);
  if (sc->failed) return;
  sc->state->HandleData(std::string_view(reinterpret_cast<const char*>(ch), static_cast<size_t>(len)));
}

void OnStructuredError(void* ctx, xmlErrorPtr error) {
  auto* pctxt = static_cast<xmlParserCtxt*>(ctx);
  if (pctxt == nullptr || error == nullptr) return;
  auto* sc = static_cast<StrictContext*>(pctxt->_private);
  if (sc == nullptr || error->level < XML_ERR_ERROR) return;
  if (!sc->failed) {
    std::string message = error->message != nullptr ? error->message : "parse error";
    while (!message.empty() && std::isspace(static_cast<unsigned char>(message.back()))) message.pop_back();
    sc->error = "<unknown>:" + std::to_string(error->line) + ":" + std::to_string(error->int2) + ": " + message;
  }
  sc->failed = true;
  xmlStopParser(pctxt);
}

void IgnoreGenericError(void*, const char*, ...) {}

// Returns false (and the error) if the document is not well-formed.
bool RunStrict(const std::string& data, FeedState* state, std::string* error) {
  if (data.size() > static_cast<size_t>(INT_MAX)) {
    *error = "document too large";
    return false;
  }
  xmlGenericErrorFunc saved = xmlGenericError;
  void* saved_ctx = xmlGenericErrorContext;
  xmlSetGenericErrorFunc(nullptr, &IgnoreGenericError);
  xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(data.data(), static_cast<int>(data.size()));
  if (ctxt == nullptr) {
    xmlSetGenericErrorFunc(saved_ctx, saved);
    *error = "cannot create parser";
    return false;
  }
  StrictContext sc{state, {}, "", false};
  ctxt->sax->startElementNs = &OnStartElementNs;
  ctxt->sax->endElementNs = &OnEndElementNs;
  ctxt->sax->characters = &OnCharacters;
  ctxt->sax->cdataBlock = &OnCharacters;
  ctxt->sax->ignorableWhitespace = &OnCharacters;
  ctxt->sax->comment = nullptr;
  ctxt->sax->processingInstruction = nullptr;
  ctxt->sax->serror = &OnStructuredError;
  ctxt->sax->warning = nullptr;
  ctxt->sax->error = nullptr;
  ctxt->sax->fatalError = nullptr;
  ctxt->sax->initialized = XML_SAX2_MAGIC;
  ctxt->_private = &sc;
  xmlCtxtUseOptions(ctxt, XML_PARSE_NOENT | XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                              XML_PARSE_NOCDATA);
  ctxt->replaceEntities = 1;
  int rc = xmlParseDocument(ctxt);
  bool ok = rc == 0 && ctxt->wellFormed && ctxt->nsWellFormed && !sc.failed;
  if (!ok) {
    *error = sc.error.empty() ? "<unknown>: not well-formed" : sc.error;
  }
  if (ctxt->myDoc != nullptr) {
    xmlFreeDoc(ctxt->myDoc);
    ctxt->myDoc = nullptr;
  }
  xmlFreeParserCtxt(ctxt);
  xmlSetGenericErrorFunc(saved_ctx, saved);
  return ok;
}

// ----------------------------------------------------------------------------
// Loose pass: the SGML tokenizer drives the same state machine.

class LooseDriver : public fp::SgmlParser {
 public:
  explicit LooseDriver(FeedState* state) : state_(state) {}

 protected:
  void StartTag(const std::string& tag, Attrs& attrs) override { state_->StartTag(tag, attrs); }
  void EndTag(const std::string& tag) override { state_->EndTag(tag); }
  void Data(std::string_view text) override { state_->HandleData(text); }
  void CharRef(const std::string& ref) override { state_->HandleCharRef(ref); }
  void EntityRef(const std::string& name) override { state_->HandleEntityRef(name); }
  long ParseDeclaration(size_t i) override {
    if (raw_.compare(i, 9, "<![CDATA[") == 0) {
      size_t k = raw_.find("]]>", i);
      if (k == std::string::npos) return static_cast<long>(raw_.size());
      state_->HandleData(XmlEscape(std::string_view(raw_).substr(i + 9, k - i - 9)), false);
      return static_cast<long>(k + 3);
    }
    size_t k = raw_.find('>', i);
    if (k == std::string::npos) return -1;
    return static_cast<long>(k + 1);
  }

 private:
  FeedState* state_;
};

}  // namespace

Json FeedparserParseDate(std::string_view date) {
  std::string s(PyStrip(date));
  if (s.empty()) return nullptr;
  std::optional<int64_t> ms = ParseFeedDate(s);
  if (!ms) return nullptr;
  return TupleFromMs(*ms);
}

std::string FeedparserSanitizeHtml(std::string_view html, std::string_view type) {
  return fp::SanitizeHtmlFp(html, type);
}

Json ParseFeedparserFormat(std::string_view bytes, const FeedparserOptions& options) {
  Json result = Json::object();
  result["bozo"] = false;
  result["entries"] = Json::array();
  result["feed"] = Json::object();
  std::map<std::string, std::string> headers;
  for (const auto& [k, v] : options.headers) headers[Lower(k)] = v;
  if (!options.url.empty()) {
    std::string cl = headers.count("content-location") ? headers["content-location"] : "";
    std::string base = fp::MakeSafeAbsoluteUri(options.url, cl);
    if (base.empty()) base = fp::MakeSafeAbsoluteUri(cl);
    if (base.empty()) base = options.url;
    headers["content-location"] = base;
  }
  Json hjson = Json::object();
  for (const auto& [k, v] : headers) hjson[k] = v;
  result["headers"] = hjson;
  auto finish_http = [&] {
    if (options.url.empty()) return;
    result["href"] = options.url;
    result["status"] = 200;
    if (headers.count("etag") && !headers["etag"].empty()) result["etag"] = headers["etag"];
    if (headers.count("last-modified") && !headers["last-modified"].empty()) {
      result["modified"] = headers["last-modified"];
      result["modified_parsed"] = FeedparserParseDate(headers["last-modified"]);
    }
  };
  if (bytes.empty()) {
    finish_http();
    return result;
  }
  Decoded decoded = ConvertToUtf8Fp(bytes, headers);
  result["encoding"] = decoded.encoding;
  if (decoded.error) {
    result["bozo"] = true;
    result["bozo_exception"] = *decoded.error;
  }
  bool use_strict = !decoded.encoding.empty();
  DoctypeResult doc = ReplaceDoctype(decoded.data);
  std::string contentloc = headers.count("content-location") ? headers["content-location"] : "";
  std::string baseuri = fp::MakeSafeAbsoluteUri("", contentloc);
  if (baseuri.empty()) baseuri = fp::MakeSafeAbsoluteUri(contentloc);
  std::optional<std::string> baselang;
  if (headers.count("content-language")) baselang = headers["content-language"];

  std::unique_ptr<FeedState> state;
  if (use_strict) {
    state = std::make_unique<FeedState>(baseuri, baselang, false, doc.entities);
    std::string error;
    if (!RunStrict(doc.data, state.get(), &error)) {
      result["bozo"] = true;
      result["bozo_exception"] = MakeException("SAXParseException", error);
      use_strict = false;
    }
  }
  if (!use_strict) {
    state = std::make_unique<FeedState>(baseuri, baselang, true, doc.entities);
    LooseDriver driver(state.get());
    driver.Feed(IsValidUtf8(doc.data) ? doc.data : ToValidUtf8(doc.data));
  }
  result["feed"] = std::move(state->feeddata_);
  result["entries"] = std::move(state->entries_);
  result["version"] = !doc.version.empty() ? doc.version : state->version_;
  Json namespaces = Json::object();
  for (const auto& [p, u] : state->namespaces_in_use_) namespaces[p] = u;
  result["namespaces"] = namespaces;
  finish_http();
  return result;
}

namespace {

bool ReadWholeFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *out = buffer.str();
  return true;
}

}  // namespace

int RunFeedparserCommand(const std::string& file, const std::vector<std::string>& header_lines,
                         const std::string& url, bool batch, std::istream& in, std::ostream& out,
                         std::ostream& err, bool use_model) {
  auto parse = use_model ? &ParseFeedparserFormatModel : &ParseFeedparserFormat;
  if (!batch) {
    FeedparserOptions options;
    options.url = url;
    for (const std::string& line : header_lines) {
      size_t colon = line.find(':');
      if (colon == std::string::npos) {
        err << "parse-feed: --header must be 'Name: value', got '" << line << "'\n";
        return 2;
      }
      options.headers.emplace_back(std::string(PyStrip(line.substr(0, colon))),
                                   std::string(PyStrip(line.substr(colon + 1))));
    }
    std::string bytes;
    if (!ReadWholeFile(file, &bytes)) {
      err << "parse-feed: cannot open " << file << "\n";
      return 1;
    }
    out << parse(bytes, options).dump(-1, ' ', false, Json::error_handler_t::replace) << "\n";
    return 0;
  }
  std::string line;
  while (std::getline(in, line)) {
    if (PyStrip(line).empty()) continue;
    Json request = Json::parse(line, nullptr, false);
    Json reply = Json::object();
    if (request.is_discarded() || !request.is_object()) {
      reply["id"] = nullptr;
      reply["error"] = "request is not a JSON object";
    } else {
      reply["id"] = request.contains("id") ? request["id"] : Json(nullptr);
      FeedparserOptions options;
      if (request.contains("url") && request["url"].is_string()) options.url = request["url"];
      if (request.contains("headers") && request["headers"].is_object()) {
        for (const auto& [k, v] : request["headers"].items()) {
          options.headers.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
        }
      }
      std::string bytes;
      std::string path = request.contains("file") && request["file"].is_string() ? request["file"].get<std::string>() : "";
      if (!ReadWholeFile(path, &bytes)) {
        reply["error"] = "cannot open " + path;
      } else {
        reply["result"] = parse(bytes, options);
      }
    }
    out << reply.dump(-1, ' ', false, Json::error_handler_t::replace) << "\n";
  }
  out.flush();
  return 0;
}

}  // namespace newsflow::ingest

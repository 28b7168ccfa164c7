// Universal Feed Parser's result shape rendered from ParseFeed's typed model
// (feed_model.h). The parsing is ParseFeed's (one parser, one recovery, one
// charset decision: DecodeXmlBytes with the HTTP headers); what is left here
// is naming (feedparser's keys and aliases), the *_detail and *_parsed
// companions, sanitising and relative-URI resolution of HTML with
// feedparser's rules (feedparser_html.h), and the extension elements that
// feedparser maps by name.
#include "services/ingest/feed/feedparser_format.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "re2/re2.h"
#include "services/ingest/feed/feed_date.h"
#include "services/ingest/feed/feed_parser.h"
#include "services/ingest/feed/feedparser_html.h"

namespace newsflow::ingest {
namespace {

using Json = nlohmann::json;

Json TupleFromMs(int64_t ms) {
  int64_t secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
  time_t t = static_cast<time_t>(secs);
  struct tm tm;
  if (gmtime_r(&t, &tm) == nullptr) return nullptr;
  return Json::array({tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                      (tm.tm_wday + 6) % 7, tm.tm_yday + 1, 0});
}

constexpr std::string_view kXhtmlType = "application/xhtml+xml";

std::string Strip(std::string_view s) { return std::string(fp::PyStrip(s)); }

Json OrNull(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

bool IsMarkupType(std::string_view type) { return type == "text/html" || type == kXhtmlType; }

// The context a formatter call works in: the document's version decides how
// RSS text is typed, the headers give the default language.
struct Context {
  bool atom = false;
  std::string default_language;  // Content-Language, "" if none
};

// A text construct as feedparser reports it: the stripped value, HTML
// resolved and sanitised, and its detail object. `rss_type` is the type
// feedparser gives the element in RSS documents, whose text elements carry
// no type attribute.
struct TextOut {
  std::string value;
  Json detail;
};

TextOut FormatText(const FeedText& text, std::string_view rss_type, const Context& ctx) {
  TextOut out;
  std::string type = text.type;
  if (!ctx.atom) type = std::string(rss_type);
  // Atom content of an RSS document keeps its own type.
  if (text.type != "text/html" && !text.type.empty() && !ctx.atom) type = text.type;
  out.value = Strip(text.value);
  if (!ctx.atom && type == "text/plain" && fp::LooksLikeHtml(out.value)) type = "text/html";
  if (IsMarkupType(type)) {
    out.value = fp::ResolveRelativeUris(out.value, text.base, type);
    out.value = fp::SanitizeHtmlFp(out.value, type);
  }
  fp::FixDoubleEncoding(&out.value);
  fp::TranslateCp1252(&out.value);
  std::string language = !text.language.empty() ? text.language : ctx.default_language;
  std::replace(language.begin(), language.end(), '_', '-');
  out.detail =
      Json{{"type", type}, {"language", OrNull(language)}, {"base", text.base}, {"value", out.value}};
  if (!text.src.empty()) out.detail["src"] = text.src;
  return out;
}

void PutText(Json& target, const std::string& key, const FeedText& text, std::string_view rss_type,
             const Context& ctx) {
  if (!text.present) return;
  TextOut out = FormatText(text, rss_type, ctx);
  target[key] = out.value;
  target[key + "_detail"] = std::move(out.detail);
}

std::string Resolve(const std::string& base, const std::string& uri) {
  if (uri.empty()) return uri;
  return fp::UrlJoin(base, uri);
}

void PutDate(Json& target, const std::string& key, const std::string& value) {
  if (value.empty()) return;
  target[key] = value;
  target[key + "_parsed"] = FeedparserParseDate(value);
}

Json LinkJson(const FeedLink& link) {
  Json out = Json::object();
  std::string rel = absl::AsciiStrToLower(link.rel);
  std::string type = absl::AsciiStrToLower(link.type);
  out["rel"] = rel;
  if (rel == "enclosure") {
    // An RSS enclosure's url is taken as written.
    out["href"] = link.href;
    if (!type.empty()) out["type"] = type;
    if (!link.length.empty()) out["length"] = link.length;
    return out;
  }
  if (type.empty()) type = rel == "self" ? "application/atom+xml" : "text/html";
  out["type"] = type;
  out["href"] = Resolve(link.base, link.href);
  if (!link.title.empty()) out["title"] = link.title;
  if (!link.hreflang.empty()) out["hreflang"] = link.hreflang;
  if (!link.length.empty()) out["length"] = link.length;
  return out;
}

// links plus the link feedparser promotes: the last alternate HTML link.
void PutLinks(Json& target, const std::vector<FeedLink>& links) {
  if (links.empty()) return;
  Json list = Json::array();
  std::string alternate;
  for (const FeedLink& link : links) {
    Json j = LinkJson(link);
    std::string type = j.value("type", "");
    if (j["rel"] == "alternate" && (type == "text/html" || type == kXhtmlType) && !link.href.empty()) {
      alternate = j["href"];
    }
    list.push_back(std::move(j));
  }
  target["links"] = std::move(list);
  if (!alternate.empty()) target["link"] = alternate;
}

// feedparser's reading of a person given as one string: an email address
// anywhere in it, and what is left, without brackets, as the name.
Json TextPersonJson(const std::string& text) {
  Json out = Json::object();
  std::string author = text;
  std::string email;
  static const RE2 email_re(
      R"(([a-zA-Z0-9_\-\.\+]+)@(?:\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.|(?:[a-zA-Z0-9\-]+\.)+)(?:[a-zA-Z]{2,4}|[0-9]{1,3})\]?(?:\?subject=[^\t\n\v\f\r ]+)?)",
      fp::BytePatterns());
  re2::StringPiece match;
  if (author.find('@') != std::string::npos &&
      email_re.Match(author, 0, author.size(), RE2::UNANCHORED, &match, 1)) {
    email = std::string(match);
    for (std::string_view junk : {std::string_view(email), std::string_view("()"), std::string_view("<>"),
                                  std::string_view("&lt;&gt;")}) {
      std::string copy(junk);
      for (size_t pos; (pos = author.find(copy)) != std::string::npos;) author.erase(pos, copy.size());
    }
    author = Strip(author);
    if (!author.empty() && author.front() == '(') author.erase(0, 1);
    if (!author.empty() && author.back() == ')') author.pop_back();
    author = Strip(author);
  }
  if (!author.empty()) out["name"] = author;
  if (!email.empty()) out["email"] = email;
  return out;
}

Json PersonJson(const FeedPerson& person, const std::string& base) {
  if (!person.text.empty()) return TextPersonJson(person.text);
  Json out = Json::object();
  if (!person.name.empty()) out["name"] = person.name;
  if (!person.email.empty()) out["email"] = person.email;
  if (!person.uri.empty()) out["href"] = Resolve(base, person.uri);
  return out;
}

// "Name (email)", the name or the email, as feedparser joins a person.
std::string PersonString(const FeedPerson& person) {
  if (!person.text.empty()) return person.text;
  if (!person.name.empty() && !person.email.empty()) return person.name + " (" + person.email + ")";
  return !person.name.empty() ? person.name : person.email;
}

// authors (or contributors), author and author_detail. feedparser keeps one
// detail object that every structured person writes into, and the string
// of the last person.
void PutPeople(Json& target, const std::string& key, const std::vector<FeedPerson>& people,
               const std::string& base) {
  if (people.empty()) return;
  Json list = Json::array();
  Json detail = Json::object();
  bool detail_set = false;
  for (const FeedPerson& person : people) {
    Json j = PersonJson(person, base);
    if (!person.text.empty()) {
      if (!detail_set && !j.empty()) detail = j;
    } else {
      for (const auto& [k, v] : j.items()) detail[k] = v;
    }
    if (!j.empty()) detail_set = true;
    list.push_back(std::move(j));
  }
  target[key + "s"] = std::move(list);
  target[key] = PersonString(people.back());
  if (!detail.empty()) target[key + "_detail"] = std::move(detail);
}

void PutContributors(Json& target, const std::vector<FeedPerson>& people, const std::string& base) {
  if (people.empty()) return;
  Json list = Json::array();
  for (const FeedPerson& person : people) list.push_back(PersonJson(person, base));
  target["contributors"] = std::move(list);
}

// feedparser files a person's uri under the person and, as "href", under the
// feed or entry as well (the last one wins).
void PutPersonUris(Json& target, const std::vector<FeedPerson>& authors,
                   const std::vector<FeedPerson>& contributors, const std::string& base) {
  std::string href;
  for (const auto* people : {&authors, &contributors}) {
    for (const FeedPerson& person : *people) {
      if (!person.uri.empty()) href = person.uri;
    }
  }
  if (!href.empty()) target["href"] = Resolve(base, href);
}

void PutTags(Json& target, const std::vector<FeedCategory>& tags) {
  Json list = Json::array();
  for (const FeedCategory& tag : tags) {
    if (tag.term.empty() && tag.scheme.empty() && tag.label.empty()) continue;
    Json t = {{"term", OrNull(tag.term)}, {"scheme", OrNull(tag.scheme)}, {"label", OrNull(tag.label)}};
    if (std::find(list.begin(), list.end(), t) == list.end()) list.push_back(std::move(t));
  }
  if (!list.empty()) target["tags"] = std::move(list);
}

void AddTag(Json& target, const std::string& term, const Json& scheme) {
  Json& list = target["tags"];
  if (!list.is_array()) list = Json::array();
  Json t = {{"term", term}, {"scheme", scheme}, {"label", nullptr}};
  if (std::find(list.begin(), list.end(), t) == list.end()) list.push_back(std::move(t));
}

// The prefix feedparser reports an extension element's namespace with.
std::string PrefixOf(const std::string& ns) {
  const auto& known = fp::MatchNamespaces();
  auto it = known.find(absl::AsciiStrToLower(ns));
  if (it != known.end()) return it->second;
  return "";
}

// FeedParserDict's write-side key aliases.
std::string MapKey(const std::string& key) {
  static const auto* map = new std::map<std::string, std::string>{{"channel", "feed"},
                                                                  {"items", "entries"},
                                                                  {"guid", "id"},
                                                                  {"date", "updated"},
                                                                  {"date_parsed", "updated_parsed"},
                                                                  {"description", "summary"},
                                                                  {"description_detail", "summary_detail"},
                                                                  {"url", "href"},
                                                                  {"modified", "updated"},
                                                                  {"modified_parsed", "updated_parsed"},
                                                                  {"issued", "published"},
                                                                  {"issued_parsed", "published_parsed"},
                                                                  {"copyright", "rights"},
                                                                  {"copyright_detail", "rights_detail"},
                                                                  {"tagline", "subtitle"},
                                                                  {"tagline_detail", "subtitle_detail"}};
  auto it = map->find(key);
  return it == map->end() ? key : it->second;
}

// "prefix_name", lower-cased, as feedparser names an element: the prefix of
// a well-known namespace, none for RSS and Atom themselves; an element that
// recovery left with an undeclared "prefix:name" keeps that prefix.
std::string KeyOf(const FeedExtension& ext) {
  std::string local = absl::AsciiStrToLower(ext.name);
  std::string prefix = absl::AsciiStrToLower(PrefixOf(ext.ns));
  if (prefix.empty() && !ext.ns.empty() && fp::MatchNamespaces().count(absl::AsciiStrToLower(ext.ns)) == 0) {
    prefix = absl::AsciiStrToLower(ext.prefix);  // a namespace feedparser does not know
  }
  if (ext.ns.empty()) {
    size_t colon = local.find(':');
    if (colon != std::string::npos) {
      prefix = local.substr(0, colon);
      local = local.substr(colon + 1);
    }
  }
  return prefix.empty() ? local : prefix + "_" + local;
}

// Attributes by lower-cased local name; those of a well-known namespace also
// as "prefix:name".
Json AttributesJson(const FeedExtension& ext) {
  Json out = Json::object();
  for (const FeedAttribute& attr : ext.attributes) {
    std::string prefix = PrefixOf(attr.ns);
    if (!prefix.empty()) out[absl::AsciiStrToLower(prefix + ":" + attr.name)] = attr.value;
  }
  for (const FeedAttribute& attr : ext.attributes) out[absl::AsciiStrToLower(attr.name)] = attr.value;
  return out;
}

std::string AttrOf(const FeedExtension& ext, std::string_view name) {
  for (const FeedAttribute& attr : ext.attributes) {
    if (absl::AsciiStrToLower(attr.name) == name) return attr.value;
  }
  return "";
}

bool HasAttr(const FeedExtension& ext, std::string_view name) {
  for (const FeedAttribute& attr : ext.attributes) {
    if (absl::AsciiStrToLower(attr.name) == name) return true;
  }
  return false;
}

std::vector<std::string> Split(const std::string& value, char separator) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    size_t at = value.find(separator, pos);
    out.emplace_back(value, pos, at == std::string::npos ? std::string::npos : at - pos);
    if (at == std::string::npos) break;
    pos = at + 1;
  }
  return out;
}

// ---- GeoRSS (simple and GML profiles): the entry's or feed's "where", a
// GeoJSON-like {"type", "coordinates"} with (longitude, latitude) order.

// EPSG codes of geographic (latitude, longitude) coordinate systems, whose
// GML positions are swapped to (longitude, latitude): the 4000-4999 block
// of the EPSG registry and the few geographic systems numbered below it.
bool IsGeographicEpsg(int code) {
  return (code >= 4000 && code <= 4999) || code == 3819 || code == 3821 || code == 3824 || code == 3889 ||
         code == 3906;
}

// `text`: numbers separated by white space or commas, read as positions of
// `dims` (2 or 3) numbers, each (latitude, longitude[, height]) when
// `swap`. Null when the text holds no usable position.
Json GeoGeometry(const std::string& kind, const std::string& text, bool swap, int dims) {
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
    Json position =
        swap ? Json::array({numbers[i + 1], numbers[i]}) : Json::array({numbers[i], numbers[i + 1]});
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

void MergeWhere(Json& where, const Json& geometry) {
  if (geometry.is_null()) return;
  for (const auto& [key, value] : geometry.items()) where[key] = value;
}

// A GML geometry (gml:Point, gml:LineString, gml:Polygon and what they
// contain) into `where`.
void PutGml(Json& where, const FeedExtension& ext, std::string kind) {
  const std::string key = KeyOf(ext);
  if (key == "gml_point" || key == "gml_linestring" || key == "gml_polygon") {
    int dimension = 2;
    const std::string value = HasAttr(ext, "srsdimension") ? AttrOf(ext, "srsdimension") : "2";
    if (!value.empty() && value.size() < 9 && value.find_first_not_of("0123456789") == std::string::npos) {
      dimension = std::stoi(value);
    }
    where["srsName"] = HasAttr(ext, "srsname") ? Json(AttrOf(ext, "srsname")) : Json(nullptr);
    where["srsDimension"] = dimension;
    if (key != "gml_polygon") kind = key == "gml_point" ? "point" : "linestring";
  } else if (key == "gml_linearring") {
    kind = "polygon";
  } else if (key == "gml_pos" || key == "gml_poslist") {
    bool swap = true;
    const std::string srs =
        where.contains("srsName") && where["srsName"].is_string() ? where["srsName"].get<std::string>() : "";
    if (srs.find("EPSG") != std::string::npos) {
      const std::string code = srs.substr(srs.rfind(':') + 1);
      swap = !code.empty() && code.find_first_not_of("0123456789") == std::string::npos && code.size() < 9 &&
             IsGeographicEpsg(std::stoi(code));
    }
    const int dims = where.contains("srsDimension") && where["srsDimension"].is_number_integer()
                         ? where["srsDimension"].get<int>()
                         : 2;
    if (key == "gml_pos") kind = "point";
    if (kind == "point" || kind == "linestring" || kind == "polygon") {
      MergeWhere(where, GeoGeometry(kind, Strip(ext.value), swap, dims));
    }
    return;
  }
  for (const FeedExtension& child : ext.children) PutGml(where, child, kind);
}

// psc:chapters start times ("hh:mm:ss.mmm", hours and milliseconds
// optional) in seconds.
Json PscStart(const std::string& start) {
  static const RE2 re(R"((?:(\d{2}):)?(\d{2}):(\d{2})(?:\.(\d{3}))?)", fp::BytePatterns());
  std::string h;
  int mi = 0;
  int s = 0;
  std::string ms;
  if (!RE2::FullMatch(start, re, &h, &mi, &s, &ms)) return nullptr;
  return (h.empty() ? 0 : std::stoi(h)) * 3600 + mi * 60 + s + (ms.empty() ? 0 : std::stoi(ms)) / 1000.0;
}

void PutTerms(Json& target, const std::string& value, const Json& scheme) {
  for (const std::string& part : Split(value, ',')) {
    std::string term = Strip(part);
    if (!term.empty()) AddTag(target, term, scheme);
  }
}

// An extension element read as a text construct; its type attribute, if
// any, overrides `type` ("plain", "html" and "xhtml" as in Atom).
FeedText ExtensionText(const FeedExtension& ext, std::string type) {
  if (HasAttr(ext, "type")) {
    type = absl::AsciiStrToLower(AttrOf(ext, "type"));
    if (type == "text" || type == "plain") type = "text/plain";
    if (type == "html") type = "text/html";
    if (type == "xhtml") type = std::string(kXhtmlType);
  }
  return FeedText{ext.value, std::move(type), ext.language, ext.base, "", true};
}

// Extension elements by feedparser's names; what it has no handler for
// becomes "prefix_name": its attributes if it has any, else its text, and
// the elements inside it are read as if they stood next to it.
void PutExtension(Json& target, const FeedExtension& ext, const Context& ctx, bool feed_level) {
  const std::string key = KeyOf(ext);
  std::string raw = ext.value;
  fp::FixDoubleEncoding(&raw);
  fp::TranslateCp1252(&raw);
  const std::string value = Strip(raw);
  if (key == "itunes_explicit") {
    // Exact values only, as written (feedparser does not strip this one).
    if (raw == "yes" || raw == "true") {
      target[key] = true;
    } else if (raw == "no" || raw == "false" || raw == "clean") {
      target[key] = false;
    } else {
      target[key] = nullptr;
    }
  } else if (key == "itunes_block") {
    target[key] = (raw == "yes" || raw == "Yes") ? 1 : 0;
  } else if (key == "itunes_image" || key == "itunes_link") {
    std::string href = AttrOf(ext, "href");
    if (href.empty()) href = AttrOf(ext, "url");
    if (!href.empty()) target["image"] = Json{{"href", href}};
  } else if (key == "itunes_category") {
    std::string text = AttrOf(ext, "text");
    if (!text.empty()) AddTag(target, text, "http://www.itunes.com/");
    for (const FeedExtension& child : ext.children) PutExtension(target, child, ctx, feed_level);
  } else if (key == "itunes_keywords") {
    PutTerms(target, value, "http://www.itunes.com/");
  } else if (key == "media_keywords") {
    PutTerms(target, value, nullptr);
  } else if (key == "itunes_author") {
    FeedPerson person;
    person.text = value;
    std::vector<FeedPerson> people = {person};
    Json& authors = target["authors"];
    if (!authors.is_array()) authors = Json::array();
    Json detail = TextPersonJson(value);
    authors.push_back(detail);
    target["author"] = value;
    if (!target.contains("author_detail") && !detail.empty()) target["author_detail"] = detail;
  } else if (key == "itunes_owner") {
    Json detail = Json::object();
    for (const FeedExtension& child : ext.children) {
      std::string k = KeyOf(child);
      if (k == "itunes_name") detail["name"] = Strip(child.value);
      if (k == "itunes_email") detail["email"] = Strip(child.value);
    }
    target["publisher_detail"] = detail;
    if (detail.contains("name") && detail.contains("email")) {
      target["publisher"] =
          detail["name"].get<std::string>() + " (" + detail["email"].get<std::string>() + ")";
    } else if (detail.contains("name")) {
      target["publisher"] = detail["name"];
    } else if (detail.contains("email")) {
      target["publisher"] = detail["email"];
    }
  } else if (key == "dc_publisher") {
    target["publisher"] = value;
    Json detail = TextPersonJson(value);
    if (!detail.empty()) target["publisher_detail"] = detail;
  } else if (key == "dc_language") {
    target["language"] = value;
  } else if (key == "dcterms_created") {
    PutDate(target, "created", value);
  } else if (key == "dcterms_valid") {
    target["validity"] = value;
    for (const std::string& part : Split(value, ';')) {
      size_t eq = part.find('=');
      if (eq == std::string::npos) continue;
      std::string name = part.substr(0, eq);
      if (name == "start" || name == "end") PutDate(target, "validity_" + name, part.substr(eq + 1));
    }
  } else if (key == "itunes_subtitle") {
    PutText(target, "subtitle", ExtensionText(ext, "text/plain"), "text/plain", ctx);
  } else if (key == "itunes_summary") {
    if (!target.contains("summary"))
      PutText(target, "summary", ExtensionText(ext, "text/plain"), "text/plain", ctx);
  } else if (key == "media_thumbnail") {
    Json& list = target["media_thumbnail"];
    if (!list.is_array()) list = Json::array();
    Json a = AttributesJson(ext);
    if (!a.contains("url") && !value.empty()) a["url"] = value;
    list.push_back(std::move(a));
    target["href"] = Resolve(ext.base, value);
  } else if (key == "media_content") {
    Json& list = target["media_content"];
    if (!list.is_array()) list = Json::array();
    list.push_back(AttributesJson(ext));
    for (const FeedExtension& child : ext.children) PutExtension(target, child, ctx, feed_level);
  } else if (key == "media_group") {
    for (const FeedExtension& child : ext.children) PutExtension(target, child, ctx, feed_level);
  } else if (key == "media_credit") {
    Json& list = target["media_credit"];
    if (!list.is_array()) list = Json::array();
    Json a = AttributesJson(ext);
    if (!value.empty()) a["content"] = value;
    list.push_back(std::move(a));
    target["credit"] = value;
  } else if (key == "media_rating" || key == "media_license" || key == "media_restriction") {
    Json a = AttributesJson(ext);
    if (!value.empty()) {
      if (key == "media_restriction") {
        Json list = Json::array();
        for (const std::string& part : Split(value, ' ')) list.push_back(absl::AsciiStrToLower(Strip(part)));
        a["content"] = list;
      } else {
        a["content"] = value;
      }
    }
    if (!target.contains(key)) target[key] = a;
    target[key.substr(6)] = value;
  } else if (key == "media_player") {
    Json a = AttributesJson(ext);
    a["content"] = value;
    target[key] = a;
  } else if (key == "media_title") {
    if (!target.contains("title"))
      PutText(target, "title", ExtensionText(ext, "text/plain"), "text/plain", ctx);
  } else if (key == "media_description") {
    if (!target.contains("summary"))
      PutText(target, "summary", ExtensionText(ext, "text/html"), "text/html", ctx);
  } else if (key == "media_category") {
    Json scheme = HasAttr(ext, "scheme") ? Json(AttrOf(ext, "scheme"))
                                         : Json("http://search.yahoo.com/mrss/category_schema");
    Json label = HasAttr(ext, "label") ? Json(AttrOf(ext, "label")) : Json(nullptr);
    if (!value.empty()) {
      Json& list = target["tags"];
      if (!list.is_array()) list = Json::array();
      Json t = {{"term", value}, {"scheme", scheme}, {"label", label}};
      if (std::find(list.begin(), list.end(), t) == list.end()) list.push_back(std::move(t));
    }
  } else if (key == "cc_license") {
    Json link = {{"rel", "license"}};
    std::string resource = AttrOf(ext, "resource");
    if (!resource.empty()) link["href"] = resource;
    Json& links = target["links"];
    if (!links.is_array()) links = Json::array();
    links.push_back(link);
  } else if (key == "creativecommons_license") {
    Json link = {{"rel", "license"}};
    if (!value.empty()) link["href"] = value;
    Json& links = target["links"];
    if (!links.is_array()) links = Json::array();
    links.push_back(link);
  } else if (key == "feedburner_browserfriendly") {
    PutText(target, "info", ExtensionText(ext, "text/plain"), "text/plain", ctx);
  } else if (key == "newlocation") {
    if (feed_level) target[key] = fp::MakeSafeAbsoluteUri(ext.base, value);
  } else if (key == "wfw_comment" || key == "wfw_commentrss") {
    target[key] = Resolve(ext.base, value);
  } else if (key == "admin_errorreportsto") {
    target["errorreportsto"] = AttrOf(ext, "resource");
  } else if (key == "georss_point" || key == "georss_line" || key == "georss_polygon" ||
             key == "georss_box") {
    std::string kind = key.substr(7);
    if (kind == "line") kind = "linestring";
    if (kind == "polygon") kind = "georss_polygon";
    Json where = Json::object();
    MergeWhere(where, GeoGeometry(kind, value, /*swap=*/true, /*dims=*/2));
    target["where"] = where;
  } else if (key == "gml_point" || key == "gml_linestring" || key == "gml_polygon") {
    Json& where = target["where"];
    if (!where.is_object()) where = Json::object();
    PutGml(where, ext, "");
  } else if (key == "georss_where" || key == "where") {
    Json where = Json::object();
    for (const FeedExtension& child : ext.children) PutGml(where, child, "");
    target["where"] = where;
  } else if (key == "psc_chapters") {
    if (!target.contains("psc_chapters")) {
      Json chapters = AttributesJson(ext);
      chapters["chapters"] = Json::array();
      for (const FeedExtension& child : ext.children) {
        if (KeyOf(child) != "psc_chapter") continue;
        Json chapter = AttributesJson(child);
        chapter["start_parsed"] = PscStart(AttrOf(child, "start"));
        chapters["chapters"].push_back(chapter);
      }
      target["psc_chapters"] = chapters;
    }
  } else if (key == "image" && !feed_level) {
    // An image inside an item has nothing feedparser keeps.
  } else if (!ext.attributes.empty()) {
    target[MapKey(key)] = AttributesJson(ext);
    for (const FeedExtension& child : ext.children) PutExtension(target, child, ctx, feed_level);
  } else {
    for (const FeedExtension& child : ext.children) PutExtension(target, child, ctx, feed_level);
    // The container's own text: what is left between its children.
    std::string own;
    if (ext.children.empty()) own = value;
    target[MapKey(key)] = own;
  }
}

Json FormatFeed(const FeedDetails& d, const Context& ctx, bool source);

Json FormatEntry(const FeedItem& item, const Context& ctx) {
  Json entry = Json::object();
  if (!item.details) return entry;
  const FeedItemDetails& d = *item.details;
  PutText(entry, "title", d.title, "text/plain", ctx);
  PutLinks(entry, d.links);
  if (d.has_id && d.id_is_about) {
    entry["id"] = d.id;
  } else if (d.has_id) {
    bool permalink = d.id_is_permalink;
    std::string id = permalink ? Resolve(d.base, d.id) : d.id;
    entry["id"] = id;
    entry["guidislink"] = permalink && !entry.contains("link");
    if (permalink && !entry.contains("link")) entry["link"] = id;
  }
  PutText(entry, "summary", d.summary, "text/html", ctx);
  if (!d.contents.empty()) {
    Json list = Json::array();
    for (const FeedText& content : d.contents) {
      std::string rss_type = content.type == kXhtmlType ? std::string(kXhtmlType) : "text/html";
      TextOut out = FormatText(content, rss_type, ctx);
      list.push_back(out.detail);
      std::string type = out.detail["type"];
      if (!entry.contains("summary") && (type == "text/plain" || IsMarkupType(type))) {
        entry["summary"] = out.value;
      }
    }
    entry["content"] = std::move(list);
  }
  PutPeople(entry, "author", d.authors, d.base);
  PutContributors(entry, d.contributors, d.base);
  PutPersonUris(entry, d.authors, d.contributors, d.base);
  PutTags(entry, d.tags);
  PutDate(entry, "published", d.published);
  PutDate(entry, "updated", d.updated);
  PutDate(entry, "created", d.created);
  PutDate(entry, "expired", d.expired);
  PutText(entry, "rights", d.rights, "text/plain", ctx);
  if (!d.comments.empty()) entry["comments"] = Resolve(d.base, d.comments);
  if (d.source) {
    Json source = Json::object();
    if (!d.source_href.empty()) source["href"] = d.source_href;
    if (d.source_is_text) {
      // RSS <source>: its text is the title.
      std::string title = Strip(d.source->title.value);
      if (!title.empty()) source["title"] = title;
    } else {
      Json feed = FormatFeed(*d.source, ctx, /*source=*/true);
      for (auto& [k, v] : feed.items()) source[k] = v;
    }
    entry["source"] = std::move(source);
  }
  for (const FeedExtension& ext : d.extensions) PutExtension(entry, ext, ctx, false);
  return entry;
}

// Links and link inside an RSS image or textInput, as feedparser files them.
void PutInnerLink(Json& target, const std::string& link, const std::string& base) {
  if (link.empty()) return;
  std::string href = Resolve(base, link);
  target["links"] = Json::array({Json{{"rel", "alternate"}, {"type", "text/html"}, {"href", href}}});
  target["link"] = href;
}

Json FormatFeed(const FeedDetails& d, const Context& ctx, bool source) {
  Json out = Json::object();
  if (!source) {
    std::string language = !d.language.empty() ? d.language : ctx.default_language;
    if (!language.empty()) {
      std::replace(language.begin(), language.end(), '_', '-');
      out["language"] = language;
    }
    if (!d.language_element.empty()) out["language"] = d.language_element;
  }
  PutText(out, "title", d.title, "text/plain", ctx);
  PutText(out, "subtitle", d.subtitle, ctx.atom ? "text/plain" : "text/html", ctx);
  PutLinks(out, d.links);
  PutPeople(out, "author", d.authors, d.base);
  if (d.has_id) {
    std::string id = Resolve(d.base, d.id);
    out["id"] = id;
    out["guidislink"] = !out.contains("link");
    if (!out.contains("link")) out["link"] = id;
  }
  PutText(out, "rights", d.rights, "text/plain", ctx);
  PutText(out, "info", d.info, "text/plain", ctx);
  if (d.generator.present) {
    Json detail = Json::object();
    if (d.generator.has_attributes || !d.generator.href.empty()) {
      if (!d.generator.href.empty()) detail["href"] = Resolve(d.base, d.generator.href);
      if (!d.generator.version.empty()) detail["version"] = d.generator.version;
    }
    detail["name"] = d.generator.name;
    out["generator"] = d.generator.name;
    out["generator_detail"] = std::move(detail);
  }
  if (d.image.present) {
    Json image = Json::object();
    PutText(image, "title", d.image.title, "text/plain", ctx);
    if (!d.image.url.empty()) image["href"] = Resolve(d.base, d.image.url);
    PutInnerLink(image, d.image.link, d.base);
    auto size = [](const std::string& s) {
      char* end = nullptr;
      long v = std::strtol(s.c_str(), &end, 10);
      return !s.empty() && end != nullptr && *end == '\0' ? static_cast<int>(v) : 0;
    };
    if (!d.image.width.empty()) image["width"] = size(d.image.width);
    if (!d.image.height.empty()) image["height"] = size(d.image.height);
    PutText(image, "subtitle", d.image.description, "text/html", ctx);
    out["image"] = std::move(image);
  }
  if (d.textinput.present) {
    Json textinput = Json::object();
    PutText(textinput, "title", d.textinput.title, "text/plain", ctx);
    PutText(textinput, "subtitle", d.textinput.description, "text/html", ctx);
    if (!d.textinput.name.empty()) textinput["name"] = d.textinput.name;
    PutInnerLink(textinput, d.textinput.link, d.base);
    out["textinput"] = std::move(textinput);
  }
  if (d.has_cloud) {
    Json cloud = Json::object();
    for (const auto& [k, v] : d.cloud) cloud[absl::AsciiStrToLower(k)] = v;
    out["cloud"] = std::move(cloud);
  }
  PutDate(out, "published", d.published);
  PutDate(out, "updated", d.updated);
  PutTags(out, d.tags);
  PutContributors(out, d.contributors, d.base);
  PutPersonUris(out, d.authors, d.contributors, d.base);
  if (d.has_publisher) {
    out["publisher"] = PersonString(d.publisher);
    Json detail = PersonJson(d.publisher, d.base);
    if (!detail.empty()) out["publisher_detail"] = std::move(detail);
  }
  if (!d.docs.empty()) out["docs"] = Resolve(d.base, d.docs);
  if (!d.ttl.empty()) out["ttl"] = d.ttl;
  if (!d.icon.empty()) out["icon"] = Resolve(d.base, d.icon);
  if (!d.logo.empty()) out["logo"] = Resolve(d.base, d.logo);
  for (const FeedExtension& ext : d.extensions) PutExtension(out, ext, ctx, true);
  return out;
}

}  // namespace

Json FormatFeedparser(const ParsedFeed& feed, const FeedparserOptions& options) {
  Context ctx;
  ctx.atom = feed.format.rfind("atom", 0) == 0;
  for (const auto& [k, v] : options.headers) {
    if (absl::AsciiStrToLower(k) == "content-language") ctx.default_language = v;
  }
  Json result = Json::object();
  result["bozo"] = feed.ill_formed;
  if (feed.ill_formed) {
    // A well-formedness error is reported over an encoding problem.
    std::string type = "SAXParseException";
    std::string message = feed.ill_formed_reason;
    if (feed.details) {
      if (!feed.details->xml_error.empty()) {
        message = feed.details->xml_error;
      } else if (feed.details->encoding_problem != XmlEncodingProblem::kNone) {
        type = XmlEncodingProblemName(feed.details->encoding_problem);
      }
    }
    result["bozo_exception"] = Json{{"type", type}, {"message", message}};
  }
  result["feed"] = feed.details ? FormatFeed(*feed.details, ctx, /*source=*/false) : Json::object();
  Json entries = Json::array();
  for (const FeedItem& item : feed.items) entries.push_back(FormatEntry(item, ctx));
  result["entries"] = std::move(entries);
  if (feed.details) {
    // Namespaces by feedparser's prefix for the ones it knows, by the
    // document's for the others; the first RSS 0.90, RSS 1.0 or Atom 1.0
    // declaration names the version unless the root element is <rss>.
    Json namespaces = Json::object();
    std::string declared_version;
    for (const auto& [prefix, declared_uri] : feed.details->namespaces) {
      std::string uri = declared_uri;
      std::string lower = absl::AsciiStrToLower(uri);
      if (declared_version.empty()) {
        if (prefix.empty() && lower == "http://my.netscape.com/rdf/simple/0.9/") {
          declared_version = "rss090";
        } else if (lower == "http://purl.org/rss/1.0/") {
          declared_version = "rss10";
        } else if (lower == "http://www.w3.org/2005/atom") {
          declared_version = "atom10";
        }
      }
      if (lower.find("backend.userland.com/rss") != std::string::npos) {
        uri = "http://backend.userland.com/rss";
        lower = uri;
      }
      auto known = fp::MatchNamespaces().find(lower);
      namespaces[known != fp::MatchNamespaces().end() ? known->second : prefix] = uri;
    }
    result["namespaces"] = std::move(namespaces);
    std::string version = feed.details->version;
    const bool rss_root = version.rfind("rss", 0) == 0 && version != "rss10" && version != "rss090";
    if (!rss_root && !declared_version.empty()) version = declared_version;
    result["version"] = version == "cdf" ? "" : version;  // feedparser names no CDF version
    result["encoding"] = feed.details->encoding;
  } else {
    result["version"] = feed.format;
  }
  return result;
}

Json ParseFeedparserFormat(std::string_view bytes, const FeedparserOptions& options) {
  std::string base;
  std::string content_location;
  Json headers = Json::object();
  for (const auto& [k, v] : options.headers) {
    std::string key = absl::AsciiStrToLower(k);
    headers[key] = v;
    if (key == "content-location") content_location = v;
  }
  if (!options.url.empty()) {
    base = fp::MakeSafeAbsoluteUri(options.url, content_location);
    if (base.empty()) base = fp::MakeSafeAbsoluteUri(content_location);
    if (base.empty()) base = options.url;
    headers["content-location"] = base;
  } else {
    base = fp::MakeSafeAbsoluteUri("", content_location);
    if (base.empty()) base = fp::MakeSafeAbsoluteUri(content_location);
  }
  FeedParseOptions parse_options;
  parse_options.details = true;
  XmlHttpInfo& http = parse_options.http.emplace();
  http.fetched = !options.headers.empty();
  for (const auto& [k, v] : options.headers) {
    if (absl::AsciiStrToLower(k) == "content-type") {
      http.has_content_type = true;
      http.content_type = v;
    }
  }
  absl::StatusOr<ParsedFeed> feed = ParseFeed(bytes, base, parse_options);
  Json result;
  if (feed.ok()) {
    result = FormatFeedparser(*feed, options);
  } else {
    result =
        Json{{"bozo", true},
             {"bozo_exception", Json{{"type", "SAXParseException"}, {"message", feed.status().message()}}},
             {"feed", Json::object()},
             {"entries", Json::array()},
             {"namespaces", Json::object()},
             {"version", ""}};
  }
  result["headers"] = headers;
  if (!options.url.empty()) {
    result["href"] = options.url;
    result["status"] = 200;
    if (headers.contains("etag") && !headers["etag"].empty()) result["etag"] = headers["etag"];
    if (headers.contains("last-modified") && !headers["last-modified"].empty()) {
      result["modified"] = headers["last-modified"];
      result["modified_parsed"] = FeedparserParseDate(headers["last-modified"].get<std::string>());
    }
  }
  return result;
}

Json FeedparserParseDate(std::string_view date) {
  std::string s(fp::PyStrip(date));
  if (s.empty()) return nullptr;
  std::optional<int64_t> ms = ParseFeedDate(s);
  if (!ms) return nullptr;
  return TupleFromMs(*ms);
}

std::string FeedparserSanitizeHtml(std::string_view html, std::string_view type) {
  return fp::SanitizeHtmlFp(html, type);
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
                         std::ostream& err) {
  if (!batch) {
    FeedparserOptions options;
    options.url = url;
    for (const std::string& line : header_lines) {
      size_t colon = line.find(':');
      if (colon == std::string::npos) {
        err << "parse-feed: --header must be 'Name: value', got '" << line << "'\n";
        return 2;
      }
      options.headers.emplace_back(std::string(fp::PyStrip(line.substr(0, colon))),
                                   std::string(fp::PyStrip(line.substr(colon + 1))));
    }
    std::string bytes;
    if (!ReadWholeFile(file, &bytes)) {
      err << "parse-feed: cannot open " << file << "\n";
      return 1;
    }
    out << ParseFeedparserFormat(bytes, options).dump(-1, ' ', false, Json::error_handler_t::replace) << "\n";
    return 0;
  }
  std::string line;
  while (std::getline(in, line)) {
    if (fp::PyStrip(line).empty()) continue;
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
      std::string path =
          request.contains("file") && request["file"].is_string() ? request["file"].get<std::string>() : "";
      if (!ReadWholeFile(path, &bytes)) {
        reply["error"] = "cannot open " + path;
      } else {
        reply["result"] = ParseFeedparserFormat(bytes, options);
      }
    }
    out << reply.dump(-1, ' ', false, Json::error_handler_t::replace) << "\n";
  }
  out.flush();
  return 0;
}

}  // namespace newsflow::ingest

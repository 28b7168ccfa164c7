// FormatFeedparser: feedparser's result shape rendered from ParseFeed's
// typed model (feed_model.h). The parsing is ParseFeed's; what is left here
// is naming (feedparser's keys and aliases), the *_detail and *_parsed
// companions, sanitising and relative-URI resolution of HTML with
// feedparser's rules (feedparser_html.h), and the extension elements that
// feedparser maps by name.
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "services/ingest/feed/feed_parser.h"
#include "services/ingest/feed/feedparser_format.h"
#include "services/ingest/feed/feedparser_html.h"

namespace newsflow::ingest {
namespace {

using Json = nlohmann::json;

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
  if (!ctx.atom || type.empty()) type = std::string(rss_type);
  // Atom content of an RSS document keeps its own type.
  if (text.type != "text/html" && !text.type.empty() && !ctx.atom) type = text.type;
  out.value = Strip(text.value);
  if (!ctx.atom && type == "text/plain" && fp::LooksLikeHtml(out.value)) type = "text/html";
  if (IsMarkupType(type)) {
    out.value = fp::ResolveRelativeUris(out.value, text.base, type);
    out.value = fp::SanitizeHtmlFp(out.value, type);
  }
  std::string language = !text.language.empty() ? text.language : ctx.default_language;
  std::replace(language.begin(), language.end(), '_', '-');
  out.detail = Json{{"type", type},
                    {"language", OrNull(language)},
                    {"base", text.base},
                    {"value", out.value}};
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

Json PersonJson(const FeedPerson& person) {
  Json out = Json::object();
  if (!person.name.empty()) out["name"] = person.name;
  if (!person.email.empty()) out["email"] = person.email;
  if (!person.uri.empty()) out["href"] = person.uri;
  return out;
}

// "Name (email)", the name or the email, as feedparser joins a person.
std::string PersonString(const FeedPerson& person) {
  if (!person.text.empty()) return person.text;
  if (!person.name.empty() && !person.email.empty()) return person.name + " (" + person.email + ")";
  return !person.name.empty() ? person.name : person.email;
}

void PutPeople(Json& target, const std::string& key, const std::vector<FeedPerson>& people) {
  if (people.empty()) return;
  Json list = Json::array();
  for (const FeedPerson& person : people) list.push_back(PersonJson(person));
  target[key + "s"] = std::move(list);
  const FeedPerson& last = people.back();
  std::string joined = PersonString(last);
  if (!joined.empty()) target[key] = joined;
  Json detail = PersonJson(people.front());
  if (!detail.empty()) target[key + "_detail"] = std::move(detail);
}

void PutContributors(Json& target, const std::vector<FeedPerson>& people) {
  if (people.empty()) return;
  Json list = Json::array();
  for (const FeedPerson& person : people) list.push_back(PersonJson(person));
  target["contributors"] = std::move(list);
}

// feedparser files a person's uri under the person and, as "href", under the
// feed or entry as well (the last one wins).
void PutPersonUris(Json& target, const std::vector<FeedPerson>& authors,
                   const std::vector<FeedPerson>& contributors) {
  std::string href;
  for (const auto* people : {&authors, &contributors}) {
    for (const FeedPerson& person : *people) {
      if (!person.uri.empty()) href = person.uri;
    }
  }
  if (!href.empty()) target["href"] = href;
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

std::string KeyOf(const FeedExtension& ext) {
  std::string prefix = PrefixOf(ext.ns);
  std::string local = absl::AsciiStrToLower(ext.name);
  return prefix.empty() ? local : prefix + "_" + local;
}

Json AttributesJson(const FeedExtension& ext) {
  Json out = Json::object();
  for (const auto& [k, v] : ext.attributes) out[absl::AsciiStrToLower(k)] = v;
  return out;
}

std::vector<std::string> SplitTerms(const std::string& value) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    size_t comma = value.find(',', pos);
    out.push_back(Strip(std::string_view(value).substr(pos, comma == std::string::npos ? std::string::npos
                                                                                       : comma - pos)));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

// Extension elements by feedparser's names; what it has no handler for
// becomes "prefix_name": its attributes if it has any, else its text.
void PutExtension(Json& target, const FeedExtension& ext, const Context& ctx, bool feed_level) {
  const std::string key = KeyOf(ext);
  const std::string value = Strip(ext.value);
  if (key == "itunes_explicit") {
    if (value == "yes" || value == "true") {
      target[key] = true;
    } else if (value == "no" || value == "false" || value == "clean") {
      target[key] = false;
    } else {
      target[key] = nullptr;
    }
  } else if (key == "itunes_block") {
    target[key] = (value == "yes" || value == "Yes") ? 1 : 0;
  } else if (key == "itunes_image" || key == "itunes_link") {
    std::string href;
    for (const auto& [k, v] : ext.attributes) {
      if (absl::AsciiStrToLower(k) == "href" && href.empty()) href = v;
    }
    for (const auto& [k, v] : ext.attributes) {
      if (absl::AsciiStrToLower(k) == "url" && href.empty()) href = v;
    }
    if (!href.empty()) target["image"] = Json{{"href", href}};
  } else if (key == "itunes_category") {
    std::string text;
    for (const auto& [k, v] : ext.attributes) {
      if (absl::AsciiStrToLower(k) == "text") text = v;
    }
    if (!text.empty()) AddTag(target, text, "http://www.itunes.com/");
    for (const FeedExtension& child : ext.children) PutExtension(target, child, ctx, feed_level);
  } else if (key == "itunes_keywords" || key == "media_keywords") {
    for (const std::string& term : SplitTerms(value)) {
      if (!term.empty()) AddTag(target, term, key == "itunes_keywords" ? Json("http://www.itunes.com/") : Json(nullptr));
    }
  } else if (key == "itunes_author") {
    target["author"] = value;
    Json& authors = target["authors"];
    if (!authors.is_array()) authors = Json::array();
    authors.push_back(Json{{"name", value}});
    if (!target.contains("author_detail")) target["author_detail"] = Json{{"name", value}};
  } else if (key == "itunes_owner") {
    Json detail = Json::object();
    for (const FeedExtension& child : ext.children) {
      std::string k = KeyOf(child);
      if (k == "itunes_name") detail["name"] = Strip(child.value);
      if (k == "itunes_email") detail["email"] = Strip(child.value);
    }
    target["publisher_detail"] = detail;
    if (detail.contains("name") && detail.contains("email")) {
      target["publisher"] = detail["name"].get<std::string>() + " (" + detail["email"].get<std::string>() + ")";
    } else if (detail.contains("name")) {
      target["publisher"] = detail["name"];
    } else if (detail.contains("email")) {
      target["publisher"] = detail["email"];
    }
  } else if (key == "itunes_subtitle") {
    FeedText text{ext.value, "text/plain", ext.language, ext.base, "", true};
    PutText(target, "subtitle", text, "text/plain", ctx);
  } else if (key == "itunes_summary") {
    FeedText text{ext.value, "text/plain", ext.language, ext.base, "", true};
    if (!target.contains("summary")) PutText(target, "summary", text, "text/plain", ctx);
  } else if (key == "media_thumbnail") {
    Json& list = target["media_thumbnail"];
    if (!list.is_array()) list = Json::array();
    Json a = AttributesJson(ext);
    if (!a.contains("url") && !value.empty()) a["url"] = value;
    list.push_back(std::move(a));
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
  } else if (key == "media_rating" || key == "media_license" || key == "media_restriction") {
    Json a = AttributesJson(ext);
    if (!value.empty()) {
      if (key == "media_restriction") {
        Json list = Json::array();
        size_t pos = 0;
        while (true) {
          size_t sp = value.find(' ', pos);
          list.push_back(absl::AsciiStrToLower(Strip(value.substr(pos, sp == std::string::npos ? std::string::npos : sp - pos))));
          if (sp == std::string::npos) break;
          pos = sp + 1;
        }
        a["content"] = list;
      } else {
        a["content"] = value;
      }
    }
    if (!target.contains(key)) target[key] = a;
  } else if (key == "media_player") {
    Json a = AttributesJson(ext);
    a["content"] = value;
    target[key] = a;
  } else if (key == "media_title") {
    FeedText text{ext.value, "text/plain", ext.language, ext.base, "", true};
    if (!target.contains("title")) PutText(target, "title", text, "text/plain", ctx);
  } else if (key == "media_description") {
    FeedText text{ext.value, "text/html", ext.language, ext.base, "", true};
    if (!target.contains("summary")) PutText(target, "summary", text, "text/html", ctx);
  } else if (key == "media_category") {
    Json scheme = "http://search.yahoo.com/mrss/category_schema";
    for (const auto& [k, v] : ext.attributes) {
      if (absl::AsciiStrToLower(k) == "scheme") scheme = v;
    }
    if (!value.empty()) AddTag(target, value, scheme);
  } else if (key == "cc_license") {
    Json link = {{"rel", "license"}};
    for (const auto& [k, v] : ext.attributes) {
      if (absl::AsciiStrToLower(k) == "resource") link["href"] = v;
    }
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
    FeedText text{ext.value, "text/plain", ext.language, ext.base, "", true};
    PutText(target, "info", text, "text/plain", ctx);
  } else if (key == "newlocation") {
    if (feed_level) target[key] = fp::MakeSafeAbsoluteUri(ext.base, value);
  } else if (key == "wfw_comment" || key == "wfw_commentrss") {
    target[key] = Resolve(ext.base, value);
  } else if (!ext.attributes.empty()) {
    target[key] = AttributesJson(ext);
  } else {
    target[key] = value;
  }
}

Json SourceJson(const FeedSource& source, const Context& ctx) {
  Json out = Json::object();
  if (!source.href.empty()) out["href"] = source.href;
  if (source.title.present) {
    TextOut title = FormatText(source.title, "text/plain", ctx);
    if (!title.value.empty()) out["title"] = title.value;
    if (source.structured) out["title_detail"] = title.detail;
  }
  if (!source.id.empty()) out["id"] = source.id;
  PutLinks(out, source.links);
  PutPeople(out, "author", source.authors);
  PutDate(out, "updated", source.updated);
  PutText(out, "rights", source.rights, "text/plain", ctx);
  PutText(out, "subtitle", source.subtitle, "text/plain", ctx);
  return out;
}

Json FormatEntry(const FeedItem& item, const Context& ctx) {
  Json entry = Json::object();
  if (!item.details) return entry;
  const FeedItemDetails& d = *item.details;
  PutText(entry, "title", d.title, "text/plain", ctx);
  PutLinks(entry, d.links);
  if (d.has_id) {
    bool permalink = d.id_is_permalink;
    std::string id = d.id;
    const std::string base = d.title.present ? d.title.base : "";
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
  PutPeople(entry, "author", d.authors);
  PutContributors(entry, d.contributors);
  PutPersonUris(entry, d.authors, d.contributors);
  PutTags(entry, d.tags);
  PutDate(entry, "published", d.published);
  PutDate(entry, "updated", d.updated);
  PutDate(entry, "created", d.created);
  PutDate(entry, "expired", d.expired);
  PutText(entry, "rights", d.rights, "text/plain", ctx);
  if (!d.comments.empty()) entry["comments"] = Resolve(d.title.base, d.comments);
  if (d.source.present) entry["source"] = SourceJson(d.source, ctx);
  for (const FeedExtension& ext : d.extensions) PutExtension(entry, ext, ctx, false);
  return entry;
}

Json FormatFeed(const ParsedFeed& feed, const Context& ctx) {
  Json out = Json::object();
  if (!feed.details) return out;
  const FeedDetails& d = *feed.details;
  std::string language = !d.language.empty() ? d.language : ctx.default_language;
  if (!language.empty()) {
    std::replace(language.begin(), language.end(), '_', '-');
    out["language"] = language;
  }
  if (!d.language_element.empty()) out["language"] = d.language_element;
  PutText(out, "title", d.title, "text/plain", ctx);
  PutText(out, "subtitle", d.subtitle, ctx.atom ? "text/plain" : "text/html", ctx);
  PutLinks(out, d.links);
  PutPeople(out, "author", d.authors);
  if (d.has_id) {
    out["id"] = d.id;
    out["guidislink"] = !out.contains("link");
    if (!out.contains("link")) out["link"] = d.id;
  }
  PutText(out, "rights", d.rights, "text/plain", ctx);
  PutText(out, "info", d.info, "text/plain", ctx);
  if (d.generator.present) {
    Json detail = Json::object();
    if (d.generator.has_attributes || !d.generator.href.empty()) {
      if (!d.generator.href.empty()) detail["href"] = d.generator.href;
      if (!d.generator.version.empty()) detail["version"] = d.generator.version;
    }
    detail["name"] = d.generator.name;
    out["generator"] = d.generator.name;
    out["generator_detail"] = std::move(detail);
  }
  if (d.image.present) {
    Json image = Json::object();
    PutText(image, "title", d.image.title, "text/plain", ctx);
    if (!d.image.url.empty()) image["href"] = Resolve(d.image.title.base, d.image.url);
    if (!d.image.link.empty()) image["link"] = Resolve(d.image.title.base, d.image.link);
    auto size = [](const std::string& s) {
      char* end = nullptr;
      long v = std::strtol(s.c_str(), &end, 10);
      return !s.empty() && end != nullptr && *end == '\0' ? static_cast<int>(v) : 0;
    };
    if (!d.image.width.empty()) image["width"] = size(d.image.width);
    if (!d.image.height.empty()) image["height"] = size(d.image.height);
    PutText(image, "description", d.image.description, "text/html", ctx);
    if (image.contains("description")) {
      image["summary"] = image["description"];
      image["summary_detail"] = image["description_detail"];
      image.erase("description");
      image.erase("description_detail");
    }
    out["image"] = std::move(image);
  }
  if (d.textinput.present) {
    Json textinput = Json::object();
    PutText(textinput, "title", d.textinput.title, "text/plain", ctx);
    PutText(textinput, "description", d.textinput.description, "text/html", ctx);
    if (!d.textinput.name.empty()) textinput["name"] = d.textinput.name;
    if (!d.textinput.link.empty()) textinput["link"] = Resolve(d.textinput.title.base, d.textinput.link);
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
  PutContributors(out, d.contributors);
  PutPersonUris(out, d.authors, d.contributors);
  if (d.has_publisher) {
    out["publisher"] = PersonString(d.publisher);
    Json detail = PersonJson(d.publisher);
    if (!detail.empty()) out["publisher_detail"] = std::move(detail);
  }
  const std::string base = d.title.present ? d.title.base : "";
  if (!d.docs.empty()) out["docs"] = Resolve(base, d.docs);
  if (!d.ttl.empty()) out["ttl"] = d.ttl;
  if (!d.icon.empty()) out["icon"] = Resolve(base, d.icon);
  if (!d.logo.empty()) out["logo"] = Resolve(base, d.logo);
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
  result["feed"] = FormatFeed(feed, ctx);
  Json entries = Json::array();
  for (const FeedItem& item : feed.items) entries.push_back(FormatEntry(item, ctx));
  result["entries"] = std::move(entries);
  if (feed.details) {
    result["version"] = feed.details->version;
    result["encoding"] = feed.details->encoding;
    Json namespaces = Json::object();
    for (const auto& [prefix, uri] : feed.details->namespaces) {
      std::string p = PrefixOf(uri);
      if (!p.empty() || fp::MatchNamespaces().count(absl::AsciiStrToLower(uri)) > 0) namespaces[p] = uri;
    }
    result["namespaces"] = std::move(namespaces);
  } else {
    result["version"] = feed.format;
  }
  return result;
}

Json ParseFeedparserFormatModel(std::string_view bytes, const FeedparserOptions& options) {
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
    result = Json{{"bozo", true},
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
    if (headers.contains("etag") && headers["etag"] != "") result["etag"] = headers["etag"];
    if (headers.contains("last-modified") && headers["last-modified"] != "") {
      result["modified"] = headers["last-modified"];
      result["modified_parsed"] = FeedparserParseDate(headers["last-modified"].get<std::string>());
    }
  }
  return result;
}

}  // namespace newsflow::ingest

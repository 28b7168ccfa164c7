#include "services/ingest/extract/article_metadata.h"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "nlohmann/json.hpp"
#include "services/ingest/extract/html_dom.h"
#include "services/ingest/feed/canonical_url.h"
#include "services/ingest/feed/feed_date.h"
#include "services/ingest/feed/html_text.h"

namespace newsflow::ingest {
namespace {

constexpr int kMaxDepth = 512;
constexpr int kMaxJsonDepth = 10;

struct Scan {
  std::unordered_map<std::string, std::string> meta;  // first value per lower-cased key
  std::string title_element;
  std::string first_h1;
  std::string canonical_link;
  std::string rel_author;
  std::string itemprop_published;
  std::string itemprop_modified;
  std::string itemprop_author;
  std::string first_time;
};

void AddMeta(Scan* scan, std::string_view key, std::string_view value) {
  key = dom::TrimView(key);
  value = dom::TrimView(value);
  if (key.empty() || value.empty()) return;
  scan->meta.emplace(dom::Lower(key), std::string(value));
}

std::string_view DateAttr(const xmlNode* node) {
  std::string_view v = dom::Attr(node, "datetime");
  if (v.empty()) v = dom::Attr(node, "content");
  return dom::TrimView(v);
}

void Walk(const xmlNode* node, int depth, Scan* scan) {
  for (; node != nullptr; node = node->next) {
    if (node->type != XML_ELEMENT_NODE) continue;
    std::string_view name = dom::Name(node);
    if (name == "meta") {
      std::string_view content = dom::Attr(node, "content");
      AddMeta(scan, dom::Attr(node, "property"), content);
      AddMeta(scan, dom::Attr(node, "name"), content);
      AddMeta(scan, dom::Attr(node, "itemprop"), content);
      std::string_view equiv = dom::Attr(node, "http-equiv");
      if (!equiv.empty()) AddMeta(scan, "http-equiv:" + dom::Lower(equiv), content);
      continue;
    }
    if (name == "link") {
      std::string rel = " " + dom::Lower(dom::Attr(node, "rel")) + " ";
      if (rel.find(" canonical ") != std::string::npos && scan->canonical_link.empty()) {
        scan->canonical_link = std::string(dom::TrimView(dom::Attr(node, "href")));
      }
      continue;
    }
    if (name == "title") {
      if (scan->title_element.empty()) scan->title_element = dom::Text(node);
      continue;
    }
    if (name == "h1" && scan->first_h1.empty()) scan->first_h1 = dom::Text(node);
    if (name == "time" && scan->first_time.empty()) {
      scan->first_time = std::string(DateAttr(node));
    }
    std::string_view itemprop = dom::Attr(node, "itemprop");
    if (!itemprop.empty()) {
      if (itemprop == "datePublished" && scan->itemprop_published.empty()) {
        scan->itemprop_published = std::string(DateAttr(node));
      } else if (itemprop == "dateModified" && scan->itemprop_modified.empty()) {
        scan->itemprop_modified = std::string(DateAttr(node));
      } else if (itemprop == "author" && scan->itemprop_author.empty() && name != "meta") {
        std::string_view content = dom::Attr(node, "content");
        scan->itemprop_author = content.empty() ? dom::Text(node) : std::string(content);
        if (scan->itemprop_author.size() > 100) scan->itemprop_author.clear();
      }
    }
    if (name == "a" && scan->rel_author.empty() &&
        (" " + dom::Lower(dom::Attr(node, "rel")) + " ").find(" author ") != std::string::npos) {
      scan->rel_author = dom::Text(node);
      if (scan->rel_author.size() > 100) scan->rel_author.clear();
    }
    if (depth < kMaxDepth) Walk(node->children, depth + 1, scan);
  }
}

std::string MetaValue(const Scan& scan, std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    auto it = scan.meta.find(std::string(key));
    if (it != scan.meta.end() && !it->second.empty()) return it->second;
  }
  return "";
}

struct JsonLdFields {
  std::string headline, author, published, modified, publisher, image, body;
  bool article = false;  // the fields come from an Article-like object
};

std::string JsonString(const nlohmann::json& v) {
  if (v.is_string()) return std::string(dom::TrimView(v.get_ref<const std::string&>()));
  return "";
}

std::string JsonName(const nlohmann::json& v, int depth = 0) {
  if (depth > 3) return "";
  if (v.is_string()) return JsonString(v);
  if (v.is_object()) {
    if (auto it = v.find("name"); it != v.end()) return JsonName(*it, depth + 1);
    return "";
  }
  if (v.is_array()) {
    std::string out;
    for (const auto& e : v) {
      std::string name = JsonName(e, depth + 1);
      if (name.empty() || out.find(name) != std::string::npos) continue;
      if (!out.empty()) out += ", ";
      out += name;
    }
    return out;
  }
  return "";
}

std::string JsonImage(const nlohmann::json& v, int depth = 0) {
  if (depth > 3) return "";
  if (v.is_string()) return JsonString(v);
  if (v.is_object()) {
    if (auto it = v.find("url"); it != v.end()) return JsonImage(*it, depth + 1);
    return "";
  }
  if (v.is_array() && !v.empty()) return JsonImage(v.front(), depth + 1);
  return "";
}

bool IsArticleType(const nlohmann::json& type) {
  auto check = [](const std::string& t) {
    return t.find("Article") != std::string::npos || t == "BlogPosting" || t == "Report" ||
           t == "LiveBlogPosting" || t == "WebPage";
  };
  if (type.is_string()) return check(type.get_ref<const std::string&>());
  if (type.is_array()) {
    for (const auto& t : type) {
      if (t.is_string() && check(t.get_ref<const std::string&>())) return true;
    }
  }
  return false;
}

void ReadJsonLd(const nlohmann::json& v, int depth, JsonLdFields* out) {
  if (depth > kMaxJsonDepth) return;
  if (v.is_array()) {
    for (const auto& e : v) ReadJsonLd(e, depth + 1, out);
    return;
  }
  if (!v.is_object()) return;
  bool article = false;
  if (auto t = v.find("@type"); t != v.end()) article = IsArticleType(*t);
  // Article-like objects override fields taken from other objects once.
  bool take_all = article && !out->article;
  auto set = [&](std::string* field, const std::string& value) {
    if (!value.empty() && (field->empty() || take_all)) *field = value;
  };
  if (article || out->headline.empty()) {
    if (auto it = v.find("headline"); it != v.end()) set(&out->headline, JsonString(*it));
  }
  if (auto it = v.find("datePublished"); it != v.end()) set(&out->published, JsonString(*it));
  if (auto it = v.find("dateModified"); it != v.end()) set(&out->modified, JsonString(*it));
  if (auto it = v.find("author"); it != v.end()) set(&out->author, JsonName(*it));
  if (auto it = v.find("publisher"); it != v.end()) set(&out->publisher, JsonName(*it));
  if (article) {
    if (auto it = v.find("image"); it != v.end()) set(&out->image, JsonImage(*it));
    if (auto it = v.find("articleBody"); it != v.end()) set(&out->body, JsonString(*it));
    out->article = true;
  }
  if (auto it = v.find("@graph"); it != v.end()) ReadJsonLd(*it, depth + 1, out);
  if (auto it = v.find("mainEntity"); it != v.end() && it->is_object()) {
    ReadJsonLd(*it, depth + 1, out);
  }
}

std::string Resolve(std::string_view base, std::string_view ref) {
  ref = dom::TrimView(ref);
  if (ref.empty() || base.empty()) return std::string(ref);
  return ResolveUrl(base, ref);
}

int64_t FirstDate(std::initializer_list<std::string> candidates) {
  for (const std::string& c : candidates) {
    if (c.empty()) continue;
    if (std::optional<int64_t> ms = ParseFeedDate(c)) return *ms;
  }
  return 0;
}

// Decodes entities and drops tags in a metadata string.
std::string PlainText(std::string_view s) {
  if (s.find_first_of("&<") == std::string_view::npos) return std::string(dom::TrimView(s));
  return HtmlToText(s);
}

}  // namespace

PageMetadata ReadMetadata(const xmlNode* root, const std::vector<std::string>& json_ld,
                          std::string_view url) {
  Scan scan;
  if (root != nullptr) {
    Walk(root, 0, &scan);
  }
  JsonLdFields ld;
  for (const std::string& block : json_ld) {
    nlohmann::json v = nlohmann::json::parse(block, nullptr, /*allow_exceptions=*/false);
    if (!v.is_discarded()) ReadJsonLd(v, 0, &ld);
  }

  PageMetadata m;
  std::string base(dom::TrimView(url));
  m.canonical_url = Resolve(base, scan.canonical_link);
  if (m.canonical_url.empty()) m.canonical_url = Resolve(base, MetaValue(scan, {"og:url"}));
  if (m.canonical_url.empty()) m.canonical_url = base;
  std::string resolve_base = base.empty() ? m.canonical_url : base;

  m.title_element = PlainText(scan.title_element);
  m.first_h1 = scan.first_h1;
  m.title = PlainText(MetaValue(scan, {"og:title", "twitter:title"}));
  if (m.title.empty()) m.title = PlainText(ld.headline);
  if (m.title.empty()) m.title = PlainText(MetaValue(scan, {"headline", "dc.title"}));
  if (m.title.empty()) m.title = m.title_element;
  if (m.title.empty()) m.title = m.first_h1;

  m.site_name = PlainText(MetaValue(scan, {"og:site_name", "application-name"}));
  if (m.site_name.empty()) m.site_name = PlainText(ld.publisher);

  m.image = Resolve(resolve_base, MetaValue(scan, {"og:image", "og:image:url", "og:image:secure_url",
                                                   "twitter:image", "twitter:image:src"}));
  if (m.image.empty()) m.image = Resolve(resolve_base, ld.image);

  if (root != nullptr) m.language = std::string(dom::TrimView(dom::Attr(root, "lang")));
  if (m.language.empty() && root != nullptr) {
    m.language = std::string(dom::TrimView(dom::Attr(root, "xml:lang")));
  }
  if (m.language.empty())
    m.language = MetaValue(scan, {"http-equiv:content-language", "language", "dc.language", "inlanguage"});
  if (m.language.empty()) m.language = MetaValue(scan, {"og:locale"});
  std::replace(m.language.begin(), m.language.end(), '_', '-');

  m.author = PlainText(MetaValue(scan, {"author", "dc.creator", "byl", "parsely-author", "sailthru.author"}));
  if (m.author.empty() || IsHttpUrl(m.author)) m.author = PlainText(ld.author);
  if (m.author.empty()) {
    std::string a = MetaValue(scan, {"article:author"});
    if (!IsHttpUrl(a)) m.author = PlainText(a);
  }
  if (m.author.empty()) m.author = scan.itemprop_author;
  if (m.author.empty()) m.author = scan.rel_author;
  if (IsHttpUrl(m.author)) m.author.clear();

  m.published_ms =
      FirstDate({MetaValue(scan, {"article:published_time"}), ld.published, scan.itemprop_published,
                 MetaValue(scan, {"og:published_time", "datepublished", "pubdate", "publishdate",
                                  "publish-date", "date", "dc.date", "dc.date.issued", "dcterms.created",
                                  "sailthru.date", "parsely-pub-date", "article.published"}),
                 scan.first_time});
  m.updated_ms = FirstDate(
      {MetaValue(scan, {"article:modified_time", "og:updated_time"}), ld.modified, scan.itemprop_modified,
       MetaValue(scan, {"datemodified", "dcterms.modified", "last-modified", "article.updated"})});
  m.json_ld_body = ld.body.empty() ? std::string() : PlainText(ld.body);
  return m;
}

}  // namespace newsflow::ingest

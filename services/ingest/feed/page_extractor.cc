#include "services/ingest/feed/page_extractor.h"

#include <gumbo.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "nlohmann/json.hpp"
#include "services/ingest/feed/canonical_url.h"
#include "services/ingest/feed/feed_date.h"
#include "services/ingest/feed/html_node.h"
#include "services/ingest/feed/html_text.h"

namespace newsflow::ingest {
namespace {

constexpr int kMaxDepth = 256;
// Paragraphs shorter than this (after subtracting link text) are captions,
// bylines or buttons and do not vote for a container.
constexpr size_t kMinParagraphScore = 25;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Trim(std::string_view s) {
  size_t begin = 0;
  while (begin < s.size() && std::isspace(static_cast<unsigned char>(s[begin]))) ++begin;
  size_t end = s.size();
  while (end > begin && std::isspace(static_cast<unsigned char>(s[end - 1]))) --end;
  return std::string(s.substr(begin, end - begin));
}

std::vector<const GumboNode*> Children(const GumboNode* node) {
  std::vector<const GumboNode*> out;
  if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) return out;
  const GumboVector& children = node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    out.push_back(static_cast<const GumboNode*>(children.data[i]));
  }
  return out;
}

// True if the class or id of `node` marks it as page furniture rather than
// article content.
bool LooksLikeBoilerplate(const GumboNode* node) {
  static constexpr std::string_view kMarkers[] = {
      "comment", "footer", "sidebar", "nav",       "menu",   "related", "share",
      "social",  "promo",  "advert",  "cookie",    "newsletter", "subscribe",
      "breadcrumb", "masthead", "banner", "popup", "modal"};
  std::string names = Lower(std::string(html::Attribute(node, "class")) + " " +
                            std::string(html::Attribute(node, "id")));
  size_t pos = 0;
  while (pos < names.size()) {
    while (pos < names.size() && !std::isalnum(static_cast<unsigned char>(names[pos]))) ++pos;
    size_t end = pos;
    while (end < names.size() && std::isalnum(static_cast<unsigned char>(names[end]))) ++end;
    std::string_view token = std::string_view(names).substr(pos, end - pos);
    for (std::string_view marker : kMarkers) {
      if (token.substr(0, marker.size()) == marker) return true;
    }
    pos = end;
  }
  return false;
}

size_t LinkTextLength(const GumboNode* node, int depth) {
  if (depth > kMaxDepth) return 0;
  if (html::IsElement(node, GUMBO_TAG_A)) return html::NodeText(node).size();
  size_t total = 0;
  for (const GumboNode* child : Children(node)) total += LinkTextLength(child, depth + 1);
  return total;
}

// Everything the extractor collects in one pass over the tree.
struct PageScan {
  std::string title_element;
  std::string first_h1;
  std::string canonical_link;
  std::string first_time;
  std::string itemprop_date;
  std::unordered_map<std::string, std::string> meta;  // first value per lower-cased key
  std::vector<std::string> json_ld;
  std::vector<const GumboNode*> paragraphs;  // outside boilerplate
  std::vector<const GumboNode*> all_paragraphs;
};

void AddMeta(PageScan* scan, std::string_view key, std::string_view value) {
  std::string k = Lower(Trim(key));
  std::string v = Trim(value);
  if (k.empty() || v.empty()) return;
  scan->meta.emplace(k, v);
}

void Scan(const GumboNode* node, int depth, bool boilerplate, PageScan* scan) {
  if (depth > kMaxDepth || node->type != GUMBO_NODE_ELEMENT) return;
  GumboTag tag = node->v.element.tag;
  switch (tag) {
    case GUMBO_TAG_TITLE:
      if (scan->title_element.empty()) {
        std::string text;
        for (const GumboNode* child : Children(node)) {
          if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE) {
            text += child->v.text.text;
          }
        }
        scan->title_element = HtmlToText(EscapeHtml(text));
      }
      return;
    case GUMBO_TAG_META: {
      std::string_view content = html::Attribute(node, "content");
      AddMeta(scan, html::Attribute(node, "property"), content);
      AddMeta(scan, html::Attribute(node, "name"), content);
      AddMeta(scan, html::Attribute(node, "itemprop"), content);
      std::string_view equiv = html::Attribute(node, "http-equiv");
      if (!equiv.empty()) AddMeta(scan, "http-equiv:" + Lower(equiv), content);
      return;
    }
    case GUMBO_TAG_LINK: {
      std::string rel = " " + Lower(html::Attribute(node, "rel")) + " ";
      if (rel.find(" canonical ") != std::string::npos && scan->canonical_link.empty()) {
        scan->canonical_link = Trim(html::Attribute(node, "href"));
      }
      return;
    }
    case GUMBO_TAG_SCRIPT: {
      if (Lower(Trim(html::Attribute(node, "type"))) == "application/ld+json") {
        std::string text;
        for (const GumboNode* child : Children(node)) {
          if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE ||
              child->type == GUMBO_NODE_CDATA) {
            text += child->v.text.text;
          }
        }
        scan->json_ld.push_back(std::move(text));
      }
      return;
    }
    case GUMBO_TAG_TIME:
      if (scan->first_time.empty()) scan->first_time = Trim(html::Attribute(node, "datetime"));
      break;
    case GUMBO_TAG_H1:
      if (scan->first_h1.empty()) scan->first_h1 = html::NodeText(node);
      break;
    case GUMBO_TAG_P:
      scan->all_paragraphs.push_back(node);
      if (!boilerplate) scan->paragraphs.push_back(node);
      return;
    default:
      break;
  }
  if (scan->itemprop_date.empty() && html::Attribute(node, "itemprop") == "datePublished") {
    std::string_view value = html::Attribute(node, "datetime");
    if (value.empty()) value = html::Attribute(node, "content");
    scan->itemprop_date = Trim(value);
  }
  bool inner_boilerplate = boilerplate || html::IsDroppedFromText(tag) ||
                           (tag != GUMBO_TAG_BODY && tag != GUMBO_TAG_HTML &&
                            tag != GUMBO_TAG_ARTICLE && tag != GUMBO_TAG_MAIN &&
                            LooksLikeBoilerplate(node));
  for (const GumboNode* child : Children(node)) {
    Scan(child, depth + 1, inner_boilerplate, scan);
  }
}

std::string MetaValue(const PageScan& scan, std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    auto it = scan.meta.find(std::string(key));
    if (it != scan.meta.end() && !it->second.empty()) return it->second;
  }
  return "";
}

std::string JsonLdAuthor(const nlohmann::json& author) {
  if (author.is_string()) return Trim(author.get<std::string>());
  if (author.is_object()) {
    auto name = author.find("name");
    if (name != author.end() && name->is_string()) return Trim(name->get<std::string>());
  }
  if (author.is_array()) {
    std::string out;
    for (const auto& entry : author) {
      std::string name = JsonLdAuthor(entry);
      if (name.empty()) continue;
      if (!out.empty()) out += ", ";
      out += name;
    }
    return out;
  }
  return "";
}

// Looks through JSON-LD objects (plain, in arrays, or in "@graph") for the
// first datePublished and author.
void ReadJsonLd(const nlohmann::json& value, int depth, std::string* published,
                std::string* author) {
  if (depth > 8) return;
  if (value.is_array()) {
    for (const auto& entry : value) ReadJsonLd(entry, depth + 1, published, author);
    return;
  }
  if (!value.is_object()) return;
  if (auto it = value.find("datePublished"); it != value.end() && it->is_string() &&
                                             published->empty()) {
    *published = it->get<std::string>();
  }
  if (auto it = value.find("author"); it != value.end() && author->empty()) {
    *author = JsonLdAuthor(*it);
  }
  if (auto it = value.find("@graph"); it != value.end()) {
    ReadJsonLd(*it, depth + 1, published, author);
  }
}

std::string ResolveAgainst(std::string_view base, std::string_view ref) {
  std::string trimmed = Trim(ref);
  if (trimmed.empty() || base.empty()) return trimmed;
  return ResolveUrl(base, trimmed);
}

// The container with the most paragraph text, or nullptr.
const GumboNode* BestContainer(const std::vector<const GumboNode*>& paragraphs) {
  std::unordered_map<const GumboNode*, double> scores;
  std::vector<const GumboNode*> order;  // first-seen order, for stable ties
  auto add = [&](const GumboNode* node, double score) {
    if (node == nullptr || node->type != GUMBO_NODE_ELEMENT) return;
    auto [it, inserted] = scores.emplace(node, 0.0);
    if (inserted) order.push_back(node);
    it->second += score;
  };
  for (const GumboNode* p : paragraphs) {
    size_t length = html::NodeText(p).size();
    size_t links = LinkTextLength(p, 0);
    if (length <= links || length - links < kMinParagraphScore) continue;
    double score = static_cast<double>(length - links);
    add(p->parent, score);
    if (p->parent != nullptr) add(p->parent->parent, score / 2);
  }
  const GumboNode* best = nullptr;
  double best_score = 0;
  for (const GumboNode* node : order) {
    double score = scores[node];
    GumboTag tag = node->v.element.tag;
    if (tag == GUMBO_TAG_ARTICLE || tag == GUMBO_TAG_MAIN ||
        html::Attribute(node, "itemprop") == "articleBody") {
      score *= 1.25;
    }
    if (score > best_score) {
      best = node;
      best_score = score;
    }
  }
  return best;
}

}  // namespace

absl::StatusOr<ExtractedPage> ExtractPage(std::string_view page_html, std::string_view url) {
  if (Trim(page_html).empty()) return absl::InvalidArgumentError("page: empty document");
  html::GumboDocument doc(page_html);
  PageScan scan;
  Scan(doc.root(), 0, false, &scan);

  std::string json_published;
  std::string json_author;
  for (const std::string& text : scan.json_ld) {
    nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!value.is_discarded()) ReadJsonLd(value, 0, &json_published, &json_author);
  }

  ExtractedPage page;
  std::string base = Trim(url);
  page.canonical_url = ResolveAgainst(base, scan.canonical_link);
  if (page.canonical_url.empty()) page.canonical_url = ResolveAgainst(base, MetaValue(scan, {"og:url"}));
  if (page.canonical_url.empty()) page.canonical_url = base;
  std::string resolve_base = base.empty() ? page.canonical_url : base;

  page.title = HtmlToText(EscapeHtml(MetaValue(scan, {"og:title", "twitter:title"})));
  if (page.title.empty()) page.title = scan.title_element;
  if (page.title.empty()) page.title = scan.first_h1;
  page.site_name = MetaValue(scan, {"og:site_name", "application-name"});
  page.image = ResolveAgainst(resolve_base, MetaValue(scan, {"og:image", "og:image:url",
                                                            "twitter:image", "twitter:image:src"}));

  page.language = Trim(html::Attribute(doc.root(), "lang"));
  if (page.language.empty()) page.language = MetaValue(scan, {"http-equiv:content-language"});
  if (page.language.empty()) {
    page.language = MetaValue(scan, {"og:locale"});
    std::replace(page.language.begin(), page.language.end(), '_', '-');
  }

  page.author = MetaValue(scan, {"author", "article:author", "dc.creator", "byl"});
  if (IsHttpUrl(page.author)) page.author.clear();  // article:author may be a profile URL
  if (page.author.empty()) page.author = json_author;

  for (const std::string& candidate :
       {MetaValue(scan, {"article:published_time"}), json_published, scan.itemprop_date,
        MetaValue(scan, {"og:published_time", "pubdate", "publishdate", "publish-date",
                         "date", "dc.date", "dc.date.issued", "dcterms.created",
                         "sailthru.date", "parsely-pub-date"}),
        scan.first_time}) {
    if (std::optional<int64_t> ms = ParseFeedDate(candidate)) {
      page.published_ms = *ms;
      break;
    }
  }

  if (const GumboNode* best = BestContainer(scan.paragraphs); best != nullptr) {
    page.text = html::NodeText(best);
    page.html = html::SanitizeChildren(best, resolve_base);
  } else if (!scan.all_paragraphs.empty()) {
    for (const GumboNode* p : scan.all_paragraphs) {
      std::string text = html::NodeText(p);
      if (text.empty()) continue;
      if (!page.text.empty()) page.text += "\n\n";
      page.text += text;
      page.html += "<p>" + html::SanitizeChildren(p, resolve_base) + "</p>";
    }
  } else {
    page.text = html::NodeText(doc.body());
    page.html = html::SanitizeChildren(doc.body(), resolve_base);
  }
  return page;
}

}  // namespace newsflow::ingest

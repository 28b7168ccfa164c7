#include "services/ingest/extract/article_extractor.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "services/ingest/extract/article_metadata.h"
#include "services/ingest/extract/html_dom.h"
#include "services/ingest/extract/page_decoder.h"
#include "services/ingest/feed/canonical_url.h"
#include "services/ingest/feed/html_text.h"

namespace newsflow::ingest {
namespace {

constexpr int kMaxDepth = 1024;

// ---------------------------------------------------------------------------
// Tags

enum TagFlag : uint16_t {
  kBlock = 1 << 0,   // starts a new paragraph in the text
  kInline = 1 << 1,  // text flows through it into the enclosing paragraph
  kDrop = 1 << 2,    // never article content (with its subtree)
  kUnit = 1 << 3,    // paragraph-like: its whole text votes for its ancestors
  kHeading = 1 << 4,
  kContainer = 1 << 5,  // may hold loose text that votes like a paragraph
  kCleanable = 1 << 6,  // checked for boilerplate inside the chosen content
  kList = 1 << 7,
  kCell = 1 << 8,    // table cell: separated by a space, not a paragraph
  kStrict = 1 << 9,  // dropped only on the strictest pass
};

struct TagInfo {
  uint16_t flags = kInline;
  int base_score = 0;  // initial score when the element becomes a candidate
};

const TagInfo& LookupTag(std::string_view name) {
  static const auto* const kTags = new std::unordered_map<std::string_view, TagInfo>{
      {"p", {kBlock | kUnit, 0}},
      {"pre", {kBlock | kUnit, 3}},
      {"td", {kCell | kUnit | kContainer, 3}},
      {"th", {kCell, -5}},
      {"div", {kBlock | kContainer | kCleanable, 5}},
      {"section", {kBlock | kContainer | kCleanable, 0}},
      {"article", {kBlock | kContainer, 5}},
      {"main", {kBlock | kContainer, 5}},
      {"body", {kBlock | kContainer, 0}},
      {"html", {kBlock, 0}},
      {"blockquote", {kBlock | kContainer, 3}},
      {"center", {kBlock | kContainer, 0}},
      {"font", {kInline | kContainer, 0}},
      {"span", {kInline, 0}},
      {"h1", {kBlock | kHeading, -5}},
      {"h2", {kBlock | kHeading, -5}},
      {"h3", {kBlock | kHeading, -5}},
      {"h4", {kBlock | kHeading, -5}},
      {"h5", {kBlock | kHeading, -5}},
      {"h6", {kBlock | kHeading, -5}},
      {"ul", {kBlock | kList | kCleanable, -3}},
      {"ol", {kBlock | kList | kCleanable, -3}},
      {"dl", {kBlock | kList | kCleanable, -3}},
      {"li", {kBlock | kContainer, -3}},
      {"dt", {kBlock, -3}},
      {"dd", {kBlock | kContainer, -3}},
      {"address", {kBlock, -3}},
      {"table", {kBlock | kCleanable, 0}},
      {"thead", {kBlock, 0}},
      {"tbody", {kBlock, 0}},
      {"tfoot", {kBlock, 0}},
      {"tr", {kBlock, 0}},
      {"caption", {kBlock, 0}},
      {"figure", {kBlock | kCleanable, 0}},
      {"figcaption", {kBlock | kStrict, 0}},
      {"hr", {kBlock, 0}},
      {"br", {kBlock, 0}},
      {"header", {kBlock | kStrict | kCleanable, 0}},
      {"fieldset", {kBlock | kCleanable, 0}},
      {"form", {kBlock | kCleanable | kContainer, -3}},
      {"details", {kBlock, 0}},
      {"summary", {kBlock, 0}},
      {"nav", {kDrop}},
      {"aside", {kDrop}},
      {"footer", {kDrop}},
      {"menu", {kDrop}},
      {"dialog", {kDrop}},
      {"head", {kDrop}},
      {"title", {kDrop}},
      {"meta", {kDrop}},
      {"link", {kDrop}},
      {"script", {kDrop}},
      {"style", {kDrop}},
      {"noscript", {kDrop}},
      {"template", {kDrop}},
      {"svg", {kDrop}},
      {"math", {kDrop}},
      {"iframe", {kDrop}},
      {"frame", {kDrop}},
      {"frameset", {kDrop}},
      {"object", {kDrop}},
      {"embed", {kDrop}},
      {"applet", {kDrop}},
      {"canvas", {kDrop}},
      {"video", {kDrop}},
      {"audio", {kDrop}},
      {"map", {kDrop}},
      {"button", {kDrop}},
      {"input", {kDrop}},
      {"select", {kDrop}},
      {"option", {kDrop}},
      {"textarea", {kDrop}},
      {"label", {kDrop}},
  };
  static const TagInfo kDefault{kInline, 0};
  auto it = kTags->find(name);
  return it == kTags->end() ? kDefault : it->second;
}

// ---------------------------------------------------------------------------
// Class/id hints

bool ContainsAny(std::string_view haystack, std::initializer_list<std::string_view> needles) {
  for (std::string_view n : needles) {
    if (haystack.find(n) != std::string_view::npos) return true;
  }
  return false;
}

// Names that mark page furniture; such containers are pruned on the first
// pass unless they also carry a content name.
bool UnlikelyName(std::string_view names) {
  return ContainsAny(
      names,
      {"-ad-",       "ad-break",   "adslot",       "ad-slot",      "advert",    "agegate",  "ai2html",
       "banner",     "breadcrumb", "combx",        "comment",      "community", "consent",  "cookie",
       "cover-wrap", "disqus",     "extra",        "footer",       "gdpr",      "header",   "legends",
       "menu",       "modal",      "most-popular", "newsletter",   "outbrain",  "pager",    "pagination",
       "popup",      "promo",      "recirc",       "recommend",    "related",   "remark",   "replies",
       "rss",        "share",      "sharing",      "shoutbox",     "sidebar",   "signup",   "skyscraper",
       "social",     "sponsor",    "subscribe",    "supplemental", "taboola",   "trending", "yom-remote"});
}

bool MaybeContentName(std::string_view names) {
  return ContainsAny(names, {"article", "body", "column", "content", "main", "shadow", "story"});
}

int ClassWeight(std::string_view names) {
  if (names.empty()) return 0;
  int weight = 0;
  if (ContainsAny(
          names,
          {"-ad-",     "advert",   "banner",   "byline",    "combx",    "comment",  "com-",    "contact",
           "footer",   "footnote", "gdpr",     "hidden",    "masthead", "media",    "meta",    "newsletter",
           "outbrain", "promo",    "related",  "scroll",    "share",    "shoutbox", "sidebar", "skyscraper",
           "social",   "sponsor",  "shopping", "subscribe", "tags",     "taboola",  "widget"})) {
    weight -= 25;
  }
  if (ContainsAny(names, {"article", "body", "content", "entry", "hentry", "h-entry", "main", "page", "post",
                          "text", "blog", "story", "prose"})) {
    weight += 25;
  }
  return weight;
}

bool ShareName(std::string_view names) {
  return ContainsAny(
      names, {"share", "sharing", "social", "follow-us", "newsletter", "subscribe", "signup", "sign-up",
              "related", "recommend", "read-more", "readmore", "more-stories", "promo"});
}

bool BylineName(std::string_view names) {
  return ContainsAny(names, {"byline", "author", "dateline", "posted-on", "timestamp", "publish-date",
                             "pubdate", "article-date", "post-date", "credit"});
}

bool UnlikelyRole(std::string_view role) {
  return role == "navigation" || role == "complementary" || role == "banner" || role == "contentinfo" ||
         role == "menu" || role == "menubar" || role == "dialog" || role == "alertdialog" || role == "search";
}

bool HiddenElement(const xmlNode* node) {
  if (dom::HasAttr(node, "hidden")) return true;
  if (dom::Attr(node, "aria-hidden") == "true") return true;
  std::string_view style = dom::Attr(node, "style");
  if (style.empty()) return false;
  std::string s = dom::Lower(style);
  s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
  return s.find("display:none") != std::string::npos || s.find("visibility:hidden") != std::string::npos;
}

// ---------------------------------------------------------------------------
// The flattened tree

struct Node {
  const xmlNode* x = nullptr;
  int parent = -1;
  int end = 0;  // one past the last descendant in pre-order
  uint16_t flags = 0;
  bool is_text = false;
  bool in_link = false;
  bool unlikely = false;  // furniture by class/id/role
  bool hidden = false;
  bool share = false;
  bool byline = false;
  int8_t base_score = 0;
  int class_weight = 0;
  int own_text = 0;    // text nodes: collapsed length
  int own_commas = 0;  // text nodes: commas
  // Per pass:
  bool removed = false;
  bool has_block_child = false;
  int text = 0;
  int links = 0;
  int commas = 0;
  int inline_text = 0;
  int inline_commas = 0;
  int paragraphs = 0;
  int images = 0;
  int list_items = 0;
  int inputs = 0;
  int embeds = 0;
  double score = 0;
  bool scored = false;
};

bool IsSpaceByte(unsigned char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f'; }

// Collapsed length and comma count of a text.
void MeasureText(std::string_view s, int* length, int* commas) {
  int n = 0;
  int c = 0;
  bool space = true;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char ch = static_cast<unsigned char>(s[i]);
    if (IsSpaceByte(ch)) {
      if (!space) ++n;
      space = true;
      continue;
    }
    space = false;
    ++n;
    if (ch == ',') {
      ++c;
    } else if (ch == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBC &&
               static_cast<unsigned char>(s[i + 2]) == 0x8C) {
      ++c;  // U+FF0C FULLWIDTH COMMA
    } else if (ch == 0xE3 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
               static_cast<unsigned char>(s[i + 2]) == 0x81) {
      ++c;  // U+3001 IDEOGRAPHIC COMMA
    }
  }
  *length = n;
  *commas = c;
}

class Tree {
 public:
  Tree(const xmlNode* body, size_t max_elements) : max_elements_(max_elements) {
    nodes_.reserve(4096);
    Build(body, -1, 0, false);
  }
  std::vector<Node>& nodes() { return nodes_; }

 private:
  void Build(const xmlNode* x, int parent, int depth, bool in_link) {
    if (nodes_.size() >= max_elements_ || depth > kMaxDepth) return;
    int index = static_cast<int>(nodes_.size());
    nodes_.emplace_back();
    {
      Node& n = nodes_.back();
      n.x = x;
      n.parent = parent;
      if (x->type == XML_TEXT_NODE || x->type == XML_CDATA_SECTION_NODE) {
        n.is_text = true;
        n.in_link = in_link;
        MeasureText(dom::Content(x), &n.own_text, &n.own_commas);
        n.end = index + 1;
        return;
      }
      std::string_view name = dom::Name(x);
      const TagInfo& tag = LookupTag(name);
      n.flags = tag.flags;
      n.base_score = static_cast<int8_t>(tag.base_score);
      in_link = in_link || name == "a";
      n.in_link = in_link;
      std::string_view cls = dom::Attr(x, "class");
      std::string_view id = dom::Attr(x, "id");
      if (!cls.empty() || !id.empty()) {
        std::string names = dom::Lower(cls);
        names.push_back(' ');
        names += dom::Lower(id);
        n.class_weight = ClassWeight(names);
        bool protected_tag =
            name == "body" || name == "html" || name == "article" || name == "main" || name == "a";
        n.unlikely = !protected_tag && UnlikelyName(names) && !MaybeContentName(names);
        n.share = ShareName(names);
        n.byline = BylineName(names);
      }
      std::string_view itemprop = dom::Attr(x, "itemprop");
      if (!itemprop.empty()) {
        if (itemprop.find("articleBody") != std::string_view::npos) n.class_weight += 25;
        if (itemprop == "author" || itemprop == "datePublished") n.byline = true;
      }
      std::string_view rel = dom::Attr(x, "rel");
      if (rel == "author") n.byline = true;
      std::string_view role = dom::Attr(x, "role");
      if (!role.empty() && UnlikelyRole(role)) n.unlikely = true;
      n.hidden = HiddenElement(x);
    }
    for (const xmlNode* child = x->children; child != nullptr; child = child->next) {
      if (child->type == XML_ELEMENT_NODE || child->type == XML_TEXT_NODE ||
          child->type == XML_CDATA_SECTION_NODE) {
        Build(child, index, depth + 1, in_link);
      }
    }
    nodes_[index].end = static_cast<int>(nodes_.size());
  }

  size_t max_elements_;
  std::vector<Node> nodes_;
};

// ---------------------------------------------------------------------------
// One extraction pass

struct PassFlags {
  bool strip_unlikely = true;
  bool weight_classes = true;
  bool clean_conditionally = true;
};

bool ContainsNode(const std::vector<Node>& nodes, int ancestor, int node) {
  return node >= ancestor && node < nodes[ancestor].end;
}

double LinkDensity(const Node& n) { return n.text > 0 ? static_cast<double>(n.links) / n.text : 0.0; }

std::string_view NameOf(const Node& n) { return dom::Name(n.x); }

void ComputeStats(std::vector<Node>& nodes, const PassFlags& flags) {
  for (size_t i = 0; i < nodes.size(); ++i) {
    Node& n = nodes[i];
    n.removed = n.parent >= 0 && nodes[n.parent].removed;
    if (!n.is_text) {
      n.removed = n.removed || (n.flags & kDrop) ||
                  (flags.strip_unlikely && (n.unlikely || n.hidden || (n.flags & kStrict)));
    }
    n.has_block_child = false;
    n.text = n.is_text ? n.own_text : 0;
    n.links = n.is_text && n.in_link ? n.own_text : 0;
    n.commas = n.is_text ? n.own_commas : 0;
    n.inline_text = n.inline_commas = 0;
    n.paragraphs = n.images = n.list_items = n.inputs = n.embeds = 0;
    n.score = 0;
    n.scored = false;
    if (!n.is_text) {
      std::string_view name = NameOf(n);
      if (name == "p")
        n.paragraphs = 1;
      else if (name == "img")
        n.images = 1;
      else if (name == "li")
        n.list_items = 1;
      else if (name == "input" || name == "select" || name == "textarea" || name == "button")
        n.inputs = 1;
      else if (name == "iframe" || name == "embed" || name == "object" || name == "video")
        n.embeds = 1;
    }
  }
  for (size_t i = nodes.size(); i-- > 0;) {
    Node& n = nodes[i];
    if (n.parent < 0) continue;
    Node& p = nodes[n.parent];
    if (n.removed) {
      if (!n.is_text) p.inputs += n.inputs, p.embeds += n.embeds;
      continue;
    }
    p.text += n.text;
    p.links += n.links;
    p.commas += n.commas;
    p.paragraphs += n.paragraphs;
    p.images += n.images;
    p.list_items += n.list_items;
    p.inputs += n.inputs;
    p.embeds += n.embeds;
    if (n.is_text || (n.flags & kInline)) {
      p.inline_text += n.text;
      p.inline_commas += n.commas;
    } else if (n.flags & (kBlock | kCell)) {
      p.has_block_child = true;
    }
  }
}

void ScoreParagraphs(std::vector<Node>& nodes, const PassFlags& flags, const ExtractOptions& options) {
  auto init = [&](Node& a) {
    if (a.scored) return;
    a.scored = true;
    a.score = a.base_score + (flags.weight_classes ? a.class_weight : 0);
  };
  for (size_t i = 0; i < nodes.size(); ++i) {
    Node& n = nodes[i];
    if (n.is_text || n.removed) continue;
    int length = 0;
    int commas = 0;
    int first;  // the ancestor that gets the full vote
    if (n.flags & kUnit) {
      length = n.text;
      commas = n.commas;
      first = n.parent;
    } else if ((n.flags & kContainer) && n.inline_text >= options.min_paragraph_chars) {
      length = n.inline_text;
      commas = n.inline_commas;
      first = n.has_block_child ? static_cast<int>(i) : n.parent;
    } else {
      continue;
    }
    if (length < options.min_paragraph_chars || first < 0) continue;
    double vote = 1.0 + commas + std::min(length / 100, 3);
    int a = first;
    for (int level = 0; a >= 0 && level < 5; ++level, a = nodes[a].parent) {
      Node& anc = nodes[a];
      init(anc);
      double divider = level == 0 ? 1.0 : level == 1 ? 2.0 : level * 3.0;
      anc.score += vote / divider;
    }
  }
  for (Node& n : nodes) {
    if (n.scored) n.score *= 1.0 - LinkDensity(n);
  }
}

// Chooses the article's top-level nodes (the best candidate and the siblings
// that belong with it), in document order.
std::vector<int> SelectContent(std::vector<Node>& nodes, const ExtractOptions& options) {
  std::vector<int> top;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (!nodes[i].scored || nodes[i].removed) continue;
    top.push_back(static_cast<int>(i));
  }
  if (top.empty()) return {};
  size_t keep = std::min<size_t>(top.size(), std::max(1, options.top_candidates));
  std::partial_sort(top.begin(), top.begin() + keep, top.end(),
                    [&](int a, int b) { return nodes[a].score > nodes[b].score; });
  top.resize(keep);
  int best = top[0];
  if (nodes[best].score <= 0) return {};

  // Several strong candidates under one ancestor: the ancestor is the article.
  std::vector<int> alternatives;
  for (size_t k = 1; k < top.size(); ++k) {
    if (nodes[top[k]].score / nodes[best].score >= 0.75) alternatives.push_back(top[k]);
  }
  if (alternatives.size() >= 3) {
    for (int a = nodes[best].parent; a >= 0; a = nodes[a].parent) {
      if (NameOf(nodes[a]) == "body") break;
      int inside = 0;
      for (int alt : alternatives) inside += ContainsNode(nodes, a, alt) ? 1 : 0;
      if (inside >= 3) {
        best = a;
        break;
      }
    }
  }
  if (!nodes[best].scored) {
    nodes[best].scored = true;
    nodes[best].score = 0;
  }
  // Climb while the parent scores comparably (the article is split in parts).
  {
    double last = nodes[best].score;
    double threshold = last / 3;
    for (int a = nodes[best].parent; a >= 0 && NameOf(nodes[a]) != "body"; a = nodes[a].parent) {
      if (!nodes[a].scored) continue;
      if (nodes[a].score < threshold) break;
      if (nodes[a].score > last) {
        best = a;
        break;
      }
      last = nodes[a].score;
    }
  }
  // A lone child is the same content as its parent.
  for (int p = nodes[best].parent; p >= 0 && NameOf(nodes[p]) != "body"; p = nodes[p].parent) {
    int element_children = 0;
    for (int c = p + 1; c < nodes[p].end; c = nodes[c].end) {
      if (!nodes[c].is_text && !nodes[c].removed)
        ++element_children;
      else if (nodes[c].is_text && nodes[c].text > 1)
        element_children += 2;
    }
    if (element_children != 1) break;
    if (!nodes[p].scored) {
      nodes[p].scored = true;
      nodes[p].score = nodes[best].score;
    }
    best = p;
  }

  std::vector<int> out;
  int parent = nodes[best].parent;
  if (parent < 0) return {best};
  double best_score = nodes[best].score;
  double threshold = std::max(10.0, best_score * options.sibling_score_ratio);
  std::string_view best_class = dom::Attr(nodes[best].x, "class");
  for (int c = parent + 1; c < nodes[parent].end; c = nodes[c].end) {
    const Node& s = nodes[c];
    if (s.is_text || s.removed) continue;
    if (c == best) {
      out.push_back(c);
      continue;
    }
    double bonus = 0;
    if (!best_class.empty() && dom::Attr(s.x, "class") == best_class) bonus = best_score * 0.2;
    if (s.scored && s.score + bonus >= threshold) {
      out.push_back(c);
      continue;
    }
    if (NameOf(s) == "p") {
      double ld = LinkDensity(s);
      if (s.text > 80 && ld < 0.25) {
        out.push_back(c);
      } else if (s.text > 0 && s.text <= 80 && ld == 0) {
        std::string text = dom::Text(s.x);
        if (text.find(". ") != std::string::npos || (!text.empty() && text.back() == '.')) {
          out.push_back(c);
        }
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Boilerplate inside the chosen content

bool NormalizedEqual(std::string_view a, std::string_view b) {
  auto next = [](std::string_view s, size_t& i) -> int {
    while (i < s.size()) {
      unsigned char c = static_cast<unsigned char>(s[i++]);
      if (c >= 0x80) return c;
      if (std::isalnum(c)) return std::tolower(c);
    }
    return -1;
  };
  size_t i = 0;
  size_t j = 0;
  while (true) {
    int x = next(a, i);
    int y = next(b, j);
    if (x != y) return false;
    if (x < 0) return true;
  }
}

class Cleaner {
 public:
  Cleaner(const std::vector<Node>& nodes, const PassFlags& flags, std::string_view title)
      : nodes_(nodes), flags_(flags), title_(title) {}

  // True if node `i` (an element inside the chosen content) is boilerplate.
  bool Drop(int i) const {
    const Node& n = nodes_[i];
    std::string_view name = NameOf(n);
    if (n.text == 0 && n.images == 0) return name != "br" && name != "hr";
    if (n.byline && n.text < 200 && n.paragraphs == 0) return true;
    if (n.share && n.text < 500) return true;
    if (n.flags & kHeading) {
      if (flags_.weight_classes && n.class_weight < 0) return true;
      if (LinkDensity(n) > 0.5) return true;
      if (!title_.empty() && NormalizedEqual(dom::Text(n.x), title_)) return true;
      return false;
    }
    if (!flags_.clean_conditionally || !(n.flags & kCleanable)) return false;
    int weight = flags_.weight_classes ? n.class_weight : 0;
    if (weight < 0) return true;
    if (n.commas >= 10) return false;
    bool is_list = (n.flags & kList) != 0;
    bool is_table = name == "table";
    double ld = LinkDensity(n);
    if (is_table) return ld > 0.5;
    int p = n.paragraphs;
    int img = n.images;
    if (img > 1 && p * 2 < img && name != "figure") return true;
    if (n.inputs > p / 3 + 1) return true;
    if (!is_list && n.text < 25 && (img == 0 || img > 2)) return true;
    if (!is_list && weight < 25 && ld > 0.2) return true;
    if (weight >= 25 && ld > 0.5) return true;
    if (is_list && ld > 0.5) return true;
    if ((n.embeds == 1 && n.text < 75) || n.embeds > 1) return true;
    return false;
  }

 private:
  const std::vector<Node>& nodes_;
  const PassFlags& flags_;
  std::string_view title_;
};

// True for a paragraph that is a publisher's promotional tail or a widget
// label rather than article text.
bool BoilerplateParagraph(std::string_view text) {
  if (text.size() > 400) return false;
  std::string lower = dom::Lower(text.substr(0, 200));
  if (lower.rfind("the post ", 0) == 0 && lower.find(" appeared first on ") != std::string::npos) {
    return true;
  }
  if (text.size() > 120) return false;
  static constexpr std::string_view kPrefixes[] = {"advertisement",
                                                   "share this",
                                                   "share on",
                                                   "follow us",
                                                   "sign up for",
                                                   "subscribe to",
                                                   "related:",
                                                   "related articles",
                                                   "related stories",
                                                   "read more:",
                                                   "see also:",
                                                   "click here to",
                                                   "tweet this",
                                                   "continue reading",
                                                   "story continues below",
                                                   "this article originally appeared",
                                                   "recommended:"};
  for (std::string_view prefix : kPrefixes) {
    if (lower.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Text and HTML output

class Emitter {
 public:
  Emitter(const std::vector<Node>& nodes, const Cleaner& cleaner, std::string_view base_url, bool want_html)
      : nodes_(nodes), cleaner_(cleaner), base_url_(base_url), want_html_(want_html) {}

  void EmitRoot(int i) {
    Emit(i, /*root=*/true, 0);
    Flush();
  }

  std::string Text() const {
    std::string out;
    for (const Block& b : blocks_) {
      if (!out.empty()) out += "\n\n";
      out += b.text;
    }
    return out;
  }

  std::string Html() const {
    std::string out;
    bool in_list = false;
    for (const Block& b : blocks_) {
      bool item = b.tag == "li";
      if (item && !in_list) out += "<ul>";
      if (!item && in_list) out += "</ul>";
      in_list = item;
      out += "<" + b.tag + ">" + b.html + "</" + b.tag + ">";
    }
    if (in_list) out += "</ul>";
    return out;
  }

  size_t TextLength() const {
    size_t n = 0;
    for (const Block& b : blocks_) n += b.text.size() + 2;
    return n;
  }

 private:
  struct Block {
    std::string tag;
    std::string text;
    std::string html;
  };

  void Emit(int i, bool root, int depth) {
    const Node& n = nodes_[i];
    if (n.removed || depth > kMaxDepth) return;
    if (n.is_text) {
      AppendText(dom::Content(n.x));
      return;
    }
    if (!root && cleaner_.Drop(i)) return;
    std::string_view name = NameOf(n);
    if (name == "br" || name == "hr") {
      Flush();
      return;
    }
    bool block = (n.flags & kBlock) != 0;
    std::string saved_tag;
    if (block) {
      Flush();
      saved_tag = tag_;
      if (name == "p" || name == "pre" || name == "blockquote" || name == "li" || (n.flags & kHeading)) {
        tag_ = name == "h1" ? "h2" : std::string(name);
      } else if (tag_.empty() || tag_ == "li" || tag_ == "blockquote") {
        // keep the enclosing paragraph kind
      }
    }
    if (n.flags & kCell) AppendSpace();
    std::string_view inline_tag;
    if (want_html_ && !block) {
      if (name == "a") {
        std::string href(dom::TrimView(dom::Attr(n.x, "href")));
        if (!href.empty() && !base_url_.empty()) href = ResolveUrl(base_url_, href);
        if (IsHttpUrl(href) || href.rfind("mailto:", 0) == 0) {
          html_ += "<a href=\"" + EscapeHtml(href) + "\">";
          inline_tag = "a";
        }
      } else if (name == "em" || name == "i" || name == "strong" || name == "b" || name == "code" ||
                 name == "sup" || name == "sub") {
        html_ += "<" + std::string(name) + ">";
        inline_tag = name;
      }
    }
    for (int c = i + 1; c < n.end; c = nodes_[c].end) Emit(c, false, depth + 1);
    if (!inline_tag.empty()) html_ += "</" + std::string(inline_tag) + ">";
    if (n.flags & kCell) AppendSpace();
    if (block) {
      Flush();
      tag_ = saved_tag;
    }
  }

  void AppendSpace() {
    if (!text_.empty() && text_.back() != ' ') {
      text_.push_back(' ');
      if (want_html_) html_.push_back(' ');
    }
  }

  void AppendText(std::string_view s) {
    size_t start = text_.size();
    for (size_t k = 0; k < s.size(); ++k) {
      unsigned char c = static_cast<unsigned char>(s[k]);
      bool space = IsSpaceByte(c);
      if (c == 0xC2 && k + 1 < s.size() && static_cast<unsigned char>(s[k + 1]) == 0xA0) {
        space = true;  // no-break space
        ++k;
      }
      if (space) {
        if (!text_.empty() && text_.back() != ' ') text_.push_back(' ');
      } else {
        text_.push_back(static_cast<char>(c));
      }
    }
    if (want_html_) html_ += EscapeHtml(std::string_view(text_).substr(start));
  }

  void Flush() {
    std::string_view t = dom::TrimView(text_);
    if (!t.empty() && !BoilerplateParagraph(t)) {
      Block b;
      b.tag = tag_.empty() ? "p" : tag_;
      b.text = std::string(t);
      if (want_html_) b.html = std::string(dom::TrimView(html_));
      blocks_.push_back(std::move(b));
    }
    text_.clear();
    html_.clear();
  }

  const std::vector<Node>& nodes_;
  const Cleaner& cleaner_;
  std::string_view base_url_;
  bool want_html_;
  std::string tag_;
  std::string text_;
  std::string html_;
  std::vector<Block> blocks_;
};

struct PassResult {
  std::string text;
  std::string html;
};

PassResult RunPass(std::vector<Node>& nodes, const PassFlags& flags, const ExtractOptions& options,
                   std::string_view title, std::string_view base_url) {
  ComputeStats(nodes, flags);
  ScoreParagraphs(nodes, flags, options);
  std::vector<int> roots = SelectContent(nodes, options);
  if (roots.empty() && !nodes.empty()) roots.push_back(0);
  Cleaner cleaner(nodes, flags, title);
  Emitter emitter(nodes, cleaner, base_url, options.want_html);
  for (int r : roots) emitter.EmitRoot(r);
  return {emitter.Text(), options.want_html ? emitter.Html() : std::string()};
}

// ---------------------------------------------------------------------------
// JSON-LD articleBody as a cross-check

void Words(std::string_view s, std::vector<std::string_view>* out) {
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() &&
           !(std::isalnum(static_cast<unsigned char>(s[i])) || static_cast<unsigned char>(s[i]) >= 0x80)) {
      ++i;
    }
    size_t start = i;
    while (i < s.size() &&
           (std::isalnum(static_cast<unsigned char>(s[i])) || static_cast<unsigned char>(s[i]) >= 0x80)) {
      ++i;
    }
    if (i > start) out->push_back(s.substr(start, i - start));
  }
}

// Share of the words of `reference` (as a multiset) found in `text`.
double Coverage(std::string_view reference, std::string_view text) {
  std::vector<std::string_view> ref;
  std::vector<std::string_view> got;
  Words(reference, &ref);
  Words(text, &got);
  if (ref.empty()) return 1.0;
  std::unordered_map<std::string_view, int> counts;
  for (std::string_view w : got) ++counts[w];
  size_t hit = 0;
  for (std::string_view w : ref) {
    auto it = counts.find(w);
    if (it != counts.end() && it->second > 0) {
      --it->second;
      ++hit;
    }
  }
  return static_cast<double>(hit) / ref.size();
}

std::string ParagraphsFromPlainText(std::string_view body) {
  std::string out;
  size_t pos = 0;
  while (pos <= body.size()) {
    size_t nl = body.find('\n', pos);
    if (nl == std::string_view::npos) nl = body.size();
    std::string_view line = dom::TrimView(body.substr(pos, nl - pos));
    if (!line.empty()) {
      if (!out.empty()) out += "\n\n";
      out += line;
    }
    pos = nl + 1;
  }
  return out;
}

std::string HtmlFromParagraphs(std::string_view text) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find("\n\n", pos);
    if (end == std::string_view::npos) end = text.size();
    out += "<p>" + EscapeHtml(text.substr(pos, end - pos)) + "</p>";
    pos = end + 2;
  }
  return out;
}

void InitLibxml() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

struct DocDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};

}  // namespace

absl::StatusOr<Article> ExtractArticle(std::string_view html_bytes, std::string_view url,
                                       std::string_view content_type, const ExtractOptions& options) {
  if (html_bytes.size() > options.max_input_bytes) {
    return absl::ResourceExhaustedError("extract: page larger than max_input_bytes");
  }
  if (dom::TrimView(html_bytes).empty()) {
    return absl::InvalidArgumentError("extract: empty document");
  }
  InitLibxml();
  DecodedPage page = DecodePage(html_bytes, content_type);
  // libxml2 stops at NUL characters; they are never text.
  std::replace(page.html.begin(), page.html.end(), '\0', ' ');
  if (dom::TrimView(page.html).empty()) page.html = "<html><body></body></html>";
  if (page.html.size() > static_cast<size_t>(INT32_MAX)) {
    return absl::ResourceExhaustedError("extract: page too large");
  }
  std::unique_ptr<xmlDoc, DocDeleter> doc(
      htmlReadMemory(page.html.data(), static_cast<int>(page.html.size()), nullptr, "UTF-8",
                     HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                         HTML_PARSE_COMPACT));
  if (doc == nullptr) return absl::InvalidArgumentError("extract: not an HTML document");
  const xmlNode* root = xmlDocGetRootElement(doc.get());

  PageMetadata meta = ReadMetadata(root, page.json_ld, url);
  Article article;
  article.title = meta.title;
  article.author = meta.author;
  article.canonical_url = meta.canonical_url;
  article.site_name = meta.site_name;
  article.language = meta.language;
  article.image = meta.image;
  article.published_ms = meta.published_ms;
  article.updated_ms = meta.updated_ms;
  std::string base_url(dom::TrimView(url));
  if (base_url.empty()) base_url = meta.canonical_url;

  const xmlNode* body = nullptr;
  for (const xmlNode* c = root == nullptr ? nullptr : root->children; c != nullptr; c = c->next) {
    if (dom::IsElement(c) && dom::Name(c) == "body") body = c;
  }
  if (body == nullptr) body = root;
  if (body != nullptr) {
    Tree tree(body, options.max_elements);
    std::vector<Node>& nodes = tree.nodes();
    static constexpr PassFlags kPasses[] = {
        {true, true, true}, {false, true, true}, {false, false, true}, {false, false, false}};
    PassResult best;
    for (const PassFlags& flags : kPasses) {
      PassResult r = RunPass(nodes, flags, options, meta.title, base_url);
      if (r.text.size() > best.text.size()) best = std::move(r);
      if (best.text.size() >= static_cast<size_t>(options.min_article_chars)) break;
    }
    article.text = std::move(best.text);
    article.html = std::move(best.html);
  }

  const std::string& ld_body = meta.json_ld_body;
  if (ld_body.size() >= static_cast<size_t>(std::max(0, options.json_ld_min_chars))) {
    // The JSON-LD body must be this page's article (not another page's text
    // or a template placeholder): its opening has to be visible on the page.
    // A DOM result that misses much of it was then cut short (teaser layouts,
    // text split over widgets) and the JSON-LD text is the better body.
    std::string page_text = root == nullptr ? std::string() : dom::Text(root);
    std::string_view opening = std::string_view(ld_body).substr(0, 160);
    if (size_t cut = opening.rfind(' '); cut != std::string_view::npos && opening.size() == 160) {
      opening = opening.substr(0, cut);
    }
    if (Coverage(opening, page_text) >= 0.8 &&
        Coverage(ld_body, article.text) < options.json_ld_min_coverage) {
      article.text = ParagraphsFromPlainText(ld_body);
      if (options.want_html) article.html = HtmlFromParagraphs(article.text);
    }
  }
  return article;
}

}  // namespace newsflow::ingest

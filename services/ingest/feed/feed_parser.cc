#include "services/ingest/feed/feed_parser.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "common/util/utf8.h"
#include "services/ingest/feed/canonical_url.h"
#include "services/ingest/feed/charset.h"
#include "services/ingest/feed/feed_date.h"
#include "services/ingest/feed/feedparser_html.h"
#include "services/ingest/feed/html_text.h"
#include "services/ingest/feed/xml_tree.h"

namespace newsflow::ingest {
namespace {

constexpr std::string_view kAtom10Ns = "http://www.w3.org/2005/Atom";
constexpr std::string_view kAtom03Ns = "http://purl.org/atom/ns#";
constexpr std::string_view kRss10Ns = "http://purl.org/rss/1.0/";
constexpr std::string_view kRss090Ns = "http://my.netscape.com/rdf/simple/0.9/";
constexpr std::string_view kRdfNs = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
constexpr std::string_view kContentNs = "http://purl.org/rss/1.0/modules/content/";
constexpr std::string_view kDcNs = "http://purl.org/dc/elements/1.1/";
constexpr std::string_view kDcTermsNs = "http://purl.org/dc/terms/";
constexpr std::string_view kXhtmlNs = "http://www.w3.org/1999/xhtml";
constexpr std::string_view kXmlNs = "http://www.w3.org/XML/1998/namespace";
constexpr std::string_view kSvgNs = "http://www.w3.org/2000/svg";
constexpr std::string_view kMathMlNs = "http://www.w3.org/1998/Math/MathML";
constexpr std::string_view kXlinkNs = "http://www.w3.org/1999/xlink";

// Caps the text gathered from one element, so that entity references and
// huge documents cannot make a field grow without bound.
constexpr size_t kMaxFieldBytes = 8 << 20;
// Elements nested deeper are ignored by the recursive walkers.
constexpr int kMaxDepth = 256;
// Deeper documents go to libxml2, which stops at 256 levels.
constexpr int kMaxFastParseDepth = 200;

// ---------------------------------------------------------------------------
// libxml2 plumbing

struct XmlDocDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
struct XmlCtxtDeleter {
  void operator()(xmlParserCtxt* ctxt) const { xmlFreeParserCtxt(ctxt); }
};

// The first error reported while parsing, collected by OnXmlError.
struct ErrorCollector {
  std::string first;
};

void OnXmlError(void* data, xmlErrorPtr error) {
  auto* ctxt = static_cast<xmlParserCtxt*>(data);
  if (ctxt == nullptr || ctxt->_private == nullptr || error == nullptr) return;
  if (error->level < XML_ERR_ERROR) return;
  auto* collector = static_cast<ErrorCollector*>(ctxt->_private);
  if (!collector->first.empty()) return;
  std::string message = error->message != nullptr ? error->message : "unknown error";
  while (!message.empty() && std::isspace(static_cast<unsigned char>(message.back()))) {
    message.pop_back();
  }
  collector->first = "line " + std::to_string(error->line) + ": " + message;
}

std::string_view Str(const xmlChar* s) {
  return s != nullptr ? std::string_view(reinterpret_cast<const char*>(s)) : std::string_view();
}

std::string_view NsOf(const xml::Node* node) { return node->ns; }

std::string_view NameOf(const xml::Node* node) { return node->name; }

bool IsElement(const xml::Node* node) { return node != nullptr && node->IsElement(); }

bool Is(const xml::Node* node, std::string_view ns, std::string_view name) {
  return IsElement(node) && NsOf(node) == ns && NameOf(node) == name;
}

// RSS 0.9x/2.0 elements normally have no namespace, but some feeds put them
// in one of the historical RSS namespaces.
bool IsRssNs(std::string_view ns) {
  return ns.empty() || ns == kRss10Ns || ns == kRss090Ns || ns == "http://backend.userland.com/rss2" ||
         ns == "http://backend.userland.com/rss" || ns == "http://blogs.law.harvard.edu/tech/rss" ||
         ns == "http://purl.org/net/rss1.1#";
}

bool IsRss(const xml::Node* node, std::string_view name) {
  return IsElement(node) && IsRssNs(NsOf(node)) && NameOf(node) == name;
}

bool IsAtomNs(std::string_view ns) { return ns == kAtom10Ns || ns == kAtom03Ns; }

// The element children of a node, for range-based loops (which must not
// change the list of children while they run).
class ElementRange {
 public:
  class Iterator {
   public:
    explicit Iterator(xml::Node* node) : node_(Skip(node)) {}
    xml::Node* operator*() const { return node_; }
    Iterator& operator++() {
      node_ = Skip(node_->next);
      return *this;
    }
    bool operator!=(const Iterator& other) const { return node_ != other.node_; }

   private:
    static xml::Node* Skip(xml::Node* node) {
      while (node != nullptr && !IsElement(node)) node = node->next;
      return node;
    }
    xml::Node* node_;
  };

  explicit ElementRange(const xml::Node* node) : first_(node->first_child) {}
  Iterator begin() const { return Iterator(first_); }
  Iterator end() const { return Iterator(nullptr); }

 private:
  xml::Node* first_;
};

ElementRange ElementChildren(const xml::Node* node) { return ElementRange(node); }

std::string Attr(const xml::Node* node, std::string_view name) {
  const xml::Attribute* attr = node->FindAttribute({}, name);
  return attr != nullptr ? std::string(attr->value) : std::string();
}

std::string NsAttr(const xml::Node* node, std::string_view ns, std::string_view name) {
  const xml::Attribute* attr = node->FindAttribute(ns, name);
  return attr != nullptr ? std::string(attr->value) : std::string();
}

std::string Trim(std::string_view s) {
  size_t begin = 0;
  while (begin < s.size() && std::isspace(static_cast<unsigned char>(s[begin]))) ++begin;
  size_t end = s.size();
  while (end > begin && std::isspace(static_cast<unsigned char>(s[end - 1]))) --end;
  return std::string(s.substr(begin, end - begin));
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Decodes an HTML character reference name ("eacute"): HTML 4's table
// first, the one RSS and Atom documents were written against (HTML5 moved
// &lang; and &rang;), then the HTML parser's for newer names; returns "" if
// neither knows it.
std::string DecodeHtmlEntity(std::string_view name, std::unordered_map<std::string, std::string>* cache) {
  std::string key(name);
  if (auto it = cache->find(key); it != cache->end()) return it->second;
  if (int cp = fp::Html4Entity(key); cp >= 0) {
    std::string decoded;
    AppendUtf8(static_cast<char32_t>(cp), &decoded);
    cache->emplace(key, decoded);
    return decoded;
  }
  std::string reference = "&" + key + ";";
  std::string decoded = HtmlToText(reference);
  if (decoded == reference) decoded.clear();
  cache->emplace(key, decoded);
  return decoded;
}

void AppendBounded(std::string* out, std::string_view text) {
  if (out->size() >= kMaxFieldBytes) return;
  out->append(text.substr(0, kMaxFieldBytes - out->size()));
}

// Character data of `node`'s descendants.
void AppendText(const xml::Node* node, int depth, std::string* out) {
  if (depth > kMaxDepth) return;
  for (const xml::Node* child = node->first_child; child != nullptr; child = child->next) {
    if (out->size() >= kMaxFieldBytes) return;
    if (child->type == xml::NodeType::kText) {
      AppendBounded(out, child->text);
    } else if (child->IsElement()) {
      AppendText(child, depth + 1, out);
    }
  }
}

std::string TextOf(const xml::Node* node) {
  std::string out;
  if (node != nullptr) AppendText(node, 0, &out);
  return out;
}

// Serialises the children of `node` as markup: elements by local name (the
// prefix of an inline XHTML fragment means nothing to an HTML parser), text
// escaped.
void AppendMarkup(const xml::Node* node, int depth, std::string* out) {
  if (depth > kMaxDepth) return;
  for (const xml::Node* child = node->first_child; child != nullptr; child = child->next) {
    if (out->size() >= kMaxFieldBytes) return;
    if (child->type == xml::NodeType::kText) {
      AppendEscapedHtml(child->text, out);
    } else if (child->IsElement()) {
      out->push_back('<');
      out->append(child->name);
      bool xlink = false;
      for (const xml::Attribute* attr = child->attributes; attr != nullptr; attr = attr->next) {
        out->push_back(' ');
        if (attr->ns == kXlinkNs) {
          out->append("xlink:");
          xlink = true;
        }
        out->append(attr->name);
        out->append("=\"");
        AppendEscapedHtml(attr->value, out);
        out->push_back('"');
      }
      // SVG and MathML inside XHTML keep their namespace: HTML readers (and
      // sanitisers) tell them from HTML elements of the same name by it.
      if ((child->ns == kSvgNs || child->ns == kMathMlNs) && child->ns != node->ns) {
        out->append(" xmlns=\"");
        out->append(child->ns);
        out->push_back('"');
      }
      if (xlink) out->append(" xmlns:xlink=\"http://www.w3.org/1999/xlink\"");
      out->push_back('>');
      AppendMarkup(child, depth + 1, out);
      out->append("</");
      out->append(child->name);
      out->push_back('>');
    }
  }
}

void AppendMarkup(const xml::Node* node, std::string* out) { AppendMarkup(node, 0, out); }

bool HasElementChild(const xml::Node* node) {
  for (const xml::Node* child = node->first_child; child != nullptr; child = child->next) {
    if (IsElement(child)) return true;
  }
  return false;
}

// The HTML carried by an RSS-style element: escaped or CDATA markup is its
// text; inline (unescaped) markup is serialised.
std::string HtmlOf(const xml::Node* node) {
  if (node == nullptr) return "";
  if (HasElementChild(node)) {
    std::string out;
    AppendMarkup(node, &out);
    return out;
  }
  return TextOf(node);
}

// Plain text to HTML: blank lines separate paragraphs, single newlines become
// <br>.
std::string PlainToHtml(std::string_view text) {
  std::string out;
  std::string paragraph;
  auto flush = [&] {
    std::string trimmed = Trim(paragraph);
    if (!trimmed.empty()) {
      std::string escaped = EscapeHtml(trimmed);
      std::string with_breaks;
      for (char c : escaped) {
        if (c == '\n') {
          with_breaks += "<br>";
        } else if (c != '\r') {
          with_breaks += c;
        }
      }
      out += "<p>" + with_breaks + "</p>";
    }
    paragraph.clear();
  };
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    if (Trim(line).empty()) {
      flush();
    } else {
      if (!paragraph.empty()) paragraph += '\n';
      paragraph += line;
    }
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  flush();
  return out;
}

// Lenient like feed readers: characters outside the base64 alphabet
// (line breaks, spaces, stray or inner '=') are skipped, and a dangling last
// character, which carries fewer than 8 bits, is dropped; absl decodes the rest.
std::string DecodeBase64(std::string_view in) {
  std::string digits;
  digits.reserve(in.size());
  for (char c : in) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/') digits += c;
  }
  if (digits.size() % 4 == 1) digits.pop_back();
  std::string out;
  absl::Base64Unescape(digits, &out);
  return ToValidUtf8(out);
}

// The HTML of an Atom text construct or content element: type "text"
// (default), "html" or "xhtml" in Atom 1.0; a MIME type plus mode "xml",
// "escaped" or "base64" in Atom 0.3.
std::string AtomHtml(const xml::Node* node) {
  if (node == nullptr) return "";
  std::string type = Lower(Trim(Attr(node, "type")));
  std::string mode = Lower(Trim(Attr(node, "mode")));
  if (mode == "base64") {
    std::string decoded = DecodeBase64(TextOf(node));
    return type.find("html") != std::string::npos ? decoded : PlainToHtml(decoded);
  }
  if (type == "xhtml" || type == "application/xhtml+xml") {
    for (const xml::Node* child : ElementChildren(node)) {
      if (Is(child, kXhtmlNs, "div")) {
        std::string out;
        AppendMarkup(child, &out);
        return out;
      }
    }
    return HtmlOf(node);
  }
  if (type == "html" || type == "text/html" || mode == "escaped") return HtmlOf(node);
  if (HasElementChild(node)) return HtmlOf(node);  // Atom 0.3 mode="xml"
  return PlainToHtml(TextOf(node));
}

// Trims an RSS author: "jo@example.com (Jo Doe)" -> "Jo Doe".
std::string CleanAuthor(std::string_view raw) {
  std::string author = Trim(raw);
  size_t open = author.find('(');
  if (open != std::string::npos && author.back() == ')' &&
      author.substr(0, open).find('@') != std::string::npos) {
    std::string name = Trim(author.substr(open + 1, author.size() - open - 2));
    if (!name.empty()) return name;
  }
  return author;
}

void AddCategory(std::vector<std::string>* categories, std::string_view raw) {
  std::string category = Trim(HtmlToText(raw));
  if (category.empty()) return;
  if (std::find(categories->begin(), categories->end(), category) == categories->end()) {
    categories->push_back(category);
  }
}

// xml:lang in effect at `node`.
std::string LangOf(const xml::Node* node) {
  for (const xml::Node* cur = node; cur != nullptr; cur = cur->parent) {
    const xml::Attribute* lang = cur->FindAttribute(kXmlNs, "lang");
    if (lang != nullptr) return Trim(lang->value);
  }
  return "";
}

// Base URL in effect at `node`: its xml:base attributes (and those of its
// ancestors), applied on top of `default_base`.
std::string BaseFor(const xml::Node* node, const std::string& default_base) {
  std::vector<std::string> bases;
  int depth = 0;
  for (const xml::Node* n = node; IsElement(n) && depth <= kMaxDepth; n = n->parent, ++depth) {
    std::string base = NsAttr(n, kXmlNs, "base");
    if (!base.empty()) bases.push_back(Trim(base));
  }
  std::string out = default_base;
  for (auto it = bases.rbegin(); it != bases.rend(); ++it) {
    out = out.empty() ? *it : ResolveUrl(out, *it);
  }
  return out;
}

std::string Resolve(const std::string& base, std::string_view ref) {
  std::string trimmed = Trim(ref);
  if (trimmed.empty() || base.empty()) return trimmed;
  return ResolveUrl(base, trimmed);
}

// Item fields as read from the XML, before sanitising and resolving.
// What an item holds for the feed model (feed_model.h), gathered only on
// request. (A class of its own, not nested in RawItem: a nested class with
// default member initializers is not default-constructible for
// std::optional until the enclosing class is complete, and clang holds to
// that.)
struct RawItemDetails {
  const xml::Node* title_node = nullptr;
  std::vector<const xml::Node*> content_nodes;
  std::vector<const xml::Node*> link_nodes;  // Atom links, RSS links, enclosures
  std::vector<FeedPerson> people;
  std::vector<FeedCategory> tags;
  std::string published_raw;
  std::string updated_raw;
};

struct RawItem {
  const xml::Node* node = nullptr;
  const xml::Node* link_node = nullptr;  // where `link` came from, for xml:base
  std::string guid;
  std::string link;
  std::string title_html;
  bool has_title = false;
  std::vector<std::string> authors;
  const xml::Node* summary = nullptr;
  const xml::Node* content = nullptr;
  bool atom_summary = false;  // summary/content are Atom text constructs
  bool atom_content = false;
  std::vector<std::string> categories;
  int64_t published_ms = 0;
  int64_t updated_ms = 0;
  std::string language;
  // The model's details (feed_model.h), gathered only on request.
  std::optional<RawItemDetails> details;
};

// Records a date element's value: `*ms` and `*raw` (if not null) take it
// if no earlier element gave a date (`override`: if it parses, whatever came
// before).
void TakeDate(const xml::Node* node, bool override, int64_t* ms, std::string* raw) {
  if (*ms != 0 && !override) return;
  std::string text = Trim(TextOf(node));
  int64_t date = ParseFeedDate(text).value_or(0);
  if (raw != nullptr && (date != 0 || raw->empty())) *raw = std::move(text);
  if (date != 0) *ms = date;
}

// An RSS author or managingEditor: "jo@example.com (Jo Doe)",
// "Jo Doe <jo@example.com>", a bare address or a bare name.
FeedPerson RssPerson(std::string_view raw) {
  FeedPerson person;
  std::string text = Trim(raw);
  person.text = text;
  size_t open = text.find('(');
  size_t angle = text.find('<');
  if (open != std::string::npos && !text.empty() && text.back() == ')' &&
      text.substr(0, open).find('@') != std::string::npos) {
    person.email = Trim(text.substr(0, open));
    person.name = Trim(text.substr(open + 1, text.size() - open - 2));
  } else if (angle != std::string::npos && !text.empty() && text.back() == '>' &&
             text.find('@', angle) != std::string::npos) {
    person.name = Trim(text.substr(0, angle));
    person.email = Trim(text.substr(angle + 1, text.size() - angle - 2));
  } else if (text.find('@') != std::string::npos && text.find(' ') == std::string::npos) {
    person.email = text;
  } else {
    person.name = text;
  }
  return person;
}

FeedPerson AtomPerson(const xml::Node* node);

// The href of the preferred Atom link among `node`'s children: rel
// "alternate" (or no rel), preferring an HTML type.
const xml::Node* AtomAlternateLink(const xml::Node* node) {
  const xml::Node* best = nullptr;
  for (const xml::Node* child : ElementChildren(node)) {
    if (!IsAtomNs(NsOf(child)) || NameOf(child) != "link") continue;
    std::string rel = Lower(Trim(Attr(child, "rel")));
    if (!rel.empty() && rel != "alternate") continue;
    if (Trim(Attr(child, "href")).empty()) continue;
    std::string type = Lower(Attr(child, "type"));
    if (best == nullptr) best = child;
    if (type.empty() || type.find("html") != std::string::npos) {
      if (best != child && !Lower(Attr(best, "type")).empty() &&
          Lower(Attr(best, "type")).find("html") == std::string::npos) {
        best = child;
      }
    }
  }
  return best;
}

// AtomAlternateLink of an item, looked up when first needed.
class LazyAlternateLink {
 public:
  const xml::Node* Get(const xml::Node* item) {
    if (!known_) {
      link_ = AtomAlternateLink(item);
      known_ = true;
    }
    return link_;
  }

 private:
  const xml::Node* link_ = nullptr;
  bool known_ = false;
};

std::string AtomPersonName(const xml::Node* person) {
  for (const xml::Node* child : ElementChildren(person)) {
    if (IsAtomNs(NsOf(child)) && NameOf(child) == "name") return Trim(TextOf(child));
  }
  // Some feeds put the name directly in <author>.
  if (!HasElementChild(person)) return Trim(TextOf(person));
  return "";
}

FeedPerson AtomPerson(const xml::Node* node) {
  FeedPerson person;
  bool structured = false;
  for (const xml::Node* child : ElementChildren(node)) {
    if (!IsAtomNs(NsOf(child))) continue;
    structured = true;
    std::string_view name = NameOf(child);
    if (name == "name" && person.name.empty()) person.name = Trim(TextOf(child));
    if (name == "email" && person.email.empty()) person.email = Trim(TextOf(child));
    if ((name == "uri" || name == "url" || name == "homepage") && person.uri.empty()) {
      person.uri = Trim(TextOf(child));
    }
  }
  if (!structured && !HasElementChild(node)) person.name = Trim(TextOf(node));
  return person;
}

std::string TrimmedAttr(const xml::Node* node, std::string_view name) {
  const xml::Attribute* attr = node->FindAttribute({}, name);
  return attr != nullptr ? Trim(attr->value) : std::string();
}

// The xml:base and xml:lang in effect at an element, computed once for the
// element that owns it (an item, a channel) and reused for its children,
// which rarely carry their own.
struct Scope {
  const xml::Node* owner = nullptr;
  const std::string& default_base;  // what xml:base applies over; outlives the Scope
  std::string base;                 // BaseFor(owner, default_base)
  std::string language;             // LangOf(owner)

  Scope(const xml::Node* owner_node, const std::string& default_base_url)
      : owner(owner_node), default_base(default_base_url) {
    base = BaseFor(owner, default_base);
    language = LangOf(owner);
  }

  // BaseFor(node, default_base) for `node` at or below the owner.
  std::string BaseAt(const xml::Node* node) const {
    const xml::Node* n = node;
    bool own = false;
    for (; n != nullptr && n != owner; n = n->parent) {
      if (n->FindAttribute(kXmlNs, "base") != nullptr) own = true;
    }
    if (n == nullptr) return BaseFor(node, default_base);  // not below the owner
    if (!own) return base;
    std::vector<std::string> bases;
    for (n = node; n != owner; n = n->parent) {
      std::string b = NsAttr(n, kXmlNs, "base");
      if (!b.empty()) bases.push_back(Trim(b));
    }
    std::string out = base;
    for (auto it = bases.rbegin(); it != bases.rend(); ++it) {
      out = out.empty() ? *it : ResolveUrl(out, *it);
    }
    return out;
  }

  // LangOf(node) for `node` at or below the owner.
  std::string LanguageAt(const xml::Node* node) const {
    for (const xml::Node* n = node; n != nullptr; n = n->parent) {
      if (const xml::Attribute* lang = n->FindAttribute(kXmlNs, "lang"); lang != nullptr) {
        return Trim(lang->value);
      }
      if (n == owner) return language;
    }
    return "";
  }
};

// The model's view of a text element (feed_model.h): Atom text constructs
// and content by their type and mode, XHTML bodies as markup, RSS elements
// as the HTML they carry.
FeedText TextDetail(const xml::Node* node, const Scope& scope) {
  FeedText text;
  if (node == nullptr) return text;
  text.present = true;
  text.language = scope.LanguageAt(node);
  text.base = scope.BaseAt(node);
  // Unescaped markup inside a text element is XHTML, whatever the element
  // claims.
  const bool inline_markup = HasElementChild(node);
  if (!IsAtomNs(NsOf(node))) {
    text.type = NsOf(node) == kXhtmlNs || inline_markup ? "application/xhtml+xml" : "text/html";
    text.value = HtmlOf(node);
    return text;
  }
  std::string type = Lower(TrimmedAttr(node, "type"));
  std::string mode = Lower(TrimmedAttr(node, "mode"));
  text.src = TrimmedAttr(node, "src");
  if (type.empty() && node->FindAttribute({}, "type") != nullptr) {
    text.type = "";  // type="" says nothing, and the model keeps that
  } else if (type.empty() || type == "text") {
    text.type = "text/plain";
  } else if (type == "html") {
    text.type = "text/html";
  } else if (type == "xhtml") {
    text.type = "application/xhtml+xml";
  } else {
    text.type = type;
  }
  // Atom 1.0 carries any other media type Base64-encoded (RFC 4287 4.1.3.3).
  const bool binary = NsOf(node) == kAtom10Ns && type != "text" && type != "html" && type != "xhtml" &&
                      !type.empty() && type.rfind("text/", 0) != 0 && !absl::EndsWith(type, "+xml") &&
                      !absl::EndsWith(type, "/xml");
  if (mode == "base64" || binary) {
    text.value = DecodeBase64(TextOf(node));
  } else if (type == "xhtml" || (text.type == "application/xhtml+xml" && NsOf(node) == kAtom10Ns)) {
    // Atom 1.0's XHTML is wrapped in a <div> that is not part of the text.
    for (const xml::Node* child : ElementChildren(node)) {
      if (Is(child, kXhtmlNs, "div")) {
        AppendMarkup(child, &text.value);
        return text;
      }
    }
    text.value = HtmlOf(node);
  } else {
    text.value = HtmlOf(node);  // inline markup (Atom 0.3 mode="xml") is serialised
    if (inline_markup && !absl::EndsWith(text.type, "xml")) text.type = "application/xhtml+xml";
  }
  return text;
}

// An Atom link, RSS link or RSS enclosure as a FeedLink.
FeedLink LinkOf(const xml::Node* node, const Scope& scope) {
  FeedLink link;
  link.base = scope.BaseAt(node);
  if (IsAtomNs(NsOf(node))) {
    link.href = TrimmedAttr(node, "href");
    link.rel = TrimmedAttr(node, "rel");
    link.type = TrimmedAttr(node, "type");
    link.title = Attr(node, "title");
    link.hreflang = TrimmedAttr(node, "hreflang");
    link.length = TrimmedAttr(node, "length");
    if (node->FindAttribute({}, "href") == nullptr) link.href = Trim(TextOf(node));
  } else if (node->FindAttribute({}, "href") != nullptr) {
    // An RSS <link> written the Atom way.
    link.href = TrimmedAttr(node, "href");
    link.rel = TrimmedAttr(node, "rel");
    link.type = TrimmedAttr(node, "type");
    link.title = Attr(node, "title");
    link.length = TrimmedAttr(node, "length");
  } else if (NameOf(node) == "enclosure") {
    link.href = TrimmedAttr(node, "url");
    link.rel = "enclosure";
    link.type = TrimmedAttr(node, "type");
    link.length = TrimmedAttr(node, "length");
  } else {
    link.href = Trim(TextOf(node));
  }
  if (link.rel.empty()) link.rel = "alternate";
  return link;
}

void AddLinks(const std::vector<const xml::Node*>& nodes, const Scope& scope, std::vector<FeedLink>* links,
              std::vector<FeedEnclosure>* enclosures) {
  links->reserve(nodes.size());
  for (const xml::Node* node : nodes) {
    FeedLink link = LinkOf(node, scope);
    if (enclosures != nullptr && link.rel == "enclosure" && !link.href.empty()) {
      enclosures->push_back(FeedEnclosure{link.href, link.type, link.length});
    }
    links->push_back(std::move(link));
  }
}

// Reads the elements that RSS, RDF and Atom items share through modules
// (Dublin Core, content:encoded, xhtml:body, Atom inside RSS).
void ReadModuleElement(const xml::Node* child, RawItem* item) {
  std::string_view ns = NsOf(child);
  std::string_view name = NameOf(child);
  if (ns == kContentNs && name == "encoded") {
    if (item->content == nullptr) item->content = child;
    if (item->details) item->details->content_nodes.push_back(child);
  } else if (ns == kXhtmlNs && name == "body") {
    if (item->content == nullptr) item->content = child;
    if (item->details) item->details->content_nodes.push_back(child);
  } else if (ns == kDcNs) {
    if (name == "creator" || name == "author" || name == "contributor") {
      std::string author = Trim(TextOf(child));
      if (name != "contributor" || item->authors.empty()) {
        if (!author.empty()) item->authors.push_back(author);
      }
      if (item->details && name != "contributor" && !author.empty()) {
        item->details->people.push_back(FeedPerson{author, "", "", author});
      }
    } else if (name == "date") {
      // The pipeline's publication date, the model's modification date (as
      // Dublin Core defines dc:date: the date of an event in the life cycle).
      TakeDate(child, false, &item->published_ms, item->details ? &item->details->updated_raw : nullptr);
    } else if (name == "subject") {
      item->categories.push_back(TextOf(child));
      if (item->details) item->details->tags.push_back(FeedCategory{Trim(item->categories.back()), "", ""});
    } else if (name == "title") {
      if (!item->has_title) {
        item->title_html = HtmlOf(child);
        item->has_title = true;
        if (item->details) item->details->title_node = child;
      }
    } else if (name == "description") {
      if (item->summary == nullptr) item->summary = child;
    } else if (name == "language") {
      if (item->language.empty()) item->language = Trim(TextOf(child));
    } else if (name == "identifier") {
      if (item->guid.empty()) item->guid = Trim(TextOf(child));
    }
  } else if (ns == kDcTermsNs) {
    if (name == "modified")
      TakeDate(child, false, &item->updated_ms, item->details ? &item->details->updated_raw : nullptr);
    if (name == "issued" || name == "created") {
      TakeDate(child, false, &item->published_ms,
               item->details && name == "issued" ? &item->details->published_raw : nullptr);
    }
  }
}

void ReadAtomElement(const xml::Node* child, RawItem* item) {
  std::string_view name = NameOf(child);
  if (name == "id") {
    if (item->guid.empty()) item->guid = Trim(TextOf(child));
  } else if (name == "title") {
    if (!item->has_title) {
      item->title_html = AtomHtml(child);
      item->has_title = true;
      if (item->details) item->details->title_node = child;
    }
  } else if (name == "summary") {
    if (item->summary == nullptr) {
      item->summary = child;
      item->atom_summary = true;
    }
  } else if (name == "content") {
    if (item->content == nullptr && Trim(Attr(child, "src")).empty()) {
      item->content = child;
      item->atom_content = true;
    }
    if (item->details) item->details->content_nodes.push_back(child);
  } else if (name == "author") {
    std::string author = AtomPersonName(child);
    if (!author.empty()) item->authors.push_back(author);
    if (item->details) item->details->people.push_back(AtomPerson(child));
  } else if (name == "category") {
    std::string term = Attr(child, "term");
    if (Trim(term).empty()) term = Attr(child, "label");
    if (Trim(term).empty()) term = TextOf(child);
    if (item->details) {
      item->details->tags.push_back(
          FeedCategory{Trim(term), TrimmedAttr(child, "scheme"), TrimmedAttr(child, "label")});
    }
    item->categories.push_back(std::move(term));
  } else if (name == "published" || name == "issued" || name == "created") {
    // Atom 0.3's created stands in for the publication date; the model keeps
    // it apart (FeedItemDetails::created).
    TakeDate(child, false, &item->published_ms,
             item->details && name != "created" ? &item->details->published_raw : nullptr);
  } else if (name == "updated" || name == "modified") {
    TakeDate(child, false, &item->updated_ms, item->details ? &item->details->updated_raw : nullptr);
  }
}

RawItem ReadRssItem(const xml::Node* node, bool details) {
  RawItem item;
  item.node = node;
  if (details) item.details.emplace();
  LazyAlternateLink alternate;
  for (const xml::Node* child : ElementChildren(node)) {
    std::string_view ns = NsOf(child);
    std::string_view name = NameOf(child);
    if (IsRssNs(ns)) {
      if (name == "title") {
        if (!item.has_title) {
          item.title_html = HtmlOf(child);
          item.has_title = true;
          if (details) item.details->title_node = child;
        }
      } else if (name == "link") {
        if (item.link.empty()) {
          item.link = Trim(TextOf(child));
          item.link_node = child;
        }
        if (details) item.details->link_nodes.push_back(child);
      } else if (name == "enclosure") {
        if (details) item.details->link_nodes.push_back(child);
      } else if (name == "guid") {
        if (item.guid.empty()) {
          item.guid = Trim(TextOf(child));
        }
      } else if (name == "description") {
        if (item.summary == nullptr || !item.summary->ns.empty()) item.summary = child;
      } else if (name == "author") {
        std::string text = TextOf(child);
        std::string author = CleanAuthor(text);
        if (!author.empty()) {
          item.authors.insert(item.authors.begin(), author);
          if (details) item.details->people.push_back(RssPerson(text));
        }
      } else if (name == "category") {
        std::string text = TextOf(child);
        if (details) {
          item.details->tags.push_back(FeedCategory{Trim(text), TrimmedAttr(child, "domain"), ""});
        }
        item.categories.push_back(std::move(text));
      } else if (name == "pubDate") {
        TakeDate(child, true, &item.published_ms, details ? &item.details->published_raw : nullptr);
      }
    } else if (IsAtomNs(ns)) {
      if (name == "link") {
        if (item.link.empty() && child == alternate.Get(node)) {
          item.link = Trim(Attr(child, "href"));
          item.link_node = child;
        }
        if (details) item.details->link_nodes.push_back(child);
      } else {
        ReadAtomElement(child, &item);
      }
    } else {
      ReadModuleElement(child, &item);
    }
  }
  if (item.guid.empty()) item.guid = Trim(NsAttr(node, kRdfNs, "about"));
  if (item.link.empty() && node->FindAttribute({}, "href") != nullptr) {  // CDF
    item.link = Trim(Attr(node, "href"));
    item.link_node = node;
  }
  return item;
}

RawItem ReadAtomEntry(const xml::Node* node, bool details) {
  RawItem item;
  item.node = node;
  if (details) item.details.emplace();
  LazyAlternateLink alternate;
  for (const xml::Node* child : ElementChildren(node)) {
    if (IsAtomNs(NsOf(child))) {
      if (NameOf(child) == "link") {
        if (item.link.empty() && child == alternate.Get(node)) {
          item.link = Trim(Attr(child, "href"));
          item.link_node = child;
        }
        if (details) item.details->link_nodes.push_back(child);
      } else {
        ReadAtomElement(child, &item);
      }
    } else {
      ReadModuleElement(child, &item);
    }
  }
  return item;
}

std::string JoinAuthors(const std::vector<std::string>& authors) {
  std::string out;
  for (const std::string& author : authors) {
    if (author.empty() || out.find(author) != std::string::npos) continue;
    if (!out.empty()) out += ", ";
    out += author;
  }
  return out;
}

void ReadItemExtras(const xml::Node* node, const Scope& scope, FeedItemDetails* out);

FeedItem FinishItem(RawItem raw, const std::string& default_base, const std::string& base_url,
                    const std::string& feed_language, const std::string& feed_author) {
  FeedItem item;
  const Scope scope(raw.node, default_base);
  if (raw.details) {
    // The model's bases are xml:base over the document URL, not over the
    // feed's home page that the pipeline's links fall back to.
    const Scope model_scope(raw.node, base_url);
    RawItemDetails& in = *raw.details;
    FeedItemDetails& out = item.details.emplace();
    out.title = TextDetail(in.title_node, model_scope);
    out.summary = TextDetail(raw.summary, model_scope);
    out.contents.reserve(in.content_nodes.size());
    for (const xml::Node* node : in.content_nodes) {
      out.contents.push_back(TextDetail(node, model_scope));
    }
    AddLinks(in.link_nodes, model_scope, &out.links, &out.enclosures);
    out.authors = std::move(in.people);
    out.tags = std::move(in.tags);
    out.published = std::move(in.published_raw);
    out.updated = std::move(in.updated_raw);
    ReadItemExtras(raw.node, model_scope, &out);
  }
  if (!raw.link.empty()) {
    item.link = Resolve(scope.BaseAt(raw.link_node != nullptr ? raw.link_node : raw.node), raw.link);
  }
  // A guid that is a web address serves as the link (for RSS this is what
  // isPermaLink promises; Atom ids and non-permalink guids often are too).
  if (item.link.empty() && IsHttpUrl(raw.guid)) item.link = Trim(raw.guid);
  item.guid = !raw.guid.empty() ? raw.guid : item.link;
  item.title = HtmlToText(raw.title_html);
  item.author = JoinAuthors(raw.authors);
  if (item.author.empty()) item.author = feed_author;
  if (raw.summary != nullptr) {
    std::string html = raw.atom_summary ? AtomHtml(raw.summary) : HtmlOf(raw.summary);
    item.summary_html = SanitizeHtml(html, scope.BaseAt(raw.summary));
  }
  if (raw.content != nullptr) {
    std::string html = raw.atom_content ? AtomHtml(raw.content) : HtmlOf(raw.content);
    item.content_html = SanitizeHtml(html, scope.BaseAt(raw.content));
  }
  if (!item.content_html.empty()) item.text = HtmlToText(item.content_html);
  if (item.text.empty()) item.text = HtmlToText(item.summary_html);
  for (const std::string& category : raw.categories) AddCategory(&item.categories, category);
  item.published_ms = raw.published_ms;
  item.updated_ms = raw.updated_ms;
  item.language = scope.language;
  if (item.language.empty()) item.language = raw.language;
  if (item.language.empty()) item.language = feed_language;
  return item;
}

// Elements matching `match` anywhere below `node`, in document order. Used
// after recovery, which can leave an item nested inside its predecessor.
template <typename Match>
void CollectDescendants(const xml::Node* node, int depth, const Match& match,
                        std::vector<const xml::Node*>* out) {
  if (depth > kMaxDepth) return;
  for (const xml::Node* child : ElementChildren(node)) {
    if (match(child)) out->push_back(child);
    CollectDescendants(child, depth + 1, match, out);
  }
}

// ---------------------------------------------------------------------------
// The rest of the model (feed_model.h), read only with
// FeedParseOptions::details: one more walk over the children of the channel
// or item, for what the pipeline's loops above do not look at.

constexpr std::string_view kAdminNs = "http://webns.net/mvcb/";

bool IsRssOrAtomNs(std::string_view ns) { return IsRssNs(ns) || IsAtomNs(ns); }

FeedExtension ExtensionOf(const xml::Node* node, const Scope& scope, int depth) {
  FeedExtension ext;
  ext.ns = std::string(NsOf(node));
  ext.name = std::string(NameOf(node));
  ext.prefix = std::string(node->prefix);
  for (const xml::Attribute* attr = node->attributes; attr != nullptr; attr = attr->next) {
    if (attr->ns == kXmlNs) continue;
    ext.attributes.push_back(
        FeedAttribute{std::string(attr->ns), std::string(attr->name), std::string(attr->value)});
  }
  // libxml2's attribute lists run in document order; the builder's in
  // reverse for DTD defaults only, which no feed relies on.
  ext.value = TextOf(node);
  ext.language = scope.LanguageAt(node);
  ext.base = scope.BaseAt(node);
  if (depth < 8) {
    for (const xml::Node* child : ElementChildren(node)) {
      ext.has_children = true;
      ext.children.push_back(ExtensionOf(child, scope, depth + 1));
    }
  }
  return ext;
}

FeedPerson TextPerson(const xml::Node* node) { return RssPerson(TextOf(node)); }

// An Atom person construct (author, contributor) of any namespace-less or
// Atom feed, or a single-string person.
FeedPerson AnyPerson(const xml::Node* node) {
  if (HasElementChild(node)) return AtomPerson(node);
  return TextPerson(node);
}

void ReadGenerator(const xml::Node* node, FeedGenerator* generator) {
  generator->present = true;
  generator->has_attributes = node->attributes != nullptr;
  generator->name = Trim(TextOf(node));
  generator->href = TrimmedAttr(node, "uri");
  if (generator->href.empty()) generator->href = TrimmedAttr(node, "url");
  generator->version = Attr(node, "version");
}

void ReadFeedExtras(const xml::Node* node, const Scope& scope, FeedDetails* out);

// An Atom <source>: the feed an entry was copied from, read like a feed.
FeedDetails AtomSourceOf(const xml::Node* node, const Scope& scope) {
  FeedDetails source;
  source.base = scope.BaseAt(node);
  for (const xml::Node* child : ElementChildren(node)) {
    if (!IsAtomNs(NsOf(child))) continue;
    std::string_view name = NameOf(child);
    if (name == "title" && !source.title.present) source.title = TextDetail(child, scope);
    if ((name == "subtitle" || name == "tagline") && !source.subtitle.present) {
      source.subtitle = TextDetail(child, scope);
    }
    if (name == "author") source.authors.push_back(AtomPerson(child));
    if (name == "link") source.links.push_back(LinkOf(child, scope));
  }
  ReadFeedExtras(node, scope, &source);
  return source;
}

// CDF's HREF and LASTMOD attributes of a channel or item.
void ReadCdfAttributes(const xml::Node* node, const Scope& scope, std::vector<FeedLink>* links,
                       std::string* updated) {
  if (!node->ns.empty() || NameOf(node) == "rss") return;
  if (const xml::Attribute* href = node->FindAttribute({}, "href"); href != nullptr) {
    FeedLink link;
    link.href = Trim(href->value);
    link.rel = "alternate";
    link.base = scope.BaseAt(node);
    links->push_back(std::move(link));
  }
  if (const xml::Attribute* lastmod = node->FindAttribute({}, "lastmod"); lastmod != nullptr) {
    *updated = Trim(lastmod->value);
  }
}

// The item's elements that ReadRssItem / ReadAtomEntry leave to the model.
void ReadItemExtras(const xml::Node* node, const Scope& scope, FeedItemDetails* out) {
  bool seen_summary = false;
  size_t tags_seen = 0;
  out->base = scope.BaseAt(node);
  if (NameOf(node) == "item") ReadCdfAttributes(node, scope, &out->links, &out->updated);
  if (const xml::Attribute* about = node->FindAttribute(kRdfNs, "about"); about != nullptr) {
    out->id = Trim(about->value);
    out->has_id = true;
    out->id_is_about = true;
  }
  for (const xml::Node* child : ElementChildren(node)) {
    std::string_view ns = NsOf(child);
    std::string_view name = NameOf(child);
    if ((IsRssOrAtomNs(ns) && name == "category") || (ns == kDcNs && name == "subject")) {
      ++tags_seen;
    }
    if (IsRssNs(ns) && name == "tags") {
      // A comma-separated list of tags some RSS feeds write: the model's tags,
      // in document order among the categories.
      size_t at = std::min(tags_seen, out->tags.size());
      for (absl::string_view part : absl::StrSplit(TextOf(child), ',')) {
        std::string term = Trim(std::string_view(part.data(), part.size()));
        if (term.empty()) continue;
        out->tags.insert(out->tags.begin() + static_cast<std::ptrdiff_t>(at), FeedCategory{term, "", ""});
        ++at;
        ++tags_seen;
      }
      continue;
    }
    if (IsRssNs(ns) && name == "abstract") {  // CDF
      if (!out->summary.present) {
        out->summary = TextDetail(child, scope);
        out->summary.type = "text/plain";
      }
      continue;
    }
    if (IsRssNs(ns) && (name == "summary" || name == "description")) {
      // RSS has no <summary>, but feeds write one next to (or instead of)
      // <description>: the first of the two is the summary, the second
      // plain-text content.
      if (seen_summary) {
        FeedText content = TextDetail(child, scope);
        content.type = "text/plain";
        out->contents.push_back(std::move(content));
      } else if (name == "summary") {
        out->summary = TextDetail(child, scope);
        out->summary.type = "text/plain";
      }
      seen_summary = true;
      continue;
    }
    if (IsRssOrAtomNs(ns)) {
      if (IsAtomNs(ns) && (name == "updated" || name == "modified")) {
        out->updated = Trim(TextOf(child));  // the last one, as feed readers take it
        continue;
      }
      if (name == "title" || name == "link" || name == "enclosure" || name == "description" ||
          name == "author" || name == "category" || name == "pubDate" || name == "summary" ||
          name == "content" || name == "published" || name == "issued" || name == "updated" ||
          name == "modified") {
        continue;
      }
      if (name == "guid" || name == "id") {
        out->id = Trim(TextOf(child));
        out->has_id = true;
        const xml::Attribute* permalink = child->FindAttribute({}, "isPermaLink");
        out->id_is_permalink = permalink == nullptr || permalink->value == "true";
        out->id_is_about = false;
        continue;
      }
      if (name == "comments" && IsRssNs(ns)) {
        out->comments = Trim(TextOf(child));
        continue;
      }
      if (name == "rights" || name == "copyright") {
        out->rights = TextDetail(child, scope);
        continue;
      }
      if (name == "contributor") {
        out->contributors.push_back(AnyPerson(child));
        continue;
      }
      if (name == "source") {
        if (HasElementChild(child)) {
          out->source = AtomSourceOf(child, scope);
        } else {
          FeedDetails& source = out->source.emplace();
          source.title = TextDetail(child, scope);
          source.title.type = "text/plain";
          out->source_href = TrimmedAttr(child, "url");
          out->source_is_text = true;
        }
        continue;
      }
      if (name == "created") {
        out->created = Trim(TextOf(child));
        continue;
      }
      if (name == "expirationDate") {
        out->expired = Trim(TextOf(child));
        continue;
      }
    } else if (ns == kDcNs) {
      if (name == "creator" || name == "author" || name == "date" || name == "subject" || name == "title" ||
          name == "description") {
        continue;
      }
      if (name == "contributor") {
        out->contributors.push_back(TextPerson(child));
        continue;
      }
      if (name == "rights") {
        out->rights = TextDetail(child, scope);
        continue;
      }
    } else if (ns == kDcTermsNs) {
      if (name == "modified" || name == "issued") continue;
      if (name == "created") {
        out->created = Trim(TextOf(child));
        continue;
      }
    } else if ((ns == kContentNs && name == "encoded") || (ns == kXhtmlNs && name == "body")) {
      continue;
    }
    if (ns.empty() && (name == "body" || name == "fullitem")) {
      // Unqualified XHTML body and CDF's full item: the entry's content.
      FeedText content = TextDetail(child, scope);
      content.type = name == "body" ? "application/xhtml+xml" : "text/html";
      out->contents.push_back(std::move(content));
      continue;
    }
    out->extensions.push_back(ExtensionOf(child, scope, 0));
  }
}

// The channel's (or Atom feed's) elements that ParseRss / ParseAtom leave to
// the model. `node` is the channel, or for RSS 1.0 the rdf:RDF root, whose
// image and textinput are siblings of the channel.
void ReadFeedExtras(const xml::Node* node, const Scope& scope, FeedDetails* out) {
  if (out->base.empty()) out->base = scope.BaseAt(node);
  if (NameOf(node) == "channel") ReadCdfAttributes(node, scope, &out->links, &out->updated);
  for (const xml::Node* child : ElementChildren(node)) {
    std::string_view ns = NsOf(child);
    std::string_view name = NameOf(child);
    if (IsRssNs(ns) && name == "author") {
      out->authors.push_back(TextPerson(child));
      continue;
    }
    if (IsRssOrAtomNs(ns)) {
      if (name == "title" || name == "link" || name == "description" || name == "subtitle" ||
          name == "tagline" || name == "author" || name == "managingEditor" || name == "item" ||
          name == "entry" || name == "channel") {
        continue;
      }
      if (name == "language") {
        out->language_element = Trim(TextOf(child));
      } else if (name == "abstract") {  // CDF
        if (!out->subtitle.present) {
          out->subtitle = TextDetail(child, scope);
          out->subtitle.type = "text/plain";
        }
      } else if (name == "id") {
        out->id = Trim(TextOf(child));
        out->has_id = true;
      } else if (name == "copyright" || name == "rights") {
        out->rights = TextDetail(child, scope);
      } else if (name == "info") {
        out->info = TextDetail(child, scope);
      } else if (name == "generator") {
        ReadGenerator(child, &out->generator);
      } else if (name == "image") {
        out->image.present = true;
        for (const xml::Node* part : ElementChildren(child)) {
          std::string_view part_name = NameOf(part);
          if (part_name == "title") out->image.title = TextDetail(part, scope);
          if (part_name == "url") out->image.url = Trim(TextOf(part));
          if (part_name == "link") out->image.link = Trim(TextOf(part));
          if (part_name == "width") out->image.width = Trim(TextOf(part));
          if (part_name == "height") out->image.height = Trim(TextOf(part));
          if (part_name == "description") out->image.description = TextDetail(part, scope);
        }
      } else if (name == "textinput" || name == "textInput") {
        out->textinput.present = true;
        for (const xml::Node* part : ElementChildren(child)) {
          std::string_view part_name = NameOf(part);
          if (part_name == "title") out->textinput.title = TextDetail(part, scope);
          if (part_name == "description") out->textinput.description = TextDetail(part, scope);
          if (part_name == "name") out->textinput.name = Trim(TextOf(part));
          if (part_name == "link") out->textinput.link = Trim(TextOf(part));
        }
      } else if (name == "cloud") {
        out->has_cloud = true;
        for (const xml::Attribute* attr = child->attributes; attr != nullptr; attr = attr->next) {
          out->cloud.emplace_back(std::string(attr->name), std::string(attr->value));
        }
      } else if (name == "pubDate" || name == "published" || name == "issued") {
        out->published = Trim(TextOf(child));
      } else if (name == "lastBuildDate" || name == "updated" || name == "modified") {
        out->updated = Trim(TextOf(child));
      } else if (name == "category") {
        std::string term = Attr(child, "term");
        if (term.empty()) term = TextOf(child);
        out->tags.push_back(
            FeedCategory{Trim(term),
                         Trim(child->FindAttribute({}, "scheme") != nullptr ? Attr(child, "scheme")
                                                                            : Attr(child, "domain")),
                         TrimmedAttr(child, "label")});
      } else if (name == "contributor") {
        out->contributors.push_back(AnyPerson(child));
      } else if (name == "webMaster") {
        out->publisher = TextPerson(child);
        out->has_publisher = true;
      } else if (name == "docs") {
        out->docs = Trim(TextOf(child));
      } else if (name == "ttl") {
        out->ttl = Trim(TextOf(child));
      } else if (name == "icon") {
        out->icon = Trim(TextOf(child));
      } else if (name == "logo") {
        out->logo = Trim(TextOf(child));
      } else {
        out->extensions.push_back(ExtensionOf(child, scope, 0));
      }
      continue;
    }
    if (ns == kDcNs) {
      if (name == "title" || name == "description" || name == "creator" || name == "author") continue;
      if (name == "language") {
        out->language_element = Trim(TextOf(child));
        continue;
      }
      if (name == "date") {
        out->updated = Trim(TextOf(child));
        continue;
      }
      if (name == "subject") {
        out->tags.push_back(FeedCategory{Trim(TextOf(child)), "", ""});
        continue;
      }
      if (name == "publisher") {
        out->publisher = TextPerson(child);
        out->has_publisher = true;
        continue;
      }
      if (name == "contributor") {
        out->contributors.push_back(TextPerson(child));
        continue;
      }
      if (name == "rights") {
        out->rights = TextDetail(child, scope);
        continue;
      }
    } else if (ns == kDcTermsNs) {
      if (name == "modified") {
        out->updated = Trim(TextOf(child));
        continue;
      }
      if (name == "issued") {
        out->published = Trim(TextOf(child));
        continue;
      }
    } else if (ns == kAdminNs && name == "generatorAgent") {
      out->generator.present = true;
      out->generator.href = Trim(NsAttr(child, kRdfNs, "resource"));
      continue;
    }
    out->extensions.push_back(ExtensionOf(child, scope, 0));
  }
}

// The feedparser-style version name of a document: the format with the
// version its root element claims.
std::string VersionName(const xml::Node* root, const std::string& format) {
  std::string version = Trim(Attr(root, "version"));
  if (format == "cdf") return "cdf";
  if (format == "rss09x" || format == "rss20") {
    if (NameOf(root) == "RDF") return "rss090";
    if (NameOf(root) == "channel") return "rss";
    if (version == "0.91") return "rss091u";
    if (version == "0.92") return "rss092";
    if (version == "0.93") return "rss093";
    if (version == "0.94") return "rss094";
    if (version.rfind("2.", 0) == 0) return "rss20";
    return "rss";
  }
  if (format == "atom03" || format == "atom10") {
    if (NsOf(root) == kAtom10Ns) return "atom10";
    if (version == "0.1") return "atom01";
    if (version == "0.2") return "atom02";
    if (version == "0.3") return "atom03";
    return "atom";
  }
  return format;
}

absl::StatusOr<ParsedFeed> ParseRss(const xml::Node* root, std::string format, const std::string& base_url,
                                    bool recovered, bool details) {
  ParsedFeed feed;
  feed.format = std::move(format);
  const xml::Node* channel = nullptr;
  if (NameOf(root) == "channel") {
    channel = root;
  } else {
    for (const xml::Node* child : ElementChildren(root)) {
      if (IsRss(child, "channel")) {
        channel = child;
        break;
      }
    }
  }
  if (channel == nullptr) channel = root;

  const xml::Node* link_node = nullptr;
  std::string link;
  const xml::Node* atom_link = AtomAlternateLink(channel);
  std::string feed_author;
  const xml::Node* title_node = nullptr;
  const xml::Node* description_node = nullptr;
  std::vector<const xml::Node*> link_nodes;
  std::vector<FeedPerson> authors;
  for (const xml::Node* child : ElementChildren(channel)) {
    std::string_view ns = NsOf(child);
    std::string_view name = NameOf(child);
    if (IsRssNs(ns)) {
      if (name == "title" && feed.title.empty()) {
        feed.title = HtmlToText(HtmlOf(child));
        if (title_node == nullptr) title_node = child;
      } else if (name == "link" && link.empty()) {
        link = Trim(TextOf(child));
        link_node = child;
      } else if (name == "description" && feed.description.empty()) {
        feed.description = HtmlToText(HtmlOf(child));
        if (description_node == nullptr) description_node = child;
      } else if (name == "language" && feed.language.empty()) {
        feed.language = Trim(TextOf(child));
      } else if (name == "managingEditor" && feed_author.empty()) {
        feed_author = CleanAuthor(TextOf(child));
        if (details && !feed_author.empty()) authors.push_back(RssPerson(TextOf(child)));
      }
      if (details && name == "link") link_nodes.push_back(child);
    } else if (ns == kDcNs) {
      if (name == "language" && feed.language.empty()) feed.language = Trim(TextOf(child));
      if (name == "title" && feed.title.empty()) {
        feed.title = HtmlToText(HtmlOf(child));
        if (title_node == nullptr) title_node = child;
      }
      if (name == "description" && feed.description.empty()) {
        feed.description = HtmlToText(HtmlOf(child));
        if (description_node == nullptr) description_node = child;
      }
      if (details && (name == "creator" || name == "author")) {
        std::string author = Trim(TextOf(child));
        if (!author.empty()) authors.push_back(FeedPerson{author, "", "", author});
      }
    } else if (details && IsAtomNs(ns) && name == "link") {
      link_nodes.push_back(child);
    }
  }
  if (details) {
    const Scope scope(channel, base_url);
    FeedDetails& out = feed.details.emplace();
    out.title = TextDetail(title_node, scope);
    out.subtitle = TextDetail(description_node, scope);
    AddLinks(link_nodes, scope, &out.links, nullptr);
    out.authors = std::move(authors);
    // RSS 1.0 puts image and textinput next to the channel; what stands
    // next to an RSS 2.0 channel is outside the feed.
    if (channel != root && NameOf(root) == "RDF") ReadFeedExtras(root, scope, &out);
    ReadFeedExtras(channel, scope, &out);
    out.language = LangOf(channel);
  }
  if (link.empty() && atom_link != nullptr) {
    link = Trim(Attr(atom_link, "href"));
    link_node = atom_link;
  }
  if (link.empty() && feed.format == "cdf") {
    link = Trim(Attr(channel, "href"));
    link_node = channel;
  }
  if (!link.empty()) feed.link = Resolve(BaseFor(link_node, base_url), link);
  if (feed.language.empty()) feed.language = LangOf(channel);
  std::string default_base = IsHttpUrl(feed.link) ? feed.link : base_url;

  std::vector<const xml::Node*> item_nodes;
  auto is_item = [](const xml::Node* node) { return IsRss(node, "item"); };
  if (recovered) {
    CollectDescendants(root, 0, is_item, &item_nodes);
  } else {
    for (const xml::Node* child : ElementChildren(channel)) {
      if (is_item(child)) item_nodes.push_back(child);
    }
    if (channel != root) {
      for (const xml::Node* child : ElementChildren(root)) {
        if (is_item(child)) item_nodes.push_back(child);
      }
    }
  }
  feed.items.reserve(item_nodes.size());
  for (const xml::Node* node : item_nodes) {
    feed.items.push_back(FinishItem(ReadRssItem(node, details), default_base, base_url, feed.language, ""));
  }
  return feed;
}

absl::StatusOr<ParsedFeed> ParseAtom(const xml::Node* root, std::string format, const std::string& base_url,
                                     bool recovered, bool details) {
  ParsedFeed feed;
  feed.format = std::move(format);
  std::string feed_author;
  std::vector<const xml::Node*> link_nodes;
  // Only for the model fields; cheap when they are not wanted.
  const Scope scope(details ? root : nullptr, base_url);
  if (details) feed.details.emplace();
  for (const xml::Node* child : ElementChildren(root)) {
    if (!IsAtomNs(NsOf(child))) continue;
    std::string_view name = NameOf(child);
    if (name == "title" && feed.title.empty()) {
      feed.title = HtmlToText(AtomHtml(child));
      if (details && !feed.details->title.present) feed.details->title = TextDetail(child, scope);
    } else if ((name == "subtitle" || name == "tagline") && feed.description.empty()) {
      feed.description = HtmlToText(AtomHtml(child));
      if (details && !feed.details->subtitle.present) {
        feed.details->subtitle = TextDetail(child, scope);
      }
    } else if (name == "author" && feed_author.empty()) {
      feed_author = AtomPersonName(child);
    }
    if (details && name == "author") feed.details->authors.push_back(AtomPerson(child));
    if (details && name == "link") link_nodes.push_back(child);
  }
  if (details) {
    AddLinks(link_nodes, scope, &feed.details->links, nullptr);
    ReadFeedExtras(root, scope, &*feed.details);
    feed.details->language = LangOf(root);
  }
  if (const xml::Node* link = AtomAlternateLink(root); link != nullptr) {
    feed.link = Resolve(BaseFor(link, base_url), Attr(link, "href"));
  }
  feed.language = LangOf(root);
  std::string default_base = IsHttpUrl(feed.link) ? feed.link : base_url;
  std::vector<const xml::Node*> entry_nodes;
  // Atom 0.3 drafts and their readers also took <item> for an entry.
  auto is_entry = [](const xml::Node* node) {
    return IsAtomNs(NsOf(node)) && (NameOf(node) == "entry" || NameOf(node) == "item");
  };
  if (recovered) {
    CollectDescendants(root, 0, is_entry, &entry_nodes);
  } else {
    for (const xml::Node* child : ElementChildren(root)) {
      if (is_entry(child)) entry_nodes.push_back(child);
    }
  }
  feed.items.reserve(entry_nodes.size());
  for (const xml::Node* node : entry_nodes) {
    feed.items.push_back(
        FinishItem(ReadAtomEntry(node, details), default_base, base_url, feed.language, feed_author));
  }
  return feed;
}

// ---------------------------------------------------------------------------
// JSON Feed

std::string JsonString(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  if (it == object.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  return "";
}

std::string JsonAuthors(const nlohmann::json& object) {
  std::vector<std::string> names;
  if (!object.is_object()) return "";
  if (auto it = object.find("authors"); it != object.end() && it->is_array()) {
    for (const auto& author : *it) names.push_back(Trim(JsonString(author, "name")));
  }
  if (auto it = object.find("author"); it != object.end() && it->is_object()) {
    names.push_back(Trim(JsonString(*it, "name")));
  }
  return JoinAuthors(names);
}

absl::StatusOr<ParsedFeed> ParseJsonFeed(std::string_view bytes, const std::string& base_url) {
  nlohmann::json doc = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr,
                                             /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return absl::InvalidArgumentError("feed: not a feed: input starts like JSON but does not parse");
  }
  if (!doc.is_object()) {
    return absl::InvalidArgumentError("feed: not a feed: JSON document is not an object");
  }
  std::string version = JsonString(doc, "version");
  auto items_it = doc.find("items");
  bool has_items = items_it != doc.end() && items_it->is_array();
  if (version.find("jsonfeed.org/version/") == std::string::npos && !has_items) {
    return absl::InvalidArgumentError(
        "feed: not a feed: JSON object has neither a JSON Feed version nor items");
  }
  ParsedFeed feed;
  feed.format = "json";
  feed.title = HtmlToText(EscapeHtml(JsonString(doc, "title")));
  feed.link = Trim(JsonString(doc, "home_page_url"));
  if (!base_url.empty() && !feed.link.empty()) feed.link = ResolveUrl(base_url, feed.link);
  feed.description = HtmlToText(EscapeHtml(JsonString(doc, "description")));
  feed.language = Trim(JsonString(doc, "language"));
  std::string feed_author = JsonAuthors(doc);
  std::string default_base = IsHttpUrl(feed.link) ? feed.link : base_url;
  if (!has_items) return feed;
  for (const auto& entry : *items_it) {
    if (!entry.is_object()) continue;
    FeedItem item;
    item.guid = Trim(JsonString(entry, "id"));
    item.link = Resolve(default_base, JsonString(entry, "url"));
    if (item.link.empty()) item.link = Resolve(default_base, JsonString(entry, "external_url"));
    if (item.guid.empty()) item.guid = item.link;
    item.title = HtmlToText(EscapeHtml(JsonString(entry, "title")));
    item.author = JsonAuthors(entry);
    if (item.author.empty()) item.author = feed_author;
    std::string summary = JsonString(entry, "summary");
    if (!Trim(summary).empty()) item.summary_html = PlainToHtml(summary);
    item.content_html = SanitizeHtml(JsonString(entry, "content_html"), default_base);
    if (!item.content_html.empty()) item.text = HtmlToText(item.content_html);
    if (item.text.empty()) item.text = HtmlToText(PlainToHtml(JsonString(entry, "content_text")));
    if (item.text.empty()) item.text = HtmlToText(item.summary_html);
    if (auto tags = entry.find("tags"); tags != entry.end() && tags->is_array()) {
      for (const auto& tag : *tags) {
        if (tag.is_string()) AddCategory(&item.categories, EscapeHtml(tag.get<std::string>()));
      }
    }
    item.published_ms = ParseFeedDate(JsonString(entry, "date_published")).value_or(0);
    item.updated_ms = ParseFeedDate(JsonString(entry, "date_modified")).value_or(0);
    item.language = Trim(JsonString(entry, "language"));
    if (item.language.empty()) item.language = feed.language;
    feed.items.push_back(std::move(item));
  }
  return feed;
}

// ---------------------------------------------------------------------------
// Encoding

bool HasUnicodeSignature(std::string_view bytes) {
  if (bytes.size() < 2) return false;
  const auto byte = [&](size_t i) { return i < bytes.size() ? static_cast<unsigned char>(bytes[i]) : -1; };
  switch (byte(0)) {
    case 0xFE:
      return byte(1) == 0xFF;
    case 0xFF:
      return byte(1) == 0xFE;
    case 0x00:
      return (byte(1) == 0x00 && byte(2) == 0xFE && byte(3) == 0xFF) ||
             (byte(1) == '<' && byte(2) == 0x00 && byte(3) == '?') ||
             (byte(1) == 0x00 && byte(2) == 0x00 && byte(3) == '<');
    case '<':
      return (byte(1) == 0x00 && byte(2) == '?' && byte(3) == 0x00) ||
             (byte(1) == 0x00 && byte(2) == 0x00 && byte(3) == 0x00);
    case 0x4C:  // EBCDIC "<?xm"
      return byte(1) == 0x6F && byte(2) == 0xA7 && byte(3) == 0x94;
    default:
      return false;
  }
}

// Bytes handed to libxml2 after charset handling.
struct PreparedInput {
  std::string converted;  // used when non-empty
  bool is_utf8 = false;   // converted is UTF-8 and the declaration must be ignored
  std::string problem;    // why the bytes were not valid as declared
  // The encoding the bytes are read in, lower-case ("" when libxml2 decides,
  // for UTF-16 and EBCDIC documents with a signature).
  std::string encoding;
};

PreparedInput PrepareInput(std::string_view bytes) {
  PreparedInput input;
  // libxml2 detects UTF-16 and EBCDIC itself but has no UTF-32 decoder.
  std::string_view utf32;
  if (bytes.substr(0, 4) == std::string_view("\xFF\xFE\x00\x00", 4) ||
      bytes.substr(0, 4) == std::string_view("<\x00\x00\x00", 4)) {
    utf32 = "UTF-32LE";
  } else if (bytes.substr(0, 4) == std::string_view("\x00\x00\xFE\xFF", 4) ||
             bytes.substr(0, 4) == std::string_view("\x00\x00\x00<", 4)) {
    utf32 = "UTF-32BE";
  }
  if (!utf32.empty()) {
    input.encoding = absl::AsciiStrToLower(std::string(utf32));
    absl::StatusOr<std::string> converted = ConvertToUtf8(bytes, utf32);
    if (converted.ok()) {
      input.converted = *std::move(converted);
      input.is_utf8 = true;
    }
    return input;
  }
  if (HasUnicodeSignature(bytes)) {
    if (bytes.substr(0, 2) == "\xFE\xFF" || bytes.substr(0, 2) == std::string_view("\x00<", 2)) {
      input.encoding = "utf-16be";
    } else if (bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == std::string_view("<\x00", 2)) {
      input.encoding = "utf-16le";
    }
    return input;
  }
  std::string declared = DeclaredXmlEncoding(bytes);
  input.encoding = declared.empty() ? "utf-8" : declared;
  if (declared == "utf-16" || declared == "utf-16le" || declared == "utf-16be" || declared == "utf-32" ||
      declared == "ucs-2" || declared == "ucs-4") {
    // An ASCII-compatible document that claims a 16/32-bit encoding.
    input.problem = "declared encoding " + declared + " does not match the bytes";
    declared.clear();
  }
  if (declared.empty() || declared == "utf-8" || declared == "utf8") {
    if (IsValidUtf8(bytes)) {
      if (!input.problem.empty()) {
        input.converted = std::string(bytes);
        input.is_utf8 = true;
      }
      return input;
    }
    // Not UTF-8: perhaps a legacy encoding nobody declared (or declared
    // wrongly) that the bytes themselves give away.
    if (std::optional<std::string> detected = DetectCharset(bytes)) {
      absl::StatusOr<std::string> converted = ConvertToUtf8(bytes, *detected);
      if (converted.ok()) {
        input.converted = *std::move(converted);
        input.problem = "document is not valid UTF-8; decoded as " + *detected + " (detected)";
        input.encoding = absl::AsciiStrToLower(*detected);
        input.is_utf8 = true;
        return input;
      }
    }
    if (declared.empty()) {
      absl::StatusOr<std::string> latin = ConvertToUtf8(bytes, "windows-1252");
      input.converted = latin.ok() ? *std::move(latin) : ToValidUtf8(bytes);
      input.problem = "document is not valid UTF-8; decoded as windows-1252";
      input.encoding = "windows-1252";
    } else {
      input.converted = ToValidUtf8(bytes);
      input.problem = "document is not valid UTF-8; invalid bytes replaced";
    }
    input.is_utf8 = true;
    return input;
  }
  std::string charset = declared;
  bool latin1 = false;
  if (charset == "iso-8859-1" || charset == "latin1" || charset == "latin-1" || charset == "us-ascii" ||
      charset == "ascii" || charset == "iso8859-1") {
    charset = "windows-1252";  // what browsers and feed readers do
    latin1 = true;
  }
  bool had_errors = false;
  absl::StatusOr<std::string> converted = ConvertToUtf8(bytes, charset, &had_errors);
  // Bytes that are not valid in the declared charset (windows-1252 standing
  // in for Latin-1 leaves a few bytes undefined; those do not count): the
  // declaration is wrong, and the bytes may tell the real charset.
  if (converted.ok() && had_errors && !latin1) {
    std::optional<std::string> detected = DetectCharset(bytes);
    absl::StatusOr<std::string> redecoded = absl::NotFoundError("no charset detected");
    if (detected) redecoded = ConvertToUtf8(bytes, *detected);
    if (redecoded.ok()) {
      input.converted = *std::move(redecoded);
      input.problem = "document is not valid " + declared + "; decoded as " + *detected + " (detected)";
      input.encoding = absl::AsciiStrToLower(*detected);
    } else {
      input.converted = *std::move(converted);
      input.problem = "document is not valid " + declared + "; invalid bytes replaced";
    }
  } else if (converted.ok()) {
    input.converted = *std::move(converted);
  } else {
    input.converted = ToValidUtf8(bytes);
    input.problem = "unsupported encoding \"" + declared + "\"; read as UTF-8";
  }
  input.is_utf8 = true;
  return input;
}

bool IsNameStart(unsigned char c) { return std::isalpha(c) || c == '_' || c == ':' || c >= 0x80; }
bool IsNameChar(unsigned char c) { return IsNameStart(c) || std::isdigit(c) || c == '-' || c == '.'; }

// amp, lt, gt, quot or apos: the entities every XML parser knows.
bool IsPredefinedEntity(std::string_view name) {
  switch (name.size()) {
    case 2:
      return (name[0] == 'l' || name[0] == 'g') && name[1] == 't';
    case 3:
      return name == "amp";
    case 4:
      return name == "quot" || name == "apos";
    default:
      return false;
  }
}

// Names of the general entities declared in the document's internal subset.
std::vector<std::string> DeclaredEntities(std::string_view data) {
  std::vector<std::string> names;
  size_t pos = 0;
  while ((pos = data.find("<!ENTITY", pos)) != std::string_view::npos) {
    pos += 8;
    while (pos < data.size() && std::isspace(static_cast<unsigned char>(data[pos]))) ++pos;
    if (pos < data.size() && data[pos] == '%') continue;  // parameter entity
    size_t end = pos;
    while (end < data.size() && IsNameChar(static_cast<unsigned char>(data[end]))) ++end;
    if (end > pos) names.emplace_back(data.substr(pos, end - pos));
    pos = end;
  }
  return names;
}

// XML knows only five named entities, but feeds use HTML ones (&nbsp;,
// &eacute;) and bare ampersands ("AT&T"); libxml2's recovery drops both.
// Rewrites them before parsing: known HTML entities become numeric character
// references, anything else is escaped so its text survives. CDATA sections,
// comments and processing instructions are left alone. Returns "" if nothing
// needed rewriting; otherwise `problem` describes the first rewrite.
std::string RepairEntities(std::string_view data, std::string* problem) {
  constexpr size_t kNone = std::string_view::npos;
  size_t next_amp = data.find('&');
  if (next_amp == kNone) return "";
  std::vector<std::string> declared = DeclaredEntities(data);
  std::unordered_map<std::string, std::string> cache;
  std::string out;
  size_t copied = 0;  // data[copied, pos) is still to be appended to out
  auto note = [&](size_t pos, const std::string& what) {
    if (!problem->empty()) return;
    size_t line = 1 + static_cast<size_t>(std::count(data.begin(), data.begin() + pos, '\n'));
    *problem = "line " + std::to_string(line) + ": " + what;
  };
  // The scan visits only '<' (to skip CDATA sections, comments and
  // processing instructions) and '&'.
  size_t next_lt = data.find('<');
  while (next_amp != kNone) {
    if (next_lt < next_amp) {
      size_t pos = next_lt;
      std::string_view terminator;
      char after = pos + 1 < data.size() ? data[pos + 1] : '\0';
      if (after == '!' || after == '?') {
        std::string_view rest = data.substr(pos);
        if (rest.substr(0, 9) == "<![CDATA[") {
          terminator = "]]>";
        } else if (rest.substr(0, 4) == "<!--") {
          terminator = "-->";
        } else if (after == '?') {
          terminator = "?>";
        }
      }
      if (!terminator.empty()) {
        size_t end = data.find(terminator, pos + 2);
        pos = end == kNone ? data.size() : end + terminator.size();
      } else {
        ++pos;
      }
      next_lt = data.find('<', pos);
      if (next_amp < pos) next_amp = data.find('&', pos);
      continue;
    }
    size_t pos = next_amp;
    size_t name_start = pos + 1;
    size_t name_end = name_start;
    bool handled = false;
    if (name_end < data.size() && data[name_end] == '#') {
      ++name_end;
      while (name_end < data.size() && std::isalnum(static_cast<unsigned char>(data[name_end]))) {
        ++name_end;
      }
      if (name_end < data.size() && data[name_end] == ';' && name_end > name_start + 1) {
        pos = name_end + 1;  // numeric reference: libxml2 checks it
        handled = true;
      }
    } else if (name_end < data.size() && IsNameStart(static_cast<unsigned char>(data[name_end]))) {
      while (name_end < data.size() && IsNameChar(static_cast<unsigned char>(data[name_end]))) {
        ++name_end;
      }
      if (name_end < data.size() && data[name_end] == ';') {
        std::string_view name = data.substr(name_start, name_end - name_start);
        if (IsPredefinedEntity(name) || std::find(declared.begin(), declared.end(), name) != declared.end()) {
          pos = name_end + 1;
        } else {
          out.append(data.substr(copied, pos - copied));
          std::string decoded = DecodeHtmlEntity(name, &cache);
          if (decoded.empty()) {
            out += "&amp;";
            out += name;
            out += ';';
          } else {
            // Numeric references for each code point of the UTF-8 text.
            for (size_t i = 0; i < decoded.size();) {
              unsigned char lead = static_cast<unsigned char>(decoded[i]);
              size_t len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
              uint32_t cp = len == 1 ? lead : lead & (0xFF >> (len + 1));
              for (size_t k = 1; k < len && i + k < decoded.size(); ++k) {
                cp = (cp << 6) | (static_cast<unsigned char>(decoded[i + k]) & 0x3F);
              }
              out += "&#" + std::to_string(cp) + ";";
              i += len;
            }
          }
          note(pos, "undefined entity &" + std::string(name) + ";");
          pos = name_end + 1;
          copied = pos;
        }
        handled = true;
      }
    }
    if (!handled) {
      // A bare '&' that starts no reference.
      out.append(data.substr(copied, pos - copied));
      out += "&amp;";
      note(pos, "unescaped '&'");
      ++pos;
      copied = pos;
    }
    next_amp = data.find('&', pos);
    if (next_lt < pos) next_lt = data.find('<', pos);
  }
  if (copied == 0) return "";
  out.append(data.substr(copied));
  return out;
}

// Silences libxml2's generic error channel (used for encoding and I/O errors
// that bypass the parser context) on this thread while it is in scope;
// libxml2 keeps that handler per thread.
class GenericErrorSilencer {
 public:
  GenericErrorSilencer() : saved_(xmlGenericError), saved_context_(xmlGenericErrorContext) {
    xmlSetGenericErrorFunc(nullptr, &Ignore);
  }
  ~GenericErrorSilencer() { xmlSetGenericErrorFunc(saved_context_, saved_); }
  GenericErrorSilencer(const GenericErrorSilencer&) = delete;
  GenericErrorSilencer& operator=(const GenericErrorSilencer&) = delete;

 private:
  static void Ignore(void*, const char*, ...) {}
  xmlGenericErrorFunc saved_;
  void* saved_context_;
};

// A libxml2 parser context for one document. With `reuse`, it is the
// calling thread's cached context: creating and freeing a context costs
// about as much as parsing a small feed, and xmlCtxtReadMemory resets the
// context it is given before every document anyway. The cached context is
// only ever used with the same options. Its dictionary of names grows with
// every document, so it is replaced once that gets large.
class ParserLease {
 public:
  explicit ParserLease(bool reuse) : reuse_(reuse) {
    if (reuse_ && Cached() != nullptr && xmlDictSize(Cached()->dict) <= kMaxDictSize) {
      ctxt_ = std::move(Cached());
    } else {
      ctxt_.reset(xmlNewParserCtxt());
    }
  }
  ~ParserLease() {
    if (!reuse_ || ctxt_ == nullptr) return;
    xmlCtxtReset(ctxt_.get());  // drops the input, which holds a copy of the document
    Cached() = std::move(ctxt_);
  }
  ParserLease(const ParserLease&) = delete;
  ParserLease& operator=(const ParserLease&) = delete;

  xmlParserCtxt* get() const { return ctxt_.get(); }
  xmlParserCtxt* operator->() const { return ctxt_.get(); }
  // The context is in an unusual state: free it instead of caching it.
  void Discard() { reuse_ = false; }

 private:
  static constexpr int kMaxDictSize = 4096;
  static std::unique_ptr<xmlParserCtxt, XmlCtxtDeleter>& Cached() {
    thread_local std::unique_ptr<xmlParserCtxt, XmlCtxtDeleter> cached;
    return cached;
  }

  bool reuse_;
  std::unique_ptr<xmlParserCtxt, XmlCtxtDeleter> ctxt_;
};

// What xmlCtxtReadMemory does (without an encoding argument), except that
// the parser does not try to refill its input: libxml2 treats a memory
// input like a stream and, whenever it gets within a few hundred bytes of
// the end, asks for more, which on small feeds costs more than the parsing
// itself. Without a read callback those requests return at once. Refilling
// is needed only to convert from another encoding; if the document made
// libxml2 switch to one, returns nullptr and sets *converted (and the
// context must not be reused).
xmlDoc* ReadWithoutRefills(xmlParserCtxt* ctxt, std::string_view data, int options, bool* converted) {
  *converted = false;
  xmlCtxtReset(ctxt);
  xmlParserInputBuffer* buffer =
      xmlParserInputBufferCreateMem(data.data(), static_cast<int>(data.size()), XML_CHAR_ENCODING_NONE);
  if (buffer == nullptr) {
    *converted = true;  // let xmlCtxtReadMemory try
    return nullptr;
  }
  buffer->readcallback = nullptr;
  xmlParserInput* stream = xmlNewIOInputStream(ctxt, buffer, XML_CHAR_ENCODING_NONE);
  if (stream == nullptr) {
    xmlFreeParserInputBuffer(buffer);
    *converted = true;
    return nullptr;
  }
  inputPush(ctxt, stream);
  xmlCtxtUseOptions(ctxt, options);
  xmlParseDocument(ctxt);
  xmlDoc* doc = ctxt->myDoc;
  ctxt->myDoc = nullptr;
  if (doc != nullptr && !ctxt->wellFormed && !ctxt->recovery) {
    xmlFreeDoc(doc);
    doc = nullptr;
  }
  for (int i = 0; i < ctxt->inputNr; ++i) {
    const xmlParserInput* in = ctxt->inputTab[i];
    if (in != nullptr && in->buf != nullptr && in->buf->encoder != nullptr) *converted = true;
  }
  if (*converted && doc != nullptr) {
    xmlFreeDoc(doc);
    doc = nullptr;
  }
  return doc;
}

// Namespaces of Atom before 0.3 ("echo", "pie", "necho") and no namespace.
bool LooksLikeAtomDraft(std::string_view ns) {
  return ns.empty() || ns == "http://purl.org/pie/" || ns == "http://purl.org/echo/" ||
         ns.find("necho") != std::string_view::npos || ns.find("/atom") != std::string_view::npos;
}

// Moves every element of namespace `from` below `node` (inclusive) into `to`
// (empty: no namespace).
void AdoptNamespace(xml::Node* node, std::string_view from, std::string_view to, int depth) {
  if (depth > kMaxDepth) return;
  if (node->ns == from) node->ns = to;
  for (xml::Node* child = node->first_child; child != nullptr; child = child->next) {
    if (child->IsElement()) AdoptNamespace(child, from, to, depth + 1);
  }
}

// ---------------------------------------------------------------------------
// Copying libxml2's tree (documents the fast parser leaves to libxml2)

// Limits for expanding the document's own entity declarations, so that
// nested definitions ("billion laughs") stay cheap.
struct EntityBudget {
  size_t nodes_left = 1 << 20;
  size_t bytes_left = 4 * kMaxFieldBytes;
};

// Character data of libxml2 node `node`'s children. Internal entities
// declared in the document contribute their replacement text; external
// entities are never loaded and contribute nothing.
void AppendLibxmlText(const xmlNode* node, int depth, EntityBudget* budget, std::string* out) {
  if (depth > kMaxDepth) return;
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (out->size() >= kMaxFieldBytes || budget->nodes_left == 0) return;
    --budget->nodes_left;
    switch (child->type) {
      case XML_TEXT_NODE:
      case XML_CDATA_SECTION_NODE:
        AppendBounded(out, Str(child->content));
        break;
      case XML_ENTITY_REF_NODE: {
        const auto* entity = reinterpret_cast<const xmlEntity*>(child->children);
        if (entity == nullptr || entity->etype != XML_INTERNAL_GENERAL_ENTITY) break;
        if (entity->children != nullptr) {
          AppendLibxmlText(reinterpret_cast<const xmlNode*>(entity), depth + 1, budget, out);
        } else {
          AppendBounded(out, HtmlToText(Str(entity->content)));
        }
        break;
      }
      case XML_ELEMENT_NODE:
        AppendLibxmlText(child, depth + 1, budget, out);
        break;
      default:
        break;
    }
  }
}

// State of one copy: the target, the entity budget and the DTD's default
// attributes by element name.
struct CopyState {
  xml::Document* doc = nullptr;
  EntityBudget budget;
  std::unordered_map<std::string, std::vector<const xmlAttribute*>> defaults;
};

// The default attribute values a document's DTD declares, by element name
// (libxml2 leaves these out of the tree and supplies them only through its
// getters). Built once per document.
void CollectDtdDefaults(const xmlDoc* xdoc, CopyState* state) {
  for (const xmlDtd* dtd : {xdoc->intSubset, xdoc->extSubset}) {
    if (dtd == nullptr) continue;
    for (const xmlNode* decl = dtd->children; decl != nullptr; decl = decl->next) {
      if (decl->type != XML_ATTRIBUTE_DECL) continue;
      const auto* attr = reinterpret_cast<const xmlAttribute*>(decl);
      if (attr->defaultValue == nullptr || attr->elem == nullptr) continue;
      state->defaults[std::string(Str(attr->elem))].push_back(attr);
    }
  }
}

void AddDtdDefaults(const xmlNode* from, xml::Node* to, CopyState* state) {
  std::string qname = from->ns != nullptr && from->ns->prefix != nullptr
                          ? std::string(Str(from->ns->prefix)) + ":" + std::string(Str(from->name))
                          : std::string(Str(from->name));
  auto it = state->defaults.find(qname);
  if (it == state->defaults.end()) return;
  xml::Document* doc = state->doc;
  for (const xmlAttribute* attr : it->second) {
    std::string_view ns;
    if (attr->prefix != nullptr) {
      if (Str(attr->prefix) == "xml") {
        ns = kXmlNs;
      } else if (const xmlNs* bound = xmlSearchNs(from->doc, const_cast<xmlNode*>(from), attr->prefix);
                 bound != nullptr) {
        ns = doc->Store(Str(bound->href));
      } else {
        continue;
      }
    }
    if (to->FindAttribute(ns, Str(attr->name)) != nullptr) continue;
    xml::Attribute* copy = doc->NewAttribute();
    copy->ns = ns;
    copy->name = doc->Store(Str(attr->name));
    copy->value = doc->Store(Str(attr->defaultValue));
    copy->next = to->attributes;
    to->attributes = copy;
  }
}

// The value of an attribute whose children hold entity references: their
// replacement text, as libxml2's getters give it, within the document's
// entity budget.
void AppendAttributeText(const xmlDoc* xdoc, const xmlNode* list, int depth, EntityBudget* budget,
                         std::string* out) {
  if (depth > kMaxDepth) return;
  for (const xmlNode* node = list; node != nullptr; node = node->next) {
    if (budget->nodes_left == 0 || budget->bytes_left == 0 || out->size() >= kMaxFieldBytes) return;
    --budget->nodes_left;
    std::string_view text;
    if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
      text = Str(node->content);
    } else if (node->type == XML_ENTITY_REF_NODE) {
      const xmlEntity* entity = xmlGetDocEntity(xdoc, node->name);
      if (entity != nullptr) {
        AppendAttributeText(xdoc, entity->children, depth + 1, budget, out);
        continue;
      }
      text = Str(node->content);
    } else {
      continue;
    }
    text = text.substr(0, std::min(text.size(), budget->bytes_left));
    budget->bytes_left -= text.size();
    AppendBounded(out, text);
  }
}

void CopyElement(const xmlNode* from, xml::Node* to, int depth, CopyState* state) {
  xml::Document* doc = state->doc;
  EntityBudget* budget = &state->budget;
  to->type = xml::NodeType::kElement;
  if (from->ns != nullptr) {
    to->ns = doc->Store(Str(from->ns->href));
    if (from->ns->prefix != nullptr) to->prefix = doc->Store(Str(from->ns->prefix));
  }
  to->name = doc->Store(Str(from->name));
  for (const xmlNs* decl = from->nsDef; decl != nullptr; decl = decl->next) {
    if (decl->href == nullptr) continue;
    doc->AddNamespaceDeclaration(decl->prefix != nullptr ? doc->Store(Str(decl->prefix)) : std::string_view(),
                                 doc->Store(Str(decl->href)));
  }
  xml::Attribute* last = nullptr;
  for (const xmlAttr* attr = from->properties; attr != nullptr; attr = attr->next) {
    xml::Attribute* copy = doc->NewAttribute();
    if (attr->ns != nullptr) copy->ns = doc->Store(Str(attr->ns->href));
    copy->name = doc->Store(Str(attr->name));
    const xmlNode* children = attr->children;
    if (children == nullptr) {
      copy->value = {};
    } else if (children->next == nullptr && children->type == XML_TEXT_NODE) {
      copy->value = doc->Store(Str(children->content));
    } else {
      std::string value;
      AppendAttributeText(from->doc, children, 0, budget, &value);
      copy->value = doc->Store(value);
    }
    (last == nullptr ? to->attributes : last->next) = copy;
    last = copy;
  }
  if (!state->defaults.empty()) AddDtdDefaults(from, to, state);
  if (depth > kMaxDepth) return;
  auto add = [&](xml::NodeType type, std::string_view text) {
    xml::Node* node = doc->NewNode();
    node->type = type;
    node->text = doc->Store(text);
    xml::Document::AppendChild(to, node);
  };
  for (const xmlNode* child = from->children; child != nullptr; child = child->next) {
    switch (child->type) {
      case XML_TEXT_NODE:
      case XML_CDATA_SECTION_NODE:
        add(xml::NodeType::kText, Str(child->content));
        break;
      case XML_ENTITY_REF_NODE: {
        if (budget->nodes_left == 0 || budget->bytes_left == 0) break;
        --budget->nodes_left;
        std::string text;
        const auto* entity = reinterpret_cast<const xmlEntity*>(child->children);
        if (entity != nullptr && entity->etype == XML_INTERNAL_GENERAL_ENTITY) {
          if (entity->children != nullptr) {
            AppendLibxmlText(reinterpret_cast<const xmlNode*>(entity), depth + 1, budget, &text);
          } else {
            text = HtmlToText(Str(entity->content));
          }
        }
        if (text.size() > budget->bytes_left) text.resize(budget->bytes_left);
        budget->bytes_left -= text.size();
        if (!text.empty()) add(xml::NodeType::kText, text);
        break;
      }
      case XML_COMMENT_NODE:
        add(xml::NodeType::kComment, Str(child->content));
        break;
      case XML_ELEMENT_NODE: {
        xml::Node* node = doc->NewNode();
        xml::Document::AppendChild(to, node);
        CopyElement(child, node, depth + 1, state);
        break;
      }
      default:
        break;
    }
  }
}

xml::Document CopyLibxmlTree(const xmlNode* root) {
  xml::Document doc;
  CopyState state;
  state.doc = &doc;
  if (root->doc != nullptr) CollectDtdDefaults(root->doc, &state);
  xml::Node* node = doc.NewNode();
  doc.set_root(node);
  CopyElement(root, node, 0, &state);
  return doc;
}

std::string RootDescription(const xml::Node* root) {
  std::string name(NameOf(root));
  std::string ns(NsOf(root));
  return "<" + name + ">" + (ns.empty() ? "" : " in namespace " + ns);
}

// Parses `data` with libxml2, recovering what it can, and copies the tree
// into *tree (left empty if there is no root element).
absl::Status ParseWithLibxml(std::string_view data, bool is_utf8, std::optional<xml::Document>* tree,
                             ErrorCollector* errors, bool* well_formed, bool* ns_well_formed) {
  GenericErrorSilencer silencer;
  int options =
      XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
  if (is_utf8) options |= XML_PARSE_IGNORE_ENC;
  std::unique_ptr<xmlDoc, XmlDocDeleter> doc;
  // Input that libxml2 reads as UTF-8 without converting it goes through
  // ReadWithoutRefills; anything else, or a document whose declaration makes
  // libxml2 switch encodings after all, through xmlCtxtReadMemory.
  bool no_refills = !is_utf8 && !HasUnicodeSignature(data);
  for (int attempt = 0; attempt < 2; ++attempt) {
    ParserLease ctxt(/*reuse=*/no_refills);
    if (ctxt.get() == nullptr) {
      return absl::ResourceExhaustedError("feed: cannot allocate XML parser");
    }
    *errors = ErrorCollector();
    ctxt->_private = errors;
    ctxt->sax->serror = &OnXmlError;
    if (no_refills) {
      bool converted = false;
      doc.reset(ReadWithoutRefills(ctxt.get(), data, options, &converted));
      if (converted) {
        doc.reset();
        ctxt.Discard();
        no_refills = false;
        continue;
      }
    } else {
      doc.reset(xmlCtxtReadMemory(ctxt.get(), data.data(), static_cast<int>(data.size()), nullptr,
                                  is_utf8 ? "UTF-8" : nullptr, options));
    }
    *well_formed = ctxt->wellFormed != 0;
    *ns_well_formed = ctxt->nsWellFormed != 0;
    if (errors->first.empty()) {
      const xmlError* last = xmlCtxtGetLastError(ctxt.get());
      if (last != nullptr && last->code != XML_ERR_OK && last->level >= XML_ERR_ERROR &&
          last->message != nullptr) {
        errors->first = "line " + std::to_string(last->line) + ": " + Trim(last->message);
      }
    }
    ctxt->_private = nullptr;
    break;
  }
  xmlNode* root = doc != nullptr ? xmlDocGetRootElement(doc.get()) : nullptr;
  if (root != nullptr) *tree = CopyLibxmlTree(root);
  return absl::OkStatus();
}

void LowerCaseNames(xml::Node* node, xml::Document* doc, int depth) {
  if (depth > kMaxDepth) return;
  node->name = doc->Store(absl::AsciiStrToLower(std::string(node->name)));
  for (const xml::Attribute* attr = node->attributes; attr != nullptr; attr = attr->next) {
    const_cast<xml::Attribute*>(attr)->name = doc->Store(absl::AsciiStrToLower(std::string(attr->name)));
  }
  for (xml::Node* child = node->first_child; child != nullptr; child = child->next) {
    if (child->IsElement()) LowerCaseNames(child, doc, depth + 1);
  }
}

absl::StatusOr<ParsedFeed> ParseXmlFeed(std::string_view bytes, const std::string& base_url,
                                        const FeedParseOptions& options) {
  const bool details = options.details;
  PreparedInput input;
  XmlEncodingProblem encoding_problem = XmlEncodingProblem::kNone;
  if (options.http) {
    XmlDecoding decoding = DecodeXmlBytes(bytes, *options.http);
    input.converted = std::move(decoding.utf8);
    input.is_utf8 = true;
    input.encoding = std::move(decoding.encoding);
    input.problem = std::move(decoding.message);
    encoding_problem = decoding.problem;
  } else {
    input = PrepareInput(bytes);
  }
  std::string_view data = input.converted.empty() ? bytes : std::string_view(input.converted);
  std::string entity_problem;
  std::string repaired;
  if (!HasUnicodeSignature(data)) repaired = RepairEntities(data, &entity_problem);
  if (!repaired.empty()) data = repaired;
  if (data.size() > static_cast<size_t>(INT_MAX)) {
    return absl::InvalidArgumentError("feed: input too large");
  }
  std::optional<xml::Document> tree;
  bool well_formed = true;
  bool ns_well_formed = true;
  ErrorCollector errors;
  // Well-formed UTF-8 without a DTD, which most feeds are, is read by the
  // fast parser; everything else by libxml2, whose tree is then copied.
  if (!HasUnicodeSignature(data)) {
    tree = xml::Document::ParseWellFormed(data, kMaxFastParseDepth,
                                          /*any_declared_encoding=*/input.is_utf8);
  }
  if (!tree) {
    absl::Status status = ParseWithLibxml(data, input.is_utf8, &tree, &errors, &well_formed, &ns_well_formed);
    if (!status.ok()) return status;
  }
  xml::Node* root = tree ? tree->root() : nullptr;
  if (root == nullptr) {
    return absl::InvalidArgumentError("feed: not a feed: input is neither XML nor JSON" +
                                      (errors.first.empty() ? "" : " (" + errors.first + ")"));
  }
  std::string_view ns = NsOf(root);
  std::string_view name = NameOf(root);
  const bool recovered = !well_formed;
  // Pre-standard Atom drafts and namespace-less <feed> documents are read as
  // Atom; <rss> in an unexpected namespace is read as plain RSS.
  if (name == "feed" && !IsAtomNs(ns) && LooksLikeAtomDraft(ns)) {
    AdoptNamespace(root, ns, Trim(Attr(root, "version")) == "0.3" ? kAtom03Ns : kAtom10Ns, 0);
    ns = NsOf(root);
  } else if (name == "rss" && !IsRssNs(ns)) {
    AdoptNamespace(root, ns, {}, 0);
    ns = NsOf(root);
  }
  absl::StatusOr<ParsedFeed> feed;
  if (name == "rss" && IsRssNs(ns)) {
    std::string version = Trim(Attr(root, "version"));
    feed = ParseRss(root, version.rfind("0.9", 0) == 0 ? "rss09x" : "rss20", base_url, recovered, details);
  } else if (name == "RDF" && (ns == kRdfNs || ns.empty())) {
    bool rss090 = false;
    for (const xml::Node* child : ElementChildren(root)) {
      if (NsOf(child) == kRss090Ns) rss090 = true;
    }
    feed = ParseRss(root, rss090 ? "rss09x" : "rss10", base_url, recovered, details);
  } else if (name == "channel" && IsRssNs(ns)) {
    feed = ParseRss(root, "rss09x", base_url, recovered, details);
  } else if (ns.empty() && absl::AsciiStrToLower(std::string(name)) == "channel") {
    // Microsoft's Channel Definition Format (<CHANNEL HREF LASTMOD>, <ITEM>,
    // <TITLE>, <ABSTRACT>): RSS's ancestor, read as RSS with its names
    // lower-cased.
    LowerCaseNames(root, &*tree, 0);
    feed = ParseRss(root, "cdf", base_url, recovered, details);
  } else if (name == "feed" && ns == kAtom10Ns) {
    feed = ParseAtom(root, "atom10", base_url, recovered, details);
  } else if (name == "feed" && ns == kAtom03Ns) {
    feed = ParseAtom(root, "atom03", base_url, recovered, details);
  } else {
    return absl::InvalidArgumentError("feed: not a feed: root element is " + RootDescription(root) +
                                      ", expected <rss>, <rdf:RDF> or Atom <feed>");
  }
  if (!feed.ok()) return feed;
  if (details && feed->details) {
    feed->details->version = VersionName(root, feed->format);
    // Netscape's RSS 0.91 is told from UserLand's by its DOCTYPE.
    if (feed->details->version == "rss091u") {
      std::string_view prolog = data.substr(0, std::min<size_t>(data.size(), 4096));
      size_t doctype = prolog.find("<!DOCTYPE");
      if (doctype != std::string_view::npos &&
          absl::AsciiStrToLower(std::string(prolog.substr(doctype, prolog.find('>', doctype) - doctype)))
                  .find("netscape") != std::string::npos) {
        feed->details->version = "rss091n";
      }
    }
    feed->details->encoding = input.encoding;
    feed->details->encoding_problem = encoding_problem;
    feed->details->xml_error = !well_formed || !ns_well_formed
                                   ? (errors.first.empty() ? "XML is not well-formed" : errors.first)
                                   : entity_problem;
    for (const auto& [prefix, uri] : tree->namespace_declarations()) {
      feed->details->namespaces.emplace_back(std::string(prefix), std::string(uri));
    }
  }
  if (!well_formed || !ns_well_formed) {
    feed->ill_formed = true;
    feed->ill_formed_reason = errors.first.empty() ? "XML is not well-formed" : errors.first;
  }
  if (!entity_problem.empty()) {
    feed->ill_formed = true;
    if (feed->ill_formed_reason.empty()) feed->ill_formed_reason = entity_problem;
  }
  if (!input.problem.empty()) {
    feed->ill_formed = true;
    if (feed->ill_formed_reason.empty()) {
      feed->ill_formed_reason = input.problem;
    } else {
      feed->ill_formed_reason = input.problem + "; " + feed->ill_formed_reason;
    }
  }
  return feed;
}

void MakeValidUtf8(std::string* s) {
  if (!IsValidUtf8(*s)) *s = ToValidUtf8(*s);
}

// The model fields: a text cut at kMaxFieldBytes can end inside a character.
void MakeDetailsValidUtf8(FeedText* text) {
  for (std::string* s : {&text->value, &text->type, &text->language, &text->base, &text->src}) {
    MakeValidUtf8(s);
  }
}
void MakeDetailsValidUtf8(std::vector<FeedLink>* links) {
  for (FeedLink& l : *links) {
    for (std::string* s : {&l.href, &l.rel, &l.type, &l.title, &l.hreflang, &l.length, &l.base}) {
      MakeValidUtf8(s);
    }
  }
}
void MakeDetailsValidUtf8(std::vector<FeedPerson>* people) {
  for (FeedPerson& p : *people) {
    for (std::string* s : {&p.name, &p.email, &p.uri, &p.text}) MakeValidUtf8(s);
  }
}
void MakeDetailsValidUtf8(std::vector<FeedCategory>* tags) {
  for (FeedCategory& c : *tags) {
    for (std::string* s : {&c.term, &c.scheme, &c.label}) MakeValidUtf8(s);
  }
}
void MakeDetailsValidUtf8(FeedExtension* ext) {
  for (std::string* s : {&ext->name, &ext->prefix, &ext->value, &ext->language, &ext->base}) {
    MakeValidUtf8(s);
  }
  for (FeedAttribute& attr : ext->attributes) {
    for (std::string* s : {&attr.name, &attr.value}) MakeValidUtf8(s);
  }
  for (FeedExtension& child : ext->children) MakeDetailsValidUtf8(&child);
}
// Every string of the model; those read with TextOf can be cut at
// kMaxFieldBytes inside a character.
void MakeDetailsValidUtf8(FeedDetails* d) {
  for (FeedText* text : {&d->title, &d->subtitle, &d->rights, &d->info, &d->image.title,
                         &d->image.description, &d->textinput.title, &d->textinput.description}) {
    MakeDetailsValidUtf8(text);
  }
  MakeDetailsValidUtf8(&d->links);
  MakeDetailsValidUtf8(&d->authors);
  MakeDetailsValidUtf8(&d->contributors);
  MakeDetailsValidUtf8(&d->tags);
  for (std::string* s : {&d->language_element,
                         &d->id,
                         &d->generator.name,
                         &d->generator.href,
                         &d->generator.version,
                         &d->image.url,
                         &d->image.link,
                         &d->image.width,
                         &d->image.height,
                         &d->textinput.name,
                         &d->textinput.link,
                         &d->published,
                         &d->updated,
                         &d->publisher.name,
                         &d->publisher.email,
                         &d->publisher.uri,
                         &d->publisher.text,
                         &d->docs,
                         &d->ttl,
                         &d->icon,
                         &d->logo}) {
    MakeValidUtf8(s);
  }
  for (auto& [k, v] : d->cloud) MakeValidUtf8(&v);
  for (FeedExtension& ext : d->extensions) MakeDetailsValidUtf8(&ext);
}
void MakeDetailsValidUtf8(ParsedFeed* feed) {
  if (feed->details) MakeDetailsValidUtf8(&*feed->details);
  for (FeedItem& item : feed->items) {
    if (!item.details) continue;
    FeedItemDetails& d = *item.details;
    MakeDetailsValidUtf8(&d.title);
    MakeDetailsValidUtf8(&d.summary);
    MakeDetailsValidUtf8(&d.rights);
    for (FeedText& text : d.contents) MakeDetailsValidUtf8(&text);
    MakeDetailsValidUtf8(&d.links);
    MakeDetailsValidUtf8(&d.authors);
    MakeDetailsValidUtf8(&d.contributors);
    for (FeedEnclosure& e : d.enclosures) {
      for (std::string* s : {&e.url, &e.type, &e.length}) MakeValidUtf8(s);
    }
    MakeDetailsValidUtf8(&d.tags);
    for (std::string* s :
         {&d.published, &d.updated, &d.created, &d.expired, &d.id, &d.comments, &d.source_href}) {
      MakeValidUtf8(s);
    }
    if (d.source) MakeDetailsValidUtf8(&*d.source);
    for (FeedExtension& ext : d.extensions) MakeDetailsValidUtf8(&ext);
  }
}

}  // namespace

absl::StatusOr<ParsedFeed> ParseFeed(std::string_view bytes, std::string_view base_url,
                                     const FeedParseOptions& options) {
  std::string base = Trim(base_url);
  size_t start = 0;
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") start = 3;
  while (start < bytes.size() && std::isspace(static_cast<unsigned char>(bytes[start]))) ++start;
  if (start == bytes.size()) return absl::InvalidArgumentError("feed: not a feed: input is empty");
  absl::StatusOr<ParsedFeed> feed =
      bytes[start] == '{' ? ParseJsonFeed(bytes.substr(start), base) : ParseXmlFeed(bytes, base, options);
  if (!feed.ok()) return feed;
  for (std::string* s :
       {&feed->title, &feed->link, &feed->description, &feed->language, &feed->ill_formed_reason}) {
    MakeValidUtf8(s);
  }
  if (options.details) MakeDetailsValidUtf8(&*feed);
  for (FeedItem& item : feed->items) {
    for (std::string* s : {&item.guid, &item.link, &item.title, &item.author, &item.summary_html,
                           &item.content_html, &item.text, &item.language}) {
      MakeValidUtf8(s);
    }
    for (std::string& category : item.categories) MakeValidUtf8(&category);
  }
  return feed;
}

nlohmann::json FeedToJson(const ParsedFeed& feed) {
  nlohmann::json items = nlohmann::json::array();
  auto date = [](int64_t ms) { return ms != 0 ? nlohmann::json(FormatRfc3339(ms)) : nullptr; };
  for (const FeedItem& item : feed.items) {
    items.push_back({{"guid", item.guid},
                     {"link", item.link},
                     {"title", item.title},
                     {"author", item.author},
                     {"published", date(item.published_ms)},
                     {"updated", date(item.updated_ms)},
                     {"categories", item.categories},
                     {"summary_html", item.summary_html},
                     {"content_html", item.content_html},
                     {"text", item.text},
                     {"language", item.language}});
  }
  return {{"format", feed.format},
          {"title", feed.title},
          {"link", feed.link},
          {"description", feed.description},
          {"language", feed.language},
          {"ill_formed", feed.ill_formed},
          {"ill_formed_reason", feed.ill_formed_reason},
          {"items", std::move(items)}};
}

}  // namespace newsflow::ingest

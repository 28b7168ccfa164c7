#include "services/ingest/feed/html_text.h"

#include <gumbo.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>
#include <string_view>

#include "services/ingest/feed/canonical_url.h"
#include "services/ingest/feed/html_node.h"

namespace newsflow::ingest {
namespace html {
namespace {

// Deeper subtrees are ignored: they only occur in hostile input and would
// otherwise exhaust the stack of the recursive walkers below.
constexpr int kMaxDepth = 256;

bool IsBlock(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_P:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_CENTER:
    case GUMBO_TAG_BODY:
    case GUMBO_TAG_HTML:
      return true;
    default:
      return false;
  }
}

// Collects text with collapsed whitespace and the strongest pending break
// between runs ("\n" for <br>, "\n\n" between blocks).
class TextBuilder {
 public:
  void Break(int newlines) { pending_break_ = std::max(pending_break_, newlines); }
  void Space() { pending_space_ = true; }

  void Append(std::string_view text, bool preformatted) {
    for (size_t i = 0; i < text.size(); ++i) {
      char c = text[i];
      bool nbsp = c == '\xC2' && i + 1 < text.size() && text[i + 1] == '\xA0';
      if (preformatted) {
        if (c == '\n') {
          Break(1);
        } else if (c == '\r') {
          continue;
        } else {
          Flush();
          out_ += c;
        }
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || nbsp) {
        pending_space_ = true;
        if (nbsp) ++i;
        continue;
      }
      Flush();
      out_ += c;
    }
  }

  std::string Finish() {
    while (!out_.empty() && (out_.back() == ' ' || out_.back() == '\n')) out_.pop_back();
    return std::move(out_);
  }

 private:
  void Flush() {
    if (!out_.empty()) {
      if (pending_break_ > 0) {
        while (!out_.empty() && out_.back() == ' ') out_.pop_back();
        // A break never adds to newlines already written (e.g. by <pre>).
        int existing = 0;
        for (size_t j = out_.size(); j > 0 && out_[j - 1] == '\n'; --j) ++existing;
        for (int k = existing; k < pending_break_; ++k) out_ += '\n';
      } else if (pending_space_ && out_.back() != ' ' && out_.back() != '\n') {
        out_ += ' ';
      }
    }
    pending_break_ = 0;
    pending_space_ = false;
  }

  std::string out_;
  int pending_break_ = 0;
  bool pending_space_ = false;
};

void AppendText(const GumboNode* node, int depth, bool preformatted, TextBuilder* out) {
  if (depth > kMaxDepth) return;
  switch (node->type) {
    case GUMBO_NODE_TEXT:
    case GUMBO_NODE_CDATA:
    case GUMBO_NODE_WHITESPACE:
      out->Append(node->v.text.text, preformatted);
      return;
    case GUMBO_NODE_DOCUMENT:
      for (unsigned i = 0; i < node->v.document.children.length; ++i) {
        AppendText(static_cast<const GumboNode*>(node->v.document.children.data[i]), depth + 1,
                   preformatted, out);
      }
      return;
    case GUMBO_NODE_ELEMENT:
    case GUMBO_NODE_TEMPLATE:
      break;
    default:
      return;
  }
  const GumboElement& element = node->v.element;
  GumboTag tag = element.tag;
  if (IsDroppedFromText(tag)) return;
  if (tag == GUMBO_TAG_BR) {
    out->Break(1);
    return;
  }
  if (tag == GUMBO_TAG_IMG) {
    out->Space();
    return;
  }
  bool block = IsBlock(tag);
  if (block) out->Break(2);
  if (tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH) out->Space();
  bool pre = preformatted || tag == GUMBO_TAG_PRE || tag == GUMBO_TAG_TEXTAREA;
  for (unsigned i = 0; i < element.children.length; ++i) {
    AppendText(static_cast<const GumboNode*>(element.children.data[i]), depth + 1, pre, out);
  }
  if (block) out->Break(2);
  if (tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH) out->Space();
}

// Elements removed with their whole content by SanitizeHtml.
bool IsDroppedFromHtml(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_EMBED:
    case GUMBO_TAG_APPLET:
    case GUMBO_TAG_FRAME:
    case GUMBO_TAG_FRAMESET:
    case GUMBO_TAG_NOFRAMES:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_NOEMBED:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_INPUT:
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_OPTION:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_TITLE:
    case GUMBO_TAG_META:
    case GUMBO_TAG_LINK:
    case GUMBO_TAG_BASE:
    case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_AUDIO:
    case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_SOURCE:
    case GUMBO_TAG_TRACK:
    case GUMBO_TAG_PARAM:
    case GUMBO_TAG_XMP:
    case GUMBO_TAG_PLAINTEXT:
      return true;
    default:
      return false;
  }
}

// Allowed attributes per allowed tag, as a space-separated list; nullptr
// for tags that are not allowed.
const char* AllowedAttributes(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_A:
      return " href title ";
    case GUMBO_TAG_IMG:
      return " src alt title width height ";
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_Q:
      return " cite ";
    case GUMBO_TAG_ABBR:
      return " title ";
    case GUMBO_TAG_OL:
      return " start ";
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
      return " colspan rowspan ";
    case GUMBO_TAG_P:
    case GUMBO_TAG_BR:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_EM:
    case GUMBO_TAG_STRONG:
    case GUMBO_TAG_B:
    case GUMBO_TAG_I:
    case GUMBO_TAG_U:
    case GUMBO_TAG_S:
    case GUMBO_TAG_SUB:
    case GUMBO_TAG_SUP:
    case GUMBO_TAG_SMALL:
    case GUMBO_TAG_MARK:
    case GUMBO_TAG_CITE:
    case GUMBO_TAG_DEL:
    case GUMBO_TAG_INS:
    case GUMBO_TAG_CODE:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TR:
      return " ";
    default:
      return nullptr;
  }
}

bool IsUrlAttribute(std::string_view name) {
  return name == "href" || name == "src" || name == "cite";
}

// True if `url` is relative or uses a scheme that cannot run code.
// Browsers ignore control characters and whitespace inside schemes
// ("java\tscript:"), so they are removed before the check.
bool IsSafeUrl(std::string_view url) {
  std::string compact;
  for (char c : url) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u > 0x20 && u != 0x7F) compact += static_cast<char>(std::tolower(u));
  }
  size_t end = compact.find_first_of(":/?#");
  if (end == std::string::npos || compact[end] != ':') return true;
  std::string scheme = compact.substr(0, end);
  return scheme == "http" || scheme == "https" || scheme == "mailto" || scheme == "ftp";
}

void AppendSanitized(const GumboNode* node, int depth, std::string_view base, std::string* out);

void AppendSanitizedChildren(const GumboVector& children, int depth, std::string_view base,
                             std::string* out) {
  for (unsigned i = 0; i < children.length; ++i) {
    AppendSanitized(static_cast<const GumboNode*>(children.data[i]), depth + 1, base, out);
  }
}

void AppendSanitized(const GumboNode* node, int depth, std::string_view base, std::string* out) {
  if (depth > kMaxDepth) return;
  switch (node->type) {
    case GUMBO_NODE_TEXT:
    case GUMBO_NODE_CDATA:
    case GUMBO_NODE_WHITESPACE:
      *out += EscapeHtml(node->v.text.text);
      return;
    case GUMBO_NODE_DOCUMENT:
      AppendSanitizedChildren(node->v.document.children, depth, base, out);
      return;
    case GUMBO_NODE_ELEMENT:
    case GUMBO_NODE_TEMPLATE:
      break;
    default:
      return;
  }
  const GumboElement& element = node->v.element;
  if (IsDroppedFromHtml(element.tag)) return;
  const char* allowed = element.tag_namespace == GUMBO_NAMESPACE_HTML
                            ? AllowedAttributes(element.tag)
                            : nullptr;
  if (allowed == nullptr) {
    AppendSanitizedChildren(element.children, depth, base, out);
    return;
  }
  std::string name = TagName(node);
  std::string attributes;
  bool has_src = false;
  for (unsigned i = 0; i < element.attributes.length; ++i) {
    const auto* attr = static_cast<const GumboAttribute*>(element.attributes.data[i]);
    std::string attr_name = attr->name;
    for (char& c : attr_name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (std::strstr(allowed, (" " + attr_name + " ").c_str()) == nullptr) continue;
    std::string value = attr->value;
    if (IsUrlAttribute(attr_name)) {
      if (!IsSafeUrl(value)) continue;
      std::string_view trimmed = value;
      while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front()))) {
        trimmed.remove_prefix(1);
      }
      while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back()))) {
        trimmed.remove_suffix(1);
      }
      if (trimmed.empty()) continue;
      value = base.empty() ? std::string(trimmed) : ResolveUrl(base, trimmed);
      if (!IsSafeUrl(value)) continue;
      if (attr_name == "src") has_src = true;
    }
    attributes += " " + attr_name + "=\"" + EscapeHtml(value) + "\"";
  }
  if (element.tag == GUMBO_TAG_IMG) {
    if (has_src) *out += "<img" + attributes + ">";
    return;
  }
  if (element.tag == GUMBO_TAG_BR || element.tag == GUMBO_TAG_HR) {
    *out += "<" + name + attributes + ">";
    return;
  }
  *out += "<" + name + attributes + ">";
  AppendSanitizedChildren(element.children, depth, base, out);
  *out += "</" + name + ">";
}

const GumboNode* FindChild(const GumboNode* node, GumboTag tag) {
  if (node == nullptr || node->type != GUMBO_NODE_ELEMENT) return nullptr;
  for (unsigned i = 0; i < node->v.element.children.length; ++i) {
    const auto* child = static_cast<const GumboNode*>(node->v.element.children.data[i]);
    if (IsElement(child, tag)) return child;
  }
  return nullptr;
}

// Gumbo's tree builder slows down quadratically with the depth of open
// elements (10,000 nested <div>s take seconds), so documents nested deeper
// than this are flattened first.
constexpr int kMaxOpenElements = 1500;

bool StartsWithTag(std::string_view s, std::string_view name) {
  if (s.size() < name.size()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != name[i]) return false;
  }
  return s.size() == name.size() || !std::isalnum(static_cast<unsigned char>(s[name.size()]));
}

// Elements that are void or whose end tag is implied by a sibling; they do
// not deepen the tree and are not counted.
bool IsFlatTag(std::string_view name_start) {
  static constexpr std::string_view kFlat[] = {
      "br", "img", "hr", "input", "meta", "link", "area", "base", "col", "embed", "param",
      "source", "track", "wbr", "p", "li", "td", "th", "tr", "dt", "dd", "option", "tbody",
      "thead", "tfoot", "colgroup", "a", "table"};
  for (std::string_view tag : kFlat) {
    if (StartsWithTag(name_start, tag)) return true;
  }
  return false;
}

// An upper estimate of the number of simultaneously open elements.
bool TooDeepForTree(std::string_view html) {
  int open = 0;
  for (size_t pos = html.find('<'); pos != std::string_view::npos; pos = html.find('<', pos + 1)) {
    if (pos + 1 >= html.size()) break;
    char next = html[pos + 1];
    if (next == '/') {
      open = std::max(0, open - 1);
    } else if (std::isalpha(static_cast<unsigned char>(next)) &&
               !IsFlatTag(html.substr(pos + 1))) {
      size_t end = html.find('>', pos);
      if (end != std::string_view::npos && html[end - 1] == '/') continue;
      if (++open > kMaxOpenElements) return true;
    }
  }
  return false;
}

// Reduces a document to a flat sequence of <p> elements: tags removed (block
// tags end a paragraph), the contents of script/style/template dropped, text
// and entities kept.
std::string FlattenHtml(std::string_view html) {
  static constexpr std::string_view kBlockTags[] = {
      "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote",
      "section", "article", "pre", "table", "ul", "ol"};
  static constexpr std::string_view kRawTags[] = {"script", "style", "template", "noscript",
                                                  "textarea", "xmp"};
  std::string out;
  std::string paragraph;
  auto flush = [&] {
    size_t begin = paragraph.find_first_not_of(" \t\r\n");
    if (begin != std::string::npos) {
      size_t end = paragraph.find_last_not_of(" \t\r\n");
      out += "<p>" + paragraph.substr(begin, end - begin + 1) + "</p>";
    }
    paragraph.clear();
  };
  size_t pos = 0;
  while (pos < html.size()) {
    char c = html[pos];
    if (c != '<') {
      paragraph += c;
      ++pos;
      continue;
    }
    size_t end = html.find('>', pos);
    if (end == std::string_view::npos) break;
    std::string_view name = html.substr(pos + 1, end - pos - 1);
    bool closing = !name.empty() && name[0] == '/';
    if (closing) name.remove_prefix(1);
    pos = end + 1;
    if (!closing) {
      bool raw = false;
      for (std::string_view tag : kRawTags) {
        if (StartsWithTag(name, tag)) {
          size_t close = pos;
          while ((close = html.find("</", close)) != std::string_view::npos &&
                 !StartsWithTag(html.substr(close + 2), tag)) {
            close += 2;
          }
          pos = close == std::string_view::npos ? html.size() : close;
          raw = true;
          break;
        }
      }
      if (raw) continue;
    }
    bool block = false;
    for (std::string_view tag : kBlockTags) block = block || StartsWithTag(name, tag);
    if (block) {
      flush();
    } else {
      paragraph += ' ';
    }
  }
  flush();
  return out;
}

}  // namespace

GumboDocument::GumboDocument(std::string_view html)
    : buffer_(TooDeepForTree(html) ? FlattenHtml(html) : std::string(html)) {
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;  // errors are not reported; don't collect them
  output_ = gumbo_parse_with_options(&options, buffer_.data(), buffer_.size());
}

GumboDocument::~GumboDocument() { gumbo_destroy_output(&kGumboDefaultOptions, output_); }

const GumboNode* GumboDocument::body() const {
  const GumboNode* body = FindChild(root(), GUMBO_TAG_BODY);
  return body != nullptr ? body : root();
}

std::string_view Attribute(const GumboNode* node, const char* name) {
  if (node == nullptr || node->type != GUMBO_NODE_ELEMENT) return {};
  const GumboAttribute* attr = gumbo_get_attribute(&node->v.element.attributes, name);
  return attr != nullptr ? std::string_view(attr->value) : std::string_view();
}

bool IsElement(const GumboNode* node, GumboTag tag) {
  return node != nullptr && node->type == GUMBO_NODE_ELEMENT && node->v.element.tag == tag;
}

std::string TagName(const GumboNode* node) {
  if (node == nullptr || (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE)) {
    return "";
  }
  const GumboElement& element = node->v.element;
  if (element.tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(element.tag);
  GumboStringPiece piece = element.original_tag;
  gumbo_tag_from_original_text(&piece);
  std::string name(piece.data != nullptr ? piece.data : "", piece.length);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

bool IsDroppedFromText(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_TITLE:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_EMBED:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_CANVAS:
      return true;
    default:
      return false;
  }
}

std::string NodeText(const GumboNode* node) {
  TextBuilder builder;
  AppendText(node, 0, false, &builder);
  return builder.Finish();
}

std::string SanitizeChildren(const GumboNode* node, std::string_view base_url) {
  std::string out;
  if (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE) {
    AppendSanitizedChildren(node->v.element.children, 0, base_url, &out);
  } else {
    AppendSanitized(node, 0, base_url, &out);
  }
  return out;
}

}  // namespace html

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string HtmlToText(std::string_view html) {
  if (html.find_first_of("<&") == std::string_view::npos) {
    // Plain text: only whitespace needs collapsing; skip the parser.
    html::TextBuilder builder;
    builder.Append(html, false);
    return builder.Finish();
  }
  html::GumboDocument doc(html);
  return html::NodeText(doc.root());
}

std::string SanitizeHtml(std::string_view html, std::string_view base_url) {
  if (html.empty()) return "";
  html::GumboDocument doc(html);
  std::string out = html::SanitizeChildren(doc.body(), base_url);
  // Leading/trailing whitespace between blocks carries no meaning.
  size_t begin = out.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  size_t end = out.find_last_not_of(" \t\r\n");
  return out.substr(begin, end - begin + 1);
}

}  // namespace newsflow::ingest

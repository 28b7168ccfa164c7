#include "services/ingest/feed/html_text.h"

#include <gumbo.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "services/ingest/feed/canonical_url.h"
#include "services/ingest/feed/html_node.h"
#include "services/ingest/feed/simple_html.h"

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
    const size_t n = text.size();
    if (preformatted) {
      for (size_t i = 0; i < n; ++i) {
        char c = text[i];
        if (c == '\n') {
          Break(1);
        } else if (c != '\r') {
          Flush();
          out_ += c;
        }
      }
      return;
    }
    size_t i = 0;
    while (i < n) {
      size_t space = SpaceLength(text, i);
      if (space > 0) {
        pending_space_ = true;
        i += space;
        continue;
      }
      size_t end = i + 1;
      while (end < n) {
        // Most bytes are neither ASCII whitespace nor the lead byte of a
        // no-break space.
        unsigned char c = static_cast<unsigned char>(text[end]);
        if ((c > ' ' && c != 0xC2) || SpaceLength(text, end) == 0) {
          ++end;
        } else {
          break;
        }
      }
      Flush();
      out_.append(text, i, end - i);
      i = end;
    }
  }

  std::string Finish() {
    while (!out_.empty() && (out_.back() == ' ' || out_.back() == '\n')) out_.pop_back();
    return std::move(out_);
  }

 private:
  // Length of the collapsible whitespace character at text[i] (ASCII
  // whitespace or a no-break space), or 0.
  static size_t SpaceLength(std::string_view text, size_t i) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') return 1;
    if (c == '\xC2' && i + 1 < text.size() && text[i + 1] == '\xA0') return 2;
    return 0;
  }

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
        AppendText(static_cast<const GumboNode*>(node->v.document.children.data[i]), depth + 1, preformatted,
                   out);
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

bool IsUrlAttribute(std::string_view name) { return name == "href" || name == "src" || name == "cite"; }

// True if `url` is relative or uses a scheme that cannot run code.
// Browsers ignore control characters and whitespace inside schemes
// ("java\tscript:"), so they are skipped before the check.
bool IsSafeUrl(std::string_view url) {
  char scheme[8];
  size_t length = 0;
  bool too_long = false;
  for (char c : url) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) continue;
    if (c == '/' || c == '?' || c == '#') return true;
    if (c == ':') {
      std::string_view name(scheme, length);
      return !too_long && (name == "http" || name == "https" || name == "mailto" || name == "ftp");
    }
    if (length < sizeof(scheme)) {
      scheme[length++] = static_cast<char>(std::tolower(u));
    } else {
      too_long = true;
    }
  }
  return true;
}

// True if `name` is one of the space-separated names in `allowed` (see
// AllowedAttributes).
bool IsAllowedAttribute(const char* allowed, std::string_view name) {
  if (name.empty()) return false;
  std::string_view list(allowed);
  for (size_t pos = list.find(name); pos != std::string_view::npos; pos = list.find(name, pos + 1)) {
    if (pos > 0 && list[pos - 1] == ' ' && pos + name.size() < list.size() &&
        list[pos + name.size()] == ' ') {
      return true;
    }
  }
  return false;
}

// Appends ` name="value"` to `attributes` if the attribute is allowed and,
// for a URL, safe; URLs are resolved against `base`. `name` is lower-case.
void AppendAllowedAttribute(const char* allowed, std::string_view name, std::string_view value,
                            std::string_view base, std::string* attributes, bool* has_src) {
  if (!IsAllowedAttribute(allowed, name)) return;
  std::string resolved;
  if (IsUrlAttribute(name)) {
    if (!IsSafeUrl(value)) return;
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) {
      value.remove_prefix(1);
    }
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) {
      value.remove_suffix(1);
    }
    if (value.empty()) return;
    if (!base.empty()) {
      resolved = ResolveUrl(base, value);
      value = resolved;
    }
    if (!IsSafeUrl(value)) return;
    if (name == "src") *has_src = true;
  }
  *attributes += ' ';
  attributes->append(name);
  *attributes += "=\"";
  AppendEscapedHtml(value, attributes);
  *attributes += '"';
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
      AppendEscapedHtml(node->v.text.text, out);
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
  const char* allowed =
      element.tag_namespace == GUMBO_NAMESPACE_HTML ? AllowedAttributes(element.tag) : nullptr;
  if (allowed == nullptr) {
    AppendSanitizedChildren(element.children, depth, base, out);
    return;
  }
  std::string name = TagName(node);
  std::string attributes;
  bool has_src = false;
  std::string attr_name;
  for (unsigned i = 0; i < element.attributes.length; ++i) {
    const auto* attr = static_cast<const GumboAttribute*>(element.attributes.data[i]);
    attr_name = attr->name;
    for (char& c : attr_name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    AppendAllowedAttribute(allowed, attr_name, attr->value, base, &attributes, &has_src);
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

// HtmlToText's walk, over the events of ParseSimpleHtml.
class TextSink : public SimpleHtmlSink {
 public:
  void StartElement(GumboTag tag, const SimpleAttribute*, int, bool is_void) override {
    if (dropped_ > 0 || IsDroppedFromText(tag)) {
      if (!is_void) ++dropped_;
      return;
    }
    if (tag == GUMBO_TAG_BR) {
      builder_.Break(1);
      return;
    }
    if (tag == GUMBO_TAG_IMG) {
      builder_.Space();
      return;
    }
    bool block = IsBlock(tag);
    if (block) builder_.Break(2);
    if (is_void) {
      if (block) builder_.Break(2);
      return;
    }
    if (tag == GUMBO_TAG_PRE) ++preformatted_;
  }

  void EndElement(GumboTag tag) override {
    if (dropped_ > 0) {
      --dropped_;
      return;
    }
    if (IsBlock(tag)) builder_.Break(2);
    if (tag == GUMBO_TAG_PRE) --preformatted_;
  }

  void Text(std::string_view text) override {
    if (dropped_ == 0) builder_.Append(text, preformatted_ > 0);
  }

  std::string Finish() { return builder_.Finish(); }

 private:
  TextBuilder builder_;
  int dropped_ = 0;  // open elements inside a dropped one, itself included
  int preformatted_ = 0;
};

// SanitizeHtml's walk, over the events of ParseSimpleHtml.
class SanitizeSink : public SimpleHtmlSink {
 public:
  explicit SanitizeSink(std::string_view base) : base_(base) {}

  void StartElement(GumboTag tag, const SimpleAttribute* attributes, int count, bool is_void) override {
    if (dropped_ > 0 || IsDroppedFromHtml(tag)) {
      if (!is_void) ++dropped_;
      return;
    }
    const char* allowed = AllowedAttributes(tag);
    if (allowed == nullptr) {
      if (!is_void) kept_.push_back(false);  // unwrapped
      return;
    }
    attributes_.clear();
    bool has_src = false;
    for (int i = 0; i < count; ++i) {
      AppendAllowedAttribute(allowed, attributes[i].name, attributes[i].value, base_, &attributes_, &has_src);
    }
    if (tag == GUMBO_TAG_IMG && !has_src) return;
    out_ += '<';
    out_ += gumbo_normalized_tagname(tag);
    out_ += attributes_;
    out_ += '>';
    if (!is_void) kept_.push_back(true);
  }

  void EndElement(GumboTag tag) override {
    if (dropped_ > 0) {
      --dropped_;
      return;
    }
    bool kept = kept_.back();
    kept_.pop_back();
    if (kept) {
      out_ += "</";
      out_ += gumbo_normalized_tagname(tag);
      out_ += '>';
    }
  }

  void Text(std::string_view text) override {
    if (dropped_ == 0) AppendEscapedHtml(text, &out_);
  }

  std::string& out() { return out_; }

 private:
  std::string_view base_;
  std::string out_;
  std::string attributes_;
  std::vector<bool> kept_;  // per open element: whether its tags are written
  int dropped_ = 0;
};

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
      "br",    "img",    "hr",    "input", "meta",  "link",     "area", "base", "col", "embed",
      "param", "source", "track", "wbr",   "p",     "li",       "td",   "th",   "tr",  "dt",
      "dd",    "option", "tbody", "thead", "tfoot", "colgroup", "a",    "table"};
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
    } else if (std::isalpha(static_cast<unsigned char>(next)) && !IsFlatTag(html.substr(pos + 1))) {
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
  static constexpr std::string_view kBlockTags[] = {"p",       "div",     "br",  "li",    "h1", "h2",
                                                    "h3",      "h4",      "h5",  "h6",    "tr", "blockquote",
                                                    "section", "article", "pre", "table", "ul", "ol"};
  static constexpr std::string_view kRawTags[] = {"script",   "style",    "template",
                                                  "noscript", "textarea", "xmp"};
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

std::string HtmlToTextWithTreeBuilder(std::string_view html) {
  GumboDocument doc(html);
  return NodeText(doc.root());
}

std::string SanitizeHtmlWithTreeBuilder(std::string_view html, std::string_view base_url) {
  GumboDocument doc(html);
  return SanitizeChildren(doc.body(), base_url);
}

}  // namespace html

namespace {

// True if the tree builder would see `html` flattened (see TooDeepForTree):
// then the simple parser must not be used. Counting '<' first keeps the
// common case cheap.
bool NeedsFlattening(std::string_view html) {
  return std::count(html.begin(), html.end(), '<') > html::kMaxOpenElements && html::TooDeepForTree(html);
}

bool IsHtmlSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string TrimHtmlSpace(std::string html) {
  size_t end = html.size();
  while (end > 0 && IsHtmlSpace(html[end - 1])) --end;
  size_t begin = 0;
  while (begin < end && IsHtmlSpace(html[begin])) ++begin;
  html.resize(end);
  html.erase(0, begin);
  return html;
}

}  // namespace

void AppendEscapedHtml(std::string_view text, std::string* out) {
  const size_t n = text.size();
  size_t copied = 0;
  for (size_t i = 0; i < n; ++i) {
    // '"', '&', '<' and '>' are the only bytes below '?' that need escaping.
    if (static_cast<unsigned char>(text[i]) > '>') continue;
    std::string_view replacement;
    switch (text[i]) {
      case '&':
        replacement = "&amp;";
        break;
      case '<':
        replacement = "&lt;";
        break;
      case '>':
        replacement = "&gt;";
        break;
      case '"':
        replacement = "&quot;";
        break;
      default:
        continue;
    }
    out->append(text.data() + copied, i - copied);
    out->append(replacement);
    copied = i + 1;
  }
  out->append(text.data() + copied, n - copied);
}

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendEscapedHtml(text, &out);
  return out;
}

std::string HtmlToText(std::string_view html) {
  if (html.find_first_of("<&") == std::string_view::npos) {
    // Plain text: only whitespace needs collapsing; skip the parser.
    html::TextBuilder builder;
    builder.Append(html, false);
    return builder.Finish();
  }
  if (!NeedsFlattening(html)) {
    html::TextSink sink;
    if (html::ParseSimpleHtml(html, &sink)) return sink.Finish();
  }
  return html::HtmlToTextWithTreeBuilder(html);
}

std::string SanitizeHtml(std::string_view html, std::string_view base_url) {
  if (html.empty()) return "";
  // Leading/trailing whitespace between blocks carries no meaning.
  if (!NeedsFlattening(html)) {
    html::SanitizeSink sink(base_url);
    if (html::ParseSimpleHtml(html, &sink)) return TrimHtmlSpace(std::move(sink.out()));
  }
  return TrimHtmlSpace(html::SanitizeHtmlWithTreeBuilder(html, base_url));
}

}  // namespace newsflow::ingest

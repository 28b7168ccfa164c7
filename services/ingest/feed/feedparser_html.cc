#include "services/ingest/feed/feedparser_html.h"

#include "common/util/utf8.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "re2/re2.h"
#include "services/ingest/feed/canonical_url.h"

namespace newsflow::ingest::fp {
namespace {

bool IsAlpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool IsHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

using Set = std::unordered_set<std::string_view>;

// Elements allowed in sanitised HTML.
const Set& AcceptableElements() {
  // clang-format off
  static const Set set = {
      "a", "abbr", "acronym", "address", "area", "article", "aside", "audio", "b", "big",
      "blockquote", "br", "button", "canvas", "caption", "center", "cite", "code", "col",
      "colgroup", "command", "datagrid", "datalist", "dd", "del", "details", "dfn", "dialog",
      "dir", "div", "dl", "dt", "em", "event-source", "fieldset", "figcaption", "figure", "font",
      "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img", "input",
      "ins", "kbd", "keygen", "label", "legend", "li", "m", "map", "menu", "meter", "multicol",
      "nav", "nextid", "noscript", "ol", "optgroup", "option", "output", "p", "pre", "progress",
      "q", "s", "samp", "section", "select", "small", "sound", "source", "spacer", "span",
      "strike", "strong", "sub", "sup", "table", "tbody", "td", "textarea", "tfoot", "th",
      "thead", "time", "tr", "tt", "u", "ul", "var", "video"};
  // clang-format on
  return set;
}

const Set& AcceptableAttributes() {
  // clang-format off
  static const Set set = {
      "abbr", "accept", "accept-charset", "accesskey", "action", "align", "alt", "autocomplete",
      "autofocus", "axis", "background", "balance", "bgcolor", "bgproperties", "border",
      "bordercolor", "bordercolordark", "bordercolorlight", "bottompadding", "cellpadding",
      "cellspacing", "ch", "challenge", "char", "charoff", "charset", "checked", "choff", "cite",
      "class", "clear", "color", "cols", "colspan", "compact", "contenteditable", "controls",
      "coords", "data", "datafld", "datapagesize", "datasrc", "datetime", "default", "delay",
      "dir", "disabled", "draggable", "dynsrc", "enctype", "end", "face", "for", "form", "frame",
      "galleryimg", "gutter", "headers", "height", "hidden", "hidefocus", "high", "href",
      "hreflang", "hspace", "icon", "id", "inputmode", "ismap", "keytype", "label", "lang",
      "leftspacing", "list", "longdesc", "loop", "loopcount", "loopend", "loopstart", "low",
      "lowsrc", "max", "maxlength", "media", "method", "min", "multiple", "name", "nohref",
      "noshade", "nowrap", "open", "optimum", "pattern", "ping", "point-size", "poster", "pqg",
      "preload", "prompt", "radiogroup", "readonly", "rel", "repeat-max", "repeat-min",
      "replace", "required", "rev", "rightspacing", "rows", "rowspan", "rules", "scope",
      "selected", "shape", "size", "span", "src", "start", "step", "style", "summary", "suppress",
      "tabindex", "target", "template", "title", "toppadding", "type", "unselectable", "urn",
      "usemap", "valign", "value", "variable", "volume", "vrml", "vspace", "width", "wrap",
      "xml:lang"};
  // clang-format on
  return set;
}

const Set& AcceptableCssProperties() {
  // clang-format off
  static const Set set = {
      "azimuth", "background-color", "border-bottom-color", "border-collapse", "border-color",
      "border-left-color", "border-right-color", "border-top-color", "clear", "color", "cursor",
      "direction", "display", "elevation", "float", "font", "font-family", "font-size",
      "font-style", "font-variant", "font-weight", "height", "letter-spacing", "line-height",
      "overflow", "pause", "pause-after", "pause-before", "pitch", "pitch-range", "richness",
      "speak", "speak-header", "speak-numeral", "speak-punctuation", "speech-rate", "stress",
      "text-align", "text-decoration", "text-indent", "unicode-bidi", "vertical-align",
      "voice-family", "volume", "white-space", "width"};
  // clang-format on
  return set;
}

const Set& AcceptableCssKeywords() {
  // clang-format off
  static const Set set = {
      "!important", "aqua", "auto", "black", "block", "blue", "bold", "both", "bottom", "brown",
      "center", "collapse", "dashed", "dotted", "fuchsia", "gray", "green", "italic", "left",
      "lime", "maroon", "medium", "navy", "none", "normal", "nowrap", "olive", "pointer",
      "purple", "red", "right", "silver", "solid", "teal", "top", "transparent", "underline",
      "white", "yellow"};
  // clang-format on
  return set;
}

const Set& MathmlElements() {
  // clang-format off
  static const Set set = {
      "annotation", "annotation-xml", "maction", "maligngroup", "malignmark", "math",
      "menclose", "merror", "mfenced", "mfrac", "mglyph", "mi", "mlabeledtr", "mlongdiv",
      "mmultiscripts", "mn", "mo", "mover", "mpadded", "mphantom", "mprescripts", "mroot",
      "mrow", "ms", "mscarries", "mscarry", "msgroup", "msline", "mspace", "msqrt", "msrow",
      "mstack", "mstyle", "msub", "msubsup", "msup", "mtable", "mtd", "mtext", "mtr", "munder",
      "munderover", "none", "semantics"};
  // clang-format on
  return set;
}

const Set& MathmlAttributes() {
  // clang-format off
  static const Set set = {
      "accent", "accentunder", "actiontype", "align", "alignmentscope", "altimg",
      "altimg-height", "altimg-valign", "altimg-width", "alttext", "bevelled", "charalign",
      "close", "columnalign", "columnlines", "columnspacing", "columnspan", "columnwidth",
      "crossout", "decimalpoint", "denomalign", "depth", "dir", "display", "displaystyle",
      "edge", "encoding", "equalcolumns", "equalrows", "fence", "fontstyle", "fontweight",
      "form", "frame", "framespacing", "groupalign", "height", "href", "id", "indentalign",
      "indentalignfirst", "indentalignlast", "indentshift", "indentshiftfirst",
      "indentshiftlast", "indenttarget", "infixlinebreakstyle", "largeop", "length",
      "linebreak", "linebreakmultchar", "linebreakstyle", "lineleading", "linethickness",
      "location", "longdivstyle", "lquote", "lspace", "mathbackground", "mathcolor", "mathsize",
      "mathvariant", "maxsize", "minlabelspacing", "minsize", "movablelimits", "notation",
      "numalign", "open", "other", "overflow", "position", "rowalign", "rowlines", "rowspacing",
      "rowspan", "rquote", "rspace", "scriptlevel", "scriptminsize", "scriptsizemultiplier",
      "selection", "separator", "separators", "shift", "side", "src", "stackalign", "stretchy",
      "subscriptshift", "superscriptshift", "symmetric", "voffset", "width", "xlink:href",
      "xlink:show", "xlink:type", "xmlns", "xmlns:xlink"};
  // clang-format on
  return set;
}

// SVG element and attribute names, keyed by their lower-case form.
// clang-format off
const std::unordered_map<std::string, std::string>& SvgElements() {
  static const auto* map = [] {
    auto* m = new std::unordered_map<std::string, std::string>;
    for (const char* name :
         {"a", "animate", "animateColor", "animateMotion", "animateTransform", "circle", "defs",
          "desc", "ellipse", "font-face", "font-face-name", "font-face-src", "foreignObject", "g",
          "glyph", "hkern", "line", "linearGradient", "marker", "metadata", "missing-glyph",
          "mpath", "path", "polygon", "polyline", "radialGradient", "rect", "set", "stop", "svg",
          "switch", "text", "title", "tspan", "use"}) {
      m->emplace(Lower(name), name);
    }
    return m;
  }();
  return *map;
}
// clang-format on

// clang-format off
const std::unordered_map<std::string, std::string>& SvgAttributes() {
  static const auto* map = [] {
    auto* m = new std::unordered_map<std::string, std::string>;
    for (const char* name :
         {"accent-height", "accumulate", "additive", "alphabetic", "arabic-form", "ascent",
          "attributeName", "attributeType", "baseProfile", "bbox", "begin", "by", "calcMode",
          "cap-height", "class", "color", "color-rendering", "content", "cx", "cy", "d", "descent",
          "display", "dur", "dx", "dy", "end", "fill", "fill-opacity", "fill-rule", "font-family",
          "font-size", "font-stretch", "font-style", "font-variant", "font-weight", "from", "fx",
          "fy", "g1", "g2", "glyph-name", "gradientUnits", "hanging", "height", "horiz-adv-x",
          "horiz-origin-x", "id", "ideographic", "k", "keyPoints", "keySplines", "keyTimes",
          "lang", "marker-end", "marker-mid", "marker-start", "markerHeight", "markerUnits",
          "markerWidth", "mathematical", "max", "min", "name", "offset", "opacity", "orient",
          "origin", "overline-position", "overline-thickness", "panose-1", "path", "pathLength",
          "points", "preserveAspectRatio", "r", "refX", "refY", "repeatCount", "repeatDur",
          "requiredExtensions", "requiredFeatures", "restart", "rotate", "rx", "ry", "slope",
          "stemh", "stemv", "stop-color", "stop-opacity", "strikethrough-position",
          "strikethrough-thickness", "stroke", "stroke-dasharray", "stroke-dashoffset",
          "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-opacity",
          "stroke-width", "systemLanguage", "target", "text-anchor", "to", "transform", "type",
          "u1", "u2", "underline-position", "underline-thickness", "unicode", "unicode-range",
          "units-per-em", "values", "version", "viewBox", "visibility", "width", "widths", "x",
          "x-height", "x1", "x2", "xlink:actuate", "xlink:arcrole", "xlink:href", "xlink:role",
          "xlink:show", "xlink:title", "xlink:type", "xml:base", "xml:lang", "xml:space", "xmlns",
          "xmlns:xlink", "y", "y1", "y2", "zoomAndPan"}) {
      m->emplace(Lower(name), name);
    }
    return m;
  }();
  return *map;
}
// clang-format on

const Set& AcceptableSvgProperties() {
  static const Set set = {"fill",           "fill-opacity",    "fill-rule",      "stroke",
                          "stroke-linecap", "stroke-linejoin", "stroke-opacity", "stroke-width"};
  return set;
}

constexpr std::string_view kSvgNs = "http://www.w3.org/2000/svg";
constexpr std::string_view kMathmlNs = "http://www.w3.org/1998/Math/MathML";
constexpr std::string_view kXlinkNs = "http://www.w3.org/1999/xlink";

// windows-1252 code points for the C1 range 0x80-0x9F (0 = undefined).
constexpr unsigned kCp1252[32] = {0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
                                  0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

// Escapes an attribute value for output: <, >, " and ampersands that start
// no reference.
std::string EscapeAttrValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c == '>') {
      out += "&gt;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '"') {
      out += "&quot;";
    } else if (c == '&') {
      // Is this "&#\d+;", "&#x[0-9a-fA-F]+;" or "&\w+;"?
      size_t j = i + 1;
      bool ref = false;
      if (j < value.size() && value[j] == '#') {
        size_t k = j + 1;
        if (k < value.size() && value[k] == 'x') {
          size_t m = k + 1;
          while (m < value.size() && IsHex(value[m])) ++m;
          if (m > k + 1 && m < value.size() && value[m] == ';') ref = true;
        }
        if (!ref) {
          size_t m = k;
          while (m < value.size() && IsDigit(value[m])) ++m;
          if (m > k && m < value.size() && value[m] == ';') ref = true;
        }
      } else {
        size_t m = j;
        while (m < value.size() &&
               (IsAlnum(value[m]) || value[m] == '_' || static_cast<unsigned char>(value[m]) >= 0x80)) {
          ++m;
        }
        if (m > j && m < value.size() && value[m] == ';') ref = true;
      }
      out += ref ? "&" : "&amp;";
    } else {
      out += c;
    }
  }
  return out;
}

// ----------------------------------------------------------------------------
// Sanitiser

std::string SanitizeStyle(std::string style, bool svg_ok) {
  static const RE2 url_re(
      R"(url[\t\n\v\f\r ]*\([\t\n\v\f\r ]*[^\t\n\v\f\r )]+?[\t\n\v\f\r ]*\)[\t\n\v\f\r ]*)", BytePatterns());
  static const RE2 valid_re(
      R"((?:[:,;#%.\t\n\v\f\r a-zA-Z0-9!]|\w-\w|'[\t\n\v\f\r \w]+'|"[\t\n\v\f\r \w]+"|\([\d,\t\n\v\f\r ]+\))*)",
      BytePatterns());
  static const RE2 decl_re(R"([\t\n\v\f\r ]*[-\w]+[\t\n\v\f\r ]*:[\t\n\v\f\r ]*[^:;]*;?)", BytePatterns());
  static const RE2 prop_re(R"(([-\w]+)[\t\n\v\f\r ]*:[\t\n\v\f\r ]*([^:;]*))", BytePatterns());
  static const RE2 css_value_re(
      R"((?:#[0-9a-f]+|rgb\(\d+%?,\d*%?,?\d*%?\)?|\d{0,2}\.?\d{0,2}(?:cm|em|ex|in|mm|pc|pt|px|%|,|\))?))",
      BytePatterns());
  RE2::GlobalReplace(&style, url_re, " ");
  if (!RE2::FullMatch(style, valid_re)) return "";
  std::string rest = style;
  RE2::GlobalReplace(&rest, decl_re, "");
  if (!PyStrip(rest).empty()) return "";
  std::string clean;
  re2::StringPiece input(style);
  std::string prop;
  std::string value;
  while (RE2::FindAndConsume(&input, prop_re, &prop, &value)) {
    if (value.empty()) continue;
    std::string lower = Lower(prop);
    bool ok = false;
    if (AcceptableCssProperties().count(lower)) {
      ok = true;
    } else {
      std::string head = lower.substr(0, lower.find('-'));
      if (head == "background" || head == "border" || head == "margin" || head == "padding") {
        ok = true;
        size_t pos = 0;
        while (pos < value.size()) {
          while (pos < value.size() && IsSpace(value[pos])) ++pos;
          if (pos >= value.size()) break;
          size_t end = pos;
          while (end < value.size() && !IsSpace(value[end])) ++end;
          std::string keyword = value.substr(pos, end - pos);
          if (!AcceptableCssKeywords().count(keyword) && !RE2::FullMatch(keyword, css_value_re)) {
            ok = false;
            break;
          }
          pos = end;
        }
      } else if (svg_ok && AcceptableSvgProperties().count(lower)) {
        ok = true;
      }
    }
    if (ok) {
      if (!clean.empty()) clean += ' ';
      clean.append(prop).append(": ").append(value).append(";");
    }
  }
  return clean;
}

class Sanitizer : public HtmlProcessor {
 public:
  using HtmlProcessor::HtmlProcessor;

 protected:
  void StartTag(const std::string& tag_in, Attrs& attrs) override {
    std::string tag = tag_in;
    enum { kHtml, kMathml, kSvg } allowed = kHtml;
    const std::unordered_map<std::string, std::string>* keymap = nullptr;
    auto has_attr = [&](std::string_view k, std::string_view v) {
      for (const auto& [ak, av] : attrs) {
        if (ak == k && av == v) return true;
      }
      return false;
    };
    if (!AcceptableElements().count(tag) || svg_ok_ > 0) {
      if (tag == "script" || tag == "applet" || tag == "style") ++unacceptable_;
      if (type_.size() >= 4 && type_.compare(type_.size() - 4, 4, "html") == 0) {
        std::string xmlns;
        for (const auto& [k, v] : attrs) {
          if (k == "xmlns") {
            xmlns = v;  // dict(): the last one wins
          }
        }
        if (xmlns.empty()) {
          if (tag == "svg") attrs.emplace_back("xmlns", std::string(kSvgNs));
          if (tag == "math") attrs.emplace_back("xmlns", std::string(kMathmlNs));
        }
      }
      if (tag == "math" && has_attr("xmlns", kMathmlNs)) ++mathml_ok_;
      if (tag == "svg" && has_attr("xmlns", kSvgNs)) ++svg_ok_;
      if (mathml_ok_ > 0 && MathmlElements().count(tag)) {
        allowed = kMathml;
      } else if (svg_ok_ > 0 && SvgElements().count(tag)) {
        allowed = kSvg;
        tag = SvgElements().at(tag);
        keymap = &SvgAttributes();
      } else if (!AcceptableElements().count(tag)) {
        return;
      }
    }
    if (mathml_ok_ > 0 || svg_ok_ > 0) {
      bool xlink = false;
      for (const auto& [k, v] : attrs) {
        if (k.rfind("xlink:", 0) == 0) xlink = true;
      }
      if (xlink && !has_attr("xmlns:xlink", kXlinkNs)) {
        attrs.emplace_back("xmlns:xlink", std::string(kXlinkNs));
      }
    }
    Attrs clean;
    for (auto& [key, value] : NormalizeAttrs(attrs)) {
      bool acceptable = allowed == kHtml     ? AcceptableAttributes().count(key) > 0
                        : allowed == kMathml ? MathmlAttributes().count(key) > 0
                                             : SvgAttributes().count(key) > 0;
      if (key == "style" && acceptable) {
        std::string style = SanitizeStyle(value, svg_ok_ > 0);
        if (!style.empty()) clean.emplace_back(key, style);
      } else if (acceptable) {
        std::string name = key;
        if (keymap != nullptr) {
          auto it = keymap->find(key);
          if (it != keymap->end()) name = it->second;
        }
        std::string v = value;
        if (name == "href") v = MakeSafeAbsoluteUri(v);
        clean.emplace_back(name, v);
      }
    }
    HtmlProcessor::StartTag(tag, clean);
  }

  void EndTag(const std::string& tag_in) override {
    std::string tag = tag_in;
    if (!AcceptableElements().count(tag)) {
      if (tag == "script" || tag == "applet" || tag == "style") --unacceptable_;
      if (mathml_ok_ > 0 && MathmlElements().count(tag)) {
        if (tag == "math" && mathml_ok_ > 0) --mathml_ok_;
      } else if (svg_ok_ > 0 && SvgElements().count(tag)) {
        tag = SvgElements().at(tag);
        if (tag == "svg" && svg_ok_ > 0) --svg_ok_;
      } else {
        return;
      }
    }
    HtmlProcessor::EndTag(tag);
  }

  void Pi(std::string_view) override {}
  void Decl(std::string_view) override {}
  void Data(std::string_view text) override {
    if (unacceptable_ == 0) HtmlProcessor::Data(text);
  }
  long ParseComment(size_t i, bool report) override {
    long ret = SgmlParser::ParseComment(i, report);
    if (ret >= 0) return ret;
    // "--" followed by anything up to ">".
    for (size_t p = raw_.find("--", i + 4); p != std::string::npos; p = raw_.find("--", p + 1)) {
      size_t gt = raw_.find('>', p + 2);
      if (gt == std::string::npos) break;
      return static_cast<long>(gt + 1);
    }
    return static_cast<long>(raw_.size());
  }

 private:
  int unacceptable_ = 0;
  int mathml_ok_ = 0;
  int svg_ok_ = 0;
};

bool IsRelativeUriAttr(std::string_view tag, std::string_view attr) {
  static const std::set<std::pair<std::string_view, std::string_view>> set = {
      {"a", "href"},          {"applet", "codebase"}, {"area", "href"},       {"audio", "src"},
      {"blockquote", "cite"}, {"body", "background"}, {"del", "cite"},        {"form", "action"},
      {"frame", "longdesc"},  {"frame", "src"},       {"iframe", "longdesc"}, {"iframe", "src"},
      {"head", "profile"},    {"img", "longdesc"},    {"img", "src"},         {"img", "usemap"},
      {"input", "src"},       {"input", "usemap"},    {"ins", "cite"},        {"link", "href"},
      {"object", "classid"},  {"object", "codebase"}, {"object", "data"},     {"object", "usemap"},
      {"q", "cite"},          {"script", "src"},      {"source", "src"},      {"video", "poster"},
      {"video", "src"}};
  return set.count({tag, attr}) > 0;
}

class UriResolver : public HtmlProcessor {
 public:
  UriResolver(std::string base, std::string type) : HtmlProcessor(std::move(type)), base_(std::move(base)) {}

 protected:
  void StartTag(const std::string& tag, Attrs& attrs) override {
    Attrs out = NormalizeAttrs(attrs);
    for (auto& [key, value] : out) {
      if (IsRelativeUriAttr(tag, key)) {
        std::string resolved = MakeSafeAbsoluteUri(base_, PyStrip(value));
        if (!resolved.empty()) value = resolved;
      }
    }
    HtmlProcessor::StartTag(tag, out);
  }

 private:
  std::string base_;
};

// ----------------------------------------------------------------------------
// URLs

bool IsAcceptableScheme(std::string_view scheme) {
  // clang-format off
  static const Set set = {
      "file", "ftp", "gopher", "h323", "hdl", "http", "https", "imap", "magnet", "mailto", "mms",
      "news", "nntp", "prospero", "rsync", "rtsp", "rtspu", "sftp", "shttp", "sip", "sips",
      "snews", "svn", "svn+ssh", "telnet", "wais", "aim", "callto", "cvs", "facetime", "feed",
      "git", "gtalk", "irc", "ircs", "irc6", "itms", "msnim", "skype", "ssh", "smb", "ymsg"};
  // clang-format on
  return set.count(scheme) > 0;
}

// Scheme of `url` as Python's urlsplit finds it (lower-cased), or "".
std::string SchemeOf(std::string_view url) {
  size_t colon = url.find(':');
  if (colon == std::string_view::npos || colon == 0) return "";
  if (!IsAlpha(url[0]) || static_cast<unsigned char>(url[0]) >= 0x80) return "";
  for (size_t i = 0; i < colon; ++i) {
    char c = url[i];
    if (!(IsAlnum(c) || c == '+' || c == '-' || c == '.')) return "";
  }
  return Lower(url.substr(0, colon));
}

bool UsesRelative(std::string_view scheme) {
  static const Set set = {"",     "ftp",   "http",    "gopher", "nntp",     "imap", "wais",
                          "file", "https", "shttp",   "mms",    "prospero", "rtsp", "rtspu",
                          "sftp", "svn",   "svn+ssh", "ws",     "wss"};
  return set.count(scheme) > 0;
}

}  // namespace

const RE2::Options& BytePatterns() {
  static const RE2::Options* options = [] {
    auto* o = new RE2::Options;
    o->set_encoding(RE2::Options::EncodingLatin1);
    return o;
  }();
  return *options;
}

std::string_view PyStrip(std::string_view s) {
  auto ws_len_front = [](std::string_view t) -> size_t {
    unsigned char c = static_cast<unsigned char>(t[0]);
    if (c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F)) return 1;
    if (t.substr(0, 2) == "\xC2\x85" || t.substr(0, 2) == "\xC2\xA0") return 2;
    if (t.substr(0, 3) == "\xE3\x80\x80" || t.substr(0, 3) == "\xE2\x80\xA8" ||
        t.substr(0, 3) == "\xE2\x80\xA9" || t.substr(0, 3) == "\xE2\x80\xAF" ||
        t.substr(0, 3) == "\xE2\x81\x9F" || t.substr(0, 3) == "\xE1\x9A\x80") {
      return 3;
    }
    if (t.size() >= 3 && c == 0xE2 && static_cast<unsigned char>(t[1]) == 0x80 &&
        static_cast<unsigned char>(t[2]) >= 0x80 && static_cast<unsigned char>(t[2]) <= 0x8A) {
      return 3;
    }
    return 0;
  };
  while (!s.empty()) {
    size_t n = ws_len_front(s);
    if (n == 0) break;
    s.remove_prefix(n);
  }
  while (!s.empty()) {
    unsigned char c = static_cast<unsigned char>(s.back());
    if (c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F)) {
      s.remove_suffix(1);
      continue;
    }
    bool removed = false;
    for (size_t n : {2u, 3u}) {
      if (s.size() >= n && ws_len_front(s.substr(s.size() - n)) == n) {
        s.remove_suffix(n);
        removed = true;
        break;
      }
    }
    if (!removed) break;
  }
  return s;
}

int Html4Entity(std::string_view name) {
  static const auto* table = [] {
    auto* m = new std::unordered_map<std::string, int>;
    // clang-format off
    const char* latin1[] = {
        "nbsp",   "iexcl",  "cent",   "pound",  "curren", "yen",    "brvbar", "sect",
        "uml",    "copy",   "ordf",   "laquo",  "not",    "shy",    "reg",    "macr",
        "deg",    "plusmn", "sup2",   "sup3",   "acute",  "micro",  "para",   "middot",
        "cedil",  "sup1",   "ordm",   "raquo",  "frac14", "frac12", "frac34", "iquest",
        "Agrave", "Aacute", "Acirc",  "Atilde", "Auml",   "Aring",  "AElig",  "Ccedil",
        "Egrave", "Eacute", "Ecirc",  "Euml",   "Igrave", "Iacute", "Icirc",  "Iuml",
        "ETH",    "Ntilde", "Ograve", "Oacute", "Ocirc",  "Otilde", "Ouml",   "times",
        "Oslash", "Ugrave", "Uacute", "Ucirc",  "Uuml",   "Yacute", "THORN",  "szlig",
        "agrave", "aacute", "acirc",  "atilde", "auml",   "aring",  "aelig",  "ccedil",
        "egrave", "eacute", "ecirc",  "euml",   "igrave", "iacute", "icirc",  "iuml",
        "eth",    "ntilde", "ograve", "oacute", "ocirc",  "otilde", "ouml",   "divide",
        "oslash", "ugrave", "uacute", "ucirc",  "uuml",   "yacute", "thorn",  "yuml"};
    // clang-format on
    for (int i = 0; i < 96; ++i) (*m)[latin1[i]] = 160 + i;
    const char* upper[] = {"Alpha", "Beta",   "Gamma", "Delta", "Epsilon", "Zeta",    "Eta", "Theta", "Iota",
                           "Kappa", "Lambda", "Mu",    "Nu",    "Xi",      "Omicron", "Pi",  "Rho"};
    for (int i = 0; i < 17; ++i) (*m)[upper[i]] = 913 + i;
    const char* upper2[] = {"Sigma", "Tau", "Upsilon", "Phi", "Chi", "Psi", "Omega"};
    for (int i = 0; i < 7; ++i) (*m)[upper2[i]] = 931 + i;
    const char* lower[] = {"alpha",   "beta", "gamma", "delta",  "epsilon", "zeta", "eta",
                           "theta",   "iota", "kappa", "lambda", "mu",      "nu",   "xi",
                           "omicron", "pi",   "rho",   "sigmaf", "sigma",   "tau",  "upsilon",
                           "phi",     "chi",  "psi",   "omega"};
    for (int i = 0; i < 25; ++i) (*m)[lower[i]] = 945 + i;
    const std::pair<const char*, int> rest[] = {
        {"quot", 34},     {"amp", 38},       {"lt", 60},        {"gt", 62},       {"OElig", 338},
        {"oelig", 339},   {"Scaron", 352},   {"scaron", 353},   {"Yuml", 376},    {"fnof", 402},
        {"circ", 710},    {"tilde", 732},    {"thetasym", 977}, {"upsih", 978},   {"piv", 982},
        {"ensp", 8194},   {"emsp", 8195},    {"thinsp", 8201},  {"zwnj", 8204},   {"zwj", 8205},
        {"lrm", 8206},    {"rlm", 8207},     {"ndash", 8211},   {"mdash", 8212},  {"lsquo", 8216},
        {"rsquo", 8217},  {"sbquo", 8218},   {"ldquo", 8220},   {"rdquo", 8221},  {"bdquo", 8222},
        {"dagger", 8224}, {"Dagger", 8225},  {"bull", 8226},    {"hellip", 8230}, {"permil", 8240},
        {"prime", 8242},  {"Prime", 8243},   {"lsaquo", 8249},  {"rsaquo", 8250}, {"oline", 8254},
        {"frasl", 8260},  {"euro", 8364},    {"image", 8465},   {"weierp", 8472}, {"real", 8476},
        {"trade", 8482},  {"alefsym", 8501}, {"larr", 8592},    {"uarr", 8593},   {"rarr", 8594},
        {"darr", 8595},   {"harr", 8596},    {"crarr", 8629},   {"lArr", 8656},   {"uArr", 8657},
        {"rArr", 8658},   {"dArr", 8659},    {"hArr", 8660},    {"forall", 8704}, {"part", 8706},
        {"exist", 8707},  {"empty", 8709},   {"nabla", 8711},   {"isin", 8712},   {"notin", 8713},
        {"ni", 8715},     {"prod", 8719},    {"sum", 8721},     {"minus", 8722},  {"lowast", 8727},
        {"radic", 8730},  {"prop", 8733},    {"infin", 8734},   {"ang", 8736},    {"and", 8743},
        {"or", 8744},     {"cap", 8745},     {"cup", 8746},     {"int", 8747},    {"there4", 8756},
        {"sim", 8764},    {"cong", 8773},    {"asymp", 8776},   {"ne", 8800},     {"equiv", 8801},
        {"le", 8804},     {"ge", 8805},      {"sub", 8834},     {"sup", 8835},    {"nsub", 8836},
        {"sube", 8838},   {"supe", 8839},    {"oplus", 8853},   {"otimes", 8855}, {"perp", 8869},
        {"sdot", 8901},   {"lceil", 8968},   {"rceil", 8969},   {"lfloor", 8970}, {"rfloor", 8971},
        {"lang", 9001},   {"rang", 9002},    {"loz", 9674},     {"spades", 9824}, {"clubs", 9827},
        {"hearts", 9829}, {"diams", 9830}};
    for (const auto& [n, cp] : rest) (*m)[n] = cp;
    return m;
  }();
  auto it = table->find(std::string(name));
  return it == table->end() ? -1 : it->second;
}

bool IsVoidElement(std::string_view tag) {
  static const Set set = {"area",  "base",  "basefont", "br",    "col",     "command", "embed",
                          "frame", "hr",    "img",      "input", "isindex", "keygen",  "link",
                          "meta",  "param", "source",   "track", "wbr"};
  return set.count(tag) > 0;
}

bool IsAcceptableElement(std::string_view tag) { return AcceptableElements().count(tag) > 0; }

Attrs NormalizeAttrs(const Attrs& attrs) {
  Attrs out;
  for (const auto& [k, v] : attrs) {
    std::string key = Lower(k);
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& p) { return p.first == key; });
    if (it != out.end()) {
      it->second = v;
    } else {
      out.emplace_back(key, v);
    }
  }
  for (auto& [k, v] : out) {
    if (k == "rel" || k == "type") v = Lower(v);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// ----------------------------------------------------------------------------
// SgmlParser

void SgmlParser::Feed(std::string_view data) {
  // 1. "<!" that starts no DOCTYPE, comment or marked section becomes text
  //    (at most twice, as in the reference implementation).
  std::string step1;
  step1.reserve(data.size() + 16);
  int replaced = 0;
  for (size_t i = 0; i < data.size(); ++i) {
    if (replaced < 2 && data[i] == '<' && i + 1 < data.size() && data[i + 1] == '!') {
      std::string_view rest = data.substr(i + 2);
      if (rest.substr(0, 7) != "DOCTYPE" && rest.substr(0, 2) != "--" && rest.substr(0, 1) != "[") {
        step1 += "&lt;!";
        ++i;
        ++replaced;
        continue;
      }
    }
    step1 += data[i];
  }
  // 2. "<tag/>" and "<tag />" become "<tag />" for void elements and
  //    "<tag></tag>" otherwise.
  std::string step2;
  step2.reserve(step1.size() + 16);
  size_t i = 0;
  while (i < step1.size()) {
    if (step1[i] != '<') {
      step2 += step1[i++];
      continue;
    }
    size_t k = i + 1;
    bool matched = false;
    while (k < step1.size() && step1[k] != '<' && step1[k] != '>' && !IsSpace(step1[k])) {
      ++k;
      size_t m = k;
      while (m < step1.size() && IsSpace(step1[m])) ++m;
      if (m + 1 < step1.size() && step1[m] == '/' && step1[m + 1] == '>') {
        std::string tag = step1.substr(i + 1, k - i - 1);
        if (IsVoidElement(tag)) {
          step2 += "<" + tag + " />";
        } else {
          step2.append("<").append(tag).append("></").append(tag).append(">");
        }
        i = m + 2;
        matched = true;
        break;
      }
    }
    if (!matched) step2 += step1[i++];
  }
  // 3. &#39; and &#34; become the characters.
  raw_.clear();
  raw_.reserve(step2.size());
  for (size_t p = 0; p < step2.size(); ++p) {
    if (step2[p] == '&' && step2.compare(p, 5, "&#39;") == 0) {
      raw_ += '\'';
      p += 4;
    } else if (step2[p] == '&' && step2.compare(p, 5, "&#34;") == 0) {
      raw_ += '"';
      p += 4;
    } else {
      raw_ += step2[p];
    }
  }
  GoAhead();
}

void SgmlParser::GoAhead() {
  const std::string& s = raw_;
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    size_t j = s.find_first_of("<&", i);
    if (j == std::string::npos) j = n;
    if (i < j) Data(std::string_view(s).substr(i, j - i));
    i = j;
    if (i == n) break;
    if (s[i] == '<') {
      if (i + 1 < n && (IsAlpha(s[i + 1]) || s[i + 1] == '>')) {
        long k = ParseStartTag(i);
        if (k < 0) break;
        i = static_cast<size_t>(k);
        continue;
      }
      if (s.compare(i, 2, "</") == 0) {
        long k = ParseEndTag(i);
        if (k < 0) break;
        i = static_cast<size_t>(k);
        continue;
      }
      if (s.compare(i, 4, "<!--") == 0) {
        long k = ParseComment(i, true);
        if (k < 0) break;
        i = static_cast<size_t>(k);
        continue;
      }
      if (s.compare(i, 2, "<?") == 0) {
        long k = ParsePi(i);
        if (k < 0) break;
        i = static_cast<size_t>(k);
        continue;
      }
      if (s.compare(i, 2, "<!") == 0) {
        long k = ParseDeclaration(i);
        if (k < 0) break;
        i = static_cast<size_t>(k);
        continue;
      }
    } else {  // '&'
      if (i + 2 < n && s[i + 1] == '#') {
        size_t k = i + 2;
        if (s[k] == 'x' || s[k] == 'X') {
          size_t m = k + 1;
          while (m < n && IsHex(s[m])) ++m;
          if (m > k + 1 && m < n && s[m] == ';') {
            CharRef(s.substr(i + 2, m - i - 2));
            i = m + 1;
            continue;
          }
        }
        size_t m = k;
        while (m < n && IsDigit(s[m])) ++m;
        if (m > k && m < n && s[m] == ';') {
          CharRef(s.substr(i + 2, m - i - 2));
          i = m + 1;
          continue;
        }
      }
      if (i + 1 < n && IsAlpha(s[i + 1])) {
        size_t m = i + 2;
        while (m < n && (IsAlnum(s[m]) || s[m] == '-' || s[m] == '.')) ++m;
        if (m < n) {  // the terminator must exist and is not alphanumeric
          EntityRef(s.substr(i + 1, m - i - 1));
          i = s[m] == ';' ? m + 1 : m;
          continue;
        }
      }
    }
    // "incomplete" construct: report it as text unless it runs to the end.
    size_t j2 = i + 1;
    if (s[i] == '&') {
      if (j2 < n && IsAlpha(s[j2])) {
        while (j2 < n && IsAlnum(s[j2])) ++j2;
      } else if (j2 < n && s[j2] == '#') {
        ++j2;
        while (j2 < n && IsDigit(s[j2])) ++j2;
      }
    } else {
      if (j2 < n && IsAlpha(s[j2])) {
        while (j2 < n && s[j2] != '<' && s[j2] != '>') ++j2;
      } else if (j2 < n && s[j2] == '/') {
        ++j2;
        if (j2 < n && IsAlpha(s[j2])) {
          while (j2 < n && s[j2] != '<' && s[j2] != '>') ++j2;
        }
      } else if (j2 < n && s[j2] == '!') {
        ++j2;
        while (j2 < n && s[j2] != '<' && s[j2] != '>') ++j2;
      }
    }
    if (j2 == n) break;
    Data(std::string_view(s).substr(i, j2 - i));
    i = j2;
  }
  if (i < n) Data(std::string_view(s).substr(i));
}

long SgmlParser::ParseStartTag(size_t i) {
  const std::string& s = raw_;
  const size_t n = s.size();
  // NET-enabling short tag "<tag/data/".
  {
    size_t k = i + 1;
    if (k < n && IsAlpha(s[k])) {
      size_t m = k + 1;
      while (m < n && (IsAlnum(s[m]) || s[m] == '-' || s[m] == '.')) ++m;
      if (m < n && s[m] == '/') {
        size_t end = s.find('/', m + 1);
        if (end == std::string::npos) return -1;
        std::string tag = s.substr(k, m - k);
        for (char& c : tag) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        Attrs none;
        StartTag(tag, none);
        Data(std::string_view(s).substr(m + 1, end - m - 1));
        EndTag(tag);
        return static_cast<long>(end + 1);
      }
    }
  }
  // End of the tag: the next '<' or '>' outside attribute quotes.
  size_t j = std::string::npos;
  {
    size_t p = i + 1;
    bool ok = true;
    while (p < n) {
      char c = s[p];
      if (c == '<' || c == '>') break;
      if (c == '"' || c == '\'') {
        size_t close = s.find(c, p + 1);
        if (close == std::string::npos) {
          ok = false;
          break;
        }
        size_t after = close + 1;
        bool follow = after < n && (s[after] == '>' || s[after] == '/' || IsSpace(s[after]));
        if (!follow && after < n && (IsAlnum(s[after]) || s[after] == '_')) {
          size_t w = after;
          while (w < n && (IsAlnum(s[w]) || s[w] == '_')) ++w;
          follow = w < n && s[w] == '=';
        }
        if (!follow) {
          ok = false;
          break;
        }
        p = after;
        continue;
      }
      ++p;
    }
    if (ok && p < n) {
      j = p;
    } else {
      // Fallback: the first '<' or '>' on the same line.
      size_t q = i + 1;
      while (q < n && s[q] != '<' && s[q] != '>' && s[q] != '\n') ++q;
      if (q < n && s[q] != '\n') j = q;
    }
  }
  if (j == std::string::npos) return -1;
  Attrs attrs;
  std::string tag;
  size_t k;
  if (s.compare(i, 2, "<>") == 0) {
    k = j;
    tag = lasttag_;
  } else {
    k = i + 1;
    while (k < n && (IsAlnum(s[k]) || s[k] == '-' || s[k] == '_' || s[k] == '.' || s[k] == ':')) ++k;
    tag = s.substr(i + 1, k - i - 1);
    for (char& c : tag) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    lasttag_ = tag;
  }
  while (k < j) {
    size_t p = k;
    while (p < n && IsSpace(s[p])) ++p;
    if (p >= n || !(IsAlpha(s[p]) || s[p] == '_')) break;
    size_t name_end = p + 1;
    while (name_end < n && (IsAlnum(s[name_end]) || s[name_end] == '-' || s[name_end] == ':' ||
                            s[name_end] == '.' || s[name_end] == '_')) {
      ++name_end;
    }
    std::string name = s.substr(p, name_end - p);
    size_t q = name_end;
    if (q < n && s[q] == '$') ++q;
    size_t after_name = q;
    size_t e = q;
    while (e < n && IsSpace(s[e])) ++e;
    std::string value;
    if (e < n && s[e] == '=') {
      ++e;
      while (e < n && IsSpace(s[e])) ++e;
      size_t vstart = e;
      size_t vend = e;
      bool quoted = false;
      if (e < n && (s[e] == '\'' || s[e] == '"')) {
        size_t close = s.find(s[e], e + 1);
        if (close != std::string::npos) {
          vend = close + 1;
          quoted = true;
        }
      }
      if (!quoted) {
        static const std::string_view kValueChars =
            "][-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./,:;+*%?!&$()_#=~'\"@";
        while (vend < n && kValueChars.find(s[vend]) != std::string_view::npos) ++vend;
      }
      value = s.substr(vstart, vend - vstart);
      if (value.size() >= 2 && ((value.front() == '\'' && value.back() == '\'') ||
                                (value.front() == '"' && value.back() == '"'))) {
        value = value.substr(1, value.size() - 2);
      } else if (value.size() == 1 && (value == "'" || value == "\"")) {
        value.clear();  // a lone quote is both the opening and the closing one
      }
      k = vend;
    } else {
      value = name;
      k = after_name;
    }
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    attrs.emplace_back(name, value);
  }
  if (j < n && s[j] == '>') ++j;
  StartTag(tag, attrs);
  if (xhtml_type_ && j > 2 && s.compare(j - 2, 2, "/>") == 0) EndTag(lasttag_);
  return static_cast<long>(j);
}

long SgmlParser::ParseEndTag(size_t i) {
  size_t j = raw_.find_first_of("<>", i + 1);
  if (j == std::string::npos) return -1;
  std::string tag(PyStrip(std::string_view(raw_).substr(i + 2, j - i - 2)));
  for (char& c : tag) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (raw_[j] == '>') ++j;
  EndTag(tag);
  return static_cast<long>(j);
}

long SgmlParser::ParseComment(size_t i, bool report) {
  // "--" then optional whitespace then ">".
  for (size_t p = raw_.find("--", i + 4); p != std::string::npos; p = raw_.find("--", p + 1)) {
    size_t q = p + 2;
    while (q < raw_.size() && IsSpace(raw_[q])) ++q;
    if (q < raw_.size() && raw_[q] == '>') {
      if (report) Comment(std::string_view(raw_).substr(i + 4, p - i - 4));
      return static_cast<long>(q + 1);
    }
  }
  return -1;
}

long SgmlParser::ParsePi(size_t i) {
  size_t j = raw_.find('>', i + 2);
  if (j == std::string::npos) return -1;
  Pi(std::string_view(raw_).substr(i + 2, j - i - 2));
  return static_cast<long>(j + 1);
}

long SgmlParser::ParseDeclaration(size_t i) {
  const std::string& s = raw_;
  size_t j = i + 2;
  if (j < s.size() && s[j] == '>') return static_cast<long>(j + 1);  // "<!>"
  if (j < s.size() && s[j] == '[') {
    size_t end = s.find("]]>", j);
    if (end == std::string::npos) return -1;
    return static_cast<long>(end + 3);
  }
  if (j < s.size() && IsAlpha(s[j])) {
    // A declaration: names, whitespace, quoted strings, '=' and an internal
    // subset in brackets up to '>'; any other character means it is not one
    // (reported as "&lt;" + text); the end of the data means incomplete.
    for (size_t p = j; p < s.size(); ++p) {
      char c = s[p];
      if (c == '>') {
        Decl(std::string_view(s).substr(i + 2, p - i - 2));
        return static_cast<long>(p + 1);
      }
      if (c == '"' || c == '\'') {
        size_t close = s.find(c, p + 1);
        if (close == std::string::npos) return -1;
        p = close;
      } else if (c == '[') {
        size_t close = s.find(']', p + 1);
        if (close == std::string::npos) return -1;
        p = close;
      } else if (!(IsAlnum(c) || IsSpace(c) || c == '=' || c == '-' || c == '.' || c == '_' || c == ':')) {
        break;
      }
      if (p + 1 == s.size()) return -1;
    }
    if (j >= s.size()) return -1;
  }
  Data("&lt;");
  return static_cast<long>(i + 1);
}

// ----------------------------------------------------------------------------
// HtmlProcessor

std::string HtmlProcessor::Output() const {
  size_t size = 0;
  for (const auto& p : pieces_) size += p.size();
  std::string out;
  out.reserve(size);
  for (const auto& p : pieces_) out += p;
  return out;
}

void HtmlProcessor::StartTag(const std::string& tag, Attrs& attrs) {
  std::string piece = "<" + tag;
  for (const auto& [k, v] : attrs) piece += " " + k + "=\"" + EscapeAttrValue(v) + "\"";
  piece += IsVoidElement(tag) ? " />" : ">";
  pieces_.push_back(std::move(piece));
}

void HtmlProcessor::EndTag(const std::string& tag) {
  if (!IsVoidElement(tag)) pieces_.push_back("</" + tag + ">");
}

void HtmlProcessor::CharRef(const std::string& ref_in) {
  std::string ref = Lower(ref_in);
  unsigned long value =
      ref[0] == 'x' ? std::strtoul(ref.c_str() + 1, nullptr, 16) : std::strtoul(ref.c_str(), nullptr, 10);
  if (value >= 0x80 && value <= 0x9F && kCp1252[value - 0x80] != 0) {
    char buf[16];
    std::snprintf(buf, sizeof(buf), "&#x%x;", kCp1252[value - 0x80]);
    pieces_.emplace_back(buf);
  } else {
    pieces_.push_back("&#" + ref + ";");
  }
}

void HtmlProcessor::EntityRef(const std::string& name) {
  if (Html4Entity(name) >= 0 || name == "apos") {
    pieces_.push_back("&" + name + ";");
  } else {
    pieces_.push_back("&amp;" + name);
  }
}

void HtmlProcessor::Comment(std::string_view text) { pieces_.push_back("<!--" + std::string(text) + "-->"); }
void HtmlProcessor::Pi(std::string_view text) { pieces_.push_back("<?" + std::string(text) + ">"); }
void HtmlProcessor::Decl(std::string_view text) { pieces_.push_back("<!" + std::string(text) + ">"); }

std::string SanitizeHtmlFp(std::string_view html, std::string_view type) {
  std::string source;
  source.reserve(html.size());
  for (size_t p = 0; p < html.size();) {
    if (html.compare(p, 9, "<![CDATA[") == 0) {
      source += "&lt;![CDATA[";
      p += 9;
    } else {
      source += html[p++];
    }
  }
  Sanitizer sanitizer{std::string(type)};
  sanitizer.Feed(source);
  std::string out(PyStrip(sanitizer.Output()));
  std::string result;
  result.reserve(out.size());
  for (size_t p = 0; p < out.size(); ++p) {
    if (out[p] == '\r' && p + 1 < out.size() && out[p + 1] == '\n') continue;
    result += out[p];
  }
  return result;
}

std::string ResolveRelativeUris(std::string_view html, std::string_view base, std::string_view type) {
  UriResolver resolver{std::string(base), std::string(type)};
  resolver.Feed(html);
  return resolver.Output();
}

std::string UrlJoin(std::string_view base_in, std::string_view uri_in) {
  // "http:////x" -> "http://x"
  std::string uri(uri_in);
  {
    std::string scheme = SchemeOf(uri);
    if (!scheme.empty() && uri.compare(scheme.size(), 3, "://") == 0) {
      size_t p = scheme.size() + 3;
      size_t q = p;
      while (q < uri.size() && uri[q] == '/') ++q;
      uri.erase(p, q - p);
    }
  }
  std::string base(base_in);
  if (base.empty()) return uri;
  if (uri.empty()) return base;
  std::string bscheme = SchemeOf(base);
  std::string scheme = SchemeOf(uri);
  if (scheme.empty()) scheme = bscheme;
  if (scheme != bscheme || !UsesRelative(scheme)) return uri;
  if (!SchemeOf(uri).empty()) {
    std::string_view rest = std::string_view(uri).substr(scheme.size() + 1);
    if (rest.substr(0, 2) == "//") return uri;
    uri = std::string(rest);  // same scheme, relative part
    if (uri.empty()) return base;
  }
  if (bscheme.empty()) {
    // Relative base: merge paths without a scheme.
    if (uri[0] == '/' || uri[0] == '?' || uri[0] == '#') return uri;
    std::string fake = "http://fake.invalid/" + base;
    std::string joined = ResolveUrl(fake, uri);
    const std::string prefix = "http://fake.invalid/";
    if (joined.rfind(prefix, 0) == 0) return joined.substr(prefix.size());
    return uri;
  }
  return ResolveUrl(base, uri);
}

std::string MakeSafeAbsoluteUri(std::string_view base, std::string_view rel) {
  if (base.empty()) return std::string(rel);
  if (rel.empty()) {
    std::string scheme = SchemeOf(base);
    if (scheme.empty() || IsAcceptableScheme(scheme)) return std::string(base);
    return "";
  }
  std::string uri = UrlJoin(base, rel);
  std::string_view stripped = PyStrip(uri);
  std::string_view scheme = stripped.substr(0, stripped.find(':'));
  if (!IsAcceptableScheme(scheme)) return "";
  return uri;
}

const std::unordered_map<std::string, std::string>& MatchNamespaces() {
  static const auto* map = new std::unordered_map<std::string, std::string>{
      {"", ""},
      {"http://backend.userland.com/rss", ""},
      {"http://blogs.law.harvard.edu/tech/rss", ""},
      {"http://purl.org/rss/1.0/", ""},
      {"http://my.netscape.com/rdf/simple/0.9/", ""},
      {"http://example.com/newformat#", ""},
      {"http://example.com/necho", ""},
      {"http://purl.org/echo/", ""},
      {"uri/of/echo/namespace#", ""},
      {"http://purl.org/pie/", ""},
      {"http://purl.org/atom/ns#", ""},
      {"http://www.w3.org/2005/atom", ""},
      {"http://purl.org/rss/1.0/modules/rss091#", ""},
      {"http://webns.net/mvcb/", "admin"},
      {"http://purl.org/rss/1.0/modules/aggregation/", "ag"},
      {"http://purl.org/rss/1.0/modules/annotate/", "annotate"},
      {"http://media.tangent.org/rss/1.0/", "audio"},
      {"http://backend.userland.com/blogchannelmodule", "blogChannel"},
      {"http://creativecommons.org/ns#license", "cc"},
      {"http://web.resource.org/cc/", "cc"},
      {"http://cyber.law.harvard.edu/rss/creativecommonsrssmodule.html", "creativeCommons"},
      {"http://backend.userland.com/creativecommonsrssmodule", "creativeCommons"},
      {"http://purl.org/rss/1.0/modules/company", "co"},
      {"http://purl.org/rss/1.0/modules/content/", "content"},
      {"http://my.theinfo.org/changed/1.0/rss/", "cp"},
      {"http://purl.org/dc/elements/1.1/", "dc"},
      {"http://purl.org/dc/terms/", "dcterms"},
      {"http://purl.org/rss/1.0/modules/email/", "email"},
      {"http://purl.org/rss/1.0/modules/event/", "ev"},
      {"http://rssnamespace.org/feedburner/ext/1.0", "feedburner"},
      {"http://freshmeat.net/rss/fm/", "fm"},
      {"http://xmlns.com/foaf/0.1/", "foaf"},
      {"http://www.w3.org/2003/01/geo/wgs84_pos#", "geo"},
      {"http://www.georss.org/georss", "georss"},
      {"http://www.opengis.net/gml", "gml"},
      {"http://postneo.com/icbm/", "icbm"},
      {"http://purl.org/rss/1.0/modules/image/", "image"},
      {"http://www.itunes.com/dtds/podcast-1.0.dtd", "itunes"},
      {"http://example.com/dtds/podcast-1.0.dtd", "itunes"},
      {"http://purl.org/rss/1.0/modules/link/", "l"},
      {"http://search.yahoo.com/mrss", "media"},
      {"http://search.yahoo.com/mrss/", "media"},
      {"http://madskills.com/public/xml/rss/module/pingback/", "pingback"},
      {"http://prismstandard.org/namespaces/1.2/basic/", "prism"},
      {"http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf"},
      {"http://www.w3.org/2000/01/rdf-schema#", "rdfs"},
      {"http://purl.org/rss/1.0/modules/reference/", "ref"},
      {"http://purl.org/rss/1.0/modules/richequiv/", "reqv"},
      {"http://purl.org/rss/1.0/modules/search/", "search"},
      {"http://purl.org/rss/1.0/modules/slash/", "slash"},
      {"http://schemas.xmlsoap.org/soap/envelope/", "soap"},
      {"http://purl.org/rss/1.0/modules/servicestatus/", "ss"},
      {"http://hacks.benhammersley.com/rss/streaming/", "str"},
      {"http://purl.org/rss/1.0/modules/subscription/", "sub"},
      {"http://purl.org/rss/1.0/modules/syndication/", "sy"},
      {"http://schemas.pocketsoap.com/rss/mydescmodule/", "szf"},
      {"http://purl.org/rss/1.0/modules/taxonomy/", "taxo"},
      {"http://purl.org/rss/1.0/modules/threading/", "thr"},
      {"http://purl.org/rss/1.0/modules/textinput/", "ti"},
      {"http://madskills.com/public/xml/rss/module/trackback/", "trackback"},
      {"http://wellformedweb.org/commentapi/", "wfw"},
      {"http://purl.org/rss/1.0/modules/wiki/", "wiki"},
      {"http://www.w3.org/1999/xhtml", "xhtml"},
      {"http://www.w3.org/1999/xlink", "xlink"},
      {"http://www.w3.org/xml/1998/namespace", "xml"},
      {"http://podlove.org/simple-chapters", "psc"},
  };
  return *map;
}

namespace {
bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}

}  // namespace

// True if `s` has a closing tag or a character reference, every tag in it is
// an allowed HTML element and every named reference an HTML 4 entity.
bool LooksLikeHtml(const std::string& s) {
  if (s.find('<') == std::string::npos && s.find('&') == std::string::npos) return false;
  bool has_close = false;
  bool has_ref = false;
  const size_t n = s.size();
  for (size_t i = 0; i < n; ++i) {
    if (s[i] == '<') {
      size_t p = i + 1;
      bool closing = p < n && s[p] == '/';
      if (closing) ++p;
      size_t q = p;
      while (q < n && IsWordChar(s[q])) ++q;
      if (q == p) continue;
      if (!IsAcceptableElement(Lower(s.substr(p, q - p)))) return false;
      if (closing && q < n && s[q] == '>') has_close = true;
    } else if (s[i] == '&') {
      size_t p = i + 1;
      bool numeric = p < n && s[p] == '#';
      if (numeric) ++p;
      size_t q = p;
      while (q < n && IsWordChar(s[q])) ++q;
      if (q == p || q >= n || s[q] != ';') continue;
      has_ref = true;
      if (!numeric && Html4Entity(s.substr(p, q - p)) < 0) return false;
    }
  }
  return has_close || has_ref;
}

// All code points < 256 and the Latin-1 bytes form valid UTF-8: decode them
// again (text that was UTF-8 read as Latin-1).
void FixDoubleEncoding(std::string* s) {
  bool any_high = false;
  std::string bytes;
  bytes.reserve(s->size());
  for (size_t i = 0; i < s->size(); ++i) {
    unsigned char c = static_cast<unsigned char>((*s)[i]);
    if (c < 0x80) {
      bytes += static_cast<char>(c);
    } else if ((c == 0xC2 || c == 0xC3) && i + 1 < s->size()) {
      unsigned cp = ((c & 0x1F) << 6) | (static_cast<unsigned char>((*s)[i + 1]) & 0x3F);
      bytes += static_cast<char>(cp);
      ++i;
      any_high = true;
    } else {
      return;
    }
  }
  if (any_high && IsValidUtf8(bytes)) *s = bytes;
}

void TranslateCp1252(std::string* s) {
  static constexpr unsigned kC1[32] = {0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                       0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
                                       0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                       0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};
  if (s->find('\xC2') == std::string::npos) return;
  std::string out;
  out.reserve(s->size());
  for (size_t i = 0; i < s->size(); ++i) {
    unsigned char c = static_cast<unsigned char>((*s)[i]);
    if (c == 0xC2 && i + 1 < s->size()) {
      unsigned char d = static_cast<unsigned char>((*s)[i + 1]);
      if (d >= 0x80 && d <= 0x9F && kC1[d - 0x80] != 0) {
        newsflow::AppendUtf8(kC1[d - 0x80], &out);
        ++i;
        continue;
      }
    }
    out += static_cast<char>(c);
  }
  *s = out;
}

}  // namespace newsflow::ingest::fp

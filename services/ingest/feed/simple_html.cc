#include "services/ingest/feed/simple_html.h"
#include "common/util/utf8.h"

#include <gumbo.h>
#include <libxml/HTMLparser.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace newsflow::ingest::html {
namespace {

// Deeper fragments go to the tree builder (whose walkers stop at depth 256,
// and which flattens very deep documents).
constexpr size_t kMaxOpenElements = 100;
constexpr size_t kMaxAttributes = 64;
constexpr size_t kMaxTagName = 32;

// How the HTML5 tree builder ("in body" insertion mode) treats a tag, for
// the tags this parser accepts.
enum class Kind : uint8_t {
  kUnsupported,  // needs the full algorithm (tables, forms, head, foreign, ...)
  kOrdinary,     // "any other start tag": span, abbr, unknown elements, ...
  kFormatting,   // b, i, em, ...: misnesting needs the adoption agency
  kAnchor,       // a: formatting, and an open <a> is closed by the next one
  kVoid,         // br, img, wbr, ...: no content, no end tag
  kHr,           // void, and closes an open p
  kBlock,        // div, ul, blockquote, ...: closes an open p
  kParagraph,    // p
  kHeading,      // h1-h6
  kListItem,     // li
  kDefinition,   // dd, dt
  kPre,          // closes an open p; a newline right after the start tag is dropped
  kRawText,      // script, style, iframe: content is raw text up to the end tag
};

Kind KindOf(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_UNKNOWN:
    case GUMBO_TAG_SPAN:
    case GUMBO_TAG_ABBR:
    case GUMBO_TAG_ACRONYM:
    case GUMBO_TAG_BDI:
    case GUMBO_TAG_BDO:
    case GUMBO_TAG_CITE:
    case GUMBO_TAG_DATA:
    case GUMBO_TAG_DEL:
    case GUMBO_TAG_DFN:
    case GUMBO_TAG_INS:
    case GUMBO_TAG_KBD:
    case GUMBO_TAG_LABEL:
    case GUMBO_TAG_MARK:
    case GUMBO_TAG_Q:
    case GUMBO_TAG_SAMP:
    case GUMBO_TAG_SUB:
    case GUMBO_TAG_SUP:
    case GUMBO_TAG_TIME:
    case GUMBO_TAG_VAR:
    case GUMBO_TAG_AUDIO:
    case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_MAP:
      return Kind::kOrdinary;
    case GUMBO_TAG_B:
    case GUMBO_TAG_BIG:
    case GUMBO_TAG_CODE:
    case GUMBO_TAG_EM:
    case GUMBO_TAG_FONT:
    case GUMBO_TAG_I:
    case GUMBO_TAG_S:
    case GUMBO_TAG_SMALL:
    case GUMBO_TAG_STRIKE:
    case GUMBO_TAG_STRONG:
    case GUMBO_TAG_TT:
    case GUMBO_TAG_U:
      return Kind::kFormatting;
    case GUMBO_TAG_A:
      return Kind::kAnchor;
    case GUMBO_TAG_BR:
    case GUMBO_TAG_IMG:
    case GUMBO_TAG_WBR:
    case GUMBO_TAG_AREA:
    case GUMBO_TAG_EMBED:
    case GUMBO_TAG_INPUT:
    case GUMBO_TAG_PARAM:
    case GUMBO_TAG_SOURCE:
    case GUMBO_TAG_TRACK:
    case GUMBO_TAG_META:
    case GUMBO_TAG_LINK:
    case GUMBO_TAG_BASE:
      return Kind::kVoid;
    case GUMBO_TAG_HR:
      return Kind::kHr;
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_CENTER:
    case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_DIR:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_HGROUP:
    case GUMBO_TAG_MENU:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_UL:
      return Kind::kBlock;
    case GUMBO_TAG_P:
      return Kind::kParagraph;
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
      return Kind::kHeading;
    case GUMBO_TAG_LI:
      return Kind::kListItem;
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DT:
      return Kind::kDefinition;
    case GUMBO_TAG_PRE:
      return Kind::kPre;
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_IFRAME:
      return Kind::kRawText;
    default:
      // Including main, which gumbo does not count among the special
      // elements although the standard does.
      return Kind::kUnsupported;
  }
}

// Elements of the HTML5 "special" category, among those that can be open
// here. They stop the search for an element to close.
bool IsSpecial(Kind kind) {
  switch (kind) {
    case Kind::kBlock:
    case Kind::kParagraph:
    case Kind::kHeading:
    case Kind::kListItem:
    case Kind::kDefinition:
    case Kind::kPre:
    case Kind::kRawText:
      return true;
    default:
      return false;
  }
}

bool IsFormatting(Kind kind) { return kind == Kind::kFormatting || kind == Kind::kAnchor; }

bool IsHtmlSpace(char c) { return c == ' ' || c == '\t' || c == '\n'; }

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlnum(char c) { return IsAsciiAlpha(c) || IsAsciiDigit(c); }
char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// True if `s` is well-formed UTF-8 free of the characters the tree builder
// treats specially or that the HTML5 input stream rewrites: NUL and other
// controls (CR and form feed included), U+FEFF, C1 controls and
// noncharacters.
bool HasOnlyPlainCharacters(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) return false;
      ++i;
      continue;
    }
    uint32_t cp;
    size_t len;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF.
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    if (cp <= 0x9F || cp == 0xFEFF || (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) {
      return false;
    }
    i += len;
  }
  return true;
}

// Code points a numeric character reference may name here: those the
// tokenizer passes through unchanged.
bool IsPlainCodePoint(uint32_t cp) {
  if (cp == '\t' || cp == '\n') return true;
  if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return false;
  if (cp >= 0xD800 && cp <= 0xDFFF) return false;
  if (cp >= 0xFDD0 && cp <= 0xFDEF) return false;
  if ((cp & 0xFFFE) == 0xFFFE || cp == 0xFEFF) return false;
  return cp <= 0x10FFFF;
}

// Named character references this parser decodes (with their semicolon),
// besides the rest of HTML 4's (see DecodeReference); any other name sends
// the fragment to the tree builder, whose table is complete.
struct NamedReference {
  std::string_view name;
  std::string_view utf8;
};
constexpr NamedReference kNamedReferences[] = {
    {"amp", "&"},
    {"lt", "<"},
    {"gt", ">"},
    {"quot", "\""},
    {"apos", "'"},
    {"nbsp", "\xC2\xA0"},
    {"copy", "\xC2\xA9"},
    {"reg", "\xC2\xAE"},
    {"trade", "\xE2\x84\xA2"},
    {"hellip", "\xE2\x80\xA6"},
    {"mdash", "\xE2\x80\x94"},
    {"ndash", "\xE2\x80\x93"},
    {"lsquo", "\xE2\x80\x98"},
    {"rsquo", "\xE2\x80\x99"},
    {"ldquo", "\xE2\x80\x9C"},
    {"rdquo", "\xE2\x80\x9D"},
    {"laquo", "\xC2\xAB"},
    {"raquo", "\xC2\xBB"},
    {"middot", "\xC2\xB7"},
    {"bull", "\xE2\x80\xA2"},
    {"deg", "\xC2\xB0"},
    {"euro", "\xE2\x82\xAC"},
    {"pound", "\xC2\xA3"},
    {"eacute", "\xC3\xA9"},
    {"egrave", "\xC3\xA8"},
    {"aacute", "\xC3\xA1"},
    {"agrave", "\xC3\xA0"},
    {"ouml", "\xC3\xB6"},
    {"uuml", "\xC3\xBC"},
    {"auml", "\xC3\xA4"},
    {"szlig", "\xC3\x9F"},
    {"ccedil", "\xC3\xA7"},
    {"ntilde", "\xC3\xB1"},
    {"iacute", "\xC3\xAD"},
    {"oacute", "\xC3\xB3"},
    {"uacute", "\xC3\xBA"},
    {"times", "\xC3\x97"},
};

// Decodes the character reference at s[*pos] == '&' into `out` and moves
// *pos past it. Returns false for references outside the supported subset.
// A '&' that starts no reference stays as it is.
bool DecodeReference(std::string_view s, size_t* pos, std::string* out) {
  size_t p = *pos + 1;
  if (p < s.size() && s[p] == '#') {
    ++p;
    bool hex = p < s.size() && (s[p] == 'x' || s[p] == 'X');
    if (hex) ++p;
    uint32_t value = 0;
    int digits = 0;
    for (; p < s.size(); ++p) {
      char c = s[p];
      int digit;
      if (IsAsciiDigit(c)) {
        digit = c - '0';
      } else if (hex && c >= 'a' && c <= 'f') {
        digit = c - 'a' + 10;
      } else if (hex && c >= 'A' && c <= 'F') {
        digit = c - 'A' + 10;
      } else {
        break;
      }
      if (++digits > 7) return false;
      value = value * (hex ? 16 : 10) + static_cast<uint32_t>(digit);
    }
    if (digits == 0 || p >= s.size() || s[p] != ';' || !IsPlainCodePoint(value)) return false;
    newsflow::AppendUtf8(static_cast<char32_t>(value), out);
    *pos = p + 1;
    return true;
  }
  if (p < s.size() && IsAsciiAlnum(s[p])) {
    size_t end = p;
    while (end < s.size() && IsAsciiAlnum(s[end])) ++end;
    if (end >= s.size() || s[end] != ';') return false;
    std::string_view name = s.substr(p, end - p);
    for (const NamedReference& ref : kNamedReferences) {
      if (ref.name == name) {
        out->append(ref.utf8);
        *pos = end + 1;
        return true;
      }
    }
    // The other HTML 4 names, from libxml2's table. HTML5 (and so gumbo)
    // gives the same code points except for lang and rang.
    char buffer[16];
    if (name.size() >= sizeof(buffer) || name == "lang" || name == "rang") return false;
    name.copy(buffer, name.size());
    buffer[name.size()] = '\0';
    const htmlEntityDesc* entity = htmlEntityLookup(reinterpret_cast<const xmlChar*>(buffer));
    if (entity == nullptr || !IsPlainCodePoint(entity->value)) return false;
    newsflow::AppendUtf8(static_cast<char32_t>(entity->value), out);
    *pos = end + 1;
    return true;
  }
  *out += '&';
  *pos = p;
  return true;
}

// Appends `s` with its character references decoded.
bool DecodeText(std::string_view s, std::string* out) {
  size_t pos = 0;
  while (pos < s.size()) {
    size_t amp = s.find('&', pos);
    if (amp == std::string_view::npos) {
      out->append(s.substr(pos));
      break;
    }
    out->append(s.substr(pos, amp - pos));
    pos = amp;
    if (!DecodeReference(s, &pos, out)) return false;
  }
  return true;
}

class Parser {
 public:
  Parser(std::string_view in, SimpleHtmlSink* sink) : in_(in), sink_(sink) {}

  bool Run() {
    if (!HasOnlyPlainCharacters(in_)) return false;
    const size_t n = in_.size();
    while (pos_ < n) {
      // Text runs to the next '<' that starts markup; any other '<' is text.
      size_t lt = in_.find('<', pos_);
      while (lt != std::string_view::npos && !StartsMarkup(lt)) lt = in_.find('<', lt + 1);
      size_t text_end = lt == std::string_view::npos ? n : lt;
      if (text_end > pos_ && !EmitText(pos_, text_end)) return false;
      pos_ = text_end;
      if (pos_ >= n) break;
      skip_newline_ = false;
      char next = in_[pos_ + 1];
      bool ok;
      if (IsAsciiAlpha(next)) {
        ok = StartTag();
      } else if (next == '/') {
        ok = EndTag();
      } else if (next == '!') {
        ok = Comment();
      } else {
        ok = false;  // '<?': a bogus comment
      }
      if (!ok) return false;
    }
    while (!open_.empty()) Pop();
    return true;
  }

 private:
  struct OpenElement {
    GumboTag tag;
    Kind kind;
  };

  // Where an attribute's name and value are: in the input, or in buffer_.
  struct Span {
    bool in_buffer;
    size_t begin;
    size_t size;
  };
  struct PendingAttribute {
    Span name;
    Span value;
  };

  bool StartsMarkup(size_t lt) const {
    if (lt + 1 >= in_.size()) return false;
    char c = in_[lt + 1];
    return IsAsciiAlpha(c) || c == '/' || c == '!' || c == '?';
  }

  std::string_view View(const Span& span) const {
    return span.in_buffer ? std::string_view(buffer_).substr(span.begin, span.size)
                          : in_.substr(span.begin, span.size);
  }

  bool EmitText(size_t begin, size_t end) {
    if (skip_newline_) {
      skip_newline_ = false;
      if (in_[begin] == '&') return false;  // a reference could be the newline
      if (in_[begin] == '\n') ++begin;
      if (begin == end) return true;
    }
    std::string_view text = in_.substr(begin, end - begin);
    if (text.find('&') == std::string_view::npos) {
      sink_->Text(text);
      return true;
    }
    text_.clear();
    if (!DecodeText(text, &text_)) return false;
    sink_->Text(text_);
    return true;
  }

  // Reads a tag name starting at *pos into name (lower-cased); stops at
  // whitespace, '/' or '>'.
  bool ReadTagName(size_t* pos, char* name, size_t* length) const {
    size_t p = *pos;
    size_t len = 0;
    while (p < in_.size() && !IsHtmlSpace(in_[p]) && in_[p] != '/' && in_[p] != '>') {
      char c = in_[p];
      if (!IsAsciiAlnum(c) && c != '-' && c != ':' && c != '_' && c != '.') return false;
      if (len == kMaxTagName) return false;
      name[len++] = AsciiLower(c);
      ++p;
    }
    if (p >= in_.size()) return false;  // the tag never ends
    *pos = p;
    *length = len;
    return true;
  }

  void SkipSpace(size_t* pos) const {
    while (*pos < in_.size() && IsHtmlSpace(in_[*pos])) ++*pos;
  }

  bool ReadAttributes(size_t* pos) {
    const size_t n = in_.size();
    size_t p = *pos;
    attributes_.clear();
    buffer_.clear();
    while (true) {
      SkipSpace(&p);
      if (p >= n) return false;
      char c = in_[p];
      if (c == '>') {
        ++p;
        break;
      }
      if (c == '/') {
        // "/>" ends the tag (the self-closing flag means nothing on HTML
        // elements); a lone '/' is skipped.
        ++p;
        continue;
      }
      if (c == '=') return false;
      // Attribute name.
      size_t name_begin = p;
      bool has_upper = false;
      while (p < n && !IsHtmlSpace(in_[p]) && in_[p] != '/' && in_[p] != '>' && in_[p] != '=') {
        char d = in_[p];
        if (d == '"' || d == '\'' || d == '<') return false;
        if (d >= 'A' && d <= 'Z') has_upper = true;
        ++p;
      }
      if (p >= n) return false;
      Span name{false, name_begin, p - name_begin};
      if (has_upper) {
        name = {true, buffer_.size(), p - name_begin};
        for (size_t k = name_begin; k < p; ++k) buffer_ += AsciiLower(in_[k]);
      }
      SkipSpace(&p);
      if (p >= n) return false;
      Span value{false, p, 0};
      if (in_[p] == '=') {
        ++p;
        SkipSpace(&p);
        if (p >= n) return false;
        char quote = in_[p];
        size_t value_begin;
        size_t value_end;
        if (quote == '"' || quote == '\'') {
          value_begin = p + 1;
          value_end = in_.find(quote, value_begin);
          if (value_end == std::string_view::npos) return false;
          p = value_end + 1;
        } else {
          if (quote == '>') return false;  // a missing value
          value_begin = p;
          while (p < n && !IsHtmlSpace(in_[p]) && in_[p] != '>') {
            char d = in_[p];
            if (d == '"' || d == '\'' || d == '<' || d == '=' || d == '`') return false;
            ++p;
          }
          if (p >= n) return false;
          value_end = p;
        }
        std::string_view raw = in_.substr(value_begin, value_end - value_begin);
        if (raw.find('&') == std::string_view::npos) {
          value = {false, value_begin, raw.size()};
        } else {
          size_t begin = buffer_.size();
          if (!DecodeText(raw, &buffer_)) return false;
          value = {true, begin, buffer_.size() - begin};
        }
      }
      if (attributes_.size() == kMaxAttributes) return false;
      attributes_.push_back({name, value});
    }
    *pos = p;
    return true;
  }

  // Sends the pending attributes (without duplicates) and the start tag.
  void EmitStart(GumboTag tag, bool is_void) {
    views_.clear();
    for (const PendingAttribute& attribute : attributes_) {
      std::string_view name = View(attribute.name);
      bool duplicate = false;
      for (const SimpleAttribute& seen : views_) {
        if (seen.name == name) {
          duplicate = true;
          break;
        }
      }
      if (!duplicate) views_.push_back({name, View(attribute.value)});
    }
    sink_->StartElement(tag, views_.data(), static_cast<int>(views_.size()), is_void);
  }

  bool Push(GumboTag tag, Kind kind) {
    if (open_.size() >= kMaxOpenElements) return false;
    EmitStart(tag, false);
    open_.push_back({tag, kind});
    return true;
  }

  void Pop() {
    sink_->EndElement(open_.back().tag);
    open_.pop_back();
  }

  // Pops the open elements down to and including open_[index]. Fails if that
  // would close a formatting element implicitly: the tree builder would
  // reopen it later.
  bool PopThrough(size_t index) {
    for (size_t i = index + 1; i < open_.size(); ++i) {
      if (IsFormatting(open_[i].kind)) return false;
    }
    while (open_.size() > index) Pop();
    return true;
  }

  // Index of the topmost open element with `tag`, or -1.
  int Find(GumboTag tag) const {
    for (size_t i = open_.size(); i > 0; --i) {
      if (open_[i - 1].tag == tag) return static_cast<int>(i - 1);
    }
    return -1;
  }

  // "Close a p element" if one is open (no scope boundary can be open here).
  bool CloseParagraph() {
    int p = Find(GUMBO_TAG_P);
    return p < 0 || PopThrough(static_cast<size_t>(p));
  }

  bool StartTag() {
    size_t p = pos_ + 1;
    char name[kMaxTagName];
    size_t length = 0;
    if (!ReadTagName(&p, name, &length)) return false;
    if (!ReadAttributes(&p)) return false;
    pos_ = p;
    GumboTag tag = gumbo_tagn_enum(name, static_cast<unsigned>(length));
    std::string_view name_view(name, length);
    Kind kind = KindOf(tag);
    switch (kind) {
      case Kind::kUnsupported:
        return false;
      case Kind::kVoid:
        EmitStart(tag, true);
        return true;
      case Kind::kHr:
        if (!CloseParagraph()) return false;
        EmitStart(tag, true);
        return true;
      case Kind::kOrdinary:
      case Kind::kFormatting:
        return Push(tag, kind);
      case Kind::kAnchor:
        if (Find(GUMBO_TAG_A) >= 0) return false;
        return Push(tag, kind);
      case Kind::kBlock:
      case Kind::kParagraph:
        return CloseParagraph() && Push(tag, kind);
      case Kind::kHeading:
        if (!CloseParagraph()) return false;
        if (!open_.empty() && open_.back().kind == Kind::kHeading) return false;
        return Push(tag, kind);
      case Kind::kPre:
        if (!CloseParagraph() || !Push(tag, kind)) return false;
        skip_newline_ = true;
        return true;
      case Kind::kListItem:
      case Kind::kDefinition:
        // An open item of the same list closes, unless a special element
        // (other than address, div and p) lies in between.
        for (size_t i = open_.size(); i > 0; --i) {
          const OpenElement& open = open_[i - 1];
          bool same = kind == Kind::kListItem ? open.tag == GUMBO_TAG_LI : open.kind == Kind::kDefinition;
          if (same) {
            if (!PopThrough(i - 1)) return false;
            break;
          }
          if (IsSpecial(open.kind) && open.tag != GUMBO_TAG_ADDRESS && open.tag != GUMBO_TAG_DIV &&
              open.tag != GUMBO_TAG_P) {
            break;
          }
        }
        return CloseParagraph() && Push(tag, kind);
      case Kind::kRawText:
        return RawText(tag, name_view);
    }
    return false;
  }

  // script, style, iframe: everything up to "</name" is text.
  bool RawText(GumboTag tag, std::string_view name) {
    if (!Push(tag, Kind::kRawText)) return false;
    size_t search = pos_;
    while (true) {
      size_t close = in_.find("</", search);
      if (close == std::string_view::npos) return false;  // runs to the end
      size_t after = close + 2 + name.size();
      bool match = after < in_.size();
      for (size_t k = 0; match && k < name.size(); ++k) {
        match = AsciiLower(in_[close + 2 + k]) == name[k];
      }
      if (match && (IsHtmlSpace(in_[after]) || in_[after] == '/' || in_[after] == '>')) {
        std::string_view text = in_.substr(pos_, close - pos_);
        // Script data has escaped states that "<!--" enters.
        if (tag == GUMBO_TAG_SCRIPT && text.find("<!--") != std::string_view::npos) return false;
        size_t p = after;
        SkipSpace(&p);
        if (p >= in_.size() || in_[p] != '>') return false;
        if (!text.empty()) sink_->Text(text);
        Pop();
        pos_ = p + 1;
        return true;
      }
      search = close + 2;
    }
  }

  bool EndTag() {
    size_t p = pos_ + 2;
    if (p >= in_.size() || !IsAsciiAlpha(in_[p])) return false;
    char name[kMaxTagName];
    size_t length = 0;
    if (!ReadTagName(&p, name, &length)) return false;
    SkipSpace(&p);
    if (p >= in_.size() || in_[p] != '>') return false;
    pos_ = p + 1;
    GumboTag tag = gumbo_tagn_enum(name, static_cast<unsigned>(length));
    switch (KindOf(tag)) {
      case Kind::kUnsupported:
      case Kind::kVoid:
      case Kind::kHr:
      case Kind::kRawText:
        return false;
      case Kind::kParagraph: {
        int index = Find(GUMBO_TAG_P);
        return index >= 0 && PopThrough(static_cast<size_t>(index));  // else an empty <p>
      }
      case Kind::kListItem: {
        int index = Find(GUMBO_TAG_LI);
        if (index < 0) return true;  // ignored
        for (size_t i = static_cast<size_t>(index) + 1; i < open_.size(); ++i) {
          if (open_[i].tag == GUMBO_TAG_UL || open_[i].tag == GUMBO_TAG_OL) return false;
        }
        return PopThrough(static_cast<size_t>(index));
      }
      case Kind::kHeading: {
        for (size_t i = open_.size(); i > 0; --i) {
          if (open_[i - 1].kind == Kind::kHeading) return PopThrough(i - 1);
        }
        return true;  // ignored
      }
      case Kind::kDefinition:
      case Kind::kBlock:
      case Kind::kPre: {
        int index = Find(tag);
        return index < 0 || PopThrough(static_cast<size_t>(index));
      }
      case Kind::kFormatting:
      case Kind::kAnchor:
        if (!open_.empty() && open_.back().tag == tag) {
          Pop();
          return true;
        }
        return Find(tag) < 0;  // ignored if not open; else the adoption agency
      case Kind::kOrdinary:
        // Like gumbo, this compares tags, not names: the end tag of any
        // unknown element closes the innermost open unknown element.
        for (size_t i = open_.size(); i > 0; --i) {
          const OpenElement& open = open_[i - 1];
          if (open.tag == tag) return PopThrough(i - 1);
          if (IsSpecial(open.kind)) return true;  // ignored
        }
        return true;  // ignored
    }
    return false;
  }

  bool Comment() {
    if (in_.substr(pos_, 4) != "<!--") return false;  // doctype, CDATA, bogus comments
    size_t body = pos_ + 4;
    std::string_view rest = in_.substr(body);
    if (rest.substr(0, 1) == ">" || rest.substr(0, 2) == "->") return false;
    size_t end = in_.find("-->", body);
    if (end == std::string_view::npos) return false;
    size_t bang = in_.find("--!>", body);
    if (bang != std::string_view::npos && bang < end) return false;
    pos_ = end + 3;
    return true;
  }

  std::string_view in_;
  SimpleHtmlSink* sink_;
  size_t pos_ = 0;
  bool skip_newline_ = false;  // right after <pre>
  std::vector<OpenElement> open_;
  std::vector<PendingAttribute> attributes_;
  std::vector<SimpleAttribute> views_;
  std::string buffer_;  // lower-cased names and decoded values of attributes
  std::string text_;    // decoded text
};

}  // namespace

bool ParseSimpleHtml(std::string_view html, SimpleHtmlSink* sink) {
  Parser parser(html, sink);
  return parser.Run();
}

}  // namespace newsflow::ingest::html

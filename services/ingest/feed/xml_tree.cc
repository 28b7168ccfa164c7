#include "services/ingest/feed/xml_tree.h"
#include "common/util/utf8.h"

#include <libxml/uri.h>

#include <array>
#include <cstring>
#include <new>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace newsflow::ingest::xml {

const Attribute* Node::FindAttribute(std::string_view attr_ns, std::string_view attr_name) const {
  for (const Attribute* attr = attributes; attr != nullptr; attr = attr->next) {
    if (attr->name == attr_name && attr->ns == attr_ns) return attr;
  }
  return nullptr;
}

// Nodes, attributes and strings of one document, freed together.
class Document::Arena {
 public:
  Node* NewNode() { return nodes_.New(); }
  Attribute* NewAttribute() { return attributes_.New(); }

  std::string_view Store(std::string_view bytes) {
    if (bytes.empty()) return {};
    char* out = Allocate(bytes.size());
    std::memcpy(out, bytes.data(), bytes.size());
    return {out, bytes.size()};
  }

 private:
  // Objects constructed one at a time in blocks of raw storage; T must be
  // trivially destructible, as nothing runs its destructor.
  template <typename T>
  class Pool {
   public:
    static_assert(std::is_trivially_destructible_v<T>);
    T* New() {
      if (used_ == capacity_) {
        capacity_ = capacity_ == 0 ? 32 : std::min<size_t>(capacity_ * 2, 8192);
        blocks_.emplace_back(static_cast<T*>(::operator new(capacity_ * sizeof(T))));
        used_ = 0;
      }
      return new (blocks_.back().get() + used_++) T();
    }

   private:
    struct Free {
      void operator()(T* block) const { ::operator delete(block); }
    };
    std::vector<std::unique_ptr<T, Free>> blocks_;
    size_t used_ = 0;
    size_t capacity_ = 0;
  };

  char* Allocate(size_t n) {
    if (n > kCharBlock / 4) {
      chars_.emplace_back(new char[n]);
      return chars_.back().get();
    }
    if (chars_left_ < n) {
      chars_.emplace_back(new char[kCharBlock]);
      chars_next_ = chars_.back().get();
      chars_left_ = kCharBlock;
    }
    char* out = chars_next_;
    chars_next_ += n;
    chars_left_ -= n;
    return out;
  }

  static constexpr size_t kCharBlock = 16 << 10;
  Pool<Node> nodes_;
  Pool<Attribute> attributes_;
  std::vector<std::unique_ptr<char[]>> chars_;
  char* chars_next_ = nullptr;
  size_t chars_left_ = 0;
};

Document::Document() : arena_(std::make_unique<Arena>()) {}
Document::~Document() = default;
Document::Document(Document&& other) noexcept
    : arena_(std::move(other.arena_)),
      root_(std::exchange(other.root_, nullptr)),
      declarations_(std::move(other.declarations_)) {}
Document& Document::operator=(Document&& other) noexcept {
  arena_ = std::move(other.arena_);
  root_ = std::exchange(other.root_, nullptr);
  declarations_ = std::move(other.declarations_);
  return *this;
}

Node* Document::NewNode() { return arena_->NewNode(); }
Attribute* Document::NewAttribute() { return arena_->NewAttribute(); }
std::string_view Document::Store(std::string_view bytes) { return arena_->Store(bytes); }

void Document::AppendChild(Node* parent, Node* child) {
  child->parent = parent;
  if (parent->last_child == nullptr) {
    parent->first_child = child;
  } else {
    parent->last_child->next = child;
  }
  parent->last_child = child;
}

namespace {

constexpr std::string_view kXmlnsNamespace = "http://www.w3.org/2000/xmlns/";
// A general parser refuses a text node longer than this (libxml2 without
// XML_PARSE_HUGE); such documents go to it.
constexpr size_t kMaxTextBytes = 9'000'000;
constexpr size_t kMaxNameBytes = 1000;

// Bytes that end a run of plain character data: markup, references, line
// ends to normalise, "]]>" and bytes that may start a character XML forbids
// (controls; U+FFFE and U+FFFF are EF BF BE/BF).
constexpr std::array<bool, 256> kTextStops = [] {
  std::array<bool, 256> stops{};
  for (int c = 0; c < 0x20; ++c) stops[c] = c != '\t' && c != '\n';
  stops['<'] = stops['&'] = stops[']'] = stops[0xEF] = true;
  return stops;
}();

// The same for attribute values, where every white space character is
// normalised to a space and either quote may end the value.
constexpr std::array<bool, 256> kValueStops = [] {
  std::array<bool, 256> stops{};
  for (int c = 0; c < 0x20; ++c) stops[c] = true;
  stops['<'] = stops['&'] = stops['"'] = stops['\''] = stops[0xEF] = true;
  return stops;
}();

// Bytes that need a look in CDATA sections, comments and processing
// instructions: line ends to normalise and characters XML may forbid.
constexpr std::array<bool, 256> kCheckStops = [] {
  std::array<bool, 256> stops{};
  for (int c = 0; c < 0x20; ++c) stops[c] = c != '\t' && c != '\n';
  stops[0xEF] = true;
  return stops;
}();

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsNameStart(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsNameByte(unsigned char c) { return IsNameStart(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }

bool IsXmlChar(uint32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
         (c >= 0x10000 && c <= 0x10FFFF);
}

// True if a general parser accepts `uri` as a namespace name without an
// error (libxml2 reports one for anything its URI parser rejects). Feeds
// use a handful of namespaces, so answers are remembered per thread.
bool IsAcceptedNamespaceUri(std::string_view uri) {
  thread_local std::vector<std::string> accepted;
  for (const std::string& known : accepted) {
    if (known == uri) return true;
  }
  std::string copy(uri);
  if (copy.find('\0') != std::string::npos) return false;
  xmlURIPtr parsed = xmlParseURI(copy.c_str());
  if (parsed == nullptr) return false;
  const bool absolute = parsed->scheme != nullptr;  // relative ones draw a warning
  xmlFreeURI(parsed);
  if (!absolute) return false;
  if (accepted.size() >= 64) accepted.erase(accepted.begin());
  accepted.push_back(std::move(copy));
  return true;
}

class WellFormedParser {
 public:
  WellFormedParser(std::string_view in, Document* doc, int max_depth, bool any_declared_encoding)
      : in_(in), doc_(doc), max_depth_(max_depth), any_declared_encoding_(any_declared_encoding) {}

  bool Run() {
    if (in_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    if (in_.compare(pos_, 5, "<?xml") == 0 && pos_ + 5 < in_.size() && IsSpace(in_[pos_ + 5])) {
      if (!ParseDeclaration()) return false;
    }
    if (!ParseMisc()) return false;
    if (!At('<') || !ParseStartTag()) return false;
    while (!open_.empty()) {
      if (!At('<') || Next("<![CDATA[")) {
        if (!ParseText()) return false;
      } else if (Next("</")) {
        if (!ParseEndTag()) return false;
      } else if (Next("<!--")) {
        if (!ParseComment(open_.back().node)) return false;
      } else if (Next("<?") || Next("<!")) {
        return false;
      } else if (!ParseStartTag()) {
        return false;
      }
    }
    return ParseMisc() && pos_ == in_.size();
  }

 private:
  struct Binding {
    std::string_view prefix;
    std::string_view uri;
  };
  struct Open {
    Node* node;
    std::string_view qname;
    size_t bindings;
  };
  struct RawAttribute {
    std::string_view prefix;
    std::string_view local;
    std::string_view qname;
    std::string_view value;
    bool declaration;
  };

  bool At(char c) const { return pos_ < in_.size() && in_[pos_] == c; }
  bool Next(std::string_view s) const { return in_.compare(pos_, s.size(), s) == 0; }
  unsigned char Byte(size_t i) const { return static_cast<unsigned char>(in_[i]); }

  size_t SkipSpace() {
    size_t start = pos_;
    while (pos_ < in_.size() && IsSpace(in_[pos_])) ++pos_;
    return pos_ - start;
  }

  // True if the bytes at `i` start U+FFFE or U+FFFF.
  bool IsForbiddenEF(size_t i) const {
    return i + 2 < in_.size() && Byte(i + 1) == 0xBF && (Byte(i + 2) == 0xBE || Byte(i + 2) == 0xBF);
  }

  // Appends `s` (inside a CDATA section, comment or processing instruction)
  // with line ends normalised; false if it holds a character XML forbids.
  bool AppendChecked(size_t begin, size_t end, std::string* out) {
    size_t segment = begin;
    for (size_t i = begin; i < end; ++i) {
      unsigned char c = Byte(i);
      if (!kCheckStops[c]) continue;
      if (c == 0xEF) {
        if (IsForbiddenEF(i)) return false;
      } else if (c == '\r') {
        if (out != nullptr) {
          out->append(in_.data() + segment, i - segment);
          out->push_back('\n');
        }
        if (i + 1 < end && in_[i + 1] == '\n') ++i;
        segment = i + 1;
      } else if (c != '\t' && c != '\n') {
        return false;
      }
    }
    if (out != nullptr) out->append(in_.data() + segment, end - segment);
    return true;
  }

  bool ParseName(std::string_view* name) {
    size_t start = pos_;
    if (pos_ >= in_.size() || !IsNameStart(Byte(pos_))) return false;
    ++pos_;
    while (pos_ < in_.size() && IsNameByte(Byte(pos_))) ++pos_;
    if (pos_ - start > kMaxNameBytes) return false;
    *name = in_.substr(start, pos_ - start);
    return true;
  }

  bool ParseQName(std::string_view* prefix, std::string_view* local, std::string_view* qname) {
    size_t start = pos_;
    std::string_view first;
    if (!ParseName(&first)) return false;
    if (At(':')) {
      ++pos_;
      if (!ParseName(local)) return false;
      *prefix = first;
    } else {
      *prefix = {};
      *local = first;
    }
    *qname = in_.substr(start, pos_ - start);
    return true;
  }

  // At '&': appends the character(s) of a character reference or one of
  // the five predefined entities.
  bool ParseReference(std::string* out) {
    ++pos_;
    if (At('#')) {
      ++pos_;
      const bool hex = At('x');
      if (hex) ++pos_;
      uint32_t value = 0;
      size_t digits = 0;
      for (; pos_ < in_.size() && in_[pos_] != ';'; ++pos_, ++digits) {
        unsigned char c = Byte(pos_);
        uint32_t digit;
        if (c >= '0' && c <= '9') {
          digit = c - '0';
        } else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
          digit = (c | 0x20) - 'a' + 10;
        } else {
          return false;
        }
        value = value * (hex ? 16 : 10) + digit;
        if (value > 0x10FFFF) return false;
      }
      if (digits == 0 || !At(';') || !IsXmlChar(value)) return false;
      ++pos_;
      newsflow::AppendUtf8(static_cast<char32_t>(value), out);
      return true;
    }
    size_t end = in_.find(';', pos_);
    if (end == std::string_view::npos || end - pos_ > 4) return false;
    std::string_view name = in_.substr(pos_, end - pos_);
    char c;
    if (name == "lt") {
      c = '<';
    } else if (name == "gt") {
      c = '>';
    } else if (name == "amp") {
      c = '&';
    } else if (name == "quot") {
      c = '"';
    } else if (name == "apos") {
      c = '\'';
    } else {
      return false;
    }
    out->push_back(c);
    pos_ = end + 1;
    return true;
  }

  // `*had_reference`: the value held a character or entity reference.
  bool ParseAttributeValue(std::string_view* value, bool* had_reference) {
    *had_reference = false;
    if (!At('"') && !At('\'')) return false;
    const char quote = in_[pos_++];
    const size_t start = pos_;
    size_t segment = start;
    bool copied = false;
    scratch_.clear();
    for (;;) {
      while (pos_ < in_.size() && !kValueStops[Byte(pos_)]) ++pos_;
      if (pos_ >= in_.size()) return false;
      const unsigned char c = Byte(pos_);
      if (c == static_cast<unsigned char>(quote)) break;
      if (c == '"' || c == '\'') {
        ++pos_;
        continue;
      }
      if (c == 0xEF) {
        if (IsForbiddenEF(pos_)) return false;
        ++pos_;
        continue;
      }
      if (c == '<') return false;
      if (c != '&' && c != '\t' && c != '\n' && c != '\r') return false;
      scratch_.append(in_.data() + segment, pos_ - segment);
      copied = true;
      if (c == '&') {
        *had_reference = true;
        if (!ParseReference(&scratch_)) return false;
      } else {
        scratch_.push_back(' ');
        ++pos_;
        if (c == '\r' && At('\n')) ++pos_;
      }
      segment = pos_;
    }
    if (copied) {
      scratch_.append(in_.data() + segment, pos_ - segment);
      *value = doc_->Store(scratch_);
    } else {
      *value = in_.substr(start, pos_ - start);
    }
    if (value->size() > kMaxTextBytes) return false;
    ++pos_;  // the closing quote
    return true;
  }

  // <?xml version="1.0" encoding="..." standalone="..."?>, at "<?xml ".
  bool ParseDeclaration() {
    pos_ += 5;
    bool first = true;
    bool has_version = false;
    int stage = 0;  // version, encoding, standalone: each at most once, in order
    for (;;) {
      size_t spaces = SkipSpace();
      if (Next("?>")) {
        pos_ += 2;
        return has_version;
      }
      if (!first && spaces == 0) return false;
      first = false;
      std::string_view name;
      if (!ParseName(&name)) return false;
      SkipSpace();
      if (!At('=')) return false;
      ++pos_;
      SkipSpace();
      if (!At('"') && !At('\'')) return false;
      const char quote = in_[pos_++];
      size_t end = in_.find(quote, pos_);
      if (end == std::string_view::npos) return false;
      std::string_view value = in_.substr(pos_, end - pos_);
      pos_ = end + 1;
      if (name == "version" && stage == 0) {
        if (value != "1.0") return false;
        has_version = true;
        stage = 1;
      } else if (name == "encoding" && stage == 1) {
        if (!any_declared_encoding_) {
          std::string lower(value);
          for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
          if (lower != "utf-8") return false;
        }
        // EncName: [A-Za-z] ([A-Za-z0-9._] | '-')*
        if (value.empty() ||
            !((value[0] >= 'a' && value[0] <= 'z') || (value[0] >= 'A' && value[0] <= 'Z'))) {
          return false;
        }
        for (char c : value) {
          if (!IsNameByte(static_cast<unsigned char>(c))) return false;
        }
        stage = 2;
      } else if (name == "standalone" && stage >= 1 && stage <= 2) {
        if (value != "yes" && value != "no") return false;
        stage = 3;
      } else {
        return false;
      }
    }
  }

  // White space, comments and processing instructions before or after the
  // root element; stops at anything else.
  bool ParseMisc() {
    for (;;) {
      SkipSpace();
      if (Next("<!--")) {
        if (!ParseComment(nullptr)) return false;
      } else if (Next("<?")) {
        pos_ += 2;
        std::string_view target;
        if (!ParseName(&target)) return false;
        if (target.size() == 3 && (target[0] | 0x20) == 'x' && (target[1] | 0x20) == 'm' &&
            (target[2] | 0x20) == 'l') {
          return false;
        }
        size_t end = in_.find("?>", pos_);
        if (end == std::string_view::npos || end - pos_ > kMaxTextBytes) return false;
        if (end > pos_ && !IsSpace(in_[pos_])) return false;
        if (!AppendChecked(pos_, end, nullptr)) return false;
        pos_ = end + 2;
      } else {
        return true;
      }
    }
  }

  // At "<!--": a comment, added to `parent` (nullptr: dropped).
  bool ParseComment(Node* parent) {
    pos_ += 4;
    size_t end = in_.find("--", pos_);
    if (end == std::string_view::npos || end + 2 >= in_.size() || in_[end + 2] != '>' ||
        end - pos_ > kMaxTextBytes) {
      return false;
    }
    std::string_view text = in_.substr(pos_, end - pos_);
    if (parent != nullptr) {
      scratch_.clear();
      if (!AppendChecked(pos_, end, &scratch_)) return false;
      if (std::string_view(scratch_) != text) text = doc_->Store(scratch_);
      Node* node = doc_->NewNode();
      node->type = NodeType::kComment;
      node->text = text;
      Document::AppendChild(parent, node);
    } else if (!AppendChecked(pos_, end, nullptr)) {
      return false;
    }
    pos_ = end + 3;
    return true;
  }

  // Character data up to the next markup other than a CDATA section: one
  // text node.
  bool ParseText() {
    const size_t start = pos_;
    size_t segment = start;
    bool copied = false;
    scratch_.clear();
    for (;;) {
      while (pos_ < in_.size() && !kTextStops[Byte(pos_)]) ++pos_;
      if (pos_ >= in_.size()) return false;  // the root element is still open
      const unsigned char c = Byte(pos_);
      if (c == '<') {
        if (!Next("<![CDATA[")) break;
        scratch_.append(in_.data() + segment, pos_ - segment);
        copied = true;
        pos_ += 9;
        size_t end = in_.find("]]>", pos_);
        // An empty section gives libxml2 an empty text node of its own.
        if (end == std::string_view::npos || end == pos_ || !AppendChecked(pos_, end, &scratch_)) {
          return false;
        }
        pos_ = end + 3;
        segment = pos_;
      } else if (c == '&') {
        scratch_.append(in_.data() + segment, pos_ - segment);
        copied = true;
        if (!ParseReference(&scratch_)) return false;
        segment = pos_;
      } else if (c == '\r') {
        scratch_.append(in_.data() + segment, pos_ - segment);
        copied = true;
        scratch_.push_back('\n');
        ++pos_;
        if (At('\n')) ++pos_;
        segment = pos_;
      } else if (c == ']') {
        if (Next("]]>")) return false;
        ++pos_;
      } else if (c == 0xEF) {
        if (IsForbiddenEF(pos_)) return false;
        ++pos_;
      } else {
        return false;  // a control character
      }
    }
    std::string_view text;
    if (copied) {
      scratch_.append(in_.data() + segment, pos_ - segment);
      text = doc_->Store(scratch_);
    } else {
      text = in_.substr(start, pos_ - start);
    }
    if (text.size() > kMaxTextBytes) return false;
    if (!text.empty()) {
      Node* node = doc_->NewNode();
      node->type = NodeType::kText;
      node->text = text;
      Document::AppendChild(open_.back().node, node);
    }
    return true;
  }

  bool LookUp(std::string_view prefix, std::string_view* uri) const {
    for (auto it = bindings_.rbegin(); it != bindings_.rend(); ++it) {
      if (it->prefix == prefix) {
        *uri = it->uri;
        return true;
      }
    }
    return false;
  }

  bool ParseStartTag() {
    ++pos_;  // '<'
    std::string_view prefix, local, qname;
    if (!ParseQName(&prefix, &local, &qname)) return false;
    const size_t outer_bindings = bindings_.size();
    attributes_.clear();
    bool empty = false;
    for (;;) {
      size_t spaces = SkipSpace();
      if (pos_ >= in_.size()) return false;
      if (in_[pos_] == '>') {
        ++pos_;
        break;
      }
      if (in_[pos_] == '/') {
        if (!Next("/>")) return false;
        pos_ += 2;
        empty = true;
        break;
      }
      if (spaces == 0) return false;
      RawAttribute attr;
      if (!ParseQName(&attr.prefix, &attr.local, &attr.qname)) return false;
      SkipSpace();
      if (!At('=')) return false;
      ++pos_;
      SkipSpace();
      bool had_reference = false;
      if (!ParseAttributeValue(&attr.value, &had_reference)) return false;
      for (const RawAttribute& other : attributes_) {
        if (other.qname == attr.qname) return false;
      }
      attr.declaration = attr.prefix == "xmlns" || (attr.prefix.empty() && attr.local == "xmlns");
      if (attr.declaration) {
        // libxml2 takes a namespace name with its references undecoded
        // ("&#38;" for "&amp;"): leave such declarations to it.
        if (had_reference) return false;
        std::string_view bound = attr.prefix.empty() ? std::string_view() : attr.local;
        if (attr.value == kXmlNamespace || attr.value == kXmlnsNamespace) return false;
        if (!bound.empty() && (attr.value.empty() || bound == "xml" || bound == "xmlns")) {
          return false;
        }
        if (!attr.value.empty() && !IsAcceptedNamespaceUri(attr.value)) return false;
        bindings_.push_back({bound, attr.value});
        doc_->AddNamespaceDeclaration(bound, attr.value);
      }
      attributes_.push_back(attr);
    }

    Node* node = doc_->NewNode();
    node->type = NodeType::kElement;
    node->name = local;
    node->prefix = prefix;
    if (prefix.empty()) {
      LookUp({}, &node->ns);
    } else if (prefix == "xml" || prefix == "xmlns" || !LookUp(prefix, &node->ns)) {
      return false;
    }
    Attribute* last = nullptr;
    for (const RawAttribute& raw : attributes_) {
      if (raw.declaration) continue;
      std::string_view ns;
      if (raw.prefix == "xml") {
        ns = kXmlNamespace;
      } else if (!raw.prefix.empty() && !LookUp(raw.prefix, &ns)) {
        return false;
      }
      if (!raw.prefix.empty() && node->FindAttribute(ns, raw.local) != nullptr) return false;
      Attribute* attr = doc_->NewAttribute();
      attr->ns = ns;
      attr->name = raw.local;
      attr->value = raw.value;
      if (last == nullptr) {
        node->attributes = attr;
      } else {
        last->next = attr;
      }
      last = attr;
    }
    if (open_.empty()) {
      doc_->set_root(node);
    } else {
      Document::AppendChild(open_.back().node, node);
    }
    if (empty) {
      bindings_.resize(outer_bindings);
    } else {
      if (static_cast<int>(open_.size()) >= max_depth_) return false;
      open_.push_back({node, qname, outer_bindings});
    }
    return true;
  }

  bool ParseEndTag() {
    pos_ += 2;
    std::string_view prefix, local, qname;
    if (!ParseQName(&prefix, &local, &qname)) return false;
    if (qname != open_.back().qname) return false;
    SkipSpace();
    if (!At('>')) return false;
    ++pos_;
    bindings_.resize(open_.back().bindings);
    open_.pop_back();
    return true;
  }

  std::string_view in_;
  size_t pos_ = 0;
  Document* doc_;
  int max_depth_;
  bool any_declared_encoding_;
  std::vector<Binding> bindings_;
  std::vector<Open> open_;
  std::vector<RawAttribute> attributes_;
  std::string scratch_;
};

}  // namespace

std::optional<Document> Document::ParseWellFormed(std::string_view utf8, int max_depth,
                                                  bool any_declared_encoding) {
  Document doc;
  WellFormedParser parser(utf8, &doc, max_depth, any_declared_encoding);
  if (!parser.Run() || doc.root() == nullptr) return std::nullopt;
  return doc;
}

}  // namespace newsflow::ingest::xml

// A read-only XML element tree for feed documents, and a fast parser that
// builds it directly from well-formed UTF-8.
//
// Most feeds are well-formed UTF-8 with namespaces and no DTD. For those,
// ParseWellFormed builds the tree several times faster than a general parser
// building its own DOM. It accepts only documents that a conforming,
// namespace-aware XML 1.0 parser would read without any error, and it builds
// the same tree such a parser does (character and predefined entity
// references decoded, CDATA merged into the surrounding text, line ends and
// attribute whitespace normalised). Everything else - a DTD, an undefined
// entity, a syntax error, an unbound prefix, a processing instruction inside
// the document - makes it return nullopt, and the caller parses the document
// with a full, recovering parser and copies that parser's tree into a
// Document with the builder methods below.
#ifndef NEWSFLOW_SERVICES_INGEST_FEED_XML_TREE_H_
#define NEWSFLOW_SERVICES_INGEST_FEED_XML_TREE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace newsflow::ingest::xml {

// The namespace bound to the reserved prefix "xml" (xml:lang, xml:base).
inline constexpr std::string_view kXmlNamespace = "http://www.w3.org/XML/1998/namespace";

enum class NodeType : uint8_t { kElement, kText, kComment };

struct Attribute {
  std::string_view ns;     // namespace URI; empty: none
  std::string_view name;   // local name
  std::string_view value;  // normalised value
  const Attribute* next = nullptr;
};

struct Node {
  NodeType type = NodeType::kElement;
  std::string_view ns;      // elements: namespace URI; empty: none
  std::string_view name;    // elements: local name
  std::string_view prefix;  // elements: the prefix as written; empty: none
  std::string_view text;    // text and comments: their characters
  const Attribute* attributes = nullptr;
  Node* parent = nullptr;
  Node* first_child = nullptr;
  Node* last_child = nullptr;
  Node* next = nullptr;

  bool IsElement() const { return type == NodeType::kElement; }
  // The attribute `name` in namespace `ns` (empty: in none), or nullptr.
  const Attribute* FindAttribute(std::string_view ns, std::string_view name) const;
};

class Document {
 public:
  Document();
  ~Document();
  Document(Document&&) noexcept;
  Document& operator=(Document&&) noexcept;
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  // Parses `utf8`, which must be valid UTF-8 (a leading byte order mark is
  // skipped), if it is a well-formed, namespace-well-formed XML 1.0 document
  // without a document type declaration, without processing instructions
  // after the prolog, with no element nested deeper than `max_depth`, and
  // whose XML declaration, if any, says version 1.0 and (unless
  // `any_declared_encoding`) UTF-8 or no encoding. Returns nullopt otherwise.
  // Names and unchanged text point into `utf8`, which must outlive the
  // Document.
  static std::optional<Document> ParseWellFormed(std::string_view utf8, int max_depth,
                                                 bool any_declared_encoding);

  // The root element; nullptr for a Document that was moved from.
  Node* root() const { return root_; }

  // The document's namespace declarations in document order, as (prefix,
  // namespace URI); the prefix is empty for a default namespace. Declarations
  // that undeclare a default namespace (xmlns="") are not listed.
  const std::vector<std::pair<std::string_view, std::string_view>>& namespace_declarations() const {
    return declarations_;
  }
  void AddNamespaceDeclaration(std::string_view prefix, std::string_view uri) {
    if (!uri.empty()) declarations_.emplace_back(prefix, uri);
  }

  // Building a tree by hand (a copy of another parser's tree). Nodes and
  // strings live as long as the Document.
  Node* NewNode();
  Attribute* NewAttribute();
  std::string_view Store(std::string_view bytes);
  void set_root(Node* root) { root_ = root; }
  static void AppendChild(Node* parent, Node* child);

 private:
  class Arena;
  std::unique_ptr<Arena> arena_;
  Node* root_ = nullptr;
  std::vector<std::pair<std::string_view, std::string_view>> declarations_;
};

}  // namespace newsflow::ingest::xml

#endif  // NEWSFLOW_SERVICES_INGEST_FEED_XML_TREE_H_

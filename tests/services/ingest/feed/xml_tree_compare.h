// Test helpers that compare the fast feed XML parser with libxml2: both
// trees are rendered in one canonical notation, so a difference shows as a
// string difference.
#ifndef NEWSFLOW_TESTS_SERVICES_INGEST_FEED_XML_TREE_COMPARE_H_
#define NEWSFLOW_TESTS_SERVICES_INGEST_FEED_XML_TREE_COMPARE_H_

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <optional>
#include <string>
#include <string_view>

#include "services/ingest/feed/xml_tree.h"

namespace newsflow::ingest::xml::testing {

inline void AppendQuoted(std::string_view text, std::string* out) {
  out->push_back('"');
  for (char c : text) {
    if (c == '"' || c == '\\') out->push_back('\\');
    if (c == '\n') {
      out->append("\\n");
    } else if (c == '\r') {
      out->append("\\r");
    } else if (c == '\t') {
      out->append("\\t");
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

// E{ns}name[{ns}attr="value" ...](children) / T"text" / C"comment".
inline void Render(const Node* node, std::string* out) {
  switch (node->type) {
    case NodeType::kText:
      out->push_back('T');
      AppendQuoted(node->text, out);
      return;
    case NodeType::kComment:
      out->push_back('C');
      AppendQuoted(node->text, out);
      return;
    case NodeType::kElement:
      break;
  }
  *out += "E{" + std::string(node->ns) + "}" + std::string(node->name) + "[";
  for (const Attribute* attr = node->attributes; attr != nullptr; attr = attr->next) {
    *out += "{" + std::string(attr->ns) + "}" + std::string(attr->name) + "=";
    AppendQuoted(attr->value, out);
    out->push_back(' ');
  }
  out->append("](");
  for (const Node* child = node->first_child; child != nullptr; child = child->next) {
    Render(child, out);
  }
  out->push_back(')');
}

inline std::string Text(const xmlChar* s) { return s != nullptr ? reinterpret_cast<const char*>(s) : ""; }

inline void Render(const xmlNode* node, std::string* out) {
  switch (node->type) {
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE:
      out->push_back('T');
      AppendQuoted(Text(node->content), out);
      return;
    case XML_COMMENT_NODE:
      out->push_back('C');
      AppendQuoted(Text(node->content), out);
      return;
    case XML_ELEMENT_NODE:
      break;
    default:
      *out += "?" + std::to_string(node->type);
      return;
  }
  *out += "E{" + (node->ns != nullptr ? Text(node->ns->href) : "") + "}" + Text(node->name) + "[";
  for (const xmlAttr* attr = node->properties; attr != nullptr; attr = attr->next) {
    *out += "{" + (attr->ns != nullptr ? Text(attr->ns->href) : "") + "}" + Text(attr->name) + "=";
    xmlChar* value = xmlNodeListGetString(node->doc, attr->children, 1);
    AppendQuoted(Text(value), out);
    xmlFree(value);
    out->push_back(' ');
  }
  out->append("](");
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    Render(child, out);
  }
  out->push_back(')');
}

// The fast parser's tree, or nullopt if it leaves the document to libxml2.
inline std::optional<std::string> FastTree(std::string_view doc, int max_depth = 200) {
  std::optional<Document> tree = Document::ParseWellFormed(doc, max_depth, false);
  if (!tree) return std::nullopt;
  std::string out;
  Render(tree->root(), &out);
  return out;
}

// libxml2's tree of the root element if it finds `doc` well-formed and
// namespace-well-formed (without recovery), else nullopt.
inline std::optional<std::string> LibxmlTree(std::string_view doc) {
  xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
  if (ctxt == nullptr) return std::nullopt;
  xmlDocPtr parsed =
      xmlCtxtReadMemory(ctxt, doc.data(), static_cast<int>(doc.size()), nullptr, nullptr,
                        XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  std::optional<std::string> out;
  if (parsed != nullptr && ctxt->wellFormed && ctxt->nsWellFormed) {
    xmlNode* root = xmlDocGetRootElement(parsed);
    if (root != nullptr) {
      out.emplace();
      Render(root, &*out);
    }
  }
  if (parsed != nullptr) xmlFreeDoc(parsed);
  xmlFreeParserCtxt(ctxt);
  return out;
}

}  // namespace newsflow::ingest::xml::testing

#endif  // NEWSFLOW_TESTS_SERVICES_INGEST_FEED_XML_TREE_COMPARE_H_

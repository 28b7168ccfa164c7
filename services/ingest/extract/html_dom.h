// Small read-only helpers over libxml2's HTML tree, shared by the extractor's
// sources; not part of the module's public API.
#ifndef NEWSFLOW_SERVICES_INGEST_EXTRACT_HTML_DOM_H_
#define NEWSFLOW_SERVICES_INGEST_EXTRACT_HTML_DOM_H_

#include <libxml/tree.h>

#include <string>
#include <string_view>

namespace newsflow::ingest::dom {

inline bool IsElement(const xmlNode* node) { return node != nullptr && node->type == XML_ELEMENT_NODE; }

// Lower-case tag name (libxml2's HTML parser lower-cases names).
inline std::string_view Name(const xmlNode* node) {
  return node->name == nullptr ? std::string_view()
                               : std::string_view(reinterpret_cast<const char*>(node->name));
}

// Value of attribute `name`, or "" when absent. The view points into the tree.
inline std::string_view Attr(const xmlNode* node, std::string_view name) {
  if (!IsElement(node)) return {};
  for (const xmlAttr* a = node->properties; a != nullptr; a = a->next) {
    if (a->name == nullptr || std::string_view(reinterpret_cast<const char*>(a->name)) != name) {
      continue;
    }
    const xmlNode* value = a->children;
    if (value == nullptr || value->content == nullptr) return {};
    return std::string_view(reinterpret_cast<const char*>(value->content));
  }
  return {};
}

inline bool HasAttr(const xmlNode* node, std::string_view name) {
  if (!IsElement(node)) return false;
  for (const xmlAttr* a = node->properties; a != nullptr; a = a->next) {
    if (a->name != nullptr && std::string_view(reinterpret_cast<const char*>(a->name)) == name) {
      return true;
    }
  }
  return false;
}

inline std::string_view Content(const xmlNode* node) {
  return node->content == nullptr ? std::string_view()
                                  : std::string_view(reinterpret_cast<const char*>(node->content));
}

// Appends the text of `node` and its descendants to `out`, whitespace runs
// collapsed to one space, with a space between block-level children.
void AppendText(const xmlNode* node, std::string* out, int depth = 0);

// AppendText into a fresh string, trimmed.
std::string Text(const xmlNode* node);

// ASCII lower-casing and whitespace trimming.
std::string Lower(std::string_view s);
std::string_view TrimView(std::string_view s);

}  // namespace newsflow::ingest::dom

#endif  // NEWSFLOW_SERVICES_INGEST_EXTRACT_HTML_DOM_H_

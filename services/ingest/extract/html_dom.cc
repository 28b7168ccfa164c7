#include "services/ingest/extract/html_dom.h"

namespace newsflow::ingest::dom {
namespace {

constexpr int kMaxDepth = 1024;

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f'; }

void AppendCollapsed(std::string_view text, std::string* out) {
  for (char c : text) {
    if (IsSpace(c)) {
      if (!out->empty() && out->back() != ' ') out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
}

}  // namespace

void AppendText(const xmlNode* node, std::string* out, int depth) {
  if (depth > kMaxDepth || node == nullptr) return;
  if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
    AppendCollapsed(Content(node), out);
    return;
  }
  if (node->type != XML_ELEMENT_NODE) return;
  std::string_view name = Name(node);
  bool spaced = name != "a" && name != "span" && name != "b" && name != "i" && name != "em" &&
                name != "strong" && name != "font" && name != "small" && name != "sup" && name != "sub" &&
                name != "u" && name != "abbr" && name != "cite" && name != "code" && name != "mark" &&
                name != "q" && name != "time";
  if (name == "br") spaced = true;
  if (spaced && !out->empty() && out->back() != ' ') out->push_back(' ');
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    AppendText(child, out, depth + 1);
  }
  if (spaced && !out->empty() && out->back() != ' ') out->push_back(' ');
}

std::string Text(const xmlNode* node) {
  std::string out;
  AppendText(node, &out);
  return std::string(TrimView(out));
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view TrimView(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace newsflow::ingest::dom

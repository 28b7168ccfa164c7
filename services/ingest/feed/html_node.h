// Gumbo-level helpers used by html_text.cc; not part
// of the feed library's public API.
//
// A GumboDocument owns one parse tree. The node functions only read the tree
// and never keep pointers into it.
#ifndef NEWSFLOW_SERVICES_INGEST_FEED_HTML_NODE_H_
#define NEWSFLOW_SERVICES_INGEST_FEED_HTML_NODE_H_

#include <gumbo.h>

#include <string>
#include <string_view>

namespace newsflow::ingest::html {

// Owns the result of parsing a whole HTML document (fragments are placed in
// <body> by the HTML5 tree builder). Not copyable.
class GumboDocument {
 public:
  explicit GumboDocument(std::string_view html);
  ~GumboDocument();
  GumboDocument(const GumboDocument&) = delete;
  GumboDocument& operator=(const GumboDocument&) = delete;

  // The <html> element; never null.
  const GumboNode* root() const { return output_->root; }
  // The <body> element, or the root if there is none.
  const GumboNode* body() const;

 private:
  std::string buffer_;  // gumbo points into the input, so keep a copy
  GumboOutput* output_;
};

// The value of attribute `name` on an element, or "" if absent.
std::string_view Attribute(const GumboNode* node, const char* name);

// True if `node` is an element with tag `tag`.
bool IsElement(const GumboNode* node, GumboTag tag);

// Lower-cased tag name of an element ("" for other nodes).
std::string TagName(const GumboNode* node);

// Plain text of `node` and its descendants, with the rules of HtmlToText.
std::string NodeText(const GumboNode* node);

// Sanitised HTML of the children of `node`, with the rules of SanitizeHtml.
std::string SanitizeChildren(const GumboNode* node, std::string_view base_url);

// True for tags whose content HtmlToText drops (script, nav, footer, ...).
bool IsDroppedFromText(GumboTag tag);

// HtmlToText and SanitizeHtml (before trimming) through the tree builder
// alone, without the simple-fragment route; tests compare the two.
std::string HtmlToTextWithTreeBuilder(std::string_view html);
std::string SanitizeHtmlWithTreeBuilder(std::string_view html, std::string_view base_url);

}  // namespace newsflow::ingest::html

#endif  // NEWSFLOW_SERVICES_INGEST_FEED_HTML_NODE_H_

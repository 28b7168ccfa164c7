// A fast parser for the simple HTML that feeds carry, used by html_text.cc
// before it falls back to the full HTML5 tree builder (gumbo); not part of
// the feed library's public API.
//
// Most feed bodies are short, well-nested fragments: paragraphs, links,
// images, emphasis, lists, the odd script. For such input the HTML5 tree is
// exactly the nesting of the tags as written, plus a few simple implied end
// tags (an unclosed <p> or <li> before the next one, open elements at the
// end). ParseSimpleHtml tokenises the fragment and reports that tree as
// events in document order, without building it. It accepts a fragment only
// when it can tell that the tree builder would produce that very tree; on
// anything that needs the rest of the HTML5 algorithm (misnested formatting
// elements, tables, forms, foreign content, unknown entity names, control
// characters, invalid UTF-8, ...) it returns false, and the caller must
// discard what it received and use the tree builder instead.
//
// Pure and thread-safe.
#ifndef NEWSFLOW_SERVICES_INGEST_FEED_SIMPLE_HTML_H_
#define NEWSFLOW_SERVICES_INGEST_FEED_SIMPLE_HTML_H_

#include <gumbo.h>

#include <string_view>

namespace newsflow::ingest::html {

// An attribute as the HTML5 tokenizer reports it: the name lower-cased, the
// value with character references decoded. Later duplicates of a name are
// dropped, as the tokenizer does.
struct SimpleAttribute {
  std::string_view name;
  std::string_view value;
};

// Receives the tree of a fragment in document order. Void elements (br,
// img, ...) get a StartElement with `is_void` set and no EndElement. Text
// may arrive in several pieces; character references are decoded. The views
// are valid only during the call.
class SimpleHtmlSink {
 public:
  virtual ~SimpleHtmlSink() = default;
  virtual void StartElement(GumboTag tag, const SimpleAttribute* attributes, int count, bool is_void) = 0;
  virtual void EndElement(GumboTag tag) = 0;
  virtual void Text(std::string_view text) = 0;
};

// Parses `html` as an HTML document. Returns true if the events sent to
// `sink` are the tree of the document's <body> as an HTML5 parser builds it
// (elements unknown to gumbo come as GUMBO_TAG_UNKNOWN); returns false,
// possibly after some events, if the fragment is outside the subset this
// parser can vouch for.
// One liberty: a script, style, meta, link or base element at the very start
// belongs in <head>, and whitespace between such elements too, but is
// reported in place. html_text.cc drops these elements wherever they are, and
// leading whitespace carries no meaning there.
bool ParseSimpleHtml(std::string_view html, SimpleHtmlSink* sink);

}  // namespace newsflow::ingest::html

#endif  // NEWSFLOW_SERVICES_INGEST_FEED_SIMPLE_HTML_H_

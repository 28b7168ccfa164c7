// HTML to plain text, and HTML sanitising, for feed bodies and pages.
//
//   HtmlToText("<p>Hello&nbsp;<b>world</b></p><p>Bye</p>") == "Hello world\n\nBye"
//   SanitizeHtml("<p onclick=\"x()\">Hi<script>x()</script></p>") == "<p>Hi</p>"
//
// Both functions give the result of parsing with an HTML5 parser (gumbo), so
// they accept any bytes, including unbalanced markup and whole pages. Simple
// fragments, the bulk of feed content, take a faster route to the same
// result (simple_html.h). They are pure and thread-safe.
#ifndef NEWSFLOW_SERVICES_INGEST_FEED_HTML_TEXT_H_
#define NEWSFLOW_SERVICES_INGEST_FEED_HTML_TEXT_H_

#include <string>
#include <string_view>

namespace newsflow::ingest {

// Converts an HTML fragment or page to plain text. Block elements (p, div,
// h1-h6, li, blockquote, table rows, ...) become paragraphs separated by
// "\n\n"; <br> becomes "\n"; other whitespace runs (including no-break spaces)
// collapse to one space, except inside <pre>; entities are decoded.
// The contents of script, style, noscript, nav, header, footer, aside, form
// and the document head are dropped. The result has no leading or trailing
// whitespace.
std::string HtmlToText(std::string_view html);

// Returns `html` reduced to an allow-list of tags and attributes:
// p, br, hr, a[href,title], em, strong, b, i, u, s, sub, sup, small, mark,
// cite, q[cite], abbr[title], del, ins, code, pre, ul, ol[start], li, dl, dt,
// dd, blockquote[cite], h1-h6, img[src,alt,title,width,height], figure,
// figcaption, table, caption, thead, tbody, tfoot, tr, th/td[colspan,rowspan].
// script, style, iframe, object, embed, form controls, svg, math and the like
// are dropped with their contents; other tags (div, span, font, ...) are
// unwrapped, keeping their children. on* attributes, style attributes and
// URLs with a scheme other than http, https, mailto or ftp (javascript:,
// vbscript:, data:, ...) are dropped. If `base_url` is given, relative href,
// src and cite URLs are resolved against it.
std::string SanitizeHtml(std::string_view html, std::string_view base_url = "");

// Escapes text for use as HTML content or a double-quoted attribute value.
std::string EscapeHtml(std::string_view text);

// Appends EscapeHtml(text) to `out`.
void AppendEscapedHtml(std::string_view text, std::string* out);

}  // namespace newsflow::ingest

#endif  // NEWSFLOW_SERVICES_INGEST_FEED_HTML_TEXT_H_

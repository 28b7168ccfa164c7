// A first, simple main-content extractor for article pages.
//
//   absl::StatusOr<ExtractedPage> page = ExtractPage(html, "https://example.com/a/1");
//   if (page.ok()) Use(page->title, page->text, page->published_ms);
//
// Metadata comes from <title>, Open Graph / article: / twitter: meta tags,
// <link rel=canonical>, <html lang> and JSON-LD (datePublished, author). The
// body is the element holding the most paragraph text: each <p> outside
// boilerplate (nav, header, footer, aside, forms, and containers whose class
// or id says comments, sidebar, menu, share, related, ...) scores its text
// length minus its link text; the score goes to its parent in full and to its
// grandparent in half, and the best-scoring container wins. Without any
// scoring paragraph, all <p> text is used, then the whole body text.
//
// Pure and thread-safe.
#ifndef NEWSFLOW_SERVICES_INGEST_FEED_PAGE_EXTRACTOR_H_
#define NEWSFLOW_SERVICES_INGEST_FEED_PAGE_EXTRACTOR_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace newsflow::ingest {

struct ExtractedPage {
  std::string title;          // og:title, twitter:title, <title>, then the first <h1>
  std::string text;           // main content as plain text, paragraphs separated by "\n\n"
  std::string html;           // main content as sanitised HTML, URLs resolved
  std::string author;         // meta author, article:author, JSON-LD author
  std::string canonical_url;  // <link rel=canonical>, og:url, else the page URL (resolved)
  std::string site_name;      // og:site_name, application-name
  std::string language;       // <html lang>, Content-Language, og:locale ("en_US" -> "en-US")
  std::string image;          // og:image / twitter:image, resolved
  int64_t published_ms = 0;   // article:published_time, JSON-LD datePublished, ...; 0 = unknown
};

// Extracts metadata and main content from an HTML page fetched from `url`
// (used to resolve relative URLs; may be empty). The page must already be
// UTF-8. Returns InvalidArgument if `html` is empty or whitespace only;
// any other input gives a (possibly empty) page. Never crashes or throws.
absl::StatusOr<ExtractedPage> ExtractPage(std::string_view html, std::string_view url = "");

}  // namespace newsflow::ingest

#endif  // NEWSFLOW_SERVICES_INGEST_FEED_PAGE_EXTRACTOR_H_

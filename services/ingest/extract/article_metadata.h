// Article metadata from a parsed page: meta tags (Open Graph, article:,
// twitter:, Dublin Core, itemprop), JSON-LD (headline, author, dates,
// publisher, image, articleBody), <time>, <link rel=canonical>, <html lang>.
//
// Internal to the extract module; pure and thread-safe.
#ifndef NEWSFLOW_SERVICES_INGEST_EXTRACT_ARTICLE_METADATA_H_
#define NEWSFLOW_SERVICES_INGEST_EXTRACT_ARTICLE_METADATA_H_

#include <libxml/tree.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace newsflow::ingest {

struct PageMetadata {
  std::string title;          // best title (og:title, headline, <title>, <h1>)
  std::string title_element;  // <title> text
  std::string first_h1;
  std::string author;
  std::string canonical_url;  // resolved against the page URL
  std::string site_name;
  std::string language;
  std::string image;  // resolved
  int64_t published_ms = 0;
  int64_t updated_ms = 0;
  std::string json_ld_body;  // JSON-LD articleBody (plain text), "" if none
};

// Reads the metadata of the document rooted at `root` (the <html> element),
// given the page's JSON-LD blocks and its URL (may be empty).
PageMetadata ReadMetadata(const xmlNode* root, const std::vector<std::string>& json_ld, std::string_view url);

}  // namespace newsflow::ingest

#endif  // NEWSFLOW_SERVICES_INGEST_EXTRACT_ARTICLE_METADATA_H_

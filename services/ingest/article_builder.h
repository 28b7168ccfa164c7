// Turns what ingest reads (feed items, dropped files) into Articles with
// their identity (DESIGN.md, delivery contract):
//   canonical_url = CanonicalizeUrl(link)
//   id            = HashHex(canonical_url), or HashHex("guid:" + guid) when
//                   there is no link, or of source + title as a last resort
//   version       = HashHex(normalised title + "\n" + normalised text)
#ifndef NEWSFLOW_SERVICES_INGEST_ARTICLE_BUILDER_H_
#define NEWSFLOW_SERVICES_INGEST_ARTICLE_BUILDER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "newsflow/v1/article.pb.h"
#include "services/ingest/extract/article_extractor.h"
#include "services/ingest/feed/feed_parser.h"

namespace newsflow::ingest {

// Sets canonical_url, id and version from the article's url/guid/title/text.
void AssignIdentity(v1::Article* article);
// Sets the version alone, after the title or text changed (the id follows
// the URL, which did not).
void AssignVersion(v1::Article* article);

// What an accepted article may hold (config ingest.limits).
struct ArticleLimits {
  std::size_t max_text_bytes = 1 << 20;
  std::size_t max_title_bytes = 2048;
  std::size_t max_summary_html_bytes = 256 << 10;
  int max_categories = 50;
};

// Cuts what exceeds `limits` (text with CapText: at a line or sentence end
// when one is near, never inside a character; title and HTML summary at a
// character boundary; extra categories dropped) and re-assigns the version
// of the cut text. The id does not change. Returns whether anything was cut.
bool ApplyArticleLimits(const ArticleLimits& limits, v1::Article* article);
// Whether ApplyArticleLimits would cut anything (cheap: sizes only).
bool ExceedsArticleLimits(const ArticleLimits& limits, const v1::Article& article);

// The article of a feed item. Its strings are taken as ParseFeed gives them,
// valid UTF-8 (the parser is where feed text enters and is checked once);
// likewise a page's from ExtractArticle below. nullopt when the item has
// neither a title nor any text.
std::optional<v1::Article> ArticleFromFeedItem(const FeedItem& item, const ParsedFeed& feed,
                                               const std::string& feed_url, const std::string& origin,
                                               int64_t now_ms);

// True when the item's text looks like a teaser of a longer page: shorter
// than `max_chars` characters (a CJK character counts as three), or ending in
// an ellipsis or a "Read more"-style link text.
bool LooksLikeTeaser(const std::string& text, int max_chars);

// Fills `article` (id, version, text, metadata) from an extracted page; the
// page's text replaces the article's when it is longer. `url` is the page
// address (used for the identity when the article has none yet).
void MergeExtractedPage(const Article& page, const std::string& url, v1::Article* article);

// A dropped file: ".json" with {"url", "title", "text", "published", "author",
// "language"} ("title" and "text" required), or ".html" run through the page
// extractor. kInvalidArgument with the reason when the file cannot be used.
absl::StatusOr<v1::Article> ArticleFromDropFile(const std::string& path, const std::string& bytes,
                                                const std::string& origin, int64_t now_ms);

}  // namespace newsflow::ingest

#endif  // NEWSFLOW_SERVICES_INGEST_ARTICLE_BUILDER_H_

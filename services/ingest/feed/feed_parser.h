// Feed parsing for ingest: RSS 0.9x/2.0, RSS 1.0 (RDF), Atom 0.3/1.0 and
// JSON Feed 1.x, from raw bytes to one normalised ParsedFeed.
//
//   absl::StatusOr<ParsedFeed> feed = ParseFeed(body, "https://example.com/feed.xml");
//   if (!feed.ok()) return feed.status();
//   for (const FeedItem& item : feed->items) Emit(item.link, item.title, item.text);
//
// XML is read with libxml2 in recover mode without network access or external
// entity loading; the format is decided from the root element (and its
// namespace), never from a content type. Element matching uses namespace URIs,
// so any prefix works. All HTML that comes out of a feed is sanitised
// (SanitizeHtml) and all strings are valid UTF-8.
//
// ParseFeed and FeedToJson are pure and thread-safe: each call uses its own
// libxml2 parser context and error handler.
#ifndef NEWSFLOW_SERVICES_INGEST_FEED_FEED_PARSER_H_
#define NEWSFLOW_SERVICES_INGEST_FEED_FEED_PARSER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "services/ingest/feed/charset.h"
#include "services/ingest/feed/feed_model.h"

namespace newsflow::ingest {

// One entry of a feed. Links are absolute when the feed allows resolving
// them (see ParseFeed).
struct FeedItem {
  // RSS <guid>, Atom <id>, JSON Feed "id"; falls back to rdf:about, then to
  // `link`, so it is empty only if the item has neither.
  std::string guid;
  std::string link;   // the item's web page
  std::string title;  // plain text: entities decoded, tags stripped
  // Author names, joined with ", " if there are several. An RSS
  // "email (Name)" author is reduced to "Name".
  std::string author;
  // description / summary, sanitised HTML.
  std::string summary_html;
  // content:encoded / atom:content / xhtml:body / JSON content_html,
  // sanitised HTML; "" if absent.
  std::string content_html;
  // Best plain-text body: from content_html, else summary_html (JSON Feed:
  // content_text, else summary); paragraphs separated by "\n\n".
  std::string text;
  std::vector<std::string> categories;  // de-duplicated, in document order
  int64_t published_ms = 0;             // UTC unix ms, 0 = unknown
  int64_t updated_ms = 0;               // UTC unix ms, 0 = unknown
  // Item xml:lang (own or inherited) / dc:language, else the feed language.
  std::string language;

  // The entry's own structure (feed_model.h), values as written; only with
  // FeedParseOptions::details, and only for XML feeds.
  std::optional<FeedItemDetails> details;
};

struct ParsedFeed {
  // "rss20", "rss09x", "rss10" (RDF), "atom10", "atom03", "cdf" (Channel
  // Definition Format) or "json".
  std::string format;
  std::string title;        // plain text
  std::string link;         // the site's home page
  std::string description;  // plain text (RSS description, Atom subtitle)
  std::string language;     // <language>, dc:language or xml:lang of the feed
  std::vector<FeedItem> items;
  // The feed's own structure (feed_model.h), values as written; only with
  // FeedParseOptions::details, and only for XML feeds.
  std::optional<FeedDetails> details;
  // True if the parser had to recover: the XML was not well-formed (or not
  // namespace-well-formed), or its bytes were not valid in the declared
  // encoding. The items are what recovery produced.
  bool ill_formed = false;
  std::string ill_formed_reason;  // first problem, with its line; "" if none
};

struct FeedParseOptions {
  // Also fill ParsedFeed::details and FeedItem::details (feed_model.h). The
  // pipeline reads only the flattened fields and leaves this off: the extra
  // strings cost about 9% of the parse on news feeds.
  bool details = false;
  // How the document was received. When set, its encoding is decided as
  // RFC 3023 says (DecodeXmlBytes: HTTP charset and media type, then the
  // XML declaration and byte patterns), as Universal Feed Parser does; unset,
  // by the declaration, with detection and windows-1252 for undeclared bytes
  // that are not UTF-8 (the pipeline's rules).
  std::optional<XmlHttpInfo> http;
};

// Parses a feed from raw bytes. The XML declaration and byte-order marks
// decide the encoding; legacy encodings that libxml2 lacks (GB2312, GBK,
// Big5, ...) are converted with ICU. Bytes that are not valid in the declared
// encoding (UTF-8 if none) are decoded in the charset they give away
// themselves (DetectCharset), if the detector is confident; otherwise
// undeclared ones are read as windows-1252 and invalid sequences in a
// declared encoding are replaced. Either way the feed is marked ill-formed. Relative links resolve against
// xml:base, then the feed's own link, then `base_url` (typically the URL the
// feed was fetched from).
// Returns InvalidArgument if `bytes` is not a feed at all (empty, not XML or
// JSON, or an XML/JSON document of another kind such as an HTML page); the
// message names what was found. Never crashes or throws, on any input.
absl::StatusOr<ParsedFeed> ParseFeed(std::string_view bytes, std::string_view base_url = "",
                                     const FeedParseOptions& options = {});

// JSON rendering of a parsed feed (used by `newsflow parse-feed FILE`):
// {format, title, link, description, language, ill_formed, ill_formed_reason,
//  items: [{guid, link, title, author, published, updated, categories,
//           summary_html, content_html, text, language}]}
// where published / updated are RFC 3339 UTC strings, or null when unknown.
nlohmann::json FeedToJson(const ParsedFeed& feed);

}  // namespace newsflow::ingest

#endif  // NEWSFLOW_SERVICES_INGEST_FEED_FEED_PARSER_H_

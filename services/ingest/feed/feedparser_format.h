// Universal Feed Parser compatible output for feeds.
//
// Renders a feed the way Python's feedparser (6.x) reports it: the normalised
// result dictionary with `bozo`, `bozo_exception`, `encoding`, `version`,
// `namespaces`, `feed` and `entries`, including its `*_detail` objects
// ({type, language, base, value}), `*_parsed` dates (9-number UTC time
// tuples), links, tags, authors, enclosures and sanitised HTML, so that
// feedparser's public conformance fixtures can be evaluated against newsflow.
//
//   FeedparserOptions options;
//   options.headers = {{"Content-Type", "application/atom+xml; charset=utf-8"}};
//   options.url = "http://example.com/feed.xml";
//   nlohmann::json result = ParseFeedparserFormat(bytes, options);
//
// There is no second parser behind it: ParseFeedparserFormat is ParseFeed
// (feed_parser.h) with the typed model (FeedParseOptions::details) and the
// HTTP information (FeedParseOptions::http: RFC 3023 charset rules), then
// FormatFeedparser over the result. The formatter only names and renders:
// feedparser's keys and aliases, xml:base / Content-Location resolution of
// links and of URIs inside HTML, HTML sanitising with feedparser's element,
// attribute and CSS rules (feedparser_html.h), and the extension elements
// (iTunes, Media RSS, GeoRSS, Dublin Core, ...) feedparser maps by name.
// What feedparser's loose parser recovers from ill-formed documents comes
// from ParseFeed's own recovery (libxml2 in recover mode after HTML entity
// repair).
//
// Pure and thread-safe; never throws on any input.
#ifndef NEWSFLOW_SERVICES_INGEST_FEED_FEEDPARSER_FORMAT_H_
#define NEWSFLOW_SERVICES_INGEST_FEED_FEEDPARSER_FORMAT_H_

#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nlohmann/json.hpp"

namespace newsflow::ingest {

struct FeedparserOptions {
  // HTTP response headers as received (any case); empty when the feed was not
  // fetched over HTTP. Content-Type decides the encoding rules,
  // Content-Location the base URI, Content-Language the default language.
  std::vector<std::pair<std::string, std::string>> headers;
  // The URL the document was fetched from ("" if unknown). When set, the
  // result also carries href, status (200), etag, modified and
  // modified_parsed, as for a feed fetched over HTTP.
  std::string url;
};

// Parses `bytes` with ParseFeed and returns feedparser's result shape as
// JSON, with the HTTP fields (headers, href, status, etag, modified) of
// `options`.
nlohmann::json ParseFeedparserFormat(std::string_view bytes, const FeedparserOptions& options);

struct ParsedFeed;

// feedparser's result shape rendered from ParseFeed's typed model: `feed`
// must come from ParseFeed with FeedParseOptions::details. `options` gives
// the HTTP headers (Content-Language is the default language).
nlohmann::json FormatFeedparser(const ParsedFeed& feed, const FeedparserOptions& options);

// The sanitiser on its own: feedparser's allow-list of HTML elements and
// attributes (plus MathML and SVG), CSS filtering of style attributes, and
// removal of unsafe URI schemes. `type` is the content type of the text
// ("text/html" or "application/xhtml+xml").
std::string FeedparserSanitizeHtml(std::string_view html, std::string_view type = "text/html");

// feedparser's date parser: RFC 822/2822, W3C-DTF/ISO 8601 and asctime dates
// to a 9-number UTC time tuple (year, month, day, hour, minute, second,
// weekday with Monday = 0, day of year, 0); null if not recognised.
nlohmann::json FeedparserParseDate(std::string_view date);

// The `parse-feed --format=feedparser` command. Per file: reads `file`, takes
// `header_lines` ("Name: value") and `url`, prints one JSON object. With
// `batch`, reads JSON lines {"id", "file", "headers": {...}, "url"} from `in`
// and writes one line {"id", "result": {...}} (or {"id", "error": "..."}) per
// request to `out`. Returns the process exit code.
int RunFeedparserCommand(const std::string& file, const std::vector<std::string>& header_lines,
                         const std::string& url, bool batch, std::istream& in, std::ostream& out,
                         std::ostream& err);

}  // namespace newsflow::ingest

#endif  // NEWSFLOW_SERVICES_INGEST_FEED_FEEDPARSER_FORMAT_H_

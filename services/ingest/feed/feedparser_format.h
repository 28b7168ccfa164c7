// Universal Feed Parser compatible output for feeds.
//
// Renders a feed the way Python's feedparser (6.x) reports it: the normalised
// result dictionary with `bozo`, `bozo_exception`, `encoding`, `version`,
// `namespaces`, `feed` and `entries`, including its `*_detail` objects
// ({type, language, base, value}), `*_parsed` dates (9-number UTC time
// tuples), links, tags, authors, enclosures and sanitised HTML. It is a
// separate implementation of that behaviour, so that feedparser's public
// conformance fixtures can be evaluated against this code as they are.
//
//   FeedparserOptions options;
//   options.headers = {{"Content-Type", "application/atom+xml; charset=utf-8"}};
//   options.url = "http://example.com/feed.xml";
//   nlohmann::json result = ParseFeedparserFormat(bytes, options);
//
// The pipeline:
// - character encoding by RFC 3023/7303 precedence: the HTTP charset of an XML
//   media type, else the XML declaration, else a byte-order mark or byte
//   pattern; if the bytes are not valid in that, a charset detected from the
//   bytes themselves (DetectCharset, where feedparser uses chardet), then
//   utf-8, windows-1252 and iso-8859-2; a fallback or a non-XML media type
//   sets bozo;
// - the DOCTYPE is reduced to its safe internal entity declarations;
// - a strict XML pass (libxml2 SAX, no network, no external entities); if the
//   document is not well-formed, bozo is set and a lenient SGML-style pass
//   reads it instead (undefined HTML entities, bare ampersands, unclosed tags);
// - xml:base / Content-Location resolution of links and of URIs inside HTML,
//   and HTML sanitising with feedparser's element, attribute and CSS rules.
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

// Parses `bytes` and returns feedparser's result shape as JSON.
nlohmann::json ParseFeedparserFormat(std::string_view bytes, const FeedparserOptions& options);

struct ParsedFeed;

// feedparser's result shape rendered from ParseFeed's typed model: `feed`
// must come from ParseFeed with FeedParseOptions::details. `options` gives
// the HTTP headers (Content-Language is the default language).
nlohmann::json FormatFeedparser(const ParsedFeed& feed, const FeedparserOptions& options);

// ParseFeed (with details) over `bytes`, then FormatFeedparser, with the
// HTTP fields (headers, href, status, etag, modified) of `options`.
nlohmann::json ParseFeedparserFormatModel(std::string_view bytes, const FeedparserOptions& options);

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
// request to `out`. With `use_model`, the result is ParseFeedparserFormatModel's.
// Returns the process exit code.
int RunFeedparserCommand(const std::string& file, const std::vector<std::string>& header_lines,
                         const std::string& url, bool batch, std::istream& in, std::ostream& out,
                         std::ostream& err, bool use_model = false);

}  // namespace newsflow::ingest

#endif  // NEWSFLOW_SERVICES_INGEST_FEED_FEEDPARSER_FORMAT_H_

// The typed parts of a feed and its entries that are richer than one string:
// text constructs with their type, language and base URI, links, people,
// categories and enclosures. ParseFeed (feed_parser.h) fills them, on
// request, in ParsedFeed::details and FeedItem::details next to the
// pipeline's flattened fields (title, link, author, summary_html, text, ...),
// so that a consumer that needs the feed's own structure - an output in
// another reader's shape, a podcast client - reads it from the same parse
// instead of parsing the XML again.
//
// Values are as the document gives them after XML decoding: not sanitised,
// not resolved against a base, not trimmed unless a field says so. URIs in
// links and enclosures are trimmed but kept relative; `base` on the owning
// text or link says what they resolve against. Plain structs, no invariants.
#ifndef NEWSFLOW_SERVICES_INGEST_FEED_FEED_MODEL_H_
#define NEWSFLOW_SERVICES_INGEST_FEED_FEED_MODEL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "services/ingest/feed/charset.h"

namespace newsflow::ingest {

// An RSS text element, an Atom text construct or Atom content.
struct FeedText {
  // Markup for HTML and XHTML types (an inline XHTML <div>'s children
  // serialised, escaped or CDATA HTML as its text); the decoded text for
  // plain text; decoded bytes (as valid UTF-8) for Atom 0.3 mode="base64".
  std::string value;
  // MIME type: "text/plain", "text/html" or "application/xhtml+xml" for
  // Atom's text, html and xhtml and for RSS (whose text elements carry
  // HTML); otherwise the type attribute as written, lower-cased.
  std::string type;
  std::string language;  // xml:lang in effect at the element, "" if none
  // xml:base in effect at the element, applied over the document URL.
  std::string base;
  // Atom content's src (out-of-line content); "" otherwise.
  std::string src;
  bool present = false;  // false: the element is absent
};

// An Atom <link>, an RSS <link> (rel "alternate") or an RSS <enclosure>
// (rel "enclosure"), in document order.
struct FeedLink {
  std::string href;  // trimmed, as written (relative links stay relative)
  std::string rel;   // as written; "alternate" when absent
  std::string type;
  std::string title;
  std::string hreflang;
  std::string length;  // as written ("" if absent): feeds put anything here
  std::string base;    // xml:base in effect at the link element
};

// An Atom person construct, an RSS author / managingEditor, or a Dublin Core
// creator. RSS "jo@example.com (Jo Doe)" gives name "Jo Doe" and the email.
struct FeedPerson {
  std::string name;
  std::string email;
  std::string uri;
  // The element's text when the person is one string (RSS author,
  // managingEditor, webMaster, dc:creator), trimmed; "" for Atom person
  // constructs. Readers that show the author as the feed wrote it use this.
  std::string text;
};

// An attribute of an extension element.
struct FeedAttribute {
  std::string ns;    // namespace URI; "" if none
  std::string name;  // local name as written
  std::string value;
};

// An element the model has no field of its own for (an iTunes, Media RSS,
// Dublin Core, Creative Commons ... extension, or an unknown element of the
// feed's own vocabulary), in document order. Readers that map extensions by
// name (feedparser's "itunes_explicit", "media_content") read them here.
struct FeedExtension {
  std::string ns;                         // namespace URI as written; "" if none
  std::string name;                       // local name as written
  std::string prefix;                     // the prefix the document wrote; "" if none
  std::vector<FeedAttribute> attributes;  // in document order
  std::string value;                      // character data of the element and its descendants
  bool has_children = false;              // it contains elements (value is their text)
  // Extensions nested in this one (media:group's media:content, georss
  // GML geometries, psc:chapters's chapters), in document order.
  std::vector<FeedExtension> children;
  std::string language;  // xml:lang in effect
  std::string base;      // xml:base in effect over the document URL
};

// RSS <image>: what feed readers show as the feed's logo.
struct FeedImage {
  FeedText title;
  std::string url;  // trimmed, as written
  std::string link;
  std::string width;  // as written
  std::string height;
  FeedText description;
  bool present = false;
};

// RSS <textInput>.
struct FeedTextInput {
  FeedText title;
  FeedText description;
  std::string name;
  std::string link;
  bool present = false;
};

// RSS <generator>, Atom <generator uri version>, admin:generatorAgent.
struct FeedGenerator {
  std::string name;
  std::string href;  // Atom uri (0.3: url), admin:generatorAgent rdf:resource
  std::string version;
  bool has_attributes = false;  // the element had attributes (Atom form)
  bool present = false;
};

// Atom <category term scheme label>, RSS <category domain>, dc:subject.
struct FeedCategory {
  std::string term;    // as written, trimmed
  std::string scheme;  // Atom scheme / RSS domain, "" if none
  std::string label;
};

// RSS <enclosure> or an Atom link with rel "enclosure".
struct FeedEnclosure {
  std::string url;  // trimmed, as written
  std::string type;
  std::string length;  // as written
};

// What ParseFeed reads of the feed itself beyond the flattened fields.
struct FeedDetails {
  FeedText title;
  FeedText subtitle;  // RSS description, Atom subtitle / tagline
  std::vector<FeedLink> links;
  std::vector<FeedPerson> authors;  // managingEditor, dc:creator, Atom authors

  // Document level. The format with the version the root element claims
  // ("rss091u", "rss092", "rss20", "rss10", "rss090", "atom03", "atom10",
  // "atom", "rss" when the version attribute names none we know).
  std::string version;
  std::string encoding;  // the encoding the bytes were read in
  // Set when the encoding had to be second-guessed (FeedParseOptions::http).
  XmlEncodingProblem encoding_problem = XmlEncodingProblem::kNone;
  // The first XML well-formedness problem (an undefined entity, a syntax
  // error), with its line; "" if the XML was well-formed.
  std::string xml_error;
  // The document's namespace declarations, prefix ("" for the default) ->
  // URI, in document order.
  std::vector<std::pair<std::string, std::string>> namespaces;
  std::string language_element;  // <language> / dc:language as written, trimmed
  std::string language;          // xml:lang of the root / channel

  std::string id;  // Atom id
  bool has_id = false;
  FeedText rights;  // RSS copyright, Atom rights / copyright, dc:rights
  FeedText info;    // Atom 0.3 info
  FeedGenerator generator;
  FeedImage image;
  FeedTextInput textinput;
  std::vector<std::pair<std::string, std::string>> cloud;  // RSS <cloud> attributes
  bool has_cloud = false;
  std::string published;  // as written, trimmed
  std::string updated;    // lastBuildDate, dc:date, Atom updated / modified
  std::vector<FeedCategory> tags;
  std::vector<FeedPerson> contributors;
  FeedPerson publisher;  // webMaster, dc:publisher, itunes:owner
  bool has_publisher = false;
  std::string docs;  // RSS <docs>
  std::string ttl;
  std::string icon;  // Atom icon / logo
  std::string logo;
  std::string base;  // xml:base in effect at the channel / feed element
  std::vector<FeedExtension> extensions;
};

// What ParseFeed reads of an entry beyond the pipeline's flattened fields.
struct FeedItemDetails {
  FeedText title;
  FeedText summary;  // RSS description, Atom summary
  // content:encoded, xhtml:body and Atom content elements, in document order.
  std::vector<FeedText> contents;
  // Atom links, RSS link and enclosures, in document order.
  std::vector<FeedLink> links;
  std::vector<FeedEnclosure> enclosures;
  std::vector<FeedPerson> authors;  // in document order; not the feed's
  std::vector<FeedCategory> tags;
  // The dates as written, trimmed; "" if none. published: pubDate, Atom
  // published / issued, dcterms:issued; updated: Atom updated / modified,
  // dc:date, dcterms:modified (the pipeline's published_ms also falls back
  // to dc:date and Atom 0.3 created).
  std::string published;
  std::string updated;
  // The remaining dates as written: dcterms:created / Atom 0.3 created,
  // RSS expirationDate.
  std::string created;
  std::string expired;
  // RSS guid / Atom id as written (trimmed); rdf:about of an RSS 1.0 item.
  std::string id;
  bool has_id = false;
  bool id_is_about = false;  // the id is the RSS 1.0 item's rdf:about
  // RSS guid isPermaLink, Atom id: true unless isPermaLink says "false".
  bool id_is_permalink = false;
  FeedText rights;                       // Atom rights, RSS copyright, dc:rights
  std::string comments;                  // RSS <comments>, as written
  std::vector<FeedPerson> contributors;  // Atom contributors, dc:contributor
  // Atom <source> (the feed the entry was copied from) read like a feed;
  // RSS <source url="...">title</source> gives only its title and href.
  std::optional<FeedDetails> source;
  std::string source_href;      // RSS source url attribute, as written
  bool source_is_text = false;  // RSS form: source->title and source_href only
  std::string base;             // xml:base in effect at the item, over the document URL
  std::vector<FeedExtension> extensions;
};

}  // namespace newsflow::ingest

#endif  // NEWSFLOW_SERVICES_INGEST_FEED_FEED_MODEL_H_

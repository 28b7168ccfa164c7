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
#include <string>
#include <vector>

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
  // The date strings behind published_ms / updated_ms, trimmed; "" if none.
  std::string published;
  std::string updated;
};

// What ParseFeed reads of the feed itself beyond the flattened fields.
struct FeedDetails {
  FeedText title;
  FeedText subtitle;  // RSS description, Atom subtitle / tagline
  std::vector<FeedLink> links;
  std::vector<FeedPerson> authors;  // managingEditor, dc:creator, Atom authors
};

}  // namespace newsflow::ingest

#endif  // NEWSFLOW_SERVICES_INGEST_FEED_FEED_MODEL_H_

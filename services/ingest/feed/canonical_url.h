// URL canonicalisation and RFC 3986 reference resolution for ingest.
//
// The canonical form of an article URL is part of its identity: two links
// that differ only in tracking parameters, host case, default ports or
// fragments name the same article and must canonicalise to the same string.
//
//   CanonicalizeUrl("HTTP://Example.com:80/a/./b/../c?utm_source=x&b=2&a=1#top")
//     == "http://example.com/a/c?a=1&b=2"
//   ResolveUrl("http://example.com/a/b", "../c") == "http://example.com/c"
//
// The structure of a reference (scheme, authority, path segments, query,
// fragment) and RFC 3986 resolution come from uriparser; the rules of the
// canonical form are this module's. Links outside the RFC's syntax (raw
// spaces or non-ASCII bytes, '|', a second '#') are read too, and keep those
// bytes as written. A reference uriparser cannot read even so (a port that
// is not a number, an unbalanced '[') is not an http(s) URL here and is
// returned trimmed.
//
// All functions are pure and thread-safe.
#ifndef NEWSFLOW_SERVICES_INGEST_FEED_CANONICAL_URL_H_
#define NEWSFLOW_SERVICES_INGEST_FEED_CANONICAL_URL_H_

#include <string>
#include <string_view>

namespace newsflow::ingest {

// Returns the canonical form of an absolute http(s) URL: scheme and host
// lower-cased, default ports (:80 for http, :443 for https) dropped, the
// fragment removed, tracking parameters (utm_*, fbclid, gclid, mc_cid, mc_eid,
// ref, igshid, ...) removed, remaining query parameters sorted, percent-escape
// hex digits upper-cased, an empty path turned into "/", and "." / ".."
// segments resolved. Any other input (relative, mailto:, garbage) is returned
// with surrounding whitespace trimmed and otherwise unchanged.
std::string CanonicalizeUrl(std::string_view url);

// Resolves `ref` against `base` following RFC 3986 section 5.2. An absolute
// `ref` is returned with its dot segments removed; an empty `base` or a base
// without a scheme leaves a relative `ref` unchanged (trimmed).
std::string ResolveUrl(std::string_view base, std::string_view ref);

// True if `url` starts with "http://" or "https://" (case-insensitive) and
// has a non-empty host.
bool IsHttpUrl(std::string_view url);

// The host of an http(s) URL lower-cased (an IP literal in brackets), with
// ":port" when the URL writes one: "https://u@News.Example:8080/x" ->
// "news.example:8080". "" when IsHttpUrl(url) is false.
std::string HttpHostAndPort(std::string_view url);

}  // namespace newsflow::ingest

#endif  // NEWSFLOW_SERVICES_INGEST_FEED_CANONICAL_URL_H_

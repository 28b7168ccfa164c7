#include "services/ingest/feed/canonical_url.h"

#include <gtest/gtest.h>

#include <string>

namespace newsflow::ingest {
namespace {

struct UrlCase {
  const char* input;
  const char* expected;
};

TEST(CanonicalUrlTest, CanonicalizesTable) {
  const UrlCase kCases[] = {
      // Tracking parameters.
      {"https://example.com/a?utm_source=rss&utm_medium=feed&id=7", "https://example.com/a?id=7"},
      {"https://example.com/a?fbclid=abc", "https://example.com/a"},
      {"https://example.com/a?gclid=1&mc_cid=2&mc_eid=3&ref=home&igshid=4&x=1",
       "https://example.com/a?x=1"},
      {"https://example.com/a?UTM_Campaign=x&b=1", "https://example.com/a?b=1"},
      // Case, ports, fragments.
      {"HTTP://WWW.Example.COM/Path/Case", "http://www.example.com/Path/Case"},
      {"http://example.com:80/a", "http://example.com/a"},
      {"https://example.com:443/a", "https://example.com/a"},
      {"http://example.com:443/a", "http://example.com:443/a"},
      {"https://example.com:8443/a", "https://example.com:8443/a"},
      {"https://example.com/a#section-2", "https://example.com/a"},
      // Query order, empty path, dot segments.
      {"https://example.com/a?z=1&a=2&m=3", "https://example.com/a?a=2&m=3&z=1"},
      {"https://example.com/a?b=2&a=1&a=0", "https://example.com/a?a=1&a=0&b=2"},
      {"https://example.com", "https://example.com/"},
      {"https://example.com?b=1", "https://example.com/?b=1"},
      {"https://example.com/a/./b/../c", "https://example.com/a/c"},
      {"https://example.com/../../x", "https://example.com/x"},
      {"https://example.com/a/%7euser", "https://example.com/a/%7Euser"},
      {"https://example.com/a?&&b=1&", "https://example.com/a?b=1"},
      // Not absolute http(s): trimmed only.
      {"  /relative/path  ", "/relative/path"},
      {"mailto:Someone@Example.com", "mailto:Someone@Example.com"},
      {"ftp://Example.com/x#y", "ftp://Example.com/x#y"},
      {"not a url", "not a url"},
      {"", ""},
  };
  for (const UrlCase& c : kCases) {
    EXPECT_EQ(CanonicalizeUrl(c.input), c.expected) << "input: " << c.input;
  }
}

TEST(CanonicalUrlTest, ResolvesRfc3986Examples) {
  // RFC 3986 section 5.4.
  const std::string base = "http://a/b/c/d;p?q";
  const UrlCase kCases[] = {
      {"g:h", "g:h"},          {"g", "http://a/b/c/g"},
      {"./g", "http://a/b/c/g"}, {"g/", "http://a/b/c/g/"},
      {"/g", "http://a/g"},    {"//g", "http://g"},
      {"?y", "http://a/b/c/d;p?y"}, {"g?y", "http://a/b/c/g?y"},
      {"#s", "http://a/b/c/d;p?q#s"}, {"g#s", "http://a/b/c/g#s"},
      {";x", "http://a/b/c/;x"}, {"", "http://a/b/c/d;p?q"},
      {".", "http://a/b/c/"},  {"./", "http://a/b/c/"},
      {"..", "http://a/b/"},   {"../g", "http://a/b/g"},
      {"../..", "http://a/"},  {"../../g", "http://a/g"},
      {"../../../g", "http://a/g"}, {"/./g", "http://a/g"},
      {"/../g", "http://a/g"}, {"g.", "http://a/b/c/g."},
      {"..g", "http://a/b/c/..g"}, {"./../g", "http://a/b/g"},
      {"g/./h", "http://a/b/c/g/h"}, {"g/../h", "http://a/b/c/h"},
  };
  for (const UrlCase& c : kCases) {
    EXPECT_EQ(ResolveUrl(base, c.input), c.expected) << "ref: " << c.input;
  }
}

TEST(CanonicalUrlTest, ResolveWithoutBaseKeepsReference) {
  EXPECT_EQ(ResolveUrl("", " /a/b "), "/a/b");
  EXPECT_EQ(ResolveUrl("relative/base", "x"), "x");
  EXPECT_EQ(ResolveUrl("http://example.com", "x"), "http://example.com/x");
}

TEST(CanonicalUrlTest, RecognisesHttpUrls) {
  EXPECT_TRUE(IsHttpUrl("http://example.com"));
  EXPECT_TRUE(IsHttpUrl("HTTPS://example.com/x"));
  EXPECT_FALSE(IsHttpUrl("https://"));
  EXPECT_FALSE(IsHttpUrl("/path"));
  EXPECT_FALSE(IsHttpUrl("javascript:alert(1)"));
  EXPECT_FALSE(IsHttpUrl("urn:uuid:1234"));
}

}  // namespace
}  // namespace newsflow::ingest

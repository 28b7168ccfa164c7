#include "services/ingest/feed/canonical_url.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

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
      {"https://example.com/a?gclid=1&mc_cid=2&mc_eid=3&ref=home&igshid=4&x=1", "https://example.com/a?x=1"},
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
      {"g:h", "g:h"},
      {"g", "http://a/b/c/g"},
      {"./g", "http://a/b/c/g"},
      {"g/", "http://a/b/c/g/"},
      {"/g", "http://a/g"},
      {"//g", "http://g"},
      {"?y", "http://a/b/c/d;p?y"},
      {"g?y", "http://a/b/c/g?y"},
      {"#s", "http://a/b/c/d;p?q#s"},
      {"g#s", "http://a/b/c/g#s"},
      {";x", "http://a/b/c/;x"},
      {"", "http://a/b/c/d;p?q"},
      {".", "http://a/b/c/"},
      {"./", "http://a/b/c/"},
      {"..", "http://a/b/"},
      {"../g", "http://a/b/g"},
      {"../..", "http://a/"},
      {"../../g", "http://a/g"},
      {"../../../g", "http://a/g"},
      {"/./g", "http://a/g"},
      {"/../g", "http://a/g"},
      {"g.", "http://a/b/c/g."},
      {"..g", "http://a/b/c/..g"},
      {"./../g", "http://a/b/g"},
      {"g/./h", "http://a/b/c/g/h"},
      {"g/../h", "http://a/b/c/h"},
  };
  for (const UrlCase& c : kCases) {
    EXPECT_EQ(ResolveUrl(base, c.input), c.expected) << "ref: " << c.input;
  }
}

// Links as written in feeds and pages, outside RFC 3986 syntax: every byte
// the reference holds comes out as it was, in the place the URI's structure
// gives it.
TEST(CanonicalUrlTest, ResolvesLinksWithBytesOutsideTheGrammar) {
  const std::string base = "https://news.example/world/story.html";
  EXPECT_EQ(ResolveUrl(base, "photo 1.jpg"), "https://news.example/world/photo 1.jpg");
  EXPECT_EQ(ResolveUrl(base, "../中文/页面?q=新闻"), "https://news.example/中文/页面?q=新闻");
  EXPECT_EQ(ResolveUrl(base, "/a|b?x={1}#c#d"), "https://news.example/a|b?x={1}#c#d");
  EXPECT_EQ(ResolveUrl(base, "100%/sure"), "https://news.example/world/100%/sure");
  EXPECT_EQ(ResolveUrl(base, "/list?a[]=1"), "https://news.example/list?a[]=1");
  // A first segment with a ':' that names no scheme is a relative path.
  EXPECT_EQ(ResolveUrl(base, "2024:review"), "https://news.example/world/2024:review");
  EXPECT_EQ(ResolveUrl("http://[::1]:8080/a/b", "c"), "http://[::1]:8080/a/c");
  EXPECT_EQ(CanonicalizeUrl("https://News.Example/a b/%e4?utm_source=x&q=é"),
            "https://news.example/a b/%E4?q=é");
  EXPECT_EQ(CanonicalizeUrl("http://[2001:DB8::1]:80/x"), "http://[2001:db8::1]/x");
}

// A leading "/." segment is removed in resolution (RFC 3986 5.2.4), so
// "/./x" and "/x" resolve alike against any base; the second takes the
// path-absolute shortcut, the first the full parse. (Without a base that
// has a scheme, references stay as written, dot segments included.)
TEST(CanonicalUrlTest, PathAbsoluteLinksResolveAsTheFullParseDoes) {
  const std::vector<std::string> bases = {
      "http://example.com/feed", "https://user:pw@Example.COM:8443/a/b?q=1#f", "http://[2001:db8::1]/x/",
      "file:///srv/feeds/a.xml", "http://example.com"};
  const std::vector<std::string> refs = {"/",
                                         "/r/1",
                                         "/r/1?x=2&y=%20#frag",
                                         "/a:b@c",
                                         "/~user/(1)*!$'+,;=",
                                         "/%41%62",
                                         "/a#b#c",
                                         "/with space",
                                         "/caf\xC3\xA9",
                                         "/a|b",
                                         "/%zz",
                                         "/a%4",
                                         "/q?x=/y#z"};
  for (const std::string& base : bases) {
    for (const std::string& ref : refs) {
      EXPECT_EQ(ResolveUrl(base, ref), ResolveUrl(base, "/." + ref)) << base << " + " << ref;
    }
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

// Tests of the feedparser-compatible output mode on small inline feeds.
#include "services/ingest/feed/feedparser_format.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "tests/services/ingest/feed/legacy_text.h"

namespace newsflow::ingest {
namespace {

using Json = nlohmann::json;

Json Parse(const std::string& xml, FeedparserOptions options = {}) {
  return ParseFeedparserFormat(xml, options);
}

TEST(FeedparserFormatTest, Rss20Basics) {
  Json r = Parse(R"fd(<rss version="2.0"><channel><title>T &amp; U</title>
    <link>http://example.com/</link><description>Hello</description>
    <item><title>One</title><link>http://example.com/1</link>
      <guid isPermaLink="false">id-1</guid>
      <pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate>
      <category domain="http://s/">News</category>
      <enclosure url="http://example.com/a.mp3" length="12" type="audio/mpeg"/>
    </item></channel></rss>)fd");
  EXPECT_FALSE(r["bozo"].get<bool>());
  EXPECT_EQ(r["version"], "rss20");
  EXPECT_EQ(r["encoding"], "utf-8");
  EXPECT_EQ(r["feed"]["title"], "T & U");
  EXPECT_EQ(r["feed"]["title_detail"]["type"], "text/plain");
  EXPECT_EQ(r["feed"]["subtitle"], "Hello");
  const Json& e = r["entries"][0];
  EXPECT_EQ(e["id"], "id-1");
  EXPECT_FALSE(e["guidislink"].get<bool>());
  EXPECT_EQ(e["link"], "http://example.com/1");
  EXPECT_EQ(e["published_parsed"], Json::array({2003, 6, 10, 4, 0, 0, 1, 161, 0}));
  EXPECT_EQ(e["tags"][0]["term"], "News");
  EXPECT_EQ(e["tags"][0]["scheme"], "http://s/");
  EXPECT_EQ(e["links"][1]["rel"], "enclosure");
  EXPECT_EQ(e["links"][1]["href"], "http://example.com/a.mp3");
}

TEST(FeedparserFormatTest, AtomXhtmlContentAndXmlBase) {
  Json r = Parse(R"fd(<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://example.com/dir/">
    <entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">A <b>b</b></div></title>
      <link href="page.html"/>
      <author><name>Jo</name><email>jo@example.com</email></author>
      <content type="html">&lt;a href="x.html" onclick="evil()"&gt;x&lt;/a&gt;&lt;script&gt;bad()&lt;/script&gt;</content>
    </entry></feed>)fd");
  EXPECT_FALSE(r["bozo"].get<bool>());
  EXPECT_EQ(r["version"], "atom10");
  const Json& e = r["entries"][0];
  EXPECT_EQ(e["title"], "A <b>b</b>");
  EXPECT_EQ(e["title_detail"]["type"], "application/xhtml+xml");
  EXPECT_EQ(e["link"], "http://example.com/dir/page.html");
  EXPECT_EQ(e["author"], "Jo (jo@example.com)");
  EXPECT_EQ(e["author_detail"]["email"], "jo@example.com");
  EXPECT_EQ(e["content"][0]["value"], "<a href=\"http://example.com/dir/x.html\">x</a>");
  EXPECT_EQ(e["content"][0]["base"], "http://example.com/dir/");
}

TEST(FeedparserFormatTest, IllFormedIsRecoveredAndReported) {
  Json r = Parse("<rss version=\"2.0\"><channel><title>caf&eacute; AT&T</title></channel></rss");
  EXPECT_TRUE(r["bozo"].get<bool>());
  EXPECT_EQ(r["bozo_exception"]["type"], "SAXParseException");
  // ParseFeed's recovery: the HTML entity decodes and the bare ampersand
  // stays text (feedparser's SGML pass would read "&T" as a reference and
  // print "AT&T;").
  EXPECT_EQ(r["feed"]["title"], "caf\xC3\xA9 AT&T");
}

TEST(FeedparserFormatTest, HttpCharsetOverridesXmlDeclaration) {
  FeedparserOptions options;
  options.headers = {{"Content-Type", "text/xml; charset=iso-8859-1"}};
  options.url = "http://example.com/feed.xml";
  Json r = Parse(
      "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel>"
      "<title>\xE9t\xE9</title><link>/home</link></channel></rss>",
      options);
  EXPECT_EQ(r["encoding"], "iso-8859-1");
  EXPECT_EQ(r["feed"]["title"], "\xC3\xA9t\xC3\xA9");
  EXPECT_EQ(r["feed"]["link"], "http://example.com/home");
  EXPECT_EQ(r["href"], "http://example.com/feed.xml");
  EXPECT_EQ(r["status"], 200);
}

TEST(FeedparserFormatTest, DetectsUndeclaredEncodingLikeChardet) {
  Json r = Parse("<rss version=\"2.0\"><channel><title>" + EncodeWithIcu(kKorean, "EUC-KR") +
                 "</title></channel></rss>");
  EXPECT_TRUE(r["bozo"].get<bool>());
  EXPECT_EQ(r["bozo_exception"]["type"], "CharacterEncodingOverride");
  EXPECT_EQ(r["encoding"], "EUC-KR");
  EXPECT_EQ(r["feed"]["title"], kKorean);
  // Latin text still takes the windows-1252 fallback.
  Json latin = Parse("<rss version=\"2.0\"><channel><title>caf\xE9 \x93q\x94</title></channel></rss>");
  EXPECT_EQ(latin["encoding"], "windows-1252");
}

TEST(FeedparserFormatTest, TextXmlWithoutCharsetIsAscii) {
  FeedparserOptions options;
  options.headers = {{"Content-Type", "text/xml"}};
  Json r = Parse("<rss version=\"2.0\"><channel><title>\xC3\xA9</title></channel></rss>", options);
  EXPECT_TRUE(r["bozo"].get<bool>());
  EXPECT_EQ(r["bozo_exception"]["type"], "CharacterEncodingOverride");
  EXPECT_EQ(r["encoding"], "utf-8");
}

TEST(FeedparserFormatTest, Utf16WithBom) {
  std::string text =
      "<?xml version=\"1.0\" encoding=\"utf-16\"?><rss "
      "version=\"0.91\"><channel><title>x</title></channel></rss>";
  std::string bytes = "\xFF\xFE";
  for (char c : text) {
    bytes += c;
    bytes += '\0';
  }
  Json r = Parse(bytes);
  EXPECT_EQ(r["encoding"], "utf-16le");
  EXPECT_EQ(r["version"], "rss091u");
  EXPECT_EQ(r["feed"]["title"], "x");
}

TEST(FeedparserFormatTest, SanitizerRules) {
  EXPECT_EQ(FeedparserSanitizeHtml("<p style=\"color: red; position: absolute\">a<br/></p>"),
            "<p style=\"color: red;\">a<br /></p>");
  EXPECT_EQ(FeedparserSanitizeHtml("<a href=\"javascript:alert(1)\">x</a>"), "<a href=\"\">x</a>");
  EXPECT_EQ(FeedparserSanitizeHtml("<iframe src=\"x\"></iframe><style>p{}</style>ok"), "ok");
  EXPECT_EQ(FeedparserSanitizeHtml("<span accept=\"\"></span>"), "<span accept=\"\"></span>");
}

// The CSS filter keeps a declaration only if the whole style is made of
// simple tokens; url(...) values are blanked first, box properties must use
// keywords or plain lengths and colours.
TEST(FeedparserFormatTest, StyleFilterKeepsOnlySafeDeclarations) {
  EXPECT_EQ(FeedparserSanitizeHtml("<p style=\"margin: 0 auto; border: 1px solid #ccc\">a</p>"),
            "<p style=\"margin: 0 auto; border: 1px solid #ccc;\">a</p>");
  EXPECT_EQ(FeedparserSanitizeHtml("<p style=\"margin: expression(x)\">a</p>"), "<p>a</p>");
  EXPECT_EQ(FeedparserSanitizeHtml("<p style=\"color: blue; background: url(http://x/y.png)\">a</p>"),
            "<p style=\"color: blue;\">a</p>");
  // A character outside the simple tokens rejects the whole style.
  EXPECT_EQ(FeedparserSanitizeHtml("<p style=\"color: red; x: {y}\">a</p>"), "<p>a</p>");
  EXPECT_EQ(FeedparserSanitizeHtml("<p style=\"color:\vred\">a</p>"), "<p style=\"color: red;\">a</p>");
}

TEST(FeedparserFormatTest, AuthorEmailIsSplitFromTheName) {
  Json r = Parse(R"fd(<rss version="2.0"><channel><item>
      <author>ed.itor+news@mail.example.org (Ed Itor)</author></item></channel></rss>)fd");
  const Json& e = r["entries"][0];
  EXPECT_EQ(e["author_detail"]["email"], "ed.itor+news@mail.example.org");
  EXPECT_EQ(e["author_detail"]["name"], "Ed Itor");
}

TEST(FeedparserFormatTest, Atom03Base64Content) {
  // "<b>Hi</b> there" in base64, broken over lines as MIME writers do.
  Json r = Parse(R"fd(<feed version="0.3" xmlns="http://purl.org/atom/ns#"><entry>
      <content type="text/html" mode="base64">PGI+SGk8L2I+
      IHRoZXJl</content></entry></feed>)fd");
  EXPECT_EQ(r["entries"][0]["content"][0]["value"], "<b>Hi</b> there");
  // A dangling last character (fewer than 8 bits) is dropped, the rest
  // decoded, as feed readers do.
  Json bad = Parse(R"fd(<feed version="0.3" xmlns="http://purl.org/atom/ns#"><entry>
      <content type="text/plain" mode="base64">QUJDR</content></entry></feed>)fd");
  EXPECT_EQ(bad["entries"][0]["content"][0]["value"], "ABC");
}

TEST(FeedparserFormatTest, DoctypeKeepsOnlySimpleEntities) {
  Json r = Parse(
      "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY who \"Jo Doe\">\n"
      "<!ENTITY bad SYSTEM \"file:///x\">\n]>\n<rss version=\"2.0\"><channel>"
      "<title>By &who;</title></channel></rss>");
  EXPECT_EQ(r["feed"]["title"], "By Jo Doe");
}

TEST(FeedparserFormatTest, ChapterStartsBecomeSeconds) {
  Json r = Parse(R"fd(<rss version="2.0" xmlns:psc="http://podlove.org/simple-chapters"><channel><item>
      <psc:chapters version="1.2"><psc:chapter start="01:02:03.250" title="A"/>
      <psc:chapter start="04:05" title="B"/><psc:chapter start="4:05" title="C"/></psc:chapters>
      </item></channel></rss>)fd");
  const Json& chapters = r["entries"][0]["psc_chapters"]["chapters"];
  ASSERT_EQ(chapters.size(), 3u);
  EXPECT_DOUBLE_EQ(chapters[0]["start_parsed"].get<double>(), 3723.25);
  EXPECT_DOUBLE_EQ(chapters[1]["start_parsed"].get<double>(), 245.0);
  EXPECT_TRUE(chapters[2]["start_parsed"].is_null());  // minutes need two digits
}

TEST(FeedparserFormatTest, DateParsing) {
  EXPECT_EQ(FeedparserParseDate("2003-12-31T10:14:55Z"), Json::array({2003, 12, 31, 10, 14, 55, 2, 365, 0}));
  EXPECT_TRUE(FeedparserParseDate("not a date").is_null());
}

TEST(FeedparserFormatTest, BatchMode) {
  std::istringstream in(
      "{\"id\": \"7\", \"file\": \"/nonexistent/feed.xml\", \"headers\": {}, \"url\": \"\"}\n");
  std::ostringstream out, err;
  EXPECT_EQ(RunFeedparserCommand("", {}, "", true, in, out, err), 0);
  Json line = Json::parse(out.str());
  EXPECT_EQ(line["id"], "7");
  EXPECT_TRUE(line.contains("error"));
}

TEST(FeedparserFormatTest, GarbageNeverThrows) {
  for (const std::string& input :
       {std::string(""), std::string("<"), std::string("&#99999999;"), std::string("<![CDATA["),
        std::string("<rss><channel><item><title>&#x110000;</title>"), std::string("\xFF\xFE<\0", 4),
        std::string("<!DOCTYPE x [<!ENTITY a \"&a;\">]><rss>&a;</rss>")}) {
    EXPECT_NO_THROW(Parse(input).dump(-1, ' ', false, Json::error_handler_t::replace));
  }
}

}  // namespace
}  // namespace newsflow::ingest

namespace newsflow::ingest {
namespace {

Json WhereOf(const std::string& entry_body, const std::string& namespaces = "") {
  Json r = ParseFeedparserFormat(
      "<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:georss=\"http://www.georss.org/georss\" "
      "xmlns:gml=\"http://www.opengis.net/gml\"" +
          namespaces + "><entry>" + entry_body + "</entry></feed>",
      FeedparserOptions{});
  return r["entries"][0].value("where", Json());
}

TEST(FeedparserFormatTest, GeoRssSimpleGeometriesBecomeLongitudeLatitude) {
  Json point = WhereOf("<georss:point>45.256 -71.92</georss:point>");
  EXPECT_EQ(point["type"], "Point");
  EXPECT_EQ(point["coordinates"], Json::array({-71.92, 45.256}));
  Json line = WhereOf("<georss:line>1 2, 3 4 5 6</georss:line>");
  EXPECT_EQ(line["type"], "LineString");
  EXPECT_EQ(line["coordinates"], Json::parse("[[2,1],[4,3],[6,5]]"));
  Json box = WhereOf("<georss:box>42.943 -71.032 43.039 -69.856</georss:box>");
  EXPECT_EQ(box["type"], "Box");
  EXPECT_EQ(box["coordinates"], Json::parse("[[-71.032,42.943],[-69.856,43.039]]"));
  Json polygon = WhereOf("<georss:polygon>1 1 1 2 2 2 1 1</georss:polygon>");
  EXPECT_EQ(polygon["type"], "Polygon");
  EXPECT_EQ(polygon["coordinates"], Json::parse("[[[1,1],[2,1],[2,2],[1,1]]]"));
  // Unusable geometries leave an empty "where": too few polygon positions,
  // no numbers, a word among the numbers.
  EXPECT_EQ(WhereOf("<georss:polygon>1 1 1 2 1 1</georss:polygon>"), Json::object());
  EXPECT_EQ(WhereOf("<georss:point> </georss:point>"), Json::object());
  EXPECT_EQ(WhereOf("<georss:point>45.2 north</georss:point>"), Json::object());
}

TEST(FeedparserFormatTest, GmlPositionsFollowTheirCoordinateSystem) {
  // Geographic (the default, and EPSG:4326/4979): latitude first, swapped.
  Json point = WhereOf("<georss:where><gml:Point><gml:pos>10 20</gml:pos></gml:Point></georss:where>");
  EXPECT_EQ(point["type"], "Point");
  EXPECT_EQ(point["coordinates"], Json::array({20.0, 10.0}));
  Json three_d = WhereOf(
      "<georss:where><gml:Point srsName=\"urn:ogc:def:crs:EPSG:6.6:4979\" srsDimension=\"3\">"
      "<gml:pos>10 20 30</gml:pos></gml:Point></georss:where>");
  EXPECT_EQ(three_d["coordinates"], Json::array({20.0, 10.0, 30.0}));
  EXPECT_EQ(three_d["srsDimension"], 3);
  // Projected (UTM zone 13N): easting, northing kept in order.
  Json utm = WhereOf(
      "<georss:where><gml:LineString srsName=\"EPSG:26913\"><gml:posList>1 2 3 4</gml:posList>"
      "</gml:LineString></georss:where>");
  EXPECT_EQ(utm["type"], "LineString");
  EXPECT_EQ(utm["coordinates"], Json::parse("[[1,2],[3,4]]"));
  Json polygon = WhereOf(
      "<georss:where><gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>1 1 1 2 2 2 1 1"
      "</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></georss:where>");
  EXPECT_EQ(polygon["type"], "Polygon");
  EXPECT_EQ(polygon["coordinates"], Json::parse("[[[1,1],[2,1],[2,2],[1,1]]]"));
}

TEST(FeedparserFormatTest, ExtensionsAreNamedByPrefix) {
  Json r = Parse(R"fd(<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
      xmlns:ex="urn:example:extras"><channel><title>Pod</title>
    <itunes:explicit>yes</itunes:explicit>
    <itunes:category text="Science"/>
    <ex:rating scale="5">4</ex:rating>
    <ex:colour>teal</ex:colour>
    <item><title>Ep 1</title><itunes:keywords>tides, boats</itunes:keywords></item>
  </channel></rss>)fd");
  const Json& feed = r["feed"];
  EXPECT_EQ(feed["itunes_explicit"], true);
  EXPECT_EQ(feed["tags"][0]["term"], "Science");
  EXPECT_EQ(feed["tags"][0]["scheme"], "http://www.itunes.com/");
  // An unknown namespace keeps the document's prefix; with attributes the
  // value is the attributes, without them the text.
  EXPECT_EQ(feed["ex_rating"], Json({{"scale", "5"}}));
  EXPECT_EQ(feed["ex_colour"], "teal");
  EXPECT_EQ(r["namespaces"]["ex"], "urn:example:extras");
  EXPECT_EQ(r["namespaces"]["itunes"], "http://www.itunes.com/dtds/podcast-1.0.dtd");
  const Json& tags = r["entries"][0]["tags"];
  ASSERT_EQ(tags.size(), 2u);
  EXPECT_EQ(tags[1]["term"], "boats");
}

TEST(FeedparserFormatTest, RelativeUrisResolveAgainstContentLocation) {
  FeedparserOptions options;
  options.url = "http://feeds.example/a/feed.xml";
  options.headers = {{"Content-Type", "application/atom+xml"},
                     {"Content-Location", "http://mirror.example/x/"}};
  Json r = Parse(R"fd(<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>/feed-id</id>
    <entry><title>e</title><id>/e/1</id><link href="e1.html"/>
      <author><name>Ana</name><uri>/ana</uri></author>
      <content type="html">&lt;a href="pic.png"&gt;pic&lt;/a&gt;</content></entry></feed>)fd",
                 options);
  EXPECT_FALSE(r["bozo"].get<bool>());
  EXPECT_EQ(r["feed"]["id"], "http://mirror.example/feed-id");
  const Json& e = r["entries"][0];
  EXPECT_EQ(e["link"], "http://mirror.example/x/e1.html");
  EXPECT_EQ(e["author_detail"]["href"], "http://mirror.example/ana");
  EXPECT_EQ(e["content"][0]["value"], "<a href=\"http://mirror.example/x/pic.png\">pic</a>");
  EXPECT_EQ(e["content"][0]["base"], "http://mirror.example/x/");
}

}  // namespace
}  // namespace newsflow::ingest

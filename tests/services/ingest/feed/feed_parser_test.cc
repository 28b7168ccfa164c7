#include "services/ingest/feed/feed_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "services/ingest/feed/feed_date.h"
#include "tests/services/ingest/feed/legacy_text.h"

namespace newsflow::ingest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

ParsedFeed ParseOk(std::string_view bytes, std::string_view base_url = "") {
  absl::StatusOr<ParsedFeed> feed = ParseFeed(bytes, base_url);
  EXPECT_TRUE(feed.ok()) << feed.status();
  return feed.ok() ? *std::move(feed) : ParsedFeed{};
}

constexpr char kRss20[] = R"feed(<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Harbour &amp; Coast News</title>
  <link>https://news.example/</link>
  <description>Local news</description>
  <language>en-gb</language>
  <item>
    <title>Storm &lt;b&gt;hits&lt;/b&gt; the coast</title>
    <link>/2024/storm</link>
    <guid isPermaLink="false">storm-2024-1</guid>
    <description>&lt;p&gt;Short &lt;em&gt;summary&lt;/em&gt;.&lt;/p&gt;&lt;script&gt;bad()&lt;/script&gt;</description>
    <content:encoded><![CDATA[<p>First paragraph with <a href="/more" onclick="x()">a link</a>.</p><p>Second paragraph.</p><script>alert(1)</script>]]></content:encoded>
    <dc:creator>Ana Reyes</dc:creator>
    <category>Weather</category>
    <category>Coast</category>
    <category>Weather</category>
    <pubDate>Tue, 05 Mar 2024 08:30:00 +0100</pubDate>
  </item>
  <item>
    <title>Second item</title>
    <guid>https://news.example/2024/second</guid>
    <description>Plain description</description>
    <author>editor@news.example (Sam Roe)</author>
  </item>
</channel>
</rss>)feed";

TEST(FeedParserTest, ParsesRss20WithContentEncodedCdataAndDcCreator) {
  ParsedFeed feed = ParseOk(kRss20);
  EXPECT_EQ(feed.format, "rss20");
  EXPECT_EQ(feed.title, "Harbour & Coast News");
  EXPECT_EQ(feed.link, "https://news.example/");
  EXPECT_EQ(feed.description, "Local news");
  EXPECT_EQ(feed.language, "en-gb");
  EXPECT_FALSE(feed.ill_formed);
  ASSERT_EQ(feed.items.size(), 2u);

  const FeedItem& first = feed.items[0];
  EXPECT_EQ(first.title, "Storm hits the coast");
  EXPECT_EQ(first.link, "https://news.example/2024/storm");
  EXPECT_EQ(first.guid, "storm-2024-1");
  EXPECT_EQ(first.author, "Ana Reyes");
  EXPECT_EQ(first.summary_html, "<p>Short <em>summary</em>.</p>");
  EXPECT_EQ(first.content_html,
            "<p>First paragraph with <a href=\"https://news.example/more\">a link</a>.</p>"
            "<p>Second paragraph.</p>");
  EXPECT_EQ(first.text, "First paragraph with a link.\n\nSecond paragraph.");
  EXPECT_THAT(first.categories, ElementsAre("Weather", "Coast"));
  EXPECT_EQ(FormatRfc3339(first.published_ms), "2024-03-05T07:30:00Z");
  EXPECT_EQ(first.updated_ms, 0);
  EXPECT_EQ(first.language, "en-gb");

  const FeedItem& second = feed.items[1];
  EXPECT_EQ(second.link, "https://news.example/2024/second");  // from the permalink guid
  EXPECT_EQ(second.author, "Sam Roe");
  EXPECT_EQ(second.content_html, "");
  EXPECT_EQ(second.text, "Plain description");
  EXPECT_EQ(second.published_ms, 0);
}

constexpr char kAtom10[] = R"feed(<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr" xml:base="https://blog.example/">
  <title type="html">Le &lt;i&gt;Blog&lt;/i&gt;</title>
  <subtitle>Notes</subtitle>
  <link rel="self" href="/feed.atom"/>
  <link rel="alternate" type="text/html" href="/"/>
  <author><name>Feed Author</name></author>
  <entry xml:base="posts/">
    <id>tag:blog.example,2024:1</id>
    <title>Premier billet</title>
    <link rel="alternate" href="premier.html"/>
    <link rel="enclosure" href="audio.mp3"/>
    <published>2024-01-02T10:00:00+01:00</published>
    <updated>2024-01-03T12:00:00Z</updated>
    <category term="vie"/>
    <summary type="text">Un résumé &lt;pas du HTML&gt;</summary>
    <content type="html">&lt;p&gt;Voir &lt;img src="img/a.png" alt="A"&gt;&lt;/p&gt;</content>
  </entry>
  <entry xml:lang="en">
    <id>tag:blog.example,2024:2</id>
    <title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">An <b>xhtml</b> title</div></title>
    <link href="second"/>
    <author><name>Guest One</name></author>
    <author><name>Guest Two</name></author>
    <updated>2024-02-01T00:00:00Z</updated>
    <content type="xhtml">
      <xhtml:div xmlns:xhtml="http://www.w3.org/1999/xhtml">
        <xhtml:p>Inline <xhtml:a href="../rel">XHTML</xhtml:a> body.</xhtml:p>
        <xhtml:p onclick="x()">Second.</xhtml:p>
      </xhtml:div>
    </content>
  </entry>
</feed>)feed";

TEST(FeedParserTest, ParsesAtom10WithXmlBaseAndContentTypes) {
  ParsedFeed feed = ParseOk(kAtom10, "https://elsewhere.example/feeds/x.atom");
  EXPECT_EQ(feed.format, "atom10");
  EXPECT_EQ(feed.title, "Le Blog");
  EXPECT_EQ(feed.description, "Notes");
  EXPECT_EQ(feed.link, "https://blog.example/");
  EXPECT_EQ(feed.language, "fr");
  ASSERT_EQ(feed.items.size(), 2u);

  const FeedItem& first = feed.items[0];
  EXPECT_EQ(first.guid, "tag:blog.example,2024:1");
  EXPECT_EQ(first.title, "Premier billet");
  EXPECT_EQ(first.link, "https://blog.example/posts/premier.html");
  EXPECT_EQ(first.author, "Feed Author");
  EXPECT_EQ(first.summary_html, "<p>Un résumé &lt;pas du HTML&gt;</p>");
  EXPECT_EQ(first.content_html, "<p>Voir <img src=\"https://blog.example/posts/img/a.png\" alt=\"A\"></p>");
  EXPECT_EQ(first.text, "Voir");
  EXPECT_THAT(first.categories, ElementsAre("vie"));
  EXPECT_EQ(FormatRfc3339(first.published_ms), "2024-01-02T09:00:00Z");
  EXPECT_EQ(FormatRfc3339(first.updated_ms), "2024-01-03T12:00:00Z");
  EXPECT_EQ(first.language, "fr");

  const FeedItem& second = feed.items[1];
  EXPECT_EQ(second.title, "An xhtml title");
  EXPECT_EQ(second.link, "https://blog.example/second");
  EXPECT_EQ(second.author, "Guest One, Guest Two");
  EXPECT_EQ(second.content_html,
            "<p>Inline <a href=\"https://blog.example/rel\">XHTML</a> body.</p>\n"
            "        <p>Second.</p>");
  EXPECT_EQ(second.text, "Inline XHTML body.\n\nSecond.");
  EXPECT_EQ(second.published_ms, 0);
  EXPECT_EQ(second.language, "en");
}

TEST(FeedParserTest, RecognisesAtom03) {
  constexpr char kAtom03[] = R"feed(<feed version="0.3" xmlns="http://purl.org/atom/ns#">
    <title>Old Atom</title>
    <link rel="alternate" type="text/html" href="http://old.example/"/>
    <entry>
      <title>Entry</title>
      <link rel="alternate" type="text/html" href="http://old.example/1"/>
      <id>urn:old:1</id>
      <issued>2004-01-01T00:00:00Z</issued>
      <modified>2004-01-02T00:00:00Z</modified>
      <content type="text/html" mode="escaped">&lt;p&gt;Escaped body&lt;/p&gt;</content>
      <summary type="text/plain" mode="base64">U3VtbWFyeQ==</summary>
    </entry>
  </feed>)feed";
  ParsedFeed feed = ParseOk(kAtom03);
  EXPECT_EQ(feed.format, "atom03");
  EXPECT_EQ(feed.link, "http://old.example/");
  ASSERT_EQ(feed.items.size(), 1u);
  EXPECT_EQ(feed.items[0].link, "http://old.example/1");
  EXPECT_EQ(feed.items[0].content_html, "<p>Escaped body</p>");
  EXPECT_EQ(feed.items[0].summary_html, "<p>Summary</p>");
  EXPECT_EQ(FormatRfc3339(feed.items[0].published_ms), "2004-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(feed.items[0].updated_ms), "2004-01-02T00:00:00Z");
}

// Atom 0.3 base64 content as old writers emit it: wrapped lines and a
// missing '=' pad still decode.
TEST(FeedParserTest, DecodesWrappedUnpaddedBase64) {
  // "Wrapped <b>text</b>" in base64, split over lines, its padding cut off.
  constexpr char kAtom03[] = R"feed(<feed version="0.3" xmlns="http://purl.org/atom/ns#">
    <title>Old Atom</title>
    <entry>
      <title>Entry</title>
      <link rel="alternate" type="text/html" href="http://old.example/2"/>
      <content type="text/html" mode="base64">V3JhcHBl
        ZCA8Yj50ZXh0
        PC9iPg</content>
    </entry>
  </feed>)feed";
  ParsedFeed feed = ParseOk(kAtom03);
  ASSERT_EQ(feed.items.size(), 1u);
  EXPECT_EQ(feed.items[0].content_html, "Wrapped <b>text</b>");
}

TEST(FeedParserTest, ParsesRss10Rdf) {
  constexpr char kRdf[] = R"feed(<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/"
         xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel rdf:about="http://rdf.example/">
    <title>RDF Site</title>
    <link>http://rdf.example/</link>
    <description>An RSS 1.0 feed</description>
    <dc:language>de</dc:language>
    <items><rdf:Seq><rdf:li rdf:resource="http://rdf.example/a"/></rdf:Seq></items>
  </channel>
  <item rdf:about="http://rdf.example/a">
    <title>Item A</title>
    <link>http://rdf.example/a</link>
    <description>Description A</description>
    <content:encoded>&lt;p&gt;Full A&lt;/p&gt;</content:encoded>
    <dc:date>2002-09-01T12:00:00+02:00</dc:date>
    <dc:creator>Rdf Writer</dc:creator>
    <dc:subject>Tech</dc:subject>
  </item>
  <item rdf:about="http://rdf.example/b">
    <title>Item B</title>
  </item>
</rdf:RDF>)feed";
  ParsedFeed feed = ParseOk(kRdf);
  EXPECT_EQ(feed.format, "rss10");
  EXPECT_EQ(feed.title, "RDF Site");
  EXPECT_EQ(feed.language, "de");
  ASSERT_EQ(feed.items.size(), 2u);
  EXPECT_EQ(feed.items[0].guid, "http://rdf.example/a");
  EXPECT_EQ(feed.items[0].link, "http://rdf.example/a");
  EXPECT_EQ(feed.items[0].summary_html, "Description A");
  EXPECT_EQ(feed.items[0].content_html, "<p>Full A</p>");
  EXPECT_EQ(feed.items[0].text, "Full A");
  EXPECT_EQ(feed.items[0].author, "Rdf Writer");
  EXPECT_THAT(feed.items[0].categories, ElementsAre("Tech"));
  EXPECT_EQ(FormatRfc3339(feed.items[0].published_ms), "2002-09-01T10:00:00Z");
  EXPECT_EQ(feed.items[0].language, "de");
  EXPECT_EQ(feed.items[1].guid, "http://rdf.example/b");  // rdf:about
  EXPECT_EQ(feed.items[1].link, "http://rdf.example/b");
}

TEST(FeedParserTest, RecognisesRss09x) {
  ParsedFeed feed = ParseOk(R"feed(<rss version="0.91"><channel><title>Old</title>
    <item><title>One</title><link>http://old.example/1</link></item></channel></rss>)feed");
  EXPECT_EQ(feed.format, "rss09x");
  ASSERT_EQ(feed.items.size(), 1u);
  EXPECT_EQ(feed.items[0].guid, "http://old.example/1");  // falls back to the link
}

TEST(FeedParserTest, ParsesJsonFeed) {
  constexpr char kJson[] = R"feed({
    "version": "https://jsonfeed.org/version/1.1",
    "title": "JSON Site",
    "home_page_url": "https://json.example/",
    "description": "A JSON feed",
    "language": "en",
    "authors": [{"name": "Feed Writer"}],
    "items": [
      {"id": "1", "url": "/posts/1", "title": "First &amp; best",
       "content_html": "<p>Hello <b>JSON</b></p><script>x()</script>",
       "summary": "Short one", "date_published": "2024-05-01T10:00:00-04:00",
       "date_modified": "2024-05-02T00:00:00Z", "tags": ["a", "b", "a"]},
      {"id": 2, "external_url": "https://other.example/x", "content_text": "Line one\n\nLine two",
       "author": {"name": "Old Style"}},
      "not an object",
      {"title": {"unexpected": "type"}}
    ]})feed";
  ParsedFeed feed = ParseOk(kJson);
  EXPECT_EQ(feed.format, "json");
  EXPECT_EQ(feed.title, "JSON Site");
  EXPECT_EQ(feed.link, "https://json.example/");
  EXPECT_EQ(feed.language, "en");
  ASSERT_EQ(feed.items.size(), 3u);
  EXPECT_EQ(feed.items[0].guid, "1");
  EXPECT_EQ(feed.items[0].link, "https://json.example/posts/1");
  EXPECT_EQ(feed.items[0].title, "First &amp; best");  // JSON titles are plain text
  EXPECT_EQ(feed.items[0].content_html, "<p>Hello <b>JSON</b></p>");
  EXPECT_EQ(feed.items[0].summary_html, "<p>Short one</p>");
  EXPECT_EQ(feed.items[0].text, "Hello JSON");
  EXPECT_EQ(feed.items[0].author, "Feed Writer");
  EXPECT_THAT(feed.items[0].categories, ElementsAre("a", "b"));
  EXPECT_EQ(FormatRfc3339(feed.items[0].published_ms), "2024-05-01T14:00:00Z");
  EXPECT_EQ(FormatRfc3339(feed.items[0].updated_ms), "2024-05-02T00:00:00Z");
  EXPECT_EQ(feed.items[1].guid, "2");
  EXPECT_EQ(feed.items[1].link, "https://other.example/x");
  EXPECT_EQ(feed.items[1].text, "Line one\n\nLine two");
  EXPECT_EQ(feed.items[1].author, "Old Style");
  EXPECT_EQ(feed.items[2].title, "");
}

TEST(FeedParserTest, DecodesGb2312Feed) {
  // Title "中文新闻：测试" and item title "北京" encoded as GB2312.
  const std::string bytes =
      "<?xml version=\"1.0\" encoding=\"gb2312\"?>\n"
      "<rss version=\"2.0\"><channel><title>"
      "\xD6\xD0\xCE\xC4\xD0\xC2\xCE\xC5\xA3\xBA\xB2\xE2\xCA\xD4"
      "</title><link>http://cn.example/</link><item><title>"
      "\xB1\xB1\xBE\xA9"
      "</title><description>&lt;p&gt;"
      "\xD6\xD0\xCE\xC4"
      "&lt;/p&gt;</description></item></channel></rss>";
  ParsedFeed feed = ParseOk(bytes);
  EXPECT_FALSE(feed.ill_formed) << feed.ill_formed_reason;
  EXPECT_EQ(feed.title, "中文新闻：测试");
  ASSERT_EQ(feed.items.size(), 1u);
  EXPECT_EQ(feed.items[0].title, "北京");
  EXPECT_EQ(feed.items[0].text, "中文");
}

TEST(FeedParserTest, DetectsUndeclaredLegacyEncoding) {
  const std::string bytes = "<rss version=\"2.0\"><channel><title>" +
                            EncodeWithIcu(kTraditionalChinese, "Big5") + "</title></channel></rss>";
  ParsedFeed feed = ParseOk(bytes);
  EXPECT_EQ(feed.title, kTraditionalChinese);
  EXPECT_TRUE(feed.ill_formed);
  EXPECT_THAT(feed.ill_formed_reason, HasSubstr("Big5"));
}

TEST(FeedParserTest, DetectsWronglyDeclaredEncoding) {
  // Shift_JIS bytes labelled EUC-JP, and KOI8-R labelled UTF-8.
  ParsedFeed japanese = ParseOk(
      "<?xml version=\"1.0\" encoding=\"euc-jp\"?><rss version=\"2.0\">"
      "<channel><title>" +
      EncodeWithIcu(kJapanese, "Shift_JIS") + "</title></channel></rss>");
  EXPECT_EQ(japanese.title, kJapanese);
  EXPECT_TRUE(japanese.ill_formed);
  EXPECT_THAT(japanese.ill_formed_reason, HasSubstr("Shift_JIS"));
  ParsedFeed russian = ParseOk(
      "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\">"
      "<channel><item><description>" +
      EncodeWithIcu(kRussian, "KOI8-R") + "</description></item></channel></rss>");
  ASSERT_EQ(russian.items.size(), 1u);
  EXPECT_EQ(russian.items[0].text, kRussian);
}

TEST(FeedParserTest, ReadsUndeclaredLatin1AsWindows1252) {
  ParsedFeed feed = ParseOk("<rss version=\"2.0\"><channel><title>Caf\xE9</title></channel></rss>");
  EXPECT_EQ(feed.title, "Café");
  EXPECT_TRUE(feed.ill_formed);
  EXPECT_THAT(feed.ill_formed_reason, HasSubstr("UTF-8"));
}

TEST(FeedParserTest, ReadsUtf16WithBom) {
  std::string utf8 = "<rss version=\"2.0\"><channel><title>W\xC3\xBC</title></channel></rss>";
  // UTF-16LE with BOM: every ASCII byte followed by 0, "ü" as FC 00.
  std::string utf16 = "\xFF\xFE";
  for (char c : std::string("<rss version=\"2.0\"><channel><title>W")) utf16 += std::string{c, '\0'};
  utf16 += std::string("\xFC\x00", 2);
  for (char c : std::string("</title></channel></rss>")) utf16 += std::string{c, '\0'};
  ParsedFeed feed = ParseOk(utf16);
  EXPECT_EQ(feed.title, "Wü");
  EXPECT_EQ(ParseOk(utf8).title, "Wü");
}

TEST(FeedParserTest, ReadsUtf32WithBom) {
  std::string utf32 = std::string("\xFF\xFE\x00\x00", 4);
  for (char c : std::string("<rss version=\"2.0\"><channel><title>Z</title></channel></rss>")) {
    utf32 += std::string{c, '\0', '\0', '\0'};
  }
  ParsedFeed feed = ParseOk(utf32);
  EXPECT_EQ(feed.format, "rss20");
  EXPECT_EQ(feed.title, "Z");
}

TEST(FeedParserTest, ReadsAtomWithoutNamespaceAndRssInOddNamespace) {
  ParsedFeed atom = ParseOk(R"feed(<feed version="0.3"><title>Bare</title>
    <entry><title>E</title><link rel="alternate" href="http://bare.example/e"/></entry></feed>)feed");
  EXPECT_EQ(atom.format, "atom03");
  EXPECT_EQ(atom.title, "Bare");
  ASSERT_EQ(atom.items.size(), 1u);
  EXPECT_EQ(atom.items[0].link, "http://bare.example/e");

  ParsedFeed rss = ParseOk(R"feed(<rss xmlns="http://odd.example/rss" version="2.0">
    <channel><title>Odd</title><item><title>I</title></item></channel></rss>)feed");
  EXPECT_EQ(rss.format, "rss20");
  EXPECT_EQ(rss.title, "Odd");
  ASSERT_EQ(rss.items.size(), 1u);
}

TEST(FeedParserTest, RecoversIllFormedFeed) {
  constexpr char kBroken[] = R"feed(<?xml version="1.0"?>
<rss version="2.0"><channel><title>Broken &nbsp;feed &bogus;</title>
<item><title>Good item</title><link>http://broken.example/1</link>
  <description>Unclosed <b>bold</description></item>
<item><title>Second &copy; item</title><link>http://broken.example/2</link></item>
</channel>)feed";
  ParsedFeed feed = ParseOk(kBroken);
  EXPECT_TRUE(feed.ill_formed);
  EXPECT_THAT(feed.ill_formed_reason, Not(IsEmpty()));
  EXPECT_THAT(feed.ill_formed_reason, HasSubstr("line"));
  EXPECT_EQ(feed.title, "Broken feed &bogus;");
  ASSERT_EQ(feed.items.size(), 2u);
  EXPECT_EQ(feed.items[0].title, "Good item");
  EXPECT_EQ(feed.items[0].link, "http://broken.example/1");
  EXPECT_EQ(feed.items[1].title, "Second © item");
}

TEST(FeedParserTest, ResultsDoNotDependOnWhatWasParsedBefore) {
  // The parser keeps one libxml2 context per thread; mixing well-formed,
  // broken, converted and declared-encoding feeds must not carry state over.
  std::string utf16 = "\xFF\xFE";
  for (char c : std::string("<rss version=\"2.0\"><channel><title>U16</title></channel></rss>")) {
    utf16 += std::string{c, '\0'};
  }
  const std::vector<std::string> feeds = {
      kRss20,
      "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss version=\"2.0\"><channel>"
      "<title>Caf\xE9</title><item><title>\xE0 la carte</title></item></channel></rss>",
      "<rss version=\"2.0\"><channel><title>Caf\xE9</title></channel></rss>",
      "<rss version=\"2.0\"><channel><title>Broken &nbsp;<item><title>x</title></channel>",
      utf16,
      "<?xml version=\"1.0\" encoding=\"utf-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">"
      "<title>A</title><entry><id>1</id><title>E</title></entry></feed>",
      "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY who \"Jo\">]><rss version=\"2.0\">"
      "<channel><title>&who;</title></channel></rss>",
  };
  std::vector<std::string> expected;
  for (const std::string& bytes : feeds) expected.push_back(FeedToJson(ParseOk(bytes)).dump());
  for (int round = 0; round < 3; ++round) {
    for (size_t i = 0; i < feeds.size(); ++i) {
      size_t k = (i * 5 + static_cast<size_t>(round)) % feeds.size();
      EXPECT_EQ(FeedToJson(ParseOk(feeds[k])).dump(), expected[k]) << "feed " << k;
    }
  }
}

TEST(FeedParserTest, WellFormedFeedIsNotMarked) {
  ParsedFeed feed = ParseOk(kRss20);
  EXPECT_FALSE(feed.ill_formed);
  EXPECT_EQ(feed.ill_formed_reason, "");
}

TEST(FeedParserTest, RejectsNonFeeds) {
  const std::string kInputs[] = {
      "",
      "   \n ",
      std::string("\x00\x01\x02\xFF\xFE garbage \x80\x81", 15),
      "just some text, not markup",
      "<!DOCTYPE html><html><head><title>Page</title></head><body><p>Hi<br></body></html>",
      "<?xml version=\"1.0\"?><note><to>x</to></note>",
      "{\"name\": \"not a feed\"}",
      "{broken json",
      "[1, 2, 3]",
  };
  for (const std::string& input : kInputs) {
    absl::StatusOr<ParsedFeed> feed = ParseFeed(input);
    EXPECT_EQ(feed.status().code(), absl::StatusCode::kInvalidArgument) << "input: " << input;
    EXPECT_THAT(std::string(feed.status().message()), HasSubstr("not a feed"));
  }
  absl::StatusOr<ParsedFeed> html = ParseFeed(kInputs[4]);
  EXPECT_THAT(std::string(html.status().message()), HasSubstr("<html>"));
}

TEST(FeedParserTest, DoesNotExpandExternalEntities) {
  constexpr char kXxe[] = R"feed(<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/hostname">
               <!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
               <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;">]>
<rss version="2.0"><channel><title>T&xxe;</title>
<item><title>&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;</title></item></channel></rss>)feed";
  absl::StatusOr<ParsedFeed> feed = ParseFeed(kXxe);
  ASSERT_TRUE(feed.ok()) << feed.status();
  EXPECT_EQ(feed->title, "T");
  ASSERT_EQ(feed->items.size(), 1u);
  EXPECT_LT(feed->items[0].title.size(), 1000u);
}

TEST(FeedParserTest, EntitiesInAttributeValuesStayWithinABudget) {
  // A 10 KB entity in 5,000 attribute values would be 50 MB of links; the
  // expansion of the document's own entities is capped at 32 MiB in all.
  std::string feed = "<?xml version=\"1.0\"?>\n<!DOCTYPE feed [<!ENTITY e \"" + std::string(10000, 'x') +
                     "\">]>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>t</title>";
  for (int i = 0; i < 5000; ++i) {
    feed += "<entry><id>" + std::to_string(i) + "</id><link href=\"http://a.example/&e;\"/></entry>";
  }
  feed += "</feed>";
  absl::StatusOr<ParsedFeed> parsed = ParseFeed(feed);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->items.size(), 5000u);
  EXPECT_EQ(parsed->items[0].link, "http://a.example/" + std::string(10000, 'x'));
  size_t total = 0;
  for (const FeedItem& item : parsed->items) total += item.link.size();
  EXPECT_LE(total, size_t{32} << 20);
}

TEST(FeedParserTest, ResolvesRelativeLinksAgainstBaseUrl) {
  ParsedFeed feed = ParseOk(R"feed(<rss version="2.0"><channel><title>t</title>
    <item><link>items/1</link><description>&lt;a href="x"&gt;x&lt;/a&gt;</description></item>
    </channel></rss>)feed",
                            "https://fetched.example/feeds/main.xml");
  ASSERT_EQ(feed.items.size(), 1u);
  EXPECT_EQ(feed.items[0].link, "https://fetched.example/feeds/items/1");
  EXPECT_EQ(feed.items[0].summary_html, "<a href=\"https://fetched.example/feeds/x\">x</a>");
}

TEST(FeedParserTest, RendersJson) {
  ParsedFeed feed = ParseOk(kRss20);
  nlohmann::json json = FeedToJson(feed);
  EXPECT_EQ(json["format"], "rss20");
  EXPECT_EQ(json["title"], "Harbour & Coast News");
  EXPECT_EQ(json["ill_formed"], false);
  ASSERT_EQ(json["items"].size(), 2u);
  EXPECT_EQ(json["items"][0]["published"], "2024-03-05T07:30:00Z");
  EXPECT_TRUE(json["items"][0]["updated"].is_null());
  EXPECT_TRUE(json["items"][1]["published"].is_null());
  EXPECT_EQ(json["items"][0]["categories"], nlohmann::json::array({"Weather", "Coast"}));
  for (const char* key :
       {"guid", "link", "title", "author", "summary_html", "content_html", "text", "language"}) {
    EXPECT_TRUE(json["items"][0].contains(key)) << key;
  }
  EXPECT_NO_THROW(json.dump());
}

}  // namespace
}  // namespace newsflow::ingest

// Tests of the typed feed model (feed_model.h) that ParseFeed fills next to
// the pipeline's flattened fields: values as written, with their types,
// languages and bases.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "services/ingest/feed/feed_parser.h"

namespace newsflow::ingest {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

ParsedFeed ParseOk(std::string_view bytes, std::string_view base_url = "") {
  FeedParseOptions options;
  options.details = true;
  absl::StatusOr<ParsedFeed> feed = ParseFeed(bytes, base_url, options);
  EXPECT_TRUE(feed.ok()) << feed.status();
  if (!feed.ok()) return ParsedFeed{};
  // Every XML feed and item carries details on request (empty ones are
  // added after the failure so that the tests can read them).
  if (!feed->details) ADD_FAILURE() << "feed without details";
  if (!feed->details) feed->details.emplace();
  for (FeedItem& item : feed->items) {
    if (!item.details) ADD_FAILURE() << "item without details";
    if (!item.details) item.details.emplace();
  }
  return *std::move(feed);
}

constexpr char kRss[] = R"feed(<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel xml:base="https://radio.example/">
  <title>Night Shift Radio</title>
  <link>https://radio.example/</link>
  <atom:link rel="self" type="application/rss+xml" href="https://radio.example/feed"/>
  <description>Talk &lt;i&gt;after&lt;/i&gt; dark</description>
  <managingEditor>desk@radio.example (Night Desk)</managingEditor>
  <item>
    <title>Episode 12: owls</title>
    <link>/episodes/12</link>
    <enclosure url="/audio/12.mp3" length="3456789" type="audio/mpeg"/>
    <enclosure url=" /audio/12.ogg " type="audio/ogg"/>
    <description>&lt;p&gt;Owls &lt;b&gt;at night&lt;/b&gt;.&lt;/p&gt;</description>
    <content:encoded><![CDATA[<p>Full notes</p><script>track()</script>]]></content:encoded>
    <author>host@radio.example (Mo Lark)</author>
    <dc:creator>Guest Producer</dc:creator>
    <category domain="https://radio.example/topics">Birds</category>
    <category>Night</category>
    <pubDate> Wed, 02 Oct 2024 21:00:00 +0000 </pubDate>
  </item>
</channel>
</rss>)feed";

TEST(FeedModelTest, RssItemLinksAndEnclosuresKeepTheirAttributes) {
  ParsedFeed feed = ParseOk(kRss);
  ASSERT_EQ(feed.items.size(), 1u);
  const FeedItem& item = feed.items[0];
  ASSERT_EQ(item.details->links.size(), 3u);
  EXPECT_EQ(item.details->links[0].href, "/episodes/12");  // as written: the base says how to resolve it
  EXPECT_EQ(item.details->links[0].rel, "alternate");
  EXPECT_EQ(item.details->links[0].base, "https://radio.example/");
  EXPECT_EQ(item.details->links[1].rel, "enclosure");
  EXPECT_EQ(item.details->links[1].type, "audio/mpeg");
  EXPECT_EQ(item.details->links[1].length, "3456789");
  ASSERT_EQ(item.details->enclosures.size(), 2u);
  EXPECT_EQ(item.details->enclosures[0].url, "/audio/12.mp3");
  EXPECT_EQ(item.details->enclosures[1].url, "/audio/12.ogg");  // trimmed
  EXPECT_EQ(item.details->enclosures[1].length, "");
  // The pipeline's link is still the resolved one.
  EXPECT_EQ(item.link, "https://radio.example/episodes/12");
}

TEST(FeedModelTest, RssTextsAreTheUnsanitisedHtml) {
  const ParsedFeed feed = ParseOk(kRss);
  const FeedItem& item = feed.items.at(0);
  EXPECT_TRUE(item.details->title.present);
  EXPECT_EQ(item.details->title.value, "Episode 12: owls");
  EXPECT_EQ(item.details->summary.type, "text/html");
  EXPECT_EQ(item.details->summary.value, "<p>Owls <b>at night</b>.</p>");
  ASSERT_EQ(item.details->contents.size(), 1u);
  EXPECT_THAT(item.details->contents[0].value, HasSubstr("<script>"));  // the model keeps what was written
  EXPECT_THAT(item.content_html, Not(HasSubstr("<script>")));           // the pipeline's field is sanitised
  EXPECT_EQ(item.details->contents[0].base, "https://radio.example/");
}

TEST(FeedModelTest, RssPeopleCategoriesAndDates) {
  ParsedFeed feed = ParseOk(kRss);
  const FeedItem& item = feed.items.at(0);
  ASSERT_EQ(item.details->authors.size(), 2u);  // document order
  EXPECT_EQ(item.details->authors[0].name, "Mo Lark");
  EXPECT_EQ(item.details->authors[0].email, "host@radio.example");
  EXPECT_EQ(item.details->authors[1].name, "Guest Producer");
  EXPECT_EQ(item.details->authors[1].email, "");
  ASSERT_EQ(item.details->tags.size(), 2u);
  EXPECT_EQ(item.details->tags[0].term, "Birds");
  EXPECT_EQ(item.details->tags[0].scheme, "https://radio.example/topics");
  EXPECT_EQ(item.details->tags[1].scheme, "");
  EXPECT_EQ(item.details->published, "Wed, 02 Oct 2024 21:00:00 +0000");
  EXPECT_NE(item.published_ms, 0);
  EXPECT_EQ(item.details->updated, "");

  EXPECT_EQ(feed.details->title.value, "Night Shift Radio");
  EXPECT_EQ(feed.details->subtitle.value, "Talk <i>after</i> dark");
  ASSERT_EQ(feed.details->links.size(), 2u);
  EXPECT_EQ(feed.details->links[1].rel, "self");
  EXPECT_EQ(feed.details->links[1].type, "application/rss+xml");
  ASSERT_EQ(feed.details->authors.size(), 1u);
  EXPECT_EQ(feed.details->authors[0].name, "Night Desk");
  EXPECT_EQ(feed.details->authors[0].email, "desk@radio.example");
}

TEST(FeedModelTest, RssAuthorForms) {
  ParsedFeed feed = ParseOk(R"feed(<rss version="2.0"><channel><title>t</title>
    <item><title>a</title><author>Jo Doe &lt;jo@mail.example&gt;</author></item>
    <item><title>b</title><author>jo@mail.example</author></item>
    <item><title>c</title><author>Jo Doe</author></item>
    </channel></rss>)feed");
  ASSERT_EQ(feed.items.size(), 3u);
  EXPECT_EQ(feed.items[0].details->authors.at(0).name, "Jo Doe");
  EXPECT_EQ(feed.items[0].details->authors.at(0).email, "jo@mail.example");
  EXPECT_EQ(feed.items[1].details->authors.at(0).name, "");
  EXPECT_EQ(feed.items[1].details->authors.at(0).email, "jo@mail.example");
  EXPECT_EQ(feed.items[2].details->authors.at(0).name, "Jo Doe");
  EXPECT_EQ(feed.items[2].details->authors.at(0).email, "");
}

constexpr char kAtom[] = R"feed(<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en" xml:base="https://garden.example/blog/">
  <title type="html">Seeds &amp;amp; Soil</title>
  <subtitle>Notes from a garden</subtitle>
  <link href="https://garden.example/blog/"/>
  <link rel="self" href="https://garden.example/blog/atom.xml"/>
  <author><name>Pat Green</name><email>pat@garden.example</email><uri>https://garden.example/pat</uri></author>
  <entry xml:lang="de" xml:base="posts/">
    <id>tag:garden.example,2024:1</id>
    <title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Tomaten <em>früh</em></div></title>
    <link rel="alternate" type="text/html" hreflang="de" title="Beitrag" href="tomaten"/>
    <link rel="enclosure" type="image/jpeg" length="2048" href="tomaten.jpg"/>
    <summary>Plain &lt;not markup&gt;</summary>
    <content type="html">&lt;p&gt;Erst &lt;b&gt;säen&lt;/b&gt;&lt;/p&gt;</content>
    <category term="veg" scheme="https://garden.example/cats" label="Vegetables"/>
    <published>2024-03-01T08:00:00Z</published>
    <updated>2024-03-02T09:30:00+01:00</updated>
  </entry>
  <entry>
    <title>Elsewhere</title>
    <content type="video/mp4" src="https://cdn.garden.example/v.mp4"/>
  </entry>
</feed>)feed";

TEST(FeedModelTest, AtomTextConstructsKeepTypeLanguageAndBase) {
  ParsedFeed feed = ParseOk(kAtom);
  EXPECT_EQ(feed.details->title.type, "text/html");
  EXPECT_EQ(feed.details->title.value, "Seeds &amp; Soil");  // the HTML as written
  EXPECT_EQ(feed.details->title.language, "en");
  EXPECT_EQ(feed.details->subtitle.type, "text/plain");
  ASSERT_EQ(feed.items.size(), 2u);
  const FeedItem& entry = feed.items[0];
  EXPECT_EQ(entry.details->title.type, "application/xhtml+xml");
  EXPECT_EQ(entry.details->title.value, "Tomaten <em>früh</em>");
  EXPECT_EQ(entry.details->title.language, "de");
  EXPECT_EQ(entry.details->title.base, "https://garden.example/blog/posts/");
  EXPECT_EQ(entry.details->summary.type, "text/plain");
  EXPECT_EQ(entry.details->summary.value, "Plain <not markup>");
  ASSERT_EQ(entry.details->contents.size(), 1u);
  EXPECT_EQ(entry.details->contents[0].type, "text/html");
  EXPECT_EQ(entry.details->contents[0].value, "<p>Erst <b>säen</b></p>");
  EXPECT_EQ(entry.details->published, "2024-03-01T08:00:00Z");
  EXPECT_EQ(entry.details->updated, "2024-03-02T09:30:00+01:00");
  // Out-of-line content has a src and no value.
  const FeedItem& video = feed.items[1];
  ASSERT_EQ(video.details->contents.size(), 1u);
  EXPECT_EQ(video.details->contents[0].src, "https://cdn.garden.example/v.mp4");
  EXPECT_EQ(video.details->contents[0].type, "video/mp4");
  EXPECT_EQ(video.details->contents[0].value, "");
  EXPECT_EQ(video.content_html, "");
}

TEST(FeedModelTest, AtomLinksPeopleAndCategories) {
  ParsedFeed feed = ParseOk(kAtom);
  ASSERT_EQ(feed.details->links.size(), 2u);
  EXPECT_EQ(feed.details->links[0].rel, "alternate");  // absent rel
  EXPECT_EQ(feed.details->links[1].rel, "self");
  ASSERT_EQ(feed.details->authors.size(), 1u);
  EXPECT_EQ(feed.details->authors[0].name, "Pat Green");
  EXPECT_EQ(feed.details->authors[0].email, "pat@garden.example");
  EXPECT_EQ(feed.details->authors[0].uri, "https://garden.example/pat");
  const FeedItem& entry = feed.items.at(0);
  ASSERT_EQ(entry.details->links.size(), 2u);
  EXPECT_EQ(entry.details->links[0].href, "tomaten");
  EXPECT_EQ(entry.details->links[0].hreflang, "de");
  EXPECT_EQ(entry.details->links[0].title, "Beitrag");
  EXPECT_EQ(entry.details->links[0].base, "https://garden.example/blog/posts/");
  EXPECT_EQ(entry.link, "https://garden.example/blog/posts/tomaten");
  ASSERT_EQ(entry.details->enclosures.size(), 1u);
  EXPECT_EQ(entry.details->enclosures[0].url, "tomaten.jpg");
  EXPECT_EQ(entry.details->enclosures[0].type, "image/jpeg");
  EXPECT_EQ(entry.details->enclosures[0].length, "2048");
  ASSERT_EQ(entry.details->tags.size(), 1u);
  EXPECT_EQ(entry.details->tags[0].term, "veg");
  EXPECT_EQ(entry.details->tags[0].scheme, "https://garden.example/cats");
  EXPECT_EQ(entry.details->tags[0].label, "Vegetables");
  EXPECT_TRUE(entry.details->authors.empty());  // the feed's author is not copied into the entry's list
  EXPECT_EQ(entry.author, "Pat Green");         // but the pipeline's field inherits it
}

TEST(FeedModelTest, Atom03Base64ContentIsDecoded) {
  // "<i>hello</i>" and "plain words" in base64.
  ParsedFeed feed = ParseOk(R"feed(<feed version="0.3" xmlns="http://purl.org/atom/ns#">
    <title>t</title><entry><title>e</title>
    <content type="text/html" mode="base64">PGk+aGVsbG88L2k+</content>
    <summary type="text/plain" mode="base64">cGxhaW4g
      d29yZHM=</summary></entry></feed>)feed");
  const FeedItem& entry = feed.items.at(0);
  ASSERT_EQ(entry.details->contents.size(), 1u);
  EXPECT_EQ(entry.details->contents[0].type, "text/html");
  EXPECT_EQ(entry.details->contents[0].value, "<i>hello</i>");
  EXPECT_EQ(entry.details->summary.type, "text/plain");
  EXPECT_EQ(entry.details->summary.value, "plain words");
}

TEST(FeedModelTest, DetailsAreFilledOnlyOnRequest) {
  absl::StatusOr<ParsedFeed> plain = ParseFeed(kRss);
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->details.has_value());
  const FeedItem& item = plain->items.at(0);
  EXPECT_FALSE(item.details.has_value());
  // The flattened fields do not depend on it.
  const ParsedFeed detailed_feed = ParseOk(kRss);
  const FeedItem& detailed = detailed_feed.items.at(0);
  EXPECT_EQ(item.title, detailed.title);
  EXPECT_EQ(item.link, detailed.link);
  EXPECT_EQ(item.content_html, detailed.content_html);
  EXPECT_EQ(item.author, detailed.author);
}

TEST(FeedModelTest, AbsentElementsAreNotPresent) {
  ParsedFeed feed = ParseOk(
      "<rss version=\"2.0\"><channel><item><link>https://x.example/</link>"
      "</item></channel></rss>");
  EXPECT_FALSE(feed.details->title.present);
  const FeedItem& item = feed.items.at(0);
  EXPECT_FALSE(item.details->title.present);
  EXPECT_FALSE(item.details->summary.present);
  EXPECT_TRUE(item.details->contents.empty());
  EXPECT_TRUE(item.details->enclosures.empty());
}

TEST(FeedModelTest, DocumentLevelVersionEncodingAndNamespaces) {
  ParsedFeed feed = ParseOk(R"feed(<?xml version="1.0" encoding="ISO-8859-1"?>
<rss version="0.92" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
     xmlns:x="urn:example:extras">
<channel><title>Caf)feed"
                            "\xE9"
                            R"feed( talk</title><language>fr-CA</language>
  <x:mood level="2">calm</x:mood>
  <itunes:explicit>no</itunes:explicit>
</channel></rss>)feed");
  const FeedDetails& d = *feed.details;
  EXPECT_EQ(d.version, "rss092");
  EXPECT_EQ(d.encoding, "iso-8859-1");
  EXPECT_EQ(d.language_element, "fr-CA");
  ASSERT_EQ(d.namespaces.size(), 2u);
  EXPECT_EQ(d.namespaces[0],
            (std::pair<std::string, std::string>{"itunes", "http://www.itunes.com/dtds/podcast-1.0.dtd"}));
  EXPECT_EQ(d.namespaces[1].first, "x");
  EXPECT_EQ(d.title.value, "Caf\xC3\xA9 talk");
  // Elements the model has no field for are kept in order, with their
  // namespace, the prefix the document used and their attributes.
  ASSERT_EQ(d.extensions.size(), 2u);
  EXPECT_EQ(d.extensions[0].ns, "urn:example:extras");
  EXPECT_EQ(d.extensions[0].prefix, "x");
  EXPECT_EQ(d.extensions[0].name, "mood");
  ASSERT_EQ(d.extensions[0].attributes.size(), 1u);
  EXPECT_EQ(d.extensions[0].attributes[0].name, "level");
  EXPECT_EQ(d.extensions[0].attributes[0].value, "2");
  EXPECT_EQ(d.extensions[0].value, "calm");
  EXPECT_EQ(d.extensions[1].name, "explicit");
}

TEST(FeedModelTest, RssChannelMetadata) {
  ParsedFeed feed = ParseOk(R"feed(<rss version="2.0"><channel>
  <title>Harbour Notes</title>
  <copyright>Harbour Co-op</copyright>
  <generator>quillpress 4</generator>
  <webMaster>desk@harbour.example (News Desk)</webMaster>
  <docs>/rss-spec</docs><ttl>45</ttl>
  <pubDate>Sun, 06 Dec 2026 08:00:00 GMT</pubDate>
  <lastBuildDate>Sun, 06 Dec 2026 09:30:00 GMT</lastBuildDate>
  <category domain="urn:sections">Boats</category>
  <cloud domain="rpc.harbour.example" port="80" path="/ping" registerProcedure="notify" protocol="xml-rpc"/>
  <image><url>/logo.png</url><title>Harbour</title><link>/</link><width>88</width><height>31</height></image>
  <textInput><title>Search</title><description>Search the notes</description><name>q</name><link>/search</link></textInput>
</channel></rss>)feed");
  const FeedDetails& d = *feed.details;
  EXPECT_EQ(d.rights.value, "Harbour Co-op");
  EXPECT_TRUE(d.generator.present);
  EXPECT_EQ(d.generator.name, "quillpress 4");
  ASSERT_TRUE(d.has_publisher);
  EXPECT_EQ(d.publisher.text, "desk@harbour.example (News Desk)");
  EXPECT_EQ(d.publisher.email, "desk@harbour.example");
  EXPECT_EQ(d.docs, "/rss-spec");
  EXPECT_EQ(d.ttl, "45");
  EXPECT_EQ(d.published, "Sun, 06 Dec 2026 08:00:00 GMT");
  EXPECT_EQ(d.updated, "Sun, 06 Dec 2026 09:30:00 GMT");
  ASSERT_EQ(d.tags.size(), 1u);
  EXPECT_EQ(d.tags[0].term, "Boats");
  EXPECT_EQ(d.tags[0].scheme, "urn:sections");
  EXPECT_TRUE(d.has_cloud);
  EXPECT_EQ(d.cloud.size(), 5u);
  EXPECT_TRUE(d.image.present);
  EXPECT_EQ(d.image.url, "/logo.png");
  EXPECT_EQ(d.image.width, "88");
  EXPECT_EQ(d.image.title.value, "Harbour");
  EXPECT_TRUE(d.textinput.present);
  EXPECT_EQ(d.textinput.name, "q");
  EXPECT_EQ(d.textinput.description.value, "Search the notes");
}

TEST(FeedModelTest, RssItemIdCommentsSourceAndExtensions) {
  ParsedFeed feed = ParseOk(R"feed(<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>t</title>
<item xml:base="https://harbour.example/2026/">
  <title>Tide tables</title>
  <guid isPermaLink="false">harbour-1234</guid>
  <comments>tides#comments</comments>
  <source url="https://wire.example/rss">The Wire</source>
  <dc:contributor>Sam Reed</dc:contributor>
  <dc:date>2026-12-06T07:00:00Z</dc:date>
  <media:group><media:content url="https://cdn.example/t.mp4" type="video/mp4"/></media:group>
</item></channel></rss>)feed");
  ASSERT_EQ(feed.items.size(), 1u);
  const FeedItemDetails& d = *feed.items[0].details;
  EXPECT_TRUE(d.has_id);
  EXPECT_EQ(d.id, "harbour-1234");
  EXPECT_FALSE(d.id_is_permalink);
  EXPECT_EQ(d.comments, "tides#comments");
  EXPECT_EQ(d.base, "https://harbour.example/2026/");
  ASSERT_TRUE(d.source.has_value());
  EXPECT_TRUE(d.source_is_text);
  EXPECT_EQ(d.source_href, "https://wire.example/rss");
  EXPECT_EQ(d.source->title.value, "The Wire");
  ASSERT_EQ(d.contributors.size(), 1u);
  EXPECT_EQ(d.contributors[0].name, "Sam Reed");
  // dc:date is the modification date as written; the pipeline still dates
  // the item by it.
  EXPECT_EQ(d.updated, "2026-12-06T07:00:00Z");
  EXPECT_NE(feed.items[0].published_ms, 0);
  ASSERT_EQ(d.extensions.size(), 1u);
  EXPECT_EQ(d.extensions[0].name, "group");
  ASSERT_EQ(d.extensions[0].children.size(), 1u);
  EXPECT_EQ(d.extensions[0].children[0].name, "content");
  EXPECT_EQ(d.extensions[0].children[0].attributes.size(), 2u);
}

TEST(FeedModelTest, AtomSourceIsReadLikeAFeed) {
  ParsedFeed feed = ParseOk(R"feed(<feed xmlns="http://www.w3.org/2005/Atom"><title>Digest</title>
<entry><title>Copied</title><id>urn:digest:1</id>
  <source><id>urn:origin</id><title>Origin Weekly</title>
    <link href="https://origin.example/"/><author><name>Ada</name></author>
    <generator uri="https://gen.example/" version="2.1">GenKit</generator>
    <updated>2026-12-01T00:00:00Z</updated></source>
  <contributor><name>Lin</name><uri>/lin</uri></contributor>
  <rights type="html">&lt;b&gt;CC&lt;/b&gt; BY</rights>
</entry></feed>)feed");
  const FeedItemDetails& d = *feed.items[0].details;
  EXPECT_TRUE(d.has_id);
  EXPECT_TRUE(d.id_is_permalink);  // no isPermaLink attribute to say otherwise
  ASSERT_TRUE(d.source.has_value());
  EXPECT_FALSE(d.source_is_text);
  EXPECT_EQ(d.source->id, "urn:origin");
  EXPECT_EQ(d.source->title.value, "Origin Weekly");
  ASSERT_EQ(d.source->links.size(), 1u);
  ASSERT_EQ(d.source->authors.size(), 1u);
  EXPECT_EQ(d.source->generator.name, "GenKit");
  EXPECT_EQ(d.source->generator.href, "https://gen.example/");
  EXPECT_EQ(d.source->generator.version, "2.1");
  EXPECT_EQ(d.source->updated, "2026-12-01T00:00:00Z");
  ASSERT_EQ(d.contributors.size(), 1u);
  EXPECT_EQ(d.contributors[0].uri, "/lin");
  EXPECT_EQ(d.rights.type, "text/html");
  EXPECT_EQ(d.rights.value, "<b>CC</b> BY");
}

TEST(FeedModelTest, Atom10BinaryContentIsBase64AndXhtmlLosesItsDiv) {
  ParsedFeed feed = ParseOk(R"feed(<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry><title>e</title>
  <content type="application/octet-stream">aGVsbG8gd29ybGQ=</content>
  <summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Short</p></div></summary>
</entry></feed>)feed");
  const FeedItemDetails& d = *feed.items[0].details;
  ASSERT_EQ(d.contents.size(), 1u);
  EXPECT_EQ(d.contents[0].type, "application/octet-stream");
  EXPECT_EQ(d.contents[0].value, "hello world");
  EXPECT_EQ(d.summary.type, "application/xhtml+xml");
  EXPECT_EQ(d.summary.value, "<p>Short</p>");
}

TEST(FeedModelTest, HttpCharsetDecidesTheEncodingWhenGiven) {
  // Latin-1 bytes in a document that claims UTF-8: the HTTP charset wins
  // under RFC 3023, and nothing had to be second-guessed.
  std::string bytes =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel>"
      "<title>Fa\xE7"
      "ade</title></channel></rss>";
  FeedParseOptions options;
  options.details = true;
  options.http.emplace();
  options.http->fetched = true;
  options.http->has_content_type = true;
  options.http->content_type = "application/rss+xml; charset=iso-8859-1";
  absl::StatusOr<ParsedFeed> feed = ParseFeed(bytes, "", options);
  ASSERT_TRUE(feed.ok()) << feed.status();
  EXPECT_EQ(feed->title,
            "Fa\xC3\xA7"
            "ade");
  EXPECT_EQ(feed->details->encoding, "iso-8859-1");
  EXPECT_EQ(feed->details->encoding_problem, XmlEncodingProblem::kNone);
  EXPECT_FALSE(feed->ill_formed);
  // text/plain is not an XML media type: read all the same, but reported.
  options.http->content_type = "text/plain; charset=iso-8859-1";
  feed = ParseFeed(bytes, "", options);
  ASSERT_TRUE(feed.ok()) << feed.status();
  EXPECT_EQ(feed->details->encoding_problem, XmlEncodingProblem::kNotXmlMediaType);
  EXPECT_TRUE(feed->ill_formed);
}

TEST(FeedModelTest, ChannelDefinitionFormatIsReadAsRss) {
  absl::StatusOr<ParsedFeed> plain =
      ParseFeed(R"feed(<CHANNEL HREF="https://cdf.example/" LASTMOD="2026-12-01T10:00">
<TITLE>Desktop channel</TITLE><ABSTRACT>Pushed pages</ABSTRACT>
<ITEM HREF="https://cdf.example/one" LASTMOD="2026-12-02T10:00"><TITLE>One</TITLE><ABSTRACT>First page</ABSTRACT></ITEM>
</CHANNEL>)feed");
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->format, "cdf");
  EXPECT_EQ(plain->title, "Desktop channel");
  EXPECT_EQ(plain->link, "https://cdf.example/");
  ASSERT_EQ(plain->items.size(), 1u);
  EXPECT_EQ(plain->items[0].link, "https://cdf.example/one");
  EXPECT_EQ(plain->items[0].title, "One");
  ParsedFeed feed =
      ParseOk(R"feed(<CHANNEL HREF="https://cdf.example/"><TITLE>t</TITLE><ABSTRACT>Pushed pages</ABSTRACT>
<ITEM HREF="https://cdf.example/one" LASTMOD="2026-12-02T10:00"><ABSTRACT>First page</ABSTRACT></ITEM></CHANNEL>)feed");
  EXPECT_EQ(feed.details->subtitle.value, "Pushed pages");
  EXPECT_EQ(feed.details->subtitle.type, "text/plain");
  const FeedItemDetails& d = *feed.items[0].details;
  EXPECT_EQ(d.summary.value, "First page");
  EXPECT_EQ(d.updated, "2026-12-02T10:00");
  ASSERT_EQ(d.links.size(), 1u);
  EXPECT_EQ(d.links[0].href, "https://cdf.example/one");
}

TEST(FeedModelTest, HtmlFourEntitiesInIllFormedFeeds) {
  // &nbsp; is a character, not markup, and &lang; is HTML 4's U+2329.
  ParsedFeed feed =
      ParseOk("<rss version=\"2.0\"><channel><title>a&nbsp;b &lang;x&rang;</title></channel></rss>");
  EXPECT_EQ(feed.details->title.value,
            "a\xC2\xA0"
            "b \xE2\x8C\xA9x\xE2\x8C\xAA");
  EXPECT_THAT(feed.title, Not(HasSubstr("&nbsp;")));
  EXPECT_TRUE(feed.ill_formed);
}

}  // namespace
}  // namespace newsflow::ingest

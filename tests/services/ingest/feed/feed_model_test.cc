// Tests of the typed feed model (feed_model.h) that ParseFeed fills next to
// the pipeline's flattened fields: values as written, with their types,
// languages and bases.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

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
  return feed.ok() ? *std::move(feed) : ParsedFeed{};
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
  ASSERT_EQ(item.links.size(), 3u);
  EXPECT_EQ(item.links[0].href, "/episodes/12");  // as written: the base says how to resolve it
  EXPECT_EQ(item.links[0].rel, "alternate");
  EXPECT_EQ(item.links[0].base, "https://radio.example/");
  EXPECT_EQ(item.links[1].rel, "enclosure");
  EXPECT_EQ(item.links[1].type, "audio/mpeg");
  EXPECT_EQ(item.links[1].length, "3456789");
  ASSERT_EQ(item.enclosures.size(), 2u);
  EXPECT_EQ(item.enclosures[0].url, "/audio/12.mp3");
  EXPECT_EQ(item.enclosures[1].url, "/audio/12.ogg");  // trimmed
  EXPECT_EQ(item.enclosures[1].length, "");
  // The pipeline's link is still the resolved one.
  EXPECT_EQ(item.link, "https://radio.example/episodes/12");
}

TEST(FeedModelTest, RssTextsAreTheUnsanitisedHtml) {
  const ParsedFeed feed = ParseOk(kRss);
  const FeedItem& item = feed.items.at(0);
  EXPECT_TRUE(item.title_detail.present);
  EXPECT_EQ(item.title_detail.value, "Episode 12: owls");
  EXPECT_EQ(item.summary_detail.type, "text/html");
  EXPECT_EQ(item.summary_detail.value, "<p>Owls <b>at night</b>.</p>");
  ASSERT_EQ(item.contents.size(), 1u);
  EXPECT_THAT(item.contents[0].value, HasSubstr("<script>"));  // the model keeps what was written
  EXPECT_THAT(item.content_html, Not(HasSubstr("<script>")));  // the pipeline's field is sanitised
  EXPECT_EQ(item.contents[0].base, "https://radio.example/");
}

TEST(FeedModelTest, RssPeopleCategoriesAndDates) {
  ParsedFeed feed = ParseOk(kRss);
  const FeedItem& item = feed.items.at(0);
  ASSERT_EQ(item.authors.size(), 2u);  // document order
  EXPECT_EQ(item.authors[0].name, "Mo Lark");
  EXPECT_EQ(item.authors[0].email, "host@radio.example");
  EXPECT_EQ(item.authors[1].name, "Guest Producer");
  EXPECT_EQ(item.authors[1].email, "");
  ASSERT_EQ(item.tags.size(), 2u);
  EXPECT_EQ(item.tags[0].term, "Birds");
  EXPECT_EQ(item.tags[0].scheme, "https://radio.example/topics");
  EXPECT_EQ(item.tags[1].scheme, "");
  EXPECT_EQ(item.published_raw, "Wed, 02 Oct 2024 21:00:00 +0000");
  EXPECT_NE(item.published_ms, 0);
  EXPECT_EQ(item.updated_raw, "");

  EXPECT_EQ(feed.title_detail.value, "Night Shift Radio");
  EXPECT_EQ(feed.subtitle_detail.value, "Talk <i>after</i> dark");
  ASSERT_EQ(feed.links.size(), 2u);
  EXPECT_EQ(feed.links[1].rel, "self");
  EXPECT_EQ(feed.links[1].type, "application/rss+xml");
  ASSERT_EQ(feed.authors.size(), 1u);
  EXPECT_EQ(feed.authors[0].name, "Night Desk");
  EXPECT_EQ(feed.authors[0].email, "desk@radio.example");
}

TEST(FeedModelTest, RssAuthorForms) {
  ParsedFeed feed = ParseOk(R"feed(<rss version="2.0"><channel><title>t</title>
    <item><title>a</title><author>Jo Doe &lt;jo@mail.example&gt;</author></item>
    <item><title>b</title><author>jo@mail.example</author></item>
    <item><title>c</title><author>Jo Doe</author></item>
    </channel></rss>)feed");
  ASSERT_EQ(feed.items.size(), 3u);
  EXPECT_EQ(feed.items[0].authors.at(0).name, "Jo Doe");
  EXPECT_EQ(feed.items[0].authors.at(0).email, "jo@mail.example");
  EXPECT_EQ(feed.items[1].authors.at(0).name, "");
  EXPECT_EQ(feed.items[1].authors.at(0).email, "jo@mail.example");
  EXPECT_EQ(feed.items[2].authors.at(0).name, "Jo Doe");
  EXPECT_EQ(feed.items[2].authors.at(0).email, "");
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
  EXPECT_EQ(feed.title_detail.type, "text/html");
  EXPECT_EQ(feed.title_detail.value, "Seeds &amp; Soil");  // the HTML as written
  EXPECT_EQ(feed.title_detail.language, "en");
  EXPECT_EQ(feed.subtitle_detail.type, "text/plain");
  ASSERT_EQ(feed.items.size(), 2u);
  const FeedItem& entry = feed.items[0];
  EXPECT_EQ(entry.title_detail.type, "application/xhtml+xml");
  EXPECT_EQ(entry.title_detail.value, "Tomaten <em>früh</em>");
  EXPECT_EQ(entry.title_detail.language, "de");
  EXPECT_EQ(entry.title_detail.base, "https://garden.example/blog/posts/");
  EXPECT_EQ(entry.summary_detail.type, "text/plain");
  EXPECT_EQ(entry.summary_detail.value, "Plain <not markup>");
  ASSERT_EQ(entry.contents.size(), 1u);
  EXPECT_EQ(entry.contents[0].type, "text/html");
  EXPECT_EQ(entry.contents[0].value, "<p>Erst <b>säen</b></p>");
  EXPECT_EQ(entry.published_raw, "2024-03-01T08:00:00Z");
  EXPECT_EQ(entry.updated_raw, "2024-03-02T09:30:00+01:00");
  // Out-of-line content has a src and no value.
  const FeedItem& video = feed.items[1];
  ASSERT_EQ(video.contents.size(), 1u);
  EXPECT_EQ(video.contents[0].src, "https://cdn.garden.example/v.mp4");
  EXPECT_EQ(video.contents[0].type, "video/mp4");
  EXPECT_EQ(video.contents[0].value, "");
  EXPECT_EQ(video.content_html, "");
}

TEST(FeedModelTest, AtomLinksPeopleAndCategories) {
  ParsedFeed feed = ParseOk(kAtom);
  ASSERT_EQ(feed.links.size(), 2u);
  EXPECT_EQ(feed.links[0].rel, "alternate");  // absent rel
  EXPECT_EQ(feed.links[1].rel, "self");
  ASSERT_EQ(feed.authors.size(), 1u);
  EXPECT_EQ(feed.authors[0].name, "Pat Green");
  EXPECT_EQ(feed.authors[0].email, "pat@garden.example");
  EXPECT_EQ(feed.authors[0].uri, "https://garden.example/pat");
  const FeedItem& entry = feed.items.at(0);
  ASSERT_EQ(entry.links.size(), 2u);
  EXPECT_EQ(entry.links[0].href, "tomaten");
  EXPECT_EQ(entry.links[0].hreflang, "de");
  EXPECT_EQ(entry.links[0].title, "Beitrag");
  EXPECT_EQ(entry.links[0].base, "https://garden.example/blog/posts/");
  EXPECT_EQ(entry.link, "https://garden.example/blog/posts/tomaten");
  ASSERT_EQ(entry.enclosures.size(), 1u);
  EXPECT_EQ(entry.enclosures[0].url, "tomaten.jpg");
  EXPECT_EQ(entry.enclosures[0].type, "image/jpeg");
  EXPECT_EQ(entry.enclosures[0].length, "2048");
  ASSERT_EQ(entry.tags.size(), 1u);
  EXPECT_EQ(entry.tags[0].term, "veg");
  EXPECT_EQ(entry.tags[0].scheme, "https://garden.example/cats");
  EXPECT_EQ(entry.tags[0].label, "Vegetables");
  EXPECT_TRUE(entry.authors.empty());  // the feed's author is not copied into the entry's list
  EXPECT_EQ(entry.author, "Pat Green");  // but the pipeline's field inherits it
}

TEST(FeedModelTest, Atom03Base64ContentIsDecoded) {
  // "<i>hello</i>" and "plain words" in base64.
  ParsedFeed feed = ParseOk(R"feed(<feed version="0.3" xmlns="http://purl.org/atom/ns#">
    <title>t</title><entry><title>e</title>
    <content type="text/html" mode="base64">PGk+aGVsbG88L2k+</content>
    <summary type="text/plain" mode="base64">cGxhaW4g
      d29yZHM=</summary></entry></feed>)feed");
  const FeedItem& entry = feed.items.at(0);
  ASSERT_EQ(entry.contents.size(), 1u);
  EXPECT_EQ(entry.contents[0].type, "text/html");
  EXPECT_EQ(entry.contents[0].value, "<i>hello</i>");
  EXPECT_EQ(entry.summary_detail.type, "text/plain");
  EXPECT_EQ(entry.summary_detail.value, "plain words");
}

TEST(FeedModelTest, DetailsAreFilledOnlyOnRequest) {
  absl::StatusOr<ParsedFeed> plain = ParseFeed(kRss);
  ASSERT_TRUE(plain.ok());
  const FeedItem& item = plain->items.at(0);
  EXPECT_FALSE(item.title_detail.present);
  EXPECT_TRUE(item.links.empty());
  EXPECT_TRUE(item.enclosures.empty());
  // The flattened fields do not depend on it.
  const ParsedFeed detailed_feed = ParseOk(kRss);
  const FeedItem& detailed = detailed_feed.items.at(0);
  EXPECT_EQ(item.title, detailed.title);
  EXPECT_EQ(item.link, detailed.link);
  EXPECT_EQ(item.content_html, detailed.content_html);
  EXPECT_EQ(item.author, detailed.author);
}

TEST(FeedModelTest, AbsentElementsAreNotPresent) {
  ParsedFeed feed = ParseOk("<rss version=\"2.0\"><channel><item><link>https://x.example/</link>"
                            "</item></channel></rss>");
  EXPECT_FALSE(feed.title_detail.present);
  const FeedItem& item = feed.items.at(0);
  EXPECT_FALSE(item.title_detail.present);
  EXPECT_FALSE(item.summary_detail.present);
  EXPECT_TRUE(item.contents.empty());
  EXPECT_TRUE(item.enclosures.empty());
}

}  // namespace
}  // namespace newsflow::ingest

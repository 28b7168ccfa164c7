#include "services/ingest/article_builder.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/util/hash.h"
#include "common/util/utf8.h"
#include "tests/testing/test_util.h"

namespace newsflow::ingest {
namespace {

using ::newsflow::testing::IsOk;
using ::newsflow::testing::StatusIs;
using ::testing::HasSubstr;

constexpr int64_t kNow = 1'700'000'000'000;

FeedItem Item(std::string link, std::string title, std::string text) {
  FeedItem item;
  item.link = std::move(link);
  item.title = std::move(title);
  item.text = std::move(text);
  return item;
}

ParsedFeed Feed() {
  ParsedFeed feed;
  feed.format = "rss20";
  feed.title = "Example News";
  feed.language = "en";
  return feed;
}

std::optional<v1::Article> Build(const FeedItem& item) {
  return ArticleFromFeedItem(item, Feed(), "https://example.com/feed.xml", "ingest-0", kNow);
}

TEST(ArticleBuilderTest, SameCanonicalUrlGivesSameId) {
  auto a = Build(Item("https://Example.com/news/1?utm_source=rss&utm_medium=feed#comments", "T", "Body"));
  auto b = Build(Item("https://example.com:443/news/1", "T", "Body"));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->canonical_url(), "https://example.com/news/1");
  EXPECT_EQ(a->id(), b->id());
  EXPECT_EQ(a->version(), b->version());
}

TEST(ArticleBuilderTest, IdIsTheHashOfTheCanonicalUrl) {
  auto a = Build(Item("https://example.com/news/1?fbclid=abc", "T", "Body"));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->id(), HashHex("https://example.com/news/1"));
  EXPECT_EQ(a->url(), "https://example.com/news/1?fbclid=abc");
}

TEST(ArticleBuilderTest, DifferentUrlsGiveDifferentIds) {
  auto a = Build(Item("https://example.com/news/1", "T", "Body"));
  auto b = Build(Item("https://example.com/news/2", "T", "Body"));
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->id(), b->id());
}

TEST(ArticleBuilderTest, ChangedTextGivesNewVersionSameId) {
  auto a = Build(Item("https://example.com/news/1", "T", "Body one"));
  auto b = Build(Item("https://example.com/news/1", "T", "Body two"));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->id(), b->id());
  EXPECT_NE(a->version(), b->version());
}

TEST(ArticleBuilderTest, ChangedTitleGivesNewVersion) {
  auto a = Build(Item("https://example.com/news/1", "Title", "Body"));
  auto b = Build(Item("https://example.com/news/1", "Title (updated)", "Body"));
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->version(), b->version());
}

TEST(ArticleBuilderTest, RewrappedWhitespaceKeepsTheVersion) {
  auto a = Build(Item("https://example.com/news/1", "A  title", "First line\nsecond line."));
  auto b = Build(Item("https://example.com/news/1", " A title ", "First line   second\tline."));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->version(), b->version());
}

TEST(ArticleBuilderTest, GuidFallbackWhenThereIsNoLink) {
  FeedItem item = Item("", "T", "Body");
  item.guid = "urn:uuid:1234";
  auto a = Build(item);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->id(), HashHex("guid:urn:uuid:1234"));
  EXPECT_EQ(a->canonical_url(), "");
  FeedItem other = Item("", "Other title", "Other body");
  other.guid = "urn:uuid:1234";
  EXPECT_EQ(Build(other)->id(), a->id());
}

TEST(ArticleBuilderTest, TitleFallbackWhenNoLinkAndNoGuid) {
  auto a = Build(Item("", "Only a title", "Body"));
  auto b = Build(Item("", "Only  a title", "Other body"));
  auto c = Build(Item("", "Another title", "Body"));
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->id(), b->id());
  EXPECT_NE(a->id(), c->id());
}

TEST(ArticleBuilderTest, ItemWithoutTitleOrTextIsSkipped) {
  EXPECT_FALSE(Build(Item("https://example.com/x", "", "")).has_value());
}

// The parser gives an item without a body the text of its summary, and the
// article carries it (the builder does not derive it again).
TEST(ArticleBuilderTest, SummaryBecomesTextWhenThereIsNoBody) {
  auto feed = ParseFeed(
      "<rss version=\"2.0\"><channel><title>N</title><item><title>T</title><link>https://example.com/x</link>"
      "<description>&lt;p&gt;Short &lt;b&gt;teaser&lt;/b&gt;.&lt;/p&gt;</description></item></channel></rss>",
      "https://example.com/feed.xml");
  ASSERT_THAT(feed, IsOk());
  ASSERT_EQ(feed->items.size(), 1u);
  auto a = ArticleFromFeedItem(feed->items[0], *feed, "https://example.com/feed.xml", "ingest-0", kNow);
  ASSERT_TRUE(a);
  EXPECT_THAT(a->text(), HasSubstr("Short teaser."));
  EXPECT_THAT(a->summary_html(), HasSubstr("<b>teaser</b>"));
}

TEST(ArticleBuilderTest, FillsSourceAndTimes) {
  FeedItem item = Item("https://example.com/x", "T", "Body");
  item.updated_ms = 1234;
  item.author = "Ann";
  item.categories = {"Politics"};
  auto a = Build(item);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->published_at_ms(), 1234);  // updated when not published
  EXPECT_EQ(a->fetched_at_ms(), kNow);
  EXPECT_EQ(a->source().id(), HashHex("https://example.com/feed.xml"));
  EXPECT_EQ(a->source().kind(), "rss20");
  EXPECT_EQ(a->source().title(), "Example News");
  EXPECT_EQ(a->source_language(), "en");
  EXPECT_EQ(a->origin(), "ingest-0");
  EXPECT_EQ(a->author(), "Ann");
  ASSERT_EQ(a->categories_size(), 1);
}

// Bytes that are not UTF-8 are repaired once, where the feed is parsed: the
// articles built from its items carry valid UTF-8.
TEST(ArticleBuilderTest, FeedBytesThatAreNotUtf8ReachTheArticleRepaired) {
  const std::string rss =
      "<rss version=\"2.0\"><channel><title>Caf\xe9 news</title><item><title>Bad \xff title</title>"
      "<link>https://example.com/x</link><description>Body \xc3 text \xf0\x9f</description></item>"
      "</channel></rss>";
  auto feed = ParseFeed(rss, "https://example.com/feed.xml");
  ASSERT_THAT(feed, IsOk());
  ASSERT_EQ(feed->items.size(), 1u);
  auto a = ArticleFromFeedItem(feed->items[0], *feed, "https://example.com/feed.xml", "ingest-0", kNow);
  ASSERT_TRUE(a);
  EXPECT_TRUE(IsValidUtf8(a->title())) << a->title();
  EXPECT_TRUE(IsValidUtf8(a->text())) << a->text();
  EXPECT_TRUE(IsValidUtf8(a->source().title())) << a->source().title();
  EXPECT_THAT(a->title(), ::testing::StartsWith("Bad "));
  EXPECT_THAT(a->title(), ::testing::EndsWith(" title"));
}

TEST(ArticleFromDropFileTest, JsonWithAllFields) {
  auto a = ArticleFromDropFile("/drop/story.json",
                               R"({"url": "https://example.com/story?utm_campaign=x",
                                   "title": "Story", "text": "The body.",
                                   "author": "Bo", "language": "de",
                                   "published": "2024-01-02T03:04:05Z"})",
                               "ingest-0", kNow);
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->title(), "Story");
  EXPECT_EQ(a->text(), "The body.");
  EXPECT_EQ(a->canonical_url(), "https://example.com/story");
  EXPECT_EQ(a->id(), HashHex("https://example.com/story"));
  EXPECT_EQ(a->author(), "Bo");
  EXPECT_EQ(a->source_language(), "de");
  EXPECT_EQ(a->published_at_ms(), 1704164645000);
  EXPECT_EQ(a->source().kind(), "drop-json");
  EXPECT_EQ(a->source().url(), "/drop/story.json");
  EXPECT_EQ(a->fetched_at_ms(), kNow);
  EXPECT_FALSE(a->version().empty());
}

struct BadDropCase {
  std::string name;
  std::string path;
  std::string bytes;
  std::string message;
};

class BadDropFileTest : public ::testing::TestWithParam<BadDropCase> {};

TEST_P(BadDropFileTest, IsInvalidArgument) {
  auto a = ArticleFromDropFile(GetParam().path, GetParam().bytes, "ingest-0", kNow);
  ASSERT_THAT(a, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(a.status().message()), HasSubstr(GetParam().message));
  EXPECT_THAT(std::string(a.status().message()), HasSubstr(GetParam().path));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadDropFileTest,
    ::testing::Values(
        BadDropCase{"MissingText", "/d/a.json", R"({"title": "T"})", "required"},
        BadDropCase{"MissingTitle", "/d/a.json", R"({"text": "Body"})", "required"},
        BadDropCase{"TitleNotString", "/d/a.json", R"({"title": 5, "text": "Body"})", "required"},
        BadDropCase{"EmptyText", "/d/a.json", R"({"title": "T", "text": ""})", "required"},
        BadDropCase{"NotJson", "/d/a.json", "{not json", "not a JSON object"},
        BadDropCase{"JsonArray", "/d/a.json", R"(["title", "text"])", "not a JSON object"},
        // Latin-1 "café": the JSON parser refuses it, so no article carries
        // invalid UTF-8 (or a repaired guess) into the pipeline.
        BadDropCase{"NotUtf8", "/d/a.json", "{\"title\": \"caf\xE9\", \"text\": \"Body\"}", "in valid UTF-8"},
        BadDropCase{"OtherExtension", "/d/a.txt", "plain text", "only .json and .html"},
        BadDropCase{"EmptyHtml", "/d/a.html", "   ", "/d/a.html"},
        BadDropCase{"HtmlWithoutText", "/d/a.html", "<html><body></body></html>", "no article text"}),
    [](const ::testing::TestParamInfo<BadDropCase>& info) { return info.param.name; });

TEST(ArticleFromDropFileTest, HtmlPageIsExtracted) {
  const std::string html = R"(<!doctype html>
<html lang="en"><head>
<title>Harbour festival opens | Example Times</title>
<meta property="og:title" content="Harbour festival opens">
<meta property="og:site_name" content="Example Times">
<link rel="canonical" href="https://example.com/harbour-festival?utm_source=x">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article>
<p>The annual harbour festival opened on Saturday with boat parades and music along the quay.</p>
<p>Organisers expect more than twenty thousand visitors over the weekend, a record for the event.</p>
</article>
<footer><p>Copyright Example Times</p></footer>
</body></html>)";
  auto a = ArticleFromDropFile("/drop/harbour.html", html, "ingest-0", kNow);
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->title(), "Harbour festival opens");
  EXPECT_THAT(a->text(), HasSubstr("boat parades"));
  EXPECT_THAT(a->text(), HasSubstr("twenty thousand visitors"));
  EXPECT_EQ(a->canonical_url(), "https://example.com/harbour-festival");
  EXPECT_EQ(a->id(), HashHex("https://example.com/harbour-festival"));
  EXPECT_EQ(a->source().kind(), "drop-html");
  EXPECT_EQ(a->source().title(), "Example Times");
}

TEST(AssignIdentityTest, RecomputesFromFields) {
  v1::Article a;
  a.set_url("HTTP://EXAMPLE.com/a/./b/../c");
  a.set_title("T");
  a.set_text("X");
  AssignIdentity(&a);
  EXPECT_EQ(a.canonical_url(), "http://example.com/a/c");
  EXPECT_EQ(a.id(), HashHex("http://example.com/a/c"));
  EXPECT_EQ(a.version(), HashHex("T\nX"));
}

TEST(LooksLikeTeaserTest, ShortTextsAndReadMoreEndingsAreTeasers) {
  EXPECT_TRUE(LooksLikeTeaser("A short excerpt.", 500));
  std::string long_text(600, 'a');
  EXPECT_FALSE(LooksLikeTeaser(long_text + ".", 500));
  EXPECT_TRUE(LooksLikeTeaser(long_text + " Read more", 500));
  EXPECT_TRUE(LooksLikeTeaser(long_text + " and then\xE2\x80\xA6", 500));
  EXPECT_TRUE(LooksLikeTeaser(long_text + " [\xE2\x80\xA6]", 500));
}

TEST(LooksLikeTeaserTest, ChineseCharactersCountThreeTimes) {
  std::string zh;
  for (int i = 0; i < 200; ++i) zh += "\xE6\x96\xB0";  // 200 x U+65B0
  EXPECT_FALSE(LooksLikeTeaser(zh, 500));              // 600 weighted characters
  EXPECT_TRUE(LooksLikeTeaser(zh.substr(0, 3 * 100), 500));
}

}  // namespace
}  // namespace newsflow::ingest

#include "services/ingest/feed/page_extractor.h"

#include <gtest/gtest.h>

#include <string>

#include "services/ingest/feed/feed_date.h"

namespace newsflow::ingest {
namespace {

constexpr char kArticlePage[] = R"feed(<!DOCTYPE html>
<html lang="en-GB">
<head>
  <title>Harbour reopens | The Coast Gazette</title>
  <meta property="og:title" content="Harbour reopens after storm">
  <meta property="og:site_name" content="The Coast Gazette">
  <meta property="og:image" content="/img/harbour.jpg">
  <meta property="article:published_time" content="2024-03-05T08:30:00+01:00">
  <meta name="author" content="Ana Reyes">
  <link rel="canonical" href="https://gazette.example/news/harbour-reopens">
</head>
<body>
  <nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul>
    <p>Navigation paragraph that is long enough to count if it were not inside nav.</p></nav>
  <div class="sidebar">
    <p>Most read: a long list of other stories that should never be chosen as the body text.</p>
  </div>
  <article>
    <h1>Harbour reopens after storm</h1>
    <div class="story-body">
      <p>The harbour reopened on Tuesday after three days of repairs to the sea wall.</p>
      <p>Fishing boats returned to their moorings by the afternoon, the harbour master said.</p>
      <p>Engineers will inspect the wall again next month before the spring tides arrive.</p>
    </div>
  </article>
  <div id="comments"><p>Great news, I was waiting for this to happen for so many days now!</p></div>
  <footer><p>Copyright The Coast Gazette. All rights reserved. Contact us at the office.</p></footer>
</body>
</html>)feed";

TEST(PageExtractorTest, PicksArticleBodyOverBoilerplate) {
  absl::StatusOr<ExtractedPage> page =
      ExtractPage(kArticlePage, "https://gazette.example/news/harbour-reopens?utm_source=x");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->text,
            "The harbour reopened on Tuesday after three days of repairs to the sea wall.\n\n"
            "Fishing boats returned to their moorings by the afternoon, the harbour master "
            "said.\n\n"
            "Engineers will inspect the wall again next month before the spring tides arrive.");
  EXPECT_NE(page->html.find("<p>The harbour reopened"), std::string::npos);
  EXPECT_EQ(page->html.find("Most read"), std::string::npos);
  EXPECT_EQ(page->html.find("Copyright"), std::string::npos);
}

TEST(PageExtractorTest, ReadsMetadata) {
  absl::StatusOr<ExtractedPage> page = ExtractPage(kArticlePage, "https://gazette.example/x");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->title, "Harbour reopens after storm");
  EXPECT_EQ(page->canonical_url, "https://gazette.example/news/harbour-reopens");
  EXPECT_EQ(page->site_name, "The Coast Gazette");
  EXPECT_EQ(page->language, "en-GB");
  EXPECT_EQ(page->author, "Ana Reyes");
  EXPECT_EQ(page->image, "https://gazette.example/img/harbour.jpg");
  EXPECT_EQ(FormatRfc3339(page->published_ms), "2024-03-05T07:30:00Z");
}

TEST(PageExtractorTest, ReadsJsonLdAndFallsBackToTitleElement) {
  constexpr char kPage[] = R"feed(<html><head><title>Plain title</title>
    <script type="application/ld+json">
      {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "Site"},
        {"@type": "NewsArticle", "datePublished": "2023-11-02T10:00:00Z",
         "author": [{"@type": "Person", "name": "Kim Lee"}, {"name": "Sam Roe"}]}]}
    </script></head>
    <body><div><p>Only paragraph of the story, with enough words to count as content.</p></div>
    </body></html>)feed";
  absl::StatusOr<ExtractedPage> page = ExtractPage(kPage, "https://news.example/s/1");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->title, "Plain title");
  EXPECT_EQ(page->author, "Kim Lee, Sam Roe");
  EXPECT_EQ(FormatRfc3339(page->published_ms), "2023-11-02T10:00:00Z");
  EXPECT_EQ(page->canonical_url, "https://news.example/s/1");
  EXPECT_EQ(page->text, "Only paragraph of the story, with enough words to count as content.");
}

TEST(PageExtractorTest, FallsBackToAllParagraphsThenBody) {
  absl::StatusOr<ExtractedPage> short_paragraphs =
      ExtractPage("<body><p>One.</p><div><p>Two.</p></div></body>");
  ASSERT_TRUE(short_paragraphs.ok());
  EXPECT_EQ(short_paragraphs->text, "One.\n\nTwo.");

  absl::StatusOr<ExtractedPage> no_paragraphs = ExtractPage("<body><div>Just a div</div></body>");
  ASSERT_TRUE(no_paragraphs.ok());
  EXPECT_EQ(no_paragraphs->text, "Just a div");
}

TEST(PageExtractorTest, RejectsEmptyInput) {
  EXPECT_EQ(ExtractPage("").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ExtractPage(" \n\t").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace newsflow::ingest

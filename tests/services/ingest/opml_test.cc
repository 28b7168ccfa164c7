#include "services/ingest/opml.h"

#include <gtest/gtest.h>

namespace newsflow::ingest {
namespace {

TEST(OpmlTest, CollectsNestedOutlinesWithFeedUrls) {
  auto feeds = ParseOpml(R"(<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
    <outline text="Tech">
      <outline type="rss" text="Chips Daily" xmlUrl="https://chips.example.com/rss"/>
      <outline text="no url here"/>
    </outline>
    <outline type="rss" title="Markets" text="ignored" xmlUrl="https://markets.example.org/atom.xml"/>
  </body></opml>)");
  ASSERT_TRUE(feeds.ok()) << feeds.status();
  ASSERT_EQ(feeds->size(), 2u);
  EXPECT_EQ((*feeds)[0].url(), "https://chips.example.com/rss");
  EXPECT_EQ((*feeds)[0].title(), "Chips Daily");
  EXPECT_EQ((*feeds)[1].title(), "Markets");
}

TEST(OpmlTest, RejectsDocumentsThatAreNotOpml) {
  EXPECT_FALSE(ParseOpml("<rss version=\"2.0\"/>").ok());
  EXPECT_FALSE(ParseOpml("not xml at all \x01\x02").ok());
}

TEST(OpmlTest, WrittenListReadsBackWithEscaping) {
  v1::FeedSpec a;
  a.set_url("https://example.com/feed?a=1&b=2");
  a.set_title("Q&A <weekly>");
  v1::FeedSpec b;
  b.set_url("https://example.net/rss");
  auto back = ParseOpml(WriteOpml({a, b}, "mine"));
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].url(), a.url());
  EXPECT_EQ((*back)[0].title(), a.title());
  EXPECT_EQ((*back)[1].title(), b.url());  // no title: the URL names it
}

}  // namespace
}  // namespace newsflow::ingest

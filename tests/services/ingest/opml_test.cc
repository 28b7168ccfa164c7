#include "services/ingest/opml.h"

#include <libxml/parser.h>

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

// Whether libxml2 parses `xml` without recovery: well-formed XML 1.0.
bool WellFormed(const std::string& xml) {
  xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "t.opml", nullptr,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == nullptr) return false;
  xmlFreeDoc(doc);
  return true;
}

TEST(OpmlTest, ControlCharactersNeverBreakTheDocument) {
  v1::FeedSpec a;
  a.set_url(std::string("https://example.com/feed\x01?a=1\x1f&b=\x0b"));
  a.set_title(std::string("Tab\there, line\nbreak, bell\x07, \xEF\xBF\xBE, bad \xC3"));
  v1::FeedSpec b;
  b.set_url("https://example.net/rss");
  const std::string xml = WriteOpml({a, b}, std::string("title\x02"));
  EXPECT_TRUE(WellFormed(xml)) << xml;
  auto back = ParseOpml(xml);
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].title().rfind("Tab\there, line\nbreak,", 0), 0u);  // kept as references
  EXPECT_EQ((*back)[1].url(), b.url());
}

}  // namespace
}  // namespace newsflow::ingest

#include "services/ingest/extract/page_decoder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace newsflow::ingest {
namespace {

TEST(SniffCharsetTest, HeaderWinsOverMeta) {
  EXPECT_EQ(SniffCharset("<meta charset=\"big5\"><p>x</p>", "text/html; charset=GBK"), "gbk");
}

TEST(SniffCharsetTest, MetaCharsetAndHttpEquiv) {
  EXPECT_EQ(SniffCharset("<html><head><meta charset='gb2312'></head>", ""), "gb2312");
  EXPECT_EQ(SniffCharset("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=big5\">", ""),
            "big5");
}

TEST(SniffCharsetTest, BomWins) {
  EXPECT_EQ(SniffCharset("\xEF\xBB\xBF<meta charset=gbk>", "text/html; charset=gbk"), "utf-8");
  EXPECT_EQ(SniffCharset(std::string("\xFF\xFE<\0", 4), ""), "utf-16le");
}

TEST(SniffCharsetTest, ValidUtf8OverrulesLatin1Label) {
  EXPECT_EQ(SniffCharset("<meta charset=iso-8859-1><p>caf\xC3\xA9</p>", ""), "utf-8");
  EXPECT_EQ(SniffCharset("<meta charset=iso-8859-1><p>caf\xE9</p>", ""), "iso-8859-1");
}

TEST(SniffCharsetTest, UndeclaredUtf8) {
  EXPECT_EQ(SniffCharset("<p>\xE4\xB8\xAD\xE6\x96\x87</p>", ""), "utf-8");
}

TEST(StripScriptsTest, RemovesScriptsStylesCommentsKeepsJsonLd) {
  std::vector<std::string> json_ld;
  std::string out = StripScripts(
      "<p>a</p><script>var x = '</p>';</script><style>p{}</style><!-- note -->"
      "<script type=\"application/ld+json\">{\"@type\":\"Article\"}</script>"
      "<SCRIPT>if (a < b) {}</SCRIPT><svg><text>icon</text></svg><p>b</p>",
      &json_ld);
  EXPECT_EQ(out, "<p>a</p><p>b</p>");
  ASSERT_EQ(json_ld.size(), 1u);
  EXPECT_EQ(json_ld[0], "{\"@type\":\"Article\"}");
}

TEST(StripScriptsTest, JsonLdFollowedByATag) {
  std::vector<std::string> json_ld;
  StripScripts("<head><script type=application/ld+json>{}</script></head>", &json_ld);
  ASSERT_EQ(json_ld.size(), 1u);
  EXPECT_EQ(json_ld[0], "{}");
}

TEST(StripScriptsTest, UnterminatedElementsEndTheInput) {
  EXPECT_EQ(StripScripts("<p>a</p><script>never closed", nullptr), "<p>a</p>");
  EXPECT_EQ(StripScripts("<p>a</p><!-- never closed", nullptr), "<p>a</p>");
  EXPECT_EQ(StripScripts("<p>a</p><script", nullptr), "<p>a</p>");
}

TEST(StripScriptsTest, SimilarTagNamesAreKept) {
  EXPECT_EQ(StripScripts("<scripts>x</scripts><styled>y</styled>", nullptr),
            "<scripts>x</scripts><styled>y</styled>");
}

TEST(DecodePageTest, InvalidUtf8IsReplaced) {
  DecodedPage page = DecodePage(
      "<p>a\xFF"
      "b</p>",
      "text/html; charset=utf-8");
  EXPECT_EQ(page.html,
            "<p>a\xEF\xBF\xBD"
            "b</p>");
}

}  // namespace
}  // namespace newsflow::ingest

#include "services/ingest/feed/charset.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/services/ingest/feed/legacy_text.h"

namespace newsflow::ingest {
namespace {

TEST(CharsetTest, ReadsDeclaredXmlEncoding) {
  EXPECT_EQ(DeclaredXmlEncoding("<?xml version=\"1.0\" encoding=\"GB2312\"?><rss/>"), "gb2312");
  EXPECT_EQ(DeclaredXmlEncoding("<?xml version='1.0' encoding = 'iso-8859-1' ?>"), "iso-8859-1");
  EXPECT_EQ(DeclaredXmlEncoding("\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>"), "utf-8");
  EXPECT_EQ(DeclaredXmlEncoding("<?xml version=\"1.0\"?><rss/>"), "");
  EXPECT_EQ(DeclaredXmlEncoding("<rss encoding=\"gbk\"/>"), "");
  EXPECT_EQ(DeclaredXmlEncoding("<?xml version=\"1.0\" encoding=\"utf-8\""), "");
}

TEST(CharsetTest, ConvertsLegacyEncodings) {
  // "中文" in GB2312 is D6 D0 CE C4.
  absl::StatusOr<std::string> gb = ConvertToUtf8("\xD6\xD0\xCE\xC4", "GB2312");
  ASSERT_TRUE(gb.ok()) << gb.status();
  EXPECT_EQ(*gb, "\xE4\xB8\xAD\xE6\x96\x87");
  // GBK-only character (U+4E02 "丂", 81 40) in a document labelled GB2312.
  absl::StatusOr<std::string> gbk = ConvertToUtf8("\x81\x40", "gb2312");
  ASSERT_TRUE(gbk.ok());
  EXPECT_EQ(*gbk, "\xE4\xB8\x82");
  absl::StatusOr<std::string> latin = ConvertToUtf8("caf\xE9 \x93q\x94", "windows-1252");
  ASSERT_TRUE(latin.ok());
  EXPECT_EQ(*latin, "caf\xC3\xA9 \xE2\x80\x9Cq\xE2\x80\x9D");
  absl::StatusOr<std::string> big5 = ConvertToUtf8("\xA4\xA4\xA4\xE5", "big5");
  ASSERT_TRUE(big5.ok());
  EXPECT_EQ(*big5, "\xE4\xB8\xAD\xE6\x96\x87");
}

struct DetectCase {
  const char* text;
  const char* charset;  // to encode with, and what the detector must name
};

const DetectCase kDetectCases[] = {
    {kTraditionalChinese, "Big5"}, {kSimplifiedChinese, "GB18030"},
    {kJapanese, "Shift_JIS"},      {kJapanese, "EUC-JP"},
    {kKorean, "EUC-KR"},           {kRussian, "KOI8-R"},
    {kRussian, "windows-1251"},    {kThai, "TIS-620"},
};

TEST(CharsetTest, DetectsUndeclaredLegacyEncodings) {
  for (const DetectCase& c : kDetectCases) {
    // In markup, as a feed carries it; the detector skips the tags.
    std::string bytes = "<rss version=\"2.0\"><channel><item><title>" + EncodeWithIcu(c.text, c.charset) +
                        "</title></item></channel></rss>";
    ASSERT_FALSE(IsValidUtf8(bytes)) << c.charset;
    EXPECT_EQ(DetectCharset(bytes).value_or("(none)"), c.charset);
  }
}

TEST(CharsetTest, DetectionLeavesLatinTextToTheFallback) {
  // windows-1252 text: the detector's Latin guesses are not used.
  EXPECT_EQ(DetectCharset("<p>Caf\xE9 cr\xE8me br\xFBl\xE9\x65, na\xEFve fa\xE7\x61\x64\x65 and "
                          "\x93quoted\x94 text for the r\xE9sum\xE9 of the d\xE9j\xE0 vu.</p>"),
            std::nullopt);
  // Long enough for the Thai check, whose byte range Latin letters share.
  EXPECT_EQ(DetectCharset(EncodeWithIcu("Les élèves étaient déjà là: où était-il? Ça a été "
                                        "très réussi, ils ont créé un théâtre près de l'église, "
                                        "été comme hiver, à côté du café célèbre. Dès "
                                        "l'aube, les pêcheurs reçoivent leur thé à la crème.",
                                        "windows-1252")),
            std::nullopt);
  EXPECT_EQ(DetectCharset("ascii only"), std::nullopt);
  EXPECT_EQ(DetectCharset("\xFF\xFE\x80"), std::nullopt);  // noise
}

TEST(CharsetTest, ReportsInvalidBytes) {
  bool had_errors = true;
  absl::StatusOr<std::string> ok = ConvertToUtf8("\xD6\xD0\xCE\xC4", "gb2312", &had_errors);
  ASSERT_TRUE(ok.ok());
  EXPECT_FALSE(had_errors);
  absl::StatusOr<std::string> bad = ConvertToUtf8(
      "a\xFF\xFE"
      "b",
      "euc-kr", &had_errors);
  ASSERT_TRUE(bad.ok());
  EXPECT_TRUE(had_errors);
}

TEST(CharsetTest, RejectsUnknownCharset) {
  absl::StatusOr<std::string> out = ConvertToUtf8("abc", "no-such-charset-x");
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace newsflow::ingest

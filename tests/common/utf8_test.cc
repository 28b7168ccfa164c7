#include "common/util/utf8.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace newsflow {
namespace {

const std::string kReplacement = "\xEF\xBF\xBD";

TEST(Utf8Test, ValidityFollowsUnicode) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii, longer than eight bytes"));
  EXPECT_TRUE(IsValidUtf8("\xE4\xB8\xAD\xE6\x96\x87"));  // 中文
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));          // emoji
  EXPECT_TRUE(IsValidUtf8(std::string("nul\0inside", 10)));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE4\xB8"));          // truncated
  EXPECT_FALSE(IsValidUtf8("caf\xE9"));           // latin-1
  // An invalid byte after a run of ASCII that the fast path skips.
  EXPECT_FALSE(IsValidUtf8("abcdefghijklmnop\xFF"));
}

struct RepairCase {
  std::string input;
  std::string expected;
};

class ToValidUtf8Test : public ::testing::TestWithParam<RepairCase> {};

TEST_P(ToValidUtf8Test, ReplacesOnlyInvalidSequences) {
  const std::string repaired = ToValidUtf8(GetParam().input);
  EXPECT_EQ(repaired, GetParam().expected);
  EXPECT_TRUE(IsValidUtf8(repaired));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ToValidUtf8Test,
    ::testing::Values(RepairCase{"plain ascii", "plain ascii"},
                      RepairCase{"中文 and émigré", "中文 and émigré"}, RepairCase{"emoji 😀", "emoji 😀"},
                      RepairCase{"caf\xE9!", "caf" + kReplacement + "!"},
                      RepairCase{"a\xff"
                                 "b",
                                 "a" + kReplacement + "b"},
                      RepairCase{"\xc3", kReplacement},  // truncated 2-byte sequence
                      // A truncated 3-byte sequence is one maximal subpart.
                      RepairCase{"\xE4\xB8"
                                 "x",
                                 kReplacement + "x"},
                      RepairCase{"\xc0\xaf", kReplacement + kReplacement},                     // overlong
                      RepairCase{"\xed\xa0\x80", kReplacement + kReplacement + kReplacement},  // surrogate
                      RepairCase{std::string("nul\0inside", 10), std::string("nul\0inside", 10)},
                      RepairCase{"", ""}));

TEST(Utf8Test, DecodesAndEncodesRoundTrip) {
  const std::string text = "a\xC3\xA9\xE6\xB8\xAF\xF0\x9F\x9A\xA2";  // a é 港 🚢
  std::string out;
  for (size_t pos = 0; pos < text.size();) AppendUtf8(DecodeUtf8(text, &pos), &out);
  EXPECT_EQ(out, text);
  EXPECT_EQ(CountCodePoints(text), 4u);
}

TEST(Utf8Test, EncodingANonScalarValueAppendsReplacement) {
  for (char32_t cp : {char32_t{0xD800}, char32_t{0xDFFF}, char32_t{0x110000}, char32_t{0xFFFFFFFF}}) {
    std::string out;
    AppendUtf8(cp, &out);
    EXPECT_EQ(out, kReplacement) << std::hex << static_cast<uint32_t>(cp);
  }
  std::string edges;
  AppendUtf8(0xD7FF, &edges);
  AppendUtf8(0xE000, &edges);
  AppendUtf8(0x10FFFF, &edges);
  EXPECT_EQ(edges, "\xED\x9F\xBF\xEE\x80\x80\xF4\x8F\xBF\xBF");
}

TEST(Utf8Test, InvalidBytesDecodeAsReplacementWithoutOverrun) {
  const std::string text = "\xE6\xB8";  // truncated sequence
  size_t pos = 0;
  EXPECT_EQ(DecodeUtf8(text, &pos), 0xFFFDu);
  EXPECT_EQ(pos, 1u);
  EXPECT_EQ(DecodeUtf8(text, &pos), 0xFFFDu);
  EXPECT_EQ(pos, 2u);
}

}  // namespace
}  // namespace newsflow

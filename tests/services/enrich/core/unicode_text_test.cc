#include "services/enrich/core/unicode_text.h"

#include <gtest/gtest.h>

#include <string>

namespace newsflow::enrich {
namespace {

TEST(UnicodeTextTest, LowercasesAsciiAndBeyond) {
  std::string out;
  ToLower("Harbour", &out);
  EXPECT_EQ(out, "harbour");
  ToLower("\xC3\x89TAT", &out);  // ÉTAT
  EXPECT_EQ(out, "\xC3\xA9tat");
}

TEST(UnicodeTextTest, LowercaseFormIsNormalised) {
  std::string out;
  ToLower("\xEF\xBC\xA1\xEF\xBC\xA9", &out);  // full-width ＡＩ
  EXPECT_EQ(out, "ai");
  ToLower("\xEF\xAC\x81le", &out);  // ligature ﬁ
  EXPECT_EQ(out, "file");
  ToLower(
      "Caf"
      "E\xCC\x81",
      &out);  // E + combining acute
  EXPECT_EQ(out, "caf\xC3\xA9");
  ToLower("AI\xE8\x8A\xAF\xE7\x89\x87", &out);  // AI芯片: ideographs unchanged
  EXPECT_EQ(out, "ai\xE8\x8A\xAF\xE7\x89\x87");
  ToLower(
      "Stra\xC3\x9F"
      "e",
      &out);  // Straße
  EXPECT_EQ(out, "strasse");
}

TEST(UnicodeTextTest, ScriptTests) {
  EXPECT_TRUE(IsHan(U'港'));
  EXPECT_FALSE(IsHan(U'a'));
  EXPECT_TRUE(IsKana(U'カ'));
  EXPECT_TRUE(IsHangul(U'한'));
  EXPECT_TRUE(IsUpperLetter(U'Q'));
  EXPECT_FALSE(IsUpperLetter(U'q'));
}

}  // namespace
}  // namespace newsflow::enrich

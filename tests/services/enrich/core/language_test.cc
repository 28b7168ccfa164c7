#include "services/enrich/core/language.h"

#include <gtest/gtest.h>

namespace newsflow::enrich {
namespace {

TEST(LanguageTest, DetectsEnglish) {
  const LanguageGuess guess = DetectLanguage(
      "The harbour authority approved a plan on Tuesday to replace the old container cranes "
      "with electric models, saying the change would cut noise and fuel costs for the port "
      "over the next decade while keeping shipping schedules on time.");
  EXPECT_EQ(guess.code, "en");
  EXPECT_TRUE(guess.reliable);
}

TEST(LanguageTest, DetectsChinese) {
  const LanguageGuess guess = DetectLanguage(
      "港口管理局周二批准了一项计划，将用电动设备替换旧的集装箱起重机。"
      "管理局表示，这一变化将在未来十年内降低港口的噪音和燃料成本，同时保证航运时间表。");
  EXPECT_EQ(guess.code, "zh");
}

TEST(LanguageTest, ShortChineseFallsBackToScript) {
  // Too short for CLD2 to be sure; the script count decides.
  EXPECT_EQ(DetectLanguage("港口扩建").code, "zh");
}

TEST(LanguageTest, EmptyIsUndetermined) {
  const LanguageGuess guess = DetectLanguage("");
  EXPECT_EQ(guess.code, "und");
  EXPECT_FALSE(guess.reliable);
}

TEST(LanguageTest, InvalidUtf8DoesNotCrash) {
  const LanguageGuess guess = DetectLanguage("caf\xC3 \xFF\xFE harbour");
  EXPECT_FALSE(guess.code.empty());
}

TEST(LanguageTest, UnspacedLanguages) {
  EXPECT_TRUE(IsUnspacedLanguage("zh"));
  EXPECT_TRUE(IsUnspacedLanguage("ja"));
  EXPECT_FALSE(IsUnspacedLanguage("en"));
}

}  // namespace
}  // namespace newsflow::enrich

#include "services/enrich/core/stopwords.h"

#include <gtest/gtest.h>

namespace newsflow::enrich {
namespace {

TEST(StopwordsTest, EnglishFunctionWordsAreStopWords) {
  for (const char* word : {"the", "and", "of", "said", "however", "they", "would"}) {
    EXPECT_TRUE(IsEnglishStopWord(word)) << word;
  }
}

TEST(StopwordsTest, EnglishTopicWordsAreNot) {
  for (const char* word : {"harbour", "subsidy", "battery", "election", "vaccine"}) {
    EXPECT_FALSE(IsEnglishStopWord(word)) << word;
  }
}

TEST(StopwordsTest, ListsExpectLowercase) { EXPECT_FALSE(IsEnglishStopWord("The")); }

TEST(StopwordsTest, ChineseFunctionWords) {
  for (const char* word : {"的", "了", "我们", "但是", "因为", "表示"}) {
    EXPECT_TRUE(IsChineseStopWord(word)) << word;
  }
  for (const char* word : {"港口", "电池", "补贴", "杭州"}) {
    EXPECT_FALSE(IsChineseStopWord(word)) << word;
  }
}

}  // namespace
}  // namespace newsflow::enrich

namespace newsflow::enrich {
namespace {

TEST(StopWordsTest, ListsForEuropeanLanguages) {
  for (std::string_view language : {"en", "zh", "de", "fr", "es", "it", "pt", "nl", "ru"}) {
    EXPECT_TRUE(HasStopWordList(language)) << language;
  }
  EXPECT_FALSE(HasStopWordList("pl"));
  EXPECT_FALSE(HasStopWordList("und"));
  EXPECT_TRUE(IsStopWord("fr", "les"));
  EXPECT_TRUE(IsStopWord("fr", "mardi"));
  EXPECT_FALSE(IsStopWord("fr", "vélos"));
  EXPECT_TRUE(IsStopWord("de", "der"));
  EXPECT_TRUE(IsStopWord("de", "für"));
  EXPECT_FALSE(IsStopWord("de", "radwege"));
  EXPECT_TRUE(IsStopWord("es", "los"));
  EXPECT_TRUE(IsStopWord("it", "della"));
  EXPECT_TRUE(IsStopWord("pt", "não"));
  EXPECT_TRUE(IsStopWord("nl", "het"));
  EXPECT_TRUE(IsStopWord("ru", "который"));
  EXPECT_TRUE(IsStopWord("en", "the"));
  // A word is a stop word in its own language only.
  EXPECT_FALSE(IsStopWord("de", "les"));
  EXPECT_FALSE(IsStopWord("pl", "i"));
}

}  // namespace
}  // namespace newsflow::enrich

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

#include "services/enrich/core/keyphrases.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "services/enrich/core/utf8.h"
#include "tests/services/enrich/core/test_articles.h"

namespace newsflow::enrich {
namespace {

class KeyphrasesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto segmenter = TextSegmenter::Create();
    ASSERT_TRUE(segmenter.ok()) << segmenter.status();
    segmenter_ = std::move(segmenter).value();
    builder_ = std::make_unique<DocumentBuilder>(segmenter_.get());
  }

  std::vector<ScoredTag> Tags(const std::string& title, const std::string& text, bool unspaced,
                              KeyphraseOptions options = {}) {
    text_ = text;
    builder_->Build(title, text_, unspaced, !unspaced, &document_);
    return ExtractKeyphrases(document_, options);
  }

  static bool HasKey(const std::vector<ScoredTag>& tags, const std::string& key) {
    return std::any_of(tags.begin(), tags.end(), [&](const ScoredTag& t) { return t.key == key; });
  }

  std::unique_ptr<TextSegmenter> segmenter_;
  std::unique_ptr<DocumentBuilder> builder_;
  std::string text_;
  Document document_;
};

TEST_F(KeyphrasesTest, CentralEntityRanksHigh) {
  const auto tags = Tags(testing::kRobotTitle, testing::kRobotArticle, false);
  ASSERT_GE(tags.size(), 5u);
  std::vector<std::string> top;
  for (size_t i = 0; i < 3; ++i) top.push_back(tags[i].name);
  EXPECT_TRUE(std::find(top.begin(), top.end(), "Kestrel Robotics") != top.end())
      << ::testing::PrintToString(top);
}

TEST_F(KeyphrasesTest, ScoresAreNormalisedAndSorted) {
  const auto tags = Tags(testing::kRobotTitle, testing::kRobotArticle, false);
  ASSERT_FALSE(tags.empty());
  EXPECT_DOUBLE_EQ(tags.front().score, 1.0);
  for (size_t i = 1; i < tags.size(); ++i) {
    EXPECT_LE(tags[i].score, tags[i - 1].score);
    EXPECT_GT(tags[i].score, 0.0);
  }
}

TEST_F(KeyphrasesTest, PluralVariantsMergeIntoOneTag) {
  const auto tags = Tags("", testing::kRobotArticle, false, {.max_tags = 30, .min_tags = 30});
  int drone_tags = 0;
  for (const ScoredTag& tag : tags) drone_tags += tag.key == "drone" ? 1 : 0;
  EXPECT_EQ(drone_tags, 1);
  EXPECT_FALSE(HasKey(tags, "drones"));
}

TEST_F(KeyphrasesTest, BoilerplateContributesNoTags) {
  const auto tags = Tags("", testing::kRobotArticle, false, {.max_tags = 50, .min_tags = 50});
  EXPECT_FALSE(HasKey(tags, "expo"));
  EXPECT_FALSE(HasKey(tags, "drone expo"));
  EXPECT_FALSE(HasKey(tags, "oslo"));
  EXPECT_FALSE(HasKey(tags, "newslett"));
}

TEST_F(KeyphrasesTest, ContainedPhraseThatAddsNothingIsDropped) {
  // "tax relief" only ever occurs inside "generous tax relief".
  const auto tags = Tags("", "Generous tax relief helps drone makers. Generous tax relief costs the city.",
                         false, {.max_tags = 20, .min_tags = 20});
  EXPECT_TRUE(HasKey(tags, "generous tax relief"));
  EXPECT_FALSE(HasKey(tags, "tax relief"));
}

TEST_F(KeyphrasesTest, RespectsTagBounds) {
  EXPECT_LE(Tags("", testing::kRobotArticle, false, {.max_tags = 3, .min_tags = 3}).size(), 3u);
  EXPECT_EQ(Tags("", testing::kRobotArticle, false, {.max_tags = 10, .min_tags = 10}).size(), 10u);
  EXPECT_TRUE(Tags("", "", false).empty());
}

TEST_F(KeyphrasesTest, ChineseTagsAreChinese) {
  const auto tags = Tags("", testing::kChineseArticle, /*unspaced=*/true);
  ASSERT_GE(tags.size(), 3u);
  for (const ScoredTag& tag : tags) {
    size_t pos = 0;
    EXPECT_TRUE(IsHan(DecodeUtf8(tag.name, &pos))) << tag.name;
    EXPECT_EQ(tag.name.find(' '), std::string::npos) << tag.name;
  }
  bool charging = false;
  for (const ScoredTag& tag : tags) charging = charging || tag.name.find("充电") != std::string::npos;
  EXPECT_TRUE(charging);
}

}  // namespace
}  // namespace newsflow::enrich

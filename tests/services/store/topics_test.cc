#include "services/store/topics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/test_util.h"

namespace newsflow::store {
namespace {

using ::newsflow::testing::MakeArticle;
using ::testing::ElementsAre;

TEST(TopicsTest, TopicNames) {
  EXPECT_EQ(TagTopic("Export  Controls"), "tag.export controls.");
  EXPECT_EQ(LangTopic("zh"), "lang.zh.");
  EXPECT_EQ(SourceTopic("abc"), "source.abc.");
  EXPECT_EQ(AckTopic("ingest-0"), "ack.ingest-0.");
}

TEST(TopicsTest, ArticleIsPublishedOnEveryTopicItBelongsTo) {
  v1::Article a = MakeArticle("t", "Title", "Text", "AI", "Chips");
  EXPECT_THAT(TopicsFor(a), ElementsAre("article.", "tag.ai.", "tag.chips.", "lang.en.", "source.src-test."));
}

TEST(TopicsTest, MissingLanguageAndSourceAddNoTopic) {
  v1::Article a = MakeArticle("t", "Title", "Text");
  a.mutable_enrichment()->clear_language();
  a.mutable_source()->clear_id();
  EXPECT_THAT(TopicsFor(a), ElementsAre("article."));
}

}  // namespace
}  // namespace newsflow::store

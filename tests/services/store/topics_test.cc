#include "services/store/topics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/delivery/term_counts.h"
#include "common/util/text.h"
#include "tests/testing/test_util.h"

namespace newsflow::store {
namespace {

using ::newsflow::testing::MakeArticle;
using ::testing::ElementsAre;

std::string TermCountsSnapshotTopicOf(std::string_view origin) { return TermCountsSnapshotTopic(origin); }

// Whether `a` and `b` name the same topic: tags are compared by TagKey.
bool TagKeyEqualOrSame(std::string (*make)(std::string_view), const std::string& a, const std::string& b) {
  if (make == &TagTopic) return TagKey(a) == TagKey(b);
  return a == b;
}

TEST(TopicsTest, TopicNames) {
  EXPECT_EQ(TagTopic("Export  Controls"), "tag.14:export control");  // TagKey: singular head
  EXPECT_EQ(LangTopic("zh"), "lang.2:zh");
  EXPECT_EQ(SourceTopic("abc"), "source.3:abc");
  EXPECT_EQ(AckTopic("ingest-0"), "ack.ingest-0.");
}

// Under ZeroMQ's prefix matching, no subscription to one value's topic
// matches another value's, even when a key holds the separator.
TEST(TopicsTest, SubscriptionsAreExact) {
  const std::vector<std::string> keys = {
      "node", "node.js", "node.", "no", "n", "node:js", "1:x", "", "10", "1", std::string("a\0b", 3)};
  for (const auto& make : {&TagTopic, &LangTopic, &SourceTopic, &TermCountsSnapshotTopicOf}) {
    for (const std::string& a : keys) {
      for (const std::string& b : keys) {
        const std::string sub = make(a);
        const std::string topic = make(b);
        const bool matches = topic.compare(0, sub.size(), sub) == 0;
        EXPECT_EQ(matches, TagKeyEqualOrSame(make, a, b)) << "subscription " << sub << " topic " << topic;
      }
    }
    EXPECT_NE(make("x").rfind(kArticleTopic, 0), 0u);
  }
}

TEST(TopicsTest, ArticleIsPublishedOnEveryTopicItBelongsTo) {
  v1::Article a = MakeArticle("t", "Title", "Text", "AI", "Chips");
  EXPECT_THAT(TopicsFor(a),
              ElementsAre("article.", "tag.2:ai", "tag.5:chips", "lang.2:en", "source.8:src-test"));
}

TEST(TopicsTest, MissingLanguageAndSourceAddNoTopic) {
  v1::Article a = MakeArticle("t", "Title", "Text");
  a.mutable_enrichment()->clear_language();
  a.mutable_source()->clear_id();
  EXPECT_THAT(TopicsFor(a), ElementsAre("article."));
}

}  // namespace
}  // namespace newsflow::store

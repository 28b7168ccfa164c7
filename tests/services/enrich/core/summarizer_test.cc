#include "services/enrich/core/summarizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "tests/services/enrich/core/test_articles.h"

namespace newsflow::enrich {
namespace {

class SummarizerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto segmenter = TextSegmenter::Create();
    ASSERT_TRUE(segmenter.ok()) << segmenter.status();
    segmenter_ = std::move(segmenter).value();
    builder_ = std::make_unique<DocumentBuilder>(segmenter_.get());
  }

  void Build(const std::string& title, const std::string& text, bool unspaced = false) {
    text_ = text;
    builder_->Build(title, text_, unspaced, !unspaced, &document_);
  }

  std::unique_ptr<TextSegmenter> segmenter_;
  std::unique_ptr<DocumentBuilder> builder_;
  std::string text_;
  Document document_;
};

TEST_F(SummarizerTest, ReturnsRequestedCountInReadingOrder) {
  Build(testing::kRobotTitle, testing::kRobotArticle);
  const SentenceRanking ranking = RankSentences(document_);
  for (int count : {1, 2, 3, 4}) {
    const std::vector<uint32_t> picked = SelectSentences(ranking, count, kSummaryDiversity);
    EXPECT_EQ(picked.size(), static_cast<size_t>(count));
    EXPECT_TRUE(std::is_sorted(picked.begin(), picked.end()));
  }
}

TEST_F(SummarizerTest, SkipsHeadingsShortSentencesAndBoilerplate) {
  Build(testing::kRobotTitle, testing::kRobotArticle);
  const SentenceRanking ranking = RankSentences(document_);
  for (uint32_t index : ranking.sentences) {
    const std::string sentence = SentenceForDisplay(document_, index);
    EXPECT_NE(sentence, "Drone deliveries");
    EXPECT_EQ(sentence.find("See also"), std::string::npos);
    EXPECT_EQ(sentence.find("Check out"), std::string::npos);
    EXPECT_EQ(sentence.find("subscribe"), std::string::npos);
  }
}

TEST_F(SummarizerTest, DiversityAvoidsRepeatingAFact) {
  Build("", "The ferry line added a night service to the islands this summer.\n"
            "The ferry line added a night service to the islands this summer season.\n"
            "Ticket prices for students fell by a third after a city council vote.\n"
            "Harbour workers painted the old lighthouse red and white again.");
  const SentenceRanking ranking = RankSentences(document_);
  const std::vector<uint32_t> picked = SelectSentences(ranking, 2, kKeyPointDiversity);
  ASSERT_EQ(picked.size(), 2u);
  EXPECT_FALSE(picked[0] == 0 && picked[1] == 1);
}

TEST_F(SummarizerTest, ChineseSummaryIsChineseSentences) {
  Build("", testing::kChineseArticle, /*unspaced=*/true);
  const SentenceRanking ranking = RankSentences(document_);
  const std::vector<uint32_t> picked = SelectSentences(ranking, 2, kSummaryDiversity);
  ASSERT_EQ(picked.size(), 2u);
  for (uint32_t index : picked) {
    const std::string sentence = SentenceForDisplay(document_, index);
    EXPECT_TRUE(sentence.ends_with("。")) << sentence;
  }
}

TEST_F(SummarizerTest, CosineOfSparseVectors) {
  const SparseVector a = {{1, 0.6}, {2, 0.8}};
  const SparseVector b = {{2, 1.0}};
  EXPECT_NEAR(Cosine(a, b), 0.8, 1e-12);
  EXPECT_EQ(Cosine(a, {}), 0.0);
}

TEST_F(SummarizerTest, KeyPointsAddToTheSummary) {
  Build(testing::kRobotTitle, testing::kRobotArticle);
  const SentenceRanking ranking = RankSentences(document_);
  const std::vector<uint32_t> summary = SelectSentences(ranking, 2, kSummaryDiversity);
  ASSERT_EQ(summary.size(), 2u);
  const std::vector<uint32_t> points = SelectKeyPoints(ranking, 3, summary);
  ASSERT_EQ(points.size(), 3u);
  for (uint32_t index : points) {
    EXPECT_EQ(std::count(summary.begin(), summary.end(), index), 0) << index;
  }
  // Too few other sentences: the summary's own sentences fill in.
  EXPECT_EQ(SelectKeyPoints(ranking, static_cast<int>(ranking.sentences.size()), summary).size(),
            ranking.sentences.size());
}

// Four sections under headings; most of the text is about the port, so a
// ranking by centrality alone would take every point from its section.
TEST_F(SummarizerTest, KeyPointsCoverTheSections) {
  Build("Harbour plans",
        "Port expansion\n"
        "The port will expand its container terminal with two new berths this year. "
        "The port authority said the container terminal expansion will double capacity. "
        "Shipping lines welcomed the port plan and the larger container terminal. "
        "The terminal expansion at the port is funded by container fees.\n"
        "Ferry service\n"
        "A new ferry service to the islands will start in spring with two boats.\n"
        "Jobs\n"
        "The expansion will create four hundred jobs at the port and in the town.\n"
        "Environment\n"
        "Electric cranes at the container terminal will cut noise and emissions at the port.\n");
  const SentenceRanking ranking = RankSentences(document_);
  const std::vector<uint32_t> points = SelectKeyPoints(ranking, 4, {});
  ASSERT_EQ(points.size(), 4u);
  std::vector<std::string> texts;
  for (uint32_t index : points) texts.push_back(SentenceForDisplay(document_, index));
  const auto mentions = [&](const std::string& word) {
    return std::count_if(texts.begin(), texts.end(),
                         [&](const std::string& t) { return t.find(word) != std::string::npos; });
  };
  EXPECT_EQ(mentions("ferry"), 1);
  EXPECT_EQ(mentions("jobs"), 1);
  EXPECT_EQ(mentions("Electric cranes"), 1);
  EXPECT_TRUE(std::is_sorted(points.begin(), points.end()));
}

TEST_F(SummarizerTest, KeyPointsDropTrailingAttribution) {
  Build("", "The harbour will reopen to cargo ships in early March, the port authority said.\n"
            "Ticket prices for students fell by a third, according to the city council.\n"
            "\"We will keep the night ferry running all winter,\" the mayor said.");
  EXPECT_EQ(KeyPointForDisplay(document_, 0), "The harbour will reopen to cargo ships in early March.");
  EXPECT_EQ(KeyPointForDisplay(document_, 1), "Ticket prices for students fell by a third.");
  EXPECT_EQ(KeyPointForDisplay(document_, 2), SentenceForDisplay(document_, 2));
}

TEST_F(SummarizerTest, EmptyDocument) {
  Build("", "");
  EXPECT_TRUE(SelectSentences(RankSentences(document_), 3, kSummaryDiversity).empty());
}

// A text of `sentences` distinct, similar sentences (they share words, so
// every pair is an edge of the similarity graph).
std::string ManySentences(int sentences) {
  std::string text;
  for (int i = 0; i < sentences; ++i) {
    text += "The harbour authority reported " + std::to_string(i) +
            " new cargo ships arriving at the busy northern port today.";
    text += i % 5 == 4 ? "\n" : " ";
  }
  return text;
}

TEST_F(SummarizerTest, ShortTextsCompareEveryPair) {
  Build("", ManySentences(50));
  const SentenceRanking ranking = RankSentences(document_);
  ASSERT_EQ(ranking.sentences.size(), 50u);
  EXPECT_EQ(ranking.graph_edges, 50u * 49u / 2);
}

TEST_F(SummarizerTest, LongTextsRankABoundedNumberOfSentencesInABoundedWindow) {
  Build("", ManySentences(3000));
  ASSERT_GE(document_.sentences.size(), 3000u);
  const SentenceRanking ranking = RankSentences(document_, RankOptions{.max_sentences = 1000});
  EXPECT_EQ(ranking.sentences.size(), 1000u);
  // Linear: at most kSentenceNeighbours edges per sentence, far below the
  // 499500 pairs of 1000 sentences.
  EXPECT_LE(ranking.graph_edges, 1000u * kSentenceNeighbours);
  EXPECT_LT(ranking.graph_edges, 1000u * 999u / 2);
  EXPECT_EQ(SelectSentences(ranking, 3, kSummaryDiversity).size(), 3u);
}

TEST_F(SummarizerTest, OverlongSentencesAreNeverPicked) {
  std::string text = ManySentences(5);
  const std::string long_sentence = "The harbour authority reported that the " + std::string(4000, 'x') +
                                    " ships arrived at the busy northern port today.";
  Build("", long_sentence + "\n" + text);
  const SentenceRanking ranking = RankSentences(document_, RankOptions{.max_sentence_bytes = 3000});
  for (uint32_t index : ranking.sentences) {
    const Sentence& s = document_.sentences[index];
    EXPECT_LE(s.end - s.begin, 3000u);
  }
  EXPECT_EQ(ranking.sentences.size(), 5u);
}

}  // namespace
}  // namespace newsflow::enrich

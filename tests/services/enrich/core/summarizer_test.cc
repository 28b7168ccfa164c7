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
  Build("",
        "The ferry line added a night service to the islands this summer.\n"
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
  const std::vector<KeyPoint> points = SelectKeyPoints(document_, ranking, 3, summary);
  ASSERT_EQ(points.size(), 3u);
  for (const KeyPoint& point : points) {
    EXPECT_EQ(std::count(summary.begin(), summary.end(), point.sentence), 0) << point.text;
  }
  // Asked for more than the article has: fewer key points, never a summary
  // sentence again.
  for (const KeyPoint& point :
       SelectKeyPoints(document_, ranking, static_cast<int>(ranking.sentences.size()), summary)) {
    EXPECT_EQ(std::count(summary.begin(), summary.end(), point.sentence), 0) << point.text;
  }
}

// A sentence that restates a summary sentence with a word changed is not a
// key point either.
TEST_F(SummarizerTest, KeyPointsSkipNearCopiesOfTheSummary) {
  Build("Ferry timetable",
        "The island ferry will run a night service every Friday from the first week of June.\n"
        "From the first week of June the island ferry will run a night service every Friday.\n"
        "Harbour workers repainted the lighthouse on the north pier in red and white.\n"
        "Ticket prices for students fell by a third after a vote of the city council.\n"
        "The ferry company bought a second boat from a shipyard in Turku last winter.\n");
  const SentenceRanking ranking = RankSentences(document_);
  const std::vector<uint32_t> summary = SelectSentences(ranking, 1, kSummaryDiversity);
  ASSERT_EQ(summary.size(), 1u);
  ASSERT_TRUE(summary[0] == 0 || summary[0] == 1);
  for (const KeyPoint& point : SelectKeyPoints(document_, ranking, 4, summary)) {
    EXPECT_EQ(point.text.find("night service"), std::string::npos) << point.text;
  }
}

TEST_F(SummarizerTest, KeyPointsDoNotRestateTheTitle) {
  Build("Night ferry to the islands starts in June",
        "A night ferry to the islands starts in June.\n"
        "The council paid for two new boats that carry bicycles and cars to the harbour.\n"
        "Fares for students and pensioners stay at last year's level until the autumn.\n"
        "Harbour workers repainted the lighthouse on the north pier in red and white.\n");
  const SentenceRanking ranking = RankSentences(document_);
  const std::vector<KeyPoint> points = SelectKeyPoints(document_, ranking, 4, {});
  EXPECT_FALSE(points.empty());
  for (const KeyPoint& point : points) EXPECT_NE(point.sentence, 0u) << point.text;
}

// Every key point makes sense without the sentence before it.
TEST_F(SummarizerTest, KeyPointsReadAlone) {
  Build("Harbour report",
        "The port authority opened a second container terminal on the east quay on Monday.\n"
        "He said the terminal would handle twice as many ships as the old one by next spring.\n"
        "This means that the harbour can take the largest vessels that sail the Baltic Sea today.\n"
        "They will also pay the new dock workers more than the workers at the old terminal.\n"
        "\"We expect the first ships from Gdansk in the second week of March next year.\"\n"
        "\"It is the biggest investment in the port for fifty years,\" the harbour master said.\n"
        "\"We have hired two hundred new dock workers for the terminal,\" the harbour master said.\n"
        "However, the cranes on the east quay will only be ready at the end of the summer.\n"
        "But the city council still has to approve the new road from the terminal to the motorway.\n"
        "Others expect the ferry companies to move their ships from the west quay to the terminal.\n"
        "In addition, the port will open a visitor centre with a view of the terminal next summer.\n");
  const SentenceRanking ranking = RankSentences(document_);
  const std::vector<KeyPoint> points = SelectKeyPoints(document_, ranking, 11, {});
  ASSERT_GE(points.size(), 3u);
  for (const KeyPoint& point : points) {
    for (const char* lead :
         {"He ", "This ", "They ", "But ", "However", "\"It ", "\"We expect", "Others", "In addition"}) {
      EXPECT_FALSE(point.text.starts_with(lead)) << point.text;
    }
    EXPECT_EQ(std::count(point.text.begin(), point.text.end(), '"') % 2, 0) << point.text;
  }
  // A leading connective is dropped, not the fact after it; a quotation
  // with its speaker named stays whole.
  const auto has = [&](const std::string& text) {
    return std::any_of(points.begin(), points.end(), [&](const KeyPoint& p) { return p.text == text; });
  };
  EXPECT_TRUE(has("The cranes on the east quay will only be ready at the end of the summer."));
  EXPECT_TRUE(has("The port will open a visitor centre with a view of the terminal next summer."));
  EXPECT_TRUE(
      has("\"We have hired two hundred new dock workers for the terminal,\" the harbour master said."));
}

TEST_F(SummarizerTest, CutQuotationIsNoKeyPoint) {
  Build("",
        "The mayor said: \"We will keep the night ferry running all winter.\n"
        "Ticket prices for students fell by a third after a city council vote.\n");
  EXPECT_EQ(KeyPointForDisplay(document_, 0), "");
  EXPECT_NE(KeyPointForDisplay(document_, 1), "");
}

// Long sentences become one short fact at a clause boundary; the cut never
// falls inside a quotation or leaves a subject without its verb.
TEST_F(SummarizerTest, LongKeyPointsAreCutAtAClause) {
  Build("",
        "The regional council approved a budget of four hundred million euros for new tram "
        "lines in the northern districts of the city on Tuesday; the opposition parties voted "
        "against it and called the plan a waste of public money.\n"
        "The shipyard in the old harbour, which builds ferries and small cargo ships for "
        "owners in Norway and Sweden, will hire two hundred welders and electricians next "
        "year.\n"
        "The festival drew more than forty thousand visitors to the harbour over three days "
        "of concerts and street food, while the organisers had planned for half that number of "
        "people.\n"
        "The new tram line will connect the university campus with the central railway "
        "station and the harbour by the end of next year, but the council has not yet chosen "
        "a company to build it.\n"
        "The estimate for rebuilding the old harbour district - most of which was damaged by "
        "the storm in January - was raised to three hundred million euros by the city council "
        "this week.\n"
        "The port earned forty million euros from container fees last year (up from thirty "
        "million; the highest in a decade) and expects more from the new terminal next year.\n");
  const std::string first = KeyPointForDisplay(document_, 0);
  EXPECT_EQ(first,
            "The regional council approved a budget of four hundred million euros for new tram "
            "lines in the northern districts of the city on Tuesday.");
  // The relative clause sits in the middle: nothing may be cut.
  EXPECT_EQ(KeyPointForDisplay(document_, 1), SentenceForDisplay(document_, 1));
  const std::string third = KeyPointForDisplay(document_, 2);
  EXPECT_TRUE(third.ends_with("days of concerts and street food.")) << third;
  EXPECT_EQ(KeyPointForDisplay(document_, 3),
            "The new tram line will connect the university campus with the central railway "
            "station and the harbour by the end of next year.");
  // The second dash closes the aside: the sentence stays whole.
  EXPECT_EQ(KeyPointForDisplay(document_, 4), SentenceForDisplay(document_, 4));
  // Nor is a semicolon inside parentheses.
  EXPECT_EQ(KeyPointForDisplay(document_, 5), SentenceForDisplay(document_, 5));
}

TEST_F(SummarizerTest, ChineseKeyPointsReadAlone) {
  Build("",
        "此外，新码头明年将开通两条通往海岛的夜班渡轮航线。\n"
        "他表示，港口将在三年内完成全部改造工程并投入使用。\n"
        "市政府近日宣布，港口扩建工程将新增四个集装箱泊位。\n",
        /*unspaced=*/true);
  EXPECT_EQ(KeyPointForDisplay(document_, 0), "新码头明年将开通两条通往海岛的夜班渡轮航线。");
  EXPECT_EQ(KeyPointForDisplay(document_, 1), "");
  EXPECT_EQ(KeyPointForDisplay(document_, 2), SentenceForDisplay(document_, 2));
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
  const std::vector<KeyPoint> points = SelectKeyPoints(document_, ranking, 4, {});
  ASSERT_EQ(points.size(), 4u);
  std::vector<std::string> texts;
  std::vector<uint32_t> order;
  for (const KeyPoint& point : points) {
    texts.push_back(point.text);
    order.push_back(point.sentence);
  }
  const auto mentions = [&](const std::string& word) {
    return std::count_if(texts.begin(), texts.end(),
                         [&](const std::string& t) { return t.find(word) != std::string::npos; });
  };
  EXPECT_EQ(mentions("ferry"), 1);
  EXPECT_EQ(mentions("jobs"), 1);
  EXPECT_EQ(mentions("Electric cranes"), 1);
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
}

TEST_F(SummarizerTest, KeyPointsDropTrailingAttribution) {
  Build("",
        "The harbour will reopen to cargo ships in early March, the port authority said.\n"
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

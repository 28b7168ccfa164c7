#include "services/enrich/core/text_segmenter.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace newsflow::enrich {
namespace {

class TextSegmenterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto segmenter = TextSegmenter::Create();
    ASSERT_TRUE(segmenter.ok()) << segmenter.status();
    segmenter_ = std::move(segmenter).value();
  }

  std::vector<std::string> Sentences(std::string_view text) {
    std::vector<SentenceSpan> spans;
    segmenter_->SplitSentences(text, &spans);
    std::vector<std::string> out;
    for (const SentenceSpan& s : spans) out.emplace_back(text.substr(s.begin, s.end - s.begin));
    return out;
  }

  std::vector<std::string> Words(std::string_view text) {
    std::vector<WordSpan> spans;
    segmenter_->SplitWords(text, &spans);
    std::vector<std::string> out;
    for (const WordSpan& w : spans) out.emplace_back(text.substr(w.begin, w.end - w.begin));
    return out;
  }

  std::unique_ptr<TextSegmenter> segmenter_;
};

using Strings = std::vector<std::string>;

TEST_F(TextSegmenterTest, KeepsTitleAbbreviationsInsideSentences) {
  EXPECT_EQ(Sentences("Mr. Lee met Dr. Park at noon. They talked."),
            (Strings{"Mr. Lee met Dr. Park at noon.", "They talked."}));
}

TEST_F(TextSegmenterTest, AcronymAbbreviationsJoinUnlessANewSentenceStarts) {
  EXPECT_EQ(Sentences("Exports to the U.S. Navy rose. Ferries moved to the U.S. The port grew."),
            (Strings{"Exports to the U.S. Navy rose.", "Ferries moved to the U.S.", "The port grew."}));
  EXPECT_EQ(Sentences("Harbour Tech Inc. Chief Ana Silva spoke. Shares rose."),
            (Strings{"Harbour Tech Inc. Chief Ana Silva spoke.", "Shares rose."}));
}

TEST_F(TextSegmenterTest, InitialsAndNumberedAbbreviations) {
  EXPECT_EQ(Sentences("John F. Kennedy Airport is busy. Gate No. 5 opened on Sept. 12 at noon."),
            (Strings{"John F. Kennedy Airport is busy.", "Gate No. 5 opened on Sept. 12 at noon."}));
}

TEST_F(TextSegmenterTest, ClosingQuotesStayWithTheirSentence) {
  EXPECT_EQ(Sentences("She said, \u201cThe cranes are ready.\u201d Work began on Monday."),
            (Strings{"She said, \u201cThe cranes are ready.\u201d", "Work began on Monday."}));
}

TEST_F(TextSegmenterTest, SplitsChinesePunctuation) {
  EXPECT_EQ(Sentences("港口扩建完成了。工人们很高兴！明年会更忙吗？他说：“我们准备好了。”然后离开。"),
            (Strings{"港口扩建完成了。", "工人们很高兴！", "明年会更忙吗？", "他说：“我们准备好了。”",
                     "然后离开。"}));
}

TEST_F(TextSegmenterTest, LineBreaksEndSentencesAndCountParagraphs) {
  const std::string text = "Harbour news\n\nThe port grew. Cranes arrived.\nShips waited.";
  std::vector<SentenceSpan> spans;
  segmenter_->SplitSentences(text, &spans);
  ASSERT_EQ(spans.size(), 4u);
  EXPECT_FALSE(spans[0].terminal);  // a heading
  EXPECT_TRUE(spans[1].terminal);
  EXPECT_EQ(spans[0].paragraph, 0u);
  EXPECT_EQ(spans[1].paragraph, 1u);
  EXPECT_EQ(spans[2].paragraph, 1u);
  EXPECT_EQ(spans[3].paragraph, 2u);
}

TEST_F(TextSegmenterTest, SegmentsChineseWordsWithDictionary) {
  const Strings words = Words("上海推出AI补贴计划");
  EXPECT_GE(words.size(), 4u);
  EXPECT_EQ(words.front(), "上海");
}

TEST_F(TextSegmenterTest, RecordsGapsBetweenWords) {
  const std::string text = "out-of-print books, 2027 plans";
  std::vector<WordSpan> spans;
  segmenter_->SplitWords(text, &spans);
  ASSERT_EQ(spans.size(), 6u);
  EXPECT_EQ(spans[1].gap_before, Gap::kJoiner);  // of
  EXPECT_EQ(spans[3].gap_before, Gap::kSpace);   // books
  EXPECT_EQ(spans[4].gap_before, Gap::kPunct);   // 2027 after a comma
  EXPECT_EQ(spans[4].kind, WordKind::kNumber);
}

// What lies between two Chinese words leaves the same gap as between two
// Latin words, whichever way the separator is read.
TEST_F(TextSegmenterTest, GapsBetweenChineseWordsMatchLatinOnes) {
  const std::vector<std::string> separators = {
      " ",  "  ", "\n", "\r\n", "\xC2\xA0", "\xE3\x80\x80", "-",  " - ", "\xE2\x80\x90", "，", "、",
      "。", "；", "：", "！",   "？",       "（",           "）", "《",  "》",           "“",  "”",
      "——", "……", ", ", ". ",   "-(",       " (",           "- "};
  const auto gap_before_second = [&](const std::string& text) {
    std::vector<WordSpan> spans;
    segmenter_->SplitWords(text, &spans);
    EXPECT_EQ(spans.size(), 2u) << text;
    return spans.size() == 2 ? spans[1].gap_before : Gap::kNone;
  };
  for (const std::string& separator : separators) {
    EXPECT_EQ(gap_before_second("北京" + separator + "上海"), gap_before_second("Paris" + separator + "Lyon"))
        << "separator [" << separator << "]";
  }
}

TEST_F(TextSegmenterTest, EmptyText) {
  EXPECT_TRUE(Sentences("").empty());
  EXPECT_TRUE(Sentences("  \n\n ").empty());
  EXPECT_TRUE(Words("").empty());
}

}  // namespace
}  // namespace newsflow::enrich

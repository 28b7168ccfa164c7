#include "services/enrich/core/cjk_dictionary.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/utext.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "services/enrich/core/utf8.h"

namespace newsflow::enrich {
namespace {

// ICU's own word boundaries for `text`, as UTF-8 offsets.
std::vector<uint32_t> IcuBoundaries(std::string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> words(
      icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  UText utext = UTEXT_INITIALIZER;
  utext_openUTF8(&utext, text.data(), static_cast<int64_t>(text.size()), &status);
  words->setText(&utext, status);
  std::vector<uint32_t> out;
  for (int32_t b = words->next(); b != icu::BreakIterator::DONE; b = words->next()) {
    out.push_back(static_cast<uint32_t>(b));
  }
  utext_close(&utext);
  return out;
}

std::vector<uint32_t> OurBoundaries(const CjkDictionary& dictionary, std::string_view text) {
  CjkDictionary::Scratch scratch;
  std::vector<CjkWord> words;
  dictionary.Segment(text, 0, &scratch, &words);
  std::vector<uint32_t> out;
  for (const CjkWord& word : words) out.push_back(word.end);
  return out;
}

// Han-only runs of the Chinese sample feed's text.
std::vector<std::string> HanRuns(std::string_view text) {
  std::vector<std::string> runs;
  std::string current;
  for (size_t pos = 0; pos < text.size();) {
    const size_t start = pos;
    const char32_t cp = DecodeUtf8(text, &pos);
    if (IsHan(cp)) {
      current.append(text.substr(start, pos - start));
    } else if (!current.empty()) {
      runs.push_back(current);
      current.clear();
    }
  }
  if (!current.empty()) runs.push_back(current);
  return runs;
}

TEST(CjkDictionaryTest, LoadsFromIcuData) { ASSERT_NE(CjkDictionary::Get(), nullptr); }

TEST(CjkDictionaryTest, SegmentsHanRunsLikeIcu) {
  const CjkDictionary* dictionary = CjkDictionary::Get();
  ASSERT_NE(dictionary, nullptr);
  // Tests run from the source tree.
  std::ifstream in("samples/feeds/zh-keji.rss.xml");
  ASSERT_TRUE(in) << "sample feed missing";
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::vector<std::string> runs = HanRuns(buffer.str());
  ASSERT_GT(runs.size(), 20u);
  size_t words = 0;
  for (const std::string& run : runs) {
    const std::vector<uint32_t> ours = OurBoundaries(*dictionary, run);
    EXPECT_EQ(ours, IcuBoundaries(run)) << run;
    words += ours.size();
  }
  // The runs are real sentences, not single characters.
  EXPECT_GT(words, runs.size() * 2);
}

TEST(CjkDictionaryTest, CoversTheRunWithOffsetsFromBase) {
  const CjkDictionary* dictionary = CjkDictionary::Get();
  ASSERT_NE(dictionary, nullptr);
  const std::string run = "上海推出人工智能补贴计划";
  CjkDictionary::Scratch scratch;
  std::vector<CjkWord> words;
  dictionary->Segment(run, 100, &scratch, &words);
  ASSERT_FALSE(words.empty());
  EXPECT_EQ(words.front().begin, 100u);
  EXPECT_EQ(words.back().end, 100u + run.size());
  for (size_t i = 1; i < words.size(); ++i) EXPECT_EQ(words[i].begin, words[i - 1].end);
  std::vector<std::string> texts;
  for (const CjkWord& w : words) texts.push_back(run.substr(w.begin - 100, w.end - w.begin));
  EXPECT_EQ(texts.front(), "上海");
  EXPECT_EQ(texts.back(), "计划");
}

TEST(CjkDictionaryTest, CharactersOutsideTheBasicPlaneStayWhole) {
  const CjkDictionary* dictionary = CjkDictionary::Get();
  ASSERT_NE(dictionary, nullptr);
  // U+20BB7 (a rare Han character, four UTF-8 bytes) between common words.
  const std::string run = "中国\xF0\xA0\xAE\xB7人民";
  CjkDictionary::Scratch scratch;
  std::vector<CjkWord> words;
  dictionary->Segment(run, 0, &scratch, &words);
  ASSERT_FALSE(words.empty());
  EXPECT_EQ(words.back().end, run.size());
  for (const CjkWord& w : words) {
    size_t pos = w.begin;
    while (pos < w.end) DecodeUtf8(run, &pos);
    EXPECT_EQ(pos, w.end) << "a word boundary splits a character";
  }
}

TEST(CjkDictionaryTest, CostsRankCommonWordsBelowRareOnes) {
  const CjkDictionary* dictionary = CjkDictionary::Get();
  ASSERT_NE(dictionary, nullptr);
  const int common = dictionary->Cost("研究");
  const int rare = dictionary->Cost("酵母菌");
  ASSERT_GT(common, 0);
  ASSERT_GT(rare, 0);
  EXPECT_LT(common, rare);
  EXPECT_EQ(dictionary->Cost("研究研究研究研究"), -1);
  EXPECT_EQ(dictionary->Cost(""), -1);
  EXPECT_EQ(dictionary->Cost("abc"), -1);
}

TEST(CjkDictionaryTest, UserWordsStayWhole) {
  const CjkDictionary* dictionary = CjkDictionary::Get();
  ASSERT_NE(dictionary, nullptr);
  const std::string run = "家用空调贯流风机内部偏心涡";
  const auto words_of = [&](const CjkUserWords* user) {
    CjkDictionary::Scratch scratch;
    std::vector<CjkWord> words;
    dictionary->Segment(run, 0, &scratch, &words, user);
    std::vector<std::string> out;
    for (const CjkWord& w : words) out.push_back(run.substr(w.begin, w.end - w.begin));
    return out;
  };
  const std::vector<std::string> plain = words_of(nullptr);
  // The dictionary alone does not know the term.
  ASSERT_EQ(std::count(plain.begin(), plain.end(), "贯流风机"), 0);
  CjkUserWords user;
  EXPECT_TRUE(user.Add("贯流风机"));
  EXPECT_TRUE(user.Add("偏心涡"));
  EXPECT_FALSE(user.Add("fan"));  // no Han character
  EXPECT_FALSE(user.Add("涡"));    // a single character is no term
  EXPECT_EQ(user.size(), 2u);
  const std::vector<std::string> with_user = words_of(&user);
  EXPECT_EQ(std::count(with_user.begin(), with_user.end(), "贯流风机"), 1);
  EXPECT_EQ(std::count(with_user.begin(), with_user.end(), "偏心涡"), 1);
  std::string joined;
  for (const std::string& w : with_user) joined += w;
  EXPECT_EQ(joined, run);
}

}  // namespace
}  // namespace newsflow::enrich

#include "services/enrich/core/cjk_dictionary.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "services/enrich/core/unicode_text.h"

namespace newsflow::enrich {
namespace {

std::vector<CjkWord> Segment(std::string_view run, const CjkUserWords* user = nullptr) {
  CjkDictionary::Scratch scratch;
  std::vector<CjkWord> words;
  CjkDictionary::Get().Segment(run, 0, &scratch, &words, user);
  return words;
}

std::vector<std::string> Texts(std::string_view run, const std::vector<CjkWord>& words) {
  std::vector<std::string> out;
  for (const CjkWord& w : words) out.emplace_back(run.substr(w.begin, w.end - w.begin));
  return out;
}

bool IsFunction(ChineseWordClass c) {
  return c == ChineseWordClass::kParticle || c == ChineseWordClass::kPreposition ||
         c == ChineseWordClass::kConjunction || c == ChineseWordClass::kPronoun ||
         c == ChineseWordClass::kAdverb;
}

// Sentences written for these tests: news and technical prose with common
// words, names, function words and a few terms the dictionary cannot list.
constexpr std::string_view kSentences[] = {
    "电商平台的退货率在今年第三季度明显上升",
    "研究人员在量子计算机上运行了新的优化算法",
    "医生给患者开了盐酸雷尼替丁胶囊",
    "市政府决定在城市北部修建一座新的污水处理厂",
    "他们昨天在北京的会议上讨论了人工智能的监管问题",
    "这家公司推出了一款可以折叠的智能手机",
};

TEST(CjkDictionaryTest, LooksUpFrequencyAndClass) {
  const CjkDictionary& dictionary = CjkDictionary::Get();
  EXPECT_GT(dictionary.size(), 300000u);
  const auto computer = dictionary.Find("计算机");
  ASSERT_TRUE(computer.has_value());
  EXPECT_GT(computer->frequency, 0u);
  EXPECT_EQ(computer->tag, "n");
  EXPECT_EQ(computer->word_class, ChineseWordClass::kNoun);
  const auto shanghai = dictionary.Find("上海");
  ASSERT_TRUE(shanghai.has_value());
  EXPECT_EQ(shanghai->word_class, ChineseWordClass::kPlace);
  const auto of = dictionary.Find("的");
  ASSERT_TRUE(of.has_value());
  EXPECT_EQ(of->word_class, ChineseWordClass::kParticle);
  const auto at = dictionary.Find("在");
  ASSERT_TRUE(at.has_value());
  EXPECT_EQ(at->word_class, ChineseWordClass::kPreposition);
  // Common words are more frequent than rare ones.
  const auto common = dictionary.Find("研究");
  const auto rare = dictionary.Find("酵母菌");
  ASSERT_TRUE(common.has_value());
  ASSERT_TRUE(rare.has_value());
  EXPECT_GT(common->frequency, rare->frequency);
  EXPECT_LT(common->frequency, dictionary.total_frequency());
  // Not words: a repetition, a proper prefix of longer words only, Latin.
  EXPECT_FALSE(dictionary.Find("研究研究研究研究").has_value());
  EXPECT_FALSE(dictionary.Find("").has_value());
  EXPECT_FALSE(dictionary.Find("abc").has_value());
}

TEST(CjkDictionaryTest, JiebaTagsMapToClasses) {
  EXPECT_EQ(ChineseWordClassOfTag("nr"), ChineseWordClass::kPersonName);
  EXPECT_EQ(ChineseWordClassOfTag("nrt"), ChineseWordClass::kPersonName);
  EXPECT_EQ(ChineseWordClassOfTag("nz"), ChineseWordClass::kNoun);
  EXPECT_EQ(ChineseWordClassOfTag("vn"), ChineseWordClass::kVerbalNoun);
  EXPECT_EQ(ChineseWordClassOfTag("v"), ChineseWordClass::kVerb);
  EXPECT_EQ(ChineseWordClassOfTag("uj"), ChineseWordClass::kParticle);
  EXPECT_EQ(ChineseWordClassOfTag("ul"), ChineseWordClass::kParticle);
  EXPECT_EQ(ChineseWordClassOfTag("mq"), ChineseWordClass::kMeasure);
  EXPECT_EQ(ChineseWordClassOfTag("m"), ChineseWordClass::kNumeral);
  EXPECT_EQ(ChineseWordClassOfTag("ad"), ChineseWordClass::kAdverb);
}

TEST(CjkDictionaryTest, CoversTheRunWithOffsetsFromBase) {
  for (std::string_view run : kSentences) {
    CjkDictionary::Scratch scratch;
    std::vector<CjkWord> words;
    CjkDictionary::Get().Segment(run, 100, &scratch, &words);
    ASSERT_FALSE(words.empty()) << run;
    EXPECT_EQ(words.front().begin, 100u);
    EXPECT_EQ(words.back().end, 100u + run.size());
    for (size_t i = 1; i < words.size(); ++i) EXPECT_EQ(words[i].begin, words[i - 1].end);
    // Real sentences come out as words, not characters.
    EXPECT_LT(words.size() * 3, CountCodePoints(run) * 2) << run;
  }
}

TEST(CjkDictionaryTest, WordsAreDictionaryWordsWithTheirClass) {
  const CjkDictionary& dictionary = CjkDictionary::Get();
  for (std::string_view run : kSentences) {
    const std::vector<CjkWord> words = Segment(run);
    const std::vector<std::string> texts = Texts(run, words);
    for (size_t i = 0; i < words.size(); ++i) {
      if (words[i].word_class == ChineseWordClass::kNewWord) {
        // Joined outside the dictionary: several characters, no function word.
        EXPECT_GE(CountCodePoints(texts[i]), 2u) << texts[i];
        continue;
      }
      const auto entry = dictionary.Find(texts[i]);
      if (!entry.has_value()) {
        EXPECT_EQ(CountCodePoints(texts[i]), 1u) << texts[i];
        continue;
      }
      EXPECT_EQ(entry->word_class, words[i].word_class) << texts[i];
    }
  }
}

TEST(CjkDictionaryTest, KnownCompoundsStayWhole) {
  // Words the dictionary lists come out whole wherever the most probable
  // path allows, not cut across ("货率" out of 退货率).
  const std::string run = "电商平台的退货率在今年第三季度明显上升";
  const std::vector<std::string> texts = Texts(run, Segment(run));
  EXPECT_NE(std::find(texts.begin(), texts.end(), "退货"), texts.end());
  EXPECT_EQ(std::find(texts.begin(), texts.end(), "货率"), texts.end());
  EXPECT_NE(std::find(texts.begin(), texts.end(), "电商"), texts.end());
}

TEST(CjkDictionaryTest, FunctionWordsAreNeverJoinedToUnknownWords) {
  for (std::string_view run : kSentences) {
    const std::vector<CjkWord> words = Segment(run);
    const std::vector<std::string> texts = Texts(run, words);
    for (size_t i = 0; i < words.size(); ++i) {
      if (words[i].word_class != ChineseWordClass::kNewWord) continue;
      for (size_t pos = 0; pos < texts[i].size();) {
        const size_t start = pos;
        DecodeUtf8(texts[i], &pos);
        const auto entry = CjkDictionary::Get().Find(texts[i].substr(start, pos - start));
        EXPECT_TRUE(!entry.has_value() || !IsFunction(entry->word_class)) << texts[i];
      }
    }
  }
}

TEST(CjkDictionaryTest, RunsOfRareCharactersBecomeWords) {
  // A transliterated name (made up) the dictionary does not list, of characters
  // that rarely stand alone: it is not left as a string of single pieces.
  const std::string name = "萨勒琳";
  const std::string run = "记者在萨勒琳采访了当地居民";
  ASSERT_FALSE(CjkDictionary::Get().Find(name).has_value());
  ASSERT_FALSE(CjkDictionary::Get().Find("萨勒").has_value());
  ASSERT_FALSE(CjkDictionary::Get().Find("勒琳").has_value());
  const size_t at = run.find(name);
  bool joined = false;
  for (const CjkWord& w : Segment(run)) {
    const bool overlaps = w.begin < at + name.size() && w.end > at;
    joined = joined || (overlaps && CountCodePoints(run.substr(w.begin, w.end - w.begin)) >= 2);
  }
  EXPECT_TRUE(joined);
}

TEST(CjkDictionaryTest, CommonCharactersAreNotGluedIntoNewWords) {
  // Single characters that are words of their own (a verb, a pronoun, a
  // conjunction) stay apart even where the dictionary path leaves them
  // single; only rare characters are joined.
  for (std::string_view run : kSentences) {
    const std::vector<CjkWord> words = Segment(run);
    for (const CjkWord& w : words) {
      if (w.word_class != ChineseWordClass::kNewWord) continue;
      const std::string_view text = run.substr(w.begin, w.end - w.begin);
      for (size_t pos = 0; pos < text.size();) {
        const size_t start = pos;
        DecodeUtf8(text, &pos);
        const auto entry = CjkDictionary::Get().Find(text.substr(start, pos - start));
        EXPECT_TRUE(!entry.has_value() || entry->frequency < 20000) << text;
      }
    }
  }
}

TEST(CjkDictionaryTest, CharactersOutsideTheBasicPlaneStayWhole) {
  // U+20BB7 (a rare Han character, four UTF-8 bytes) between common words.
  const std::string run = "中国\xF0\xA0\xAE\xB7人民";
  const std::vector<CjkWord> words = Segment(run);
  ASSERT_FALSE(words.empty());
  EXPECT_EQ(words.back().end, run.size());
  for (const CjkWord& w : words) {
    size_t pos = w.begin;
    while (pos < w.end) DecodeUtf8(run, &pos);
    EXPECT_EQ(pos, w.end) << "a word boundary splits a character";
  }
}

TEST(CjkDictionaryTest, UserWordsStayWhole) {
  const std::string run = "家用空调贯流风机内部偏心涡";
  ASSERT_FALSE(CjkDictionary::Get().Find("贯流风机").has_value());
  CjkUserWords user;
  EXPECT_TRUE(user.Add("贯流风机"));
  EXPECT_TRUE(user.Add("偏心涡"));
  EXPECT_FALSE(user.Add("fan"));  // no Han character
  EXPECT_FALSE(user.Add("涡"));   // a single character is no term
  EXPECT_EQ(user.size(), 2u);
  const std::vector<CjkWord> words = Segment(run, &user);
  const std::vector<std::string> texts = Texts(run, words);
  EXPECT_EQ(std::count(texts.begin(), texts.end(), "贯流风机"), 1);
  EXPECT_EQ(std::count(texts.begin(), texts.end(), "偏心涡"), 1);
  for (size_t i = 0; i < words.size(); ++i) {
    if (texts[i] == "贯流风机") {
      EXPECT_EQ(words[i].word_class, ChineseWordClass::kNewWord);
    }
  }
  std::string joined;
  for (const std::string& w : texts) joined += w;
  EXPECT_EQ(joined, run);
}

}  // namespace
}  // namespace newsflow::enrich

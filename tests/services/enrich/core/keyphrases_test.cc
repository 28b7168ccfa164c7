#include "services/enrich/core/keyphrases.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "services/enrich/core/unicode_text.h"
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

  // The display names of `tags`, best first.
  static std::vector<std::string> Names(const std::vector<ScoredTag>& tags) {
    std::vector<std::string> names;
    names.reserve(tags.size());
    for (const ScoredTag& t : tags) names.push_back(t.name);
    return names;
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

// Variants of one topic ("census", "1990 census", "census bureau") come after
// the other topics of the story instead of taking several of its first slots.
TEST_F(KeyphrasesTest, VariantsOfOneTopicDoNotCrowdOutOtherTopics) {
  const std::string text =
      "The census bureau said on Monday that the 1990 census missed millions of residents. "
      "Critics of the census said the census bureau had too few counters in rural towns. "
      "The 1990 census will decide how many seats each state holds in the House of Representatives. "
      "City mayors asked a federal judge to order a recount of the census. "
      "The judge set a hearing for April, and the mayors said the census bureau must hire more counters. "
      "Rural towns lose federal aid when residents go uncounted, the mayors said.";
  const auto tags = Tags("Mayors fight the 1990 census count", text, false);
  ASSERT_GE(tags.size(), 4u);
  int variants = 0;
  for (size_t i = 0; i < 4; ++i) {
    variants += tags[i].key.find("census") != std::string::npos ? 1 : 0;
  }
  const std::vector<std::string> names = Names(tags);
  EXPECT_LE(variants, 1) << ::testing::PrintToString(names);
  // "bureau" only ever stands in "census bureau": a piece, not a tag.
  EXPECT_FALSE(HasKey(tags, "bureau")) << ::testing::PrintToString(names);
}

// A long story that keeps saying "police brutality" is about police
// brutality: the phrase is a tag, and "brutality", which the story writes
// almost only inside it, is not one beside it. "police" modifies many
// phrases ("police union", "police chief", "police officers") and weighs
// only what it heads.
TEST_F(KeyphrasesTest, RepeatedPhraseOfALongStoryOutranksItsWords) {
  const std::string text =
      "Hundreds of marchers filled the streets of Riverton on Saturday to protest police "
      "brutality, two weeks after officers beat a delivery driver during a traffic stop. "
      "Mayor Ellen Park said the city would hire an outside monitor to review complaints of "
      "police brutality. \"We have heard the anger of this city,\" Park told reporters outside "
      "City Hall. The police union said its members had followed their training, and the police "
      "chief, Martin Hale, asked for patience while the state attorney reviewed the case. Video "
      "of the traffic stop, filmed by a passer-by, shows three police officers striking the "
      "driver, Samuel Ortiz, with batons. Ortiz, 34, was treated at Mercy Hospital for a broken "
      "arm and released on Friday. His lawyer, Denise Cole, said the police department had "
      "ignored earlier complaints against the same officers. \"This is not the first time,\" "
      "Cole said. \"Police brutality has been a pattern in this department for years.\" Civil "
      "rights groups said the march was the largest in Riverton since 1992. The police "
      "department has paid more than 4 million dollars to settle brutality lawsuits since 2015, "
      "according to city records. Council member Ray Duval said he would propose a civilian "
      "review board with the power to subpoena police records. The police union opposed the "
      "board, saying it would hurt morale among police officers. State senator Lena Ruiz said "
      "she would introduce a bill to ban chokeholds and require body cameras for all police "
      "officers. Organisers said they planned another march against police brutality next "
      "month. The police chief said two of the officers had been placed on leave.";
  const auto tags = Tags("Marchers demand end to police brutality in Riverton", text, false);
  const std::vector<std::string> names = Names(tags);
  const auto rank = [&](const std::string& key) {
    for (size_t i = 0; i < tags.size(); ++i) {
      if (tags[i].key == key) return i;
    }
    return tags.size();
  };
  EXPECT_LT(rank("polic brutal"), 5u) << ::testing::PrintToString(names);
  EXPECT_FALSE(HasKey(tags, "brutal")) << ::testing::PrintToString(names);
}

// A year opens a noun phrase ("the 1990 census") but is no tag alone, and
// the variants of one topic ("census", "1990 census", "Census Bureau")
// take at most two of the first slots of a news story.
TEST_F(KeyphrasesTest, VariantsOfOneNewsTopicTakeAtMostTwoSlots) {
  const std::string text =
      "The Census Bureau said on Tuesday that the 1990 census missed about 5 million people, "
      "most of them in large cities. Barbara Everitt Bryant, director of the Census Bureau, told "
      "a House panel that the bureau would not adjust the 1990 census count. \"We counted as "
      "many people as we could find,\" Bryant said. Mayors of New York, Los Angeles and Detroit "
      "said the undercount would cost their cities seats in Congress and federal aid. The 1990 "
      "census found 248.7 million residents, and the census bureau estimated the undercount at "
      "2.1 percent. David Dinkins, the mayor of New York, said the city would sue the Commerce "
      "Department, which oversees the census bureau. Census officials said a statistical "
      "adjustment could introduce new errors. A federal judge in Brooklyn will hear the case in "
      "June, lawyers for the cities said. Commerce Secretary Robert Mosbacher must decide by "
      "July whether to adjust the census figures. Critics said the 1990 census relied too much "
      "on mail forms, which many poor households never returned. Dinkins said the census count "
      "would shape federal spending for a decade.";
  const auto tags = Tags("Census bureau admits the 1990 census missed cities", text, false);
  const std::vector<std::string> names = Names(tags);
  EXPECT_TRUE(HasKey(tags, "1990 census")) << ::testing::PrintToString(names);
  EXPECT_FALSE(HasKey(tags, "1990")) << ::testing::PrintToString(names);
  ASSERT_GE(tags.size(), 6u);
  int variants = 0;
  for (size_t i = 0; i < 6; ++i) variants += tags[i].key.find("census") != std::string::npos ? 1 : 0;
  EXPECT_LE(variants, 2) << ::testing::PrintToString(names);
  EXPECT_GE(variants, 1) << ::testing::PrintToString(names);
}

TEST_F(KeyphrasesTest, NoTagIsAPieceOfALongerName) {
  const std::string text =
      "Wildfires forced thousands from their homes near Los Angeles on Tuesday. "
      "Firefighters in Los Angeles County said dry winds fanned the flames overnight. "
      "Schools across Los Angeles stayed closed, and the mayor of Los Angeles asked residents "
      "to avoid the hills. Power lines were cut to more than 20,000 homes.";
  const auto tags = Tags("Wildfires force evacuations", text, false);
  const std::vector<std::string> names = Names(tags);
  const auto has = [&](const char* name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  EXPECT_TRUE(has("Los Angeles")) << ::testing::PrintToString(names);
  EXPECT_FALSE(has("Los")) << ::testing::PrintToString(names);
  EXPECT_FALSE(has("Angeles")) << ::testing::PrintToString(names);
}

TEST_F(KeyphrasesTest, ANameThatOpensSentencesIsOneTag) {
  const std::string text =
      "Time Warner reported higher profits on Wednesday. Shares in Time Warner rose 3% in New York. "
      "Time Warner owns cable networks and a film studio. Analysts said Time Warner had cut costs, "
      "and New York investors welcomed the results.";
  const auto tags = Tags("Time Warner profits rise", text, false);
  const std::vector<std::string> names = Names(tags);
  const auto has = [&](const char* name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  EXPECT_TRUE(has("Time Warner")) << ::testing::PrintToString(names);
  EXPECT_FALSE(has("Warner")) << ::testing::PrintToString(names);
  EXPECT_FALSE(has("York")) << ::testing::PrintToString(names);
}

TEST_F(KeyphrasesTest, AnAmpersandJoinsANameAndAmountsAreNoTags) {
  const std::string text =
      "Marks & Spencer will pay a £42m windfall to its staff after profits rose to £2.6bn. "
      "Shares in Marks & Spencer rose 5%, while Tate & Lyle fell for the 3rd day. "
      "Analysts said Marks & Spencer had won back shoppers, and Tate & Lyle expects sugar prices "
      "to recover in the 2020s.";
  const auto tags = Tags("Marks & Spencer staff share £42m", text, false);
  const std::vector<std::string> names = Names(tags);
  const auto has = [&](const char* name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  EXPECT_TRUE(has("Marks & Spencer")) << ::testing::PrintToString(names);
  EXPECT_TRUE(has("Tate & Lyle")) << ::testing::PrintToString(names);
  for (const char* piece : {"Marks", "Spencer", "Tate", "Lyle"}) {
    EXPECT_FALSE(has(piece)) << piece << " " << ::testing::PrintToString(names);
  }
  for (const std::string& name : names) {
    EXPECT_FALSE(name[0] >= '0' && name[0] <= '9') << name;  // "42m", "2.6bn", "3rd", "2020s"
  }
  // Lowercase words around an ampersand are no name.
  const auto research = Tags("Research",
                             "Spending on research & development rose. The research & "
                             "development budget grew again this year.",
                             false);
  for (const auto& t : research) EXPECT_EQ(t.name.find('&'), std::string::npos) << t.name;
}

TEST_F(KeyphrasesTest, APhraseCapitalisedOnlyWhereItOpensASentenceReadsInLowerCase) {
  const std::string text =
      "Defence spending will rise by a fifth next year. Defence spending has not grown so fast since "
      "the war, and ministers said the defence budget would pay for new ships. Japanese shipyards "
      "hope to win orders. Japanese shipyards built most of the fleet's tankers.";
  const auto tags = Tags("Defence spending to rise", text, false);
  const std::vector<std::string> names = Names(tags);
  const auto has = [&](const char* name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  // "defence" is written in lower case elsewhere: the capital only opens
  // sentences. "Japanese" never is: it keeps its capital.
  EXPECT_TRUE(has("defence spending")) << ::testing::PrintToString(names);
  EXPECT_TRUE(has("Japanese shipyards")) << ::testing::PrintToString(names);
}

TEST_F(KeyphrasesTest, AHeadlineVerbAfterItsSubjectIsNoPartOfATag) {
  const std::string text =
      "The dairy group reported its results on Monday. Analysts were surprised by the figures, which "
      "beat forecasts. Shares rose in early trading as investors welcomed the news.";
  for (const char* title : {"Parmalat boasts doubled profits", "Hollywood hunts hits at Sundance"}) {
    const auto tags = Tags(title, text, false);
    const std::vector<std::string> names = Names(tags);
    for (const std::string& name : names) {
      EXPECT_EQ(name.find("boasts"), std::string::npos) << ::testing::PrintToString(names);
      EXPECT_EQ(name.find("hunts"), std::string::npos) << ::testing::PrintToString(names);
    }
  }
  // A verb after the -s form: the -s form is the subject's noun.
  const auto shares = Tags("Apple shares fall after results", text, false);
  bool apple_shares = false;
  for (const auto& t : shares) apple_shares = apple_shares || t.name == "Apple shares";
  EXPECT_TRUE(apple_shares);
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

TEST_F(KeyphrasesTest, ChineseTermsSplitIntoSingleCharactersStayWhole) {
  // The dictionary knows 核桃 but not 核桃壳: the term comes out as a word
  // plus a single character, and must still be found as one tag.
  const auto tags = Tags("",
                         "以核桃壳为原料制备活性炭。核桃壳活性炭可用作电极材料。"
                         "核桃壳来源广泛，价格低廉，核桃壳的利用值得研究。",
                         /*unspaced=*/true);
  ASSERT_FALSE(tags.empty());
  EXPECT_TRUE(HasKey(tags, "核桃壳"));
  for (const ScoredTag& tag : tags) EXPECT_GE(CountCodePoints(tag.name), 2u) << tag.name;
}

// Texts written for the Chinese tag tests: an online-retail story (退货率
// is not a dictionary word, so it is 退货 plus a character), a quantum
// computing story, and a drone story with numerals and measure words.
constexpr const char* kChineseStories[] = {
    "电商平台的退货率持续上升。商家表示，退货率高企让利润下降。"
    "为了降低退货率，平台调整了运费险规则。分析人士认为，退货率上升与直播带货有关。"
    "部分商家的退货率已经超过三成，平台正在研究新的退货政策。",
    "研究人员在量子计算机上运行了新的优化算法。这台量子计算机由一家初创公司研制。"
    "公司还推出了量子计算云平台，用户可以通过量子计算云平台提交任务。"
    "专家指出，量子计算的实用化仍需要数年时间。量子计算机的纠错是最大的难题。",
    "一架无人机一天可以完成三百亩农田的喷洒作业。农业无人机在新疆棉田得到广泛应用。"
    "农户说，使用无人机以后，每亩地的农药用量减少了两成。无人机企业计划明年扩大产能。",
};

// The tokens of `document` whose surfaces, joined, spell `name`, as
// [first, end) of the body; {0, 0} if no run of whole tokens does.
std::pair<size_t, size_t> WholeTokenRun(const Document& document, const std::string& name) {
  for (size_t first = 0; first < document.tokens.size(); ++first) {
    std::string joined;
    for (size_t end = first; end < document.tokens.size() && joined.size() < name.size(); ++end) {
      joined.append(document.Surface(document.tokens[end]));
      if (joined == name) return {first, end + 1};
    }
  }
  return {0, 0};
}

bool ClosedClass(ChineseWordClass c) {
  switch (c) {
    case ChineseWordClass::kParticle:
    case ChineseWordClass::kPreposition:
    case ChineseWordClass::kConjunction:
    case ChineseWordClass::kAdverb:
    case ChineseWordClass::kNumeral:
    case ChineseWordClass::kMeasure:
    case ChineseWordClass::kPronoun:
    case ChineseWordClass::kDirection:
      return true;
    default:
      return false;
  }
}

TEST_F(KeyphrasesTest, ChineseTagsAreWholeWords) {
  for (const char* story : kChineseStories) {
    const auto tags = Tags("", story, /*unspaced=*/true);
    ASSERT_GE(tags.size(), 3u) << story;
    for (const ScoredTag& tag : tags) {
      // Every tag is a run of whole segmented words: no piece cut out of
      // one ("货率" of 退货率).
      const auto [first, end] = WholeTokenRun(document_, tag.name);
      ASSERT_LT(first, end) << tag.name << " cuts a word";
      const Token& head = document_.tokens[end - 1];
      const Token& lead = document_.tokens[first];
      // Never a lone character, never closing on a function word, numeral
      // or measure word ("...上", "...的", "一天"), never opening on one.
      EXPECT_GE(CountCodePoints(tag.name), 2u) << tag.name;
      EXPECT_FALSE(ClosedClass(head.zh_class)) << tag.name;
      EXPECT_FALSE(ClosedClass(lead.zh_class)) << tag.name;
      EXPECT_FALSE(head.stop || lead.stop) << tag.name;
      // A verb never closes a tag, so never stands alone.
      EXPECT_TRUE(head.zh_class != ChineseWordClass::kVerb || head.bound) << tag.name;
    }
  }
}

TEST_F(KeyphrasesTest, ALetterWrittenAgainstAChineseTermIsPartOfIt) {
  const std::string text =
      "研究人员发现，T细胞在免疫反应中起关键作用。活化的T细胞可以识别并清除病毒感染的组织。"
      "新疗法通过改造T细胞来攻击肿瘤，已在多家医院开展临床试验。医生还用B超监测肿瘤大小。";
  const auto tags = Tags("T细胞疗法进入临床试验", text, /*unspaced=*/true);
  const std::vector<std::string> names = Names(tags);
  bool whole = false;
  for (const std::string& name : names) {
    whole = whole || name.starts_with("T细胞");
    // Never the Chinese tail of the term alone, never the letter alone.
    EXPECT_FALSE(name.starts_with("细胞")) << ::testing::PrintToString(names);
    EXPECT_NE(name, "B") << ::testing::PrintToString(names);
    EXPECT_NE(name, "T") << ::testing::PrintToString(names);
  }
  EXPECT_TRUE(whole) << ::testing::PrintToString(names);
}

TEST_F(KeyphrasesTest, AChinesePhraseWithAVerbInsideIsATagOnlyWhenItRecurs) {
  const std::string text =
      "图像识别技术近年来发展迅速。研究人员改进了图像识别技术的算法，识别准确率明显提高。"
      "多家医院开展临床试验，评估新算法在肿瘤诊断中的效果。专家认为，图像识别技术将改变医学影像诊断。";
  const auto tags = Tags("", text, /*unspaced=*/true);
  const std::vector<std::string> names = Names(tags);
  bool term = false;
  for (const std::string& name : names) {
    term = term || name == "图像识别技术";
    // Written once, "医院开展临床试验" is a clause.
    EXPECT_EQ(name.find("开展"), std::string::npos) << ::testing::PrintToString(names);
  }
  EXPECT_TRUE(term) << ::testing::PrintToString(names);
}

TEST_F(KeyphrasesTest, ChineseTermsOutsideTheDictionaryAreFoundWhole) {
  // 退货率 is 退货 plus a bound character; the town's name (made up) is not listed, nor are its parts.
  const auto tags = Tags("", kChineseStories[0], /*unspaced=*/true);
  EXPECT_TRUE(HasKey(tags, "退货率"));
  const std::string name = "萨勒琳";
  const auto town = Tags("",
                         "萨勒琳市议会通过了新的公交计划。萨勒琳的公交线路将增加到十条。"
                         "议员表示，萨勒琳居民每天通勤时间过长。萨勒琳公交公司将采购电动客车。",
                         /*unspaced=*/true);
  bool named = false;
  for (const ScoredTag& tag : town) {
    named = named || tag.name.find(name) != std::string::npos;
    // No tag holds part of the name without the rest.
    for (const std::string piece : {"萨勒", "勒琳"}) {
      if (tag.name.find(piece) != std::string::npos) {
        EXPECT_NE(tag.name.find(name), std::string::npos) << tag.name;
      }
    }
  }
  EXPECT_TRUE(named);
}

TEST_F(KeyphrasesTest, NestedChineseCompoundsTakeAtMostTwoSlots) {
  const auto tags = Tags("", kChineseStories[1], /*unspaced=*/true);
  // Tags whose text lies inside another's or holds another's form one
  // family; each family has at most two members, and a member inside a
  // higher-ranked one is not listed after it.
  for (size_t i = 0; i < tags.size(); ++i) {
    int related = 0;
    for (size_t j = 0; j < tags.size(); ++j) {
      if (i == j) continue;
      const bool inside = tags[j].name.find(tags[i].name) != std::string::npos;
      const bool holds = tags[i].name.find(tags[j].name) != std::string::npos;
      if (inside || holds) ++related;
      EXPECT_FALSE(inside && j < i) << tags[i].name << " inside " << tags[j].name;
    }
    EXPECT_LE(related, 1) << tags[i].name;
  }
}

// A short form that the text only ever writes inside a longer tag is a
// piece of it, not a second tag beside it.
TEST_F(KeyphrasesTest, ChinesePieceOfALongerTagIsNotATagBesideIt) {
  const char* text =
      "研究人员测试了新型贯流风机的噪声。贯流风机的叶轮采用了新的叶片形状。"
      "实验表明，贯流风机在低转速下噪声明显降低。空调厂商计划在明年使用这种贯流风机。"
      "专家认为，贯流风机的效率还可以继续提高，叶轮设计是关键。";
  const std::string_view view(text);
  const auto tags = Tags("", text, /*unspaced=*/true, {.max_tags = 10, .min_tags = 5});
  ASSERT_FALSE(tags.empty());
  const auto count = [&](std::string_view needle) {
    size_t n = 0;
    for (size_t at = view.find(needle); at != std::string_view::npos;
         at = view.find(needle, at + needle.size())) {
      ++n;
    }
    return n;
  };
  for (const ScoredTag& shorter : tags) {
    for (const ScoredTag& longer : tags) {
      if (longer.name.size() <= shorter.name.size() || longer.name.find(shorter.name) == std::string::npos) {
        continue;
      }
      EXPECT_LT(count(longer.name), count(shorter.name))
          << shorter.name << " stands only inside " << longer.name;
    }
  }
}

TEST_F(KeyphrasesTest, TitleContributesCandidates) {
  // "Tidal Turbines" occurs only in the title.
  const auto tags = Tags("Tidal turbines for the fjord",
                         "The council approved the plan on Monday. Engineers will install the "
                         "machines next spring. The council expects cheaper power for the fjord.",
                         false, {.max_tags = 20, .min_tags = 20});
  EXPECT_TRUE(HasKey(tags, "tidal turbin")) << ::testing::PrintToString(tags.size());
}

TEST_F(KeyphrasesTest, TechnicalTextPrefersMultiWordTerms) {
  // No names: topics are multi-word terms, which outrank their single words.
  const auto tags = Tags("Sparse matrix reordering for parallel solvers",
                         "We study sparse matrix reordering for parallel solvers. A new sparse "
                         "matrix reordering heuristic reduces fill-in. Experiments with parallel "
                         "solvers show that the heuristic lowers memory use of sparse matrix "
                         "factorization.",
                         false);
  ASSERT_FALSE(tags.empty());
  EXPECT_NE(tags.front().key.find(' '), std::string::npos) << tags.front().name;
}

TEST_F(KeyphrasesTest, EnglishCandidatesAreNounPhrases) {
  const auto tags = Tags("",
                         "The article reviews the literature on acquiring out-of-print materials. "
                         "Libraries need out-of-print materials to replace damaged copies. The "
                         "proposed method efficiently reduces costs of non-uniform sampling.",
                         false, {.max_tags = 30, .min_tags = 30});
  EXPECT_TRUE(HasKey(tags, "out of print materi") || HasKey(tags, "out-of-print materi"))
      << ::testing::PrintToString(tags.size());
  for (const ScoredTag& tag : tags) {
    // No verb-led, adjective-ended or cut-compound candidates.
    EXPECT_EQ(tag.name.find("reviews"), std::string::npos) << tag.name;
    EXPECT_EQ(tag.name.find("acquiring"), std::string::npos) << tag.name;
    EXPECT_EQ(tag.name.find("reduces"), std::string::npos) << tag.name;
    EXPECT_NE(tag.name, "damaged");
    EXPECT_NE(tag.name, "non");
    EXPECT_NE(tag.name, "print");
  }
}

TEST_F(KeyphrasesTest, TechnicalTextPrefersTermsToGenericWords) {
  const auto tags = Tags("A method for linear matrix inequalities",
                         "We present a method for solving linear matrix inequalities. The method "
                         "uses interior point iterations. Results show that the method solves "
                         "linear matrix inequalities faster than previous methods.",
                         false);
  ASSERT_FALSE(tags.empty());
  EXPECT_EQ(tags.front().name, "linear matrix inequalities");
  for (size_t i = 0; i < std::min<size_t>(tags.size(), 3); ++i) EXPECT_NE(tags[i].key, "method");
}

TEST_F(KeyphrasesTest, StreamStatisticsDemoteCommonWords) {
  TermStatistics statistics;
  EXPECT_EQ(statistics.Confidence(), 0.0);
  // "market" is in every article of the stream, "lighthouse" only in one.
  for (int i = 0; i < 40; ++i) {
    Tags(
        "",
        "The market opened early. Traders watched the market and the ferry number " + std::to_string(i) + ".",
        false);
    statistics.Add(document_);
  }
  EXPECT_GT(statistics.Confidence(), 0.3);
  EXPECT_LT(statistics.Specificity("market"), 0.1);
  EXPECT_EQ(statistics.Specificity("lighthous"), 1.0);
  const std::string text =
      "The market rose. The market fell. The market rose again. A lighthouse keeper watched the "
      "lighthouse.";
  Tags("", text, false);
  statistics.Add(document_);
  const auto plain = ExtractKeyphrases(document_, {.max_tags = 5, .min_tags = 2});
  const auto tags = ExtractKeyphrases(document_, {.max_tags = 5, .min_tags = 2}, &statistics);
  const auto score = [](const std::vector<ScoredTag>& list, const std::string& key) {
    const auto it = std::find_if(list.begin(), list.end(), [&](const ScoredTag& t) { return t.key == key; });
    return it == list.end() ? 0.0 : it->score;
  };
  ASSERT_TRUE(HasKey(plain, "lighthous"));
  ASSERT_TRUE(HasKey(tags, "lighthous"));
  ASSERT_TRUE(HasKey(plain, "market"));
  // "market" is repeated more often here, but the stream has seen it
  // everywhere: relative to it, "lighthouse" gains much.
  const double before = score(plain, "lighthous") / score(plain, "market");
  const double after = score(tags, "lighthous") / std::max(score(tags, "market"), 1e-9);
  EXPECT_GT(after, 1.5 * before);
}

TEST_F(KeyphrasesTest, StatisticsStayBounded) {
  TermStatistics statistics(/*max_terms=*/8);
  for (int i = 0; i < 20; ++i) {
    Tags("", "Alpha beta gamma delta epsilon zeta eta theta iota kappa lambda.", false);
    statistics.Add(document_);
  }
  // Eleven words overflow eight slots: counts are halved and forgotten.
  EXPECT_LT(statistics.documents(), 20.0);
  EXPECT_GE(statistics.Specificity("alpha"), 0.0);
  EXPECT_LE(statistics.Specificity("alpha"), 1.0);
}

}  // namespace
}  // namespace newsflow::enrich

namespace newsflow::enrich {
namespace {

TEST_F(KeyphrasesTest, DottedAcronymsReadWithoutDots) {
  const auto tags = Tags("U.S. tariffs hit U.K. exporters",
                         "The U.S. raised tariffs again. Exporters in the U.K. said the U.S. "
                         "tariffs hurt. U.S. officials defended the tariffs, and U.K. ministers "
                         "asked the U.S. for talks on tariffs.",
                         false);
  bool us = false;
  for (const ScoredTag& tag : tags) {
    EXPECT_EQ(tag.name.find('.'), std::string::npos) << tag.name;
    if (tag.name == "US") {
      us = true;
      EXPECT_EQ(tag.key, "us");
    }
  }
  EXPECT_TRUE(us) << ::testing::PrintToString(tags.size());
}

// Texts written for these tests: a name of several capitalised words, with
// or without particles, and clauses whose verbs look like nouns.
constexpr char kCityTitle[] = "Volunteers plant trees across Los Angeles";
constexpr char kCityArticle[] =
    "Volunteers plant native saplings across Los Angeles this weekend. The Los Angeles "
    "parks department said the saplings need little water. Grid operators struggle to power "
    "new charging stations in Los Angeles, and crude inventories build as drivers stay home. "
    "The Bank of England kept rates steady while euro zone inflation settles. Economists at "
    "the Bank of England expect slower growth. Japanese exporters welcomed the weaker yen, "
    "and the yen fell again on Friday. Officials in Los Angeles planted more saplings near "
    "the river, where the saplings will shade the path.";

TEST_F(KeyphrasesTest, CapitalisedNamesStayWhole) {
  const auto tags = Tags(kCityTitle, kCityArticle, false, {.max_tags = 30, .min_tags = 30});
  bool los_angeles = false;
  bool bank = false;
  for (const ScoredTag& tag : tags) {
    los_angeles = los_angeles || tag.name == "Los Angeles";
    bank = bank || tag.name == "Bank of England";
    // No piece of a longer name that the text writes.
    for (const char* piece : {"Los", "Angeles", "Bank", "England", "Bank of", "of England"}) {
      EXPECT_NE(tag.name, piece);
    }
  }
  EXPECT_TRUE(los_angeles);
  EXPECT_TRUE(bank);
}

TEST_F(KeyphrasesTest, EnglishTagsHoldNoVerbs) {
  const auto tags = Tags(kCityTitle, kCityArticle, false, {.max_tags = 30, .min_tags = 30});
  ASSERT_GE(tags.size(), 5u);
  for (const ScoredTag& tag : tags) {
    // Predicates and verbs taking an object.
    for (const char* word :
         {"struggle", "build", "settles", "planted", "fell", "kept", "expect", "welcomed"}) {
      EXPECT_EQ((" " + tag.name + " ").find(std::string(" ") + word + " "), std::string::npos) << tag.name;
    }
    EXPECT_NE(tag.name, "Volunteers plant");
    // Bare adjectives.
    EXPECT_NE(tag.name, "Japanese");
    EXPECT_NE(tag.name, "steady");
    EXPECT_NE(tag.name, "weaker");
  }
  EXPECT_TRUE(HasKey(tags, "sapl") || HasKey(tags, "nativ sapl")) << tags.front().name;
  EXPECT_TRUE(HasKey(tags, "grid oper")) << tags.front().name;
}

}  // namespace
}  // namespace newsflow::enrich

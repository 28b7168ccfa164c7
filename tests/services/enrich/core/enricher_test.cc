#include "services/enrich/core/enricher.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "services/enrich/core/stopwords.h"
#include "services/enrich/core/unicode_text.h"
#include "tests/services/enrich/core/test_articles.h"

namespace newsflow::enrich {
namespace {

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(EnricherTest, EnrichesEnglishArticle) {
  Enricher enricher(EnrichOptions{});
  ASSERT_TRUE(enricher.init_status().ok());
  const EnrichResult result = enricher.Enrich(testing::kRobotTitle, testing::kRobotArticle);
  EXPECT_EQ(result.language, "en");
  EXPECT_TRUE(result.language_reliable);
  EXPECT_GE(result.tags.size(), 5u);
  EXPECT_LE(result.tags.size(), 8u);
  EXPECT_EQ(result.summary.size(), 3u);
  EXPECT_GE(result.key_points.size(), 3u);
  EXPECT_LE(result.key_points.size(), 5u);
  EXPECT_NE(result.fingerprint, 0u);
}

TEST(EnricherTest, TraditionalChineseGetsTheTagKeysOfSimplifiedAndItsOwnScript) {
  const std::string traditional_title = "臺灣電動車產業加速發展";
  const std::string traditional =
      "臺灣的電動車產業近年快速發展，多家廠商投入電池研發。電動車銷量持續成長，電池技術成為競爭關鍵。"
      "政府推出補助計畫，鼓勵民眾購買電動車，並在各地增設充電站。業者表示，充電站數量不足仍是電動車"
      "普及的最大障礙。";
  const std::string simplified_title = "台湾电动车产业加速发展";
  const std::string simplified =
      "台湾的电动车产业近年快速发展，多家厂商投入电池研发。电动车销量持续成长，电池技术成为竞争关键。"
      "政府推出补助计画，鼓励民众购买电动车，并在各地增设充电站。业者表示，充电站数量不足仍是电动车"
      "普及的最大障碍。";
  Enricher enricher(EnrichOptions{.max_tags = 5, .min_tags = 5, .summary_sentences = 2});
  const EnrichResult t = enricher.Enrich(traditional_title, traditional);
  Enricher fresh(EnrichOptions{.max_tags = 5, .min_tags = 5, .summary_sentences = 2});
  const EnrichResult s = fresh.Enrich(simplified_title, simplified);
  ASSERT_EQ(t.language, "zh");
  ASSERT_FALSE(t.tags.empty());
  std::vector<std::string> t_keys;
  std::vector<std::string> s_keys;
  for (const ScoredTag& tag : t.tags) {
    t_keys.push_back(tag.key);
    // Shown as the article writes it.
    EXPECT_TRUE(traditional.find(tag.name) != std::string::npos ||
                traditional_title.find(tag.name) != std::string::npos)
        << tag.name;
  }
  for (const ScoredTag& tag : s.tags) s_keys.push_back(tag.key);
  EXPECT_EQ(t_keys, s_keys);
  ASSERT_FALSE(t.summary.empty());
  for (const std::string& sentence : t.summary) {
    EXPECT_NE(traditional.find(sentence), std::string::npos) << sentence;
  }
}

TEST(EnricherTest, DetectsTheLanguageOfEachField) {
  Enricher enricher(EnrichOptions{});
  ASSERT_TRUE(enricher.init_status().ok());
  // A Chinese body under an English title (an international feed).
  EnrichResult mixed = enricher.Enrich(testing::kRobotTitle, testing::kChineseArticle);
  EXPECT_EQ(mixed.title_language, "en");
  EXPECT_EQ(mixed.body_language, "zh");
  EXPECT_EQ(mixed.language, "zh");
  EXPECT_TRUE(mixed.language_reliable);
  // Both fields in English.
  EnrichResult english = enricher.Enrich(testing::kRobotTitle, testing::kRobotArticle);
  EXPECT_EQ(english.title_language, "en");
  EXPECT_EQ(english.body_language, "en");
  // No body: the title stands for the article and the body has no language.
  EnrichResult title_only = enricher.Enrich(testing::kRobotTitle, "");
  EXPECT_EQ(title_only.title_language, "en");
  EXPECT_EQ(title_only.body_language, "und");
  EXPECT_EQ(title_only.language, "en");
  // A headline made mostly of names, which CLD2 alone reads as Tatar, is read
  // in the light of its English body.
  EXPECT_EQ(enricher.Enrich("Yukos loses US bankruptcy battle", testing::kRobotArticle).title_language, "en");
  // No title.
  EnrichResult no_title = enricher.Enrich("", testing::kChineseArticle);
  EXPECT_EQ(no_title.title_language, "und");
  EXPECT_EQ(no_title.body_language, "zh");
}

TEST(EnricherTest, EuropeanLanguagesGetTheirOwnStopWords) {
  Enricher enricher(EnrichOptions{});
  const EnrichResult french = enricher.Enrich(
      "La ville de Lyon lance un plan pour les autobus électriques",
      "La ville de Lyon a présenté mardi un plan de vingt millions d'euros pour les autobus "
      "électriques. Selon la mairie, les nouvelles lignes relieront la gare aux universités "
      "d'ici à la fin de l'année prochaine. Les associations d'usagers saluent une décision "
      "attendue, mais les commerçants du centre craignent des travaux trop longs. Le maire a "
      "promis que les travaux seraient menés par étapes. Les autobus électriques représentent "
      "déjà un tiers de la flotte de la métropole, et la région participera au financement.");
  EXPECT_EQ(french.language, "fr");
  ASSERT_GE(french.tags.size(), 3u);
  for (const ScoredTag& tag : french.tags) {
    std::string lower;
    ToLower(tag.name, &lower);
    EXPECT_FALSE(IsStopWord("fr", lower)) << tag.name;
    EXPECT_EQ(tag.name.find('\''), std::string::npos) << tag.name;
  }
}

TEST(EnricherTest, BoilerplateNeverInKeyPointsOrSummary) {
  Enricher enricher(EnrichOptions{.key_points = 10});
  const EnrichResult result = enricher.Enrich(testing::kRobotTitle, testing::kRobotArticle);
  ASSERT_FALSE(result.key_points.empty());
  for (const auto* list : {&result.key_points, &result.summary}) {
    for (const std::string& sentence : *list) {
      EXPECT_FALSE(Contains(sentence, "See also")) << sentence;
      EXPECT_FALSE(Contains(sentence, "Want to learn more")) << sentence;
      EXPECT_FALSE(Contains(sentence, "Check out")) << sentence;
      EXPECT_FALSE(Contains(sentence, "Click here")) << sentence;
    }
  }
}

TEST(EnricherTest, SummaryKeepsReadingOrder) {
  Enricher enricher(EnrichOptions{.summary_sentences = 4});
  const std::string text = testing::kRobotArticle;
  const EnrichResult result = enricher.Enrich("", text);
  ASSERT_EQ(result.summary.size(), 4u);
  size_t previous = 0;
  for (const std::string& sentence : result.summary) {
    const size_t at = text.find(sentence);
    ASSERT_NE(at, std::string::npos) << sentence;
    EXPECT_GE(at, previous);
    previous = at;
  }
}

TEST(EnricherTest, OptionsAreRespected) {
  Enricher enricher(EnrichOptions{.max_tags = 3, .min_tags = 2, .summary_sentences = 1, .key_points = 2});
  const EnrichResult result = enricher.Enrich(testing::kRobotTitle, testing::kRobotArticle);
  EXPECT_LE(result.tags.size(), 3u);
  EXPECT_GE(result.tags.size(), 2u);
  EXPECT_EQ(result.summary.size(), 1u);
  EXPECT_EQ(result.key_points.size(), 2u);
}

TEST(EnricherTest, SanitizesOptions) {
  const EnrichOptions options =
      SanitizeOptions(EnrichOptions{.max_tags = 4, .min_tags = 9, .summary_sentences = -2});
  EXPECT_EQ(options.min_tags, 4);
  EXPECT_EQ(options.summary_sentences, 0);
}

TEST(EnricherTest, ChineseArticleGetsChineseOutput) {
  Enricher enricher(EnrichOptions{});
  const EnrichResult result = enricher.Enrich("杭州充电网络建设", testing::kChineseArticle);
  EXPECT_EQ(result.language, "zh");
  ASSERT_FALSE(result.tags.empty());
  ASSERT_FALSE(result.summary.empty());
  for (const std::string& sentence : result.summary) EXPECT_TRUE(sentence.ends_with("。"));
  for (const ScoredTag& tag : result.tags) EXPECT_EQ(tag.name.find(' '), std::string::npos);
}

TEST(EnricherTest, NearDuplicateArticlesHaveCloseFingerprints) {
  Enricher enricher(EnrichOptions{});
  std::string edited = testing::kRobotArticle;
  edited.replace(edited.find("Monday"), 6, "Tuesday");
  const uint64_t a = enricher.Enrich("", testing::kRobotArticle).fingerprint;
  const uint64_t b = enricher.Enrich("", edited).fingerprint;
  const uint64_t c = enricher.Enrich("", testing::kChineseArticle).fingerprint;
  EXPECT_LE(FingerprintDistance(a, b), 8);
  EXPECT_GT(FingerprintDistance(a, c), FingerprintDistance(a, b));
}

TEST(EnricherTest, EmptyInputGivesEmptyResult) {
  Enricher enricher(EnrichOptions{});
  const EnrichResult result = enricher.Enrich("", "   \n");
  EXPECT_EQ(result.language, "und");
  EXPECT_TRUE(result.tags.empty());
  EXPECT_TRUE(result.summary.empty());
}

TEST(EnricherTest, TitleOnlyStillGetsTags) {
  Enricher enricher(EnrichOptions{});
  const EnrichResult result = enricher.Enrich("Kestrel Robotics opens drone factory", "");
  EXPECT_FALSE(result.tags.empty());
}

TEST(EnricherTest, CategoryRulesAddTagsOnTop) {
  EnrichOptions options;
  options.categories = {
      {.tag = "Semiconductors", .keywords = {"chip", "芯片"}, .pattern = ""},
      {.tag = "Ports", .keywords = {}, .pattern = R"(\bharbou?rs?\b)"},
      {.tag = "Weather", .keywords = {"storm"}, .pattern = ""},
  };
  Enricher enricher(options);
  const auto categories = [](const EnrichResult& r) {
    std::vector<std::string> out;
    for (const ScoredTag& t : r.tags) {
      if (t.category) out.push_back(t.name);
    }
    return out;
  };
  EnrichResult english = enricher.Enrich(
      "Harbour cranes", "The Harbour authority ordered a new chip for its cranes. Rain is forecast.");
  EXPECT_EQ(categories(english), (std::vector<std::string>{"Semiconductors", "Ports"}));
  for (const ScoredTag& t : english.tags) {
    if (t.category) {
      EXPECT_EQ(t.score, 1.0);
    }
  }
  // Whole words only for Latin keywords: "chipmunk" is not "chip".
  EXPECT_TRUE(categories(enricher.Enrich("", "A chipmunk crossed the road at noon today.")).empty());
  // Chinese keywords match inside text without spaces.
  EXPECT_EQ(categories(enricher.Enrich("", "国产芯片市场份额预计明年大幅提升。")),
            std::vector<std::string>{"Semiconductors"});
}

// Patterns run on untrusted article text: a nested quantifier that makes a
// backtracking engine take exponential time on a near-match must finish at
// once (RE2 is linear in the text), and still match where it should.
TEST(EnricherTest, CategoryPatternIsLinearOnHostileText) {
  EnrichOptions options;
  options.categories = {{.tag = "Nested", .keywords = {}, .pattern = R"((x+x+)+y)"}};
  Enricher enricher(options);
  const std::string hostile = "The log read " + std::string(5000, 'x') + " and then stopped.";
  const auto start = std::chrono::steady_clock::now();
  const EnrichResult r = enricher.Enrich("", hostile);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  for (const ScoredTag& t : r.tags) EXPECT_FALSE(t.category) << t.name;
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  const EnrichResult hit = enricher.Enrich("", "The log read xxxy and then stopped at noon today.");
  EXPECT_TRUE(std::any_of(hit.tags.begin(), hit.tags.end(),
                          [](const ScoredTag& t) { return t.category && t.name == "Nested"; }));
}

TEST(EnricherTest, InvalidCategoryPatternIsSkipped) {
  EnrichOptions options;
  options.categories = {{.tag = "Broken", .keywords = {}, .pattern = "(unclosed"},
                        {.tag = "Ok", .keywords = {"ferry"}, .pattern = ""}};
  Enricher enricher(options);
  const EnrichResult r = enricher.Enrich("", "The ferry left at noon (unclosed bracket.");
  std::vector<std::string> names;
  for (const ScoredTag& t : r.tags) {
    if (t.category) names.push_back(t.name);
  }
  EXPECT_EQ(names, std::vector<std::string>{"Ok"});
}

TEST(EnricherTest, SummaryKeepsToACharacterBudget) {
  const EnrichResult full = Enricher(EnrichOptions{}).Enrich(testing::kRobotTitle, testing::kRobotArticle);
  ASSERT_EQ(full.summary.size(), 3u);
  size_t full_chars = 0;
  for (const std::string& sentence : full.summary) full_chars += CountCodePoints(sentence);
  // A budget below the full summary drops sentences until it fits.
  EnrichOptions options;
  options.summary_max_chars = static_cast<int>(full_chars) - 1;
  const EnrichResult shorter = Enricher(options).Enrich(testing::kRobotTitle, testing::kRobotArticle);
  ASSERT_FALSE(shorter.summary.empty());
  ASSERT_LT(shorter.summary.size(), 3u);
  size_t chars = 0;
  for (const std::string& sentence : shorter.summary) chars += CountCodePoints(sentence);
  EXPECT_LE(chars, full_chars - 1);
  // A budget below any sentence still leaves one.
  options.summary_max_chars = 5;
  EXPECT_EQ(Enricher(options).Enrich(testing::kRobotTitle, testing::kRobotArticle).summary.size(), 1u);
}

// A long article of varied sentences, `bytes` long.
std::string HugeArticle(size_t bytes, bool chinese) {
  const char* const english[] = {"harbour",  "authority", "reported", "cargo",    "ships",
                                 "arriving", "northern",  "port",     "minister", "said",
                                 "trade",    "growth",    "exports"};
  const char* const han[] = {"经济", "发展", "政府", "官员", "市场", "政策", "消费", "增长", "改革"};
  std::string text;
  uint32_t state = 12345;
  const auto next = [&] { return state = state * 1103515245u + 12345u; };
  while (text.size() < bytes) {
    const int words = 8 + static_cast<int>(next() >> 16) % 16;
    for (int w = 0; w < words; ++w) {
      if (chinese) {
        text += han[(next() >> 16) % 9];
      } else {
        text += english[(next() >> 16) % 13];
        text += ' ';
      }
    }
    text += chinese ? "\u3002" : "now.";
    text += (next() >> 16) % 6 == 0 ? "\n" : " ";
  }
  return text;
}

TEST(EnricherTest, MultiMegabyteArticlesEnrichInBoundedTime) {
  Enricher enricher(EnrichOptions{});
  for (bool chinese : {false, true}) {
    const std::string text = HugeArticle(chinese ? (1u << 20) : (8u << 20), chinese);
    const auto start = std::chrono::steady_clock::now();
    const EnrichResult result = enricher.Enrich("Huge", text);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(result.language, chinese ? "zh" : "en");
    EXPECT_FALSE(result.tags.empty());
    EXPECT_EQ(result.summary.size(), 3u);
    // Uncapped, the all-pairs sentence graph took many seconds (and GBs).
    EXPECT_LT(elapsed, std::chrono::seconds(5)) << (chinese ? "chinese" : "english");
  }
}

TEST(EnricherTest, OnlyTheCappedTextIsAnalysed) {
  EnrichOptions options;
  options.max_text_bytes = 4096;
  Enricher enricher(options);
  const std::string text = HugeArticle(4000, false) + "\nZanzibar zanzibar Zanzibar zanzibar.";
  const EnrichResult capped = enricher.Enrich("", text + std::string(2000, ' ') + text);
  for (const auto& tag : capped.tags) EXPECT_NE(tag.key, "zanzibar");
}

TEST(EnricherTest, DeadlinePassedStopsWithDeadlineExceeded) {
  Enricher enricher(EnrichOptions{});
  auto result = enricher.Enrich(testing::kRobotTitle, testing::kRobotArticle,
                                std::chrono::steady_clock::now() - std::chrono::milliseconds(1));
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(absl::IsDeadlineExceeded(result.status())) << result.status();
  auto in_time = enricher.Enrich(testing::kRobotTitle, testing::kRobotArticle,
                                 std::chrono::steady_clock::now() + std::chrono::seconds(30));
  ASSERT_TRUE(in_time.ok()) << in_time.status();
  EXPECT_FALSE(in_time->tags.empty());
}

}  // namespace
}  // namespace newsflow::enrich

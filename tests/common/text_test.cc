#include "common/util/text.h"

#include <string>

#include <gtest/gtest.h>

namespace newsflow {
namespace {

struct TextCase {
  std::string input;
  std::string expected;
};

class TagKeyTest : public ::testing::TestWithParam<TextCase> {};

TEST_P(TagKeyTest, Normalises) { EXPECT_EQ(TagKey(GetParam().input), GetParam().expected); }

INSTANTIATE_TEST_SUITE_P(
    Cases, TagKeyTest,
    ::testing::Values(TextCase{"Export  Controls", "export control"},  // plural head made singular
                      TextCase{"  Shanghai\t", "shanghai"},
                      TextCase{"AI\n\nChips", "ai chips"},  // "chips" is a noun lemma of its own
                      TextCase{"人工智能", "人工智能"},
                      TextCase{"經濟", "经济"},  // traditional and simplified share a key
                      TextCase{"臺灣 AI晶片", "台湾 ai晶片"}, TextCase{"ÉCOLE Française", "école française"},
                      TextCase{"Straße", "strasse"},  // full case folding
                      TextCase{"ΣΟΦΙΑ", "σοφια"}, TextCase{"", ""}, TextCase{" \t\r\n", ""}));

// English tags for one concept share a key across articles.
TEST(TagKeyTest, EnglishVariantsShareAKey) {
  // Dotted acronyms.
  EXPECT_EQ(TagKey("U.S."), TagKey("US"));
  EXPECT_EQ(TagKey("U.S"), TagKey("US"));
  // Abbreviations and the name they are the initials of.
  EXPECT_EQ(TagKey("US"), "united states");
  EXPECT_EQ(TagKey("USA"), "united states");
  EXPECT_EQ(TagKey("United States"), "united states");
  EXPECT_EQ(TagKey("EU"), "european union");
  EXPECT_EQ(TagKey("UN"), "united nations");
  EXPECT_EQ(TagKey("UK"), "united kingdom");
  EXPECT_EQ(TagKey("U.S. tariffs"), TagKey("US tariff"));
  // The plural of a head noun.
  EXPECT_EQ(TagKey("subsidies"), TagKey("subsidy"));
  EXPECT_EQ(TagKey("Farm Subsidies"), "farm subsidy");
  EXPECT_EQ(TagKey("crude inventories"), "crude inventory");
  EXPECT_EQ(TagKey("data centres"), TagKey("data centre"));
}

TEST(TagKeyTest, EnglishNamesAndNounsOfTheirOwnStay) {
  // Other members of a synset are not abbreviations of its name.
  EXPECT_EQ(TagKey("America"), "america");
  EXPECT_EQ(TagKey("Europe"), "europe");
  // Plural-looking nouns and names.
  EXPECT_EQ(TagKey("news"), "news");
  EXPECT_EQ(TagKey("physics"), "physics");
  EXPECT_EQ(TagKey("Athens"), "athens");
  EXPECT_EQ(TagKey("Los Angeles"), "los angeles");
  EXPECT_EQ(TagKey("Glass"), "glass");
  // Only the head noun changes.
  EXPECT_EQ(TagKey("Sports Car"), "sports car");
  // Not English: untouched.
  EXPECT_EQ(TagKey("Kräfte"), "kräfte");
}

TEST(TagKeyTest, IsIdempotent) {
  for (const char* name :
       {"Export  Controls", "Straße", "人工智能 AI", "臺灣經濟", "U.S.", "USA", "EU subsidies",
        "U.N. agencies", "Los Angeles", "news", "Farm Subsidies", "data centres", "mice", "Athens"}) {
    EXPECT_EQ(TagKey(TagKey(name)), TagKey(name)) << name;
  }
}

TEST(CapTextTest, CutsAtALineOrSentenceEndElseACharacterBoundary) {
  EXPECT_EQ(CapText("short", 100), "short");
  const std::string lines = std::string(90, 'a') + "\n" + std::string(50, 'b');
  EXPECT_EQ(CapText(lines, 100), std::string(90, 'a') + "\n");
  const std::string sentences = std::string(80, 'a') + ". " + std::string(50, 'b');
  EXPECT_EQ(CapText(sentences, 100), std::string(80, 'a') + ".");
  // "中" is 3 bytes: never cut inside one.
  std::string han;
  for (int i = 0; i < 40; ++i) han += "\u4E2D";
  EXPECT_EQ(CapText(han, 100).size(), 99u);
  const std::string chinese = std::string(80, 'a') + "\u3002" + han;
  EXPECT_EQ(CapText(chinese, 100), std::string(80, 'a') + "\u3002");
}

}  // namespace
}  // namespace newsflow

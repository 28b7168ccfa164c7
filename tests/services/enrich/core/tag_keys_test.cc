#include "services/enrich/core/tag_keys.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/util/text.h"
#include "services/enrich/core/enricher.h"

namespace newsflow::enrich {
namespace {

std::vector<std::string> Names(const std::vector<ScoredTag>& tags) {
  std::vector<std::string> names;
  for (const ScoredTag& tag : tags) names.push_back(tag.name);
  return names;
}

TEST(TagKeysTest, EveryTagGetsThePublishedKeyOfItsName) {
  std::vector<ScoredTag> tags = {{.name = "Export Controls", .key = "export control", .score = 1.0},
                                 {.name = "經濟", .key = "經濟", .score = 0.5}};
  CanonicalizeTagKeys(&tags);
  ASSERT_EQ(tags.size(), 2u);
  EXPECT_EQ(tags[0].key, TagKey("Export Controls"));
  EXPECT_EQ(tags[1].key, TagKey("经济"));
}

TEST(TagKeysTest, TwoFormsOfOneNameInOneArticleAreOneTagUnderTheBetterRankedName) {
  std::vector<ScoredTag> tags = {
      {.name = "U.S.", .key = "us", .score = 1.0},
      {.name = "tariffs", .key = "tariff", .score = 0.8},
      {.name = "United States", .key = "unit state", .score = 0.6},
  };
  CanonicalizeTagKeys(&tags);
  EXPECT_EQ(Names(tags), (std::vector<std::string>{"U.S.", "tariffs"}));
  EXPECT_EQ(tags[0].key, TagKey("United States"));
}

TEST(TagKeysTest, AnAcronymTakesTheKeyOfTheNameWhoseInitialsItIsInTheSameArticle) {
  std::vector<ScoredTag> tags = {
      {.name = "Securities and Exchange Commission", .key = "", .score = 1.0},
      {.name = "fraud", .key = "", .score = 0.9},
      {.name = "SEC", .key = "", .score = 0.7},
      {.name = "Deutsche Bank", .key = "", .score = 0.6},
  };
  CanonicalizeTagKeys(&tags);
  EXPECT_EQ(Names(tags),
            (std::vector<std::string>{"Securities and Exchange Commission", "fraud", "Deutsche Bank"}));
  EXPECT_EQ(tags[0].key, TagKey("Securities and Exchange Commission"));
  // Alone, an acronym keeps its own key; initials of lowercase words or of a
  // single word are no name.
  std::vector<ScoredTag> alone = {{.name = "SEC", .score = 1.0},
                                  {.name = "solar energy cells", .score = 0.5},
                                  {.name = "Sec", .score = 0.4}};
  CanonicalizeTagKeys(&alone);
  ASSERT_EQ(alone.size(), 2u);  // "Sec" folds to the key of "SEC"
  EXPECT_EQ(alone[0].key, TagKey("SEC"));
  EXPECT_EQ(alone[1].key, TagKey("solar energy cells"));
}

TEST(TagKeysTest, ArticlesWritingANameDifferentlyGetOneKey) {
  Enricher enricher(EnrichOptions{});
  const EnrichResult a = enricher.Enrich(
      "U.S. trade talks resume",
      "The U.S. said on Monday that trade talks with Canada would resume. Officials in the U.S. expect "
      "progress on tariffs, and the U.S. wants lumber duties cut before the summer.");
  const EnrichResult b = enricher.Enrich(
      "United States and Mexico sign deal",
      "The United States and Mexico signed a deal on steel quotas. The United States will lift duties on "
      "Mexican steel, and Mexico will monitor exports to the United States.");
  const std::string key = TagKey("United States");
  const auto count_key = [&](const EnrichResult& r) {
    int n = 0;
    for (const ScoredTag& tag : r.tags) n += tag.key == key ? 1 : 0;
    return n;
  };
  EXPECT_EQ(count_key(a), 1) << ::testing::PrintToString(Names(a.tags));
  EXPECT_EQ(count_key(b), 1) << ::testing::PrintToString(Names(b.tags));
}

}  // namespace
}  // namespace newsflow::enrich

#include "common/lexicon/english_lexicon.h"

#include <string>

#include <gtest/gtest.h>

namespace newsflow {
namespace {

using L = EnglishLexicon;

TEST(EnglishLexiconTest, ClassesOfLemmasAndInflections) {
  const L& lexicon = L::Get();
  EXPECT_GT(lexicon.size(), 140000u);  // WordNet 3.0 has about 147,000 lemmas
  const L::Reading plant = lexicon.Read("plant");
  EXPECT_TRUE(plant.Has(L::kNoun));
  EXPECT_TRUE(plant.Has(L::kVerb));
  EXPECT_FALSE(plant.Has(L::kAdverb));
  // Regular inflections by the detachment rules.
  EXPECT_EQ(lexicon.Read("planted").inflected_classes & L::kVerb, L::kVerb);
  EXPECT_EQ(lexicon.Read("subsidies").inflected_classes, L::kNoun);
  EXPECT_TRUE(lexicon.Read("struggles").Has(L::kVerb));
  // Irregular ones by the exception lists.
  EXPECT_TRUE(lexicon.Read("drawn").Has(L::kVerb));
  EXPECT_TRUE(lexicon.Read("mice").Has(L::kNoun));
  EXPECT_TRUE(lexicon.Read("better").Has(L::kAdjective));
  EXPECT_TRUE(lexicon.Read("efficiently").Has(L::kAdverb));
  EXPECT_FALSE(lexicon.Read("efficiently").Has(L::kNoun));
  // Unknown words have no class.
  EXPECT_FALSE(lexicon.Read("kestrelbot").known());
  EXPECT_FALSE(lexicon.Read("").known());
}

TEST(EnglishLexiconTest, CountsSayWhichClassDominates) {
  const L& lexicon = L::Get();
  // "build" is listed as a noun too, but is used as a verb.
  const L::Reading build = lexicon.Read("build");
  EXPECT_GT(build.counts[L::kVerbSlot], 10 * build.counts[L::kNounSlot]);
  const L::Reading plant = lexicon.Read("plant");
  EXPECT_GT(plant.counts[L::kNounSlot], plant.counts[L::kVerbSlot]);
  const L::Reading steady = lexicon.Read("steady");
  EXPECT_GT(steady.counts[L::kAdjectiveSlot], steady.counts[L::kNounSlot]);
}

TEST(EnglishLexiconTest, NounLemmas) {
  const L& lexicon = L::Get();
  std::string scratch;
  EXPECT_EQ(lexicon.NounLemma("subsidies", &scratch), "subsidy");
  EXPECT_EQ(lexicon.NounLemma("inventories", &scratch), "inventory");
  EXPECT_EQ(lexicon.NounLemma("boxes", &scratch), "box");
  EXPECT_EQ(lexicon.NounLemma("mice", &scratch), "mouse");
  EXPECT_EQ(lexicon.NounLemma("women", &scratch), "woman");
  // Nouns of their own that look plural.
  EXPECT_EQ(lexicon.NounLemma("news", &scratch), "news");
  EXPECT_EQ(lexicon.NounLemma("physics", &scratch), "physics");
  EXPECT_EQ(lexicon.NounLemma("glass", &scratch), "glass");
  EXPECT_EQ(lexicon.NounLemma("efficiently", &scratch), "");
}

TEST(EnglishLexiconTest, MultiwordLemmas) {
  const L& lexicon = L::Get();
  EXPECT_TRUE(lexicon.IsLemma("mad cow disease"));
  EXPECT_TRUE(lexicon.IsLemma("interest rate"));
  EXPECT_TRUE(lexicon.IsLemma("los_angeles"));
  EXPECT_TRUE(lexicon.IsLemmaOf("united states", L::kNoun));
  EXPECT_FALSE(lexicon.IsLemma("police planting"));
}

TEST(EnglishLexiconTest, AbbreviationsExpandToTheNameOfTheirInitials) {
  const L& lexicon = L::Get();
  EXPECT_EQ(lexicon.Expansion("us"), "united states");
  EXPECT_EQ(lexicon.Expansion("usa"), "united states");
  EXPECT_EQ(lexicon.Expansion("eu"), "european union");
  EXPECT_EQ(lexicon.Expansion("un"), "united nations");
  EXPECT_EQ(lexicon.Expansion("uk"), "united kingdom");
  // Same synset, but not the initials.
  EXPECT_EQ(lexicon.Expansion("america"), "");
  EXPECT_EQ(lexicon.Expansion("europe"), "");
  // A common word is not read as a rare abbreviation.
  EXPECT_EQ(lexicon.Expansion("cat"), "");
  EXPECT_EQ(lexicon.Expansion("pet"), "");
}

}  // namespace
}  // namespace newsflow

#include "services/enrich/core/word_class.h"

#include <gtest/gtest.h>

#include <string>

namespace newsflow::enrich {
namespace {

TEST(WordClassTest, SuffixesAndLists) {
  EXPECT_EQ(GuessWordClass("inequalities"), WordClass::kNoun);
  EXPECT_EQ(GuessWordClass("subsidies"), WordClass::kNoun);
  EXPECT_EQ(GuessWordClass("efficiently"), WordClass::kAdverb);
  EXPECT_EQ(GuessWordClass("herein"), WordClass::kAdverb);
  EXPECT_EQ(GuessWordClass("distributed"), WordClass::kParticiple);
  EXPECT_EQ(GuessWordClass("built"), WordClass::kParticiple);
  EXPECT_EQ(GuessWordClass("acquiring"), WordClass::kGerund);
  EXPECT_EQ(GuessWordClass("technological"), WordClass::kAdjective);
  EXPECT_EQ(GuessWordClass("competitive"), WordClass::kAdjective);
  EXPECT_EQ(GuessWordClass("nonlinear"), WordClass::kAdjective);
  EXPECT_EQ(GuessWordClass("fuzzy"), WordClass::kAdjective);
  EXPECT_EQ(GuessWordClass("higher"), WordClass::kAdjective);
  EXPECT_EQ(GuessWordClass("identify"), WordClass::kVerb);
  EXPECT_EQ(GuessWordClass("identifies"), WordClass::kVerb);
  EXPECT_EQ(GuessWordClass("reduces"), WordClass::kVerb);
  EXPECT_EQ(GuessWordClass("assesses"), WordClass::kVerb);
}

TEST(WordClassTest, NounsThatLookOtherwise) {
  for (const std::string word :
       {"signal", "signals", "variable", "variables", "polynomial", "logic", "objective", "family", "speed",
        "processing", "learning", "building", "string"}) {
    EXPECT_EQ(GuessWordClass(word), WordClass::kNoun) << word;
  }
  // Ambiguous words keep their noun reading.
  for (const std::string word : {"control", "design", "plan", "increase", "model"}) {
    EXPECT_EQ(GuessWordClass(word), WordClass::kNoun) << word;
  }
}

TEST(WordClassTest, ShortAndNonAsciiWordsAreNouns) {
  EXPECT_EQ(GuessWordClass("ai"), WordClass::kNoun);
  EXPECT_EQ(GuessWordClass(""), WordClass::kNoun);
  EXPECT_EQ(GuessWordClass("café"), WordClass::kNoun);
}

TEST(WordClassTest, FunctionWordLists) {
  EXPECT_TRUE(IntroducesGerund("for"));
  EXPECT_TRUE(IntroducesGerund("by"));
  EXPECT_FALSE(IntroducesGerund("the"));
  EXPECT_TRUE(IsDeterminer("the"));
  EXPECT_TRUE(IsDeterminer("its"));
  EXPECT_FALSE(IsDeterminer("that"));
}

TEST(WordClassTest, GenericNouns) {
  EXPECT_TRUE(IsGenericNoun("method"));
  EXPECT_TRUE(IsGenericNoun("methods"));
  EXPECT_TRUE(IsGenericNoun("approaches"));
  EXPECT_TRUE(IsGenericNoun("studies"));
  EXPECT_FALSE(IsGenericNoun("subsidies"));
  EXPECT_FALSE(IsGenericNoun("inequalities"));
}

// WordNet's tag counts decide between the readings of ambiguous words.
TEST(WordClassTest, DominantReadingWins) {
  // Listed as nouns too, but used as verbs.
  EXPECT_EQ(GuessWordClass("build"), WordClass::kVerb);
  EXPECT_EQ(GuessWordClass("settles"), WordClass::kVerb);
  // Used as nouns more than a tenth as often as verbs.
  EXPECT_EQ(GuessWordClass("plant"), WordClass::kNoun);
  EXPECT_EQ(GuessWordClass("report"), WordClass::kNoun);
  EXPECT_EQ(GuessWordClass("cuts"), WordClass::kNoun);
  // Adjectives with a rare noun sense.
  EXPECT_EQ(GuessWordClass("steady"), WordClass::kAdjective);
  EXPECT_EQ(GuessWordClass("japanese"), WordClass::kAdjective);
  // Irregular forms through the exception lists.
  EXPECT_EQ(GuessWordClass("drawn"), WordClass::kParticiple);
  EXPECT_EQ(GuessWordClass("mice"), WordClass::kNoun);
  // -ing forms: WordNet nouns in use, else gerunds.
  EXPECT_EQ(GuessWordClass("training"), WordClass::kNoun);
  EXPECT_EQ(GuessWordClass("storing"), WordClass::kGerund);
}

TEST(WordClassTest, ReadingsForContext) {
  const WordReading volunteers = ReadWord("volunteers");
  EXPECT_TRUE(volunteers.plural);
  EXPECT_TRUE(volunteers.known);
  const WordReading struggle = ReadWord("struggle");
  EXPECT_TRUE(struggle.base_verb);
  EXPECT_TRUE(struggle.verb_common);
  EXPECT_FALSE(struggle.plural);
  // Plural-looking nouns of their own are no plurals.
  EXPECT_FALSE(ReadWord("news").plural);
  EXPECT_FALSE(ReadWord("kestrelbot").known);
}

TEST(WordClassTest, UnknownWordsAreGuessedBySuffix) {
  EXPECT_EQ(GuessWordClass("frobnicated"), WordClass::kParticiple);
  EXPECT_EQ(GuessWordClass("blorpingly"), WordClass::kAdverb);
  EXPECT_EQ(GuessWordClass("zorbical"), WordClass::kAdjective);
  EXPECT_EQ(GuessWordClass("kestrelbot"), WordClass::kNoun);
}

}  // namespace
}  // namespace newsflow::enrich

#include "services/enrich/core/document.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace newsflow::enrich {
namespace {

class DocumentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto segmenter = TextSegmenter::Create();
    ASSERT_TRUE(segmenter.ok()) << segmenter.status();
    segmenter_ = std::move(segmenter).value();
    builder_ = std::make_unique<DocumentBuilder>(segmenter_.get());
  }

  const Token& Find(const Document& document, const std::string& surface) {
    for (const Token& token : document.tokens) {
      if (document.Surface(token) == surface) return token;
    }
    ADD_FAILURE() << "no token " << surface;
    static const Token kNone;
    return kNone;
  }

  std::unique_ptr<TextSegmenter> segmenter_;
  std::unique_ptr<DocumentBuilder> builder_;
};

TEST_F(DocumentTest, VariantsShareAKey) {
  const std::string text = "The subsidy helps ports. Subsidies for the port rose.";
  Document document;
  builder_->Build("", text, /*unspaced=*/false, /*stem=*/true, &document);
  EXPECT_EQ(Find(document, "subsidy").key, Find(document, "Subsidies").key);
  EXPECT_EQ(Find(document, "ports").key, Find(document, "port").key);
  EXPECT_TRUE(Find(document, "The").stop);
  EXPECT_TRUE(Find(document, "The").sentence_initial);
}

TEST_F(DocumentTest, PossessivesAndAcronyms) {
  const std::string text = "Lisbon\u2019s harbour hired US engineers. The U.S. team agreed.";
  Document document;
  builder_->Build("", text, false, true, &document);
  const Token& lisbon = Find(document, "Lisbon");
  EXPECT_TRUE(lisbon.possessive);
  EXPECT_TRUE(lisbon.capitalized);
  const Token& us = Find(document, "US");
  EXPECT_TRUE(us.acronym);
  EXPECT_FALSE(us.stop);  // not the pronoun "us"
  EXPECT_EQ(Find(document, "U.S").key, us.key);
}

TEST_F(DocumentTest, MarksTrailingBoilerplate) {
  const std::string text =
      "The port grew fast this year.\nCranes arrived in spring.\nShips waited outside.\n"
      "See also: other harbour stories\nThe event is co-located with a trade fair.";
  Document document;
  builder_->Build("", text, false, true, &document);
  ASSERT_EQ(document.sentences.size(), 5u);
  EXPECT_FALSE(document.sentences[2].boilerplate);
  EXPECT_TRUE(document.sentences[3].boilerplate);
  EXPECT_TRUE(document.sentences[4].boilerplate);
}

TEST_F(DocumentTest, TitleKeysExcludeStopWords) {
  Document document;
  builder_->Build("The harbour of Lisbon", "Lisbon harbour expands.", false, true, &document);
  EXPECT_EQ(document.title_keys.size(), 2u);
}

TEST_F(DocumentTest, TitleTokensReferToTheTitle) {
  Document document;
  const std::string title = "Harbour of Lisbon expands";
  builder_->Build(title, "The port grows.", false, true, &document);
  ASSERT_EQ(document.title_tokens.size(), 4u);
  EXPECT_TRUE(document.title_tokens[0].in_title);
  EXPECT_EQ(document.Surface(document.title_tokens[2]), "Lisbon");
  EXPECT_EQ(document.title_tokens[2].sentence, document.sentences.size());
  for (const Token& token : document.tokens) EXPECT_FALSE(token.in_title);
}

TEST_F(DocumentTest, ChineseSingleCharactersAreStops) {
  const std::string text = "港口的起重机已经更新。";
  Document document;
  builder_->Build("", text, /*unspaced=*/true, /*stem=*/false, &document);
  EXPECT_TRUE(Find(document, "的").stop);
  EXPECT_FALSE(Find(document, "港口").stop);
}

}  // namespace
}  // namespace newsflow::enrich

namespace newsflow::enrich {
namespace {

TEST_F(DocumentTest, EntityRemnantsAreNotWords) {
  // Doubly escaped markup leaves "&amp;" and "&quot;" in the text.
  const std::string text = "Shares of AT&amp;T rose &amp; fell. He said &quot;no&quot; to the amp maker.";
  Document document;
  builder_->Build("", text, /*unspaced=*/false, /*stem=*/true, &document);
  int remnants = 0;
  for (const Token& token : document.tokens) {
    const std::string_view surface = document.Surface(token);
    if (surface == "quot" || (surface == "amp" && text[token.begin - 1] == '&')) {
      ++remnants;
      EXPECT_TRUE(token.stop) << surface;
      EXPECT_FALSE(token.content) << surface;
    }
  }
  EXPECT_EQ(remnants, 4);
  // The word itself, outside a reference, is an ordinary word.
  EXPECT_FALSE(Find(document, "maker").stop);
  for (const Token& token : document.tokens) {
    if (document.Surface(token) == "amp" && text[token.begin - 1] == ' ') {
      EXPECT_FALSE(token.stop);
    }
  }
}

TEST_F(DocumentTest, ACapitalisedListedWordOpeningANameIsNoStopWord) {
  const std::string text = "Prices in New York rose. The new plan failed. New rules start today.";
  Document document;
  builder_->Build("", text, /*unspaced=*/false, /*stem=*/true, &document);
  EXPECT_FALSE(Find(document, "New").stop);  // "New York", inside the sentence
  EXPECT_TRUE(Find(document, "new").stop);   // an adjective
  int sentence_initial_new = 0;
  for (const Token& token : document.tokens) {
    if (document.Surface(token) == "New" && token.sentence_initial) {
      ++sentence_initial_new;
      EXPECT_TRUE(token.stop);  // "New rules": a capital that only opens the sentence
    }
  }
  EXPECT_EQ(sentence_initial_new, 1);
}

TEST_F(DocumentTest, ANameFoundInsideASentenceIsWholeWhereASentenceOrTheTitleOpensWithIt) {
  const std::string text =
      "Time Warner said profits rose. Analysts at the bank praised Time Warner. Time will tell.";
  Document document;
  builder_->Build("Time Warner profits rise", text, /*unspaced=*/false, /*stem=*/true, &document);
  int opening_name = 0;
  int opening_word = 0;
  for (const Token& token : document.tokens) {
    if (document.Surface(token) != "Time") continue;
    const std::string_view next = document.Surface(document.tokens[&token - document.tokens.data() + 1]);
    if (next == "Warner") {
      ++opening_name;
      EXPECT_FALSE(token.stop);  // the sentence opens with the name
    } else {
      ++opening_word;
      EXPECT_TRUE(token.stop);  // "Time will tell": only a capital opening the sentence
    }
  }
  EXPECT_EQ(opening_name, 2);
  EXPECT_EQ(opening_word, 1);
  ASSERT_FALSE(document.title_tokens.empty());
  EXPECT_FALSE(document.title_tokens.front().stop);
  // A sentence or title opening with the pair is no evidence alone.
  Document unknown;
  builder_->Build("New rules start", "New rules start today. Officials welcomed them.", false, true,
                  &unknown);
  EXPECT_TRUE(unknown.tokens.front().stop);
  EXPECT_TRUE(unknown.title_tokens.front().stop);
}

}  // namespace
}  // namespace newsflow::enrich

namespace newsflow::enrich {
namespace {

TEST_F(DocumentTest, FrenchElisionsStopWordsAndStems) {
  const std::string text =
      "La ville de Lyon présente l'extension du réseau d'autobus. "
      "Les autobus électriques roulent depuis l'année dernière.";
  Document document;
  builder_->Build("", text, "fr", &document);
  EXPECT_FALSE(document.english);
  // "l'extension" and "d'autobus" lose the elided article.
  EXPECT_FALSE(Find(document, "extension").stop);
  EXPECT_FALSE(Find(document, "autobus").stop);
  EXPECT_TRUE(Find(document, "La").stop);
  EXPECT_TRUE(Find(document, "de").stop);
  EXPECT_TRUE(Find(document, "Les").stop);
  // The French stemmer: singular and plural share a key.
  const Token& electric = Find(document, "électriques");
  EXPECT_EQ(document.keys[electric.key], "électr");
}

TEST_F(DocumentTest, GermanStopWordsAndStems) {
  Document document;
  builder_->Build("", "Die Stadt baut neue Radwege. Der Radweg führt zur Universität.", "de", &document);
  EXPECT_TRUE(Find(document, "Die").stop);
  EXPECT_TRUE(Find(document, "zur").stop);
  EXPECT_FALSE(Find(document, "Radwege").stop);
  EXPECT_EQ(Find(document, "Radwege").key, Find(document, "Radweg").key);
}

}  // namespace
}  // namespace newsflow::enrich

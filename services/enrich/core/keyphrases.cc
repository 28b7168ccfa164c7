#include "services/enrich/core/keyphrases.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "services/enrich/core/cjk_dictionary.h"
#include "services/enrich/core/graph_rank.h"
#include "services/enrich/core/simhash.h"
#include "services/enrich/core/unicode_text.h"
#include "services/enrich/core/word_class.h"

namespace newsflow::enrich {
namespace {

constexpr int kMaxWordsSpaced = 4;
constexpr int kMaxWordsUnspaced = 4;
// Longest Chinese tag, in characters.
constexpr size_t kMaxUnspacedChars = 10;
// Convergence of the word graph's PageRank (L1 change of the rank vector).
constexpr double kWordRankTolerance = 1e-3;
// Co-occurrence window over the non-stop words of a sentence.
constexpr int kCooccurrenceWindow = 3;
// Phrase score = sum of damped word scores / n^exponent: 1 is a mean
// (favours single words), 0 a plain sum (favours long phrases). Word scores
// are damped (square root) so that one hub word ("AI" in an AI story) does
// not lift every phrase that contains it above the other topics.
//
// Most weights adapt to the register of the text, a news weight in [0, 1]
// (NewsWeight). Names and reported speech carry the topics of news, whose
// tags are short ("Obama", "Greece", "bailout") and repeated; technical
// prose (abstracts, reports), dense in nominalisations ("estimation",
// "stability"), carries its topics in multi-word terms ("neural network
// training") and its single words are mostly generic. Each pair of
// constants below gives the value for technical text, then for news; the
// weight interpolates between them.
constexpr double kTermLengthExponent = -0.2;
constexpr double kNameLengthExponent = 1.5;
// Chinese tags (dictionary words) sit between the two ends.
constexpr double kUnspacedLengthExponent = 0.9;
// Long news texts repeat their topics often, so frequency is reliable
// evidence there: tf^kNameFrequencyExponent on top of 1 + log(tf).
constexpr double kNameFrequencyExponent = 0.4;
// In news, word centrality is flattened (graph^exponent): frequency and
// standing alone say more there than co-occurrence.
constexpr double kNameGraphExponent = 0.6;
// Prior of single words against multi-word phrases.
constexpr double kTermSingleWordWeight = 0.3;
constexpr double kNameMultiWordWeight = 0.5;
constexpr double kNameMultiNameWeight = 0.7;
// Bonus for a candidate that at least once is a whole noun phrase (the
// longest one between stop words and punctuation) rather than a piece of a
// longer one.
constexpr double kTermWholePhraseBonus = 1.0;
constexpr double kNameWholePhraseBonus = 2.0;
// Generic nouns ("method", "results", "report") as whole tags, single or
// all-generic phrases.
constexpr double kTermGenericWordWeight = 0.3;
constexpr double kNameGenericWordWeight = 0.6;
constexpr double kTermGenericPhraseWeight = 0.5;
// News weight: smoothstep of (share of names - share of nominalisations,
// plus kReportedSpeechBonus when the text reports speech) between these.
constexpr double kLowRegister = -0.06;
constexpr double kHighRegister = 0.06;
constexpr double kReportedSpeechBonus = 0.08;
constexpr double kSpreadWeight = 0.5;
// Capitalisation as name evidence, in news only.
constexpr double kProperWeight = 0.25;
constexpr double kTitlePhraseWeight = 0.6;
constexpr double kTitleWordWeight = 0.3;
constexpr double kTitleTeleportBoost = 2.0;
// First occurrence: a candidate first met in the title or lede (sentence 0)
// weighs 1 + kLedeWeight, one first met in sentence s 1 + kLedeWeight /
// sqrt(1 + s). News states its subject first (FirstPhrases, the first noun
// phrases of a document, is a strong keyphrase baseline on long news).
constexpr double kLedeWeight = 1.0;
// A single common word counts only this share of its occurrences that
// modify a longer noun phrase ("state" of "state police", "census" of
// "census bureau"): they are evidence for that phrase, not for the word as a
// topic of its own. On long stories a common word gathers its frequency
// from many phrases it modifies and would otherwise crowd them out.
constexpr double kModifierShare = 0.5;
// The news preference for short tags (kNameLengthExponent,
// kNameMultiWordWeight) rests on phrases being said once in a short story.
// A phrase the story repeats is a term of its own ("illegal aliens",
// "police brutality"): its length counts as in technical text by up to
// kRepeatedPhraseWeight, reached at kRepeatedPhraseCount occurrences. A long
// article (kShortArticleWords to kLongArticleWords content words) repeats
// its topics as phrases, and its tags lean the same way by up to
// kLongArticleWeight.
constexpr double kRepeatedPhraseWeight = 0.5;
constexpr double kRepeatedPhraseCount = 8;
constexpr double kLongArticleWeight = 0.5;
constexpr double kShortArticleWords = 150;
constexpr double kLongArticleWords = 500;
// Specificity of an English phrase (stream document frequencies): halfway
// between the mean and the most specific of its words, so that "1990
// census" is as specific as "census" less a little for "1990", not half.
constexpr double kPhraseSpecificityOfRarest = 0.5;
// Articles after which TermStatistics carry half their full weight.
constexpr double kStatisticsHalfConfidence = 50;
// A capitalised adjective as a tag of its own ("Japanese") counts this much;
// it is dropped when a name sharing its first kDemonymPrefix letters is a
// candidate too ("Belgian" beside "Belgium").
constexpr double kCommonNounWeight = 0.3;
constexpr double kDemonymWeight = 0.4;
constexpr size_t kDemonymPrefix = 4;
// Beyond min_tags, a tag must reach this fraction of the best score.
constexpr double kMinRelativeScore = 0.03;
// A candidate is dropped when at least 1 / kMaxCoveredShare of its
// occurrences lie inside chosen tags that contain it.
constexpr double kMaxCoveredShare = 4.0;
// Weight of a variant of a chosen tag (one contains the other) in the
// greedy selection. Chinese compounds and their parts are kept apart
// by the covered-share rule alone.
constexpr double kVariantWeight = 0.4;
constexpr double kUnspacedVariantWeight = 1.0;
// A candidate is a piece of a longer one when at least this share of its
// occurrences lie inside that one's; kRepeatedPieceShare when the longer one
// occurs at least kRepeatedPieceCount times ("brutality" of a story that
// says "police brutality" throughout, and "brutality lawsuits" once).
constexpr double kPieceShare = 0.75;
constexpr double kRepeatedPieceShare = 0.5;
constexpr uint32_t kRepeatedPieceCount = 3;
// Topics in news: an English candidate sharing a word with a chosen tag
// ("census bureau" beside "1990 census") is a variant of it too, and each
// further chosen variant of one topic multiplies the weight by
// kVariantWeight again, so a topic does not take three slots. Technical
// terms share words across topics ("neural network", "network traffic"), so
// this holds from kTopicNewsWeight of news on.
constexpr double kTopicNewsWeight = 0.5;
// The best candidates the selection looks at; beyond them no tag is chosen.
constexpr size_t kSelectionCandidates = 64;

// Body tokens are numbered first, then the title's.
const Token& TokenAt(const Document& document, uint32_t index) {
  return index < document.tokens.size() ? document.tokens[index]
                                        : document.title_tokens[index - document.tokens.size()];
}

struct NgramKey {
  std::array<uint32_t, kMaxWordsSpaced> keys{};
  uint8_t size = 0;

  bool operator==(const NgramKey& other) const { return size == other.size && keys == other.keys; }
  template <typename H>
  friend H AbslHashValue(H h, const NgramKey& key) {
    return H::combine(H::combine_contiguous(std::move(h), key.keys.data(), key.size), key.size);
  }
  bool Contains(const NgramKey& inner) const {
    if (inner.size >= size) return false;
    for (int start = 0; start + inner.size <= size; ++start) {
      if (std::equal(inner.keys.begin(), inner.keys.begin() + inner.size, keys.begin() + start)) {
        return true;
      }
    }
    return false;
  }
};

struct Candidate {
  NgramKey key;
  uint32_t frequency = 0;
  uint32_t whole_runs = 0;  // occurrences that are a whole run
  uint32_t modifiers = 0;   // occurrences followed by more of their noun phrase
  uint32_t proper = 0;      // occurrences capitalised mid-sentence
  uint32_t in_title = 0;    // occurrences in the title
  uint32_t first_sentence = 0;
  uint32_t last_sentence = 0;
  absl::InlinedVector<uint32_t, 3> starts;  // first token of each occurrence
  double score = 0;
};

// Roles of an English token in a tag candidate (bit set).
constexpr uint8_t kCanStart = 1;
constexpr uint8_t kCanEnd = 2;
constexpr uint8_t kBreaks = 4;  // verb or adverb: ends the run like a stop word
// An adjective right after a noun: a noun phrase (adjective* noun+) ends
// before it and the next begins with it ("give students extra space").
constexpr uint8_t kSplitsBefore = 8;
// A name particle between capitalised words ("Bank of England", "Leonardo
// da Vinci"): inside a name, but no name starts or ends with it.
constexpr uint8_t kJoinsName = 16;
// Chinese only: a verb stands in a tag only beside a noun ("轮廓提取",
// "学习绩效"), never alone; kNounLike marks the words that satisfy it.
constexpr uint8_t kVerbal = 32;
constexpr uint8_t kNounLike = 64;
// English only: a year before a noun opens a noun phrase ("the 1990
// census", "the 2008 election"); it never stands alone nor ends one.
constexpr uint8_t kYear = 128;

uint8_t RoleOf(WordClass word_class) {
  switch (word_class) {
    case WordClass::kNoun:
    case WordClass::kGerund:
      return kCanStart | kCanEnd;
    case WordClass::kAdjective:
    case WordClass::kParticiple:
      return kCanStart;
    case WordClass::kVerb:
    case WordClass::kAdverb:
      return kBreaks;
  }
  return kCanStart | kCanEnd;
}

void ToLowerAscii(std::string_view word, std::string* out) {
  out->assign(word);
  for (char& c : *out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

// Lowercase particles that join the capitalised words of a name.
bool IsNameParticle(std::string_view word) {
  static constexpr std::string_view kParticles[] = {
      "of", "de", "da",  "do",   "dos", "das", "di", "del", "della", "der", "den", "van", "von",
      "al", "el", "bin", "bint", "ibn", "la",  "le", "du",  "y",     "zu",  "ter", "ten"};
  for (std::string_view particle : kParticles) {
    if (word == particle) return true;
  }
  return false;
}

// A year as news writes it: four digits from 1800 to 2099.
bool IsYear(std::string_view word) {
  if (word.size() != 4) return false;
  for (char c : word) {
    if (c < '0' || c > '9') return false;
  }
  return (word[0] == '1' && word[1] >= '8') || (word[0] == '2' && word[1] == '0');
}

// Auxiliaries and modals: an -ed or irregular past form after one is a verb
// ("has drawn", "were built"); a noun before one is a subject ("the calorie
// counts will apply").
bool IsAuxiliary(std::string_view word) {
  static constexpr std::string_view kAuxiliaries[] = {
      "has",   "have", "had",   "having", "is",    "are",    "was", "were", "be",   "been",  "being",
      "get",   "gets", "got",   "gotten", "am",    "'s",     "'ve", "'d",   "will", "would", "can",
      "could", "may",  "might", "must",   "shall", "should", "do",  "does", "did"};
  for (std::string_view auxiliary : kAuxiliaries) {
    if (word == auxiliary) return true;
  }
  return false;
}

// What a function word does for the contextual rules of TokenRoles (bits).
constexpr uint8_t kDeterminer = 1;
constexpr uint8_t kAuxiliary = 2;
constexpr uint8_t kIntroducer = 4;
constexpr uint8_t kParticle = 8;
constexpr uint8_t kTo = 16;
constexpr uint8_t kKnownFunction = 128;  // looked up

uint8_t FunctionOf(std::string_view lower_word) {
  static const auto* const kTable = [] {
    auto* table = new absl::flat_hash_map<std::string, uint8_t>();
    // Every word of the lists: one lookup answers all of them.
    for (const char* word :
         {"the",   "a",      "an",   "this",    "these",  "those",   "its",     "their",   "his",    "her",
          "our",   "it",     "them", "him",     "has",    "have",    "had",     "having",  "is",     "are",
          "was",   "were",   "be",   "been",    "being",  "get",     "gets",    "got",     "gotten", "am",
          "'s",    "'ve",    "'d",   "will",    "would",  "can",     "could",   "may",     "might",  "must",
          "shall", "should", "do",   "does",    "did",    "for",     "of",      "by",      "in",     "on",
          "to",    "with",   "from", "into",    "after",  "before",  "without", "through", "while",  "when",
          "upon",  "about",  "via",  "towards", "toward", "against", "besides", "despite", "since",  "not",
          "also",  "thus",   "then", "further", "de",     "da",      "dos",     "das",     "di",     "del",
          "della", "der",    "den",  "van",     "von",    "al",      "el",      "bin",     "bint",   "ibn",
          "la",    "le",     "du",   "y",       "zu",     "ter",     "ten"}) {
      const std::string_view w = word;
      const uint8_t bits = (IsDeterminer(w) ? kDeterminer : 0) | (IsAuxiliary(w) ? kAuxiliary : 0) |
                           (IntroducesGerund(w) ? kIntroducer : 0) | (IsNameParticle(w) ? kParticle : 0) |
                           (w == "to" ? kTo : 0);
      if (bits != 0) table->emplace(word, bits);
    }
    return table;
  }();
  auto it = kTable->find(absl::string_view(lower_word.data(), lower_word.size()));
  return it == kTable->end() ? 0 : it->second;
}

// A capitalised word that may continue a name: not a stop word, and, when it
// opens its sentence, not a common word ("Actor Johnny Depp" does not make
// "Johnny Depp" a piece of a name; "Los Angeles" does make "Angeles" one).
bool NameWord(const Document& document, const Token& token, std::string* lower) {
  if (token.stop || !(token.capitalized || token.acronym) || !token.latin) return false;
  if (!token.sentence_initial) return true;
  ToLowerAscii(document.Surface(token), lower);
  return !ReadWord(*lower).known;
}

// Chinese roles come from the dictionary's word classes: a tag is a noun
// phrase of whole words, so nouns, names and verbal nouns may start and end
// one; adjectives, distinguishing words and prefixes only start one. A verb
// never ends one, and opens one only before a noun head ("学习绩效",
// "批判理论"; "退货率" is 退货 plus the bound 率); inside, it needs a noun
// beside it ("人脸识别技术"). Function words (particles, prepositions,
// conjunctions, adverbs, pronouns, numerals, measure words, direction and
// time words) and idioms end the run. A single character may close a
// compound ("电子书", 退货|率) but never opens one: there it is mostly the
// tail of the word before. A single-character verb closes one only when it
// is bound ("率"), not a verb of its own ("买").
std::vector<uint8_t> ChineseTokenRoles(const Document& document) {
  const auto all = static_cast<uint32_t>(document.tokens.size() + document.title_tokens.size());
  std::vector<uint8_t> roles(all, kCanStart | kCanEnd);
  for (uint32_t t = 0; t < all; ++t) {
    const Token& token = TokenAt(document, t);
    if (token.stop) continue;
    if (token.latin) {
      roles[t] |= kNounLike;  // "GPU", "PM2.5" in Chinese text
      // A capital letter against a Chinese word opens a term ("T细胞") and
      // is none alone.
      if (token.end - token.begin == 1) roles[t] = kCanStart | kNounLike;
      continue;
    }
    const bool single = token.fragment;
    uint8_t role = kCanStart | kCanEnd;
    switch (token.zh_class) {
      case ChineseWordClass::kVerb:
        role = !single ? kCanStart | kVerbal : token.bound ? kCanEnd | kNounLike : kBreaks;
        break;
      case ChineseWordClass::kAdjective:
      case ChineseWordClass::kDistinguishing:
        role = kCanStart;
        break;
      case ChineseWordClass::kAdverb:
      case ChineseWordClass::kNumeral:
      case ChineseWordClass::kMeasure:
      case ChineseWordClass::kPronoun:
      case ChineseWordClass::kPreposition:
      case ChineseWordClass::kConjunction:
      case ChineseWordClass::kParticle:
      case ChineseWordClass::kDirection:
      case ChineseWordClass::kTime:
      case ChineseWordClass::kPlaceWord:
      case ChineseWordClass::kIdiom:
        role = kBreaks;
        break;
      default:
        role = kNounLike | (single ? kCanEnd : kCanStart | kCanEnd);
        break;
    }
    roles[t] = role;
  }
  // A single character right before another one that is no function word
  // more likely pairs with it (均值|聚|类, 压缩空气|蓄|能) than closes the
  // word before it.
  for (uint32_t t = 0; t + 1 < all; ++t) {
    const Token& token = TokenAt(document, t);
    const Token& next = TokenAt(document, t + 1);
    if (!token.fragment || next.latin || next.sentence_initial || next.gap_before != Gap::kNone ||
        next.end - next.begin > 4 || next.kind == WordKind::kNumber) {
      continue;
    }
    switch (next.zh_class) {
      case ChineseWordClass::kParticle:
      case ChineseWordClass::kPreposition:
      case ChineseWordClass::kConjunction:
      case ChineseWordClass::kPronoun:
      case ChineseWordClass::kAdverb:
        break;
      default:
        roles[t] &= static_cast<uint8_t>(~kCanEnd);
    }
  }
  return roles;
}

// One role per token (body, then title), from the WordNet word class
// (word_class.h). Capitalised words inside a sentence are names, unless
// WordNet reads them as adjectives first ("Japanese", "Belgian": they
// modify, they do not end a tag); a capitalised first word (or title-case
// word) is classed by its lowercase form when WordNet knows it. Context
// refines the class:
//   - an -ing word opening a sentence, following a preposition or an
//     auxiliary, or followed by "to", a determiner or an adjective is a
//     verb ("Estimating populations", "for acquiring materials", "storing
//     the data", "planting native saplings");
//   - an -ed or past word right after a noun or an auxiliary, or followed
//     by a determiner, is a verb ("features explored", "has drawn");
//   - a plural-looking word between a noun and a determiner is a verb
//     ("the article reviews the literature"); a base verb form after a
//     plural noun is one when its verb use is common or an adjective or
//     determiner follows ("grid operators struggle", "volunteers plant
//     native trees");
//   - a verb-leaning word after a determiner or an adjective is a noun
//     ("a steady build", "the cut");
//   - an adjective right after a noun opens a new phrase;
//   - a name particle between capitalised words joins them.
std::vector<uint8_t> TokenRoles(const Document& document) {
  std::vector<uint8_t> roles;
  if (document.unspaced) return ChineseTokenRoles(document);
  if (!document.english) return roles;
  const auto body = static_cast<uint32_t>(document.tokens.size());
  const auto all = static_cast<uint32_t>(body + document.title_tokens.size());
  roles.resize(all, kCanStart | kCanEnd);
  std::vector<WordReading> readings(all);
  std::string lower;
  // Headlines and section heads inside the body are title case: their
  // capitals say nothing of names, as in the title.
  std::vector<bool> title_case(document.sentences.size(), false);
  for (size_t s = 0; s < document.sentences.size(); ++s) {
    const Sentence& sentence = document.sentences[s];
    uint32_t words = 0;
    uint32_t capitalized = 0;
    for (uint32_t t = sentence.first_token; t < sentence.end_token; ++t) {
      const Token& token = document.tokens[t];
      if (token.stop || !token.latin || token.kind != WordKind::kLetter) continue;
      ++words;
      capitalized += token.capitalized ? 1 : 0;
    }
    title_case[s] = words >= 3 && 4 * capitalized >= 3 * words;
  }
  for (uint32_t t = 0; t < all; ++t) {
    const Token& token = TokenAt(document, t);
    if (token.stop || token.acronym || !token.latin) continue;
    const bool initial = token.sentence_initial || token.in_title || (t < body && title_case[token.sentence]);
    ToLowerAscii(document.Surface(token), &lower);
    WordReading reading = ReadWord(lower);
    if (token.capitalized) {
      // Names: nouns, but for adjectives WordNet knows ("Japanese");
      // a capital opening a sentence or in a title says nothing.
      const bool adjective = reading.word_class == WordClass::kAdjective;
      if (!reading.known || (!initial && !adjective)) reading.word_class = WordClass::kNoun;
    }
    readings[t] = reading;
  }
  // The token right before / after `t` in the same sentence, if any.
  const auto previous_of = [&](uint32_t t) -> const Token* {
    const Token& token = TokenAt(document, t);
    if (token.sentence_initial || t == body || t == 0) return nullptr;
    return &TokenAt(document, t - 1);
  };
  const auto next_of = [&](uint32_t t) -> const Token* {
    if (t + 1 >= all || t + 1 == body) return nullptr;
    const Token& following = TokenAt(document, t + 1);
    if (following.sentence_initial ||
        (following.gap_before != Gap::kSpace && following.gap_before != Gap::kAmpersand)) {
      return nullptr;
    }
    return &following;
  };
  // What a stop word is, looked up when first asked.
  std::vector<uint8_t> function(all, 0);
  const auto is = [&](uint32_t t, uint8_t what) {
    uint8_t& f = function[t];
    if (f == 0) {
      ToLowerAscii(document.Surface(TokenAt(document, t)), &lower);
      f = kKnownFunction | FunctionOf(lower);
    }
    return (f & what) != 0;
  };
  for (uint32_t t = 0; t < all; ++t) {
    const Token& token = TokenAt(document, t);
    const Token* previous = previous_of(t);
    const Token* next = next_of(t);
    if (token.stop) {
      // "Bank of England": a particle between name words joins them.
      if (!token.capitalized && previous != nullptr && next != nullptr && token.gap_before == Gap::kSpace &&
          is(t, kParticle)) {
        std::string scratch;
        if (NameWord(document, *previous, &scratch) && NameWord(document, *next, &scratch) &&
            !next->sentence_initial) {
          roles[t] = kJoinsName;
        }
      }
      if (token.kind == WordKind::kNumber && next != nullptr && !next->stop &&
          next->kind == WordKind::kLetter && IsYear(document.Surface(token))) {
        roles[t] = kCanStart | kYear;
      }
      continue;
    }
    const WordReading& reading = readings[t];
    WordClass word_class = reading.word_class;
    const bool spaced = previous != nullptr && token.gap_before == Gap::kSpace;
    const bool after_content = spaced && !previous->stop;
    const bool after_noun = after_content && (roles[t - 1] & kCanEnd);
    const bool after_adjective = after_content && readings[t - 1].word_class == WordClass::kAdjective;
    const bool after_determiner = spaced && previous->stop && is(t - 1, kDeterminer);
    const WordClass next_class =
        next != nullptr && !next->stop ? readings[t + 1].word_class : WordClass::kNoun;
    const bool before_adjective =
        next != nullptr && !next->stop &&
        (next_class == WordClass::kAdjective || next_class == WordClass::kParticiple);
    const bool before_determiner = next != nullptr && next->stop && is(t + 1, kDeterminer);
    const bool name = token.capitalized && !token.sentence_initial && !token.in_title &&
                      !(t < body && title_case[token.sentence]);
    bool verb = false;
    switch (word_class) {
      case WordClass::kGerund: {
        // After a comma: a participle clause (", promising 400 jobs").
        bool introduced = token.sentence_initial || token.gap_before == Gap::kPunct;
        if (previous != nullptr && previous->stop && token.gap_before == Gap::kSpace) {
          introduced = is(t - 1, kIntroducer);
        }
        // "corresponding to", "storing the data", "planting native
        // saplings": a verb with its object.
        if (!introduced && next != nullptr) {
          introduced = before_adjective || before_determiner || is(t + 1, kTo);
        }
        if (introduced) {
          roles[t] = kBreaks;
          continue;
        }
        break;
      }
      case WordClass::kParticiple:
        verb = after_noun || before_determiner || (spaced && previous->stop && is(t - 1, kAuxiliary));
        break;
      case WordClass::kVerb:
        // "a steady build", "the cut": a noun after all.
        if (reading.noun && (after_determiner || after_adjective)) word_class = WordClass::kNoun;
        break;
      case WordClass::kNoun: {
        // An -ing noun taking an object ("planting native saplings") or
        // after a plural subject ("people looking for work").
        if (reading.verb && !name && document.Surface(token).ends_with("ing") &&
            (before_adjective || before_determiner || (after_noun && readings[t - 1].plural))) {
          verb = true;
          break;
        }
        if (!after_noun || name || token.acronym) break;
        // "volunteers plant native trees", "grid operators struggle".
        if (reading.base_verb && !reading.plural && readings[t - 1].plural &&
            (reading.verb_common || before_adjective || before_determiner)) {
          verb = true;
          break;
        }
        const std::string_view word = document.Surface(token);
        if (word.size() < 4 || word.back() != 's' || word.ends_with("ss") || word.ends_with("us") ||
            word.ends_with("is")) {
          break;
        }
        // "the estimate falls", "LVMH moves forward": a predicate ending
        // its clause.
        // Not before an auxiliary: "the calorie counts will apply".
        // A headline's subject is mostly a name and its verb comes next, in
        // the present: "Parmalat boasts doubled profits", "Europe backs
        // digital TV". There an -s form whose verb uses are not rare is the
        // verb, unless a verb follows it ("Apple shares fall").
        const bool verb_follows = next != nullptr && !next->stop && readings[t + 1].base_verb &&
                                  readings[t + 1].verb_common && !readings[t + 1].plural;
        const bool headline_verb = token.in_title && !token.capitalized && previous->capitalized &&
                                   reading.verb_common && !verb_follows;
        verb =
            before_determiner || headline_verb ||
            (reading.verb_usual && !readings[t - 1].plural &&
             (next == nullptr || next_class == WordClass::kAdverb || (next->stop && !is(t + 1, kAuxiliary))));
        break;
      }
      case WordClass::kAdjective:
        // "students extra space": a plural noun rarely modifies, so an
        // adjective after one opens a new phrase.
        if (after_noun && !name && readings[t - 1].word_class == WordClass::kNoun && readings[t - 1].plural) {
          roles[t] = kCanStart | kSplitsBefore;
          continue;
        }
        // "the public", "the poor": an adjective standing for a noun.
        if (reading.noun && after_determiner && (next == nullptr || next->stop)) {
          word_class = WordClass::kNoun;
        }
        break;
      default:
        break;
    }
    roles[t] = verb ? kBreaks : RoleOf(word_class);
    // An -ing form WordNet knows only as a verb ("acquiring", "hiring")
    // modifies but is no noun: it does not end a tag.
    if (!verb && word_class == WordClass::kGerund && reading.known && !reading.noun) {
      roles[t] = kCanStart;
    }
  }
  // Hyphenated compounds are units ("out-of-print", "high-rise"): their
  // parts do not break a run, and only the last one's class counts, as a
  // modifier when it is a verb form.
  for (uint32_t t = 0; t + 1 < all; ++t) {
    if (t + 1 == body || TokenAt(document, t + 1).gap_before != Gap::kJoiner) continue;
    if (!TokenAt(document, t).stop) roles[t] = kCanStart | kCanEnd;
    const uint32_t last = t + 1;
    const bool chain_ends =
        last + 1 >= all || last + 1 == body || TokenAt(document, last + 1).gap_before != Gap::kJoiner;
    if (chain_ends && (roles[last] & kBreaks)) roles[last] = kCanStart | kCanEnd;
  }
  return roles;
}

// Removes from `candidate` its capitalised body occurrences that lie
// inside a longer capitalised name ("Angeles" of "Los Angeles", "Bank" of
// "Bank of America"): a piece of a name is not an occurrence of the
// candidate, and a candidate left without occurrences is no tag. Title
// occurrences say nothing (title case) and stay.
void DropNamePieces(const Document& document, const std::vector<uint8_t>& roles, Candidate* candidate) {
  const auto body = static_cast<uint32_t>(document.tokens.size());
  const int size = candidate->key.size;
  std::string lower;
  const auto name_word = [&](uint32_t t) { return NameWord(document, document.tokens[t], &lower); };
  // A name word at `t`, or a joining particle with a name word beyond it.
  const auto continues = [&](uint32_t t, bool left) {
    if (roles[t] & kJoinsName) {
      if (left ? t == 0 : t + 1 >= body) return false;
      const uint32_t beyond = left ? t - 1 : t + 1;
      return document.tokens[beyond].sentence == document.tokens[t].sentence && name_word(beyond);
    }
    return name_word(t);
  };
  const auto piece = [&](uint32_t start) {
    if (start >= body) return false;
    const Token& first = document.tokens[start];
    if (!first.capitalized && !first.acronym) return false;
    const auto joins = [](Gap gap) { return gap == Gap::kSpace || gap == Gap::kAmpersand; };
    if (!first.sentence_initial && joins(first.gap_before) && start > 0 && continues(start - 1, true)) {
      return true;
    }
    const uint32_t end = start + static_cast<uint32_t>(size);
    if (end >= body) return false;
    const Token& after = document.tokens[end];
    return !after.sentence_initial && joins(after.gap_before) && continues(end, false);
  };
  auto& starts = candidate->starts;
  const size_t before = starts.size();
  starts.erase(std::remove_if(starts.begin(), starts.end(), piece), starts.end());
  const auto removed = static_cast<uint32_t>(before - starts.size());
  if (removed == 0) return;
  candidate->frequency -= removed;
  candidate->proper -= std::min(candidate->proper, removed);
  candidate->whole_runs = std::min(candidate->whole_runs, candidate->frequency);
  candidate->modifiers = std::min(candidate->modifiers, candidate->frequency);
}

class CandidateTable {
 public:
  // `roles` (English only, else empty) holds one entry per token, body
  // then title; see TokenRoles.
  CandidateTable(const Document& document, const std::vector<uint8_t>& roles)
      : document_(document), roles_(roles) {}

  void AddRun(uint32_t begin, uint32_t end, int max_words) {
    // The longest noun phrase of the run: without leading words that cannot
    // start one and trailing words that cannot end one.
    uint32_t phrase_begin = begin;
    uint32_t phrase_end = end;
    if (!roles_.empty()) {
      while (phrase_begin < end && !(roles_[phrase_begin] & kCanStart)) ++phrase_begin;
      while (phrase_end > phrase_begin && !(roles_[phrase_end - 1] & kCanEnd)) --phrase_end;
    }
    for (uint32_t i = begin; i < end; ++i) {
      if (!roles_.empty() && !(roles_[i] & kCanStart)) continue;
      // Hyphenated compounds are not cut: "non-uniform" gives no "non".
      if (!roles_.empty() && i > begin && TokenAt(document_, i).gap_before == Gap::kJoiner) continue;
      NgramKey key;
      bool capitalized = true;
      int verbs = 0;
      bool nounlike = false;
      for (uint32_t n = 1; n <= static_cast<uint32_t>(max_words) && i + n <= end; ++n) {
        const Token& token = TokenAt(document_, i + n - 1);
        key.keys[n - 1] = token.key;
        key.size = static_cast<uint8_t>(n);
        // Title case says nothing about proper nouns, nor does a capital
        // opening a sentence unless the next word has one too.
        capitalized =
            capitalized && !token.in_title &&
            (token.capitalized || token.acronym || (!roles_.empty() && (roles_[i + n - 1] & kJoinsName)));
        const Token& first = TokenAt(document_, i);
        const bool proper = capitalized && (n > 1 || !first.sentence_initial || first.acronym);
        if (!roles_.empty()) {
          verbs += (roles_[i + n - 1] & kVerbal) ? 1 : 0;
          nounlike = nounlike || (roles_[i + n - 1] & kNounLike);
        }
        if (!roles_.empty() && !(roles_[i + n - 1] & kCanEnd)) continue;
        if (verbs > 1) break;
        if (verbs == 1 && !nounlike) continue;
        if (!roles_.empty() && i + n < end && TokenAt(document_, i + n).gap_before == Gap::kJoiner) continue;
        auto [it, inserted] = index_.try_emplace(key, static_cast<uint32_t>(candidates_.size()));
        if (inserted) {
          candidates_.emplace_back();
          candidates_.back().key = key;
          // The title is read first: a title-only candidate sits at the top.
          candidates_.back().first_sentence = token.in_title ? 0 : token.sentence;
          candidates_.back().last_sentence = candidates_.back().first_sentence;
        }
        Candidate& candidate = candidates_[it->second];
        ++candidate.frequency;
        if (i == phrase_begin && i + n == phrase_end) ++candidate.whole_runs;
        if (!roles_.empty() && i + n < phrase_end) ++candidate.modifiers;
        if (proper) ++candidate.proper;
        if (token.in_title) {
          ++candidate.in_title;
        } else {
          candidate.last_sentence = token.sentence;
        }
        candidate.starts.push_back(i);
      }
    }
  }

  std::vector<Candidate>& candidates() { return candidates_; }

 private:
  const Document& document_;
  const std::vector<uint8_t>& roles_;
  absl::flat_hash_map<NgramKey, uint32_t> index_;
  std::vector<Candidate> candidates_;
};

// Word centrality: personalised PageRank over co-occurrences of non-stop
// words. Returns one score per document key, averaging 1 over graph nodes.
std::vector<double> WordScores(const Document& document) {
  std::vector<int32_t> node_of_key(document.keys.size(), -1);
  std::vector<uint32_t> key_of_node;
  std::vector<double> teleport;
  std::vector<uint32_t> window;
  std::vector<std::pair<uint32_t, uint32_t>> edges;
  uint32_t sentence_rank = 0;
  // The title is read as the first sentence.
  const auto body_tokens = static_cast<uint32_t>(document.tokens.size());
  const auto all_tokens = static_cast<uint32_t>(body_tokens + document.title_tokens.size());
  for (size_t s = 0; s <= document.sentences.size(); ++s) {
    const bool title = s == 0;
    if (title && all_tokens == body_tokens) continue;
    const Sentence* sentence = title ? nullptr : &document.sentences[s - 1];
    if (!title && sentence->boilerplate) continue;
    ++sentence_rank;
    window.clear();
    const uint32_t first = title ? body_tokens : sentence->first_token;
    const uint32_t end = title ? all_tokens : sentence->end_token;
    for (uint32_t t = first; t < end; ++t) {
      const Token& token = TokenAt(document, t);
      if (token.stop) continue;
      int32_t& node = node_of_key[token.key];
      if (node < 0) {
        node = static_cast<int32_t>(key_of_node.size());
        key_of_node.push_back(token.key);
        teleport.push_back(0);
      }
      teleport[node] += 1.0 / sentence_rank;
      const size_t from =
          window.size() >= kCooccurrenceWindow - 1 ? window.size() - (kCooccurrenceWindow - 1) : 0;
      for (size_t k = from; k < window.size(); ++k) edges.emplace_back(window[k], node);
      window.push_back(static_cast<uint32_t>(node));
    }
  }
  std::vector<double> scores(document.keys.size(), 0.0);
  if (key_of_node.empty()) return scores;
  for (uint32_t key : document.title_keys) {
    if (key < node_of_key.size() && node_of_key[key] >= 0) teleport[node_of_key[key]] *= kTitleTeleportBoost;
  }
  GraphBuilder builder(static_cast<uint32_t>(key_of_node.size()));
  for (const auto& [a, b] : edges) builder.AddEdge(a, b, 1.0);
  // Word scores only weigh candidates against each other: a total error of
  // 1e-3 of the rank mass (under 0.1% of a typical word's score) changes no
  // ranking that matters and takes about 14 fewer iterations than 1e-4.
  const std::vector<double> rank =
      PersonalizedPageRank(builder.Build(), teleport, PageRankOptions{.tolerance = kWordRankTolerance});
  for (size_t node = 0; node < rank.size(); ++node) {
    scores[key_of_node[node]] = rank[node] * static_cast<double>(rank.size());
  }
  return scores;
}

// How name-heavy (news-like) the text is, in [0, 1]; see kNameLengthExponent.
struct Register {
  double names = 0;    // capitalised words inside sentences / content words
  double nominal = 0;  // lowercase nominalisations (-tion, -ity...) / content words
};

Register MeasureRegister(const Document& document) {
  static constexpr std::string_view kNominalSuffixes[] = {"tion", "tions", "sion", "sions", "ment", "ments",
                                                          "ity",  "ities", "ness", "ance",  "ence", "ism",
                                                          "sis",  "ics",   "ogy",  "ical",  "ive",  "al"};
  uint32_t content = 0;
  uint32_t names = 0;
  uint32_t nominal = 0;
  for (const Sentence& sentence : document.sentences) {
    if (sentence.boilerplate) continue;
    for (uint32_t t = sentence.first_token; t < sentence.end_token; ++t) {
      const Token& token = document.tokens[t];
      if (token.stop) continue;
      ++content;
      if (token.capitalized && !token.acronym && !token.sentence_initial) ++names;
      if (!token.capitalized && token.end - token.begin > 5) {
        const std::string_view word = document.Surface(token);
        for (std::string_view suffix : kNominalSuffixes) {
          if (word.ends_with(suffix)) {
            ++nominal;
            break;
          }
        }
      }
    }
  }
  if (content == 0) return {};
  return {static_cast<double>(names) / content, static_cast<double>(nominal) / content};
}

// Reported speech ("said", "told") marks news.
bool HasReportedSpeech(const Document& document) {
  for (const Token& token : document.tokens) {
    if (!token.stop || token.end - token.begin != 4) continue;
    const std::string_view word = document.Surface(token);
    if (word == "said" || word == "says" || word == "told") return true;
  }
  return false;
}

double Smoothstep(double x, double low, double high) {
  const double t = std::clamp((x - low) / (high - low), 0.0, 1.0);
  return t * t * (3 - 2 * t);
}

// How news-like the text is, in [0, 1]; see kTermLengthExponent.
double NewsWeight(const Document& document) {
  const Register r = MeasureRegister(document);
  const double speech = HasReportedSpeech(document) ? kReportedSpeechBonus : 0.0;
  return Smoothstep(r.names - r.nominal + speech, kLowRegister, kHighRegister);
}

bool InTitle(const std::vector<uint32_t>& title, const NgramKey& key) {
  if (key.size == 0 || title.size() < key.size) return false;
  for (size_t start = 0; start + key.size <= title.size(); ++start) {
    if (std::equal(key.keys.begin(), key.keys.begin() + key.size, title.begin() + start)) return true;
  }
  return false;
}

std::string SurfaceOf(const Document& document, uint32_t start, int size) {
  std::string out;
  for (int k = 0; k < size; ++k) {
    const Token& token = TokenAt(document, start + k);
    if (k > 0) {
      const Token& previous = TokenAt(document, start + k - 1);
      if (document.unspaced) {
        if (previous.latin && token.latin) out.push_back(' ');
      } else {
        if (token.gap_before == Gap::kJoiner) {
          out.push_back('-');
        } else {
          out.append(token.gap_before == Gap::kAmpersand ? " & " : " ");
        }
      }
    }
    if (token.acronym) {
      // Dotted acronyms as tags read as most news write them now: "US".
      for (char c : document.Surface(token)) {
        if (c != '.') out.push_back(c);
      }
    } else {
      out.append(document.Surface(token));
    }
  }
  return out;
}

// The most frequent surface form; sentence-initial capitals count less, so
// "subsidies" beats a single "Subsidies" at the start of a sentence.
std::string DisplayName(const Document& document, const Candidate& candidate) {
  std::vector<std::pair<std::string, double>> forms;
  // Index of each form in `forms`: a word written in many ways (case
  // variants) must not make this quadratic.
  absl::flat_hash_map<std::string, size_t> index;
  for (uint32_t start : candidate.starts) {
    const Token& first = TokenAt(document, start);
    const double weight =
        (first.sentence_initial || first.in_title) && first.capitalized && !first.acronym ? 0.3 : 1.0;
    std::string surface = SurfaceOf(document, start, candidate.key.size);
    auto [it, inserted] = index.try_emplace(surface, forms.size());
    if (inserted) {
      forms.emplace_back(std::move(surface), weight);
    } else {
      forms[it->second].second += weight;
    }
  }
  // Earliest form wins ties (stable max).
  auto best = forms.begin();
  for (auto it = forms.begin(); it != forms.end(); ++it) {
    if (it->second > best->second) best = it;
  }
  std::string name = std::move(best->first);
  // A phrase whose first word is capitalised only where it opens a sentence
  // or a sentence-case title, its other words lowercase, and which the text
  // writes in lower case elsewhere, is no name: it reads in lower case
  // ("government spending", not "Government spending"). A first word never
  // written in lower case may be a name or a nationality ("Japanese
  // shares", "Parmalat profits") and keeps its capital.
  if (!document.unspaced && candidate.key.size >= 2 && name.size() >= 2 && name[0] >= 'A' && name[0] <= 'Z' &&
      name[1] >= 'a' && name[1] <= 'z') {
    bool opening_only = true;
    for (uint32_t start : candidate.starts) {
      const Token& first = TokenAt(document, start);
      opening_only = opening_only && (first.sentence_initial || first.in_title);
      for (int k = 1; k < candidate.key.size && opening_only; ++k) {
        const Token& token = TokenAt(document, start + static_cast<uint32_t>(k));
        opening_only = !token.capitalized && !token.acronym;
      }
    }
    if (opening_only) {
      const uint32_t word = TokenAt(document, candidate.starts.front()).word;
      const bool lowercase_elsewhere =
          std::any_of(document.tokens.begin(), document.tokens.end(),
                      [&](const Token& t) { return t.word == word && !t.capitalized; });
      if (lowercase_elsewhere) name[0] = static_cast<char>(name[0] - 'A' + 'a');
    }
  }
  return name;
}

std::string KeyOf(const Document& document, const NgramKey& key) {
  std::string out;
  for (int k = 0; k < key.size; ++k) {
    if (k > 0 && !document.unspaced) out.push_back(' ');
    out.append(document.keys[key.keys[k]]);
  }
  return out;
}

// A Chinese candidate's text with a 64-bit set of the characters it holds:
// most pairs of candidates share few characters, and one AND of the sets
// rules out nesting before any byte search.
struct NestText {
  explicit NestText(std::string_view t) : text(t) {
    for (size_t pos = 0; pos < t.size();) {
      chars |= uint64_t{1} << ((static_cast<uint64_t>(DecodeUtf8(t, &pos)) * 0x9E3779B97F4A7C15ULL) >> 58);
    }
  }
  // Whether `inner` lies inside this text.
  bool Holds(const NestText& inner) const {
    return (inner.chars & ~chars) == 0 && inner.text.size() <= text.size() &&
           text.find(inner.text) != std::string_view::npos;
  }
  std::string_view text;
  uint64_t chars = 0;
};

// Non-overlapping occurrences of `needle` in `text`.
size_t CountOccurrences(std::string_view text, std::string_view needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); !needle.empty() && at != std::string_view::npos;
       at = text.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

// Chinese compounds nest (量子 / 量子计算 / 量子计算云平台): a candidate
// whose text lies inside a higher-ranked tag adds nothing of its own, and
// one family of nested forms takes at most two slots (a short form and one
// longer one). `paired[i]`: chosen tag i already nests with another chosen
// one (see PairedChineseTags).
bool RedundantChineseTag(const NestText& key, const std::vector<NestText>& selected,
                         const std::vector<bool>& paired) {
  int holds = 0;
  for (size_t i = 0; i < selected.size(); ++i) {
    if (selected[i].text.size() >= key.text.size()) {
      if (selected[i].Holds(key)) return true;
      continue;
    }
    if (!key.Holds(selected[i])) continue;
    // A tag already paired with a longer or shorter form takes no third.
    if (++holds > 1 || paired[i]) return true;
  }
  return false;
}

// Which chosen Chinese tags nest with another chosen one.
std::vector<bool> PairedChineseTags(const std::vector<NestText>& selected) {
  std::vector<bool> paired(selected.size(), false);
  for (size_t i = 0; i < selected.size(); ++i) {
    for (size_t j = i + 1; j < selected.size(); ++j) {
      const bool i_longer = selected[i].text.size() >= selected[j].text.size();
      const NestText& longer = i_longer ? selected[i] : selected[j];
      const NestText& shorter = i_longer ? selected[j] : selected[i];
      if (longer.Holds(shorter)) paired[i] = paired[j] = true;
    }
  }
  return paired;
}

}  // namespace

void TermStatistics::Add(const Document& document) {
  seen_.clear();
  for (const std::vector<Token>* tokens : {&document.tokens, &document.title_tokens}) {
    for (const Token& token : *tokens) {
      if (!token.stop) seen_.push_back(HashWord(document.keys[token.key]));
    }
  }
  if (seen_.empty()) return;
  std::sort(seen_.begin(), seen_.end());
  seen_.erase(std::unique(seen_.begin(), seen_.end()), seen_.end());
  table_.AddDocument(seen_);
}

double TermStatistics::Specificity(std::string_view key) const {
  const double documents = table_.documents();
  if (documents < 2) return 1.0;
  const double df = table_.Count(HashWord(key));
  return std::clamp(std::log((documents + 1) / (df + 1)) / std::log(documents + 1), 0.0, 1.0);
}

double TermStatistics::Confidence() const {
  return table_.documents() / (table_.documents() + kStatisticsHalfConfidence);
}

std::vector<ScoredTag> ExtractKeyphrases(const Document& document, const KeyphraseOptions& options,
                                         const TermStatistics* statistics) {
  const int max_words = document.unspaced ? kMaxWordsUnspaced : kMaxWordsSpaced;
  const std::vector<uint8_t> roles = TokenRoles(document);
  const auto breaks_at = [&](uint32_t t) { return !roles.empty() && (roles[t] & kBreaks); };
  const auto splits_at = [&](uint32_t t) { return !roles.empty() && (roles[t] & kSplitsBefore); };
  // A stop token ends a run, but for a particle inside a name and a year
  // before a noun.
  const auto stops_at = [&](uint32_t t) {
    return TokenAt(document, t).stop && (roles.empty() || !(roles[t] & (kJoinsName | kYear)));
  };
  CandidateTable table(document, roles);
  for (const Sentence& sentence : document.sentences) {
    if (sentence.boilerplate) continue;
    uint32_t run_begin = sentence.first_token;
    for (uint32_t t = sentence.first_token; t <= sentence.end_token; ++t) {
      bool breaks = t == sentence.end_token;
      if (!breaks) {
        const Token& token = document.tokens[t];
        breaks = stops_at(t) || breaks_at(t) || splits_at(t) || token.gap_before == Gap::kPunct ||
                 (t > sentence.first_token && document.tokens[t - 1].possessive);
      }
      if (!breaks) continue;
      if (run_begin < t) table.AddRun(run_begin, t, max_words);
      const bool stop = t < sentence.end_token && (stops_at(t) || breaks_at(t));
      run_begin = stop ? t + 1 : t;
    }
  }
  {
    const auto first = static_cast<uint32_t>(document.tokens.size());
    const auto end = static_cast<uint32_t>(first + document.title_tokens.size());
    uint32_t run_begin = first;
    for (uint32_t t = first; t <= end; ++t) {
      bool breaks = t == end;
      if (!breaks) {
        const Token& token = TokenAt(document, t);
        breaks = stops_at(t) || breaks_at(t) || splits_at(t) || token.gap_before == Gap::kPunct ||
                 (t > first && TokenAt(document, t - 1).possessive);
      }
      if (!breaks) continue;
      if (run_begin < t) table.AddRun(run_begin, t, max_words);
      const bool stop = t < end && (stops_at(t) || breaks_at(t));
      run_begin = stop ? t + 1 : t;
    }
  }

  const std::vector<double> word_scores = WordScores(document);
  const double confidence = statistics == nullptr ? 0.0 : statistics->Confidence();
  std::vector<double> word_specificity;
  if (confidence > 0) {
    word_specificity.assign(document.keys.size(), 1.0);
    for (size_t k = 0; k < document.keys.size(); ++k) {
      word_specificity[k] = statistics->Specificity(document.keys[k]);
    }
  }
  uint32_t content_sentences = 0;
  for (const Sentence& sentence : document.sentences) content_sentences += sentence.boilerplate ? 0 : 1;
  const double span = std::max<double>(1, content_sentences - 1.0);
  const double news = document.unspaced ? 0.0 : NewsWeight(document);
  const auto between = [news](double technical, double name) {
    return technical + (name - technical) * news;
  };
  uint32_t content_words = 0;
  for (const Sentence& sentence : document.sentences) {
    if (sentence.boilerplate) continue;
    for (uint32_t t = sentence.first_token; t < sentence.end_token; ++t) {
      content_words += document.tokens[t].stop ? 0 : 1;
    }
  }
  const double long_article =
      kLongArticleWeight * Smoothstep(content_words, kShortArticleWords, kLongArticleWords);
  const double frequency_exponent = kNameFrequencyExponent * news;
  const double graph_exponent = between(1.0, kNameGraphExponent);
  const double proper_weight = kProperWeight * news;
  const double single_word_weight = between(kTermSingleWordWeight, 1.0);
  const double whole_phrase_weight = 1 + between(kTermWholePhraseBonus, kNameWholePhraseBonus);
  const double generic_word_weight = between(kTermGenericWordWeight, kNameGenericWordWeight);
  const double generic_phrase_weight = between(kTermGenericPhraseWeight, 1.0);

  std::string lower;
  // Generic nouns by key (-1: not looked up yet); variants share a key.
  std::vector<int8_t> generic_key;
  if (!document.unspaced) generic_key.assign(document.keys.size(), -1);
  const auto generic = [&](uint32_t token) {
    const Token& t = TokenAt(document, token);
    int8_t& known = generic_key[t.key];
    if (known < 0) {
      ToLowerAscii(document.Surface(t), &lower);
      known = IsGenericNoun(lower) ? 1 : 0;
    }
    return known == 1;
  };

  // Chinese words: how rare each is in jieba's corpus, a background
  // specificity that needs no warm-up (see TermStatistics for the learned
  // one): log(total / frequency) / log(total), 1 for words it does not list.
  std::vector<double> zh_specificity;
  if (document.unspaced) {
    const CjkDictionary& dictionary = CjkDictionary::Get();
    const double log_total = std::log(static_cast<double>(dictionary.total_frequency()));
    zh_specificity.assign(document.keys.size(), 1.0);
    for (size_t k = 0; k < document.keys.size(); ++k) {
      if (auto entry = dictionary.Find(document.keys[k])) {
        zh_specificity[k] = (log_total - std::log(static_cast<double>(entry->frequency))) / log_total;
      }
    }
  }
  std::vector<Candidate>& candidates = table.candidates();
  std::vector<Candidate*> ranked;
  ranked.reserve(candidates.size());
  if (!roles.empty()) {
    for (Candidate& c : candidates) DropNamePieces(document, roles, &c);
  }
  // Capitalised adjectives standing alone ("Japanese", "Syrian"): weak
  // tags, dropped beside the name they derive from ("Syria").
  absl::flat_hash_map<std::string, bool> name_prefixes;
  if (!roles.empty()) {
    for (const Candidate& c : candidates) {
      if (c.key.size != 1 || c.frequency == 0) continue;
      const Token& token = TokenAt(document, c.starts.front());
      if (!token.capitalized || token.end - token.begin < kDemonymPrefix) continue;
      ToLowerAscii(document.Surface(token), &lower);
      if (!ReadWord(lower).adjective) name_prefixes.emplace(lower.substr(0, kDemonymPrefix), true);
    }
  }
  for (Candidate& c : candidates) {
    const int n = c.key.size;
    if (c.frequency == 0) continue;
    if (n > 1 && c.whole_runs == 0 && c.frequency < 2) continue;
    double demonym_weight = 1.0;
    if (!roles.empty() && n == 1) {
      const Token& token = TokenAt(document, c.starts.front());
      if (token.capitalized && !token.acronym) {
        ToLowerAscii(document.Surface(token), &lower);
        if (ReadWord(lower).adjective) {
          if (lower.size() >= kDemonymPrefix && name_prefixes.contains(lower.substr(0, kDemonymPrefix))) {
            continue;
          }
          demonym_weight = kDemonymWeight;
        }
      }
    }
    // A lone character is a piece of a word, never a tag.
    if (n == 1 && TokenAt(document, c.starts.front()).fragment) continue;
    if (document.unspaced && CountCodePoints(SurfaceOf(document, c.starts.front(), n)) > kMaxUnspacedChars) {
      continue;
    }
    double graph = 0;
    int title_words = 0;
    for (int k = 0; k < n; ++k) {
      graph += std::sqrt(word_scores[c.key.keys[k]]);
      if (std::find(document.title_keys.begin(), document.title_keys.end(), c.key.keys[k]) !=
          document.title_keys.end()) {
        ++title_words;
      }
    }
    // The news weight of this candidate's length (kRepeatedPhraseWeight).
    const double repeated =
        n > 1 ? kRepeatedPhraseWeight * Smoothstep(c.frequency, 1, kRepeatedPhraseCount) : 0.0;
    const double phrase_news = news * (1 - long_article) * (1 - repeated);
    const auto for_phrase = [phrase_news](double technical, double name) {
      return technical + (name - technical) * phrase_news;
    };
    const double exponent =
        document.unspaced ? kUnspacedLengthExponent : for_phrase(kTermLengthExponent, kNameLengthExponent);
    graph = std::pow(graph / std::pow(n, exponent), graph_exponent);
    // Names are units ("Bank" of "Bank of England" is no modifier use).
    double tf = c.frequency;
    if (!document.unspaced && n == 1 && 2 * c.proper <= c.frequency) {
      tf = std::max(1.0, tf - (1 - kModifierShare) * c.modifiers);
    }
    const double frequency = std::pow(tf, frequency_exponent) * (1 + std::log(tf));
    const double spread = 1 + kSpreadWeight * (c.last_sentence - c.first_sentence) / span;
    const double proper = 1 + proper_weight * c.proper / static_cast<double>(c.frequency);
    const double title = InTitle(document.title_keys, c.key)
                             ? 1 + kTitlePhraseWeight
                             : 1 + kTitleWordWeight * title_words / static_cast<double>(n);
    const double position = 1 + kLedeWeight / std::sqrt(1.0 + c.first_sentence);
    c.score = graph * frequency * spread * proper * title * position * demonym_weight;
    if (!document.unspaced) {
      // Names are units ("Kestrel Robotics"): less of the multi-word prior.
      const bool name = 2 * c.proper > c.frequency;
      c.score *= n == 1 ? single_word_weight
                 : name ? for_phrase(1.0, kNameMultiNameWeight)
                        : for_phrase(1.0, kNameMultiWordWeight);
      if (c.whole_runs > 0) c.score *= whole_phrase_weight;
      if (n == 1 && !name && news > 0) {
        ToLowerAscii(document.Surface(TokenAt(document, c.starts.front())), &lower);
        const double uses = ReadWord(lower).noun_uses;
        c.score /= 1 + kCommonNounWeight * news * std::log1p(uses);
      }
      bool all_generic = true;
      for (int k = 0; k < n && all_generic; ++k) all_generic = generic(c.starts.front() + k);
      if (all_generic) c.score *= n == 1 ? generic_word_weight : generic_phrase_weight;
    }
    if (!zh_specificity.empty()) {
      double specificity = 0;
      for (int k = 0; k < n; ++k) specificity += zh_specificity[c.key.keys[k]];
      c.score *= specificity / n;
    }
    if (confidence > 0) {
      double specificity = 0;
      const double of_rarest = document.unspaced ? 0.0 : kPhraseSpecificityOfRarest;
      double rarest = 0;
      for (int k = 0; k < n; ++k) {
        specificity += word_specificity[c.key.keys[k]];
        rarest = std::max(rarest, word_specificity[c.key.keys[k]]);
      }
      specificity = (1 - of_rarest) * specificity / n + of_rarest * rarest;
      c.score *= 1 - confidence + confidence * specificity;
    }
    if (c.score > 0) ranked.push_back(&c);
  }
  std::sort(ranked.begin(), ranked.end(), [](const Candidate* a, const Candidate* b) {
    if (a->score != b->score) return a->score > b->score;
    if (a->first_sentence != b->first_sentence) return a->first_sentence < b->first_sentence;
    return a->key.size < b->key.size;
  });

  const size_t max_tags = static_cast<size_t>(std::max(options.max_tags, 0));
  const size_t min_tags = static_cast<size_t>(std::clamp(options.min_tags, 0, std::max(options.max_tags, 0)));
  // Greedy selection with a penalty on variants (maximal marginal relevance
  // over the "one contains the other" relation, in news over "shares a
  // word"): "census" next to a chosen "1990 census", or "census bureau" next
  // to a chosen "census", counts for kVariantWeight of its score, once per
  // chosen variant, so variants of one topic come after the other topics
  // instead of taking their slots. A candidate whose
  // occurrences mostly lie inside chosen tags that contain it ("Action
  // Plan" inside "AI Action Plan") adds nothing of its own and is dropped.
  const double variant_weight = document.unspaced ? kUnspacedVariantWeight : kVariantWeight;
  const bool topics = !document.unspaced && news >= kTopicNewsWeight;
  const size_t considered = std::min(ranked.size(), kSelectionCandidates);
  // The words of each candidate as a 64-bit set: most pairs share none, and
  // one AND rules a shared word out.
  std::vector<uint64_t> words(considered, 0);
  std::vector<uint64_t> selected_words;
  for (uint32_t i = 0; i < considered && topics; ++i) {
    for (int k = 0; k < ranked[i]->key.size; ++k) {
      words[i] |= uint64_t{1} << (ranked[i]->key.keys[k] & 63);
    }
  }
  // A piece of one longer candidate ("bureau" where the text always says
  // "census bureau", "Angeles" of "Los Angeles") is not a tag of its own.
  // Chinese candidates are runs of dictionary words, most of which recur
  // with the same neighbour in a short text: there the rule would drop the
  // short terms (艾蒿 of 艾蒿超细粉) and keep the long runs; nested Chinese
  // forms are handled by RedundantChineseTag instead.
  std::vector<bool> piece(considered, false);
  for (uint32_t i = 0; i < considered && !document.unspaced; ++i) {
    const Candidate& c = *ranked[i];
    for (uint32_t j = 0; j < considered && !piece[i]; ++j) {
      const Candidate& d = *ranked[j];
      if (!d.key.Contains(c.key)) continue;
      uint32_t inside = 0;
      for (int offset = 0; offset + c.key.size <= d.key.size; ++offset) {
        if (!std::equal(c.key.keys.begin(), c.key.keys.begin() + c.key.size, d.key.keys.begin() + offset)) {
          continue;
        }
        for (uint32_t start : c.starts) {
          inside += std::find(d.starts.begin(), d.starts.end(), start - offset) != d.starts.end() ? 1 : 0;
        }
      }
      const double share = d.frequency >= kRepeatedPieceCount ? kRepeatedPieceShare : kPieceShare;
      piece[i] = inside >= share * c.frequency;
    }
  }
  std::vector<const Candidate*> selected;
  // Scores as chosen (variants weighted), so that they fall in tag order.
  std::vector<double> selected_scores;
  std::vector<bool> done(considered, false);
  // Chinese: the text of each candidate, and of the chosen ones.
  std::vector<std::string> zh_keys;
  std::vector<NestText> zh_texts;
  std::vector<NestText> zh_selected;
  std::vector<bool> zh_paired;
  if (document.unspaced) {
    zh_keys.reserve(considered);
    for (uint32_t i = 0; i < considered; ++i) zh_keys.push_back(KeyOf(document, ranked[i]->key));
    zh_texts.reserve(considered);
    for (const std::string& key : zh_keys) zh_texts.emplace_back(key);
  }
  // A chosen short form that the text writes only inside a longer chosen
  // tag (海默 of 霍克海默, 偏心 of 偏心涡) is a piece of it, as in English,
  // and gives its slot up. Counted in the text itself: one string may be
  // segmented differently where it recurs.
  std::vector<size_t> zh_selected_occurrences;
  // Keys are lowercase ("t细胞" of "T细胞"): the text is searched in ASCII
  // lower case too.
  std::string lower_text;
  std::string lower_title;
  if (document.unspaced) {
    ToLowerAscii(document.text, &lower_text);
    ToLowerAscii(document.title, &lower_title);
  }
  const auto occurrences = [&](std::string_view text) {
    return CountOccurrences(lower_text, text) + CountOccurrences(lower_title, text);
  };
  while (selected.size() < max_tags) {
    int best = -1;
    double best_score = 0;
    for (uint32_t i = 0; i < considered; ++i) {
      if (done[i] || piece[i]) continue;
      const Candidate* c = ranked[i];
      int variants = 0;
      uint32_t covered = 0;
      for (size_t k = 0; k < selected.size(); ++k) {
        const Candidate* s = selected[k];
        const bool inside = s->key.Contains(c->key);
        bool related = inside || c->key.Contains(s->key);
        if (!related && topics && (words[i] & selected_words[k]) != 0) {
          for (int a = 0; a < c->key.size && !related; ++a) {
            for (int b = 0; b < s->key.size && !related; ++b) {
              related = c->key.keys[a] == s->key.keys[b];
            }
          }
        }
        variants += related ? 1 : 0;
        if (inside) covered += s->frequency;
      }
      if (covered > 0 && c->frequency <= kMaxCoveredShare * covered) {
        done[i] = true;
        continue;
      }
      if (document.unspaced && RedundantChineseTag(zh_texts[i], zh_selected, zh_paired)) {
        done[i] = true;
        continue;
      }
      // A Chinese phrase with a verb inside that the text writes once is a
      // clause ("医院开展临床试验", "改造T细胞"), not a term: terms recur.
      if (document.unspaced && c->frequency < 2 && c->key.size >= 2 && !roles.empty()) {
        bool verbal = false;
        for (int k = 0; k < c->key.size && !verbal; ++k) {
          verbal = (roles[c->starts.front() + static_cast<uint32_t>(k)] & kVerbal) != 0;
        }
        if (verbal) {
          done[i] = true;
          continue;
        }
      }
      double score = c->score;
      for (int k = 0; k < variants; ++k) score *= variant_weight;
      if (best < 0 || score > best_score) {
        best = static_cast<int>(i);
        best_score = score;
      }
    }
    if (best < 0) break;
    if (selected.size() >= min_tags && best_score < kMinRelativeScore * ranked.front()->score) break;
    done[best] = true;
    if (document.unspaced) {
      const size_t count = occurrences(zh_texts[best].text);
      for (size_t s = zh_selected.size(); s-- > 0;) {
        if (zh_texts[best].Holds(zh_selected[s]) && count >= zh_selected_occurrences[s]) {
          zh_selected.erase(zh_selected.begin() + s);
          zh_selected_occurrences.erase(zh_selected_occurrences.begin() + s);
          selected.erase(selected.begin() + s);
          selected_words.erase(selected_words.begin() + s);
          selected_scores.erase(selected_scores.begin() + s);
        }
      }
      zh_selected.push_back(zh_texts[best]);
      zh_selected_occurrences.push_back(count);
      zh_paired = PairedChineseTags(zh_selected);
    }
    selected.push_back(ranked[best]);
    selected_words.push_back(words[best]);
    selected_scores.push_back(best_score);
  }

  std::vector<ScoredTag> tags;
  tags.reserve(selected.size());
  for (size_t i = 0; i < selected.size(); ++i) {
    tags.push_back(ScoredTag{DisplayName(document, *selected[i]), KeyOf(document, selected[i]->key),
                             selected_scores[i] / selected_scores.front()});
  }
  return tags;
}

}  // namespace newsflow::enrich

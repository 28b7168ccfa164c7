// The word class of a lowercase English word, standing in for a
// part-of-speech tagger when tag candidates are cut out of text: tags are
// noun phrases (adjective* noun+: "linear matrix inequalities", "computing
// power"), so a candidate should neither hold a verb nor end with an
// adjective or a participle.
//
// The classes come from WordNet (common/lexicon/english_lexicon.h): the
// classes a form can have, inflections resolved, and which one dominates by
// the SemCor tag counts. Nouns are favoured: a noun-and-verb word is a verb
// only when its verb uses outnumber its noun uses several times ("build",
// "settle"; not "plan", "design", "report"), since candidates lose more
// from a noun taken for a verb than the other way round. Words WordNet does
// not know (names, new coinages) are guessed by their suffix (-ly adverbs,
// -ed and -ing verb forms, -al/-ic/-ive/-ous/-able adjectives), else nouns.
// Context refines the class in keyphrases.cc.
//
//   GuessWordClass("reduces")      // kVerb
//   GuessWordClass("distributed")  // kParticiple
//   GuessWordClass("signal")       // kNoun
//
// Thread-safe.
#ifndef NEWSFLOW_SERVICES_ENRICH_CORE_WORD_CLASS_H_
#define NEWSFLOW_SERVICES_ENRICH_CORE_WORD_CLASS_H_

#include <cstdint>
#include <string_view>

namespace newsflow::enrich {

enum class WordClass : uint8_t {
  kNoun,        // nouns, names and anything unknown
  kAdjective,   // may modify a noun, cannot end a noun phrase
  kVerb,        // finite or base verb form that is rarely a noun ("reduces")
  kParticiple,  // -ed form or irregular past participle ("distributed", "built")
  kGerund,      // -ing form that is not mainly a noun ("acquiring")
  kAdverb,      // "efficiently", "newly"
};

// What WordNet says of a word, for the contextual rules.
struct WordReading {
  WordClass word_class = WordClass::kNoun;
  bool known = false;      // WordNet knows the form
  bool noun = false;       // has a noun reading
  bool verb = false;       // has a verb reading
  bool adjective = false;  // has an adjective reading
  bool plural = false;     // a noun plural that is no noun lemma itself ("volunteers")
  bool base_verb = false;  // a verb lemma as written ("plant", "struggle")
  // Verb uses are not rare beside noun uses (at least a quarter of them):
  // after a plural noun such a base form is likely the predicate ("grid
  // operators struggle").
  bool verb_common = false;
  // Verb uses at least four times the noun uses: an -s form of it after a
  // singular noun and before the end of a clause is a verb ("the estimate
  // falls", "LVMH moves forward").
  bool verb_usual = false;
  // How often the noun senses were tagged in SemCor, a sample of general
  // English: high for nouns that fit any story ("world", "side", "figure",
  // "state"), low for topical ones ("census", "debt", "spyware").
  uint32_t noun_uses = 0;
};

// `lower_word` is lowercase UTF-8; non-ASCII words are unknown nouns.
// Cached per thread.
WordReading ReadWord(std::string_view lower_word);

inline WordClass GuessWordClass(std::string_view lower_word) { return ReadWord(lower_word).word_class; }

// Whether `lower_word` is a preposition or a verb-introducing function word
// ("to", "for", "by", "of"): an -ing word right after one is a gerund verb
// taking an object ("for acquiring materials"), not a noun modifier.
bool IntroducesGerund(std::string_view lower_word);

// Whether `lower_word` (singular or plural) is a noun that fits almost any
// text ("method", "results", "report"): a weak tag on its own.
bool IsGenericNoun(std::string_view lower_word);

// Whether `lower_word` opens a noun phrase ("the", "its", "them"): a word
// that looks like a plural noun right between a noun and one of these is a
// verb ("the method reduces the cost").
bool IsDeterminer(std::string_view lower_word);

}  // namespace newsflow::enrich

#endif  // NEWSFLOW_SERVICES_ENRICH_CORE_WORD_CLASS_H_

// A light guess of the word class of a lowercase English word, standing in
// for a part-of-speech tagger when tag candidates are cut out of text: tags
// are noun phrases (adjective* noun+: "linear matrix inequalities",
// "computing power"), so a candidate should neither start with a verb nor
// end with an adjective or a participle.
//
// The guess looks at the word alone: closed lists of frequent verbs and
// adjectives that carry no suffix cue, suffix rules (-ly adverbs, -ed and
// -ing verb forms, -al/-ic/-ive/-ous/-able adjectives), and exception lists
// of nouns that look otherwise ("signal", "variable", "family", "speed").
// Anything else is a noun. Ambiguous words default to their noun reading
// ("control", "design", "plan"), since candidates lose more from a noun
// taken for a verb than the other way round.
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

// `lower_word` is lowercase UTF-8; non-ASCII words are nouns.
WordClass GuessWordClass(std::string_view lower_word);

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

// Stop word lists for the enrichment logic: words that carry grammar rather
// than topic, so they never start, end or join a tag candidate. Sentence
// similarity leaves out only the function words.
//
// The lists are written for newsflow: besides function words they hold
// reporting verbs ("said", "told"), calendar words and other high-frequency
// news vocabulary that make poor tags.
//
// Thread safety: the lists are immutable after first use; all functions are
// safe to call from any thread.
#ifndef NEWSFLOW_SERVICES_ENRICH_CORE_STOPWORDS_H_
#define NEWSFLOW_SERVICES_ENRICH_CORE_STOPWORDS_H_

#include <string_view>

namespace newsflow::enrich {

// Returns true if `lower_word` (an English word, already lowercased; a
// trailing possessive already removed) is an English stop word.
bool IsEnglishStopWord(std::string_view lower_word);

// Returns true if `lower_word` is an English function word (determiner,
// pronoun, auxiliary, preposition, conjunction, degree/time adverb): a
// subset of the stop words that carries no content in any use. "said",
// "billion" or "March" are stop words but not function words.
bool IsEnglishFunctionWord(std::string_view lower_word);

// Returns true if `word` (one word as segmented by ICU) is a Chinese stop
// word: a particle, pronoun, conjunction, preposition, auxiliary or generic
// news filler.
bool IsChineseStopWord(std::string_view word);

// True if there is a stop word list for `language` (ISO 639-1: "en", "zh",
// "de", "fr", "es", "it", "pt", "nl", "ru").
bool HasStopWordList(std::string_view language);

// Returns true if `lower_word` is a stop word of `language`; false for
// languages without a list. For the languages other than English and
// Chinese, every stop word is a function word.
bool IsStopWord(std::string_view language, std::string_view lower_word);

}  // namespace newsflow::enrich

#endif  // NEWSFLOW_SERVICES_ENRICH_CORE_STOPWORDS_H_

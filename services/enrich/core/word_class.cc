#include "services/enrich/core/word_class.h"

#include <algorithm>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "absl/container/flat_hash_map.h"
#include "common/lexicon/english_lexicon.h"

namespace newsflow::enrich {
namespace {

// clang-format off
constexpr std::string_view kGerundIntroducers[] = {
    "for", "of", "by", "in", "on", "to", "with", "from", "into", "after", "before",
    "without", "through", "while", "when", "upon", "about", "via", "towards", "toward",
    "against", "besides", "despite", "since", "is", "are", "was", "were", "be", "been",
    "am", "not", "also", "thus", "then", "further", "further", "by", "before",
};
// clang-format on

// Nouns that fit almost any text: on their own they rarely name what a
// text is about ("method", "results", "report", "people").
// clang-format off
constexpr std::string_view kGenericNouns[] = {
    "method", "approach", "technique", "system", "problem", "result", "paper", "study",
    "article", "case", "type", "class", "form", "way", "basis", "account", "example", "effect",
    "property", "concept", "procedure", "application", "use", "work", "research",
    "investigation", "evaluation", "solution", "criterion", "criteria", "aspect", "issue",
    "factor", "condition", "value", "level", "order", "term", "part", "number", "amount",
    "degree", "range", "kind", "means", "manner", "purpose", "goal", "task", "need", "fact",
    "idea", "question", "answer", "view", "step", "stage", "phase", "element", "unit", "group",
    "sort", "variety", "series", "framework", "tool", "mechanism", "principle", "practice",
    "strategy", "operation", "implementation", "development", "quality", "accuracy",
    "efficiency", "effectiveness", "advantage", "drawback", "limitation", "requirement",
    "difference", "comparison", "relationship", "relation", "combination", "extension",
    "version", "instance", "situation", "context", "scenario", "environment", "object",
    "objective", "feature", "characteristic", "attribute", "item", "point", "area", "field",
    "scope", "role", "importance", "significance", "possibility", "ability", "capability",
    "help", "support", "change", "increase", "decrease", "reduction", "improvement", "growth",
    "consideration", "discussion", "description", "presentation", "overview", "review",
    "survey", "summary", "conclusion", "introduction", "experiment", "test", "observation",
    "measurement", "estimate", "estimation", "calculation", "computation", "determination",
    "realization", "formulation", "construction", "definition", "representation",
    "interpretation", "explanation", "technology", "information", "data", "content",
    "material", "resource", "product", "output", "input", "people", "person", "man", "woman",
    "men", "women", "member", "world", "country", "city", "place", "home", "life", "report",
    "news", "story", "statement", "comment", "source", "official", "spokesman",
    "spokeswoman", "interview", "end", "start", "beginning", "lot", "deal", "plan", "move",
    "effort", "attempt", "decision", "action", "measure", "thing", "time", "year", "day",
    "week", "month", "today", "moment", "period", "firm", "company", "nation", "cost",
    "figure", "quarter", "share", "side",
};
// clang-format on

// Words that open a noun phrase; a plural-looking word right between a noun
// and one of these is a verb ("the method reduces the cost").
// clang-format off
constexpr std::string_view kDeterminers[] = {
    "the", "a", "an", "this", "these", "those", "its", "their", "his", "her", "our", "it",
    "them", "him",
};
// clang-format on

// Adjective endings, tried longest first; a word must be at least three
// letters longer than its ending.
// clang-format off
constexpr std::string_view kAdjectiveSuffixes[] = {
    "ical", "ious", "eous", "able", "ible", "less", "ful", "ous", "ive", "ial", "al", "ic",
};
// clang-format on

// A word with a noun reading is a verb when its verb uses (SemCor counts,
// plus one) exceed its noun uses this many times ("build" 46x, "settle",
// "show"; not "lead", "rise", "care", "file"); an -s form, whose plural noun
// reading is common in noun phrases, needs more ("settles", not "cuts").
// Likewise an adverb.
constexpr uint32_t kVerbDominance = 10;
constexpr uint32_t kPluralVerbDominance = 30;
// An adjective-and-noun word is an adjective when its adjective uses exceed
// its noun uses this many times ("steady", "extra", "japanese"; not
// "variable", "objective").
constexpr uint32_t kAdjectiveDominance = 2;
// Words cached per thread before the cache is cleared.
constexpr size_t kMaxCachedWords = size_t{1} << 16;

bool IsAscii(std::string_view word) {
  for (char c : word) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// Words WordNet does not know: suffix cues, else a noun.
WordClass GuessBySuffix(std::string_view word) {
  const size_t n = word.size();
  if (n > 4 && word.ends_with("ly")) return WordClass::kAdverb;
  if (n > 4 && word.ends_with("ed") && !word.ends_with("eed")) return WordClass::kParticiple;
  if (n > 5 && word.ends_with("ing")) return WordClass::kGerund;
  for (std::string_view suffix : kAdjectiveSuffixes) {
    if (n >= suffix.size() + 3 && word.ends_with(suffix)) return WordClass::kAdjective;
  }
  return WordClass::kNoun;
}

WordReading Classify(std::string_view word) {
  WordReading out;
  if (word.size() < 3 || !IsAscii(word)) return out;
  using L = EnglishLexicon;
  const L::Reading r = L::Get().Read(word);
  if (!r.known()) {
    out.word_class = GuessBySuffix(word);
    return out;
  }
  out.known = true;
  out.noun = r.Has(L::kNoun);
  out.verb = r.Has(L::kVerb);
  out.adjective = r.Has(L::kAdjective);
  out.plural = (r.inflected_classes & L::kNoun) && !(r.lemma_classes & L::kNoun);
  out.base_verb = (r.lemma_classes & L::kVerb) != 0;
  out.noun_uses = out.noun ? r.counts[L::kNounSlot] : 0;
  const auto weight = [&](L::Class c, L::Slot slot) -> uint32_t { return r.Has(c) ? r.counts[slot] + 1 : 0; };
  const uint32_t noun = weight(L::kNoun, L::kNounSlot);
  const uint32_t verb = weight(L::kVerb, L::kVerbSlot);
  const uint32_t adjective = weight(L::kAdjective, L::kAdjectiveSlot);
  const uint32_t adverb = weight(L::kAdverb, L::kAdverbSlot);
  out.verb_common = out.verb && 4 * verb >= noun;
  out.verb_usual = out.verb && verb >= 4 * noun;
  // Verb forms: -ing, -ed and irregular past forms (not the base).
  const bool verb_form = out.verb && !out.base_verb && !word.ends_with('s');
  const bool gerund = verb_form && word.ends_with("ing");
  const uint32_t dominance = word.ends_with('s') && out.plural ? kPluralVerbDominance : kVerbDominance;
  if (gerund && (r.lemma_classes & L::kNoun) && r.counts[L::kNounSlot] > 0) {
    // An -ing noun in use ("building", "learning", "processing"); a verbal
    // use shows in context (keyphrases.cc). Untagged ones ("acquiring",
    // "computing") are gerunds that may still end a tag.
    out.word_class = WordClass::kNoun;
  } else if (adverb > 0 && adverb > kVerbDominance * std::max(noun, adjective) && adverb >= verb) {
    out.word_class = WordClass::kAdverb;
  } else if (verb > dominance * std::max(noun, adjective) || (verb > 0 && noun == 0 && adjective == 0)) {
    out.word_class = gerund ? WordClass::kGerund : verb_form ? WordClass::kParticiple : WordClass::kVerb;
  } else if (adjective > kAdjectiveDominance * noun) {
    // "distributed", "drawn": participles that are adjectives too still
    // read as participles when the verb is used more.
    out.word_class = verb_form && verb >= adjective ? WordClass::kParticiple : WordClass::kAdjective;
  } else if (noun > 0) {
    out.word_class = WordClass::kNoun;
  } else {
    out.word_class = WordClass::kAdverb;
  }
  return out;
}

}  // namespace

WordReading ReadWord(std::string_view word) {
  thread_local absl::flat_hash_map<std::string, WordReading> cache;
  const absl::string_view key(word.data(), word.size());
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  if (cache.size() >= kMaxCachedWords) cache.clear();
  return cache.emplace(std::string(word), Classify(word)).first->second;
}

bool IsGenericNoun(std::string_view lower_word) {
  static const auto* const kSet = [] {
    auto* set = new std::unordered_map<std::string_view, bool>();
    for (std::string_view word : kGenericNouns) set->emplace(word, true);
    return set;
  }();
  if (kSet->contains(lower_word)) return true;
  // Plurals: "methods", "approaches", "studies".
  if (lower_word.size() < 4 || lower_word.back() != 's') return false;
  std::string_view stem = lower_word.substr(0, lower_word.size() - 1);
  if (kSet->contains(stem)) return true;
  if (stem.back() == 'e' && kSet->contains(stem.substr(0, stem.size() - 1))) return true;
  if (lower_word.ends_with("ies")) {
    std::string singular(lower_word.substr(0, lower_word.size() - 3));
    singular.push_back('y');
    return kSet->contains(singular);
  }
  return false;
}

bool IsDeterminer(std::string_view lower_word) {
  for (std::string_view word : kDeterminers) {
    if (word == lower_word) return true;
  }
  return false;
}

bool IntroducesGerund(std::string_view lower_word) {
  for (std::string_view word : kGerundIntroducers) {
    if (word == lower_word) return true;
  }
  return false;
}

}  // namespace newsflow::enrich

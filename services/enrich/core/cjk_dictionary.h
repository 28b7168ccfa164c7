// CjkDictionary reads the Chinese/Japanese word dictionary that ICU ships
// for its word break iterator ("cjdict" in ICU's break-iterator data) and
// segments runs of Han characters with it.
//
// Each dictionary word carries a cost, lower for more frequent words (the
// same costs ICU's own CJK break engine minimises). Segment() picks the
// split of a run with the least total cost, a character outside the
// dictionary costing kUnknownCost, which is what ICU's engine computes for
// Han text, without its per-call iterator, normalisation and cache
// overhead. The costs double as a background word-frequency model: a word
// with a high cost is rare in general text, so specific when an article
// repeats it.
//
//   const CjkDictionary* dictionary = CjkDictionary::Get();
//   if (dictionary != nullptr) dictionary->Segment("上海推出补贴计划", &scratch, &words);
//   // words: {上海, 0..6}, {推出, 6..12}, {补贴, 12..18}, {计划, 18..24}
//
// Thread-safe: the dictionary is immutable; scratch space is the caller's.
#ifndef NEWSFLOW_SERVICES_ENRICH_CORE_CJK_DICTIONARY_H_
#define NEWSFLOW_SERVICES_ENRICH_CORE_CJK_DICTIONARY_H_

#include <unicode/ucharstrie.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace newsflow::enrich {

// Terms a deployment adds to the dictionary (domain vocabulary, names):
// each comes out of Segment() as one word wherever it occurs, ahead of any
// split the built-in dictionary prefers.
class CjkUserWords {
 public:
  // Adds `word` (UTF-8); terms without a Han character, or longer than the
  // segmenter's 20-unit word limit, are ignored. Returns whether it was added.
  bool Add(std::string_view word);
  bool empty() const { return words_.empty(); }
  size_t size() const { return words_.size(); }
  size_t max_units() const { return max_units_; }
  bool Contains(std::u16string_view units) const { return words_.find(units) != words_.end(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::u16string_view s) const { return std::hash<std::u16string_view>{}(s); }
  };
  std::unordered_set<std::u16string, Hash, std::equal_to<>> words_;
  size_t max_units_ = 0;
};

// One segmented word: UTF-8 byte offsets into the run, and its cost
// (kUnknownCost for a character outside the dictionary).
struct CjkWord {
  uint32_t begin = 0;
  uint32_t end = 0;
  int cost = 0;
};

class CjkDictionary {
 public:
  // Cost of a character the dictionary does not know (ICU uses the same).
  static constexpr int kUnknownCost = 255;

  // Reusable buffers for Segment(); one per thread.
  struct Scratch {
    std::vector<char16_t> units;
    std::vector<uint32_t> offsets;
    std::vector<int32_t> best;
    std::vector<int32_t> from;
    std::vector<int32_t> cost;
  };

  // The process-wide dictionary, or nullptr when ICU's data has none (a
  // trimmed ICU build); callers then fall back to ICU's break iterator.
  static const CjkDictionary* Get();

  // Cost of a user word: below any split of it into dictionary words.
  static constexpr int kUserWordCost = 10;

  // Appends the words of `run` (UTF-8, Han characters only) to `*words`,
  // offsets relative to `run` plus `base`. `user` (optional) adds words.
  void Segment(std::string_view run, uint32_t base, Scratch* scratch, std::vector<CjkWord>* words,
               const CjkUserWords* user = nullptr) const;

  // The cost of `word` (UTF-8) if it is a dictionary word, else -1.
  int Cost(std::string_view word) const;

 private:
  explicit CjkDictionary(const char16_t* trie);
  static const CjkDictionary* Load();

  // The first step into the trie for Han characters of the BMP, looked up
  // once: the root's branch over thousands of characters is the costliest
  // step of every lookup.
  static constexpr char16_t kFirstCached = 0x3400;
  static constexpr char16_t kLastCached = 0x9FFF;
  struct FirstStep {
    icu::UCharsTrie::State state;
    UStringTrieResult result = USTRINGTRIE_NO_MATCH;
  };

  const char16_t* trie_;  // ICU UCharsTrie serialisation with values
  std::vector<FirstStep> first_steps_;
};

}  // namespace newsflow::enrich

#endif  // NEWSFLOW_SERVICES_ENRICH_CORE_CJK_DICTIONARY_H_

// CjkDictionary segments runs of Han characters into Chinese words and gives
// each word its word class, with jieba's dictionary: some 350,000 words, each
// with a frequency in a large corpus and a part-of-speech tag ("n", "nr",
// "v", "uj", ...; jieba's tag set extends the PKU/ICTCLAS one). The file is
// compiled into the binary (dict.txt of Debian's python3-jieba, MIT) and
// parsed once, on first use, into a hash table whose keys point into the
// embedded bytes.
//
// Segment() does what jieba's default cut does: it builds the graph of
// every dictionary word in the run and takes the path of greatest
// probability, a word weighing log(frequency / total frequency) and a
// character outside the dictionary log(1 / total). Runs of single
// characters on that path hold the words the dictionary lacks (names,
// transliterations, new terms); jieba hands each such run to a character
// HMM (the B/M/E/S tables of its finalseg module, also embedded here).
// Given common characters that HMM also glues free words into spurious
// ones ("率高" out of 退货率|高企), so here it only sees stretches of bound
// characters, ones that rarely stand as words by themselves (less frequent
// than kBoundCharFrequency in the .cc, and no function word); the others
// stay single. A joined word outside the dictionary has the class
// kNewWord.
//
//   const CjkDictionary& dictionary = CjkDictionary::Get();
//   dictionary.Segment("上海推出补贴计划", 0, &scratch, &words);
//   // words: {上海, 0..6, kPlace}, {推出, 6..12, kVerb}, {补贴, 12..18, kVerb},
//   //        {计划, 18..24, kNoun}
//
// Japanese text does not come here: ICU's break iterator segments it (its
// dictionary covers kana and Japanese kanji compounds).
//
// Thread-safe: the dictionary is immutable; scratch space is the caller's.
#ifndef NEWSFLOW_SERVICES_ENRICH_CORE_CJK_DICTIONARY_H_
#define NEWSFLOW_SERVICES_ENRICH_CORE_CJK_DICTIONARY_H_

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

namespace newsflow::enrich {

// Word classes of Chinese words, grouped from jieba's tags by what they mean
// for a tag: which may head a noun phrase, which may only stand inside one,
// which never belong in one.
enum class ChineseWordClass : uint8_t {
  kNone,            // not a Chinese word (Latin, numbers), or not classed
  kNoun,            // n, ng, nz, nw, g, j (abbreviations), l (fixed phrases),
                    // k (suffixes: "者"), zg (bound roots: "度")
  kPersonName,      // nr, nrt, nrfg, nrg
  kPlace,           // ns
  kOrganisation,    // nt
  kVerbalNoun,      // vn: a verb used as a noun ("管理", "研究")
  kAdjectivalNoun,  // an
  kNewWord,         // a run of characters joined outside the dictionary, or a user word
  kVerb,            // v, vg, vd, vi, vq
  kAdjective,       // a, ag, z (descriptive)
  kDistinguishing,  // b: non-predicate adjective ("大型", "男"); h: prefix ("非")
  kAdverb,          // d, dg, df, ad
  kNumeral,         // m, mg
  kMeasure,         // q, mq
  kPronoun,         // r, rr, rz, rg
  kPreposition,     // p
  kConjunction,     // c
  kParticle,        // u*, uj, ul, y (modal), e (interjection), o (onomatopoeia)
  kDirection,       // f: "上", "内", "之间"
  kTime,            // t, tg
  kPlaceWord,       // s: "周围", "附近"
  kIdiom,           // i (chengyu)
  kOther,           // x and anything else
};

// The class of a jieba tag ("n", "nr", "uj", ...).
ChineseWordClass ChineseWordClassOfTag(std::string_view tag);

// Terms a deployment adds to the dictionary (domain vocabulary, names):
// each comes out of Segment() as one word (class kNewWord) wherever it
// occurs, ahead of any split the dictionary prefers.
class CjkUserWords {
 public:
  // Adds `word` (UTF-8); terms without a Han character, of a single
  // character, or longer than kMaxWordChars are ignored. Returns whether it
  // was added.
  bool Add(std::string_view word);
  bool empty() const { return words_.empty(); }
  size_t size() const { return words_.size(); }
  size_t max_chars() const { return max_chars_; }
  bool Contains(std::string_view word) const { return words_.find(word) != words_.end(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_set<std::string, Hash, std::equal_to<>> words_;
  size_t max_chars_ = 0;
};

// One segmented word: UTF-8 byte offsets and its class. `bound` marks a
// single character that rarely stands as a word by itself ("率", "畸"): a
// piece of a longer term the dictionary does not list.
struct CjkWord {
  uint32_t begin = 0;
  uint32_t end = 0;
  ChineseWordClass word_class = ChineseWordClass::kNone;
  bool bound = false;
};

class CjkDictionary {
 private:
  struct Slot;

 public:
  // Longest word looked up, in characters (jieba's longest is 16).
  static constexpr size_t kMaxWordChars = 20;

  // Reusable buffers for Segment(); one per thread.
  struct Scratch {
    std::vector<uint32_t> offsets;  // byte offset of each character, then the end
    std::vector<char32_t> chars;
    std::vector<double> route;   // best log probability of the suffix from each character
    std::vector<uint32_t> next;  // end (character index) of the first word of that suffix
    std::vector<ChineseWordClass> classes;
    std::vector<uint8_t> back;            // HMM: best previous state per character and state
    std::vector<const Slot*> char_slots;  // dictionary entry of each character alone
    std::vector<const Slot*> word_slots;  // of the first word of route[i]
  };

  // What the dictionary says about one word.
  struct Entry {
    uint32_t frequency = 0;
    std::string_view tag;  // jieba's tag, e.g. "n"
    ChineseWordClass word_class = ChineseWordClass::kNone;
  };

  // The process-wide dictionary, parsed from the embedded file on first use.
  static const CjkDictionary& Get();

  // Appends the words of `run` (UTF-8, Han characters only) to `*words`,
  // offsets relative to `run` plus `base`. `user` (optional) adds words.
  void Segment(std::string_view run, uint32_t base, Scratch* scratch, std::vector<CjkWord>* words,
               const CjkUserWords* user = nullptr) const;

  // The entry of `word` (UTF-8) if it is a dictionary word (frequency > 0).
  std::optional<Entry> Find(std::string_view word) const;

  size_t size() const { return words_; }
  uint64_t total_frequency() const { return total_; }

 private:
  // A word or a proper prefix of one (frequency 0), as a place in the file.
  struct Slot {
    uint32_t offset = 0;
    uint32_t frequency = 0;
    uint8_t length = 0;  // bytes
    uint8_t tag = 0;     // index into tags_; 0 (no tag) for a prefix
  };
  struct SlotHash {
    using is_transparent = void;
    const char* base = nullptr;
    size_t operator()(std::string_view s) const;
    size_t operator()(const Slot& slot) const;
  };
  struct SlotEq {
    using is_transparent = void;
    const char* base = nullptr;
    std::string_view View(const Slot& slot) const { return {base + slot.offset, slot.length}; }
    bool operator()(const Slot& a, const Slot& b) const { return View(a) == View(b); }
    bool operator()(const Slot& a, std::string_view b) const { return View(a) == b; }
    bool operator()(std::string_view a, const Slot& b) const { return a == View(b); }
  };

  CjkDictionary(std::string_view data, std::string_view hmm_start, std::string_view hmm_trans,
                std::string_view hmm_emit);
  const Slot* FindSlot(std::string_view word) const;
  // Emits `run`'s characters [begin, end), single words on the dictionary's
  // path, as the HMM cuts them.
  void CutUnknown(std::string_view run, size_t begin, size_t end, uint32_t base, Scratch* s,
                  std::vector<CjkWord>* words, bool bound_only = false) const;
  // Whether character `i` of `run` rarely stands as a word by itself.
  bool IsBoundChar(size_t i, const Scratch& s) const;
  void Emit(std::string_view run, size_t begin, size_t end, uint32_t base, const Scratch& s,
            std::vector<CjkWord>* words) const;

  std::string_view data_;
  absl::flat_hash_set<Slot, SlotHash, SlotEq> slots_;
  std::vector<std::string_view> tags_;
  std::vector<ChineseWordClass> tag_classes_;
  uint64_t total_ = 0;
  size_t words_ = 0;
  double log_total_ = 0;
  // jieba's character HMM (finalseg): log probabilities of the first state,
  // of state transitions, and of each character in each state.
  // The entry of each single BMP Han character (nullptr: none), looked up
  // once: every character of a run starts with this lookup.
  static constexpr char32_t kFirstCached = 0x3400;
  static constexpr char32_t kLastCached = 0x9FFF;
  std::vector<const Slot*> char_slots_;
  // The entries of two such characters, by PairKey: the second lookup of
  // every character, kept off the large table and the file's bytes.
  static uint32_t PairKey(char32_t a, char32_t b) {
    return static_cast<uint32_t>((a - kFirstCached) << 15 | (b - kFirstCached));
  }
  absl::flat_hash_map<uint32_t, const Slot*> pair_slots_;
  std::array<double, 4> hmm_start_{};
  std::array<std::array<double, 4>, 4> hmm_trans_{};
  absl::flat_hash_map<char32_t, std::array<double, 4>> hmm_emit_;
};

}  // namespace newsflow::enrich

#endif  // NEWSFLOW_SERVICES_ENRICH_CORE_CJK_DICTIONARY_H_

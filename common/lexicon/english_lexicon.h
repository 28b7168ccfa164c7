// English word classes, lemmas and abbreviations from WordNet 3.0 (Debian's
// wordnet-base), compiled into the binary (cmake: newsflow_embed_file) so
// that no data file has to be found at run time.
//
// What is read:
//   - index.noun/verb/adj/adv: every lemma and the classes it has;
//   - cntlist.rev: how often each sense was tagged in the SemCor corpus,
//     summed per lemma and class. WordNet lists rare senses as readily as
//     common ones ("build" has two noun senses), so the counts, not the
//     lists, say which class dominates: "build" 2 noun / 139 verb,
//     "plant" 100 noun / 11 verb;
//   - noun.exc/verb.exc/adj.exc/adv.exc: irregular inflections ("mice",
//     "drawn", "better"); regular ones are detached by WordNet's "morphy"
//     rules ("subsidies" -> "subsidy", "planted" -> "plant").
//   - synset offsets of nouns, to pair abbreviations with the multiword
//     name of the same synset whose initials they are ("us" -> "united
//     states", "eu" -> "european union"; "america" is in the synset of
//     "united states" but is not its initials, so it stays).
//
// The files are parsed once, on first use (some 180 million instructions,
// a tenth of a second or so); the tables hold
// views into the embedded bytes. Words are lowercase ASCII; multiword lemmas
// are written with spaces or underscores ("mad cow disease").
//
//   const EnglishLexicon& lexicon = EnglishLexicon::Get();
//   lexicon.Read("planted").classes()        // kVerb (and kAdjective: "planted" is one)
//   lexicon.NounLemma("subsidies", &scratch)  // "subsidy"
//   lexicon.IsLemma("police brutality")       // true
//   lexicon.Expansion("uk")                   // "united kingdom"
//
// Thread-safe: immutable after construction.
#ifndef NEWSFLOW_COMMON_LEXICON_ENGLISH_LEXICON_H_
#define NEWSFLOW_COMMON_LEXICON_ENGLISH_LEXICON_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"

namespace newsflow {

class EnglishLexicon {
 public:
  // Word classes, as bits.
  enum Class : uint8_t { kNoun = 1, kVerb = 2, kAdjective = 4, kAdverb = 8 };
  // Index into the per-class arrays below.
  enum Slot : uint8_t { kNounSlot = 0, kVerbSlot = 1, kAdjectiveSlot = 2, kAdverbSlot = 3 };

  // What a word form can be.
  struct Reading {
    // Classes in which the form itself is a lemma ("plant": noun, verb).
    uint8_t lemma_classes = 0;
    // Classes in which it is an inflection of another lemma ("plants":
    // noun plural and verb third person of "plant").
    uint8_t inflected_classes = 0;
    // SemCor tag counts per Slot, of the best lemma the form belongs to in
    // that class.
    std::array<uint32_t, 4> counts{};

    uint8_t classes() const { return lemma_classes | inflected_classes; }
    bool known() const { return classes() != 0; }
    bool Has(Class c) const { return (classes() & c) != 0; }
  };

  // The lexicon of the embedded WordNet files, parsed on first call.
  static const EnglishLexicon& Get();

  // Classes and counts of a lowercase word form, inflections resolved by
  // the exception lists, then by the morphy detachment rules (a detached
  // form counts only when it is a lemma of that class).
  Reading Read(std::string_view lower_word) const;

  // The noun lemma of a lowercase word: the word itself when it is a noun
  // lemma ("news", "physics", "athens"), else the lemma it inflects
  // ("subsidies" -> "subsidy", "mice" -> "mouse"); empty when the word is
  // no noun. The result views the lexicon or `*scratch`.
  std::string_view NounLemma(std::string_view lower_word, std::string* scratch) const;

  // Whether a lowercase word or multiword expression (spaces or
  // underscores between words) is a lemma of any class.
  bool IsLemma(std::string_view lower_phrase) const;
  // ... of the given classes.
  bool IsLemmaOf(std::string_view lower_phrase, uint8_t classes) const;

  // The multiword name (words joined by spaces) that the lowercase
  // abbreviation stands for ("us", "usa" -> "united states"), or empty.
  // An abbreviation is paired with a name when they share a noun synset,
  // its letters are the initials of the name (function words skipped), the
  // pairing is unambiguous (or the most tagged among several), and the
  // abbreviation is not a common word in another sense ("cat" is not
  // "computerized axial tomography"). No word of a name is itself an
  // abbreviation, so expanding is idempotent.
  std::string_view Expansion(std::string_view lower_word) const;

  // Number of distinct lemmas (all classes).
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    uint8_t classes = 0;
    std::array<uint32_t, 4> counts{};
  };
  // First lemma of an irregular form, per Slot (empty: none).
  struct Exception {
    std::array<std::string_view, 4> lemmas{};
  };

  EnglishLexicon();
  void ParseIndex(std::string_view bytes, Slot slot);
  void ParseExceptions(std::string_view bytes, Slot slot);
  void ParseCounts(std::string_view bytes);
  void PairAbbreviations();
  const Entry* Find(std::string_view lemma) const;
  // The lemma of `form` in class `slot` by exceptions or morphy, or empty.
  std::string_view Detach(std::string_view form, Slot slot, std::string* scratch) const;

  // Lemma (underscores between words, as in the files) -> classes, counts.
  absl::flat_hash_map<std::string_view, Entry> entries_;
  absl::flat_hash_map<std::string_view, Exception> exceptions_;
  // Abbreviation -> name (spaces between words; owned strings).
  absl::flat_hash_map<std::string_view, std::string> expansions_;
  // Noun index lines kept for pairing abbreviations; cleared afterwards.
  absl::flat_hash_map<std::string_view, std::string_view> noun_offsets_;
};

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_LEXICON_ENGLISH_LEXICON_H_

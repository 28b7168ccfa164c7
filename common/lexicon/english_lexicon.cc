#include "common/lexicon/english_lexicon.h"

#include <algorithm>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "embedded/wordnet_adj_exc.h"
#include "embedded/wordnet_adv_exc.h"
#include "embedded/wordnet_cntlist_rev.h"
#include "embedded/wordnet_index_adj.h"
#include "embedded/wordnet_index_adv.h"
#include "embedded/wordnet_index_noun.h"
#include "embedded/wordnet_index_verb.h"
#include "embedded/wordnet_noun_exc.h"
#include "embedded/wordnet_verb_exc.h"

namespace newsflow {
namespace {

// Longest abbreviation paired with a name, in letters.
constexpr size_t kMaxAbbreviation = 5;
// An abbreviation that is also a word tagged this often in SemCor (any use
// at all) is only expanded when the name is its first sense.
constexpr uint32_t kCommonWordCount = 1;

// WordNet's morphy detachment rules: suffix -> replacement, per class.
struct Rule {
  std::string_view suffix;
  std::string_view ending;
};
constexpr Rule kNounRules[] = {{"s", ""},      {"ses", "s"},   {"xes", "x"},   {"zes", "z"},
                               {"ches", "ch"}, {"shes", "sh"}, {"men", "man"}, {"ies", "y"}};
constexpr Rule kVerbRules[] = {{"s", ""},   {"ies", "y"}, {"es", "e"},  {"es", ""},
                               {"ed", "e"}, {"ed", ""},   {"ing", "e"}, {"ing", ""}};
constexpr Rule kAdjectiveRules[] = {{"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}};

// Words skipped when initials are taken ("United States of America" ->
// "usa", "Bank for International Settlements" -> "bis").
bool SkippedInInitials(std::string_view word) {
  return word == "of" || word == "and" || word == "the" || word == "for" || word == "on" || word == "in" ||
         word == "de" || word == "du";
}

// Splits `text` into lines and calls `f` on each non-empty one.
template <typename F>
void ForEachLine(std::string_view text, F f) {
  while (!text.empty()) {
    size_t end = text.find('\n');
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) f(line);
    text.remove_prefix(std::min(end + 1, text.size()));
  }
}

// Next space-separated field of `*line`, consumed.
std::string_view NextField(std::string_view* line) {
  while (!line->empty() && line->front() == ' ') line->remove_prefix(1);
  size_t end = line->find(' ');
  if (end == std::string_view::npos) end = line->size();
  const std::string_view field = line->substr(0, end);
  line->remove_prefix(end);
  return field;
}

uint32_t ParseNumber(std::string_view field) {
  uint32_t n = 0;
  for (char c : field) {
    if (c < '0' || c > '9') return n;
    n = n * 10 + static_cast<uint32_t>(c - '0');
  }
  return n;
}

// Initials of an underscored lemma with function words skipped; empty if a
// word does not start with a letter or the lemma has one word.
std::string Initials(std::string_view lemma) {
  std::string out;
  int words = 0;
  while (!lemma.empty()) {
    size_t end = lemma.find('_');
    if (end == std::string_view::npos) end = lemma.size();
    const std::string_view word = lemma.substr(0, end);
    lemma.remove_prefix(std::min(end + 1, lemma.size()));
    ++words;
    if (word.empty() || !(word[0] >= 'a' && word[0] <= 'z')) return "";
    if (!SkippedInInitials(word)) out.push_back(word[0]);
  }
  return words >= 2 ? out : "";
}

size_t CountWords(std::string_view lemma) { return std::count(lemma.begin(), lemma.end(), '_') + 1; }

bool ContainsOffset(std::string_view offsets, std::string_view offset) {
  while (!offsets.empty()) {
    if (NextField(&offsets) == offset) return true;
  }
  return false;
}

}  // namespace

const EnglishLexicon& EnglishLexicon::Get() {
  static const EnglishLexicon* const kLexicon = new EnglishLexicon();
  return *kLexicon;
}

EnglishLexicon::EnglishLexicon() {
  entries_.reserve(160000);
  ParseIndex(embedded::wordnet_index_noun(), kNounSlot);
  ParseIndex(embedded::wordnet_index_verb(), kVerbSlot);
  ParseIndex(embedded::wordnet_index_adj(), kAdjectiveSlot);
  ParseIndex(embedded::wordnet_index_adv(), kAdverbSlot);
  ParseExceptions(embedded::wordnet_noun_exc(), kNounSlot);
  ParseExceptions(embedded::wordnet_verb_exc(), kVerbSlot);
  ParseExceptions(embedded::wordnet_adj_exc(), kAdjectiveSlot);
  ParseExceptions(embedded::wordnet_adv_exc(), kAdverbSlot);
  ParseCounts(embedded::wordnet_cntlist_rev());
  PairAbbreviations();
}

// index.pos line: lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt
// tagsense_cnt synset_offset...; the license header lines start with spaces.
void EnglishLexicon::ParseIndex(std::string_view bytes, Slot slot) {
  ForEachLine(bytes, [&](std::string_view line) {
    if (line.front() == ' ') return;
    const std::string_view lemma = NextField(&line);
    Entry& entry = entries_[lemma];
    entry.classes |= static_cast<uint8_t>(1u << slot);
    if (slot != kNounSlot) return;
    // Offsets of nouns that may pair as abbreviation and name.
    const bool multiword = lemma.find('_') != std::string_view::npos;
    bool short_word = lemma.size() >= 2 && lemma.size() <= kMaxAbbreviation;
    for (char c : lemma) short_word = short_word && c >= 'a' && c <= 'z';
    if (!multiword && !short_word) return;
    NextField(&line);  // pos
    NextField(&line);  // synset_cnt
    const uint32_t pointers = ParseNumber(NextField(&line));
    for (uint32_t p = 0; p < pointers; ++p) NextField(&line);
    NextField(&line);  // sense_cnt
    NextField(&line);  // tagsense_cnt
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
    noun_offsets_[lemma] = line;
  });
}

// x.exc line: inflected_form lemma [lemma...].
void EnglishLexicon::ParseExceptions(std::string_view bytes, Slot slot) {
  ForEachLine(bytes, [&](std::string_view line) {
    const std::string_view form = NextField(&line);
    const std::string_view lemma = NextField(&line);
    if (form.empty() || lemma.empty()) return;
    std::string_view& slot_lemma = exceptions_[form].lemmas[slot];
    if (slot_lemma.empty()) slot_lemma = lemma;
  });
}

// cntlist.rev line: lemma%ss_type:lex_filenum:lex_id:head_word:head_id
// sense_number tag_cnt; ss_type 1 noun, 2 verb, 3 adjective, 4 adverb,
// 5 adjective satellite.
void EnglishLexicon::ParseCounts(std::string_view bytes) {
  ForEachLine(bytes, [&](std::string_view line) {
    const std::string_view key = NextField(&line);
    NextField(&line);  // sense_number
    const uint32_t count = ParseNumber(NextField(&line));
    const size_t percent = key.find('%');
    if (percent == std::string_view::npos || percent + 1 >= key.size() || count == 0) return;
    static constexpr int kSlotOfType[] = {-1,          kNounSlot,     kVerbSlot, kAdjectiveSlot,
                                          kAdverbSlot, kAdjectiveSlot};
    const int type = key[percent + 1] - '0';
    if (type < 1 || type > 5) return;
    auto it = entries_.find(key.substr(0, percent));
    if (it == entries_.end()) return;
    it->second.counts[kSlotOfType[type]] += count;
  });
}

void EnglishLexicon::PairAbbreviations() {
  struct Pairing {
    std::string_view synset;  // offset
    bool first_sense = false;
  };
  absl::flat_hash_map<std::string_view, std::vector<Pairing>> pairings;
  // Per synset: the shortest paired name, the synset's canonical name, and
  // the largest SemCor count of its paired names, plus one.
  absl::flat_hash_map<std::string_view, std::string_view> canonical;
  absl::flat_hash_map<std::string_view, uint32_t> synset_weight;
  for (const auto& [lemma, offsets] : noun_offsets_) {
    const std::string initials = Initials(lemma);
    if (initials.size() < 2 || initials.size() > kMaxAbbreviation) continue;
    auto abbreviation = noun_offsets_.find(initials);
    if (abbreviation == noun_offsets_.end()) continue;
    std::string_view abbreviation_offsets = abbreviation->second;
    bool first = true;
    while (!abbreviation_offsets.empty()) {
      const std::string_view offset = NextField(&abbreviation_offsets);
      if (offset.empty()) break;
      if (ContainsOffset(offsets, offset)) {
        const Entry* entry = Find(lemma);
        pairings[abbreviation->first].push_back(Pairing{offset, first});
        uint32_t& weight = synset_weight[offset];
        weight = std::max(weight, 1 + (entry ? entry->counts[kNounSlot] : 0));
        std::string_view& best = canonical[offset];
        if (best.empty() || CountWords(lemma) < CountWords(best) ||
            (CountWords(lemma) == CountWords(best) && lemma.size() < best.size())) {
          best = lemma;
        }
      }
      first = false;
    }
  }
  for (auto& [abbreviation, candidates] : pairings) {
    // The synset of the most tagged name; a tie between synsets is
    // ambiguous ("ai": army intelligence, artificial intelligence, ...).
    const Pairing* best = nullptr;
    uint32_t best_weight = 0;
    bool tie = false;
    for (const Pairing& p : candidates) {
      const uint32_t weight = synset_weight[p.synset];
      if (best == nullptr || weight > best_weight) {
        best = &p;
        best_weight = weight;
        tie = false;
      } else if (weight == best_weight && p.synset != best->synset) {
        tie = true;
      }
    }
    if (tie) continue;
    const Entry* entry = Find(abbreviation);
    uint32_t uses = 0;
    if (entry != nullptr) {
      for (uint32_t c : entry->counts) uses += c;
    }
    if (!best->first_sense && uses >= kCommonWordCount) continue;
    std::string name(canonical[best->synset]);
    std::replace(name.begin(), name.end(), '_', ' ');
    expansions_.emplace(abbreviation, std::move(name));
  }
  // A name holding a word that is itself an abbreviation would expand again.
  std::vector<std::string_view> unstable;
  for (const auto& [abbreviation, name] : expansions_) {
    std::string_view rest = name;
    while (!rest.empty()) {
      const std::string_view word = NextField(&rest);
      if (expansions_.contains(word)) unstable.push_back(abbreviation);
    }
  }
  for (std::string_view abbreviation : unstable) expansions_.erase(abbreviation);
  noun_offsets_ = {};
}

const EnglishLexicon::Entry* EnglishLexicon::Find(std::string_view lemma) const {
  auto it = entries_.find(lemma);
  return it == entries_.end() ? nullptr : &it->second;
}

std::string_view EnglishLexicon::Detach(std::string_view form, Slot slot, std::string* scratch) const {
  if (auto it = exceptions_.find(form); it != exceptions_.end() && !it->second.lemmas[slot].empty()) {
    return it->second.lemmas[slot];
  }
  std::span<const Rule> rules;
  switch (slot) {
    case kNounSlot:
      rules = kNounRules;
      break;
    case kVerbSlot:
      rules = kVerbRules;
      break;
    case kAdjectiveSlot:
      rules = kAdjectiveRules;
      break;
    case kAdverbSlot:
      return {};
  }
  // "ss" is no plural ("glass"), and a detached stem needs two letters.
  if (slot == kNounSlot && form.ends_with("ss")) return {};
  const uint8_t bit = static_cast<uint8_t>(1u << slot);
  for (const Rule& rule : rules) {
    if (form.size() < rule.suffix.size() + 2 || !form.ends_with(rule.suffix)) continue;
    scratch->assign(form.substr(0, form.size() - rule.suffix.size()));
    scratch->append(rule.ending);
    const Entry* entry = Find(*scratch);
    if (entry != nullptr && (entry->classes & bit)) {
      return *scratch;
    }
  }
  return {};
}

EnglishLexicon::Reading EnglishLexicon::Read(std::string_view word) const {
  Reading reading;
  if (word.empty()) return reading;
  if (const Entry* entry = Find(word)) {
    reading.lemma_classes = entry->classes;
    reading.counts = entry->counts;
  }
  std::string scratch;
  for (int slot = kNounSlot; slot <= kAdverbSlot; ++slot) {
    const std::string_view lemma = Detach(word, static_cast<Slot>(slot), &scratch);
    if (lemma.empty() || lemma == word) continue;
    const Entry* entry = Find(lemma);
    if (entry == nullptr) continue;
    reading.inflected_classes |= static_cast<uint8_t>(1u << slot);
    reading.counts[slot] = std::max(reading.counts[slot], entry->counts[slot]);
  }
  return reading;
}

std::string_view EnglishLexicon::NounLemma(std::string_view word, std::string* scratch) const {
  if (const Entry* entry = Find(word); entry != nullptr && (entry->classes & kNoun)) {
    return entries_.find(word)->first;
  }
  return Detach(word, kNounSlot, scratch);
}

bool EnglishLexicon::IsLemmaOf(std::string_view phrase, uint8_t classes) const {
  const Entry* entry;
  if (phrase.find(' ') == std::string_view::npos) {
    entry = Find(phrase);
  } else {
    std::string underscored(phrase);
    std::replace(underscored.begin(), underscored.end(), ' ', '_');
    entry = Find(underscored);
  }
  return entry != nullptr && (entry->classes & classes) != 0;
}

bool EnglishLexicon::IsLemma(std::string_view phrase) const {
  return IsLemmaOf(phrase, kNoun | kVerb | kAdjective | kAdverb);
}

std::string_view EnglishLexicon::Expansion(std::string_view word) const {
  auto it = expansions_.find(word);
  return it == expansions_.end() ? std::string_view() : std::string_view(it->second);
}

}  // namespace newsflow

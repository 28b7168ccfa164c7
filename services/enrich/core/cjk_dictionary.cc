#include "services/enrich/core/cjk_dictionary.h"

#include <unicode/ucharstrie.h>
#include <unicode/udata.h>
#include <unicode/utf16.h>

#include <algorithm>
#include <climits>
#include <cstddef>

#include "services/enrich/core/utf8.h"

namespace newsflow::enrich {
namespace {

// Layout of ICU's dictionary data (dictionarydata.h in ICU's sources): a
// table of int32 indexes, then the trie. Only a UTF-16 trie with values is
// usable here.
constexpr int kIndexTrieOffset = 0;
constexpr int kIndexTrieType = 4;
constexpr int kIndexCount = 8;
constexpr int32_t kTrieTypeMask = 7;
constexpr int32_t kTrieTypeUChars = 1;
constexpr int32_t kTrieHasValues = 8;

// Longest dictionary word considered, in UTF-16 units (ICU's limit is 20).
constexpr size_t kMaxWordUnits = 20;

// Appends `text` as UTF-16 to `units`, with the UTF-8 offset of each unit.
void ToUtf16(std::string_view text, std::vector<char16_t>* units, std::vector<uint32_t>* offsets) {
  units->clear();
  offsets->clear();
  for (size_t pos = 0; pos < text.size();) {
    const auto start = static_cast<uint32_t>(pos);
    const char32_t cp = DecodeUtf8(text, &pos);
    if (cp <= 0xFFFF) {
      units->push_back(static_cast<char16_t>(cp));
      offsets->push_back(start);
    } else {
      units->push_back(static_cast<char16_t>(U16_LEAD(cp)));
      units->push_back(static_cast<char16_t>(U16_TRAIL(cp)));
      offsets->push_back(start);
      offsets->push_back(start);
    }
  }
  offsets->push_back(static_cast<uint32_t>(text.size()));
}

}  // namespace

const CjkDictionary* CjkDictionary::Load() {
  UErrorCode status = U_ZERO_ERROR;
  UDataMemory* data =
      udata_open(U_ICUDATA_NAME U_TREE_SEPARATOR_STRING "brkitr", "dict", "cjdict", &status);
  if (U_FAILURE(status) || data == nullptr) return nullptr;
  const auto* indexes = static_cast<const int32_t*>(udata_getMemory(data));
  if (indexes == nullptr || indexes[kIndexTrieOffset] < kIndexCount * 4 ||
      (indexes[kIndexTrieType] & kTrieTypeMask) != kTrieTypeUChars ||
      (indexes[kIndexTrieType] & kTrieHasValues) == 0) {
    udata_close(data);
    return nullptr;
  }
  // `data` stays open for the life of the process: the trie points into it.
  const auto* trie = reinterpret_cast<const char16_t*>(
      reinterpret_cast<const char*>(indexes) + indexes[kIndexTrieOffset]);
  return new CjkDictionary(trie);
}

CjkDictionary::CjkDictionary(const char16_t* trie)
    : trie_(trie), first_steps_(kLastCached - kFirstCached + 1) {
  icu::UCharsTrie walker(trie_);
  for (char16_t unit = kFirstCached;; ++unit) {
    FirstStep& step = first_steps_[unit - kFirstCached];
    step.result = walker.first(unit);
    walker.saveState(step.state);
    if (unit == kLastCached) break;
  }
}

const CjkDictionary* CjkDictionary::Get() {
  static const CjkDictionary* const kDictionary = Load();
  return kDictionary;
}

int CjkDictionary::Cost(std::string_view word) const {
  std::vector<char16_t> units;
  std::vector<uint32_t> offsets;
  ToUtf16(word, &units, &offsets);
  if (units.empty()) return -1;
  icu::UCharsTrie trie(trie_);
  UStringTrieResult result = trie.first(units[0]);
  for (size_t i = 1; i < units.size(); ++i) {
    if (!USTRINGTRIE_HAS_NEXT(result)) return -1;
    result = trie.next(units[i]);
  }
  return USTRINGTRIE_HAS_VALUE(result) ? trie.getValue() : -1;
}

bool CjkUserWords::Add(std::string_view word) {
  std::vector<char16_t> units;
  std::vector<uint32_t> offsets;
  ToUtf16(word, &units, &offsets);
  bool han = false;
  for (size_t pos = 0; pos < word.size() && !han;) han = IsHan(DecodeUtf8(word, &pos));
  if (!han || units.size() < 2 || units.size() > kMaxWordUnits) return false;
  words_.emplace(units.begin(), units.end());
  max_units_ = std::max(max_units_, units.size());
  return true;
}

void CjkDictionary::Segment(std::string_view run, uint32_t base, Scratch* s,
                            std::vector<CjkWord>* words, const CjkUserWords* user) const {
  ToUtf16(run, &s->units, &s->offsets);
  const size_t n = s->units.size();
  if (n == 0) return;
  // best[i]: least cost of segmenting units [0, i); from[i]: where the last
  // word of that segmentation starts; cost[i]: that word's cost.
  s->best.assign(n + 1, INT32_MAX);
  s->from.assign(n + 1, 0);
  s->cost.assign(n + 1, 0);
  s->best[0] = 0;
  const auto relax = [s](size_t i, size_t j, int32_t cost) {
    if (s->best[i] + cost < s->best[j]) {
      s->best[j] = s->best[i] + cost;
      s->from[j] = static_cast<int32_t>(i);
      s->cost[j] = cost;
    }
  };
  for (size_t i = 0; i < n; ++i) {
    if (s->best[i] == INT32_MAX) continue;  // inside a surrogate pair
    const size_t char_units = U16_IS_LEAD(s->units[i]) && i + 1 < n ? 2 : 1;
    bool single = false;
    icu::UCharsTrie trie(trie_);
    UStringTrieResult result;
    if (const char16_t unit = s->units[i]; unit >= kFirstCached && unit <= kLastCached) {
      const FirstStep& step = first_steps_[unit - kFirstCached];
      trie.resetToState(step.state);
      result = step.result;
    } else {
      result = trie.first(unit);
    }
    for (size_t j = i + 1;; ++j) {
      if (USTRINGTRIE_HAS_VALUE(result) && !(j < n && U16_IS_TRAIL(s->units[j]))) {
        relax(i, j, trie.getValue());
        single = single || j - i == char_units;
      }
      if (!USTRINGTRIE_HAS_NEXT(result) || j >= n || j - i >= kMaxWordUnits) break;
      result = trie.next(s->units[j]);
    }
    if (!single) relax(i, i + char_units, kUnknownCost);
    if (user != nullptr && !user->empty()) {
      for (size_t j = i + 2; j <= n && j - i <= user->max_units(); ++j) {
        if (j < n && U16_IS_TRAIL(s->units[j])) continue;
        if (user->Contains(std::u16string_view(s->units.data() + i, j - i))) {
          relax(i, j, kUserWordCost);
        }
      }
    }
  }
  // Walk back from the end, then append the words in order.
  const size_t first = words->size();
  for (size_t j = n; j > 0;) {
    const auto i = static_cast<size_t>(s->from[j]);
    words->push_back(CjkWord{base + s->offsets[i], base + s->offsets[j], s->cost[j]});
    j = i;
  }
  std::reverse(words->begin() + static_cast<std::ptrdiff_t>(first), words->end());
}

}  // namespace newsflow::enrich

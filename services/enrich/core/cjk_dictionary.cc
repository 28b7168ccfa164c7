#include "services/enrich/core/cjk_dictionary.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "absl/hash/hash.h"
#include "embedded/jieba_dict.h"
#include "embedded/jieba_hmm_emit.h"
#include "embedded/jieba_hmm_start.h"
#include "embedded/jieba_hmm_trans.h"
#include "services/enrich/core/unicode_text.h"

namespace newsflow::enrich {
namespace {

// A single character less frequent than this as a word of its own is a
// bound morpheme in practice ("畸", "率", "尼"): it lives inside longer
// words, so one left alone by segmentation may close a compound ("退货" +
// "率"). Frequent characters ("的", "是", "买", "书") are words of their own.
// jieba's corpus counts: 率 8,539, 机 6,937, 尼 2,819; 买 10,529, 书 18,993,
// 是 796,991.
constexpr uint32_t kBoundCharFrequency = 10000;

// The HMM's states, in the order of its tables: a character begins, ends,
// is in the middle of, or is a single-character word.
enum HmmState { kBegin = 0, kEnd = 1, kMiddle = 2, kSingle = 3 };
constexpr double kHmmMin = -3.14e100;  // jieba's log of "impossible"

int HmmStateOf(char32_t c) {
  switch (c) {
    case 'B':
      return kBegin;
    case 'E':
      return kEnd;
    case 'M':
      return kMiddle;
    case 'S':
      return kSingle;
    default:
      return -1;
  }
}

// Reads the Python dict literal assigned in one of jieba's HMM table files
// ("P={'B': {'\u4e00': -3.65, ...}, ...}" or "P={'B': -0.26, ...}"),
// calling `value(outer, inner, number)` for each number; `inner` is 0 at
// the first level. Keys are one character, written as is or as \u escapes.
class PyTableReader {
 public:
  explicit PyTableReader(std::string_view text) : text_(text) {}

  template <typename F>
  bool Read(F&& value) {
    pos_ = text_.find("P=");
    if (pos_ == std::string_view::npos) return false;
    pos_ += 2;
    return Map(0, value);
  }

 private:
  void Space() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\r' || text_[pos_] == '\t')) {
      ++pos_;
    }
  }
  bool Key(char32_t* key) {
    Space();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) return false;
    const char quote = text_[pos_++];
    if (text_.substr(pos_, 2) == "\\u" && pos_ + 6 <= text_.size()) {
      uint32_t cp = 0;
      std::from_chars(text_.data() + pos_ + 2, text_.data() + pos_ + 6, cp, 16);
      *key = cp;
      pos_ += 6;
    } else {
      *key = DecodeUtf8(text_, &pos_);
    }
    if (pos_ >= text_.size() || text_[pos_] != quote) return false;
    ++pos_;
    Space();
    if (pos_ >= text_.size() || text_[pos_] != ':') return false;
    ++pos_;
    return true;
  }
  template <typename F>
  bool Map(char32_t outer, F& value) {
    Space();
    if (pos_ >= text_.size() || text_[pos_] != '{') return false;
    ++pos_;
    for (;;) {
      Space();
      if (pos_ < text_.size() && text_[pos_] == '}') {
        ++pos_;
        return true;
      }
      char32_t key = 0;
      if (!Key(&key)) return false;
      Space();
      if (pos_ < text_.size() && text_[pos_] == '{') {
        if (outer != 0 || !Map(key, value)) return false;
      } else {
        const char* end = text_.data() + text_.size();
        char* stop = nullptr;
        const double number = std::strtod(text_.data() + pos_, &stop);
        if (stop == text_.data() + pos_ || stop > end) return false;
        pos_ = static_cast<size_t>(stop - text_.data());
        if (outer == 0) {
          value(key, 0, number);
        } else {
          value(outer, key, number);
        }
      }
      Space();
      if (pos_ < text_.size() && text_[pos_] == ',') ++pos_;
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
};

// Function classes never join an unknown word, however rare the character.
bool IsFunctionClass(ChineseWordClass c) {
  switch (c) {
    case ChineseWordClass::kAdverb:
    case ChineseWordClass::kNumeral:
    case ChineseWordClass::kMeasure:
    case ChineseWordClass::kPronoun:
    case ChineseWordClass::kPreposition:
    case ChineseWordClass::kConjunction:
    case ChineseWordClass::kParticle:
    case ChineseWordClass::kDirection:
    case ChineseWordClass::kTime:
      return true;
    default:
      return false;
  }
}

}  // namespace

ChineseWordClass ChineseWordClassOfTag(std::string_view tag) {
  using C = ChineseWordClass;
  if (tag.empty()) return C::kOther;
  switch (tag[0]) {
    case 'n':
      if (tag.starts_with("nr")) return C::kPersonName;
      if (tag == "ns") return C::kPlace;
      if (tag == "nt") return C::kOrganisation;
      return C::kNoun;  // n, ng, nz, nw
    case 'g':
    case 'j':
    case 'l':
      return C::kNoun;
    case 'v':
      if (tag == "vn") return C::kVerbalNoun;
      return C::kVerb;
    case 'a':
      if (tag == "an") return C::kAdjectivalNoun;
      if (tag == "ad") return C::kAdverb;
      return C::kAdjective;
    case 'z':
      // "zg" tags bound morphemes ("度", "剂", "物"), which jieba lists as
      // characters; they behave like noun roots.
      return tag == "zg" ? C::kNoun : C::kAdjective;
    case 'b':
      return C::kDistinguishing;
    case 'd':
      return C::kAdverb;
    case 'm':
      return tag == "mq" ? C::kMeasure : C::kNumeral;
    case 'q':
      return C::kMeasure;
    case 'r':
      return C::kPronoun;
    case 'p':
      return C::kPreposition;
    case 'c':
      return C::kConjunction;
    case 'h':
      // Prefixes ("非", "超"): open a noun ("非物质").
      return C::kDistinguishing;
    case 'u':
    case 'y':
    case 'e':
    case 'o':
      return C::kParticle;
    case 'k':
      // Suffixes ("者", "型", "式"): close a noun ("研究者").
      return C::kNoun;
    case 'f':
      return C::kDirection;
    case 't':
      return C::kTime;
    case 's':
      return C::kPlaceWord;
    case 'i':
      return C::kIdiom;
    default:
      return C::kOther;
  }
}

bool CjkUserWords::Add(std::string_view word) {
  bool han = false;
  size_t chars = 0;
  for (size_t pos = 0; pos < word.size(); ++chars) han = IsHan(DecodeUtf8(word, &pos)) || han;
  if (!han || chars < 2 || chars > CjkDictionary::kMaxWordChars) return false;
  words_.emplace(word);
  max_chars_ = std::max(max_chars_, chars);
  return true;
}

size_t CjkDictionary::SlotHash::operator()(std::string_view s) const { return absl::HashOf(s); }

size_t CjkDictionary::SlotHash::operator()(const Slot& slot) const {
  return absl::HashOf(std::string_view(base + slot.offset, slot.length));
}

const CjkDictionary& CjkDictionary::Get() {
  static const CjkDictionary* const kDictionary =
      new CjkDictionary(embedded::jieba_dict(), embedded::jieba_hmm_start(), embedded::jieba_hmm_trans(),
                        embedded::jieba_hmm_emit());
  return *kDictionary;
}

CjkDictionary::CjkDictionary(std::string_view data, std::string_view hmm_start, std::string_view hmm_trans,
                             std::string_view hmm_emit)
    : data_(data), slots_(0, SlotHash{data.data()}, SlotEq{data.data()}) {
  hmm_start_.fill(kHmmMin);
  for (auto& row : hmm_trans_) row.fill(kHmmMin);
  PyTableReader(hmm_start).Read([this](char32_t state, char32_t, double p) {
    if (HmmStateOf(state) >= 0) hmm_start_[HmmStateOf(state)] = p;
  });
  PyTableReader(hmm_trans).Read([this](char32_t from, char32_t to, double p) {
    if (HmmStateOf(from) >= 0 && HmmStateOf(to) >= 0) hmm_trans_[HmmStateOf(from)][HmmStateOf(to)] = p;
  });
  hmm_emit_.reserve(8192);
  PyTableReader(hmm_emit).Read([this](char32_t state, char32_t c, double p) {
    if (HmmStateOf(state) < 0 || c == 0) return;
    auto [it, inserted] = hmm_emit_.try_emplace(c);
    if (inserted) it->second.fill(kHmmMin);
    it->second[HmmStateOf(state)] = p;
  });
  // Each line: word, frequency, tag, separated by single spaces. Each word
  // goes in with its proper prefixes as frequency-0 slots (tag 0), which let
  // Segment() stop extending a match as soon as no word can continue it. A
  // slot already present has its prefixes in, so the prefixes of a word go
  // in from the longest down to the first one found.
  tags_.emplace_back();
  tag_classes_.push_back(ChineseWordClass::kNone);
  absl::flat_hash_map<std::string_view, uint8_t> tag_ids;
  // jieba's 350,000 words have some 500,000 distinct prefixes, words
  // included: room for 600,000 keeps the table at 2^20 slots.
  slots_.reserve(600000);
  std::vector<uint8_t> ends;  // byte offsets of character ends in a word
  for (size_t pos = 0; pos < data.size();) {
    size_t end = data.find('\n', pos);
    if (end == std::string_view::npos) end = data.size();
    std::string_view line = data.substr(pos, end - pos);
    const auto start = static_cast<uint32_t>(pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const size_t space = line.find(' ');
    const std::string_view word = line.substr(0, space);
    if (word.empty() || word.size() > 255) continue;
    uint32_t frequency = 0;
    std::string_view tag = "x";
    if (space != std::string_view::npos) {
      std::string_view rest = line.substr(space + 1);
      const size_t space2 = rest.find(' ');
      const std::string_view number = rest.substr(0, space2);
      std::from_chars(number.data(), number.data() + number.size(), frequency);
      if (space2 != std::string_view::npos && space2 + 1 < rest.size()) tag = rest.substr(space2 + 1);
    }
    auto [tag_it, new_tag] = tag_ids.try_emplace(tag, static_cast<uint8_t>(tags_.size()));
    if (new_tag) {
      tags_.push_back(tag);
      tag_classes_.push_back(ChineseWordClassOfTag(tag));
    }
    const Slot slot{start, frequency, static_cast<uint8_t>(word.size()), tag_it->second};
    // A later line for the same word replaces the earlier one, as in jieba,
    // and a word replaces the prefix slot of its own string.
    auto [it, inserted] = slots_.insert(slot);
    if (!inserted) {
      if (it->tag != 0) {
        total_ -= it->frequency;
        if (it->frequency > 0) --words_;
      }
      slots_.erase(it);
      slots_.insert(slot);
    }
    if (frequency > 0) ++words_;
    total_ += frequency;
    ends.clear();
    for (size_t p = 0; p < word.size();) {
      DecodeUtf8(word, &p);
      if (p < word.size()) ends.push_back(static_cast<uint8_t>(p));
    }
    for (size_t k = ends.size(); k-- > 0;) {
      if (!slots_.insert(Slot{start, 0, ends[k], 0}).second) break;
    }
  }
  char_slots_.resize(kLastCached - kFirstCached + 1);
  for (char32_t c = kFirstCached; c <= kLastCached; ++c) {
    std::string utf8;
    AppendUtf8(c, &utf8);
    char_slots_[c - kFirstCached] = FindSlot(utf8);
  }
  const auto cached = [](char32_t c) { return c >= kFirstCached && c <= kLastCached; };
  for (const Slot& slot : slots_) {
    const std::string_view word(data_.data() + slot.offset, slot.length);
    size_t pos = 0;
    const char32_t a = DecodeUtf8(word, &pos);
    if (pos >= word.size()) continue;
    const char32_t b = DecodeUtf8(word, &pos);
    if (pos == word.size() && cached(a) && cached(b)) pair_slots_.emplace(PairKey(a, b), &slot);
  }
  log_total_ = std::log(static_cast<double>(std::max<uint64_t>(total_, 1)));
}

const CjkDictionary::Slot* CjkDictionary::FindSlot(std::string_view word) const {
  auto it = slots_.find(word);
  return it == slots_.end() ? nullptr : &*it;
}

std::optional<CjkDictionary::Entry> CjkDictionary::Find(std::string_view word) const {
  const Slot* slot = FindSlot(word);
  if (slot == nullptr || slot->frequency == 0) return std::nullopt;  // a prefix, or unknown
  return Entry{slot->frequency, tags_[slot->tag], tag_classes_[slot->tag]};
}

void CjkDictionary::Segment(std::string_view run, uint32_t base, Scratch* s, std::vector<CjkWord>* words,
                            const CjkUserWords* user) const {
  s->offsets.clear();
  s->chars.clear();
  for (size_t pos = 0; pos < run.size();) {
    s->offsets.push_back(static_cast<uint32_t>(pos));
    s->chars.push_back(DecodeUtf8(run, &pos));
  }
  const size_t n = s->offsets.size();
  if (n == 0) return;
  s->offsets.push_back(static_cast<uint32_t>(run.size()));
  // route[i]: greatest log probability of segmenting characters [i, n);
  // next[i]: end of its first word; classes[i]: that word's class. Filled
  // from the right, as jieba does; ties go to the longer word.
  s->route.assign(n + 1, 0.0);
  s->next.assign(n + 1, 0);
  s->classes.assign(n + 1, ChineseWordClass::kNone);
  s->char_slots.assign(n, nullptr);
  s->word_slots.assign(n, nullptr);
  const bool has_user = user != nullptr && !user->empty();
  for (size_t i = n; i-- > 0;) {
    double best = -std::numeric_limits<double>::infinity();
    uint32_t best_end = static_cast<uint32_t>(i + 1);
    ChineseWordClass best_class = ChineseWordClass::kNone;
    const Slot* best_slot = nullptr;
    bool single = false;
    for (size_t j = i + 1; j <= n && j - i <= kMaxWordChars; ++j) {
      const char32_t c = s->chars[i];
      const bool cached = c >= kFirstCached && c <= kLastCached;
      const Slot* slot;
      if (j == i + 1 && cached) {
        slot = char_slots_[c - kFirstCached];
      } else if (j == i + 2 && cached && s->chars[i + 1] >= kFirstCached && s->chars[i + 1] <= kLastCached) {
        auto it = pair_slots_.find(PairKey(c, s->chars[i + 1]));
        slot = it == pair_slots_.end() ? nullptr : it->second;
      } else {
        slot = FindSlot(run.substr(s->offsets[i], s->offsets[j] - s->offsets[i]));
      }
      if (j == i + 1) s->char_slots[i] = slot;
      if (slot == nullptr) break;
      if (slot->frequency == 0) continue;
      single = single || j == i + 1;
      const double score = std::log(static_cast<double>(slot->frequency)) - log_total_ + s->route[j];
      if (score >= best) {
        best = score;
        best_end = static_cast<uint32_t>(j);
        best_class = tag_classes_[slot->tag];
        best_slot = slot;
      }
    }
    if (!single) {
      // A character outside the dictionary counts as frequency 1.
      const double score = -log_total_ + s->route[i + 1];
      if (score > best) {
        best = score;
        best_end = static_cast<uint32_t>(i + 1);
        best_class = ChineseWordClass::kNone;
        best_slot = nullptr;
      }
    }
    if (has_user) {
      // A user word weighs as much as the whole corpus: no split beats it.
      for (size_t j = i + 2; j <= n && j - i <= user->max_chars(); ++j) {
        const std::string_view piece = run.substr(s->offsets[i], s->offsets[j] - s->offsets[i]);
        if (user->Contains(piece) && s->route[j] >= best) {
          best = s->route[j];
          best_end = static_cast<uint32_t>(j);
          best_class = ChineseWordClass::kNewWord;
          best_slot = nullptr;
        }
      }
    }
    s->route[i] = best;
    s->next[i] = best_end;
    s->classes[i] = best_class;
    s->word_slots[i] = best_slot;
  }

  // Walk the path; runs of single characters go to the HMM.
  size_t pending = 0;  // start of the current run of single characters
  for (size_t i = 0; i < n;) {
    const size_t end = s->next[i];
    if (end == i + 1) {
      i = end;
      continue;
    }
    CutUnknown(run, pending, i, base, s, words);
    Emit(run, i, end, base, *s, words);
    pending = i = end;
  }
  CutUnknown(run, pending, n, base, s, words);
}

void CjkDictionary::Emit(std::string_view run, size_t begin, size_t end, uint32_t base, const Scratch& s,
                         std::vector<CjkWord>* words) const {
  const std::string_view text = run.substr(s.offsets[begin], s.offsets[end] - s.offsets[begin]);
  CjkWord word{base + s.offsets[begin], base + s.offsets[end], ChineseWordClass::kNewWord, false};
  if (s.next[begin] == end && s.classes[begin] == ChineseWordClass::kNewWord) {
    words->push_back(word);  // a user word
    return;
  }
  const Slot* slot = end == begin + 1                                         ? s.char_slots[begin]
                     : s.next[begin] == end && s.word_slots[begin] != nullptr ? s.word_slots[begin]
                                                                              : FindSlot(text);
  if (slot != nullptr && slot->frequency > 0) {
    word.word_class = tag_classes_[slot->tag];
  } else if (end == begin + 1) {
    word.word_class = ChineseWordClass::kNone;
  }
  if (end == begin + 1) word.bound = IsBoundChar(begin, s);
  words->push_back(word);
}

bool CjkDictionary::IsBoundChar(size_t i, const Scratch& s) const {
  const Slot* slot = s.char_slots[i];
  if (slot == nullptr || slot->frequency == 0) return true;
  return !IsFunctionClass(tag_classes_[slot->tag]) && slot->frequency < kBoundCharFrequency;
}

void CjkDictionary::CutUnknown(std::string_view run, size_t begin, size_t end, uint32_t base, Scratch* s,
                               std::vector<CjkWord>* words, bool bound_only) const {
  const size_t n = end - begin;
  if (n == 0) return;
  const std::string_view text = run.substr(s->offsets[begin], s->offsets[end] - s->offsets[begin]);
  const Slot* whole = n > 1 ? FindSlot(text) : nullptr;
  if (n == 1 || (whole != nullptr && whole->frequency > 0)) {
    // jieba keeps a run that spells a dictionary word as single characters.
    for (size_t i = begin; i < end; ++i) Emit(run, i, i + 1, base, *s, words);
    return;
  }
  // Unlike jieba, only stretches of bound characters go to the HMM: given
  // free words it joins them into spurious ones ("率高" of 退货率|高企,
  // "韦和法" across the conjunction 和).
  if (!bound_only) {
    for (size_t i = begin; i < end;) {
      size_t j = i;
      while (j < end && IsBoundChar(j, *s)) ++j;
      if (j - i >= 2) {
        CutUnknown(run, i, j, base, s, words, /*bound_only=*/true);
        i = j;
      } else {
        Emit(run, i, i + 1, base, *s, words);
        ++i;
      }
    }
    return;
  }
  // Viterbi over B/M/E/S, as jieba's finalseg: a word is B M* E or S.
  static constexpr int kPrevious[4][2] = {
      {kEnd, kSingle}, {kBegin, kMiddle}, {kMiddle, kBegin}, {kSingle, kEnd}};
  s->back.assign(4 * n, 0);
  std::array<double, 4> v{};
  const auto emit = [this](char32_t c, int state) {
    auto it = hmm_emit_.find(c);
    return it == hmm_emit_.end() ? kHmmMin : it->second[state];
  };
  for (size_t t = 0; t < n; ++t) {
    size_t pos = s->offsets[begin + t];
    const char32_t c = DecodeUtf8(run, &pos);
    std::array<double, 4> next{};
    for (int y = 0; y < 4; ++y) {
      if (t == 0) {
        next[y] = hmm_start_[y] + emit(c, y);
        continue;
      }
      double best = -std::numeric_limits<double>::infinity();
      int from = kPrevious[y][0];
      for (int y0 : kPrevious[y]) {
        const double p = v[y0] + hmm_trans_[y0][y];
        if (p > best) {
          best = p;
          from = y0;
        }
      }
      next[y] = best + emit(c, y);
      s->back[4 * t + y] = static_cast<uint8_t>(from);
    }
    v = next;
  }
  int state = v[kEnd] >= v[kSingle] ? kEnd : kSingle;
  // Walk back, marking where words end; then emit them in order.
  std::vector<uint8_t>& states = s->back;  // reuse: states[t] overwrites back[4t]
  for (size_t t = n; t-- > 0;) {
    const int previous = s->back[4 * t + state];
    states[4 * t] = static_cast<uint8_t>(state);
    state = previous;
  }
  size_t word_begin = 0;
  for (size_t t = 0; t < n; ++t) {
    const int y = states[4 * t];
    if (y == kBegin) {
      word_begin = t;
    } else if (y == kSingle) {
      Emit(run, begin + t, begin + t + 1, base, *s, words);
      word_begin = t + 1;
    } else if (y == kEnd) {
      Emit(run, begin + word_begin, begin + t + 1, base, *s, words);
      word_begin = t + 1;
    }
  }
  if (word_begin < n) Emit(run, begin + word_begin, end, base, *s, words);
}

}  // namespace newsflow::enrich

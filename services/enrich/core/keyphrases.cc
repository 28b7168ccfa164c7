#include "services/enrich/core/keyphrases.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "services/enrich/core/graph_rank.h"
#include "services/enrich/core/simhash.h"
#include "services/enrich/core/utf8.h"

namespace newsflow::enrich {
namespace {

constexpr int kMaxWordsSpaced = 4;
constexpr int kMaxWordsUnspaced = 4;
// Longest Chinese tag, in characters.
constexpr size_t kMaxUnspacedChars = 10;
// Co-occurrence window over the non-stop words of a sentence.
constexpr int kCooccurrenceWindow = 3;
// Phrase score = sum of damped word scores / n^exponent: 1 is a mean
// (favours single words), 0 a plain sum (favours long phrases). Word scores
// are damped (square root) so that one hub word ("AI" in an AI story) does
// not lift every phrase that contains it above the other topics.
// The exponent adapts to the kind of text. Names carry the topics of news
// (short tags: "Obama", "Greece", "bailout"); texts with few names, such as
// technical abstracts, carry theirs in multi-word terms ("neural network
// training"). The share of capitalised words inside sentences (NameWeight,
// smoothstep between kLowNameShare and kHighNameShare) moves the exponent
// between these two ends.
constexpr double kTermLengthExponent = -0.2;
constexpr double kNameLengthExponent = 0.9;
// Chinese tags (dictionary words) sit between the two ends.
constexpr double kUnspacedLengthExponent = 0.6;
// Long name-heavy texts repeat their topics often, so frequency is reliable
// evidence there: tf^kNameFrequencyExponent on top of 1 + log(tf).
constexpr double kNameFrequencyExponent = 0.4;
constexpr double kLowNameShare = 0.05;
constexpr double kHighNameShare = 0.15;
constexpr double kSpreadWeight = 0.5;
constexpr double kProperWeight = 0.5;
constexpr double kTitlePhraseWeight = 0.6;
constexpr double kTitleWordWeight = 0.3;
constexpr double kTitleTeleportBoost = 2.0;
constexpr double kAdjectivePenalty = 0.5;
// Articles after which TermStatistics carry half their full weight.
constexpr double kStatisticsHalfConfidence = 50;
// Beyond min_tags, a tag must reach this fraction of the best score.
constexpr double kMinRelativeScore = 0.03;
// A candidate is dropped when at least 1 / kMaxCoveredShare of its
// occurrences lie inside higher-ranked tags that contain it.
constexpr double kMaxCoveredShare = 2.0;

// Body tokens are numbered first, then the title's.
const Token& TokenAt(const Document& document, uint32_t index) {
  return index < document.tokens.size() ? document.tokens[index]
                                        : document.title_tokens[index - document.tokens.size()];
}

struct NgramKey {
  std::array<uint32_t, kMaxWordsSpaced> keys{};
  uint8_t size = 0;

  bool operator==(const NgramKey& other) const {
    return size == other.size && keys == other.keys;
  }
  bool Contains(const NgramKey& inner) const {
    if (inner.size >= size) return false;
    for (int start = 0; start + inner.size <= size; ++start) {
      if (std::equal(inner.keys.begin(), inner.keys.begin() + inner.size,
                     keys.begin() + start)) {
        return true;
      }
    }
    return false;
  }
};

struct NgramHash {
  size_t operator()(const NgramKey& key) const {
    uint64_t h = 0x9E3779B97F4A7C15ull * (key.size + 1);
    for (int i = 0; i < key.size; ++i) {
      h ^= key.keys[i] + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    }
    return static_cast<size_t>(h);
  }
};

struct Candidate {
  NgramKey key;
  uint32_t frequency = 0;
  uint32_t whole_runs = 0;  // occurrences that are a whole run
  uint32_t proper = 0;      // occurrences capitalised mid-sentence
  uint32_t in_title = 0;    // occurrences in the title
  uint32_t first_sentence = 0;
  uint32_t last_sentence = 0;
  std::vector<uint32_t> starts;  // first token of each occurrence
  double score = 0;
};

class CandidateTable {
 public:
  explicit CandidateTable(const Document& document) : document_(document) {}

  void AddRun(uint32_t begin, uint32_t end, int max_words) {
    for (uint32_t i = begin; i < end; ++i) {
      NgramKey key;
      bool proper = true;
      for (uint32_t n = 1; n <= static_cast<uint32_t>(max_words) && i + n <= end; ++n) {
        const Token& token = TokenAt(document_, i + n - 1);
        key.keys[n - 1] = token.key;
        key.size = static_cast<uint8_t>(n);
        // Title case says nothing about proper nouns.
        proper = proper && !token.in_title && (token.capitalized || token.acronym) &&
                 (n > 1 || !token.sentence_initial || token.acronym);
        auto [it, inserted] = index_.try_emplace(key, static_cast<uint32_t>(candidates_.size()));
        if (inserted) {
          candidates_.emplace_back();
          candidates_.back().key = key;
          // The title is read first: a title-only candidate sits at the top.
          candidates_.back().first_sentence = token.in_title ? 0 : token.sentence;
          candidates_.back().last_sentence = candidates_.back().first_sentence;
        }
        Candidate& candidate = candidates_[it->second];
        ++candidate.frequency;
        if (i == begin && i + n == end) ++candidate.whole_runs;
        if (proper) ++candidate.proper;
        if (token.in_title) {
          ++candidate.in_title;
        } else {
          candidate.last_sentence = token.sentence;
        }
        candidate.starts.push_back(i);
      }
    }
  }

  std::vector<Candidate>& candidates() { return candidates_; }

 private:
  const Document& document_;
  std::unordered_map<NgramKey, uint32_t, NgramHash> index_;
  std::vector<Candidate> candidates_;
};

// Word centrality: personalised PageRank over co-occurrences of non-stop
// words. Returns one score per document key, averaging 1 over graph nodes.
std::vector<double> WordScores(const Document& document) {
  std::vector<int32_t> node_of_key(document.keys.size(), -1);
  std::vector<uint32_t> key_of_node;
  std::vector<double> teleport;
  std::vector<uint32_t> window;
  std::vector<std::pair<uint32_t, uint32_t>> edges;
  uint32_t sentence_rank = 0;
  // The title is read as the first sentence.
  const auto body_tokens = static_cast<uint32_t>(document.tokens.size());
  const auto all_tokens = static_cast<uint32_t>(body_tokens + document.title_tokens.size());
  for (size_t s = 0; s <= document.sentences.size(); ++s) {
    const bool title = s == 0;
    if (title && all_tokens == body_tokens) continue;
    const Sentence* sentence = title ? nullptr : &document.sentences[s - 1];
    if (!title && sentence->boilerplate) continue;
    ++sentence_rank;
    window.clear();
    const uint32_t first = title ? body_tokens : sentence->first_token;
    const uint32_t end = title ? all_tokens : sentence->end_token;
    for (uint32_t t = first; t < end; ++t) {
      const Token& token = TokenAt(document, t);
      if (token.stop) continue;
      int32_t& node = node_of_key[token.key];
      if (node < 0) {
        node = static_cast<int32_t>(key_of_node.size());
        key_of_node.push_back(token.key);
        teleport.push_back(0);
      }
      teleport[node] += 1.0 / sentence_rank;
      const size_t from = window.size() >= kCooccurrenceWindow - 1 ? window.size() - (kCooccurrenceWindow - 1) : 0;
      for (size_t k = from; k < window.size(); ++k) edges.emplace_back(window[k], node);
      window.push_back(static_cast<uint32_t>(node));
    }
  }
  std::vector<double> scores(document.keys.size(), 0.0);
  if (key_of_node.empty()) return scores;
  for (uint32_t key : document.title_keys) {
    if (key < node_of_key.size() && node_of_key[key] >= 0) teleport[node_of_key[key]] *= kTitleTeleportBoost;
  }
  GraphBuilder builder(static_cast<uint32_t>(key_of_node.size()));
  for (const auto& [a, b] : edges) builder.AddEdge(a, b, 1.0);
  const std::vector<double> rank = PersonalizedPageRank(builder.Build(), teleport);
  for (size_t node = 0; node < rank.size(); ++node) {
    scores[key_of_node[node]] = rank[node] * static_cast<double>(rank.size());
  }
  return scores;
}

// How name-heavy (news-like) the text is, in [0, 1]; see kNameLengthExponent.
double NameWeight(const Document& document) {
  uint32_t content = 0;
  uint32_t names = 0;
  for (const Sentence& sentence : document.sentences) {
    if (sentence.boilerplate) continue;
    for (uint32_t t = sentence.first_token; t < sentence.end_token; ++t) {
      const Token& token = document.tokens[t];
      if (token.stop) continue;
      ++content;
      if (token.capitalized && !token.acronym && !token.sentence_initial) ++names;
    }
  }
  const double share = content == 0 ? 0.0 : static_cast<double>(names) / content;
  const double x = std::clamp((share - kLowNameShare) / (kHighNameShare - kLowNameShare), 0.0, 1.0);
  return x * x * (3 - 2 * x);
}

bool InTitle(const std::vector<uint32_t>& title, const NgramKey& key) {
  if (key.size == 0 || title.size() < key.size) return false;
  for (size_t start = 0; start + key.size <= title.size(); ++start) {
    if (std::equal(key.keys.begin(), key.keys.begin() + key.size, title.begin() + start)) return true;
  }
  return false;
}

std::string SurfaceOf(const Document& document, uint32_t start, int size) {
  std::string out;
  for (int k = 0; k < size; ++k) {
    const Token& token = TokenAt(document, start + k);
    if (k > 0) {
      const Token& previous = TokenAt(document, start + k - 1);
      if (document.unspaced) {
        if (previous.latin && token.latin) out.push_back(' ');
      } else {
        out.push_back(token.gap_before == Gap::kJoiner ? '-' : ' ');
      }
    }
    out.append(document.Surface(token));
  }
  return out;
}

// The most frequent surface form; sentence-initial capitals count less, so
// "subsidies" beats a single "Subsidies" at the start of a sentence.
std::string DisplayName(const Document& document, const Candidate& candidate) {
  std::vector<std::pair<std::string, double>> forms;
  for (uint32_t start : candidate.starts) {
    const Token& first = TokenAt(document, start);
    const double weight =
        (first.sentence_initial || first.in_title) && first.capitalized && !first.acronym ? 0.3 : 1.0;
    std::string surface = SurfaceOf(document, start, candidate.key.size);
    auto it = std::find_if(forms.begin(), forms.end(),
                           [&](const auto& form) { return form.first == surface; });
    if (it == forms.end()) {
      forms.emplace_back(std::move(surface), weight);
    } else {
      it->second += weight;
    }
  }
  // Earliest form wins ties (stable max).
  auto best = forms.begin();
  for (auto it = forms.begin(); it != forms.end(); ++it) {
    if (it->second > best->second) best = it;
  }
  return best->first;
}

// Lowercase words that cannot end an English noun phrase: participles in -ed
// ("the proposed") as last word or alone.
bool BadPhraseEnd(const Document& document, const Candidate& candidate) {
  if (document.unspaced) return false;
  const Token& last = TokenAt(document, candidate.starts.front() + candidate.key.size - 1);
  if (last.capitalized || last.acronym) return false;
  const std::string_view word = document.Surface(last);
  return word.size() > 4 && word.ends_with("ed");
}

// A lowercase single word with a typical adjective ending ("technological",
// "domestic", "competitive") is a weak tag on its own. Variants share a stem
// ("technology"), so the majority of occurrences decides.
bool AdjectiveLike(const Document& document, const Candidate& candidate) {
  if (document.unspaced || candidate.key.size != 1) return false;
  size_t adjective = 0;
  for (uint32_t start : candidate.starts) {
    const Token& token = TokenAt(document, start);
    if (token.capitalized || token.acronym) continue;
    const std::string_view word = document.Surface(token);
    if (word.size() < 6) continue;
    for (std::string_view suffix : {"al", "ic", "ive", "ous", "ful", "less", "able", "ible"}) {
      if (word.ends_with(suffix)) {
        ++adjective;
        break;
      }
    }
  }
  return 2 * adjective > candidate.starts.size();
}

std::string KeyOf(const Document& document, const NgramKey& key) {
  std::string out;
  for (int k = 0; k < key.size; ++k) {
    if (k > 0 && !document.unspaced) out.push_back(' ');
    out.append(document.keys[key.keys[k]]);
  }
  return out;
}

}  // namespace

void TermStatistics::Add(const Document& document) {
  seen_.clear();
  for (const std::vector<Token>* tokens : {&document.tokens, &document.title_tokens}) {
    for (const Token& token : *tokens) {
      if (!token.stop) seen_.push_back(HashWord(document.keys[token.key]));
    }
  }
  if (seen_.empty()) return;
  std::sort(seen_.begin(), seen_.end());
  seen_.erase(std::unique(seen_.begin(), seen_.end()), seen_.end());
  table_.AddDocument(seen_);
}

double TermStatistics::Specificity(std::string_view key) const {
  const double documents = table_.documents();
  if (documents < 2) return 1.0;
  const double df = table_.Count(HashWord(key));
  return std::clamp(std::log((documents + 1) / (df + 1)) / std::log(documents + 1), 0.0, 1.0);
}

double TermStatistics::Confidence() const {
  return table_.documents() / (table_.documents() + kStatisticsHalfConfidence);
}

std::vector<ScoredTag> ExtractKeyphrases(const Document& document,
                                         const KeyphraseOptions& options,
                                         const TermStatistics* statistics) {
  const int max_words = document.unspaced ? kMaxWordsUnspaced : kMaxWordsSpaced;
  CandidateTable table(document);
  for (const Sentence& sentence : document.sentences) {
    if (sentence.boilerplate) continue;
    uint32_t run_begin = sentence.first_token;
    for (uint32_t t = sentence.first_token; t <= sentence.end_token; ++t) {
      bool breaks = t == sentence.end_token;
      if (!breaks) {
        const Token& token = document.tokens[t];
        breaks = token.stop || token.gap_before == Gap::kPunct ||
                 (t > sentence.first_token && document.tokens[t - 1].possessive);
      }
      if (!breaks) continue;
      if (run_begin < t) table.AddRun(run_begin, t, max_words);
      const bool stop = t < sentence.end_token && document.tokens[t].stop;
      run_begin = stop ? t + 1 : t;
    }
  }
  {
    const auto first = static_cast<uint32_t>(document.tokens.size());
    const auto end = static_cast<uint32_t>(first + document.title_tokens.size());
    uint32_t run_begin = first;
    for (uint32_t t = first; t <= end; ++t) {
      bool breaks = t == end;
      if (!breaks) {
        const Token& token = TokenAt(document, t);
        breaks = token.stop || token.gap_before == Gap::kPunct ||
                 (t > first && TokenAt(document, t - 1).possessive);
      }
      if (!breaks) continue;
      if (run_begin < t) table.AddRun(run_begin, t, max_words);
      const bool stop = t < end && TokenAt(document, t).stop;
      run_begin = stop ? t + 1 : t;
    }
  }

  const std::vector<double> word_scores = WordScores(document);
  const double confidence = statistics == nullptr ? 0.0 : statistics->Confidence();
  std::vector<double> word_specificity;
  if (confidence > 0) {
    word_specificity.assign(document.keys.size(), 1.0);
    for (size_t k = 0; k < document.keys.size(); ++k) {
      word_specificity[k] = statistics->Specificity(document.keys[k]);
    }
  }
  uint32_t content_sentences = 0;
  for (const Sentence& sentence : document.sentences) content_sentences += sentence.boilerplate ? 0 : 1;
  const double span = std::max<double>(1, content_sentences - 1.0);
  const double name_weight = document.unspaced ? 0.0 : NameWeight(document);
  const double length_exponent =
      document.unspaced ? kUnspacedLengthExponent
                        : kTermLengthExponent + (kNameLengthExponent - kTermLengthExponent) * name_weight;
  const double frequency_exponent = kNameFrequencyExponent * name_weight;

  std::vector<Candidate>& candidates = table.candidates();
  std::vector<Candidate*> ranked;
  ranked.reserve(candidates.size());
  for (Candidate& c : candidates) {
    const int n = c.key.size;
    if (n > 1 && c.whole_runs == 0 && c.frequency < 2) continue;
    if (BadPhraseEnd(document, c)) continue;
    // A lone character is a piece of a word, never a tag.
    if (n == 1 && TokenAt(document, c.starts.front()).fragment) continue;
    if (document.unspaced &&
        CountCodePoints(SurfaceOf(document, c.starts.front(), n)) > kMaxUnspacedChars) {
      continue;
    }
    double graph = 0;
    int title_words = 0;
    for (int k = 0; k < n; ++k) {
      graph += std::sqrt(word_scores[c.key.keys[k]]);
      if (std::find(document.title_keys.begin(), document.title_keys.end(), c.key.keys[k]) !=
          document.title_keys.end()) {
        ++title_words;
      }
    }
    graph /= std::pow(n, length_exponent);
    const double frequency = std::pow(static_cast<double>(c.frequency), frequency_exponent) *
                             (1 + std::log(static_cast<double>(c.frequency)));
    const double spread = 1 + kSpreadWeight * (c.last_sentence - c.first_sentence) / span;
    const double proper =
        document.unspaced ? 1.0 : 1 + kProperWeight * c.proper / static_cast<double>(c.frequency);
    const double title = InTitle(document.title_keys, c.key)
                             ? 1 + kTitlePhraseWeight
                             : 1 + kTitleWordWeight * title_words / static_cast<double>(n);
    const double shape = AdjectiveLike(document, c) ? kAdjectivePenalty : 1.0;
    c.score = graph * frequency * spread * proper * title * shape;
    if (confidence > 0) {
      double specificity = 0;
      for (int k = 0; k < n; ++k) specificity += word_specificity[c.key.keys[k]];
      c.score *= 1 - confidence + confidence * specificity / n;
    }
    if (c.score > 0) ranked.push_back(&c);
  }
  std::sort(ranked.begin(), ranked.end(), [](const Candidate* a, const Candidate* b) {
    if (a->score != b->score) return a->score > b->score;
    if (a->first_sentence != b->first_sentence) return a->first_sentence < b->first_sentence;
    return a->key.size < b->key.size;
  });

  const size_t max_tags = static_cast<size_t>(std::max(options.max_tags, 0));
  const size_t min_tags = static_cast<size_t>(std::clamp(options.min_tags, 0, std::max(options.max_tags, 0)));
  std::vector<const Candidate*> selected;
  for (const Candidate* c : ranked) {
    if (selected.size() >= max_tags) break;
    if (selected.size() >= min_tags && c->score < kMinRelativeScore * ranked.front()->score) break;
    // Occurrences already covered by longer, higher-ranked tags; a phrase
    // that mostly appears inside them adds little of its own.
    uint32_t covered = 0;
    for (const Candidate* s : selected) {
      if (s->key.Contains(c->key)) covered += s->frequency;
    }
    if (covered > 0 && c->frequency <= kMaxCoveredShare * covered) continue;
    selected.push_back(c);
  }

  std::vector<ScoredTag> tags;
  tags.reserve(selected.size());
  for (const Candidate* c : selected) {
    tags.push_back(ScoredTag{DisplayName(document, *c), KeyOf(document, c->key),
                             c->score / selected.front()->score});
  }
  return tags;
}

}  // namespace newsflow::enrich

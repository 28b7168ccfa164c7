// Keyphrase (tag) extraction from an analysed Document.
//
// Candidates are runs of one to four non-stop words inside a sentence (or
// the title) that do not cross punctuation or a possessive (Chinese: one to
// four dictionary words, joined without spaces, chosen by their jieba word
// classes: a noun-like head, no function word, numeral or measure word at
// either edge, no verb at the end). English candidates are noun
// phrases by WordNet word classes in context (word_class.h): verbs, clauses
// and adverbs end a run, a candidate does not start with a verb form nor
// end with an adjective or participle, and hyphenated compounds are not
// cut; a year opens a phrase ("1990 census"). Names stay whole: particles
// join capitalised words ("Bank of England"), and an occurrence inside a
// longer capitalised name does not count for its piece ("Angeles" of "Los
// Angeles"). Each candidate is
// scored by combining
//   - graph centrality: personalised PageRank over the word co-occurrence
//     graph (restarts favour early and title words), summed over the
//     candidate's words with a length normalisation;
//   - statistics: frequency, spread between first and last occurrence,
//     presence in the title, and (English) whether the candidate stands as
//     a whole noun phrase somewhere, capitalisation as name evidence, and
//     generic nouns ("method", "report") as weak tags;
//   - specificity: document frequencies learned from the stream
//     (TermStatistics), when available.
// English weights follow the register of the text: news (names, reported
// speech) favours short tags and frequency; technical prose (dense in
// nominalisations) favours multi-word terms. A phrase a news story repeats
// ("police brutality"), and the phrases of a long article, lean towards the
// technical weights: repeated, a phrase is a term. A single common word
// counts only half of the occurrences where it modifies a longer phrase
// ("state" of "state police").
// Variants share a key (Snowball stems, lowercase), so "subsidy" and
// "subsidies" are one tag named after the most frequent surface form.
// Selection is greedy over the best candidates: in spaced text, a piece of
// one longer candidate (three quarters of its occurrences inside it:
// "Angeles" of "Los Angeles"; half when the longer one recurs) is never a
// tag; a candidate a quarter of whose occurrences lie inside chosen tags
// ("Action Plan" inside "AI Action Plan") is dropped; and an English variant
// of a chosen tag (one contains the other: "census" and "census bureau"; in
// news, any shared word: "1990 census" and "census bureau", one topic in the
// manner of TopicRank) counts for less for each chosen variant, so the other
// topics of the story come first. Chinese compounds nest in one word as often as across words
// (量子 / 量子计算机 / 量子计算机云平台): a Chinese candidate whose text lies
// inside a chosen tag is dropped, and one family of nested forms takes at
// most two slots.
//
// Thread-safe: a pure function of its inputs.
#ifndef NEWSFLOW_SERVICES_ENRICH_CORE_KEYPHRASES_H_
#define NEWSFLOW_SERVICES_ENRICH_CORE_KEYPHRASES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/util/document_frequencies.h"
#include "services/enrich/core/document.h"

namespace newsflow::enrich {

// One tag: `name` for display, `key` that groups its variants (from
// ExtractKeyphrases: lowercase stems separated by one space, Chinese keys
// without spaces; an Enricher's results carry the published key instead,
// see tag_keys.h), `score` in (0, 1] with the best tag at 1.
struct ScoredTag {
  std::string name;
  std::string key;
  double score = 0;
  // Added by a category rule (EnrichOptions::categories), not extracted.
  bool category = false;
};

struct KeyphraseOptions {
  // At most this many tags.
  int max_tags = 8;
  // At least this many tags when the text has enough candidates; between
  // min_tags and max_tags, weak candidates (far below the best) are cut.
  int min_tags = 5;
};

// Document frequencies of word keys over the articles seen so far, learned
// from the stream itself: words that occur in many articles ("year",
// "people", "会议") are weak tags however often one article repeats them.
// Cold (few articles seen), the statistics have no effect; their weight grows
// with the number of articles. Memory is bounded: when the table is full,
// every count (and the article count) is halved and words left at zero are
// forgotten.
//
// Thread-compatible: one per Enricher.
class TermStatistics {
 public:
  explicit TermStatistics(size_t max_terms = size_t{1} << 18) : table_(max_terms) {}

  // Counts each distinct non-stop key of `document` (body and title) once.
  void Add(const Document& document);

  // Specificity of `key` in [0, 1]: log(N / df) / log(N), 1 for a word not
  // seen before, near 0 for a word in nearly every article.
  double Specificity(std::string_view key) const;

  // Weight of Specificity() in tag scores: 0 cold, approaching 1 as articles
  // accumulate.
  double Confidence() const;

  double documents() const { return table_.documents(); }

  // The counts themselves, for sharing them between workers (see
  // services/enrich/term_counts_sharing.h).
  DocumentFrequencies& frequencies() { return table_; }

 private:
  DocumentFrequencies table_;   // key hash -> documents
  std::vector<uint64_t> seen_;  // scratch for Add
};

// Returns tags best first. Boilerplate sentences are ignored. `statistics`
// (optional) supplies document frequencies; it is not updated here.
std::vector<ScoredTag> ExtractKeyphrases(const Document& document, const KeyphraseOptions& options,
                                         const TermStatistics* statistics = nullptr);

}  // namespace newsflow::enrich

#endif  // NEWSFLOW_SERVICES_ENRICH_CORE_KEYPHRASES_H_

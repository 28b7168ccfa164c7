// Extractive summarisation and key points over an analysed Document.
//
// RankSentences scores the eligible sentences (terminal punctuation, enough
// content words, not boilerplate) with TextRank: a graph whose edges are the
// cosine similarities of the sentences' term-frequency vectors over
// unstemmed content words, ranked by PageRank. SelectSentences then picks
// sentences by maximal marginal relevance (MMR), trading score against
// similarity to sentences already picked (near-duplicates are always
// skipped), and returns them in reading order.
//
// Long texts stay linear: at most RankOptions::max_sentences sentences are
// ranked, and each is compared only with its kSentenceNeighbours nearest
// ranked sentences on either side (for texts of up to kSentenceNeighbours + 1
// ranked sentences, which is nearly every article, that is every pair).
//
//   SentenceRanking ranking = RankSentences(document);
//   std::vector<uint32_t> summary = SelectSentences(ranking, 3, kSummaryDiversity);
//
// Thread-safe: pure functions of their inputs.
#ifndef NEWSFLOW_SERVICES_ENRICH_CORE_SUMMARIZER_H_
#define NEWSFLOW_SERVICES_ENRICH_CORE_SUMMARIZER_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "services/enrich/core/document.h"

namespace newsflow::enrich {

// MMR weight on redundancy: 0 ranks by score only, 1 only by novelty.
// The summary takes the most central sentences (redundancy costs agreement
// with editors' extracts); key points, shown as a list, favour variety.
inline constexpr double kSummaryDiversity = 0.0;
inline constexpr double kKeyPointDiversity = 0.5;

// Each ranked sentence is compared with at most this many ranked sentences
// before and after it.
inline constexpr size_t kSentenceNeighbours = 200;

struct RankOptions {
  // The first this many eligible sentences (reading order) are ranked.
  size_t max_sentences = 1000;
  // Longer sentences (bytes) are not eligible.
  size_t max_sentence_bytes = 3000;
};

// A sparse, L2-normalised TF-IDF vector: (key, weight) sorted by key.
using SparseVector = std::vector<std::pair<uint32_t, double>>;

double Cosine(const SparseVector& a, const SparseVector& b);

struct SentenceRanking {
  // Indices into Document::sentences of the ranked sentences, in reading
  // order; `scores` and `vectors` are parallel to it.
  std::vector<uint32_t> sentences;
  std::vector<double> scores;  // best is 1
  std::vector<SparseVector> vectors;
  // The article section each sentence is in: sections start at headings
  // (short lines without terminal punctuation, "Nationwide competition
  // heats up"); 0 throughout for an article without any.
  std::vector<uint32_t> sections;
  // Similarity edges of the sentence graph (for tests and metrics).
  size_t graph_edges = 0;
};

SentenceRanking RankSentences(const Document& document, const RankOptions& options = {});

// Picks up to `count` sentences by MMR with the given `diversity` weight and
// returns their Document::sentences indices in reading order.
std::vector<uint32_t> SelectSentences(const SentenceRanking& ranking, int count, double diversity);

// Key points: short facts shown as a list beside the summary. A key point
// is one ranked sentence, possibly shortened (see KeyPointForDisplay), that
//  - reads alone: no cut quotation, no leading pronoun or demonstrative
//    whose referent is in an earlier sentence ("He said...", "This
//    means..."), no lowercase continuation; a leading connective ("But",
//    "However,") is dropped;
//  - repeats neither a summary sentence (in `summary`, indices into
//    Document::sentences, or similar to one) nor the title (word overlap);
//  - differs from the other key points.
// Among those, they cover the article's parts as a reader skims them: the
// sections between headings when there are at least `count` of them, else
// `count` runs of consecutive sentences; the best of each part first, by
// centrality with long sentences valued less. Fewer than `count` when the
// article has too few such sentences. Returned in reading order.
struct KeyPoint {
  uint32_t sentence = 0;  // index into Document::sentences
  std::string text;       // as displayed
};
std::vector<KeyPoint> SelectKeyPoints(const Document& document, const SentenceRanking& ranking, int count,
                                      const std::vector<uint32_t>& summary);

// A key point's display text, or empty if sentence `index` cannot stand
// alone (see SelectKeyPoints). SentenceForDisplay without a leading
// connective and a trailing attribution ("..., the minister said." ->
// "...."; quotations keep theirs); a long English sentence is cut to its
// first clause at a semicolon or ", but", or before a trailing
// ", which ..."/", while ..." or dash aside, outside quotations.
std::string KeyPointForDisplay(const Document& document, uint32_t index);

// The text of sentence `index`, with surrounding whitespace removed and
// inner line breaks and runs of spaces collapsed to one space.
std::string SentenceForDisplay(const Document& document, uint32_t index);

}  // namespace newsflow::enrich

#endif  // NEWSFLOW_SERVICES_ENRICH_CORE_SUMMARIZER_H_

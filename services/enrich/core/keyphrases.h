// Keyphrase (tag) extraction from an analysed Document.
//
// Candidates are runs of one to four non-stop words inside a sentence that do
// not cross punctuation or a possessive (Chinese: one to three dictionary
// words, joined without spaces). Each candidate is scored by combining
//   - graph centrality: personalised PageRank over the word co-occurrence
//     graph (restarts favour early and title words), summed over the
//     candidate's words with a mild length normalisation;
//   - statistics: frequency, spread between first and last occurrence,
//     capitalisation as proper-noun evidence (English), and presence in the
//     title.
// Variants share a key (Snowball stems, lowercase), so "subsidy" and
// "subsidies" are one tag named after the most frequent surface form. A
// candidate is dropped when every occurrence lies inside a higher-ranked
// tag ("Action Plan" inside "AI Action Plan").
//
// Thread-safe: a pure function of its inputs.
#ifndef NEWSFLOW_SERVICES_ENRICH_CORE_KEYPHRASES_H_
#define NEWSFLOW_SERVICES_ENRICH_CORE_KEYPHRASES_H_

#include <string>
#include <vector>

#include "services/enrich/core/document.h"

namespace newsflow::enrich {

// One tag: `name` for display, `key` for indexes (lowercase, stem-merged,
// words separated by one space; Chinese keys have no spaces), `score` in
// (0, 1] with the best tag at 1.
struct ScoredTag {
  std::string name;
  std::string key;
  double score = 0;
};

struct KeyphraseOptions {
  // At most this many tags.
  int max_tags = 8;
  // At least this many tags when the text has enough candidates; between
  // min_tags and max_tags, weak candidates (far below the best) are cut.
  int min_tags = 5;
};

// Returns tags best first. Boilerplate sentences are ignored.
std::vector<ScoredTag> ExtractKeyphrases(const Document& document,
                                         const KeyphraseOptions& options);

}  // namespace newsflow::enrich

#endif  // NEWSFLOW_SERVICES_ENRICH_CORE_KEYPHRASES_H_

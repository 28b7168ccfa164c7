// The keys tags are published, indexed and subscribed under: one per
// concept across articles. Each tag's key is TagKey(name)
// (common/util/text.h: case folded, traditional Chinese made simplified,
// dotted acronyms undotted, plurals and abbreviations WordNet knows made one
// key: "U.S." and "United States" -> "united states"), computed here once,
// so that the store indexes the key enrichment chose and does not compute
// its own. Beyond what TagKey knows from names alone, within one article:
//   - an acronym and the capitalised name whose initials it is ("SEC" and
//     "Securities and Exchange Commission") are one concept under the
//     name's key, as TagKey keys the abbreviations WordNet pairs;
//   - two tags left with one key ("US" and "United States") are one tag:
//     the better ranked stays, under its own display name, so one concept
//     never takes two slots.
//
// Thread-safe: a pure function of its inputs.
#ifndef NEWSFLOW_SERVICES_ENRICH_CORE_TAG_KEYS_H_
#define NEWSFLOW_SERVICES_ENRICH_CORE_TAG_KEYS_H_

#include <vector>

#include "services/enrich/core/keyphrases.h"

namespace newsflow::enrich {

// Sets the key of every tag of `*tags` (best first) and drops the later of
// two tags with one key.
void CanonicalizeTagKeys(std::vector<ScoredTag>* tags);

}  // namespace newsflow::enrich

#endif  // NEWSFLOW_SERVICES_ENRICH_CORE_TAG_KEYS_H_

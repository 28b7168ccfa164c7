// Small text helpers shared by services.
#ifndef NEWSFLOW_COMMON_UTIL_TEXT_H_
#define NEWSFLOW_COMMON_UTIL_TEXT_H_

#include <string>
#include <string_view>

namespace newsflow {

// The key a tag is indexed, published and queried under: Unicode lower case
// (ICU, locale-independent), traditional Chinese characters made simplified
// (ICU's Hant-Hans), whitespace runs collapsed to one space, trimmed; then
// one key per English concept, by WordNet (common/lexicon): dotted acronyms
// undotted ("U.S." -> "us"), the plural of a head noun made singular when
// WordNet says it inflects a noun and is no noun of its own ("subsidies" ->
// "subsidy"; not "news", "physics", "athens"; a multiword lemma such as
// "united states" stays whole), and abbreviations replaced by the name
// whose initials they are in the same synset ("us", "usa" -> "united
// states", "eu" -> "european union"; "america" stays). Decisions read the
// lowercase key only, so a query typed in lower case finds the same key,
// and TagKey(TagKey(x)) == TagKey(x).
// "Export  Controls" -> "export control"; "經濟" and "经济" -> "经济".
std::string TagKey(std::string_view name);

// The version of TagKey's normalisation, raised whenever it changes what a
// name maps to. Enrichment computes each tag's key once, and the store
// indexes that key; a store records the version its index was built with and
// re-keys its stored tags (from their display names) when a newer build
// opens it, so old and new articles stay under one key per concept.
inline constexpr int kTagKeyVersion = 2;  // 2: English canonical keys (WordNet)

// The first `limit` bytes of `text` or less: up to the last line end, else
// sentence end (". ", "。", ...), in the last quarter of them, else up to a
// UTF-8 character boundary. `text` itself when it is no longer.
std::string_view CapText(std::string_view text, size_t limit);

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_UTIL_TEXT_H_

// 64-bit SimHash fingerprints for near-duplicate detection. A document is
// reduced to overlapping word shingles (three words by default); each
// shingle's 64-bit hash votes on every bit, and the fingerprint keeps the
// majority. Near-identical texts differ in few bits.
//
//   uint64_t a = SimHash(token_hashes_of_a);
//   if (FingerprintDistance(a, b) <= 3) { /* near duplicate */ }
//
// Thread-safe: pure functions.
#ifndef NEWSFLOW_SERVICES_ENRICH_CORE_SIMHASH_H_
#define NEWSFLOW_SERVICES_ENRICH_CORE_SIMHASH_H_

#include <cstdint>
#include <span>
#include <string_view>

namespace newsflow::enrich {

// Hash of one normalised word (XXH3, 64 bits).
uint64_t HashWord(std::string_view word);

// SimHash over the `shingle`-word shingles of `word_hashes` (one entry per
// word, in text order). Texts shorter than one shingle use all their words
// as a single shingle; an empty input yields 0.
// REQUIRES: shingle >= 1.
uint64_t SimHash(std::span<const uint64_t> word_hashes, int shingle = 3);

// Number of differing bits between two fingerprints (0..64).
int FingerprintDistance(uint64_t a, uint64_t b);

}  // namespace newsflow::enrich

#endif  // NEWSFLOW_SERVICES_ENRICH_CORE_SIMHASH_H_

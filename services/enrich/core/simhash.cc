#include "services/enrich/core/simhash.h"

#include <xxhash.h>

#include <algorithm>
#include <array>
#include <bit>

namespace newsflow::enrich {
namespace {

void Vote(uint64_t hash, std::array<int32_t, 64>* votes) {
  for (int bit = 0; bit < 64; ++bit) {
    (*votes)[bit] += ((hash >> bit) & 1) != 0 ? 1 : -1;
  }
}

}  // namespace

uint64_t HashWord(std::string_view word) { return XXH3_64bits(word.data(), word.size()); }

uint64_t SimHash(std::span<const uint64_t> word_hashes, int shingle) {
  if (word_hashes.empty()) return 0;
  const size_t width = std::min(static_cast<size_t>(std::max(shingle, 1)), word_hashes.size());
  std::array<int32_t, 64> votes{};
  for (size_t i = 0; i + width <= word_hashes.size(); ++i) {
    // Hashing the word hashes keeps shingles order-sensitive and cheap.
    Vote(XXH3_64bits(word_hashes.data() + i, width * sizeof(uint64_t)), &votes);
  }
  uint64_t fingerprint = 0;
  for (int bit = 0; bit < 64; ++bit) {
    if (votes[bit] > 0) fingerprint |= uint64_t{1} << bit;
  }
  return fingerprint;
}

int FingerprintDistance(uint64_t a, uint64_t b) { return std::popcount(a ^ b); }

}  // namespace newsflow::enrich

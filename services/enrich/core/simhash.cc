#include "services/enrich/core/simhash.h"

#include <xxhash.h>

#include <algorithm>
#include <array>
#include <bit>

namespace newsflow::enrich {
namespace {

// kSpread[b] holds bit i of the byte b in byte lane i (0 or 1), so adding
// kSpread values counts eight bit positions at once.
constexpr std::array<uint64_t, 256> kSpread = [] {
  std::array<uint64_t, 256> table{};
  for (int b = 0; b < 256; ++b) {
    for (int bit = 0; bit < 8; ++bit) {
      if ((b >> bit) & 1) table[b] |= uint64_t{1} << (8 * bit);
    }
  }
  return table;
}();

// Per-bit counts of ones over many 64-bit hashes: 8 lookups and adds per
// hash instead of 64 per-bit updates.
class BitCounter {
 public:
  void Add(uint64_t hash) {
    for (int byte = 0; byte < 8; ++byte) lanes_[byte] += kSpread[(hash >> (8 * byte)) & 0xFF];
    ++total_;
    // A byte lane holds at most 255.
    if (++pending_ == 255) Flush();
  }

  // Bits set in more than half of the hashes added.
  uint64_t Majority() {
    Flush();
    uint64_t out = 0;
    for (int bit = 0; bit < 64; ++bit) {
      if (2 * uint64_t{ones_[bit]} > total_) out |= uint64_t{1} << bit;
    }
    return out;
  }

 private:
  void Flush() {
    for (int byte = 0; byte < 8; ++byte) {
      for (int lane = 0; lane < 8; ++lane) ones_[8 * byte + lane] += (lanes_[byte] >> (8 * lane)) & 0xFF;
      lanes_[byte] = 0;
    }
    pending_ = 0;
  }

  std::array<uint64_t, 8> lanes_{};
  std::array<uint32_t, 64> ones_{};
  uint64_t total_ = 0;
  int pending_ = 0;
};

}  // namespace

uint64_t HashWord(std::string_view word) { return XXH3_64bits(word.data(), word.size()); }

uint64_t SimHash(std::span<const uint64_t> word_hashes, int shingle) {
  if (word_hashes.empty()) return 0;
  const size_t width = std::min(static_cast<size_t>(std::max(shingle, 1)), word_hashes.size());
  BitCounter counter;
  for (size_t i = 0; i + width <= word_hashes.size(); ++i) {
    // Hashing the word hashes keeps shingles order-sensitive and cheap.
    counter.Add(XXH3_64bits(word_hashes.data() + i, width * sizeof(uint64_t)));
  }
  // Bit b is set when more shingle hashes have it set than clear.
  return counter.Majority();
}

int FingerprintDistance(uint64_t a, uint64_t b) { return std::popcount(a ^ b); }

}  // namespace newsflow::enrich

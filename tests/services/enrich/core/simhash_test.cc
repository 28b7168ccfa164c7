#include "services/enrich/core/simhash.h"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace newsflow::enrich {
namespace {

std::vector<uint64_t> WordHashes(const std::string& text) {
  std::istringstream in(text);
  std::vector<uint64_t> hashes;
  for (std::string word; in >> word;) hashes.push_back(HashWord(word));
  return hashes;
}

constexpr char kHarbour[] =
    "the harbour authority approved a plan on tuesday to replace the old container cranes "
    "with electric models saying the change would cut noise and fuel costs for the port over "
    "the next decade while keeping shipping schedules on time and protecting jobs at the docks";

TEST(SimHashTest, NearIdenticalTextsAreClose) {
  std::string edited = kHarbour;
  edited.replace(edited.find("tuesday"), 7, "monday");
  const int distance = FingerprintDistance(SimHash(WordHashes(kHarbour)), SimHash(WordHashes(edited)));
  EXPECT_LE(distance, 10);
}

TEST(SimHashTest, UnrelatedTextsAreFar) {
  const std::string other =
      "a quiet village bakery won a regional prize for its rye bread after judges praised the "
      "crust and the sourdough starter that the owners have kept alive for forty years in a "
      "cellar beneath the old mill by the river";
  const int distance = FingerprintDistance(SimHash(WordHashes(kHarbour)), SimHash(WordHashes(other)));
  EXPECT_GE(distance, 18);
}

TEST(SimHashTest, IdenticalTextsAreEqualAndEmptyIsZero) {
  EXPECT_EQ(SimHash(WordHashes(kHarbour)), SimHash(WordHashes(kHarbour)));
  EXPECT_EQ(SimHash({}), 0u);
}

TEST(SimHashTest, DistanceCountsBits) {
  EXPECT_EQ(FingerprintDistance(0, 0), 0);
  EXPECT_EQ(FingerprintDistance(0, ~uint64_t{0}), 64);
  EXPECT_EQ(FingerprintDistance(0b1010, 0b0110), 2);
}

}  // namespace
}  // namespace newsflow::enrich

namespace newsflow::enrich {
namespace {

// The textbook definition, one vote per bit per shingle, as a reference for
// the byte-parallel counting in SimHash.
uint64_t ReferenceSimHash(const std::vector<uint64_t>& word_hashes, size_t width) {
  std::array<int64_t, 64> votes{};
  for (size_t i = 0; i + width <= word_hashes.size(); ++i) {
    const uint64_t hash = XXH3_64bits(word_hashes.data() + i, width * sizeof(uint64_t));
    for (int bit = 0; bit < 64; ++bit) votes[bit] += ((hash >> bit) & 1) != 0 ? 1 : -1;
  }
  uint64_t out = 0;
  for (int bit = 0; bit < 64; ++bit) {
    if (votes[bit] > 0) out |= uint64_t{1} << bit;
  }
  return out;
}

TEST(SimHashTest, MatchesPerBitVotingAcrossCounterFlushes) {
  std::mt19937_64 random(42);
  // Lengths around the 255-hash flush boundary of the byte counters.
  for (size_t words : {1u, 2u, 3u, 50u, 254u, 255u, 256u, 257u, 511u, 1000u, 4000u}) {
    std::vector<uint64_t> hashes(words);
    for (uint64_t& h : hashes) h = random();
    for (int shingle : {1, 3}) {
      const size_t width = std::min<size_t>(shingle, words);
      EXPECT_EQ(SimHash(hashes, shingle), ReferenceSimHash(hashes, width))
          << words << " words, shingle " << shingle;
    }
  }
}

}  // namespace
}  // namespace newsflow::enrich

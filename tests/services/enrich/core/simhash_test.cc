#include "services/enrich/core/simhash.h"

#include <gtest/gtest.h>

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
  const int distance =
      FingerprintDistance(SimHash(WordHashes(kHarbour)), SimHash(WordHashes(edited)));
  EXPECT_LE(distance, 10);
}

TEST(SimHashTest, UnrelatedTextsAreFar) {
  const std::string other =
      "a quiet village bakery won a regional prize for its rye bread after judges praised the "
      "crust and the sourdough starter that the owners have kept alive for forty years in a "
      "cellar beneath the old mill by the river";
  const int distance =
      FingerprintDistance(SimHash(WordHashes(kHarbour)), SimHash(WordHashes(other)));
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

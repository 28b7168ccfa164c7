#include "common/util/hash.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace newsflow {
namespace {

TEST(HashTest, MatchesXxh3ReferenceValueForEmptyInput) {
  // XXH3_64bits("") with the default secret, from the xxHash specification.
  EXPECT_EQ(Hash64(""), 0x2D06800538D394C2ULL);
  EXPECT_EQ(HashHex(""), "2d06800538d394c2");
}

TEST(HashTest, HexIsSixteenLowercaseDigitsOfHash64) {
  for (const char* s : {"a", "https://example.com/a", "guid:123"}) {
    std::string hex = HashHex(s);
    EXPECT_THAT(hex, ::testing::MatchesRegex("[0-9a-f]{16}"));
    EXPECT_EQ(std::stoull(hex, nullptr, 16), Hash64(s)) << s;
  }
}

TEST(HashTest, DifferentInputsDiffer) {
  EXPECT_NE(Hash64("https://example.com/a"), Hash64("https://example.com/b"));
  EXPECT_NE(Hash64(std::string_view("a\0b", 3)), Hash64(std::string_view("a\0c", 3)));
}

TEST(HashTest, HexKeepsLeadingZeros) {
  // Search a small input space for a hash below 2^60; its hex must still be 16 digits.
  for (int i = 0; i < 100000; ++i) {
    std::string s = std::to_string(i);
    if (Hash64(s) < (1ULL << 60)) {
      EXPECT_EQ(HashHex(s).size(), 16u);
      EXPECT_EQ(HashHex(s)[0], '0');
      return;
    }
  }
  FAIL() << "no small hash found";
}

}  // namespace
}  // namespace newsflow

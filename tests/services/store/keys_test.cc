#include "services/store/keys.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/util/text.h"
#include "newsflow/v1/article.pb.h"

namespace newsflow::store {
namespace {

using ::testing::Optional;

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

struct Be64Case {
  uint64_t value;
  std::string encoded;
};

// Names the case by its value: without it the test's name is the struct's
// raw bytes, padding and heap pointer included, and changes every build.
void PrintTo(const Be64Case& c, std::ostream* os) { *os << "0x" << std::hex << c.value; }

class Be64Test : public ::testing::TestWithParam<Be64Case> {};

TEST_P(Be64Test, EncodesBigEndian) { EXPECT_EQ(EncodeBE64(GetParam().value), GetParam().encoded); }

TEST_P(Be64Test, DecodesBack) { EXPECT_THAT(DecodeBE64(GetParam().encoded), Optional(GetParam().value)); }

INSTANTIATE_TEST_SUITE_P(Table, Be64Test,
                         ::testing::Values(Be64Case{0, Bytes({0, 0, 0, 0, 0, 0, 0, 0})},
                                           Be64Case{1, Bytes({0, 0, 0, 0, 0, 0, 0, 1})},
                                           Be64Case{0x0102030405060708ULL, Bytes({1, 2, 3, 4, 5, 6, 7, 8})},
                                           Be64Case{0xff, Bytes({0, 0, 0, 0, 0, 0, 0, 0xff})},
                                           Be64Case{0x100, Bytes({0, 0, 0, 0, 0, 0, 1, 0})},
                                           Be64Case{
                                               std::numeric_limits<uint64_t>::max(),
                                               Bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})}));

TEST(KeysTest, DecodeRejectsWrongLength) {
  EXPECT_EQ(DecodeBE64(""), std::nullopt);
  EXPECT_EQ(DecodeBE64(std::string(7, '\0')), std::nullopt);
  EXPECT_EQ(DecodeBE64(std::string(9, '\0')), std::nullopt);
}

TEST(KeysTest, SeqKeysSortNumerically) {
  std::vector<uint64_t> values{1, 2, 9, 10, 255, 256, 65536, 1ULL << 40};
  for (std::size_t i = 0; i + 1 < values.size(); ++i) {
    EXPECT_LT(SeqKey(values[i]), SeqKey(values[i + 1])) << values[i];
  }
}

TEST(KeysTest, IndexKeyLayoutIsValueNulReverseTimeId) {
  std::string key = IndexKey("ai", 5, "00000000000000ab");
  EXPECT_EQ(key, std::string("ai\0", 3) + EncodeBE64(std::numeric_limits<uint64_t>::max() - 5) +
                     "00000000000000ab");
  EXPECT_EQ(IndexPrefix("ai"), std::string("ai\0", 3));
  EXPECT_EQ(key.rfind(IndexPrefix("ai"), 0), 0u);
}

TEST(KeysTest, NewerTimesSortFirst) {
  std::vector<int64_t> times{1'700'000'000'000, 1'600'000'000'000, 255, 256, 1, 0};
  std::vector<std::string> keys;
  keys.reserve(times.size());
  for (int64_t t : times) keys.push_back(IndexKey("tag", t, "id00000000000000"));
  std::vector<int64_t> sorted_times;
  std::vector<std::size_t> order(keys.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return keys[a] < keys[b]; });
  sorted_times.reserve(order.size());
  for (auto i : order) sorted_times.push_back(times[i]);
  EXPECT_TRUE(std::is_sorted(sorted_times.begin(), sorted_times.end(), std::greater<>()))
      << ::testing::PrintToString(sorted_times);
}

TEST(KeysTest, TimeKeysAlsoSortNewestFirst) {
  EXPECT_LT(TimeKey(2000, "b"), TimeKey(1000, "a"));
  EXPECT_LT(TimeKey(1000, "a"), TimeKey(1000, "b"));  // ties break by id
}

TEST(KeysTest, NegativeTimeSortsLikeZero) { EXPECT_EQ(TimeKey(-5, "x"), TimeKey(0, "x")); }

TEST(KeysTest, PrefixOfOneValueDoesNotMatchALongerValue) {
  std::string longer = IndexKey("ai chips", 1, "id");
  EXPECT_NE(longer.rfind(IndexPrefix("ai"), 0), 0u);
}

TEST(KeysTest, IdFromIndexKeyRoundTrips) {
  const std::string id = "0123456789abcdef";
  EXPECT_EQ(IdFromIndexKey(IndexKey("export controls", 123, id), IndexPrefix("export controls").size()), id);
  EXPECT_EQ(IdFromIndexKey(TimeKey(123, id), 0), id);
}

TEST(KeysTest, IdFromTooShortKeyIsEmpty) {
  EXPECT_EQ(IdFromIndexKey("abc", 0), "");
  EXPECT_EQ(IdFromIndexKey(std::string("t\0", 2) + "1234567", 2), "");
}

TEST(KeysTest, SeqValueRoundTrips) {
  std::string id, version;
  ASSERT_TRUE(ParseSeqValue(SeqValue("0123456789abcdef", "fedcba9876543210"), &id, &version));
  EXPECT_EQ(id, "0123456789abcdef");
  EXPECT_EQ(version, "fedcba9876543210");
}

struct MalformedSeqCase {
  std::string value;
};

class MalformedSeqValueTest : public ::testing::TestWithParam<std::string> {};

TEST_P(MalformedSeqValueTest, IsRejected) {
  std::string id, version;
  EXPECT_FALSE(ParseSeqValue(GetParam(), &id, &version));
}

INSTANTIATE_TEST_SUITE_P(Table, MalformedSeqValueTest,
                         ::testing::Values(std::string(""), std::string("no-separator"),
                                           std::string("\0version", 8)));

TEST(KeysTest, TagCountValueRoundTrips) {
  uint64_t count = 0;
  std::string name;
  ASSERT_TRUE(ParseTagCountValue(TagCountValue(12345, "Export Controls"), &count, &name));
  EXPECT_EQ(count, 12345u);
  EXPECT_EQ(name, "Export Controls");
  EXPECT_EQ(TagCountKey("export controls"), "tag/export controls");
}

TEST(KeysTest, TagCountValueTooShortIsRejected) {
  uint64_t count = 0;
  std::string name;
  EXPECT_FALSE(ParseTagCountValue("short", &count, &name));
}

TEST(KeysTest, TagHourKeysSortByHourWithinAScopeAndRoundTrip) {
  EXPECT_EQ(HourOf(0), 0);
  EXPECT_EQ(HourOf(kHourMs - 1), 0);
  EXPECT_EQ(HourOf(-1), -1);
  EXPECT_LT(TagHourKey("en", -1, "b"), TagHourKey("en", 0, "a"));
  EXPECT_LT(TagHourKey("en", 5, "zz"), TagHourKey("en", 6, "a"));
  EXPECT_TRUE(TagHourKey("en", 5, "x").starts_with(TagHourPrefix("en")));
  EXPECT_FALSE(TagHourKey("en-gb", 5, "x").starts_with(TagHourPrefix("en")));
  for (int64_t hour : {int64_t{-3}, int64_t{0}, int64_t{493'000}}) {
    std::string_view scope, tag;
    int64_t parsed = 0;
    const std::string key = TagHourKey("zh", hour, "台风");
    ASSERT_TRUE(ParseTagHourKey(key, &scope, &parsed, &tag));
    EXPECT_EQ(scope, "zh");
    EXPECT_EQ(parsed, hour);
    EXPECT_EQ(tag, "台风");
  }
  EXPECT_EQ(ParseTagHourValue(TagHourValue(-2)), -2);
  EXPECT_EQ(ParseTagHourValue("short"), std::nullopt);
}

// The store trusts a worker's key by its form alone: every key TagKey makes
// has that form, and what is not a key falls back to the display name's.
TEST(KeysTest, TagKeysHaveTheShapeTheStoreChecks) {
  for (const char* name : {"Los Angeles", "  Mad  Cow Disease ", "U.S.", "Économie", "量子计算", "臺灣 經濟",
                           "COVID-19", "Bank of England", "iPhone\t15"}) {
    const std::string key = TagKey(name);
    EXPECT_TRUE(HasTheShapeOfATagKey(key)) << name << " -> \"" << key << "\"";
  }
  for (const char* not_a_key : {"", " lead", "trail ", "two  spaces", "Capital", "tab\there", "nul\x01"}) {
    EXPECT_FALSE(HasTheShapeOfATagKey(not_a_key)) << not_a_key;
  }
  v1::Tag tag;
  tag.set_name("Export Controls");
  tag.set_key("Export  Controls");
  EXPECT_EQ(IndexedTagKey(tag), TagKey("Export Controls"));
  tag.set_key("trade curbs");  // a key of another form is the worker's call
  EXPECT_EQ(IndexedTagKey(tag), "trade curbs");
}

}  // namespace
}  // namespace newsflow::store

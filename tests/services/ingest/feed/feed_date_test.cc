#include "services/ingest/feed/feed_date.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>

namespace newsflow::ingest {
namespace {

// 2003-06-10T04:00:00Z
constexpr int64_t kBase = 1055217600000;
constexpr int64_t kHour = 3600 * 1000;
constexpr int64_t kMinute = 60 * 1000;

struct DateCase {
  const char* input;
  std::optional<int64_t> expected;
};

TEST(FeedDateTest, ParsesRfc822Variants) {
  const DateCase kCases[] = {
      {"Tue, 10 Jun 2003 04:00:00 GMT", kBase},
      {"Tue, 10 Jun 2003 04:00:00 +0000", kBase},
      {"Tue, 10 Jun 2003 06:00:00 +0200", kBase},
      {"Tue, 10 Jun 2003 06:00:00 +02:00", kBase},
      {"Tue, 10 Jun 2003 00:00:00 EDT", kBase},
      {"Mon, 09 Jun 2003 23:00:00 EST", kBase},
      {"Mon, 09 Jun 2003 21:00:00 PDT", kBase},
      {"Tue, 10 Jun 2003 04:00 GMT", kBase},   // missing seconds
      {"10 Jun 2003 04:00:00 GMT", kBase},     // missing weekday
      {"Tue, 10 Jun 03 04:00:00 GMT", kBase},  // 2-digit year
      {"Tue, 10 Jun 2003 04:00:00", kBase},    // missing zone = UTC
      {"Tue, 10 Jun 2003 04:00:00 Z", kBase},
      {"Tue, 10 Jun 2003 04:00:00 UT", kBase},
      {"Tuesday, 10 June 2003 04:00:00 GMT", kBase},  // full names
      {"Tue, 10 Jun 2003 05:00:00 GMT+1", kBase},
      {"Tue,10 Jun 2003 04:00:00 GMT", kBase},  // no space after comma
      {"Tue, 10-Jun-03 04:00:00 GMT", kBase},   // RFC 850
      {"Tue Jun 10 04:00:00 2003", kBase},      // asctime
      {"June 10, 2003 4:00 AM", kBase},         // month first, 12-hour clock
      {"Jun 10 2003 04:00:00 GMT", kBase},
      {"Tue, 10 Jun 2003 04:00:00.250 GMT", kBase + 250},
      {"Tue, 10 Jun 2003", kBase - 4 * kHour},   // date only
      {"Tue, 10 Jun 2003 09:30:00 IST", kBase},  // +05:30
      {"Sat, 01 Jan 2000 00:00:00 GMT", 946684800000},
      {"Thu, 01 Jan 70 00:00:00 GMT", 0},        // 70 -> 1970
      {"tue, 10 jun 2003 04:00:00 gmt", kBase},  // case does not matter
      {"Sat, 10 Jun 2003 04:00:00 GMT", kBase},  // a wrong weekday is ignored
      {"Tue, 10 Jun 2003 04:00:00 GMT.", kBase},
  };
  for (const DateCase& c : kCases) {
    EXPECT_EQ(ParseFeedDate(c.input), c.expected) << "input: " << c.input;
  }
}

TEST(FeedDateTest, ParsesRfc3339AndW3cdtfVariants) {
  const DateCase kCases[] = {
      {"2003-06-10T04:00:00Z", kBase},
      {"2003-06-10T04:00:00z", kBase},
      {"2003-06-10T04:00:00.5Z", kBase + 500},
      {"2003-06-10T04:00:00.123456Z", kBase + 123},
      {"2003-06-10T06:00:00+02:00", kBase},
      {"2003-06-10T06:00:00+0200", kBase},
      {"2003-06-10T06:00:00+02", kBase},
      {"2003-06-09T23:00:00-05:00", kBase},
      {"2003-06-10T04:00Z", kBase},
      {"2003-06-10T04:00:00", kBase},  // no zone = UTC
      {"2003-06-10 04:00:00", kBase},  // space instead of T
      {"2003-06-10 04:00:00 UTC", kBase},
      {"2003-06-10", kBase - 4 * kHour},
      {"2003-06", kBase - 4 * kHour - 9 * 24 * kHour},
      {"2003", 1041379200000},
      {"20030610T040000Z", kBase},  // basic format
      {"2003/06/10", kBase - 4 * kHour},
      {"2003-06-10T04:30:00+00:30", kBase},
      {"2003-06-10T04:00:60Z", kBase + 59000},       // leap second clamps
      {"2003-06-10T24:00:00Z", kBase + 20 * kHour},  // end of day
      {" 2003-06-10T04:00:00Z \n", kBase},
  };
  for (const DateCase& c : kCases) {
    EXPECT_EQ(ParseFeedDate(c.input), c.expected) << "input: " << c.input;
  }
}

TEST(FeedDateTest, RejectsBrokenDates) {
  const char* kCases[] = {
      "",
      "yesterday",
      "not a date at all",
      "2003-13-01T00:00:00Z",  // month 13
      "2003-02-30",            // Feb 30
      "2003-06-10T25:00:00Z",  // hour 25
      "2003-06-10T04:61:00Z",  // minute 61
      "Tue, 32 Jun 2003 04:00:00 GMT",
      "Tue, 10 Foo 2003 04:00:00 GMT",
      "Tue, 10 Jun 2003 04:00:00 +9999",
      "Sun, 30 Feb 2003 04:00:00 GMT",
      "Tue, 10 Jun 2003 04:00:00 XYZ",
      "Tue, 10 Jun 2003 24:00:01 GMT",
      "2003-06-10Tgarbage",
      "12:34:56",
      "Jun",
  };
  for (const char* input : kCases) {
    EXPECT_EQ(ParseFeedDate(input), std::nullopt) << "input: " << input;
  }
}

TEST(FeedDateTest, HandlesLeapYears) {
  EXPECT_EQ(ParseFeedDate("2004-02-29"), std::optional<int64_t>(1078012800000));
  EXPECT_EQ(ParseFeedDate("2000-02-29"), std::optional<int64_t>(951782400000));
  EXPECT_EQ(ParseFeedDate("1900-02-29"), std::nullopt);
  EXPECT_EQ(ParseFeedDate("2003-02-29"), std::nullopt);
}

TEST(FeedDateTest, FormatsRfc3339) {
  EXPECT_EQ(FormatRfc3339(kBase), "2003-06-10T04:00:00Z");
  EXPECT_EQ(FormatRfc3339(kBase + 250), "2003-06-10T04:00:00.250Z");
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatRfc3339(951782400000 + 12 * kHour + 34 * kMinute + 56000), "2000-02-29T12:34:56Z");
}

TEST(FeedDateTest, RoundTripsThroughFormat) {
  for (int64_t ms : {kBase, int64_t{0}, int64_t{1700000000123}, int64_t{-86400000}}) {
    EXPECT_EQ(ParseFeedDate(FormatRfc3339(ms)), std::optional<int64_t>(ms));
  }
}

}  // namespace
}  // namespace newsflow::ingest

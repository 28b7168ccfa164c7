// Date parsing for feeds: the formats RSS and Atom publishers actually emit.
//
//   ParseFeedDate("Tue, 10 Jun 2003 04:00:00 GMT")   -> 1055217600000
//   ParseFeedDate("2003-06-10T04:00:00.5+02:00")     -> 1055210400500
//   FormatRfc3339(1055217600000) == "2003-06-10T04:00:00Z"
//
// Pure functions, thread-safe.
#ifndef NEWSFLOW_SERVICES_INGEST_FEED_FEED_DATE_H_
#define NEWSFLOW_SERVICES_INGEST_FEED_FEED_DATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace newsflow::ingest {

// Parses a feed date and returns it as UTC unix milliseconds, or nullopt if
// no date can be recognised. Accepted:
// - RFC 822 / 1123 / 2822: optional weekday, day, month name (abbreviated or
//   full), 2- or 4-digit year, optional time with or without seconds, and a
//   zone that is a name (GMT, UT, EST, PDT, CEST, ...), a military letter, or a
//   numeric offset ("+0200", "+02:00", "GMT+2"); a missing zone means UTC.
// - RFC 3339 / W3CDTF / ISO 8601: "2003", "2003-12", "2003-12-31",
//   "2003-12-31T10:14Z", fractional seconds, "Z" or "+hh:mm" / "+hhmm" / "+hh",
//   a space instead of "T", basic format "20031231T101455Z", and "/" as the
//   date separator.
// - asctime ("Sun Nov  6 08:49:37 1994") and month-first variants
//   ("Nov 6, 1994 8:49 PM").
// Out-of-range fields (month 13, Feb 30, hour 25) give nullopt.
std::optional<int64_t> ParseFeedDate(std::string_view s);

// Formats UTC unix milliseconds as RFC 3339 in UTC: "2003-06-10T04:00:00Z",
// with ".mmm" appended only when the milliseconds are non-zero.
std::string FormatRfc3339(int64_t unix_ms);

}  // namespace newsflow::ingest

#endif  // NEWSFLOW_SERVICES_INGEST_FEED_FEED_DATE_H_

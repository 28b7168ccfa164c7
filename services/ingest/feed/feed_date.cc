#include "services/ingest/feed/feed_date.h"

#include <cctype>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace newsflow::ingest {
namespace {

constexpr int64_t kMsPerMinute = 60 * 1000;
constexpr int64_t kMsPerDay = 24 * 60 * kMsPerMinute;

struct Fields {
  int year = -1;
  int month = -1;
  int day = -1;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int millis = 0;
  int offset_minutes = 0;  // local time minus UTC
};

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date, computed by counting
// in 400-year eras that start on March 1st (so the leap day ends an era year).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t year_of_era = y - era * 400;
  const int64_t day_of_year = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

// Inverse of DaysFromCivil.
void CivilFromDays(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t day_of_era = z - era * 146097;
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t mp = (5 * day_of_year + 2) / 153;
  *d = static_cast<int>(day_of_year - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = year_of_era + era * 400 + (*m <= 2 ? 1 : 0);
}

std::optional<int64_t> ToUnixMs(Fields f) {
  if (f.year < 0 || f.year > 9999 || f.month < 1 || f.month > 12 || f.day < 1 ||
      f.day > DaysInMonth(f.year, f.month)) {
    return std::nullopt;
  }
  if (f.hour == 24 && f.minute == 0 && f.second == 0 && f.millis == 0) {
    // "24:00:00" is the end of the day, allowed by ISO 8601.
  } else if (f.hour < 0 || f.hour > 23) {
    return std::nullopt;
  }
  if (f.minute < 0 || f.minute > 59 || f.second < 0 || f.second > 60) return std::nullopt;
  if (f.second == 60) f.second = 59;  // leap second: clamp
  if (f.offset_minutes < -24 * 60 || f.offset_minutes > 24 * 60) return std::nullopt;
  int64_t ms = DaysFromCivil(f.year, f.month, f.day) * kMsPerDay;
  ms += ((f.hour * 60 + f.minute) * 60 + f.second) * 1000LL + f.millis;
  ms -= f.offset_minutes * kMsPerMinute;
  return ms;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads up to `max` digits (at least `min`) at s[*pos]; returns -1 if fewer.
int ReadNumber(std::string_view s, size_t* pos, int min, int max) {
  int value = 0;
  int count = 0;
  while (*pos < s.size() && count < max && IsDigit(s[*pos])) {
    value = value * 10 + (s[*pos] - '0');
    ++*pos;
    ++count;
  }
  return count >= min ? value : -1;
}

// Reads fractional-second digits after the separator; returns milliseconds.
int ReadFraction(std::string_view s, size_t* pos) {
  int millis = 0;
  int count = 0;
  while (*pos < s.size() && IsDigit(s[*pos])) {
    if (count < 3) millis = millis * 10 + (s[*pos] - '0');
    ++count;
    ++*pos;
  }
  for (int i = count; i < 3; ++i) millis *= 10;
  return millis;
}

// Named zones seen in feeds. Ambiguous abbreviations (IST, BST as Bangladesh)
// take their most common meaning in English-language feeds.
std::optional<int> NamedZoneOffset(const std::string& name) {
  struct Zone {
    std::string_view name;
    int minutes;
  };
  static constexpr Zone kZones[] = {
      {"ut", 0},     {"utc", 0},    {"gmt", 0},     {"z", 0},       {"wet", 0},    {"bst", 60},
      {"cet", 60},   {"met", 60},   {"mez", 60},    {"west", 60},   {"cest", 120}, {"mest", 120},
      {"mesz", 120}, {"eet", 120},  {"eest", 180},  {"msk", 180},   {"ist", 330},  {"ict", 420},
      {"wib", 420},  {"hkt", 480},  {"sgt", 480},   {"awst", 480},  {"jst", 540},  {"kst", 540},
      {"acst", 570}, {"aest", 600}, {"acdt", 630},  {"aedt", 660},  {"nzst", 720}, {"nzdt", 780},
      {"est", -300}, {"edt", -240}, {"cst", -360},  {"cdt", -300},  {"mst", -420}, {"mdt", -360},
      {"pst", -480}, {"pdt", -420}, {"akst", -540}, {"akdt", -480}, {"hst", -600}, {"ast", -240},
      {"adt", -180}, {"nst", -210}, {"ndt", -150},  {"et", -300},   {"ct", -360},  {"mt", -420},
      {"pt", -480}};
  for (const Zone& zone : kZones) {
    if (zone.name == name) return zone.minutes;
  }
  // RFC 2822 section 4.3: military zones other than Z are unreliable and are
  // taken as UTC.
  if (name.size() == 1 && name[0] >= 'a' && name[0] <= 'z' && name[0] != 'j') return 0;
  return std::nullopt;
}

// Parses "+hh", "+hhmm", "+hh:mm", "+h" starting at the sign.
std::optional<int> ParseNumericOffset(std::string_view s) {
  if (s.empty() || (s[0] != '+' && s[0] != '-')) return std::nullopt;
  int sign = s[0] == '-' ? -1 : 1;
  size_t pos = 1;
  size_t start = pos;
  while (pos < s.size() && IsDigit(s[pos])) ++pos;
  std::string_view digits = s.substr(start, pos - start);
  int hours = 0;
  int minutes = 0;
  if (digits.size() == 4) {
    hours = (digits[0] - '0') * 10 + (digits[1] - '0');
    minutes = (digits[2] - '0') * 10 + (digits[3] - '0');
  } else if (digits.size() == 1 || digits.size() == 2) {
    hours = std::stoi(std::string(digits));
    if (pos < s.size() && (s[pos] == ':' || s[pos] == '.')) {
      ++pos;
      int m = ReadNumber(s, &pos, 2, 2);
      if (m < 0) return std::nullopt;
      minutes = m;
    }
  } else {
    return std::nullopt;
  }
  if (pos != s.size() || hours > 23 || minutes > 59) return std::nullopt;
  return sign * (hours * 60 + minutes);
}

// A zone token: a name, a numeric offset, or a name followed by an offset
// ("GMT+2", "UTC-05:00").
std::optional<int> ParseZone(std::string_view token) {
  std::string lower = Lower(token);
  if (lower.size() >= 2 && lower.front() == '(' && lower.back() == ')') {
    lower = lower.substr(1, lower.size() - 2);
  }
  if (lower.empty()) return std::nullopt;
  if (lower[0] == '+' || lower[0] == '-') return ParseNumericOffset(lower);
  size_t sign = lower.find_first_of("+-");
  if (sign != std::string::npos) {
    std::optional<int> base = NamedZoneOffset(lower.substr(0, sign));
    std::optional<int> offset = ParseNumericOffset(std::string_view(lower).substr(sign));
    if (base && offset) return *base + *offset;
    return std::nullopt;
  }
  return NamedZoneOffset(lower);
}

// ISO 8601 / RFC 3339 / W3CDTF and close relatives.
std::optional<int64_t> ParseIso(std::string_view s) {
  Fields f;
  size_t pos = 0;
  f.year = ReadNumber(s, &pos, 4, 4);
  if (f.year < 0) return std::nullopt;
  f.month = 1;
  f.day = 1;
  if (pos < s.size() && (s[pos] == '-' || s[pos] == '/')) {
    char sep = s[pos++];
    f.month = ReadNumber(s, &pos, 1, 2);
    if (f.month < 0) return std::nullopt;
    if (pos < s.size() && s[pos] == sep) {
      ++pos;
      f.day = ReadNumber(s, &pos, 1, 2);
      if (f.day < 0) return std::nullopt;
    }
  } else if (pos < s.size() && IsDigit(s[pos])) {
    f.month = ReadNumber(s, &pos, 2, 2);
    f.day = ReadNumber(s, &pos, 2, 2);
    if (f.month < 0 || f.day < 0) return std::nullopt;
  }
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == 't' || s[pos] == ' ')) {
    size_t time_start = pos + 1;
    while (time_start < s.size() && s[time_start] == ' ') ++time_start;
    if (time_start < s.size() && IsDigit(s[time_start])) {
      pos = time_start;
      f.hour = ReadNumber(s, &pos, 1, 2);
      bool colon = pos < s.size() && s[pos] == ':';
      if (colon) ++pos;
      f.minute = ReadNumber(s, &pos, 2, 2);
      if (f.minute < 0) return std::nullopt;
      if (pos < s.size() && (s[pos] == ':' || (!colon && IsDigit(s[pos])))) {
        if (s[pos] == ':') ++pos;
        f.second = ReadNumber(s, &pos, 2, 2);
        if (f.second < 0) return std::nullopt;
        if (pos + 1 < s.size() && (s[pos] == '.' || s[pos] == ',') && IsDigit(s[pos + 1])) {
          ++pos;
          f.millis = ReadFraction(s, &pos);
        }
      }
    }
  }
  while (pos < s.size() && s[pos] == ' ') ++pos;
  if (pos < s.size()) {
    std::optional<int> offset = ParseZone(s.substr(pos));
    if (!offset) return std::nullopt;
    f.offset_minutes = *offset;
  }
  return ToUnixMs(f);
}

int MonthFromName(const std::string& word) {
  static constexpr std::string_view kMonths[] = {"january",   "february", "march",    "april",
                                                 "may",       "june",     "july",     "august",
                                                 "september", "october",  "november", "december"};
  if (word.size() < 3) return -1;
  if (word == "sept") return 9;
  for (int i = 0; i < 12; ++i) {
    if (kMonths[i].substr(0, word.size()) == word) return i + 1;
  }
  return -1;
}

bool IsWeekdayName(const std::string& word) {
  static constexpr std::string_view kDays[] = {"monday", "tuesday",  "wednesday", "thursday",
                                               "friday", "saturday", "sunday"};
  if (word.size() < 2) return false;
  for (std::string_view day : kDays) {
    if (day.substr(0, word.size()) == word) return true;
  }
  return word == "tues" || word == "thur" || word == "thurs";
}

// Parses "hh:mm[:ss[.fff]]" followed by an optional attached zone.
bool ParseClock(std::string_view token, Fields* f, std::optional<int>* zone) {
  size_t pos = 0;
  f->hour = ReadNumber(token, &pos, 1, 2);
  if (f->hour < 0 || pos >= token.size() || token[pos] != ':') return false;
  ++pos;
  f->minute = ReadNumber(token, &pos, 1, 2);
  if (f->minute < 0) return false;
  if (pos < token.size() && token[pos] == ':') {
    ++pos;
    f->second = ReadNumber(token, &pos, 1, 2);
    if (f->second < 0) return false;
    if (pos + 1 < token.size() && (token[pos] == '.' || token[pos] == ',') && IsDigit(token[pos + 1])) {
      ++pos;
      f->millis = ReadFraction(token, &pos);
    }
  }
  if (pos < token.size()) {
    *zone = ParseZone(token.substr(pos));
    if (!*zone) return false;
  }
  return true;
}

// True if the '-' at s[i] separates the parts of an RFC 850 date such as
// "06-Nov-94" (digit-month or month-digit), given the token read so far.
bool IsRfc850Hyphen(const std::string& current, std::string_view s, size_t i) {
  if (current.empty() || i + 1 >= s.size()) return false;
  const char next = s[i + 1];
  if (IsDigit(current.back())) {
    return std::isalpha(static_cast<unsigned char>(next)) && current.find(':') == std::string::npos;
  }
  return IsDigit(next) && MonthFromName(Lower(current)) > 0;
}

// RFC 822 and friends: a bag of tokens, recognised by shape.
std::optional<int64_t> ParseTokens(std::string_view s) {
  std::vector<std::string> tokens;
  std::string current;
  auto flush = [&] {
    if (!current.empty()) tokens.push_back(current);
    current.clear();
  };
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',') {
      flush();
    } else if (c == '-' && IsRfc850Hyphen(current, s, i)) {
      // "06-Nov-94": RFC 850 dates separate the parts with hyphens.
      flush();
    } else {
      current += c;
    }
  }
  flush();

  Fields f;
  std::optional<int> zone;
  bool have_time = false;
  int pm = -1;  // -1 unknown, 0 am, 1 pm
  std::vector<int> numbers;
  for (const std::string& raw : tokens) {
    std::string token = Lower(raw);
    while (!token.empty() && token.back() == '.') token.pop_back();
    if (token.empty()) continue;
    if (IsDigit(token[0]) && token.find(':') != std::string::npos) {
      if (have_time || !ParseClock(token, &f, &zone)) return std::nullopt;
      have_time = true;
      continue;
    }
    bool all_digits = true;
    bool all_alpha = true;
    for (char c : token) {
      all_digits = all_digits && IsDigit(c);
      all_alpha = all_alpha && std::isalpha(static_cast<unsigned char>(c));
    }
    if (all_digits) {
      if (token.size() > 4) return std::nullopt;
      numbers.push_back(std::stoi(token) + (token.size() == 4 ? 10000 : 0));
      continue;
    }
    if (all_alpha) {
      int month = MonthFromName(token);
      if (month > 0 && f.month < 0) {
        f.month = month;
        continue;
      }
      if (IsWeekdayName(token)) continue;
      if (token == "am" || token == "pm") {
        pm = token == "pm";
        continue;
      }
      if (token == "at" || token == "of" || token == "the") continue;
    }
    if (IsDigit(token[0]) &&
        (token.ends_with("st") || token.ends_with("nd") || token.ends_with("rd") || token.ends_with("th"))) {
      std::string digits = token.substr(0, token.size() - 2);
      bool ok = !digits.empty() && digits.size() <= 2;
      for (char c : digits) ok = ok && IsDigit(c);
      if (ok) {
        numbers.push_back(std::stoi(digits));
        continue;
      }
    }
    std::optional<int> z = ParseZone(token);
    if (z && !zone) {
      zone = z;
      continue;
    }
    return std::nullopt;
  }
  if (f.month < 0 || numbers.empty() || numbers.size() > 2) return std::nullopt;
  // A 4-digit token (tagged +10000) or a value above 31 is the year; the
  // other number is the day.
  int year = -1;
  int day = -1;
  for (int n : numbers) {
    if ((n >= 10000 || n > 31) && year < 0) {
      year = n >= 10000 ? n - 10000 : n;
    } else if (day < 0) {
      day = n;
    } else if (year < 0) {
      year = n;
    } else {
      return std::nullopt;
    }
  }
  if (day < 0 || year < 0) return std::nullopt;
  if (year < 50) {
    year += 2000;
  } else if (year < 1000) {
    year += 1900;
  }
  f.year = year;
  f.day = day;
  if (pm >= 0) {
    if (!have_time || f.hour < 1 || f.hour > 12) return std::nullopt;
    if (pm == 1 && f.hour != 12) f.hour += 12;
    if (pm == 0 && f.hour == 12) f.hour = 0;
  }
  if (zone) f.offset_minutes = *zone;
  return ToUnixMs(f);
}

// The usual RSS shape, "Tue, 10 Jun 2003 04:00:00 GMT" (weekday optional,
// any zone ParseZone knows), read without tokenising. Returns nullopt for
// any other shape or an invalid date; ParseTokens then has the last word.
std::optional<int64_t> ParseRfc822Fast(std::string_view s) {
  size_t pos = 0;
  if (s.size() > 5 && s[3] == ',' && s[4] == ' ') {
    if (!IsWeekdayName(Lower(s.substr(0, 3)))) return std::nullopt;
    pos = 5;
  }
  Fields f;
  f.day = ReadNumber(s, &pos, 1, 2);
  if (f.day < 1 || f.day > 31 || pos >= s.size() || s[pos] != ' ') return std::nullopt;
  ++pos;
  if (pos + 3 >= s.size() || s[pos + 3] != ' ') return std::nullopt;
  for (size_t i = pos; i < pos + 3; ++i) {
    if (!std::isalpha(static_cast<unsigned char>(s[i]))) return std::nullopt;
  }
  f.month = MonthFromName(Lower(s.substr(pos, 3)));
  if (f.month < 0) return std::nullopt;
  pos += 4;
  f.year = ReadNumber(s, &pos, 4, 4);
  if (f.year < 1000 || pos >= s.size() || s[pos] != ' ') return std::nullopt;
  ++pos;
  f.hour = ReadNumber(s, &pos, 2, 2);
  if (f.hour < 0 || pos >= s.size() || s[pos] != ':') return std::nullopt;
  ++pos;
  f.minute = ReadNumber(s, &pos, 2, 2);
  if (f.minute < 0 || pos >= s.size() || s[pos] != ':') return std::nullopt;
  ++pos;
  f.second = ReadNumber(s, &pos, 2, 2);
  if (f.second < 0 || pos >= s.size() || s[pos] != ' ') return std::nullopt;
  std::string_view zone = s.substr(pos + 1);
  // A zone token the tokenizer would read the same way: no separators, and
  // not a word it skips (weekday, am/pm, ...), which no zone name is.
  if (zone.empty() || zone.find_first_of(" \t\n\r,.") != std::string_view::npos) {
    return std::nullopt;
  }
  if (!std::isalpha(static_cast<unsigned char>(zone[0])) && zone[0] != '+' && zone[0] != '-') {
    return std::nullopt;
  }
  std::optional<int> offset = ParseZone(zone);
  if (!offset) return std::nullopt;
  f.offset_minutes = *offset;
  return ToUnixMs(f);
}

}  // namespace

std::optional<int64_t> ParseFeedDate(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  if (s.empty() || s.size() > 128) return std::nullopt;
  if (s.size() >= 4 && IsDigit(s[0]) && IsDigit(s[1]) && IsDigit(s[2]) && IsDigit(s[3])) {
    if (std::optional<int64_t> iso = ParseIso(s)) return iso;
  }
  if (std::optional<int64_t> rfc822 = ParseRfc822Fast(s)) return rfc822;
  return ParseTokens(s);
}

std::string FormatRfc3339(int64_t unix_ms) {
  int64_t days = unix_ms / kMsPerDay;
  int64_t rem = unix_ms % kMsPerDay;
  if (rem < 0) {
    rem += kMsPerDay;
    --days;
  }
  int64_t year;
  int month;
  int day;
  CivilFromDays(days, &year, &month, &day);
  int millis = static_cast<int>(rem % 1000);
  int64_t seconds = rem / 1000;
  char buf[64];
  if (millis != 0) {
    std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ", static_cast<long long>(year),
                  month, day, static_cast<int>(seconds / 3600), static_cast<int>(seconds / 60 % 60),
                  static_cast<int>(seconds % 60), millis);
  } else {
    std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02dT%02d:%02d:%02dZ", static_cast<long long>(year), month,
                  day, static_cast<int>(seconds / 3600), static_cast<int>(seconds / 60 % 60),
                  static_cast<int>(seconds % 60));
  }
  return buf;
}

}  // namespace newsflow::ingest

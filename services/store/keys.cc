#include "services/store/keys.h"

#include <limits>

#include "common/util/text.h"

namespace newsflow::store {

std::string EncodeBE64(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return out;
}

std::optional<uint64_t> DecodeBE64(std::string_view s) {
  if (s.size() != 8) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) v = (v << 8) | static_cast<uint8_t>(c);
  return v;
}

namespace {
std::string ReverseTime(int64_t time_ms) {
  uint64_t t = time_ms < 0 ? 0 : static_cast<uint64_t>(time_ms);
  return EncodeBE64(std::numeric_limits<uint64_t>::max() - t);
}
}  // namespace

std::string IndexPrefix(std::string_view value) {
  std::string key(value);
  key.push_back('\0');
  return key;
}

std::string IndexKey(std::string_view value, int64_t time_ms, std::string_view id) {
  std::string key = IndexPrefix(value);
  key += ReverseTime(time_ms);
  key += id;
  return key;
}

std::string TimeKey(int64_t time_ms, std::string_view id) {
  std::string key = ReverseTime(time_ms);
  key += id;
  return key;
}

std::string_view IdFromIndexKey(std::string_view key, std::size_t prefix_size) {
  if (key.size() < prefix_size + 8) return {};
  return key.substr(prefix_size + 8);
}

std::string SeqKey(uint64_t sequence) { return EncodeBE64(sequence); }

std::string SeqValue(std::string_view id, std::string_view version) {
  std::string v(id);
  v.push_back('\0');
  v += version;
  return v;
}

bool ParseSeqValue(std::string_view value, std::string* id, std::string* version) {
  std::size_t pos = value.find('\0');
  if (pos == std::string_view::npos || pos == 0) return false;
  *id = std::string(value.substr(0, pos));
  *version = std::string(value.substr(pos + 1));
  return true;
}

std::string BandPrefix(int band, uint64_t fingerprint) {
  uint16_t bits = static_cast<uint16_t>(fingerprint >> (16 * band));
  std::string key(1, static_cast<char>(band));
  key.push_back(static_cast<char>(bits >> 8));
  key.push_back(static_cast<char>(bits & 0xff));
  return key;
}

std::string BandValue(uint64_t fingerprint, std::string_view cluster_id) {
  std::string v = EncodeBE64(fingerprint);
  v += cluster_id;
  return v;
}

bool ParseBandValue(std::string_view value, uint64_t* fingerprint, std::string* cluster_id) {
  if (value.size() < 8) return false;
  *fingerprint = *DecodeBE64(value.substr(0, 8));
  *cluster_id = std::string(value.substr(8));
  return true;
}

std::string TagCountKey(std::string_view tag_key) {
  std::string key(kMetaTagPrefix);
  key += tag_key;
  return key;
}

std::string TagCountValue(uint64_t count, std::string_view display_name) {
  std::string v = EncodeBE64(count);
  v += display_name;
  return v;
}

bool ParseTagCountValue(std::string_view value, uint64_t* count, std::string* display_name) {
  if (value.size() < 8) return false;
  *count = *DecodeBE64(value.substr(0, 8));
  *display_name = std::string(value.substr(8));
  return true;
}

int64_t HourOf(int64_t time_ms) {
  int64_t hour = time_ms / kHourMs;
  if (time_ms % kHourMs < 0) --hour;
  return hour;
}

std::string TagHourPrefix(std::string_view scope) { return IndexPrefix(scope); }

namespace {
constexpr uint64_t kSignBit = uint64_t{1} << 63;
}  // namespace

std::string TagHourKey(std::string_view scope, int64_t hour, std::string_view tag_key) {
  std::string key = TagHourPrefix(scope);
  key += EncodeBE64(static_cast<uint64_t>(hour) ^ kSignBit);
  key += tag_key;
  return key;
}

bool ParseTagHourKey(std::string_view key, std::string_view* scope, int64_t* hour,
                     std::string_view* tag_key) {
  std::size_t end = key.find('\0');
  if (end == std::string_view::npos || key.size() < end + 1 + 8) return false;
  *scope = key.substr(0, end);
  *hour = static_cast<int64_t>(*DecodeBE64(key.substr(end + 1, 8)) ^ kSignBit);
  *tag_key = key.substr(end + 1 + 8);
  return true;
}

std::string TagHourValue(int64_t count) { return EncodeBE64(static_cast<uint64_t>(count)); }

std::optional<int64_t> ParseTagHourValue(std::string_view value) {
  auto v = DecodeBE64(value);
  if (!v) return std::nullopt;
  return static_cast<int64_t>(*v);
}

bool HasTheShapeOfATagKey(std::string_view key) {
  if (key.empty() || key.front() == ' ' || key.back() == ' ') return false;
  char previous = 0;
  for (char c : key) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || (c >= 'A' && c <= 'Z') || (c == ' ' && previous == ' ')) return false;
    previous = c;
  }
  return true;
}

std::string IndexedTagKey(const v1::Tag& tag) {
  if (HasTheShapeOfATagKey(tag.key())) return tag.key();
  return TagKey(tag.name());
}

}  // namespace newsflow::store

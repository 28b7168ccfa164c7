// Every key encoding of the store's RocksDB, in one place (cf. leveldb
// db/dbformat.h). Column families (DESIGN.md, storage layout):
//
//   articles   id                                   -> Article (protobuf)
//   by_tag     tag_key  0x00 rts id                 -> ""
//   by_source  source_id 0x00 rts id                -> ""
//   by_lang    lang 0x00 rts id                     -> ""
//   by_time    rts id                               -> ""
//   by_url     canonical_url                        -> id
//   seq        BE64(sequence)                       -> id 0x00 version; an empty
//                                                      version is a tombstone
//                                                      (the article was deleted)
//   gone       id                                   -> BE64(deleted at, ms):
//                                                      deleted ids, refused if sent again
//   by_cluster cluster_id 0x00 rts id               -> ""
//   by_band    band(1) BE16(bits) id                -> BE64(fingerprint) cluster_id
//   tag_hours  scope 0x00 BE64(hour) tag_key        -> BE64(int64 count), merged
//                                                      by addition (trending tags)
//   meta       "schema_version" | "last_sequence"   -> BE64
//              "tag_key_version"                    -> BE64, the kTagKeyVersion
//                                                      the tag keys were made with
//              "tag/" tag_key                       -> BE64(count) display name
//              "term_counts"                        -> TermCounts (protobuf), the
//                                                      stream's document frequencies
//              "tag_hours_version"                  -> BE64, kTagHoursVersion once
//                                                      tag_hours is complete
//
// by_band splits each 64-bit fingerprint into four 16-bit bands: two
// fingerprints within Hamming distance 3 agree on at least one band
// (pigeonhole), so a near-duplicate search reads four small prefixes.
//
// tag_hours counts each tag's mentions per hour (hour = ms / 3,600,000
// since the epoch) and scope: "*" for every article, else the article's
// language code in lower case. Updates are RocksDB merges of signed deltas
// (+1 for a new version's tag, -1 for the replaced version's), so a write
// never reads; TagHourValue/ParseTagHourValue give the encoding.
//
// rts ("reverse timestamp") is BE64(UINT64_MAX - time_ms), so a forward scan
// of a prefix yields newest first. Article ids are fixed-width hex, so the
// suffix after rts is unambiguous.
#ifndef NEWSFLOW_SERVICES_STORE_KEYS_H_
#define NEWSFLOW_SERVICES_STORE_KEYS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "newsflow/v1/article.pb.h"

namespace newsflow::store {

inline constexpr char kArticlesCf[] = "articles";
inline constexpr char kByTagCf[] = "by_tag";
inline constexpr char kBySourceCf[] = "by_source";
inline constexpr char kByLangCf[] = "by_lang";
inline constexpr char kByTimeCf[] = "by_time";
inline constexpr char kByUrlCf[] = "by_url";
inline constexpr char kSeqCf[] = "seq";
inline constexpr char kByClusterCf[] = "by_cluster";
inline constexpr char kByBandCf[] = "by_band";
inline constexpr char kMetaCf[] = "meta";
inline constexpr char kTagHoursCf[] = "tag_hours";
inline constexpr char kGoneCf[] = "gone";

inline constexpr char kMetaSchemaVersion[] = "schema_version";
inline constexpr char kMetaLastSequence[] = "last_sequence";
inline constexpr char kMetaTermCounts[] = "term_counts";
inline constexpr char kMetaTagPrefix[] = "tag/";
inline constexpr char kMetaTagKeyVersion[] = "tag_key_version";
inline constexpr char kMetaTagHoursVersion[] = "tag_hours_version";
// The number of stored articles and the last sequence it was counted at
// (EncodeBE64 of each, 16 bytes), written in the batch of every commit that
// changes it. A value whose sequence is not kMetaLastSequence was left by a
// build that did not keep it, and the articles are counted again.
inline constexpr char kMetaArticleCount[] = "article_count";
// Raised when what tag_hours counts changes: the counts are then rebuilt.
inline constexpr uint64_t kTagHoursVersion = 1;
// The tag_hours scope of all languages together.
inline constexpr char kAllLanguagesScope[] = "*";
inline constexpr uint64_t kStoreSchemaVersion = 1;

std::string EncodeBE64(uint64_t v);
// nullopt unless `s` is exactly 8 bytes.
std::optional<uint64_t> DecodeBE64(std::string_view s);

// Prefix of a secondary index scan: value 0x00.
std::string IndexPrefix(std::string_view value);
// Full secondary index key: value 0x00 rts id.
std::string IndexKey(std::string_view value, int64_t time_ms, std::string_view id);
// by_time key: rts id.
std::string TimeKey(int64_t time_ms, std::string_view id);
// The id at the end of an index or time key (after the 8-byte rts).
std::string_view IdFromIndexKey(std::string_view key, std::size_t prefix_size);

std::string SeqKey(uint64_t sequence);
std::string SeqValue(std::string_view id, std::string_view version);
// Splits a seq value into id and version; false when malformed.
bool ParseSeqValue(std::string_view value, std::string* id, std::string* version);

inline constexpr int kFingerprintBands = 4;
// Prefix of band `band` (0..3) of `fingerprint`: band byte + BE16 bits.
std::string BandPrefix(int band, uint64_t fingerprint);
std::string BandValue(uint64_t fingerprint, std::string_view cluster_id);
bool ParseBandValue(std::string_view value, uint64_t* fingerprint, std::string* cluster_id);

std::string TagCountKey(std::string_view tag_key);

inline constexpr int64_t kHourMs = 3'600'000;
// The hour of `time_ms` (floor, also for times before the epoch).
int64_t HourOf(int64_t time_ms);
// Prefix of one scope's tag_hours entries: scope 0x00.
std::string TagHourPrefix(std::string_view scope);
// scope 0x00 BE64(hour, sign bit flipped so that order is numeric) tag_key.
std::string TagHourKey(std::string_view scope, int64_t hour, std::string_view tag_key);
// Splits a tag_hours key; false when malformed.
bool ParseTagHourKey(std::string_view key, std::string_view* scope, int64_t* hour, std::string_view* tag_key);
std::string TagHourValue(int64_t count);
// nullopt unless `value` is exactly 8 bytes.
std::optional<int64_t> ParseTagHourValue(std::string_view value);

// Whether `key` could be a TagKey result: not empty, no ASCII capital, no
// control character, single spaces between words and none at the ends. A
// cheap check of form, not a recomputation: TagKey (case folding,
// traditional to simplified, WordNet lemmas) costs more than the rest of
// storing an article's indexes.
bool HasTheShapeOfATagKey(std::string_view key);

// The key `tag` is indexed, counted and published under: the key enrichment
// computed (Tag.key), so one TagKey computation, in the worker, decides it
// for every reader of the article; the store does not recompute it. A tag
// without a key (an older producer) or with one that cannot be a key
// (!HasTheShapeOfATagKey) falls back to TagKey(tag.name()).
std::string IndexedTagKey(const v1::Tag& tag);
std::string TagCountValue(uint64_t count, std::string_view display_name);
bool ParseTagCountValue(std::string_view value, uint64_t* count, std::string* display_name);

}  // namespace newsflow::store

#endif  // NEWSFLOW_SERVICES_STORE_KEYS_H_

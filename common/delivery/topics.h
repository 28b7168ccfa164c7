// Every topic newsflow publishes, in one place: the names, how they are
// built and how an ack topic is read back. Messages on a PUB socket are
// [topic frame, Envelope frame]; a ZeroMQ SUB filter matches topic prefixes,
// so each topic is built so that a subscription matches exactly the topics
// it names.
//
//   store.publish (the article stream, Envelope{article}):
//     "article."            every committed version
//     "tag.<n>:<key>"       per tag, <key> its TagKey, <n> the key's length in
//                           bytes: "tag.15:export controls", "tag.7:node.js"
//     "lang.<n>:<code>"     per language: "lang.2:zh"
//     "source.<n>:<id>"     per source id
//   store.publish (the trending tags, Envelope{trending}; see
//   services/store/trending.h), re-published when a list changes:
//     "trending.<n>:<window>"          all languages: "trending.2:1h"
//     "trending.<window>.<n>:<code>"   one language: "trending.24h.2:zh"
//   store.acks (Envelope{ack}):
//     "ack.<instance>."     to one ingest instance
//   store.term_counts (document-frequency gossip, Envelope{term_counts};
//   see common/delivery/term_counts.h):
//     "df."                 every worker's report, re-published for all workers
//     "dfs.<n>:<origin>"    the store's whole table, for the worker that asked
//
// Values are length-prefixed: a subscription can only prefix-match a topic
// of the same length (the ':' ends the digits), and then only the identical
// value, whatever bytes the value holds ("tag.4:node" does not match
// "tag.7:node.js"). Instance ids are letters, digits, '-' and '_' only
// (IsValidInstanceId, checked in the config and on every inbound article),
// so the trailing dot makes an ack topic exact too. "df." does not
// prefix-match "dfs." topics.
//
// Pure functions; thread-safe.
#ifndef NEWSFLOW_COMMON_DELIVERY_TOPICS_H_
#define NEWSFLOW_COMMON_DELIVERY_TOPICS_H_

#include <optional>
#include <string>
#include <string_view>

namespace newsflow {

// The whole article stream.
inline constexpr char kArticleTopic[] = "article.";
inline constexpr char kAckTopicPrefix[] = "ack.";
inline constexpr char kTermCountsTopic[] = "df.";
inline constexpr char kTermCountsSnapshotTopicPrefix[] = "dfs.";

// "<kind>.<n>:<value>", <n> = value.size().
std::string ExactTopic(std::string_view kind, std::string_view value);

// The topic of a tag as a subscriber names it ("Export Controls"): its
// TagKey, which is the key enrichment gives that tag.
std::string TagTopic(std::string_view tag_name);
// The topic of a tag key that is already normalised (Tag.key).
std::string TagKeyTopic(std::string_view tag_key);
std::string LangTopic(std::string_view lang);
std::string SourceTopic(std::string_view source_id);
// The topic of the trending tags of `window` ("1h", "24h") in language
// `lang`, or in all languages when `lang` is "".
std::string TrendingTopic(std::string_view window, std::string_view lang);

// The topic an ingest instance subscribes to for its acks: "ack.<id>.".
std::string AckTopic(std::string_view ingest_instance);
// The instance an ack topic is addressed to; nullopt unless `topic` is
// "ack.<id>." with a valid instance id.
std::optional<std::string_view> AckTopicInstance(std::string_view topic);

// The topic of the store's whole table for the worker `origin`.
std::string TermCountsSnapshotTopic(std::string_view origin);
// Whether `topic` (or a subscription) belongs to the document-frequency
// gossip: "df." or any "dfs." topic.
bool IsTermCountsTopic(std::string_view topic);

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_DELIVERY_TOPICS_H_

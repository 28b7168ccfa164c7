// The PUB stream's topic scheme. Each committed article version is published
// once per topic it belongs to, as [topic frame, Envelope{article}]:
//
//   "article."               every version (subscribe to this for the whole stream)
//   "tag.<n>:<key>"          per tag, <key> the tag's key as enrichment
//                            computed it (IndexedTagKey), <n> its length in
//                            bytes: "tag.15:export controls", "tag.7:node.js"
//   "lang.<n>:<code>"        per language: "lang.2:zh"
//   "source.<n>:<id>"        per source id
//
// ZeroMQ SUB filters match prefixes, so a value is length-prefixed: a
// subscription can only prefix-match a topic with the same length (the ':'
// ends the digits), and then only the identical value. "tag.4:node" does not
// match "tag.7:node.js", whatever bytes a key holds. A subscriber with several
// subscriptions can receive one version more than once and drops repeats by
// sequence number.
//
// Acks go to "ack.<instance id>." on the acks socket; instance ids are
// letters, digits, '-' and '_' only (checked in the config and on every
// inbound article), so the trailing dot makes that topic exact too.
#ifndef NEWSFLOW_SERVICES_STORE_TOPICS_H_
#define NEWSFLOW_SERVICES_STORE_TOPICS_H_

#include <string>
#include <string_view>
#include <vector>

#include "newsflow/v1/article.pb.h"

namespace newsflow::store {

inline constexpr char kAllTopic[] = "article.";

// The topic of a tag as a subscriber names it ("Export Controls"): its
// TagKey, which is the key enrichment gives that tag.
std::string TagTopic(std::string_view tag_name);
std::string LangTopic(std::string_view lang);
std::string SourceTopic(std::string_view source_id);
// The topic an ingest instance subscribes to for its acks: "ack.<id>.".
std::string AckTopic(std::string_view ingest_instance);

// Every topic `article` is published under.
std::vector<std::string> TopicsFor(const v1::Article& article);

}  // namespace newsflow::store

#endif  // NEWSFLOW_SERVICES_STORE_TOPICS_H_

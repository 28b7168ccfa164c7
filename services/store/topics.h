// The PUB stream's topic scheme. Each committed article version is published
// once per topic it belongs to, as [topic frame, Envelope{article}]:
//
//   "article."         every version (subscribe to this for the whole stream)
//   "tag.<key>."       per tag, <key> = TagKey(name): "tag.export controls."
//   "lang.<code>."     per language: "lang.zh."
//   "source.<id>."     per source id
//
// The trailing dot makes a topic an exact match under ZeroMQ's prefix
// filtering ("tag.ai." does not match "tag.ai chips."). A subscriber with
// several subscriptions can receive one version more than once and drops
// repeats by sequence number.
#ifndef NEWSFLOW_SERVICES_STORE_TOPICS_H_
#define NEWSFLOW_SERVICES_STORE_TOPICS_H_

#include <string>
#include <string_view>
#include <vector>

#include "newsflow/v1/article.pb.h"

namespace newsflow::store {

inline constexpr char kAllTopic[] = "article.";

std::string TagTopic(std::string_view tag_name);
std::string LangTopic(std::string_view lang);
std::string SourceTopic(std::string_view source_id);
// The topic an ingest instance subscribes to for its acks: "ack.<id>.".
std::string AckTopic(std::string_view ingest_instance);

// Every topic `article` is published under.
std::vector<std::string> TopicsFor(const v1::Article& article);

}  // namespace newsflow::store

#endif  // NEWSFLOW_SERVICES_STORE_TOPICS_H_

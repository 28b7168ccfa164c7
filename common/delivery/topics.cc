#include "common/delivery/topics.h"

#include <fmt/format.h>

#include "common/transport/message_validation.h"
#include "common/util/text.h"

namespace newsflow {

std::string ExactTopic(std::string_view kind, std::string_view value) {
  return fmt::format("{}.{}:{}", kind, value.size(), value);
}

std::string TagTopic(std::string_view tag_name) { return TagKeyTopic(TagKey(tag_name)); }
std::string TagKeyTopic(std::string_view tag_key) { return ExactTopic("tag", tag_key); }
std::string LangTopic(std::string_view lang) { return ExactTopic("lang", lang); }
std::string SourceTopic(std::string_view source_id) { return ExactTopic("source", source_id); }

std::string TrendingTopic(std::string_view window, std::string_view lang) {
  if (lang.empty()) return ExactTopic("trending", window);
  return ExactTopic(fmt::format("trending.{}", window), lang);
}

std::string AckTopic(std::string_view ingest_instance) {
  return fmt::format("{}{}.", kAckTopicPrefix, ingest_instance);
}

std::optional<std::string_view> AckTopicInstance(std::string_view topic) {
  if (!topic.starts_with(kAckTopicPrefix) || !topic.ends_with('.')) return std::nullopt;
  topic.remove_prefix(sizeof(kAckTopicPrefix) - 1);
  topic.remove_suffix(1);
  if (!IsValidInstanceId(topic)) return std::nullopt;
  return topic;
}

std::string TermCountsSnapshotTopic(std::string_view origin) {
  return fmt::format("{}{}:{}", kTermCountsSnapshotTopicPrefix, origin.size(), origin);
}

bool IsTermCountsTopic(std::string_view topic) {
  return topic.starts_with(kTermCountsTopic) || topic.starts_with(kTermCountsSnapshotTopicPrefix);
}

}  // namespace newsflow

#include "services/store/topics.h"

#include <fmt/format.h>

#include "common/util/text.h"
#include "services/store/keys.h"

namespace newsflow::store {
namespace {

std::string ExactTopic(std::string_view kind, std::string_view value) {
  return fmt::format("{}.{}:{}", kind, value.size(), value);
}

}  // namespace

std::string TagTopic(std::string_view tag_name) { return ExactTopic("tag", TagKey(tag_name)); }
std::string LangTopic(std::string_view lang) { return ExactTopic("lang", lang); }
std::string SourceTopic(std::string_view source_id) { return ExactTopic("source", source_id); }
std::string AckTopic(std::string_view ingest_instance) {
  return "ack." + std::string(ingest_instance) + ".";
}

std::vector<std::string> TopicsFor(const v1::Article& article) {
  std::vector<std::string> topics{kAllTopic};
  for (const auto& t : article.enrichment().tags()) {
    topics.push_back(ExactTopic("tag", IndexedTagKey(t)));
  }
  if (!article.enrichment().language().empty()) {
    topics.push_back(LangTopic(article.enrichment().language()));
  }
  if (!article.source().id().empty()) topics.push_back(SourceTopic(article.source().id()));
  return topics;
}

}  // namespace newsflow::store

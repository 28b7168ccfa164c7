#include "services/store/topics.h"

#include "services/store/keys.h"

namespace newsflow::store {

std::vector<std::string> TopicsFor(const v1::Article& article) {
  std::vector<std::string> topics{kArticleTopic};
  for (const auto& t : article.enrichment().tags()) topics.push_back(TagKeyTopic(IndexedTagKey(t)));
  if (!article.enrichment().language().empty()) {
    topics.push_back(LangTopic(article.enrichment().language()));
  }
  if (!article.source().id().empty()) topics.push_back(SourceTopic(article.source().id()));
  return topics;
}

}  // namespace newsflow::store

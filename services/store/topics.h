// Which topics of the stream (common/delivery/topics.h) a committed article
// version is published under: [topic frame, Envelope{article}] once per
// topic. A subscriber with several subscriptions can receive one version
// more than once and drops repeats by sequence number.
#ifndef NEWSFLOW_SERVICES_STORE_TOPICS_H_
#define NEWSFLOW_SERVICES_STORE_TOPICS_H_

#include <string>
#include <vector>

#include "common/delivery/topics.h"
#include "newsflow/v1/article.pb.h"

namespace newsflow::store {

// Every topic `article` is published under: kArticleTopic, then one per tag
// under the key the store indexes it by (IndexedTagKey), its language and
// its source.
std::vector<std::string> TopicsFor(const v1::Article& article);

}  // namespace newsflow::store

#endif  // NEWSFLOW_SERVICES_STORE_TOPICS_H_

// Topics of the document-frequency exchange between the enrich workers and
// the store, carried on the store's acks PUB socket beside the ack topics
// (see TermCounts in proto/newsflow/v1/envelope.proto):
//
//   "df."             every worker's report, re-published for all workers
//   "dfs.<origin>."   the store's whole table, for the worker that asked
//
// "df." does not prefix-match "dfs." topics, so a worker subscribed to both
// gets only its own table.
#ifndef NEWSFLOW_COMMON_TRANSPORT_TERM_COUNTS_TOPICS_H_
#define NEWSFLOW_COMMON_TRANSPORT_TERM_COUNTS_TOPICS_H_

#include <string>
#include <string_view>

namespace newsflow {

inline constexpr char kTermCountsTopic[] = "df.";

inline std::string TermCountsSnapshotTopic(std::string_view origin) {
  return "dfs." + std::string(origin) + ".";
}

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_TRANSPORT_TERM_COUNTS_TOPICS_H_

// Topics and merging of the document-frequency exchange between the enrich workers and
// the store, carried on the store's acks PUB socket beside the ack topics
// (see TermCounts in proto/newsflow/v1/envelope.proto):
//
//   "df."             every worker's report, re-published for all workers
//   "dfs.<n>:<origin>" the store's whole table, for the worker that asked
//                      (<n> = the origin's length in bytes)
//
// "df." does not prefix-match "dfs." topics, and the length prefix makes a
// snapshot topic exact ("dfs.6:host/0" does not match "dfs.10:host.eu/0"),
// so a worker subscribed to both gets only its own table.
#ifndef NEWSFLOW_COMMON_TRANSPORT_TERM_COUNTS_TOPICS_H_
#define NEWSFLOW_COMMON_TRANSPORT_TERM_COUNTS_TOPICS_H_

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "common/util/document_frequencies.h"
#include "newsflow/v1/envelope.pb.h"

namespace newsflow {

inline constexpr char kTermCountsTopic[] = "df.";

inline std::string TermCountsSnapshotTopic(std::string_view origin) {
  return "dfs." + std::to_string(origin.size()) + ":" + std::string(origin);
}

// Folds `counts` (a report or a table) into `table`.
inline void MergeTermCounts(const v1::TermCounts& counts, DocumentFrequencies* table) {
  table->Merge(counts.documents(),
               std::span<const uint64_t>(counts.terms().data(), static_cast<size_t>(counts.terms_size())),
               std::span<const double>(counts.counts().data(), static_cast<size_t>(counts.counts_size())));
}

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_TRANSPORT_TERM_COUNTS_TOPICS_H_

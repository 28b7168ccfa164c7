// The document-frequency gossip between the enrich workers and the store
// (see TermCounts in proto/newsflow/v1/envelope.proto). Workers send their
// reports and table requests to the store over their output link
// (store.input); the store answers on its own PUB socket, store.term_counts,
// apart from the acks (topics in common/delivery/topics.h):
//
//   "df."              every worker's report, re-published for all workers
//   "dfs.<n>:<origin>" the store's whole table, for the worker that asked
//
// A worker subscribes to "df." and to its own snapshot topic, so it gets
// only its own table.
//
// Before store.term_counts existed the gossip rode the store's acks socket.
// A worker still subscribed there (a config naming store.acks as
// enrich.term_counts.stream, or a worker from before the split) is served
// there too, while it is subscribed (store_service.cc).
#ifndef NEWSFLOW_COMMON_DELIVERY_TERM_COUNTS_H_
#define NEWSFLOW_COMMON_DELIVERY_TERM_COUNTS_H_

#include <cstddef>
#include <span>

#include "common/delivery/topics.h"
#include "common/util/document_frequencies.h"
#include "newsflow/v1/envelope.pb.h"

namespace newsflow {

// Folds `counts` (a report or a table) into `table`.
inline void MergeTermCounts(const v1::TermCounts& counts, DocumentFrequencies* table) {
  table->Merge(counts.documents(),
               std::span<const uint64_t>(counts.terms().data(), static_cast<size_t>(counts.terms_size())),
               std::span<const double>(counts.counts().data(), static_cast<size_t>(counts.counts_size())));
}

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_DELIVERY_TERM_COUNTS_H_

// newsflow-store: the single writer of the article database.
//
// Threads (each owns its sockets):
//  - writer (the Run() thread): PULL enriched articles from enrich workers,
//    group-commit them with ArticleStore::Upsert, then ack each to its ingest
//    origin on the ack PUB socket and publish new versions on the stream PUB
//    socket (topics: services/store/topics.h). Nothing is acked before it is
//    durable. A failed commit holds the batch and retries with backoff, which
//    backpressures enrich through the PULL queue. An EnrichFailure from a
//    worker (an article that crashed a worker or overran its time budget)
//    is validated and forwarded to the article's ingest on the ack socket
//    as an Ack with `failure` set; ingest dead-letters the article.
//  - query: ROUTER socket answering newsflow.v1.QueryRequest envelopes.
//  - http: libmicrohttpd server on loopback (services/store/http_api.h),
//    which also serves the web reader (web_ui.h), the deployment's status
//    (status_api.h) and ingest's feeds API forwarded (feeds_proxy.h).
// Undecodable frames on any socket are counted, logged rate-limited, dropped.
#ifndef NEWSFLOW_SERVICES_STORE_STORE_SERVICE_H_
#define NEWSFLOW_SERVICES_STORE_STORE_SERVICE_H_

#include <memory>

#include <zmq.hpp>

#include "absl/status/statusor.h"
#include "common/config/newsflow_config.h"
#include "common/runtime/service.h"

namespace newsflow::store {

struct StoreStartOptions {
  // Rebuild the search index from the article database alone before
  // running (newsflow-store --reindex; the same SearchIndex::Rebuild as
  // `newsflow search --reindex`): for an index lost or damaged, or after a
  // change of what is indexed. The store starts serving once it is done
  // (the new index is built beside the old one and then swapped in).
  bool reindex = false;
};

// Opens the database (so a locked or corrupt database fails at start).
absl::StatusOr<std::unique_ptr<Service>> MakeStoreService(const NewsflowConfig& config,
                                                          zmq::context_t& context);
// The same, with start options (a separate name, so that
// &MakeStoreService stays one function for a ServiceFactory).
absl::StatusOr<std::unique_ptr<Service>> MakeStoreServiceWithOptions(const NewsflowConfig& config,
                                                                     zmq::context_t& context,
                                                                     const StoreStartOptions& options);

}  // namespace newsflow::store

#endif  // NEWSFLOW_SERVICES_STORE_STORE_SERVICE_H_

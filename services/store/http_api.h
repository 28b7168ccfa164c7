// The store's HTTP/JSON API (loopback by default; a bearer token is required
// when store.http.token is set, except for /healthz). Routes, all GET, JSON bodies:
//
//   /healthz                          {"status": "ok", "last_sequence": N}
//   /metrics                          Prometheus text format counters
//   /v1/articles?limit=N              newest first; filters: tag=, lang= (any case),
//                                     source=, cluster=; since=MS, until=MS (article
//                                     time >= since, < until, ms since the epoch);
//                                     cursor= (a previous answer's next_cursor, set
//                                     with "more": true) pages through every match
//   /v1/articles/<id>                 one article with its full text (404 if unknown)
//   /v1/since/<seq>?limit=N           replay log after <seq>, oldest first
//   /v1/tags?limit=N                  most used tags with counts
//
// Numbers are parsed strictly (digits only, in range). Bad parameters answer
// 400, other errors their status, all with {"error": "..."}; a wrong method
// 405. Answers come from ExecuteQuery, the same code as the ZeroMQ query socket.
#ifndef NEWSFLOW_SERVICES_STORE_HTTP_API_H_
#define NEWSFLOW_SERVICES_STORE_HTTP_API_H_

#include <functional>
#include <map>
#include <string>

#include "common/transport/http_server.h"
#include "services/store/article_store.h"
#include "services/store/query_handler.h"

namespace newsflow::store {

using CountersFn = std::function<std::map<std::string, uint64_t>()>;

// Registers the routes on `server` (its options hold the token and limits).
// `store` and `counters` must outlive it.
void InstallHttpApi(HttpServer& server, const ArticleStore& store, const QueryLimits& limits,
                    CountersFn counters);

}  // namespace newsflow::store

#endif  // NEWSFLOW_SERVICES_STORE_HTTP_API_H_

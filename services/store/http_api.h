// The store's HTTP/JSON API (loopback by default; a bearer token is required
// when store.http.token is set, except for /healthz). Routes, all GET but the
// admin one, JSON bodies:
//
//   /healthz                          {"status": "ok", "last_sequence": N}
//   /metrics                          Prometheus text format counters
//   /v1/articles?limit=N              newest first; filters: tag=, lang= (any case),
//                                     source=, cluster=; since=MS, until=MS (article
//                                     time >= since, < until, ms since the epoch);
//                                     cursor= (a previous answer's next_cursor, set
//                                     with "more": true) pages through every match
//   /v1/articles/<id>                 one article with its full text (404 if unknown),
//                                     and "related" and "other_sources" as below
//   /v1/articles/<id>/related?limit=N related articles (services/store/related.h),
//                                     {"related": [{id, url, title, score, cluster_id,
//                                     time, time_ms, source_id}], "other_sources":
//                                     [...]}: best first, at most kMaxRelated; other
//                                     sources are its near-duplicates, oldest first.
//                                     404 for an unknown id or when search is disabled
//   /v1/clusters/<id>?limit=N         one story's timeline: {"cluster_id", "articles":
//                                     [{id, url, title, source, lang, time, time_ms,
//                                     first_seen, first_seen_ms, also_seen_at}], "more"}
//                                     oldest first (the oldest N); 404 if unknown
//   /v1/since/<seq>?limit=N           replay log after <seq>, oldest first
//   /v1/tags?limit=N                  most used tags with counts
//   /v1/trending?window=1h|24h        tags rising most against their 7-day baseline
//                                     (services/store/trending.h); lang= (one
//                                     language, any case), limit= (at most
//                                     kMaxTrendingLimit). {"window", "lang", "from",
//                                     "to", "baseline_from", "window_total",
//                                     "baseline_total", "tags": [{key, name, count,
//                                     baseline, expected, score}]}
//   /v1/search?q=QUERY                full-text search (services/store/search_index.h):
//                                     filters lang=, tag=, source=, cluster=, since=,
//                                     until=; order=relevance (default) or newest;
//                                     limit= (at most kMaxSearchPageSize), cursor=.
//                                     {"hits": [{id, title, url, lang, time, time_ms,
//                                     score, snippet}], "estimated_matches", "more",
//                                     "next_cursor"}; snippets are HTML with the
//                                     matched words in <mark>. A bad query answers
//                                     400 with the parser's message; 404 when search
//                                     is disabled.
//   /v1/stream                        live feed, text/event-stream (Server-Sent Events;
//                                     services/store/event_stream.h). Starts with
//                                     "retry: 3000", then one event per stored article
//                                     version: "id: SEQ" (its sequence number),
//                                     "event: article", "data: " + the JSON of a
//                                     /v1/articles list item on one line. Filters (all
//                                     must match): lang= (any case), tag= (a tag's key
//                                     or name, matched by TagKey), source= (source id).
//                                     Start: a Last-Event-ID header, else since=SEQ,
//                                     replays every article stored after SEQ from the
//                                     sequence log (as /v1/since), then follows live
//                                     with no gap or repeat; without either it starts
//                                     at the live tail. A start past the store's last
//                                     sequence (an id from another store, or from
//                                     before a restore): Last-Event-ID starts at the
//                                     last sequence, so a reconnecting browser follows
//                                     this store from now on instead of waiting for,
//                                     and then skipping, sequences up to its id;
//                                     since= is answered 400 naming both numbers (the
//                                     caller chose it and should know). Retention
//                                     tombstones send no event. ": ping" comments keep
//                                     an idle stream open (store.http stream
//                                     keep-alive, 15 s). A burst larger than the
//                                     stream's queue is read from the log as the
//                                     client takes it; a client that does not read at
//                                     all is closed after store.http.idle_timeout_s
//                                     and reconnects with its Last-Event-ID. More than
//                                     store.http.max_streams open streams: 503 with
//                                     Retry-After. With store.http.token set, a
//                                     browser's EventSource (which cannot send headers)
//                                     may pass ?access_token=TOKEN, on this route only.
//                                     404 when the store serves no stream.
//   POST /v1/admin/backup?dir=DIR     online backup of the database into DIR (absolute,
//                                     new or empty; ArticleStore::Checkpoint): {"dir",
//                                     "sequence", "articles", "bytes"}; 409 when DIR is
//                                     not empty; 403 unless store.http.token is set
//
// Numbers are parsed strictly (digits only, in range). Bad parameters answer
// 400, other errors their status, all with {"error": "..."}; a wrong method
// 405. Answers come from ExecuteQuery, the same code as the ZeroMQ query socket.
#ifndef NEWSFLOW_SERVICES_STORE_HTTP_API_H_
#define NEWSFLOW_SERVICES_STORE_HTTP_API_H_

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "common/metrics/metrics.h"
#include "common/transport/http_server.h"
#include "services/store/article_store.h"
#include "services/store/event_stream.h"
#include "services/store/query_handler.h"
#include "services/store/related.h"
#include "services/store/search_index.h"

namespace newsflow::store {

using CountersFn = std::function<std::map<std::string, uint64_t>()>;

// Whether the store does its job right now: it commits (a full disk makes
// commits fail; the store then holds its batch and acks nothing).
struct StoreHealth {
  bool committing = true;
  std::string problem;  // why not, when !committing
  int64_t problem_since_ms = 0;
};
using HealthFn = std::function<StoreHealth()>;
// Runs one full-text search (null: search disabled).
using SearchFn = std::function<absl::StatusOr<SearchResult>(const SearchRequest&)>;

// Registers the routes on `server` (its options hold the token and limits).
// `store`, `counters`, `health` and `related` (null: search disabled) must
// outlive it. /healthz is liveness
// (200 while the process serves; "status": "degraded" with the problem
// when commits fail), /readyz readiness (503 with the reason while commits
// fail), /metrics the Prometheus text format 0.0.4 with HELP and TYPE.
// `events` (null: no /v1/stream) feeds /v1/stream and must outlive the
// server's streams (stop the server first).
void InstallHttpApi(HttpServer& server, const ArticleStore& store, const QueryLimits& limits,
                    const CountersFn& counters, const HealthFn& health = nullptr,
                    const SearchFn& search = nullptr, const RelatedFinder* related = nullptr,
                    std::shared_ptr<metrics::Registry> registry = nullptr, EventHub* events = nullptr);

}  // namespace newsflow::store

#endif  // NEWSFLOW_SERVICES_STORE_HTTP_API_H_

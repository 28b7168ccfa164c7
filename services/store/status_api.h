// GET /v1/status: every daemon of the deployment at a glance, as `newsflow
// status` prints it (services/cli/status_command.h), for the web reader's
// status page. The store scrapes each daemon's /healthz, /readyz and
// /metrics (common/metrics/scrape.h) with the addresses and tokens of its
// configuration, in parallel, at most kStatusTimeout each:
//
//   {"daemons": [{"daemon": "ingest", "url": "http://127.0.0.1:8481",
//                 "up": true, "healthy": true, "ready": false,
//                 "reason": "...", "error": "...",
//                 "articles": 120, "errors": 0,
//                 "articles_per_second": 2.5,   // absent on the first scrape
//                 "outbox": 40, "dead_letters": 0, "failing_feeds": 1,
//                 "connected_threads": 2, "stored": 1520, "commits_failing": 0,
//                 "summary": "2.5 articles/s, outbox 40, ..."}, ...],
//    "time": "2026-12-07T18:00:00Z"}
//
// Figures a daemon does not have are absent. A rate is the growth of the
// article counter since the previous /v1/status request (the page polls
// every few seconds), so the first answer has none; one older than
// kMaxRateAge is not used. The route is not public: it needs the store's
// token when one is set (the scrapes use each daemon's own). It runs on the
// server's blocking pool (RouteOptions::blocking), off the event loop: a
// daemon that is slow to answer holds a worker for kStatusTimeout at most,
// never the threads serving other requests, and the store's own entry is
// read over HTTP like the others, served by the event loop, even with
// store.http.threads at 1.
#ifndef NEWSFLOW_SERVICES_STORE_STATUS_API_H_
#define NEWSFLOW_SERVICES_STORE_STATUS_API_H_

#include <chrono>
#include <vector>

#include "common/metrics/scrape.h"
#include "common/transport/http_server.h"

namespace newsflow::store {

inline constexpr std::chrono::milliseconds kStatusTimeout(2000);
inline constexpr std::chrono::seconds kMaxRateAge(300);

// Registers GET /v1/status on `server`. `targets` are the daemons to scrape;
// the store's own entry (daemon "store") is replaced by the address `server`
// is bound to, so that it is right with port 0 too.
void InstallStatusApi(HttpServer& server, const std::vector<metrics::ScrapeTarget>& targets);

}  // namespace newsflow::store

#endif  // NEWSFLOW_SERVICES_STORE_STATUS_API_H_

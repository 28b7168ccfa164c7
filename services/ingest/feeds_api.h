// The ingest daemon's feed-management HTTP/JSON API (loopback by default; a
// bearer token is required when ingest.api.token is set, except /healthz).
// Every change applies to the running daemon at once. Routes:
//
//   GET    /healthz, /readyz, /metrics   installed by the service beside these
//                                     (common/metrics/health_routes.h)
//   GET    /v1/feeds                 the feed list with its state
//   POST   /v1/feeds                 {"url", "interval_s"?, "full_text"?: auto|always|never}:
//                                     add a feed; a listed one gets the new settings
//                                     and keeps its fetch state (re-enabled if it was
//                                     disabled); see feed_admission.h. interval_s is
//                                     bounded to ingest.poll.{min,max}_interval_s
//   POST   /v1/pages                 {"url"}: fetch, extract and ingest one page
//   DELETE /v1/feeds?url=URL         remove a feed
//   POST   /v1/poll                  poll every feed now
//   GET    /v1/feeds.opml            export as OPML 2.0
//   POST   /v1/feeds.opml            import an OPML body in the background (one
//                                    import at a time, else 409): 202 {"import_id", "status"}
//   GET    /v1/imports/ID            an import's progress: {"total", "added", "refused",
//                                    "done", "error", "refusals": [{"url", "error"}]}
//   GET    /v1/dead-letters          {"dead_letters": [{id, version, url, title, source,
//                                     text_bytes, reason, attempts, dead_at}]} (at most 1000)
//   GET    /v1/dead-letters/ID       one dead letter, with its text; 404 if none
//   POST   /v1/dead-letters/redrive  {"id"} or {"all": true}: back into the outbox for a
//                                     fresh send, attempts reset: {"redriven": N}
//   POST   /v1/dead-letters/purge    {"id"} or {"all": true}: delete: {"purged": N}
//
// Errors are JSON {"error": "..."}: 400 bad request, 404 unknown id, 500.
//
// Requests go through the same ControlRequest handling as the ZeroMQ control
// socket, so both interfaces behave the same: feed and page URLs must pass the
// fetch policy (services/ingest/fetcher.h), and with a token set both require
// it (here as the bearer token, there as ControlRequest.token). Every error
// answer is JSON {"error": "..."}: a missing or malformed body is 400 at
// once, a wrong method 405 with Allow, an unknown path 404.
#ifndef NEWSFLOW_SERVICES_INGEST_FEEDS_API_H_
#define NEWSFLOW_SERVICES_INGEST_FEEDS_API_H_

#include <functional>
#include <string>

#include "common/transport/http_server.h"
#include "newsflow/v1/envelope.pb.h"

namespace newsflow::ingest {

using ControlFn = std::function<v1::ControlResponse(const v1::ControlRequest&)>;

// Registers the routes on `server` (its options hold the token and limits).
// `control` must be callable from the server's threads and outlive `server`.
// OPML uploads may be up to `max_import_bytes` (other bodies: the server's
// limit).
void InstallFeedsApi(HttpServer& server, const ControlFn& control, std::size_t max_import_bytes = 64 << 20);

// JSON of one feed as the API and `newsflow feeds list --json` show it.
std::string FeedJson(const v1::FeedSpec& feed);

}  // namespace newsflow::ingest

#endif  // NEWSFLOW_SERVICES_INGEST_FEEDS_API_H_

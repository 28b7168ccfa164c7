// The ingest daemon's feed-management HTTP/JSON API (loopback by default; a
// bearer token is required when ingest.api.token is set, except /healthz).
// Every change applies to the running daemon at once. Routes:
//
//   GET    /healthz
//   GET    /v1/feeds                 the feed list with its state
//   POST   /v1/feeds                 {"url", "interval_s"?, "full_text"?: auto|always|never}:
//                                     add (or re-enable) a feed
//   POST   /v1/pages                 {"url"}: fetch, extract and ingest one page
//   DELETE /v1/feeds?url=URL         remove a feed
//   POST   /v1/poll                  poll every feed now
//   GET    /v1/feeds.opml            export as OPML 2.0
//   POST   /v1/feeds.opml            import an OPML body: {"added", "failed", "errors"}
//
// Requests go through the same ControlRequest handling as the ZeroMQ control
// socket, so both interfaces behave the same. Every error answer is JSON
// {"error": "..."}: a missing or malformed body is 400 at once, a wrong method
// 405 with Allow, an unknown path 404.
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
void InstallFeedsApi(HttpServer& server, ControlFn control);

// JSON of one feed as the API and `newsflow feeds list --json` show it.
std::string FeedJson(const v1::FeedSpec& feed);

}  // namespace newsflow::ingest

#endif  // NEWSFLOW_SERVICES_INGEST_FEEDS_API_H_

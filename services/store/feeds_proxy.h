// The ingest feeds API (services/ingest/feeds_api.h) forwarded by the store,
// so that the web reader stays on one origin (its Content-Security-Policy
// allows connections to 'self' only). Forwarded routes:
//
//   GET, POST, DELETE /v1/feeds     GET, POST /v1/feeds.opml
//   GET /v1/imports/{id}            POST /v1/poll
//
// The method, query, body, Content-Type and Authorization header go to
// ingest unchanged, and ingest's status, body and Content-Type come back.
// The routes take ingest's token, not the store's, when the store's config
// knows it (ingest.api.token); when ingest has no token but the store has
// one, they take the store's, so that the proxy never opens what the store's
// token closes; with neither they are open. The token is checked by the
// store's server as soon as the headers are in (RouteOptions::tokens), so a
// client without it is refused before any byte of its body (up to
// max_import_bytes for an OPML upload) is read.
//
// A request whose Origin header names another site than its Host is refused
// (403): without a token, a page elsewhere could otherwise make a browser
// post a form here. 404 with a message when ingest's API is not configured
// (ingest.api disabled or on port 0, whose port the store cannot know); 502
// when ingest cannot be reached within kFeedsProxyTimeout. The forwarding
// runs on the server's blocking pool (RouteOptions::blocking), so a slow
// ingest holds a worker, never the event loop serving the reader.
#ifndef NEWSFLOW_SERVICES_STORE_FEEDS_PROXY_H_
#define NEWSFLOW_SERVICES_STORE_FEEDS_PROXY_H_

#include <chrono>
#include <cstddef>
#include <string>

#include "common/transport/http_server.h"

namespace newsflow::store {

// Ingest answers its feeds API from its own database in milliseconds (an
// OPML upload is parsed in seconds at most); a store stopping waits for a
// forward in progress, so the bound stays short.
inline constexpr std::chrono::milliseconds kFeedsProxyTimeout(10000);

struct FeedsProxyOptions {
  std::string ingest_url;                  // http://host:port of ingest.api; "" = not configured
  std::string ingest_token;                // ingest.api.token ("" = none)
  std::string store_token;                 // store.http.token ("" = none)
  std::size_t max_import_bytes = 8 << 20;  // largest OPML upload forwarded
};

// Registers the routes on `server`, with their own token rule (see above).
// Call before server.Start().
void InstallFeedsProxy(HttpServer& server, const FeedsProxyOptions& options);

}  // namespace newsflow::store

#endif  // NEWSFLOW_SERVICES_STORE_FEEDS_PROXY_H_

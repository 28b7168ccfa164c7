// Fetcher: gets a feed's or a page's bytes, over HTTP(S) with libcurl or
// from a local file (a path or file:// URL), under a fetch policy.
//
// Fetch policy (DESIGN.md, trust boundaries):
// - Schemes: http and https only, for the first request and every redirect.
// - Addresses: every connection libcurl opens, redirects included, is checked
//   on the resolved address it is about to connect to (CURLOPT_OPENSOCKET-
//   FUNCTION), so names, numeric forms (http://2130706433/) and DNS
//   rebinding all meet the same rule: the address must be public
//   (common/util/ip_network.h) or inside one of `allow_networks`.
//   Proxies from the environment (http_proxy, ...) are never used, so none
//   can carry a request past the check.
// - Local files: only when `file_root` is set, only regular files whose real
//   path lies inside it, opened without following a final symlink, without
//   blocking (FIFOs, devices and /proc are refused) and read up to max_bytes.
//   Every refusal of a local file gives the same error, so errors never tell
//   whether a path outside the folder exists.
//
// HTTP behaviour: conditional GET (If-None-Match / If-Modified-Since from the
// validators the caller stored, sent back exactly as served), gzip/deflate,
// up to 5 redirects, a timeout, a size cap, and a User-Agent naming newsflow.
// Cancellation: a fetch watches its request's stop token and returns
// kCancelled within about 100 ms of a stop (the transfer runs on a curl multi
// handle polled in short steps and woken by the stop), whatever the server
// does; a request deadline bounds the whole transfer below the timeout.
// Connections: each thread that fetches keeps its libcurl handles from fetch
// to fetch, so a second fetch from the same server reuses the open
// connection (keep-alive) instead of a new TCP (and TLS) handshake. A cached
// connection was checked against the allow list when it was opened; a fetch
// with a different allow list starts from fresh handles and connections.
// Thread-safe: threads share no curl handle.
#ifndef NEWSFLOW_SERVICES_INGEST_FETCHER_H_
#define NEWSFLOW_SERVICES_INGEST_FETCHER_H_

#include <cstdint>
#include <map>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/config/newsflow_config.h"
#include "common/util/counters.h"
#include "common/util/ip_network.h"

namespace newsflow::ingest {

struct FetchOptions {
  int timeout_ms = 20000;
  int64_t max_bytes = 16 * 1024 * 1024;
  std::string user_agent = "newsflow/0.1";
  // Networks beyond the public address space that fetches may connect to
  // (ingest.fetch.allow_networks). Default: none.
  std::vector<IpNetwork> allow_networks;
  // Local files are read only from inside this folder
  // (ingest.fetch.file_feeds_allowed_under); "" = none. Default: "".
  std::string file_root;
  // When set, refusals are counted here: "fetches_refused_address",
  // "fetches_refused_file". Not owned; must outlive the fetches.
  Counters* counters = nullptr;
};

// The fetch options of an ingest config (networks are validated at config
// load; an invalid one is skipped).
FetchOptions FetchOptionsFromConfig(const IngestConfig& config, Counters* counters);

struct FetchRequest {
  std::string url;
  std::string etag;           // from the previous 200 response, "" if none
  std::string last_modified;  // likewise
  // A stop aborts the transfer (kCancelled). Default: never stops.
  std::stop_token stop;
  // Wall-clock time (NowMs) by which the transfer must end, tighter than
  // FetchOptions::timeout_ms; 0 = none. Past it: kDeadlineExceeded.
  int64_t deadline_ms = 0;
};

struct FetchResult {
  int http_status = 200;  // 200 for files; 304 means not modified (body empty)
  std::string body;
  std::string final_url;  // after redirects
  std::string content_type;
  std::string etag;
  std::string last_modified;
  int retry_after_s = 0;            // from Retry-After (seconds or HTTP-date) on 429/503
  bool redirected = false;          // final_url differs from the request after redirects
  bool permanent_redirect = false;  // every redirect was 301 or 308
};

// Returns the response for any HTTP status (the caller decides what 4xx/5xx
// mean for scheduling). Errors: kPermissionDenied (a connection to an address
// the policy refuses, naming the address; local files while file_root is
// unset), kNotFound (a local file that is missing, not a regular file, or
// outside file_root: one message for all), kResourceExhausted (body over
// max_bytes), kUnavailable (network failure or timeout), kInvalidArgument
// (unsupported URL), kCancelled (request.stop was requested),
// kDeadlineExceeded (request.deadline_ms passed).
absl::StatusOr<FetchResult> Fetch(const FetchRequest& request, const FetchOptions& options);

// Whether `url` may be added as a feed (control socket, HTTP API, OPML
// import, config): an http(s) URL that libcurl's URL parser accepts, with a
// host (written as an IP address, one the fetch policy allows: public or in
// options.allow_networks); or, only when options.file_root is set, a local
// path or file:// URL
// lying inside it (lexically; reads check the real path). kInvalidArgument
// with the reason otherwise; the file system is not consulted.
absl::Status CheckFeedUrl(std::string_view url, const FetchOptions& options);

// Whether `url` may be submitted as a page: http(s) only, as above.
absl::Status CheckPageUrl(std::string_view url, const FetchOptions& options);

// Call once per process before threads start (curl_global_init).
void InitFetcher();

}  // namespace newsflow::ingest

#endif  // NEWSFLOW_SERVICES_INGEST_FETCHER_H_

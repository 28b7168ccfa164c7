// Fetcher: gets a feed's bytes, over HTTP(S) with libcurl or from a local
// file (a path or file:// URL).
//
// HTTP behaviour: conditional GET (If-None-Match / If-Modified-Since from the
// validators the caller stored, sent back exactly as served), gzip/deflate,
// up to 5 redirects, a timeout, a size cap, and a User-Agent naming newsflow.
// Thread-safe: each Fetch() uses its own curl handle.
#ifndef NEWSFLOW_SERVICES_INGEST_FETCHER_H_
#define NEWSFLOW_SERVICES_INGEST_FETCHER_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace newsflow::ingest {

struct FetchOptions {
  int timeout_ms = 20000;
  int64_t max_bytes = 16 * 1024 * 1024;
  std::string user_agent = "newsflow/0.1";
};

struct FetchRequest {
  std::string url;
  std::string etag;           // from the previous 200 response, "" if none
  std::string last_modified;  // likewise
};

struct FetchResult {
  int http_status = 200;     // 200 for files; 304 means not modified (body empty)
  std::string body;
  std::string final_url;     // after redirects
  std::string content_type;
  std::string etag;
  std::string last_modified;
  int retry_after_s = 0;     // from Retry-After (seconds or HTTP-date) on 429/503
  bool redirected = false;   // final_url differs from the request after redirects
  bool permanent_redirect = false;  // every redirect was 301 or 308
};

// Returns the response for any HTTP status (the caller decides what 4xx/5xx
// mean for scheduling). Errors: kNotFound (missing file), kResourceExhausted
// (body over max_bytes), kUnavailable (network failure or timeout),
// kInvalidArgument (unsupported URL).
absl::StatusOr<FetchResult> Fetch(const FetchRequest& request, const FetchOptions& options);

// Call once per process before threads start (curl_global_init).
void InitFetcher();

}  // namespace newsflow::ingest

#endif  // NEWSFLOW_SERVICES_INGEST_FETCHER_H_

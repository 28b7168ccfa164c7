#include "services/store/feeds_proxy.h"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "common/metrics/scrape.h"

namespace newsflow::store {
namespace {

// Percent-encodes everything but RFC 3986's unreserved characters.
std::string Escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

// The "host:port" part of an Origin header ("http://host:port"), to
// compare with the Host header.
std::string_view OriginHost(std::string_view origin) {
  std::size_t scheme = origin.find("://");
  if (scheme == std::string_view::npos) return origin;
  origin.remove_prefix(scheme + 3);
  while (!origin.empty() && origin.back() == '/') origin.remove_suffix(1);
  return origin;
}

HttpResponse Forward(const FeedsProxyOptions& o, const HttpRequest& req) {
  if (o.ingest_url.empty()) {
    return HttpResponse::Error(404,
                               "feeds are managed through ingest's HTTP API (ingest.api), which is not "
                               "configured for this store (enable it with a fixed port)");
  }
  const std::string& origin = req.Header("origin");
  if (!origin.empty() && origin != "null" && OriginHost(origin) != req.Header("host")) {
    return HttpResponse::Error(403, "cross-origin requests are refused");
  }
  if (origin == "null") return HttpResponse::Error(403, "cross-origin requests are refused");
  if ((req.method == "GET" || req.method == "HEAD") && !req.body.empty()) {
    return HttpResponse::Error(400, "a GET or HEAD request carries no body");
  }
  // The path arrives percent-decoded: each segment is escaped again, so a
  // path parameter ("/v1/imports/{id}") with '?', '#', '%' or a space
  // reaches ingest as the same single segment.
  std::string url = o.ingest_url;
  for (std::size_t start = 1; start <= req.path.size();) {
    const std::size_t slash = std::min(req.path.find('/', start), req.path.size());
    url += '/' + Escape(std::string_view(req.path).substr(start, slash - start));
    start = slash + 1;
  }
  char separator = '?';
  for (const auto& [name, value] : req.params) {
    url += fmt::format("{}{}={}", separator, Escape(name), Escape(value));
    separator = '&';
  }
  std::vector<std::string> headers;
  if (!o.ingest_token.empty() && !req.Header("authorization").empty()) {
    headers.push_back("Authorization: " + req.Header("authorization"));
  }
  if (!req.Header("content-type").empty()) headers.push_back("Content-Type: " + req.Header("content-type"));
  headers.emplace_back("Expect:");  // send the body at once, without waiting for 100-continue
  const std::string method = req.method == "HEAD" ? "GET" : req.method;
  auto reply = metrics::HttpRequestTo(method, url, headers, req.body, kFeedsProxyTimeout);
  if (!reply.ok()) {
    return HttpResponse::Error(
        502, fmt::format("ingest's feeds API cannot be reached: {}", std::string(reply.status().message())));
  }
  HttpResponse r;
  r.status = static_cast<int>(reply->status);
  r.body = std::move(reply->body);
  if (!reply->content_type.empty()) r.content_type = reply->content_type;
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace

void InstallFeedsProxy(HttpServer& server, const FeedsProxyOptions& options) {
  auto forward = [options](const HttpRequest& req) { return Forward(options, req); };
  // Ingest's token when known, else the store's, else none (open).
  std::vector<std::string> tokens;
  if (!options.ingest_token.empty()) {
    tokens.push_back(options.ingest_token);
  } else if (!options.store_token.empty()) {
    tokens.push_back(options.store_token);
  }
  const RouteOptions route{.tokens = tokens, .blocking = true};
  server.Route("GET", "/v1/feeds", forward, route);
  server.Route("POST", "/v1/feeds", forward, route);
  server.Route("DELETE", "/v1/feeds", forward, route);
  server.Route("GET", "/v1/feeds.opml", forward, route);
  server.Route("POST", "/v1/feeds.opml", forward,
               RouteOptions{.max_body_bytes = options.max_import_bytes, .tokens = tokens, .blocking = true});
  server.Route("POST", "/v1/poll", forward, route);
  server.Route("GET", "/v1/imports/{id}", forward, route);
}

}  // namespace newsflow::store

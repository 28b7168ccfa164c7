// newsflow's small HTTP/JSON server, shared by every daemon API (the store's
// query API, the ingest feeds API), on libmicrohttpd.
//
// Connections are multiplexed with epoll over a small pool of threads, so a
// slow or idle client costs one socket and its per-connection buffer, never a
// thread: /healthz keeps answering with hundreds of slow (slowloris) or idle
// keep-alive clients connected. Limits, each answered with a JSON body
// {"error": "..."} where HTTP allows one:
//   - routes match method and path: wrong method -> 405 with an Allow header,
//     unknown path -> 404;
//   - optional bearer token: every path but the public ones (/healthz) needs
//     "Authorization: Bearer <token>", else 401;
//   - request headers larger than max_header_bytes -> 431;
//   - bodies larger than max_body_bytes -> 413 (answered before the body is
//     read when Content-Length announces it; never buffered past the limit);
//   - connections idle (no byte received or sent) for idle_timeout_s are
//     closed; at most max_connections are open, later ones are refused;
//   - TCP_NODELAY on every connection, so kept-alive requests see no Nagle
//     delay.
// Handlers run on the server's threads and must be thread-safe.
//
//   HttpServer server({.address = "127.0.0.1", .port = 0});
//   server.Route("GET", "/v1/things/{id}", [](const HttpRequest& req) {
//     return HttpResponse::Json(200, {{"id", req.PathParam("id")}});
//   });
//   auto url = server.Start();  // "http://127.0.0.1:PORT"
#ifndef NEWSFLOW_COMMON_TRANSPORT_HTTP_SERVER_H_
#define NEWSFLOW_COMMON_TRANSPORT_HTTP_SERVER_H_

#include <atomic>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "common/config/newsflow_config.h"

struct MHD_Daemon;
struct MHD_Connection;

namespace newsflow {

struct HttpServerOptions {
  std::string address = "127.0.0.1";  // IPv4/IPv6 literal or host name
  int port = 0;                       // 0 = any free port
  std::string token;                  // bearer token; "" = none required
  // Paths that need no token: exact, or a prefix when the entry ends in '*'
  // ("/static/*").
  std::vector<std::string> public_paths = {"/healthz"};
  int threads = 4;                          // event-loop threads running handlers
  int max_connections = 1024;               // open at once; later ones are refused
  int idle_timeout_s = 30;                  // close a connection silent this long
  std::size_t max_body_bytes = 1 << 20;     // larger bodies -> 413
  std::size_t max_header_bytes = 16 << 10;  // request line + headers; larger -> 431
};

// Options of a daemon's server from its configuration.
HttpServerOptions MakeHttpServerOptions(const std::string& address, int port, const std::string& token,
                                        const HttpLimitsConfig& limits);

struct HttpRequest {
  std::string method;                              // upper case as sent ("GET"; HEAD is routed as GET)
  std::string path;                                // percent-decoded, without the query
  std::map<std::string, std::string> params;       // query parameters (first value wins)
  std::map<std::string, std::string> headers;      // names lower-cased
  std::map<std::string, std::string> path_params;  // {name} segments of the route
  std::string body;

  bool HasParam(const std::string& name) const { return params.contains(name); }
  // "" when absent.
  const std::string& Param(const std::string& name) const;
  const std::string& Header(const std::string& lower_name) const;
  const std::string& PathParam(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;

  // `body` as UTF-8 JSON (invalid UTF-8 replaced).
  static HttpResponse Json(int status, const nlohmann::json& body);
  // {"error": message}.
  static HttpResponse Error(int status, const std::string& message);
  static HttpResponse Text(int status, std::string body, std::string content_type);
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
 public:
  explicit HttpServer(HttpServerOptions options);
  ~HttpServer();  // Stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Registers `handler` for `method` on `pattern`: a path whose segments are
  // literal or "{name}" (one non-empty segment, read with PathParam). Call
  // before Start(). `max_body_bytes` overrides the server's body limit for
  // this route (0 = the server's), e.g. for a file upload.
  void Route(const std::string& method, const std::string& pattern, HttpHandler handler,
             std::size_t max_body_bytes = 0);

  // Adds a path that needs no token (as HttpServerOptions::public_paths).
  // Call before Start().
  void AddPublicPath(const std::string& path) { options_.public_paths.push_back(path); }

  // Binds and starts serving; returns "http://address:port". kUnavailable when
  // the address cannot be bound, kFailedPrecondition when already started.
  absl::StatusOr<std::string> Start();
  // Closes every connection and waits for running handlers. Idempotent.
  void Stop();
  int port() const { return port_; }
  const HttpServerOptions& options() const { return options_; }

  // Requests answered with a 4xx/5xx produced by the server itself (limits,
  // routing, token); for metrics and tests.
  uint64_t rejected() const { return rejected_.load(); }

 private:
  struct Route_ {
    std::string method;
    std::vector<std::string> segments;
    HttpHandler handler;
    std::size_t max_body_bytes = 0;  // 0 = the server's
  };
  struct Exchange;  // one request in flight

  friend struct HttpServerCallbacks;  // libmicrohttpd callbacks (http_server.cc)

  // The body limit of a request on `route` (nullptr before routing).
  static std::size_t BodyLimit(const HttpServerOptions& options, const Route_* route) {
    return route != nullptr && route->max_body_bytes > 0 ? route->max_body_bytes : options.max_body_bytes;
  }
  // Route lookup: the response for 404/405, or nullptr with `*route` set.
  std::unique_ptr<HttpResponse> Match(HttpRequest& request, const Route_** route) const;
  bool Authorized(const HttpRequest& request) const;
  int Send(MHD_Connection* connection, const HttpResponse& response);

  HttpServerOptions options_;
  std::vector<Route_> routes_;
  MHD_Daemon* daemon_ = nullptr;
  int port_ = 0;
  std::atomic<uint64_t> rejected_{0};
};

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_TRANSPORT_HTTP_SERVER_H_

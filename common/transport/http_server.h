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
//     "Authorization: Bearer <token>", else 401; a route may name its own
//     tokens instead (RouteOptions::tokens). Either is checked once the
//     headers are in, before any byte of the body is read or buffered;
//   - request headers larger than max_header_bytes -> 431;
//   - bodies larger than max_body_bytes -> 413 (answered before the body is
//     read when Content-Length announces it; never buffered past the limit);
//   - connections idle (no byte received or sent) for idle_timeout_s are
//     closed; at most max_connections are open, later ones are refused;
//   - a request that needs no token (the server has none, or its route
//     takes none) must name a loopback host in its Host header: an IP
//     literal, "localhost" or a name under ".localhost", else 403. A server
//     without a token listens on loopback only (the configuration refuses
//     anything else), so no legitimate client needs another name; a web page
//     elsewhere that re-points its own host name at 127.0.0.1 (DNS
//     rebinding) is refused, as the browser sends that name;
//   - at most max_streams long-lived answers (below) are open, so streams
//     cannot take every connection: past it, 503 with Retry-After;
//   - TCP_NODELAY on every connection, so kept-alive requests see no Nagle
//     delay.
// Handlers run on the server's threads and must be thread-safe.
//
// Handlers that wait on something else (another service, the network) are
// registered with RouteOptions::blocking: they run on a separate pool of
// blocking_threads workers while their connection is suspended, so the
// event loop goes on serving every other request (and, say, a request the
// handler makes to this same server) however long they wait. At most
// blocking_queue such requests wait for a worker; more are answered 503
// with Retry-After. Stop() answers the waiting ones 503 and waits for the
// running ones.
//
// Long-lived answers (Server-Sent Events): a handler returns
// HttpResponse::Stream(stream), an HttpStream that anyone may Write() to at
// any time. The body is sent chunked as data arrives. A stream with nothing
// to send is suspended (MHD_suspend_connection): it leaves the event loop,
// costs no thread and no polling, and is resumed by the next Write(). So
// hundreds of idle streams cost their sockets and queues only, and other
// requests are served as before. Each stream gets its keep-alive text
// (": ping" for SSE) every stream_keepalive_s, from one timer thread for all
// streams: proxies and idle_timeout_s (which counts only while a stream is
// resumed) never see a live stream silent, and a client that left is noticed
// at the next ping at the latest. A stream whose unsent bytes would exceed
// stream_max_queued_bytes (a client that does not read) is disconnected and
// counted in streams_dropped(); its writers are never blocked (a source that
// writes in bursts watches unsent_bytes() and pulls the rest in OnDrained
// instead). A drained stream gives back a buffer grown past
// kKeptQueueCapacity, so idle streams do not each keep their largest burst.
// Stop() ends every stream at once.
//
//   HttpServer server({.address = "127.0.0.1", .port = 0});
//   server.Route("GET", "/v1/things/{id}", [](const HttpRequest& req) {
//     return HttpResponse::Json(200, {{"id", req.PathParam("id")}});
//   });
//   auto url = server.Start();  // "http://127.0.0.1:PORT"
#ifndef NEWSFLOW_COMMON_TRANSPORT_HTTP_SERVER_H_
#define NEWSFLOW_COMMON_TRANSPORT_HTTP_SERVER_H_

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
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
  // Paths where the token may also come as ?access_token=TOKEN, for clients
  // that cannot send headers (a browser's EventSource). Only for GETs.
  std::vector<std::string> query_token_paths;
  int blocking_threads = 4;                        // workers for RouteOptions::blocking handlers
  std::size_t blocking_queue = 64;                 // blocking requests waiting for a worker; more -> 503
  int stream_keepalive_s = 15;                     // an HttpStream's keep-alive text this often
  std::size_t stream_max_queued_bytes = 1u << 20;  // unsent bytes of one stream; more -> dropped
  // Streams open at once; past it a new one is answered 503 with
  // Retry-After. 0 = half of max_connections: streams hold their connection
  // for hours, so without a limit of their own enough of them would leave
  // no connection for the API and /healthz; half keeps room for both and
  // is still far more than the few dashboards a daemon feeds.
  int max_streams = 0;
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

// Counts of a server's streams. Shared, so that a metric reading them may
// outlive the server.
struct HttpStreamStats {
  std::atomic<uint64_t> open{0};     // streams open now
  std::atomic<uint64_t> dropped{0};  // disconnected for overflowing their queue
};

// The body of a long-lived answer (see the top of this file). Write() and
// Close() may be called from any thread, before or after the handler
// returns; they never block on the client. Subclasses may override
// OnDrained() to produce data on demand (a replay read page by page).
class HttpStream {
 public:
  // `keepalive` is written every stream_keepalive_s ("" = none).
  explicit HttpStream(std::string keepalive = ": ping\n\n");
  virtual ~HttpStream();
  HttpStream(const HttpStream&) = delete;
  HttpStream& operator=(const HttpStream&) = delete;

  // Queues `data` to be sent. False when the stream is over (closed, client
  // gone, dropped for overflowing, server stopped): the caller may forget
  // it. Writing past stream_max_queued_bytes of unsent data drops the stream.
  bool Write(std::string_view data);
  // Ends the body once what is queued is sent.
  void Close();
  // True once Write() would return false.
  bool done() const;
  // The capacity of the unsent-bytes buffer (for tests).
  std::size_t TEST_queue_capacity() const;

  // A drained queue keeps a buffer of at most this capacity.
  static constexpr std::size_t kKeptQueueCapacity = 64 << 10;

 protected:
  // Called on a server thread when everything queued has been handed to the
  // socket and the stream is open: a chance to Write() more (the next page
  // of a replay) before the stream is suspended until the next Write().
  // Must not block long; it runs on an event-loop thread.
  virtual void OnDrained() {}
  // The most unsent bytes the stream may hold (stream_max_queued_bytes once
  // answered); a source writing in bursts keeps each well under it.
  std::size_t queue_limit() const;
  // Bytes written and not yet handed to the socket: a source producing in
  // bursts checks it to stop writing well before queue_limit() and pull the
  // rest from OnDrained instead.
  std::size_t unsent_bytes() const;

 private:
  friend class HttpServer;
  friend struct HttpServerCallbacks;

  // Connects the stream to its connection (on the event-loop thread that
  // queues the answer).
  void Attach(std::shared_ptr<HttpStreamStats> stats, MHD_Connection* connection, int fd,
              std::size_t max_queued, bool stopping);
  // MHD's content reader: copies queued bytes, or suspends the connection.
  ssize_t Read(char* buf, std::size_t max);
  // The connection is over (MHD's request-completed callback).
  void Finished();
  // Server stop: end now, resuming a suspended connection.
  void Stop();
  // REQUIRES: mu_ held. Gets the connection going again to see done_/ended_:
  // resumes it when suspended, else shuts its socket down when `hard`.
  void WakeLocked(bool hard);

  const std::string keepalive_;
  mutable std::mutex mu_;
  // GUARDED_BY(mu_): unsent bytes from queue_head_. Its buffer is released
  // when it drains after growing past kKeptQueueCapacity (a burst), so an
  // idle stream holds a small buffer, not its largest burst.
  std::string queue_;
  std::size_t queue_head_ = 0;  // GUARDED_BY(mu_)
  std::size_t max_queued_ = 1u << 20;
  bool ended_ = false;      // Close(): end after the queue
  bool done_ = false;       // no more output (client gone, dropped, stopped)
  bool suspended_ = false;  // the connection is suspended in Read()
  bool finished_ = false;   // MHD is done with the connection
  MHD_Connection* connection_ = nullptr;
  int fd_ = -1;
  std::shared_ptr<HttpStreamStats> stats_;  // set by Attach
};

struct HttpResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::shared_ptr<HttpStream> stream;  // set: a long-lived chunked body (Stream())

  // `body` as UTF-8 JSON (invalid UTF-8 replaced).
  static HttpResponse Json(int status, const nlohmann::json& body);
  // {"error": message}.
  static HttpResponse Error(int status, const std::string& message);
  static HttpResponse Text(int status, std::string body, std::string content_type);
  // A 200 whose body is `stream`, sent as it is written (Cache-Control:
  // no-cache; for SSE, content type text/event-stream).
  static HttpResponse Stream(std::shared_ptr<HttpStream> stream,
                             std::string content_type = "text/event-stream; charset=utf-8");
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// Per-route settings (HttpServer::Route).
struct RouteOptions {
  std::size_t max_body_bytes = 0;  // overrides the server's body limit; 0 = the server's
  // Set: the bearer tokens this route accepts ("Authorization: Bearer T"
  // with T one of them), instead of the server's token, public paths and
  // query tokens; an empty list = no token needed. For a route that answers
  // for another service with its own token (a proxy): checked, like the
  // server's token, before the body is read, so that a client without it
  // never makes the server hold a body.
  std::optional<std::vector<std::string>> tokens;
  // The handler may block (it waits on another service): it runs on the
  // server's worker pool, off the event loop (see the top of this file).
  bool blocking = false;
};

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
  // As above, with the route's own body limit and tokens (RouteOptions).
  void Route(const std::string& method, const std::string& pattern, HttpHandler handler,
             RouteOptions route_options);

  // Also accepts the token as ?access_token= on GETs of `path` (see
  // HttpServerOptions::query_token_paths). Call before Start().
  void AllowQueryToken(const std::string& path) { options_.query_token_paths.push_back(path); }

  // Adds a path that needs no token (as HttpServerOptions::public_paths).
  // Call before Start().
  void AddPublicPath(const std::string& path) { options_.public_paths.push_back(path); }

  // Binds and starts serving; returns "http://address:port". kUnavailable when
  // the address cannot be bound, kFailedPrecondition when already started.
  absl::StatusOr<std::string> Start();
  // Closes every connection and waits for running handlers. Idempotent.
  void Stop();
  // The bound port; handlers may read it (from the first request on, even
  // while Start() is returning).
  int port() const { return port_.load(std::memory_order_acquire); }
  const HttpServerOptions& options() const { return options_; }

  // Requests answered with a 4xx/5xx produced by the server itself (limits,
  // routing, token); for metrics and tests.
  uint64_t rejected() const { return rejected_.load(); }
  // Streams open now, and streams disconnected for overflowing their queue
  // (a client reading slower than its stream is written).
  uint64_t streams_open() const { return stream_stats_->open.load(); }
  uint64_t streams_dropped() const { return stream_stats_->dropped.load(); }
  std::shared_ptr<const HttpStreamStats> stream_stats() const { return stream_stats_; }

 private:
  struct Route_ {
    std::string method;
    std::vector<std::string> segments;
    HttpHandler handler;
    std::size_t max_body_bytes = 0;                  // 0 = the server's
    std::optional<std::vector<std::string>> tokens;  // set: replaces the server's token rule
    bool blocking = false;                           // runs on the worker pool
  };
  struct Exchange;  // one request in flight

  friend struct HttpServerCallbacks;  // libmicrohttpd callbacks (http_server.cc)

  // The body limit of a request on `route` (nullptr before routing).
  static std::size_t BodyLimit(const HttpServerOptions& options, const Route_* route) {
    return route != nullptr && route->max_body_bytes > 0 ? route->max_body_bytes : options.max_body_bytes;
  }
  // Route lookup: the response for 404/405, or nullptr with `*route` set.
  std::unique_ptr<HttpResponse> Match(HttpRequest& request, const Route_** route) const;
  // Whether `request` may go on to `route` (nullptr: no route matched, the
  // server's rule applies).
  bool Authorized(const HttpRequest& request, const Route_* route) const;
  // Whether a request on `route` (nullptr: unrouted) needs no token at all.
  bool OpenToAnyone(const Route_* route) const;
  // Hands a blocking route's request to the worker pool; its connection is
  // suspended until the worker has the answer. False when the pool is full
  // or stopping (the caller answers 503).
  bool Dispatch(Exchange* exchange, MHD_Connection* connection);
  // A worker of the blocking pool.
  void WorkerLoop();
  int Send(MHD_Connection* connection, const HttpResponse& response);
  // Counts a stream about to open in streams_open(); false at max_streams.
  bool ReserveStream();
  // Registers a stream answered on `connection` (reserved by ReserveStream).
  void AttachStream(const std::shared_ptr<HttpStream>& stream, MHD_Connection* connection);
  // The keep-alive thread: pings every stream, forgets finished ones.
  void KeepAliveLoop();

  HttpServerOptions options_;
  std::vector<Route_> routes_;
  MHD_Daemon* daemon_ = nullptr;
  // Written by Start() while the daemon may already run handlers that read it.
  std::atomic<int> port_{0};
  std::atomic<uint64_t> rejected_{0};
  const std::shared_ptr<HttpStreamStats> stream_stats_ = std::make_shared<HttpStreamStats>();

  std::mutex streams_mu_;
  std::condition_variable streams_cv_;              // wakes KeepAliveLoop at Stop()
  std::vector<std::weak_ptr<HttpStream>> streams_;  // GUARDED_BY(streams_mu_)
  bool stopping_ = false;                           // GUARDED_BY(streams_mu_)
  std::thread keepalive_thread_;

  // The blocking pool: requests waiting for a worker (an Exchange and its
  // suspended connection).
  std::mutex work_mu_;
  std::condition_variable work_cv_;
  std::deque<std::pair<Exchange*, MHD_Connection*>> work_;  // GUARDED_BY(work_mu_)
  bool work_stopping_ = false;                              // GUARDED_BY(work_mu_)
  // Requests handed to the pool whose connection has not completed yet
  // (answered and sent, or closed): Stop() waits for them before stopping
  // the daemon, so that an answer a worker produced is also sent.
  std::size_t blocking_unfinished_ = 0;  // GUARDED_BY(work_mu_)
  std::vector<std::thread> workers_;
};

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_TRANSPORT_HTTP_SERVER_H_

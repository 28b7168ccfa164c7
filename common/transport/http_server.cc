#include "common/transport/http_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <exception>

#include <fmt/format.h>
#include <microhttpd.h>

#include "common/log/logging.h"
#include "common/transport/secret_compare.h"

namespace newsflow {
namespace {

const std::string kEmpty;

// Retry-After of a stream refused at max_streams: a few seconds, as an
// EventSource's own reconnection delay.
constexpr int kStreamRetryAfterS = 5;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "/a/b" -> {"a", "b"}; "/" -> {""}; empty segments are kept, so "/a/" does
// not match "/a".
std::vector<std::string> Segments(std::string_view path) {
  std::vector<std::string> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  std::size_t start = 0;
  while (true) {
    std::size_t slash = path.find('/', start);
    out.emplace_back(path.substr(start, slash == std::string_view::npos ? path.npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

const std::string& Find(const std::map<std::string, std::string>& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? kEmpty : it->second;
}

// Raises the soft limit on open files (to the hard limit at most) so that
// `connections` sockets fit next to what the process already uses.
void MakeRoomForConnections(int connections) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  const rlim_t wanted = static_cast<rlim_t>(connections) + 512;
  if (limit.rlim_cur >= wanted) return;
  limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
  setrlimit(RLIMIT_NOFILE, &limit);
}

struct HeaderCollector {
  std::map<std::string, std::string>* out;
  std::size_t bytes = 0;
  bool lower_keys = false;
};

MHD_Result CollectValue(void* cls, MHD_ValueKind, const char* key, const char* value) {
  auto* c = static_cast<HeaderCollector*>(cls);
  std::string_view k = key ? key : "";
  std::string_view v = value ? value : "";
  c->bytes += k.size() + v.size() + 4;  // ": " and CRLF, or "=" and "&"
  c->out->emplace(c->lower_keys ? Lower(k) : std::string(k), std::string(v));  // first wins
  return MHD_YES;
}

// Whether a Host header ("name", "name:port", "[v6]:port"; "" when absent)
// names an IP address, localhost or a name under .localhost (RFC 6761).
bool IsLoopbackHost(std::string_view host) {
  if (host.empty()) return true;  // HTTP/1.0 without Host: no name to re-point
  if (host.front() == '[') {
    const std::size_t close = host.find(']');
    if (close == std::string_view::npos) return false;
    in6_addr v6{};
    return inet_pton(AF_INET6, std::string(host.substr(1, close - 1)).c_str(), &v6) == 1;
  }
  if (const std::size_t colon = host.rfind(':'); colon != std::string_view::npos)
    host = host.substr(0, colon);
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);
  in_addr v4{};
  if (inet_pton(AF_INET, std::string(host).c_str(), &v4) == 1) return true;
  const std::string name = Lower(host);
  return name == "localhost" || name.ends_with(".localhost");
}

}  // namespace

const std::string& HttpRequest::Param(const std::string& name) const { return Find(params, name); }
const std::string& HttpRequest::Header(const std::string& lower_name) const {
  return Find(headers, lower_name);
}
const std::string& HttpRequest::PathParam(const std::string& name) const { return Find(path_params, name); }

HttpServerOptions MakeHttpServerOptions(const std::string& address, int port, const std::string& token,
                                        const HttpLimitsConfig& limits) {
  HttpServerOptions o;
  o.address = address;
  o.port = port;
  o.token = token;
  o.threads = limits.threads;
  o.max_connections = limits.max_connections;
  o.idle_timeout_s = limits.idle_timeout_s;
  o.max_body_bytes = static_cast<std::size_t>(limits.max_body_bytes);
  o.max_header_bytes = static_cast<std::size_t>(limits.max_header_bytes);
  o.max_streams = limits.max_streams;
  return o;
}

HttpResponse HttpResponse::Json(int status, const nlohmann::json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

HttpResponse HttpResponse::Error(int status, const std::string& message) {
  return Json(status, {{"error", message}});
}

HttpResponse HttpResponse::Text(int status, std::string body, std::string content_type) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

HttpResponse HttpResponse::Stream(std::shared_ptr<HttpStream> stream, std::string content_type) {
  HttpResponse r;
  r.status = 200;
  r.content_type = std::move(content_type);
  r.stream = std::move(stream);
  return r;
}

HttpStream::HttpStream(std::string keepalive) : keepalive_(std::move(keepalive)) {}

HttpStream::~HttpStream() = default;

bool HttpStream::Write(std::string_view data) {
  std::lock_guard lock(mu_);
  if (done_ || ended_) return false;
  if (queue_.size() - queue_head_ + data.size() > max_queued_) {
    // The client does not keep up: drop it rather than grow.
    done_ = true;
    std::string().swap(queue_);
    queue_head_ = 0;
    if (stats_) stats_->dropped.fetch_add(1, std::memory_order_relaxed);
    WakeLocked(/*hard=*/true);
    return false;
  }
  queue_.append(data);
  WakeLocked(/*hard=*/false);
  return true;
}

void HttpStream::Close() {
  std::lock_guard lock(mu_);
  if (done_ || ended_) return;
  ended_ = true;
  WakeLocked(/*hard=*/false);
}

std::size_t HttpStream::queue_limit() const {
  std::lock_guard lock(mu_);
  return max_queued_;
}

std::size_t HttpStream::unsent_bytes() const {
  std::lock_guard lock(mu_);
  return queue_.size() - queue_head_;
}

std::size_t HttpStream::TEST_queue_capacity() const {
  std::lock_guard lock(mu_);
  return queue_.capacity();
}

bool HttpStream::done() const {
  std::lock_guard lock(mu_);
  return done_ || ended_;
}

void HttpStream::Attach(std::shared_ptr<HttpStreamStats> stats, MHD_Connection* connection, int fd,
                        std::size_t max_queued, bool stopping) {
  std::lock_guard lock(mu_);
  stats_ = std::move(stats);
  connection_ = connection;
  fd_ = fd;
  max_queued_ = max_queued;
  if (stopping) ended_ = true;
}

void HttpStream::WakeLocked(bool hard) {
  if (finished_ || connection_ == nullptr) return;
  if (suspended_) {
    suspended_ = false;
    MHD_resume_connection(connection_);
  } else if (hard && fd_ >= 0) {
    // Blocked on a full socket: MHD holds the connection until the client
    // reads or idle_timeout_s passes. Shutting the socket down makes its
    // next event an error, so MHD closes it now. finished_ is false, so MHD
    // has not closed the descriptor yet (it calls the completion callback,
    // which sets finished_ under mu_, before closing it).
    shutdown(fd_, SHUT_RDWR);
  }
}

ssize_t HttpStream::Read(char* buf, std::size_t max) {
  std::unique_lock lock(mu_);
  if (!done_ && !ended_ && queue_head_ == queue_.size()) {
    lock.unlock();
    OnDrained();
    lock.lock();
  }
  if (done_) return MHD_CONTENT_READER_END_WITH_ERROR;
  const std::size_t available = queue_.size() - queue_head_;
  if (available > 0) {
    const std::size_t n = std::min(available, max);
    std::memcpy(buf, queue_.data() + queue_head_, n);
    queue_head_ += n;
    if (queue_head_ == queue_.size()) {
      // Drained: a buffer grown by a burst goes back, else hundreds of idle
      // streams would each keep up to stream_max_queued_bytes.
      if (queue_.capacity() > kKeptQueueCapacity) {
        std::string().swap(queue_);
      } else {
        queue_.clear();
      }
      queue_head_ = 0;
    } else if (queue_head_ >= queue_.size() / 2) {
      queue_.erase(0, queue_head_);
      queue_head_ = 0;
    }
    return static_cast<ssize_t>(n);
  }
  if (ended_) return MHD_CONTENT_READER_END_OF_STREAM;
  // Nothing to send: leave the event loop until Write() resumes us.
  suspended_ = true;
  MHD_suspend_connection(connection_);
  return 0;
}

void HttpStream::Finished() {
  std::lock_guard lock(mu_);
  if (finished_) return;
  finished_ = true;
  done_ = true;
  suspended_ = false;
  std::string().swap(queue_);
  queue_head_ = 0;
  if (stats_) stats_->open.fetch_sub(1, std::memory_order_relaxed);
}

void HttpStream::Stop() {
  std::lock_guard lock(mu_);
  ended_ = true;
  std::string().swap(queue_);
  queue_head_ = 0;
  WakeLocked(/*hard=*/false);
}

// One request in flight, from its headers to its answer.
struct HttpServer::Exchange {
  HttpRequest request;
  const Route_* route = nullptr;
  bool body_too_large = false;
  std::size_t discarded = 0;
  std::shared_ptr<HttpStream> stream;  // the answer's stream, if any
  // A blocking route's answer, set by a worker before it resumes the
  // connection.
  std::optional<HttpResponse> answer;
  bool dispatched = false;  // handed to the worker pool (counted in blocking_unfinished_)
};

struct HttpServerCallbacks {
  static MHD_Result OnRequest(void* cls, MHD_Connection* connection, const char* url, const char* method,
                              const char* version, const char* upload_data, std::size_t* upload_data_size,
                              void** request_state) {
    auto* server = static_cast<HttpServer*>(cls);
    const HttpServerOptions& o = server->options_;
    auto* ex = static_cast<HttpServer::Exchange*>(*request_state);
    if (ex == nullptr) {  // headers complete, body not read yet
      ex = new HttpServer::Exchange();
      *request_state = ex;
      HttpRequest& req = ex->request;
      req.method = method ? method : "";
      req.path = url ? url : "";
      HeaderCollector headers{&req.headers, 0, true};
      MHD_get_connection_values(connection, MHD_HEADER_KIND, &CollectValue, &headers);
      HeaderCollector params{&req.params, 0, false};
      MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, &CollectValue, &params);
      const std::size_t head_bytes = req.method.size() + req.path.size() +
                                     std::strlen(version ? version : "") + headers.bytes + params.bytes + 4;
      std::unique_ptr<HttpResponse> early;
      // The route decides which token counts; its 404/405 is told only to
      // clients that pass the server's token rule.
      std::unique_ptr<HttpResponse> unrouted;
      if (head_bytes <= o.max_header_bytes) unrouted = server->Match(req, &ex->route);
      if (head_bytes > o.max_header_bytes) {
        early = std::make_unique<HttpResponse>(
            HttpResponse::Error(431, fmt::format("request headers exceed {} bytes", o.max_header_bytes)));
      } else if (!server->Authorized(req, ex->route)) {
        // Answered before the body is read: without the token, a client
        // never makes the server hold a body.
        early = std::make_unique<HttpResponse>(HttpResponse::Error(401, "missing or wrong bearer token"));
      } else if (server->OpenToAnyone(ex->route) && !IsLoopbackHost(req.Header("host"))) {
        early = std::make_unique<HttpResponse>(HttpResponse::Error(
            403, fmt::format("Host {} is refused: a server without a token answers requests to an IP "
                             "address or localhost only",
                             req.Header("host"))));
      } else if (unrouted) {
        early = std::move(unrouted);
      } else if (const std::string& length = req.Header("content-length"); !length.empty()) {
        uint64_t n = 0;
        auto [ptr, ec] = std::from_chars(length.data(), length.data() + length.size(), n);
        if (ec != std::errc() || ptr != length.data() + length.size() ||
            n > HttpServer::BodyLimit(o, ex->route)) {
          early = std::make_unique<HttpResponse>(HttpResponse::Error(
              413, fmt::format("request body exceeds {} bytes", HttpServer::BodyLimit(o, ex->route))));
        }
      }
      if (early) {
        server->rejected_.fetch_add(1, std::memory_order_relaxed);
        return static_cast<MHD_Result>(server->Send(connection, *early));
      }
      return MHD_YES;
    }
    if (*upload_data_size > 0) {  // a piece of the body
      const std::size_t n = *upload_data_size;
      *upload_data_size = 0;
      std::string& body = ex->request.body;
      const std::size_t limit = HttpServer::BodyLimit(o, ex->route);
      if (ex->body_too_large || body.size() + n > limit) {
        // Chunked body over the limit: MHD only lets us answer once the body
        // is read, so read and drop it; give up on endless ones.
        if (!ex->body_too_large) {
          ex->body_too_large = true;
          std::string().swap(body);
        }
        ex->discarded += n;
        return ex->discarded > 4 * limit + (1u << 20) ? MHD_NO : MHD_YES;
      }
      body.append(upload_data, n);
      return MHD_YES;
    }
    if (ex->body_too_large) {
      server->rejected_.fetch_add(1, std::memory_order_relaxed);
      return static_cast<MHD_Result>(server->Send(
          connection, HttpResponse::Error(413, fmt::format("request body exceeds {} bytes",
                                                           HttpServer::BodyLimit(o, ex->route)))));
    }
    if (ex->route->blocking) {
      if (ex->answer) {  // back from the worker pool
        ex->stream = ex->answer->stream;
        return static_cast<MHD_Result>(server->Send(connection, *ex->answer));
      }
      if (server->Dispatch(ex, connection)) return MHD_YES;
      server->rejected_.fetch_add(1, std::memory_order_relaxed);
      HttpResponse busy = HttpResponse::Error(503, "too many requests are waiting; try again shortly");
      busy.headers.emplace_back("Retry-After", "1");
      return static_cast<MHD_Result>(server->Send(connection, busy));
    }
    HttpResponse response = Run(*ex->route, ex->request);
    ex->stream = response.stream;
    return static_cast<MHD_Result>(server->Send(connection, response));
  }

  // The route's handler; an exception is a 500.
  static HttpResponse Run(const HttpServer::Route_& route, const HttpRequest& request) {
    try {
      return route.handler(request);
    } catch (const std::exception& e) {
      return HttpResponse::Error(500, fmt::format("internal error: {}", e.what()));
    }
  }

  static void OnCompleted(void* cls, MHD_Connection*, void** request_state, MHD_RequestTerminationCode) {
    auto* ex = static_cast<HttpServer::Exchange*>(*request_state);
    if (ex != nullptr && ex->stream) ex->stream->Finished();
    if (ex != nullptr && ex->dispatched) {
      auto* server = static_cast<HttpServer*>(cls);
      std::lock_guard lock(server->work_mu_);
      --server->blocking_unfinished_;
      server->work_cv_.notify_all();
    }
    delete ex;
    *request_state = nullptr;
  }

  // Content reader of a stream's response; `cls` is a std::shared_ptr<HttpStream>*.
  static ssize_t ReadStream(void* cls, uint64_t, char* buf, std::size_t max) {
    return (*static_cast<std::shared_ptr<HttpStream>*>(cls))->Read(buf, max);
  }
  static void FreeStream(void* cls) { delete static_cast<std::shared_ptr<HttpStream>*>(cls); }

  static void OnConnection(void*, MHD_Connection* connection, void**, MHD_ConnectionNotificationCode code) {
    // libmicrohttpd manages TCP_NODELAY/TCP_CORK itself on Linux; setting it
    // here keeps kept-alive requests free of Nagle delays on any build.
    if (code != MHD_CONNECTION_NOTIFY_STARTED) return;
    const MHD_ConnectionInfo* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (info == nullptr) return;
    int one = 1;
    setsockopt(info->connect_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }

  static void OnLog(void*, const char* format, va_list args) {
    static RateLimitedLog limit(std::chrono::seconds(10));
    uint64_t suppressed = 0;
    if (!limit.ShouldLog(&suppressed)) return;
    char line[512];
    std::vsnprintf(line, sizeof(line), format, args);
    std::string_view text(line);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
    static auto logger = MakeLogger("http");
    logger->warn("{} ({} similar suppressed)", text, suppressed);
  }
};

HttpServer::HttpServer(HttpServerOptions options) : options_(std::move(options)) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Route(const std::string& method, const std::string& pattern, HttpHandler handler,
                       std::size_t max_body_bytes) {
  Route(method, pattern, std::move(handler), RouteOptions{.max_body_bytes = max_body_bytes});
}

void HttpServer::Route(const std::string& method, const std::string& pattern, HttpHandler handler,
                       RouteOptions route_options) {
  routes_.push_back({method, Segments(pattern), std::move(handler), route_options.max_body_bytes,
                     std::move(route_options.tokens), route_options.blocking});
}

bool HttpServer::OpenToAnyone(const Route_* route) const {
  if (route != nullptr && route->tokens.has_value()) return route->tokens->empty();
  return options_.token.empty();
}

bool HttpServer::Dispatch(Exchange* exchange, MHD_Connection* connection) {
  std::lock_guard lock(work_mu_);
  if (work_stopping_ || workers_.empty() ||
      work_.size() >= std::max<std::size_t>(options_.blocking_queue, 1)) {
    return false;
  }
  // Suspended before a worker can see it, so that its resume always comes
  // after.
  MHD_suspend_connection(connection);
  exchange->dispatched = true;
  ++blocking_unfinished_;
  work_.emplace_back(exchange, connection);
  work_cv_.notify_one();
  return true;
}

void HttpServer::WorkerLoop() {
  std::unique_lock lock(work_mu_);
  while (true) {
    work_cv_.wait(lock, [this] { return work_stopping_ || !work_.empty(); });
    if (work_.empty()) return;  // stopping, and every waiting request answered
    auto [exchange, connection] = work_.front();
    work_.pop_front();
    const bool stopping = work_stopping_;
    lock.unlock();
    // The exchange lives until the connection completes, which cannot
    // happen while it is suspended; once resumed it is not touched here.
    exchange->answer = stopping ? HttpResponse::Error(503, "the server is stopping")
                                : HttpServerCallbacks::Run(*exchange->route, exchange->request);
    MHD_resume_connection(connection);
    lock.lock();
  }
}

bool HttpServer::Authorized(const HttpRequest& request, const Route_* route) const {
  if (route != nullptr && route->tokens.has_value()) {
    if (route->tokens->empty()) return true;
    const std::string& authorization = request.Header("authorization");
    return std::any_of(route->tokens->begin(), route->tokens->end(),
                       [&](const std::string& token) { return BearerMatches(authorization, token); });
  }
  if (options_.token.empty()) return true;
  for (const std::string& p : options_.public_paths) {
    if (p == request.path) return true;
    if (!p.empty() && p.back() == '*' &&
        request.path.starts_with(std::string_view(p).substr(0, p.size() - 1))) {
      return true;
    }
  }
  if ((request.method == "GET" || request.method == "HEAD") && request.HasParam("access_token") &&
      std::find(options_.query_token_paths.begin(), options_.query_token_paths.end(), request.path) !=
          options_.query_token_paths.end()) {
    return SecretEquals(request.Param("access_token"), options_.token);
  }
  return BearerMatches(request.Header("authorization"), options_.token);
}

std::unique_ptr<HttpResponse> HttpServer::Match(HttpRequest& request, const Route_** route) const {
  const std::vector<std::string> segments = Segments(request.path);
  const std::string method = request.method == "HEAD" ? "GET" : request.method;
  std::vector<std::string> allowed;
  for (const Route_& r : routes_) {
    if (r.segments.size() != segments.size()) continue;
    std::map<std::string, std::string> captured;
    bool match = true;
    for (std::size_t i = 0; i < segments.size() && match; ++i) {
      const std::string& want = r.segments[i];
      if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
        match = !segments[i].empty();
        if (match) captured[want.substr(1, want.size() - 2)] = segments[i];
      } else {
        match = want == segments[i];
      }
    }
    if (!match) continue;
    if (r.method == method) {
      *route = &r;
      request.path_params = std::move(captured);
      return nullptr;
    }
    if (std::find(allowed.begin(), allowed.end(), r.method) == allowed.end()) allowed.push_back(r.method);
  }
  if (allowed.empty()) return std::make_unique<HttpResponse>(HttpResponse::Error(404, "http 404"));
  if (std::find(allowed.begin(), allowed.end(), "GET") != allowed.end()) allowed.emplace_back("HEAD");
  std::string allow;
  for (const std::string& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
  auto response = std::make_unique<HttpResponse>(HttpResponse::Error(
      405, fmt::format("method {} not allowed on {}; allowed: {}", request.method, request.path, allow)));
  response->headers.emplace_back("Allow", allow);
  return response;
}

bool HttpServer::ReserveStream() {
  const uint64_t limit = static_cast<uint64_t>(
      options_.max_streams > 0 ? options_.max_streams : std::max(1, options_.max_connections / 2));
  uint64_t open = stream_stats_->open.load();
  while (open < limit) {
    if (stream_stats_->open.compare_exchange_weak(open, open + 1)) return true;
  }
  return false;
}

int HttpServer::Send(MHD_Connection* connection, const HttpResponse& response) {
  MHD_Response* r = nullptr;
  if (response.stream) {
    if (!ReserveStream()) {
      // Closed, so that its source (a subscription) lets go of it.
      response.stream->Close();
      rejected_.fetch_add(1, std::memory_order_relaxed);
      HttpResponse busy = HttpResponse::Error(503, "too many open streams; retry later");
      busy.headers.emplace_back("Retry-After", std::to_string(kStreamRetryAfterS));
      return Send(connection, busy);
    }
    auto* holder = new std::shared_ptr<HttpStream>(response.stream);
    r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16u << 10, &HttpServerCallbacks::ReadStream,
                                          holder, &HttpServerCallbacks::FreeStream);
    if (r == nullptr) {
      delete holder;
      stream_stats_->open.fetch_sub(1, std::memory_order_relaxed);
      return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
    // Tells nginx-like proxies not to buffer the stream.
    MHD_add_response_header(r, "X-Accel-Buffering", "no");
    AttachStream(response.stream, connection);
  } else {
    r = MHD_create_response_from_buffer(response.body.size(), const_cast<char*>(response.body.data()),
                                        MHD_RESPMEM_MUST_COPY);
  }
  if (r == nullptr) return MHD_NO;
  MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, response.content_type.c_str());
  for (const auto& [name, value] : response.headers) {
    MHD_add_response_header(r, name.c_str(), value.c_str());
  }
  MHD_Result queued = MHD_queue_response(connection, static_cast<unsigned>(response.status), r);
  MHD_destroy_response(r);
  return queued;
}

void HttpServer::AttachStream(const std::shared_ptr<HttpStream>& stream, MHD_Connection* connection) {
  const MHD_ConnectionInfo* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
  std::lock_guard lock(streams_mu_);
  stream->Attach(stream_stats_, connection, info != nullptr ? info->connect_fd : -1,
                 std::max<std::size_t>(options_.stream_max_queued_bytes, 1), stopping_);
  // Forget finished streams now and then, so that many short ones between
  // two pings do not pile up.
  if (streams_.size() >= 64 + 2 * stream_stats_->open.load()) {
    std::erase_if(streams_, [](const std::weak_ptr<HttpStream>& w) { return w.expired(); });
  }
  streams_.push_back(stream);
}

void HttpServer::KeepAliveLoop() {
  const auto interval = std::chrono::seconds(std::max(1, options_.stream_keepalive_s));
  std::unique_lock lock(streams_mu_);
  while (!stopping_) {
    if (streams_cv_.wait_for(lock, interval, [this] { return stopping_; })) break;
    std::vector<std::shared_ptr<HttpStream>> live;
    live.reserve(streams_.size());
    std::erase_if(streams_, [&live](const std::weak_ptr<HttpStream>& w) {
      std::shared_ptr<HttpStream> s = w.lock();
      if (!s || s->done()) return true;
      live.push_back(std::move(s));
      return false;
    });
    lock.unlock();
    for (const auto& s : live) {
      if (!s->keepalive_.empty()) s->Write(s->keepalive_);
    }
    live.clear();
    lock.lock();
  }
}

absl::StatusOr<std::string> HttpServer::Start() {
  if (daemon_ != nullptr) return absl::FailedPreconditionError("http server already started");
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(options_.port);
  if (int rc = getaddrinfo(options_.address.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return absl::UnavailableError(
        fmt::format("cannot listen on {}:{}: {}", options_.address, options_.port, gai_strerror(rc)));
  }
  sockaddr_storage address{};
  std::memcpy(&address, found->ai_addr, std::min<std::size_t>(found->ai_addrlen, sizeof(address)));
  const bool ipv6 = found->ai_family == AF_INET6;
  freeaddrinfo(found);

  MakeRoomForConnections(options_.max_connections);
  // Streams suspend their connection while they have nothing to send.
  unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
  if (ipv6) flags |= MHD_USE_IPv6;
  // The connection's buffer holds the request line and headers (plus the
  // read buffer): room for max_header_bytes, so our 431 answers first.
  const std::size_t memory = 2 * options_.max_header_bytes + (16u << 10);
  auto item = [](MHD_OPTION option, intptr_t value, void* ptr = nullptr) {
    return MHD_OptionItem{option, value, ptr};
  };
  std::vector<MHD_OptionItem> items = {
      item(MHD_OPTION_SOCK_ADDR, 0, &address),
      item(MHD_OPTION_CONNECTION_LIMIT, std::max(1, options_.max_connections)),
      item(MHD_OPTION_CONNECTION_TIMEOUT, std::max(1, options_.idle_timeout_s)),
      item(MHD_OPTION_CONNECTION_MEMORY_LIMIT, static_cast<intptr_t>(memory)),
      item(MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024),
      item(MHD_OPTION_NOTIFY_COMPLETED, reinterpret_cast<intptr_t>(&HttpServerCallbacks::OnCompleted), this),
      item(MHD_OPTION_NOTIFY_CONNECTION, reinterpret_cast<intptr_t>(&HttpServerCallbacks::OnConnection),
           this),
  };
  // One thread: the daemon's own polling thread (MHD refuses a pool of one).
  if (options_.threads > 1) items.push_back(item(MHD_OPTION_THREAD_POOL_SIZE, options_.threads));
  items.push_back(item(MHD_OPTION_END, 0));
  // A fixed port is known before the first request can come in; port 0's
  // is read back below.
  port_.store(options_.port, std::memory_order_release);
  daemon_ = MHD_start_daemon(flags, static_cast<uint16_t>(options_.port), nullptr, nullptr,
                             &HttpServerCallbacks::OnRequest, this,
                             // First, so that it receives every message.
                             MHD_OPTION_EXTERNAL_LOGGER, &HttpServerCallbacks::OnLog, this, MHD_OPTION_ARRAY,
                             items.data(), MHD_OPTION_END);
  if (daemon_ == nullptr) {
    return absl::UnavailableError(fmt::format("cannot listen on {}:{}", options_.address, options_.port));
  }
  {
    std::lock_guard lock(streams_mu_);
    stopping_ = false;
  }
  keepalive_thread_ = std::thread([this] { KeepAliveLoop(); });
  if (std::any_of(routes_.begin(), routes_.end(), [](const Route_& r) { return r.blocking; })) {
    {
      std::lock_guard lock(work_mu_);
      work_stopping_ = false;
    }
    for (int i = 0; i < std::max(1, options_.blocking_threads); ++i) {
      workers_.emplace_back([this] { WorkerLoop(); });
    }
  }
  const MHD_DaemonInfo* info = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
  port_.store(info != nullptr ? info->port : options_.port, std::memory_order_release);
  const std::string host = ipv6 && options_.address.find(':') != std::string::npos
                               ? "[" + options_.address + "]"
                               : options_.address;
  return fmt::format("http://{}:{}", host, port_.load());
}

void HttpServer::Stop() {
  if (daemon_ == nullptr) return;
  // MHD must not be stopped with suspended connections: end every stream
  // (resuming it) first. A stream attached from now on starts ended.
  std::vector<std::shared_ptr<HttpStream>> live;
  {
    std::lock_guard lock(streams_mu_);
    stopping_ = true;
    for (const auto& w : streams_) {
      if (auto s = w.lock()) live.push_back(std::move(s));
    }
    streams_.clear();
  }
  streams_cv_.notify_all();
  if (keepalive_thread_.joinable()) keepalive_thread_.join();
  for (const auto& s : live) s->Stop();
  // Likewise every request handed to the workers: the waiting ones are
  // answered 503, the running ones finish; each resumes its connection.
  {
    std::lock_guard lock(work_mu_);
    work_stopping_ = true;
  }
  work_cv_.notify_all();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
  {
    // Their connections are resumed: let the event loop send the answers
    // (a client that does not read is not waited for long).
    std::unique_lock lock(work_mu_);
    work_cv_.wait_for(lock, std::chrono::seconds(2), [this] { return blocking_unfinished_ == 0; });
  }
  MHD_stop_daemon(daemon_);
  daemon_ = nullptr;
}

}  // namespace newsflow

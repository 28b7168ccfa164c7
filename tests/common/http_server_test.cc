#include "common/transport/http_server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "common/transport/secret_compare.h"
#include "tests/testing/test_util.h"

namespace newsflow {
namespace {

using ::newsflow::testing::IsOk;
using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

// A client socket connected to 127.0.0.1:port with a receive timeout.
class RawConnection {
 public:
  explicit RawConnection(int port, int timeout_ms = 5000) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~RawConnection() {
    if (fd_ >= 0) close(fd_);
  }
  RawConnection(RawConnection&& o) noexcept : fd_(std::exchange(o.fd_, -1)), connected_(o.connected_) {}
  bool connected() const { return connected_; }
  bool Send(std::string_view data) {
    return send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
  }
  // Reads until one whole response (headers + Content-Length body), EOF or
  // the timeout; returns what arrived.
  std::string ReadResponse() {
    std::string in;
    char buf[4096];
    while (true) {
      std::size_t head_end = in.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        std::size_t length_at = Lower(in.substr(0, head_end)).find("content-length:");
        std::size_t length = length_at == std::string::npos
                                 ? 0
                                 : std::stoul(in.substr(length_at + 15, head_end - length_at - 15));
        if (in.size() >= head_end + 4 + length) return in;
      }
      ssize_t n = recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) return in;
      in.append(buf, static_cast<std::size_t>(n));
    }
  }
  // True when the server closed the connection (EOF) before the timeout.
  bool ClosedByServer() {
    char buf[256];
    while (true) {
      ssize_t n = recv(fd_, buf, sizeof(buf), 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
    }
  }

 private:
  static std::string Lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }
  int fd_ = -1;
  bool connected_ = false;
};

int StatusOf(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0) return 0;
  return std::stoi(response.substr(9, 3));
}

nlohmann::json BodyOf(const std::string& response) {
  std::size_t at = response.find("\r\n\r\n");
  if (at == std::string::npos) return nullptr;
  return nlohmann::json::parse(response.substr(at + 4), nullptr, false);
}

// A door handlers wait at until the test opens it.
class Gate {
 public:
  void Wait() {
    std::unique_lock lock(mu_);
    ++waiting_;
    cv_.notify_all();
    cv_.wait(lock, [this] { return open_; });
  }
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  // Whether `n` handlers reached the gate within 10 s.
  bool AwaitWaiting(int n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return waiting_ >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int waiting_ = 0;
  bool open_ = false;
};

class HttpServerTest : public ::testing::Test {
 protected:
  void Start(HttpServerOptions options = {}) {
    options.address = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<HttpServer>(std::move(options));
    server_->Route("GET", "/healthz", [](const HttpRequest&) {
      return HttpResponse::Json(200, {{"status", "ok"}});
    });
    server_->Route("GET", "/items/{id}", [](const HttpRequest& req) {
      return HttpResponse::Json(200, {{"id", req.PathParam("id")}, {"q", req.Param("q")}});
    });
    server_->Route("POST", "/echo", [](const HttpRequest& req) {
      return HttpResponse::Json(200, {{"bytes", req.body.size()}, {"type", req.Header("content-type")}});
    });
    server_->Route("DELETE", "/echo", [](const HttpRequest&) { return HttpResponse::Json(200, {}); });
    auto url = server_->Start();
    ASSERT_THAT(url, IsOk());
    url_ = *url;
    port_ = server_->port();
  }
  // Starts server_ with `options` and a blocking GET /slow that waits at
  // `gate`, then answers `status`, beside a GET /healthz on the event loop.
  void StartGated(HttpServerOptions options, Gate& gate, int status = 200) {
    options.address = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<HttpServer>(std::move(options));
    server_->Route("GET", "/healthz", [](const HttpRequest&) { return HttpResponse::Json(200, {}); });
    server_->Route(
        "GET", "/slow",
        [&gate, status](const HttpRequest&) {
          gate.Wait();
          return HttpResponse::Json(status, {{"waited", true}});
        },
        RouteOptions{.blocking = true});
    ASSERT_THAT(server_->Start(), IsOk());
    port_ = server_->port();
  }
  httplib::Client Client() {
    httplib::Client client("127.0.0.1", port_);
    client.set_connection_timeout(10);
    client.set_read_timeout(10);
    return client;
  }
  // Sends `request` on a new connection; the raw response.
  std::string Exchange(const std::string& request, int timeout_ms = 5000) {
    RawConnection c(port_, timeout_ms);
    EXPECT_TRUE(c.connected());
    EXPECT_TRUE(c.Send(request));
    return c.ReadResponse();
  }

  std::unique_ptr<HttpServer> server_;
  std::string url_;
  int port_ = 0;
};

TEST_F(HttpServerTest, ServesRoutesWithPathAndQueryParameters) {
  ASSERT_NO_FATAL_FAILURE(Start());
  EXPECT_EQ(url_, "http://127.0.0.1:" + std::to_string(port_));
  auto res = Client().Get("/items/a1?q=x%20y");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(nlohmann::json::parse(res->body), nlohmann::json({{"id", "a1"}, {"q", "x y"}}));
}

TEST_F(HttpServerTest, UnknownPathIs404Json) {
  ASSERT_NO_FATAL_FAILURE(Start());
  for (const char* path : {"/nothing", "/items", "/items/a/b", "/healthz/"}) {
    auto res = Client().Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_TRUE(nlohmann::json::parse(res->body, nullptr, false).contains("error"))
        << path << ": " << res->body;
  }
}

TEST_F(HttpServerTest, WrongMethodIs405WithAllowHeaderAndJson) {
  ASSERT_NO_FATAL_FAILURE(Start());
  auto res = Client().Put("/echo", "{}", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);
  EXPECT_EQ(res->get_header_value("Allow"), "POST, DELETE");
  EXPECT_THAT(nlohmann::json::parse(res->body)["error"].get<std::string>(), HasSubstr("PUT"));
  auto get_only = Client().Post("/healthz", "", "text/plain");
  ASSERT_TRUE(get_only);
  EXPECT_EQ(get_only->status, 405);
  EXPECT_EQ(get_only->get_header_value("Allow"), "GET, HEAD");
}

TEST_F(HttpServerTest, BodyOverTheLimitIs413BeforeItIsSent) {
  ASSERT_NO_FATAL_FAILURE(Start({.max_body_bytes = 1000}));
  // Announces 300 MB and sends none of it: the answer comes at once.
  std::string response = Exchange(
      "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
      "300000000\r\n\r\n");
  EXPECT_EQ(StatusOf(response), 413) << response;
  EXPECT_THAT(BodyOf(response)["error"].get<std::string>(), HasSubstr("1000 bytes"));
  // At the limit is fine.
  auto ok = Client().Post("/echo", std::string(1000, 'x'), "text/plain");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(nlohmann::json::parse(ok->body)["bytes"], 1000);
}

TEST_F(HttpServerTest, ChunkedBodyOverTheLimitIs413) {
  ASSERT_NO_FATAL_FAILURE(Start({.max_body_bytes = 1000}));
  std::string request = "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 5; ++i) request += "190\r\n" + std::string(400, 'x') + "\r\n";
  request += "0\r\n\r\n";
  std::string response = Exchange(request);
  EXPECT_EQ(StatusOf(response), 413) << response;
  EXPECT_TRUE(BodyOf(response).contains("error"));
}

TEST_F(HttpServerTest, HeadersOverTheLimitAre431Json) {
  ASSERT_NO_FATAL_FAILURE(Start({.max_header_bytes = 2048}));
  std::string response =
      Exchange("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n");
  EXPECT_EQ(StatusOf(response), 431) << response;
  EXPECT_THAT(BodyOf(response)["error"].get<std::string>(), HasSubstr("2048"));
}

TEST_F(HttpServerTest, PostWithoutBodyIsHandledAtOnce) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const auto start = Clock::now();
  std::string response = Exchange("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 10000);
  EXPECT_EQ(StatusOf(response), 200) << response;
  EXPECT_EQ(BodyOf(response)["bytes"], 0);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(3));
}

TEST_F(HttpServerTest, TokenIsRequiredExceptOnPublicPaths) {
  ASSERT_NO_FATAL_FAILURE(Start({.token = "s3cret"}));
  auto missing = Client().Get("/items/1");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 401);
  EXPECT_TRUE(nlohmann::json::parse(missing->body).contains("error"));
  auto right = Client().Get("/items/1", {{"Authorization", "Bearer s3cret"}});
  ASSERT_TRUE(right);
  EXPECT_EQ(right->status, 200);
  auto health = Client().Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST_F(HttpServerTest, RouteTokensReplaceTheServersAndAreCheckedBeforeTheBody) {
  server_ =
      std::make_unique<HttpServer>(HttpServerOptions{.address = "127.0.0.1", .port = 0, .token = "s3cret"});
  auto echo = [](const HttpRequest& req) { return HttpResponse::Json(200, {{"bytes", req.body.size()}}); };
  server_->Route("POST", "/upload", echo, RouteOptions{.max_body_bytes = 8 << 20, .tokens = {{"a", "b"}}});
  server_->Route("POST", "/open", echo, RouteOptions{.tokens = std::vector<std::string>{}});
  server_->Route("POST", "/server", echo);
  ASSERT_THAT(server_->Start(), IsOk());
  port_ = server_->port();
  // Announces 4 MB and sends none of it: without one of the route's tokens
  // the answer comes from the headers alone.
  for (const char* auth : {"", "Authorization: Bearer s3cret\r\n", "Authorization: Bearer c\r\n"}) {
    std::string response = Exchange(std::string("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\n") + auth +
                                    "Content-Length: 4000000\r\n\r\n");
    EXPECT_EQ(StatusOf(response), 401) << auth << response;
  }
  for (const char* token : {"a", "b"}) {
    auto res =
        Client().Post("/upload", {{"Authorization", std::string("Bearer ") + token}}, "xyz", "text/plain");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << token;
    EXPECT_EQ(nlohmann::json::parse(res->body)["bytes"], 3);
  }
  auto open = Client().Post("/open", "x", "text/plain");
  ASSERT_TRUE(open);
  EXPECT_EQ(open->status, 200) << "an empty list of tokens needs none";
  auto server = Client().Post("/server", {{"Authorization", "Bearer a"}}, "x", "text/plain");
  ASSERT_TRUE(server);
  EXPECT_EQ(server->status, 401) << "a route's tokens open that route only";
  // Unknown paths and wrong methods still ask for the server's token first.
  auto unknown = Client().Get("/nothing");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 401);
  auto wrong_method = Client().Get("/upload", {{"Authorization", "Bearer a"}});
  ASSERT_TRUE(wrong_method);
  EXPECT_EQ(wrong_method->status, 401);
}

TEST(SecretCompareTest, EqualOnlyWhenEveryByteIs) {
  EXPECT_TRUE(SecretEquals("s3cret", "s3cret"));
  EXPECT_TRUE(SecretEquals("", ""));
  EXPECT_FALSE(SecretEquals("s3cret", "s3creT"));
  EXPECT_FALSE(SecretEquals("s3cret", "x3cret"));
  EXPECT_FALSE(SecretEquals("s3cret", "s3cre"));
  EXPECT_FALSE(SecretEquals("s3cre", "s3cret"));
  EXPECT_FALSE(SecretEquals(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
  EXPECT_TRUE(BearerMatches("Bearer s3cret", "s3cret"));
  EXPECT_FALSE(BearerMatches("Bearer s3cret ", "s3cret"));
  EXPECT_FALSE(BearerMatches("bearer s3cret", "s3cret"));
  EXPECT_FALSE(BearerMatches("s3cret", "s3cret"));
  EXPECT_FALSE(BearerMatches("Bearer ", "s3cret"));
}

// A handler may read port() (the store's status page names its own URL
// with it) from the very first request, which can arrive while Start() is
// still returning: a fixed port is known by then.
TEST_F(HttpServerTest, HandlersSeeTheFixedPortFromTheFirstRequest) {
  int free_port = 0;
  {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    socklen_t len = sizeof(addr);
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    free_port = ntohs(addr.sin_port);
    close(fd);
  }
  server_ = std::make_unique<HttpServer>(HttpServerOptions{.address = "127.0.0.1", .port = free_port});
  HttpServer* server = server_.get();
  server_->Route("GET", "/port", [server](const HttpRequest&) {
    return HttpResponse::Json(200, {{"port", server->port()}});
  });
  // Requests sent as soon as the port accepts, racing Start().
  std::string first;
  std::thread client([&] {
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (first.empty() && Clock::now() < deadline) {
      RawConnection c(free_port, 2000);
      if (c.connected() && c.Send("GET /port HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")) first = c.ReadResponse();
    }
  });
  EXPECT_THAT(server_->Start(), IsOk());  // the client thread is joined either way
  client.join();
  EXPECT_EQ(StatusOf(first), 200) << first;
  EXPECT_EQ(BodyOf(first)["port"], free_port);
  EXPECT_EQ(server_->port(), free_port);
}

TEST_F(HttpServerTest, PublicPathEndingInStarIsAPrefix) {
  ASSERT_NO_FATAL_FAILURE(Start({.token = "s3cret", .public_paths = {"/healthz", "/items/*"}}));
  auto below = Client().Get("/items/1");
  ASSERT_TRUE(below);
  EXPECT_EQ(below->status, 200);
  auto beside = Client().Post("/echo", "x", "text/plain");
  ASSERT_TRUE(beside);
  EXPECT_EQ(beside->status, 401) << "only paths under the prefix are public";
  auto similar = Client().Get("/itemsX/1");
  ASSERT_TRUE(similar);
  EXPECT_EQ(similar->status, 401);
}

TEST_F(HttpServerTest, IdleConnectionIsClosedAfterTheTimeout) {
  ASSERT_NO_FATAL_FAILURE(Start({.idle_timeout_s = 1}));
  RawConnection idle(port_, 10000);
  ASSERT_TRUE(idle.connected());
  const auto start = Clock::now();
  EXPECT_TRUE(idle.ClosedByServer());
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(8));
}

TEST_F(HttpServerTest, ConnectionsBeyondTheLimitWaitForAFreeSlot) {
  ASSERT_NO_FATAL_FAILURE(Start({.threads = 1, .max_connections = 4}));
  std::vector<RawConnection> held;
  for (int i = 0; i < 4; ++i) {
    held.emplace_back(port_);
    ASSERT_TRUE(held.back().connected());
  }
  // Give the server time to accept the four.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(StatusOf(Exchange("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 500)), 0);
  held.clear();
  EXPECT_EQ(StatusOf(Exchange("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 5000)), 200);
}

// The attack that stalled the old thread-per-connection server: hundreds of
// clients that send a request byte by byte (slowloris), stay idle on a
// kept-alive connection, or connect and say nothing. /healthz must still
// answer (a liveness check, hence the generous timeout).
TEST_F(HttpServerTest, HealthzAnswersWithHundredsOfSlowAndIdleConnections) {
  ASSERT_NO_FATAL_FAILURE(Start({.threads = 2, .idle_timeout_s = 60}));
  constexpr int kEach = 200;
  std::vector<RawConnection> slow, idle, silent;
  for (int i = 0; i < kEach; ++i) {
    slow.emplace_back(port_);
    ASSERT_TRUE(slow.back().connected());
    ASSERT_TRUE(slow.back().Send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "));
    idle.emplace_back(port_);
    ASSERT_TRUE(idle.back().Send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    silent.emplace_back(port_);
    ASSERT_TRUE(silent.back().connected());
  }
  for (auto& c : idle) ASSERT_EQ(StatusOf(c.ReadResponse()), 200);  // now idle, kept alive
  for (int round = 0; round < 5; ++round) {
    for (auto& c : slow) ASSERT_TRUE(c.Send("a"));  // one more byte each, never the end
    auto res = Client().Get("/healthz");
    ASSERT_TRUE(res) << "round " << round << ": " << httplib::to_string(res.error());
    EXPECT_EQ(res->status, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // The idle keep-alive connections still work.
  ASSERT_TRUE(idle.front().Send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  EXPECT_EQ(StatusOf(idle.front().ReadResponse()), 200);
}

// Without TCP_NODELAY, a kept-alive connection waits out the peer's delayed
// ACK (about 40 ms) on each request; with it, requests take well under 1 ms
// on loopback. The median of 40 is compared with half the delay.
TEST_F(HttpServerTest, KeptAliveRequestsHaveNoNagleDelay) {
  ASSERT_NO_FATAL_FAILURE(Start());
  httplib::Client client = Client();
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);
  std::vector<double> ms;
  for (int i = 0; i < 40; ++i) {
    const auto start = Clock::now();
    auto res = client.Post("/echo", std::string(100, 'x'), "text/plain");
    ASSERT_TRUE(res);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::nth_element(ms.begin(), ms.begin() + 20, ms.end());
  EXPECT_LT(ms[20], 20.0);
}

TEST_F(HttpServerTest, BlockingHandlersLeaveTheEventLoopFree) {
  Gate gate;
  ASSERT_NO_FATAL_FAILURE(StartGated({.threads = 1, .blocking_threads = 2}, gate, 201));
  std::vector<int> slow_status(2, 0);
  std::vector<std::jthread> slow;
  slow.reserve(2);
  for (int i = 0; i < 2; ++i) {
    slow.emplace_back([this, &slow_status, i] {
      auto res = Client().Get("/slow");
      slow_status[i] = res ? res->status : -1;
    });
  }
  ASSERT_TRUE(gate.AwaitWaiting(2));
  // Both workers wait; the one event-loop thread still answers at once.
  const auto start = Clock::now();
  auto health = Client().Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(2));
  gate.Open();
  slow.clear();
  EXPECT_THAT(slow_status, ::testing::Each(201));
}

TEST_F(HttpServerTest, ABlockingHandlerMayRequestItsOwnServer) {
  // One event-loop thread: a handler on it asking its own server would wait
  // for itself.
  server_ = std::make_unique<HttpServer>(HttpServerOptions{.address = "127.0.0.1", .port = 0, .threads = 1});
  server_->Route("GET", "/items/{id}", [](const HttpRequest& req) {
    return HttpResponse::Json(200, {{"id", req.PathParam("id")}});
  });
  HttpServer* server = server_.get();
  server_->Route(
      "GET", "/self",
      [server](const HttpRequest&) {
        httplib::Client client("127.0.0.1", server->port());
        client.set_read_timeout(5);
        auto res = client.Get("/items/7");
        if (!res) return HttpResponse::Error(502, "no answer");
        return HttpResponse::Json(200, {{"inner", nlohmann::json::parse(res->body)}});
      },
      RouteOptions{.blocking = true});
  ASSERT_THAT(server_->Start(), IsOk());
  port_ = server_->port();
  auto res = Client().Get("/self");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(nlohmann::json::parse(res->body)["inner"]["id"], "7");
}

TEST_F(HttpServerTest, BlockingRequestsPastTheQueueAre503WithRetryAfter) {
  Gate gate;
  ASSERT_NO_FATAL_FAILURE(StartGated({.threads = 1, .blocking_threads = 1, .blocking_queue = 1}, gate));
  std::vector<RawConnection> connections;
  const std::string request = "GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  connections.emplace_back(port_, 10000);
  ASSERT_TRUE(connections.back().Send(request));
  ASSERT_TRUE(gate.AwaitWaiting(1));  // the one worker is busy
  // Of three more, one waits in the queue and two are turned away.
  for (int i = 0; i < 3; ++i) {
    connections.emplace_back(port_, 1500);
    ASSERT_TRUE(connections.back().Send(request));
  }
  std::vector<int> statuses;
  std::size_t waiting = 0;
  for (std::size_t i = 1; i < connections.size(); ++i) {
    std::string response = connections[i].ReadResponse();
    statuses.push_back(StatusOf(response));
    if (StatusOf(response) == 503) {
      EXPECT_THAT(response, HasSubstr("Retry-After: 1"));
      EXPECT_TRUE(BodyOf(response).contains("error"));
    } else {
      waiting = i;
    }
  }
  EXPECT_THAT(statuses, ::testing::UnorderedElementsAre(0, 503, 503));
  ASSERT_NE(waiting, 0u);
  gate.Open();
  EXPECT_EQ(StatusOf(connections[0].ReadResponse()), 200);
  EXPECT_EQ(StatusOf(connections[waiting].ReadResponse()), 200) << "the queued request is served";
}

TEST_F(HttpServerTest, StopAnswersQueuedBlockingRequestsAndWaitsForRunningOnes) {
  Gate gate;
  ASSERT_NO_FATAL_FAILURE(StartGated({.blocking_threads = 1, .blocking_queue = 4}, gate));
  const std::string request = "GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  RawConnection running(port_, 10000);
  ASSERT_TRUE(running.Send(request));
  ASSERT_TRUE(gate.AwaitWaiting(1));
  RawConnection queued(port_, 10000);
  ASSERT_TRUE(queued.Send(request));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // dispatched to the queue
  std::jthread stop([this] { server_->Stop(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // Stop() is waiting for the worker
  gate.Open();
  stop.join();
  EXPECT_EQ(StatusOf(running.ReadResponse()), 200) << "a running handler finishes";
  std::string response = queued.ReadResponse();
  EXPECT_EQ(StatusOf(response), 503) << response;
}

TEST_F(HttpServerTest, WithoutATokenOnlyLoopbackHostNamesAreServed) {
  ASSERT_NO_FATAL_FAILURE(Start());
  auto get = [this](const std::string& host_line) {
    return Exchange("GET /items/1 HTTP/1.1\r\n" + host_line + "Connection: close\r\n\r\n");
  };
  const std::string port = std::to_string(port_);
  for (const std::string& host :
       std::vector<std::string>{"127.0.0.1:" + port, "localhost:" + port, "LocalHost", "[::1]:" + port,
                                "reader.localhost:" + port, "10.1.2.3"}) {
    EXPECT_EQ(StatusOf(get("Host: " + host + "\r\n")), 200) << host;
  }
  // A page on rebind.example whose name now points at 127.0.0.1.
  for (const std::string& host :
       std::vector<std::string>{"rebind.example:" + port, "rebind.example", "localhost.example:" + port}) {
    std::string response = get("Host: " + host + "\r\n");
    EXPECT_EQ(StatusOf(response), 403) << host;
    EXPECT_THAT(BodyOf(response)["error"].get<std::string>(), HasSubstr("Host"));
  }
}

TEST_F(HttpServerTest, WithATokenAnyHostNameIsServed) {
  ASSERT_NO_FATAL_FAILURE(Start({.token = "s3cret"}));
  std::string response = Exchange(
      "GET /items/1 HTTP/1.1\r\nHost: store.example\r\nAuthorization: Bearer s3cret\r\nConnection: "
      "close\r\n\r\n");
  EXPECT_EQ(StatusOf(response), 200) << response;
  EXPECT_EQ(StatusOf(Exchange("GET /healthz HTTP/1.1\r\nHost: store.example\r\nConnection: close\r\n\r\n")),
            200)
      << "public paths of a server with a token";
}

TEST_F(HttpServerTest, StartTwiceFailsAndStopIsIdempotent) {
  ASSERT_NO_FATAL_FAILURE(Start());
  EXPECT_FALSE(server_->Start().ok());
  server_->Stop();
  server_->Stop();
}

TEST_F(HttpServerTest, PortInUseIsUnavailable) {
  ASSERT_NO_FATAL_FAILURE(Start());
  HttpServer second({.address = "127.0.0.1", .port = port_});
  auto started = second.Start();
  EXPECT_EQ(started.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace newsflow

// The web reader's store routes: the compiled-in page and files
// (web_ui.h), the forwarding of ingest's feeds API (feeds_proxy.h) and the
// deployment status (status_api.h), each behind a real HTTP server on
// 127.0.0.1. The page itself is driven in a browser by
// tests/integration/web_reader_test.py.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "common/metrics/scrape.h"
#include "services/store/feeds_proxy.h"
#include "services/store/status_api.h"
#include "services/store/web_ui.h"
#include "tests/testing/test_util.h"

namespace newsflow::store {
namespace {

using ::newsflow::testing::IsOk;
using ::testing::HasSubstr;
using ::testing::Not;

std::unique_ptr<HttpServer> StartServer(const std::string& token,
                                        const std::function<void(HttpServer&)>& install) {
  auto server =
      std::make_unique<HttpServer>(HttpServerOptions{.address = "127.0.0.1", .port = 0, .token = token});
  install(*server);
  EXPECT_THAT(server->Start(), IsOk());
  return server;
}

httplib::Client ClientOf(const HttpServer& server) {
  httplib::Client client("127.0.0.1", server.port());
  client.set_connection_timeout(10);
  client.set_read_timeout(10);
  return client;
}

TEST(WebUiTest, PageAndFilesArePublicWithStrictHeaders) {
  auto server = StartServer("s3cret", [](HttpServer& s) {
    InstallWebUi(s);
    s.Route("GET", "/v1/secret", [](const HttpRequest&) { return HttpResponse::Json(200, {{"ok", true}}); });
  });
  auto client = ClientOf(*server);
  for (const auto& [path, type] :
       {std::pair{"/", "text/html"}, std::pair{"/static/app.js", "text/javascript"},
        std::pair{"/static/style.css", "text/css"}, std::pair{"/static/icon.svg", "image/svg+xml"}}) {
    auto res = client.Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 200) << path << " needs no token";
    EXPECT_THAT(res->get_header_value("Content-Type"), HasSubstr(type)) << path;
    EXPECT_FALSE(res->body.empty()) << path;
    const std::string csp = res->get_header_value("Content-Security-Policy");
    EXPECT_THAT(csp, HasSubstr("default-src 'self'")) << path;
    EXPECT_THAT(csp, HasSubstr("frame-ancestors 'none'")) << path;
    EXPECT_THAT(csp, Not(HasSubstr("unsafe-inline"))) << path;
    EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff") << path;
    EXPECT_EQ(res->get_header_value("Cache-Control"), "no-cache") << path;
    EXPECT_FALSE(res->get_header_value("ETag").empty()) << path;
  }
  // The page loads its script and style from files (the policy forbids
  // inline ones), and the API stays closed without the token.
  auto page = client.Get("/");
  ASSERT_TRUE(page);
  EXPECT_THAT(page->body, HasSubstr("<script src=\"/static/app.js\""));
  EXPECT_THAT(page->body, Not(HasSubstr("<script>")));
  EXPECT_THAT(page->body, Not(HasSubstr(" style=")));
  EXPECT_THAT(page->body, HasSubstr("charset=\"utf-8\""));
  auto api = client.Get("/v1/secret");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 401);
  // A prefix of a public path is public only below it.
  auto unknown = client.Get("/static/../v1/secret");
  ASSERT_TRUE(unknown);
  EXPECT_NE(unknown->status, 200);
  auto missing = client.Get("/static/nope.js");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST(WebUiTest, MatchingETagAnswers304WithoutBody) {
  auto server = StartServer("", [](HttpServer& s) { InstallWebUi(s); });
  auto client = ClientOf(*server);
  auto first = client.Get("/static/app.js");
  ASSERT_TRUE(first);
  const std::string etag = first->get_header_value("ETag");
  ASSERT_FALSE(etag.empty());
  auto again = client.Get("/static/app.js", {{"If-None-Match", "\"other\", " + etag}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());
  auto other = client.Get("/static/style.css", {{"If-None-Match", etag}});
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200) << "each file has its own tag";
}

// An upstream standing in for ingest's API: a real server that answers
// what it received, behind the same token rule.
std::unique_ptr<HttpServer> StartEcho(const std::string& token) {
  return StartServer(token, [](HttpServer& s) {
    auto echo = [](const HttpRequest& req) {
      nlohmann::json params = req.params;
      return HttpResponse::Json(req.method == "POST" ? 201 : 200, {{"method", req.method},
                                                                   {"path", req.path},
                                                                   {"params", params},
                                                                   {"body", req.body},
                                                                   {"type", req.Header("content-type")}});
    };
    s.Route("GET", "/v1/feeds", echo);
    s.Route("POST", "/v1/feeds", echo);
    s.Route("DELETE", "/v1/feeds", echo);
    s.Route("GET", "/v1/imports/{id}", [](const HttpRequest& req) {
      return HttpResponse::Json(200, {{"id", req.PathParam("id")}});
    });
    s.Route("GET", "/v1/feeds.opml", [](const HttpRequest&) {
      return HttpResponse::Text(200, "<opml version=\"2.0\"/>", "text/x-opml; charset=utf-8");
    });
  });
}

TEST(FeedsProxyTest, ForwardsMethodQueryBodyAndIngestsTokenRule) {
  auto ingest = StartEcho("feeds-token");
  auto store = StartServer("store-token", [&](HttpServer& s) {
    InstallFeedsProxy(s, {.ingest_url = metrics::HttpBaseUrl("127.0.0.1", ingest->port()),
                          .ingest_token = "feeds-token",
                          .store_token = "store-token"});
  });
  auto client = ClientOf(*store);
  // Ingest's token decides, not the store's.
  auto without = client.Get("/v1/feeds");
  ASSERT_TRUE(without);
  EXPECT_EQ(without->status, 401);
  auto store_token = client.Get("/v1/feeds", {{"Authorization", "Bearer store-token"}});
  ASSERT_TRUE(store_token);
  EXPECT_EQ(store_token->status, 401);
  const httplib::Headers auth{{"Authorization", "Bearer feeds-token"}};
  auto added =
      client.Post("/v1/feeds", auth, R"({"url": "https://example.org/a b.xml"})", "application/json");
  ASSERT_TRUE(added);
  EXPECT_EQ(added->status, 201);
  auto body = nlohmann::json::parse(added->body);
  EXPECT_EQ(body["method"], "POST");
  EXPECT_EQ(body["body"], R"({"url": "https://example.org/a b.xml"})");
  EXPECT_EQ(body["type"], "application/json");
  auto removed = client.Delete("/v1/feeds?url=https%3A%2F%2Fexample.org%2Fa%20b.xml%3Fx%3D1%26y", auth);
  ASSERT_TRUE(removed);
  ASSERT_EQ(removed->status, 200) << removed->body;
  body = nlohmann::json::parse(removed->body);
  EXPECT_EQ(body["method"], "DELETE");
  EXPECT_EQ(body["params"]["url"], "https://example.org/a b.xml?x=1&y");
  auto opml = client.Get("/v1/feeds.opml", auth);
  ASSERT_TRUE(opml);
  EXPECT_EQ(opml->status, 200);
  EXPECT_THAT(opml->get_header_value("Content-Type"), HasSubstr("text/x-opml"));
  EXPECT_EQ(opml->body, "<opml version=\"2.0\"/>");
}

TEST(FeedsProxyTest, StoreTokenGuardsAnIngestWithoutOne) {
  auto ingest = StartEcho("");
  auto store = StartServer("store-token", [&](HttpServer& s) {
    InstallFeedsProxy(
        s, {.ingest_url = metrics::HttpBaseUrl("127.0.0.1", ingest->port()), .store_token = "store-token"});
  });
  auto client = ClientOf(*store);
  auto without = client.Post("/v1/feeds", R"({"url": "https://example.org/x.xml"})", "application/json");
  ASSERT_TRUE(without);
  EXPECT_EQ(without->status, 401);
  auto with = client.Post("/v1/feeds", {{"Authorization", "Bearer store-token"}},
                          R"({"url": "https://example.org/x.xml"})", "application/json");
  ASSERT_TRUE(with);
  EXPECT_EQ(with->status, 201);
}

// Sends `head` (a request line and headers announcing a body that never
// comes) on a new connection to 127.0.0.1:port; what the server answers
// within 5 s, "" when it waits for the body instead.
std::string AnswerWithoutBody(int port, const std::string& head) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string in;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      send(fd, head.data(), head.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(head.size())) {
    char buf[4096];
    while (in.find("\r\n\r\n") == std::string::npos) {
      const ssize_t n = recv(fd, buf, sizeof(buf), 0);
      if (n <= 0) break;
      in.append(buf, static_cast<std::size_t>(n));
    }
  }
  close(fd);
  return in;
}

TEST(FeedsProxyTest, RefusesAWrongTokenBeforeReadingTheBody) {
  // An OPML upload may be max_import_bytes long: a client without the token
  // must be answered from its headers, not after the store has buffered it.
  for (const std::string ingest_token : {"feeds-token", ""}) {
    auto ingest = StartEcho(ingest_token);
    auto store = StartServer("store-token", [&](HttpServer& s) {
      InstallFeedsProxy(s, {.ingest_url = metrics::HttpBaseUrl("127.0.0.1", ingest->port()),
                            .ingest_token = ingest_token,
                            .store_token = "store-token",
                            .max_import_bytes = 8 << 20});
    });
    const std::string wrong = ingest_token.empty() ? "feeds-token" : "store-token";
    for (const std::string& auth : {std::string(), "Authorization: Bearer " + wrong + "\r\n"}) {
      const std::string answer = AnswerWithoutBody(
          store->port(), "POST /v1/feeds.opml HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth +
                             "Content-Type: text/x-opml\r\nContent-Length: 4000000\r\n\r\n");
      EXPECT_THAT(answer, ::testing::StartsWith("HTTP/1.1 401"))
          << "ingest token '" << ingest_token << "', " << (auth.empty() ? "no token" : auth);
    }
    // With the right token the body is read and forwarded.
    const std::string right = ingest_token.empty() ? "store-token" : ingest_token;
    auto added = ClientOf(*store).Post("/v1/feeds", {{"Authorization", "Bearer " + right}},
                                       R"({"url": "https://example.org/x.xml"})", "application/json");
    ASSERT_TRUE(added);
    EXPECT_EQ(added->status, 201) << added->body;
    EXPECT_EQ(nlohmann::json::parse(added->body)["body"], R"({"url": "https://example.org/x.xml"})");
  }
}

TEST(FeedsProxyTest, PathParameterReachesIngestAsOneSegment) {
  auto ingest = StartEcho("");
  auto store = StartServer("", [&](HttpServer& s) {
    InstallFeedsProxy(s, {.ingest_url = metrics::HttpBaseUrl("127.0.0.1", ingest->port())});
  });
  // The store decodes the path; forwarded as decoded, '?' would start a
  // query, '#' a fragment and the space break the URL.
  auto res = ClientOf(*store).Get("/v1/imports/7%20x%3Fy%3D1%23z%25");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(nlohmann::json::parse(res->body)["id"], "7 x?y=1#z%");
}

TEST(FeedsProxyTest, RefusesABodyOnGetAndHead) {
  auto ingest = StartEcho("");
  auto store = StartServer("", [&](HttpServer& s) {
    InstallFeedsProxy(s, {.ingest_url = metrics::HttpBaseUrl("127.0.0.1", ingest->port())});
  });
  for (const char* method : {"GET", "HEAD"}) {
    const std::string answer = AnswerWithoutBody(
        store->port(),
        std::string(method) + " /v1/feeds HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}");
    EXPECT_THAT(answer, ::testing::StartsWith("HTTP/1.1 400")) << method;
  }
}

TEST(FeedsProxyTest, RefusesOtherOriginsAndExplainsMissingOrDownIngest) {
  auto ingest = StartEcho("");
  auto store = StartServer("", [&](HttpServer& s) {
    InstallFeedsProxy(s, {.ingest_url = metrics::HttpBaseUrl("127.0.0.1", ingest->port())});
  });
  auto client = ClientOf(*store);
  auto cross = client.Post("/v1/feeds", {{"Origin", "http://elsewhere.example"}}, "{}", "text/plain");
  ASSERT_TRUE(cross);
  EXPECT_EQ(cross->status, 403);
  const std::string self = "http://127.0.0.1:" + std::to_string(store->port());
  auto same = client.Post("/v1/feeds", {{"Origin", self}}, "{}", "application/json");
  ASSERT_TRUE(same);
  EXPECT_EQ(same->status, 201);

  auto unconfigured = StartServer("", [](HttpServer& s) { InstallFeedsProxy(s, {}); });
  auto none = ClientOf(*unconfigured).Get("/v1/feeds");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 404);
  EXPECT_THAT(none->body, HasSubstr("ingest.api"));

  const int port = ingest->port();
  ingest->Stop();
  auto down_proxy = StartServer("", [&](HttpServer& s) {
    InstallFeedsProxy(s, {.ingest_url = metrics::HttpBaseUrl("127.0.0.1", port)});
  });
  auto down = ClientOf(*down_proxy).Get("/v1/feeds");
  ASSERT_TRUE(down);
  EXPECT_EQ(down->status, 502);
  EXPECT_THAT(down->body, HasSubstr("cannot be reached"));
}

TEST(StatusApiTest, ReportsEachDaemonUpOrDown) {
  // The store's own entry reads this server's routes; an ingest that is not
  // listening shows as down with the reason.
  auto gone = StartServer("", [](HttpServer&) {});
  const int gone_port = gone->port();
  gone->Stop();
  auto store = StartServer("", [&](HttpServer& s) {
    s.Route("GET", "/healthz", [](const HttpRequest&) {
      return HttpResponse::Json(200, {{"status", "ok"}});
    });
    s.Route("GET", "/readyz", [](const HttpRequest&) {
      return HttpResponse::Json(503, {{"ready", false}, {"reason", "commits failing: disk full"}});
    });
    s.Route("GET", "/metrics", [](const HttpRequest&) {
      return HttpResponse::Text(200,
                                "newsflow_store_committed_total 12\nnewsflow_store_articles 10\n"
                                "newsflow_store_commit_errors_total 2\n",
                                "text/plain; version=0.0.4");
    });
    InstallStatusApi(
        s, {{"store", "http://unused", ""}, {"ingest", metrics::HttpBaseUrl("127.0.0.1", gone_port), ""}});
  });
  auto client = ClientOf(*store);
  auto res = client.Get("/v1/status");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  auto body = nlohmann::json::parse(res->body);
  ASSERT_EQ(body["daemons"].size(), 2u);
  const auto& s = body["daemons"][0];
  EXPECT_EQ(s["daemon"], "store");
  EXPECT_EQ(s["url"], "http://127.0.0.1:" + std::to_string(store->port()));
  EXPECT_EQ(s["up"], true);
  EXPECT_EQ(s["healthy"], true);
  EXPECT_EQ(s["ready"], false);
  EXPECT_EQ(s["reason"], "commits failing: disk full");
  EXPECT_EQ(s["stored"], 10);
  EXPECT_EQ(s["errors"], 2);
  EXPECT_FALSE(s.contains("articles_per_second")) << "no rate from a single scrape";
  const auto& i = body["daemons"][1];
  EXPECT_EQ(i["daemon"], "ingest");
  EXPECT_EQ(i["up"], false);
  EXPECT_FALSE(i["error"].get<std::string>().empty());

  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  auto second = client.Get("/v1/status");
  ASSERT_TRUE(second);
  auto later = nlohmann::json::parse(second->body);
  EXPECT_EQ(later["daemons"][0]["articles_per_second"], 0.0) << "the counter did not grow";
}

TEST(StatusApiTest, ASilentDaemonHoldsNoThreadServingTheApi) {
  // A daemon that accepts connections (the kernel's backlog) and never
  // answers: each of its probes waits kStatusTimeout.
  const int silent = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  ASSERT_EQ(bind(silent, reinterpret_cast<sockaddr*>(&address), length), 0);
  ASSERT_EQ(listen(silent, 16), 0);
  ASSERT_EQ(getsockname(silent, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const std::string silent_url = metrics::HttpBaseUrl("127.0.0.1", ntohs(address.sin_port));
  // One event-loop thread: the one a blocking scrape would take.
  HttpServer store(HttpServerOptions{.address = "127.0.0.1", .port = 0, .threads = 1});
  store.Route("GET", "/healthz", [](const HttpRequest&) { return HttpResponse::Json(200, {}); });
  store.Route("GET", "/readyz", [](const HttpRequest&) { return HttpResponse::Json(200, {}); });
  store.Route("GET", "/metrics", [](const HttpRequest&) {
    return HttpResponse::Text(200, "newsflow_store_articles 3\n", "text/plain; version=0.0.4");
  });
  InstallStatusApi(store, {{"store", "http://unused", ""}, {"ingest", silent_url, ""}});
  ASSERT_THAT(store.Start(), IsOk());

  nlohmann::json status;
  std::jthread status_request([&] {
    auto res = ClientOf(store).Get("/v1/status");
    if (res) status = nlohmann::json::parse(res->body, nullptr, false);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the scrape is waiting on the daemon
  const auto start = std::chrono::steady_clock::now();
  auto health = ClientOf(store).Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - start, kStatusTimeout / 2)
      << "the API answered while the status scrape waited";
  status_request.join();
  close(silent);
  ASSERT_TRUE(status.is_object());
  ASSERT_EQ(status["daemons"].size(), 2u);
  EXPECT_EQ(status["daemons"][0]["up"], true) << "the store read itself with its one thread: " << status;
  EXPECT_EQ(status["daemons"][0]["stored"], 3);
  EXPECT_EQ(status["daemons"][1]["up"], false) << status;
}

}  // namespace
}  // namespace newsflow::store

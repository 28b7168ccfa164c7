// Slow/idle-connection load on an HTTP API: opens N slowloris connections
// (a request sent byte by byte, never finished) and N idle keep-alive
// connections (one request answered, then silence), and meanwhile measures
// /healthz and a by-tag query on fresh connections (p50/p99/max, failures).
//
// The server is either an external one (--url, e.g. a running store) or one
// started in-process on a temporary store of --articles articles:
//   --server mhd              newsflow's HttpServer (libmicrohttpd) with the store API
//   --server httplib          cpp-httplib as the daemons used it (default settings)
//   --server httplib-tuned    cpp-httplib with a thread pool of slow+idle+64 threads,
//                             keep-alive/read timeouts, payload limit, TCP_NODELAY
// Traffic goes to loopback only; every loop is bounded in count and time.
//
//   newsflow_http_load --server mhd --slow 1000 --idle 1000 --requests 200
//
// On a 2-core machine (Release; 1,000 slow + 1,000 idle connections, 5,000
// articles; latencies on fresh connections, 2 s timeout):
//   mhd (4 threads)      /healthz p50 0.10 ms p99 3.5 ms, by-tag p50 0.30 ms p99 0.6 ms,
//                        no failures, every connection accepted; max RSS 81 MB
//   httplib-tuned        /healthz p50 0.42 ms p99 2.7 ms, by-tag p50 0.98 ms p99 4.3 ms,
//   (2,064 threads)      no failures, but 25-50 of the slow connects failed (listen
//                        backlog 5) and the run took 52 s instead of 1 s; max RSS 72 MB
//   httplib (8 threads)  with only 100 slow + 100 idle: every /healthz and by-tag
//                        request timed out, no idle client got its first answer
// libmicrohttpd keeps one thread per core-ish and a small buffer per connection,
// and its suspend/resume will serve long-lived streams (SSE) without a thread each.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <httplib.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "common/transport/http_server.h"
#include "common/util/article_json.h"
#include "services/store/article_store.h"
#include "services/store/http_api.h"
#include "services/store/query_handler.h"
#include "tests/testing/test_util.h"

namespace newsflow {
namespace {

using Clock = std::chrono::steady_clock;

int Connect(int port, int timeout_ms) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

bool SendAll(int fd, std::string_view data) {
  return send(fd, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
}

// Reads one response with a Content-Length body; false on timeout/close/non-200.
bool ReadResponse(int fd) {
  std::string in;
  char buf[16384];
  while (true) {
    std::size_t head = in.find("\r\n\r\n");
    if (head != std::string::npos) {
      std::string lower = in.substr(0, head);
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::size_t at = lower.find("content-length:");
      std::size_t length = at == std::string::npos ? 0 : std::stoul(lower.substr(at + 15));
      if (in.size() >= head + 4 + length) return in.rfind("HTTP/1.1 200", 0) == 0;
    }
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) return false;
    in.append(buf, static_cast<std::size_t>(n));
  }
}

struct Stats {
  std::vector<double> ms;
  int failures = 0;
  std::string Line(const std::string& name) {
    std::sort(ms.begin(), ms.end());
    auto at = [&](double q) {
      return ms.empty() ? -1.0 : ms[std::min(ms.size() - 1, std::size_t(q * ms.size()))];
    };
    return fmt::format("{:<10} n={:<4} p50={:8.2f} ms  p99={:8.2f} ms  max={:8.2f} ms  failures={}", name,
                       ms.size(), at(0.5), at(0.99), ms.empty() ? -1.0 : ms.back(), failures);
  }
};

// One request on a fresh connection; adds its latency or a failure.
void Measure(int port, const std::string& path, int timeout_ms, Stats* stats) {
  const auto start = Clock::now();
  int fd = Connect(port, timeout_ms);
  bool ok = fd >= 0 &&
            SendAll(fd, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n") &&
            ReadResponse(fd);
  if (fd >= 0) close(fd);
  if (ok) {
    stats->ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  } else {
    ++stats->failures;
  }
}

// cpp-httplib serving the same two routes through ExecuteQuery.
void InstallHttplibRoutes(httplib::Server& server, const store::ArticleStore& db) {
  server.Get("/healthz", [&db](const httplib::Request&, httplib::Response& res) {
    res.set_content(nlohmann::json({{"status", "ok"}, {"last_sequence", db.LastSequence()}}).dump(),
                    "application/json");
  });
  server.Get("/v1/articles", [&db](const httplib::Request& req, httplib::Response& res) {
    v1::QueryRequest q;
    q.set_by_tag(req.get_param_value("tag"));
    q.set_limit(20);
    v1::QueryResponse r = store::ExecuteQuery(db, q, {}, {});
    nlohmann::json list = nlohmann::json::array();
    for (const auto& a : r.articles()) list.push_back(ArticleToJson(a, false));
    res.set_content(nlohmann::json({{"articles", list}, {"more", r.more()}}).dump(), "application/json");
  });
}

int Main(int argc, char** argv) {
  CLI::App app{"slow/idle-connection load on an HTTP API (loopback only)"};
  std::string server_kind = "mhd";
  int port = 0, slow = 1000, idle = 1000, requests = 200, articles = 5000, threads = 4, timeout_ms = 2000;
  int drip_ms = 200;
  app.add_option("--server", server_kind, "mhd | httplib | httplib-tuned | external");
  app.add_option("--port", port, "port of an external server on 127.0.0.1 (--server external)");
  app.add_option("--slow", slow, "slowloris connections");
  app.add_option("--idle", idle, "idle keep-alive connections");
  app.add_option("--requests", requests, "measured requests of each kind");
  app.add_option("--articles", articles, "articles in the in-process store");
  app.add_option("--threads", threads, "server threads (mhd)");
  app.add_option("--timeout-ms", timeout_ms, "a measured request slower than this fails");
  app.add_option("--drip-ms", drip_ms, "interval between the slow clients' bytes");
  CLI11_PARSE(app, argc, argv);

  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);

  testing::TempDir dir;
  std::unique_ptr<store::ArticleStore> db;
  std::unique_ptr<HttpServer> mhd;
  std::unique_ptr<httplib::Server> cpp;
  std::thread cpp_thread;
  if (server_kind != "external") {
    auto opened = store::ArticleStore::Open({.path = dir.Sub("db"), .sync_writes = false});
    if (!opened.ok()) return 1;
    db = *std::move(opened);
    std::vector<v1::Article> batch;
    for (int i = 0; i < articles; ++i) {
      batch.push_back(testing::MakeArticle(fmt::format("b{}", i), fmt::format("T{}", i), "body text",
                                           i % 10 == 0 ? "Bench" : "Other"));
      batch.back().set_published_at_ms(1'000'000 + i);
    }
    if (!db->Upsert(batch).ok()) return 1;
    if (server_kind == "mhd") {
      mhd = std::make_unique<HttpServer>(HttpServerOptions{.address = "127.0.0.1",
                                                           .port = 0,
                                                           .threads = threads,
                                                           .max_connections = slow + idle + 1024,
                                                           .idle_timeout_s = 60});
      store::InstallHttpApi(*mhd, *db, {}, nullptr);
      if (!mhd->Start().ok()) return 1;
      port = mhd->port();
    } else {
      cpp = std::make_unique<httplib::Server>();
      if (server_kind == "httplib-tuned") {
        const int pool = slow + idle + 64;
        cpp->new_task_queue = [pool] { return new httplib::ThreadPool(pool); };
        cpp->set_keep_alive_timeout(60);
        cpp->set_read_timeout(60, 0);
        cpp->set_payload_max_length(1 << 20);
        cpp->set_tcp_nodelay(true);
      } else if (server_kind != "httplib") {
        fmt::print(stderr, "unknown --server {}\n", server_kind);
        return 2;
      }
      InstallHttplibRoutes(*cpp, *db);
      port = cpp->bind_to_any_port("127.0.0.1");
      cpp_thread = std::thread([&] { cpp->listen_after_bind(); });
      while (!cpp->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  if (port <= 0) {
    fmt::print(stderr, "no port\n");
    return 2;
  }

  // Baseline without load.
  Stats base_health, base_tag;
  for (int i = 0; i < std::min(requests, 50); ++i) Measure(port, "/healthz", timeout_ms, &base_health);
  for (int i = 0; i < std::min(requests, 50); ++i)
    Measure(port, "/v1/articles?tag=bench&limit=20", timeout_ms, &base_tag);

  std::vector<int> slow_fds, idle_fds;
  int refused = 0;
  for (int i = 0; i < slow; ++i) {
    int fd = Connect(port, 1000);
    if (fd < 0 || !SendAll(fd, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")) {
      ++refused;
      if (fd >= 0) close(fd);
      continue;
    }
    slow_fds.push_back(fd);
  }
  int idle_failed = 0;
  for (int i = 0; i < idle; ++i) {
    if (idle_failed >= 10 && idle_fds.empty()) {  // the server answers nobody: stop trying
      idle_failed = idle - i + idle_failed;
      break;
    }
    int fd = Connect(port, 3000);
    if (fd < 0 || !SendAll(fd, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") || !ReadResponse(fd)) {
      ++idle_failed;  // the server could not even answer its first request
      if (fd >= 0) close(fd);
      continue;
    }
    idle_fds.push_back(fd);
  }
  std::atomic<bool> stop{false};
  std::thread drip([&] {
    while (!stop.load()) {
      for (int fd : slow_fds) SendAll(fd, "a");
      std::this_thread::sleep_for(std::chrono::milliseconds(drip_ms));
    }
  });

  Stats health, tag;
  const auto deadline = Clock::now() + std::chrono::minutes(5);
  for (int i = 0; i < requests && Clock::now() < deadline; ++i) {
    Measure(port, "/healthz", timeout_ms, &health);
    Measure(port, "/v1/articles?tag=bench&limit=20", timeout_ms, &tag);
  }
  stop = true;
  drip.join();
  for (int fd : slow_fds) close(fd);
  for (int fd : idle_fds) close(fd);

  fmt::print("server={} slow={} (open {}) idle={} (open {}, failed {})\n", server_kind, slow, slow_fds.size(),
             idle, idle_fds.size(), idle_failed);
  fmt::print("  no load:   {}\n", base_health.Line("/healthz"));
  fmt::print("  no load:   {}\n", base_tag.Line("by-tag"));
  fmt::print("  under load {}\n", health.Line("/healthz"));
  fmt::print("  under load {}\n", tag.Line("by-tag"));
  std::fflush(stdout);

  if (mhd) mhd->Stop();
  if (cpp) {
    cpp->stop();
    cpp_thread.join();
  }
  return 0;
}

}  // namespace
}  // namespace newsflow

int main(int argc, char** argv) { return newsflow::Main(argc, argv); }

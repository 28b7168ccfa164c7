#include "services/ingest/fetcher.h"

#include <zlib.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <future>

#include <fmt/format.h>

#include "common/util/time.h"
#include "tests/testing/test_util.h"

namespace newsflow::ingest {
namespace {

using ::newsflow::testing::IsOk;
using ::newsflow::testing::StatusIs;
using ::newsflow::testing::TempDir;
using ::newsflow::testing::WaitFor;
using ::newsflow::testing::WriteFile;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

constexpr char kFeedBody[] = "<rss version=\"2.0\"><channel><title>T</title></channel></rss>";
constexpr char kEtag[] = "\"feed-v1\"";
constexpr char kLastModified[] = "Tue, 14 Nov 2023 22:13:20 GMT";

std::string Gzip(const std::string& data) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out(deflateBound(&zs, data.size()) + 64, '\0');
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// A local HTTP server with the routes the fetcher tests need.
class FetcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Get("/feed", [this](const httplib::Request& req, httplib::Response& res) {
      Record(req);
      if (req.get_header_value("If-None-Match") == kEtag ||
          req.get_header_value("If-Modified-Since") == kLastModified) {
        res.status = 304;
        return;
      }
      res.set_header("ETag", kEtag);
      res.set_header("Last-Modified", kLastModified);
      res.set_content(kFeedBody, "application/rss+xml");
    });
    server_.Get("/moved", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/hop"); });
    server_.Get("/hop", [](const httplib::Request&, httplib::Response& res) {
      res.set_header("ETag", "\"hop\"");
      res.set_redirect("/feed", 301);
    });
    server_.Get("/gzip", [this](const httplib::Request&, httplib::Response& res) {
      res.set_header("Content-Encoding", "gzip");
      res.set_content(Gzip(gzip_plain_), "application/octet-stream");
    });
    server_.Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(64 * 1024, 'x'), "application/octet-stream");
    });
    server_.Get("/busy", [](const httplib::Request&, httplib::Response& res) {
      res.status = 429;
      res.set_header("Retry-After", "120");
      res.set_content("slow down", "text/plain");
    });
    server_.Get("/missing", [](const httplib::Request&, httplib::Response& res) {
      res.status = 404;
      res.set_content("nope", "text/plain");
    });
    server_.Get("/stall", [this](const httplib::Request&, httplib::Response& res) {
      WaitFor([this] { return release_.load(); }, 30s);
      res.set_content("late", "text/plain");
    });
    // A hostile server: one byte a second for a minute.
    server_.Get("/trickle", [this](const httplib::Request&, httplib::Response& res) {
      res.set_chunked_content_provider("text/plain", [this](size_t offset, httplib::DataSink& sink) {
        if (offset >= 60 || release_.load()) {
          sink.done();
          return true;
        }
        if (offset > 0) WaitFor([this] { return release_.load(); }, 1s);
        return sink.write("x", 1);
      });
    });
    // Fetches keep their connection open for the next one; stopping the
    // server waits for a kept connection's idle timeout (5 s by default).
    server_.set_keep_alive_timeout(1);
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    ASSERT_TRUE(WaitFor([this] { return server_.is_running(); }));
    gzip_plain_ = std::string(kFeedBody) + std::string(5000, ' ') + "<!-- padding -->";
  }
  void TearDown() override {
    release_ = true;
    server_.stop();
    thread_.join();
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  void Record(const httplib::Request& req) {
    std::lock_guard lock(mu_);
    last_headers_ = req.headers;
    client_ports_.push_back(req.remote_port);
  }
  // The client port of each request to /feed, in order: one TCP connection
  // per distinct port.
  std::vector<int> ClientPorts() {
    std::lock_guard lock(mu_);
    return client_ports_;
  }
  std::string LastHeader(const std::string& name) {
    std::lock_guard lock(mu_);
    auto it = last_headers_.find(name);
    return it == last_headers_.end() ? "" : it->second;
  }
  // The test server is on loopback, which fetches reach only when the
  // operator allows it (ingest.fetch.allow_networks).
  FetchOptions Options() const {
    FetchOptions o;
    o.timeout_ms = 20000;
    o.user_agent = "newsflow-test/1";
    o.allow_networks = {*ParseIpNetwork("127.0.0.0/8")};
    return o;
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<bool> release_{false};
  std::string gzip_plain_;
  std::mutex mu_;
  httplib::Headers last_headers_;
  std::vector<int> client_ports_;
};

TEST_F(FetcherTest, OkResponseCapturesBodyAndValidators) {
  auto r = Fetch({.url = Url("/feed")}, Options());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->http_status, 200);
  EXPECT_EQ(r->body, kFeedBody);
  EXPECT_EQ(r->etag, kEtag);
  EXPECT_EQ(r->last_modified, kLastModified);
  EXPECT_EQ(r->content_type, "application/rss+xml");
  EXPECT_EQ(r->final_url, Url("/feed"));
}

// Fetches from one thread keep their connection to a server open: the
// second request arrives on the TCP connection of the first.
TEST_F(FetcherTest, SecondFetchFromOneServerReusesTheConnection) {
  ASSERT_THAT(Fetch({.url = Url("/feed")}, Options()), IsOk());
  auto again = Fetch({.url = Url("/feed")}, Options());
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->body, kFeedBody);
  std::vector<int> ports = ClientPorts();
  ASSERT_EQ(ports.size(), 2u);
  EXPECT_EQ(ports[0], ports[1]);
}

// A cached connection was checked under the allow list of the fetch that
// opened it: a fetch under another list opens (and checks) its own, and one
// whose list refuses the server is refused although a connection is open.
TEST_F(FetcherTest, CachedConnectionIsNotReusedUnderAnotherAllowList) {
  ASSERT_THAT(Fetch({.url = Url("/feed")}, Options()), IsOk());
  FetchOptions narrower = Options();
  narrower.allow_networks = {*ParseIpNetwork("127.0.0.1/32")};
  ASSERT_THAT(Fetch({.url = Url("/feed")}, narrower), IsOk());
  std::vector<int> ports = ClientPorts();
  ASSERT_EQ(ports.size(), 2u);
  EXPECT_NE(ports[0], ports[1]);
  FetchOptions none = Options();
  none.allow_networks.clear();
  EXPECT_THAT(Fetch({.url = Url("/feed")}, none), StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(ClientPorts().size(), 2u);  // the server saw no third request
}

// Retry-After as an HTTP-date, in the preferred form and in the obsolete
// RFC 850 form that recipients must also accept (RFC 9110 5.6.7).
TEST_F(FetcherTest, RetryAfterDateIsReadInEachForm) {
  const int64_t in_an_hour = NowMs() / 1000 + 3600;
  int route = 0;
  for (const char* format : {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT"}) {
    const std::string path = "/dated-" + std::to_string(route++);
    char date[64];
    const time_t t = static_cast<time_t>(in_an_hour);
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(date, sizeof(date), format, &tm);
    const std::string value = date;
    server_.Get(path, [value](const httplib::Request&, httplib::Response& res) {
      res.status = 503;
      res.set_header("Retry-After", value);
      res.set_content("later", "text/plain");
    });
    auto r = Fetch({.url = Url(path)}, Options());
    ASSERT_THAT(r, IsOk());
    EXPECT_EQ(r->http_status, 503);
    EXPECT_GE(r->retry_after_s, 3500) << value;
    EXPECT_LE(r->retry_after_s, 3600) << value;
  }
}

TEST_F(FetcherTest, SendsTheConfiguredUserAgent) {
  ASSERT_THAT(Fetch({.url = Url("/feed")}, Options()), IsOk());
  EXPECT_EQ(LastHeader("User-Agent"), "newsflow-test/1");
}

TEST_F(FetcherTest, ConditionalGetWithEtagGets304) {
  auto r = Fetch({.url = Url("/feed"), .etag = kEtag}, Options());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(LastHeader("If-None-Match"), kEtag);
  EXPECT_EQ(r->http_status, 304);
  EXPECT_EQ(r->body, "");
}

TEST_F(FetcherTest, ConditionalGetWithLastModifiedGets304) {
  auto r = Fetch({.url = Url("/feed"), .last_modified = kLastModified}, Options());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(LastHeader("If-Modified-Since"), kLastModified);
  EXPECT_EQ(r->http_status, 304);
}

TEST_F(FetcherTest, NoValidatorsSendsNoConditionalHeaders) {
  ASSERT_THAT(Fetch({.url = Url("/feed")}, Options()), IsOk());
  EXPECT_EQ(LastHeader("If-None-Match"), "");
  EXPECT_EQ(LastHeader("If-Modified-Since"), "");
}

TEST_F(FetcherTest, RedirectsAreFollowedAndFinalUrlReported) {
  auto r = Fetch({.url = Url("/moved")}, Options());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->http_status, 200);
  EXPECT_EQ(r->body, kFeedBody);
  EXPECT_EQ(r->final_url, Url("/feed"));
  EXPECT_EQ(r->etag, kEtag);  // validators of the final response, not of a hop
}

TEST_F(FetcherTest, GzipBodyIsDecoded) {
  auto r = Fetch({.url = Url("/gzip")}, Options());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->http_status, 200);
  EXPECT_EQ(r->body, gzip_plain_);
}

TEST_F(FetcherTest, BodyOverMaxBytesIsResourceExhausted) {
  FetchOptions options = Options();
  options.max_bytes = 1000;
  EXPECT_THAT(Fetch({.url = Url("/big")}, options), StatusIs(absl::StatusCode::kResourceExhausted));
}

TEST_F(FetcherTest, BodyAtMaxBytesIsAccepted) {
  FetchOptions options = Options();
  options.max_bytes = 64 * 1024;
  auto r = Fetch({.url = Url("/big")}, options);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->body.size(), 64u * 1024u);
}

TEST_F(FetcherTest, TooManyRequestsReportsRetryAfter) {
  auto r = Fetch({.url = Url("/busy")}, Options());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->http_status, 429);
  EXPECT_EQ(r->retry_after_s, 120);
}

TEST_F(FetcherTest, HttpErrorStatusIsReturnedNotAnError) {
  auto r = Fetch({.url = Url("/missing")}, Options());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->http_status, 404);
  EXPECT_EQ(r->retry_after_s, 0);
}

TEST_F(FetcherTest, TimeoutIsUnavailable) {
  FetchOptions options = Options();
  options.timeout_ms = 200;
  EXPECT_THAT(Fetch({.url = Url("/stall")}, options), StatusIs(absl::StatusCode::kUnavailable));
}

TEST_F(FetcherTest, StopAbortsATricklingTransferPromptly) {
  std::stop_source stop;
  auto fetch = std::async(std::launch::async, [&] {
    return Fetch({.url = Url("/trickle"), .stop = stop.get_token()}, Options());
  });
  ASSERT_EQ(fetch.wait_for(1500ms), std::future_status::timeout);  // still trickling
  auto stopped_at = std::chrono::steady_clock::now();
  stop.request_stop();
  ASSERT_EQ(fetch.wait_for(2s), std::future_status::ready);
  EXPECT_LT(std::chrono::steady_clock::now() - stopped_at, 500ms);
  EXPECT_THAT(fetch.get(), StatusIs(absl::StatusCode::kCancelled));
}

TEST_F(FetcherTest, StopBeforeTheFetchFetchesNothing) {
  std::stop_source stop;
  stop.request_stop();
  EXPECT_THAT(Fetch({.url = Url("/feed"), .stop = stop.get_token()}, Options()),
              StatusIs(absl::StatusCode::kCancelled));
}

TEST_F(FetcherTest, DeadlineEndsATransferBeforeTheTimeout) {
  auto start = std::chrono::steady_clock::now();
  auto result = Fetch({.url = Url("/trickle"), .deadline_ms = NowMs() + 500}, Options());
  EXPECT_THAT(result, StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms);
  EXPECT_THAT(Fetch({.url = Url("/feed"), .deadline_ms = NowMs() - 1}, Options()),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  // Within its deadline a fetch succeeds as usual.
  EXPECT_THAT(Fetch({.url = Url("/feed"), .deadline_ms = NowMs() + 5000}, Options()), IsOk());
}

FetchOptions LocalOptions(const TempDir& dir) {
  FetchOptions o;
  o.file_root = dir.Sub("feeds");
  std::filesystem::create_directories(o.file_root);
  return o;
}

// Serves `body` on every path from `address` until destroyed; counts hits.
class OtherServer {
 public:
  OtherServer(const std::string& address, std::string body) {
    server_.Get(".*", [this, body](const httplib::Request&, httplib::Response& res) {
      ++hits;
      res.set_content(body, "text/plain");
    });
    port_ = server_.bind_to_any_port(address);
    if (port_ > 0) {
      thread_ = std::thread([this] { server_.listen_after_bind(); });
      WaitFor([this] { return server_.is_running(); });
    }
    url_ = fmt::format("http://{}:{}", address, port_);
  }
  ~OtherServer() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  bool ok() const { return port_ > 0; }
  const std::string& url() const { return url_; }
  std::atomic<int> hits{0};

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::string url_;
};

TEST_F(FetcherTest, LoopbackIsRefusedWithoutAllowNetworks) {
  Counters counters;
  FetchOptions options = Options();
  options.allow_networks.clear();
  options.counters = &counters;
  auto r = Fetch({.url = Url("/feed")}, options);
  ASSERT_THAT(r, StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("address 127.0.0.1 is not allowed (ingest.fetch.allow_networks)"));
  EXPECT_EQ(counters.Snapshot()["fetches_refused_address"], 1u);
  EXPECT_EQ(LastHeader("User-Agent"), "");  // the server never saw a request
}

TEST_F(FetcherTest, LocalhostDecimalAndMappedFormsAreRefused) {
  FetchOptions options = Options();
  options.allow_networks.clear();
  for (const std::string& url :
       {fmt::format("http://localhost:{}/feed", port_), fmt::format("http://2130706433:{}/feed", port_),
        fmt::format("http://0x7f000001:{}/feed", port_), fmt::format("http://127.1:{}/feed", port_),
        fmt::format("http://[::ffff:127.0.0.1]:{}/feed", port_), fmt::format("http://[::1]:{}/feed", port_),
        fmt::format("http://0.0.0.0:{}/feed", port_)}) {
    auto r = Fetch({.url = url}, options);
    EXPECT_THAT(r, StatusIs(absl::StatusCode::kPermissionDenied)) << url;
  }
  EXPECT_EQ(LastHeader("User-Agent"), "");
  // The same fetches pass once loopback is allowed.
  options.allow_networks = {*ParseIpNetwork("127.0.0.0/8")};
  EXPECT_THAT(Fetch({.url = fmt::format("http://2130706433:{}/feed", port_)}, options), IsOk());
}

TEST_F(FetcherTest, MetadataAddressIsRefused) {
  auto r = Fetch({.url = "http://169.254.169.254/latest/meta-data/"}, Options());
  ASSERT_THAT(r, StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("address 169.254.169.254 is not allowed"));
}

TEST_F(FetcherTest, RedirectToARefusedAddressIsRefused) {
  OtherServer other("127.0.0.2", "internal secret");
  if (!other.ok()) GTEST_SKIP() << "cannot listen on 127.0.0.2";
  server_.Get("/to-other", [&](const httplib::Request&, httplib::Response& res) {
    res.set_redirect(other.url() + "/secret");
  });
  FetchOptions options = Options();
  options.allow_networks = {*ParseIpNetwork("127.0.0.1/32")};
  auto r = Fetch({.url = Url("/to-other")}, options);
  ASSERT_THAT(r, StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("address 127.0.0.2 is not allowed"));
  EXPECT_EQ(other.hits.load(), 0);
  // Allowed, the same redirect is followed.
  options.allow_networks = {*ParseIpNetwork("127.0.0.0/8")};
  auto allowed = Fetch({.url = Url("/to-other")}, options);
  ASSERT_THAT(allowed, IsOk());
  EXPECT_EQ(allowed->body, "internal secret");
}

TEST_F(FetcherTest, ProxyFromTheEnvironmentIsNotUsed) {
  OtherServer proxy("127.0.0.1", "proxied");
  ASSERT_TRUE(proxy.ok());
  setenv("http_proxy", proxy.url().c_str(), 1);
  setenv("ALL_PROXY", proxy.url().c_str(), 1);
  auto r = Fetch({.url = "http://203.0.113.7/feed"}, Options());  // a refused address
  unsetenv("http_proxy");
  unsetenv("ALL_PROXY");
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(proxy.hits.load(), 0);
}

TEST(FetchLocalTest, ReadsAPath) {
  TempDir dir;
  FetchOptions options = LocalOptions(dir);
  WriteFile(dir.Sub("feeds/feed.xml"), kFeedBody);
  auto r = Fetch({.url = dir.Sub("feeds/feed.xml")}, options);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->http_status, 200);
  EXPECT_EQ(r->body, kFeedBody);
  EXPECT_EQ(r->final_url, dir.Sub("feeds/feed.xml"));
}

TEST(FetchLocalTest, ReadsAFileUrl) {
  TempDir dir;
  FetchOptions options = LocalOptions(dir);
  WriteFile(dir.Sub("feeds/feed.xml"), kFeedBody);
  auto r = Fetch({.url = "file://" + dir.Sub("feeds/feed.xml")}, options);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->body, kFeedBody);
}

TEST(FetchLocalTest, MissingFileIsNotFound) {
  TempDir dir;
  FetchOptions options = LocalOptions(dir);
  EXPECT_THAT(Fetch({.url = dir.Sub("feeds/absent.xml")}, options), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(Fetch({.url = "file://" + dir.Sub("feeds/absent.xml")}, options),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST(FetchLocalTest, FileOverMaxBytesIsResourceExhausted) {
  TempDir dir;
  FetchOptions options = LocalOptions(dir);
  WriteFile(dir.Sub("feeds/big.xml"), std::string(2048, 'x'));
  options.max_bytes = 1024;
  EXPECT_THAT(Fetch({.url = dir.Sub("feeds/big.xml")}, options),
              StatusIs(absl::StatusCode::kResourceExhausted));
}

TEST(FetchLocalTest, NoLocalFilesWithoutTheOptIn) {
  TempDir dir;
  WriteFile(dir.Sub("feed.xml"), kFeedBody);
  Counters counters;
  FetchOptions options;
  options.counters = &counters;
  for (const std::string& url : {dir.Sub("feed.xml"), "file://" + dir.Sub("feed.xml")}) {
    auto r = Fetch({.url = url}, options);
    ASSERT_THAT(r, StatusIs(absl::StatusCode::kPermissionDenied)) << url;
    EXPECT_THAT(std::string(r.status().message()), HasSubstr("ingest.fetch.file_feeds_allowed_under"));
  }
  EXPECT_EQ(counters.Snapshot()["fetches_refused_file"], 2u);
}

// Refusals outside the folder read the same whether the path exists, is
// private or is missing, so errors reveal nothing about the file system.
TEST(FetchLocalTest, OutsideTheFolderNothingIsReadOrRevealed) {
  TempDir dir;
  FetchOptions options = LocalOptions(dir);
  WriteFile(dir.Sub("secret.txt"), "top secret");
  chmod(dir.Sub("secret.txt").c_str(), 0600);
  std::filesystem::create_symlink(dir.Sub("secret.txt"), dir.Sub("feeds/link.xml"));
  auto message = [&](const std::string& url) {
    auto r = Fetch({.url = url}, options);
    EXPECT_THAT(r, StatusIs(absl::StatusCode::kNotFound)) << url;
    std::string m(r.status().message());
    std::size_t at = m.find(url.rfind("file://", 0) == 0 ? url.substr(7) : url);
    if (at != std::string::npos) m.replace(at, url.size() - (url.rfind("file://", 0) == 0 ? 7 : 0), "PATH");
    return m;
  };
  const std::string want = message(dir.Sub("absent.txt"));
  EXPECT_THAT(want, HasSubstr("ingest.fetch.file_feeds_allowed_under"));
  EXPECT_EQ(message(dir.Sub("secret.txt")), want);
  EXPECT_EQ(message("file://" + dir.Sub("secret.txt")), want);
  EXPECT_EQ(message(dir.Sub("feeds/../secret.txt")), want);
  EXPECT_EQ(message(dir.Sub("feeds/link.xml")), want);  // a symlink leading out
  EXPECT_EQ(message("/etc/passwd"), want);
  EXPECT_EQ(message(dir.Sub("feeds")), want);  // the folder itself
}

TEST(FetchLocalTest, DevicesAndFoldersAreRefused) {
  TempDir dir;
  FetchOptions options = LocalOptions(dir);
  std::filesystem::create_symlink("/dev/zero", dir.Sub("feeds/zero.xml"));
  std::filesystem::create_directories(dir.Sub("feeds/sub.xml"));
  EXPECT_THAT(Fetch({.url = dir.Sub("feeds/zero.xml")}, options), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(Fetch({.url = dir.Sub("feeds/sub.xml")}, options), StatusIs(absl::StatusCode::kNotFound));
  // Even a folder that holds devices yields no device.
  options.file_root = "/dev";
  EXPECT_THAT(Fetch({.url = "/dev/zero"}, options), StatusIs(absl::StatusCode::kNotFound));
}

TEST(FetchLocalTest, FifoIsRefusedWithoutBlocking) {
  TempDir dir;
  FetchOptions options = LocalOptions(dir);
  const std::string fifo = dir.Sub("feeds/pipe.xml");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  auto result = std::async(std::launch::async, [&] { return Fetch({.url = fifo}, options); });
  if (result.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
    // Unblock the reader so the test can end, then fail.
    int fd = open(fifo.c_str(), O_WRONLY);
    if (fd >= 0) close(fd);
    FAIL() << "reading a FIFO blocked";
  }
  EXPECT_THAT(result.get(), StatusIs(absl::StatusCode::kNotFound));
}

TEST(CheckFeedUrlTest, AcceptsHttpUrlsAndRejectsJunk) {
  FetchOptions options;
  for (const char* url : {"https://example.com/feed.xml", "http://example.com", "HTTPS://Example.com/a?b=c#d",
                          "http://[2606:4700::1]:8080/rss", "http://user@example.com/rss"}) {
    EXPECT_THAT(CheckFeedUrl(url, options), IsOk()) << url;
  }
  for (const char* url : {"", "not a url", "example.com/feed", "ftp://example.com/feed", "http://",
                          "https:///path", "http://exa mple.com/", "http://example.com/\x01",
                          "javascript:alert(1)", "gopher://example.com/", "file:///etc/passwd", "/etc/passwd",
                          "feeds/a.xml", "http://example.com:99999/", "dict://127.0.0.1:11211/"}) {
    auto s = CheckFeedUrl(url, options);
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument)) << url;
  }
  EXPECT_THAT(CheckFeedUrl(std::string("https://example.com/") + std::string(9000, 'a'), options),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

// A host written as an internal address is refused when the feed is added,
// in every spelling libcurl accepts, unless allow_networks lists it. (Names
// are not resolved here: the fetch checks every connection anyway.)
TEST(CheckFeedUrlTest, InternalAddressLiteralsAreRefusedWhenAdded) {
  FetchOptions options;
  for (const char* url :
       {"http://127.0.0.1/rss", "http://2130706433/rss", "http://0x7f000001/rss", "http://127.1/rss",
        "http://[::1]/rss", "http://[::ffff:127.0.0.1]/rss", "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/rss", "https://192.168.1.1:8443/rss"}) {
    absl::Status s = CheckFeedUrl(url, options);
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument)) << url;
    EXPECT_THAT(std::string(s.message()), HasSubstr("ingest.fetch.allow_networks")) << url;
    EXPECT_THAT(CheckPageUrl(url, options), StatusIs(absl::StatusCode::kInvalidArgument)) << url;
  }
  EXPECT_THAT(CheckFeedUrl("http://localhost/rss", options), IsOk());
  options.allow_networks = {*ParseIpNetwork("127.0.0.0/8")};
  EXPECT_THAT(CheckFeedUrl("http://2130706433/rss", options), IsOk());
  EXPECT_THAT(CheckPageUrl("http://127.0.0.1:8080/page", options), IsOk());
  EXPECT_THAT(CheckFeedUrl("http://169.254.169.254/", options), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(CheckFeedUrlTest, LocalFilesOnlyInsideTheOptInFolder) {
  FetchOptions options;
  options.file_root = "/srv/feeds";
  EXPECT_THAT(CheckFeedUrl("/srv/feeds/a.xml", options), IsOk());
  EXPECT_THAT(CheckFeedUrl("file:///srv/feeds/sub/b.xml", options), IsOk());
  for (const char* url : {"/srv/feeds/../secret", "/srv/feedsx/a.xml", "/srv/feeds", "/etc/passwd",
                          "file:///etc/passwd", "file://otherhost/srv/feeds/a.xml"}) {
    EXPECT_THAT(CheckFeedUrl(url, options), StatusIs(absl::StatusCode::kInvalidArgument)) << url;
  }
  auto s = CheckFeedUrl("/etc/passwd", options);
  EXPECT_THAT(std::string(s.message()), HasSubstr("ingest.fetch.file_feeds_allowed_under"));
}

TEST(CheckPageUrlTest, HttpOnly) {
  FetchOptions with_files;
  with_files.file_root = "/srv/feeds";
  EXPECT_THAT(CheckPageUrl("https://example.com/a", with_files), IsOk());
  EXPECT_FALSE(CheckPageUrl("/srv/feeds/a.html", with_files).ok());
  EXPECT_FALSE(CheckPageUrl("file:///srv/feeds/a.html", with_files).ok());
  EXPECT_FALSE(CheckPageUrl("not a url", with_files).ok());
}

TEST(FetchLocalTest, UnsupportedSchemeIsInvalidArgument) {
  auto r = Fetch({.url = "ftp://example.com/feed.xml"}, FetchOptions());
  ASSERT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("ftp://"));
}

}  // namespace
}  // namespace newsflow::ingest

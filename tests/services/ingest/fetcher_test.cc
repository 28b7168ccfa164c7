#include "services/ingest/fetcher.h"

#include <zlib.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

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
    server_.Get("/moved", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("/hop");
    });
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
  }
  std::string LastHeader(const std::string& name) {
    std::lock_guard lock(mu_);
    auto it = last_headers_.find(name);
    return it == last_headers_.end() ? "" : it->second;
  }
  FetchOptions Options() const {
    FetchOptions o;
    o.timeout_ms = 20000;
    o.user_agent = "newsflow-test/1";
    return o;
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<bool> release_{false};
  std::string gzip_plain_;
  std::mutex mu_;
  httplib::Headers last_headers_;
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

TEST(FetchLocalTest, ReadsAPath) {
  TempDir dir;
  WriteFile(dir.Sub("feed.xml"), kFeedBody);
  auto r = Fetch({.url = dir.Sub("feed.xml")}, FetchOptions());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->http_status, 200);
  EXPECT_EQ(r->body, kFeedBody);
  EXPECT_EQ(r->final_url, dir.Sub("feed.xml"));
}

TEST(FetchLocalTest, ReadsAFileUrl) {
  TempDir dir;
  WriteFile(dir.Sub("feed.xml"), kFeedBody);
  auto r = Fetch({.url = "file://" + dir.Sub("feed.xml")}, FetchOptions());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->body, kFeedBody);
}

TEST(FetchLocalTest, MissingFileIsNotFound) {
  TempDir dir;
  EXPECT_THAT(Fetch({.url = dir.Sub("absent.xml")}, FetchOptions()),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(Fetch({.url = "file://" + dir.Sub("absent.xml")}, FetchOptions()),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST(FetchLocalTest, FileOverMaxBytesIsResourceExhausted) {
  TempDir dir;
  WriteFile(dir.Sub("big.xml"), std::string(2048, 'x'));
  FetchOptions options;
  options.max_bytes = 1024;
  EXPECT_THAT(Fetch({.url = dir.Sub("big.xml")}, options),
              StatusIs(absl::StatusCode::kResourceExhausted));
}

TEST(FetchLocalTest, UnsupportedSchemeIsInvalidArgument) {
  auto r = Fetch({.url = "ftp://example.com/feed.xml"}, FetchOptions());
  ASSERT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("ftp://"));
}

}  // namespace
}  // namespace newsflow::ingest

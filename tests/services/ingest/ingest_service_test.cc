// The ingest daemon's polite HTTP behaviour, end to end: the real service
// polls a local HTTP server the test starts on 127.0.0.1 and reports feed
// state through its control socket.
#include "services/ingest/ingest_service.h"

#include <atomic>
#include <filesystem>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "common/config/newsflow_config.h"
#include "common/delivery/envelope_codec.h"
#include "common/delivery/request_client.h"
#include "common/runtime/clock.h"
#include "common/transport/zmq_socket.h"
#include "services/ingest/ingest_db.h"
#include "tests/testing/exposition.h"
#include "tests/testing/test_util.h"

namespace newsflow::ingest {
namespace {

using ::newsflow::testing::TempDir;
using ::newsflow::testing::UniqueInprocEndpoint;
using ::newsflow::testing::WaitFor;
using std::chrono::seconds;

constexpr char kFeed[] = R"(<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<link>https://example.com/</link><description>d</description>
<item><title>Harbour reopens</title><link>https://example.com/a</link><description>The harbour reopened on Monday after repairs.</description></item>
</channel></rss>)";

class IngestServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Get("/feed", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      if_none_match_.push_back(req.get_header_value("If-None-Match"));
      if (req.get_header_value("If-None-Match") == "\"v1\"") {
        res.status = 304;
        return;
      }
      res.set_header("ETag", "\"v1\"");
      res.set_content(kFeed, "application/rss+xml");
    });
    server_.Get("/gone", [](const httplib::Request&, httplib::Response& res) { res.status = 410; });
    server_.Get("/busy", [](const httplib::Request&, httplib::Response& res) {
      res.status = 429;
      res.set_header("Retry-After", "7200");
    });
    server_.Get("/old", [this](const httplib::Request&, httplib::Response& res) {
      res.status = 301;
      res.set_header("Location", Url("/feed"));
    });
    server_.Get("/moved-for-now", [this](const httplib::Request&, httplib::Response& res) {
      res.status = 302;
      res.set_header("Location", Url("/feed"));
    });
    server_.Get("/teasers", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(fmt::format(R"(<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<link>{0}</link><description>d</description>
<item><title>Ferry terminal approved</title><link>{0}/article</link>
<description>The harbour authority approved a terminal. Read more</description></item>
</channel></rss>)",
                                  Url("")),
                      "application/rss+xml");
    });
    server_.Get("/article", [](const httplib::Request&, httplib::Response& res) {
      std::string body =
          "<html><head><title>Ferry terminal approved</title></head><body><nav>Home News "
          "Sport</nav><article>";
      for (int i = 0; i < 6; ++i) {
        body += fmt::format(
            "<p>Paragraph {} of the full story: the harbour authority approved the new ferry "
            "terminal on Tuesday after a long public consultation with residents.</p>",
            i);
      }
      body += "</article><footer>Copyright</footer></body></html>";
      res.set_content(body, "text/html; charset=utf-8");
    });
    server_.Get("/many", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      many_if_none_match_.push_back(req.get_header_value("If-None-Match"));
      if (req.get_header_value("If-None-Match") == "\"m1\"") {
        res.status = 304;
        return;
      }
      std::string items;
      for (int i = 0; i < kManyItems; ++i) {
        items += fmt::format(
            "<item><title>Story {0}</title><link>https://example.com/many/{0}</link>"
            "<description>Body of story {0}.</description></item>",
            i);
      }
      res.set_header("ETag", "\"m1\"");
      res.set_content(fmt::format(R"(<?xml version="1.0"?><rss version="2.0"><channel><title>M</title>
<link>https://example.com/</link><description>d</description>{}</channel></rss>)",
                                  items),
                      "application/rss+xml");
    });
    // A hostile site: teasers whose pages trickle one byte a second.
    server_.Get("/slow-teasers", [this](const httplib::Request&, httplib::Response& res) {
      std::string items;
      for (int i = 0; i < 3; ++i) {
        items += fmt::format(
            "<item><title>Slow {1}</title><link>{0}/slow-page/{1}</link>"
            "<description>Teaser {1}. Read more</description></item>",
            Url(""), i);
      }
      res.set_content(fmt::format(R"(<?xml version="1.0"?><rss version="2.0"><channel><title>S</title>
<link>{}</link><description>d</description>{}</channel></rss>)",
                                  Url(""), items),
                      "application/rss+xml");
    });
    server_.Get(R"(/slow-page/\d+)", [this](const httplib::Request&, httplib::Response& res) {
      ++slow_page_hits_;
      res.set_chunked_content_provider("text/html", [this](size_t offset, httplib::DataSink& sink) {
        if (offset >= 60 || release_.load()) {
          sink.done();
          return true;
        }
        if (offset > 0) WaitFor([this] { return release_.load(); }, seconds(1));
        return sink.write(" ", 1);
      });
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    http_thread_ = std::thread([this] { server_.listen_after_bind(); });
    ASSERT_TRUE(WaitFor([&] { return server_.is_running(); }, seconds(10)));
  }

  void TearDown() override {
    StopService();
    release_ = true;
    server_.stop();
    http_thread_.join();
  }

  std::string Url(const std::string& path) const { return fmt::format("http://127.0.0.1:{}{}", port_, path); }

  void StopService() {
    if (service_thread_.joinable()) {
      service_thread_.request_stop();
      service_thread_.join();
    }
    service_.reset();  // closes the ingest database
  }

  // The test server is on loopback: fetches reach it only because the
  // config allows 127.0.0.0/8, unless a test says otherwise.
  void Start(
      const std::vector<std::string>& feeds,
      const std::function<void(IngestConfig*)>& adjust = [](IngestConfig* c) {
        c->allow_networks = {"127.0.0.0/8"};
      }) {
    NewsflowConfig config = DefaultConfig();
    config.ingest.data_dir = dir_.Sub("ingest");
    config.ingest.articles = MakeEndpoint(articles_, true, 100);
    config.ingest.acks = MakeEndpoint(UniqueInprocEndpoint("acks"), true, 100);
    config.ingest.control = MakeEndpoint(control_, true, 100);
    config.ingest.min_interval_s = 1;
    config.ingest.api_port = 0;
    for (const auto& f : feeds) config.ingest.feeds.push_back({f, 0});
    adjust(&config.ingest);
    auto service = MakeIngestServiceWithClock(config, context_, *clock_);
    ASSERT_TRUE(service.ok()) << service.status();
    service_ = *std::move(service);
    std::atomic<bool> ready{false};
    service_thread_ = std::jthread([this, &ready](std::stop_token st) {
      status_ = service_->Run(st, [&](const EndpointMap& endpoints) {
        if (endpoints.contains("ingest.api")) api_ = endpoints.at("ingest.api");
        endpoints_ = endpoints;
        ready = true;
      });
    });
    ASSERT_TRUE(WaitFor([&] { return ready.load(); }, seconds(10)));
  }

  v1::ControlResponse Control(const v1::ControlRequest& control) {
    v1::Envelope request = NewEnvelope();
    *request.mutable_control() = control;
    auto reply = Request(context_, control_, request, seconds(5));
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? reply->control_result() : v1::ControlResponse();
  }

  v1::ControlResponse AddFeed(const std::string& url, int interval_s = 0, const std::string& token = "") {
    v1::ControlRequest request;
    request.mutable_add_feed()->set_url(url);
    request.mutable_add_feed()->set_interval_s(interval_s);
    request.set_token(token);
    return Control(request);
  }

  std::vector<v1::FeedSpec> Feeds() {
    v1::Envelope request = NewEnvelope();
    request.mutable_control()->set_list_feeds(true);
    request.mutable_control()->set_token(token_);
    auto reply = Request(context_, control_, request, seconds(5));
    if (!reply.ok()) return {};
    return {reply->control_result().feeds().begin(), reply->control_result().feeds().end()};
  }

  std::optional<v1::FeedSpec> Feed(const std::string& url) {
    for (auto& f : Feeds()) {
      if (f.url() == url) return f;
    }
    return std::nullopt;
  }

  void PollNow() {
    v1::Envelope request = NewEnvelope();
    request.mutable_control()->set_poll_now(true);
    request.mutable_control()->set_token(token_);
    ASSERT_TRUE(Request(context_, control_, request, seconds(5)).ok());
  }

  // Posts an OPML document to the feeds API and waits for its import to end;
  // returns the last progress report.
  nlohmann::json ImportOpml(httplib::Client& client, const std::string& opml) {
    auto started = client.Post("/v1/feeds.opml", opml, "text/x-opml");
    EXPECT_TRUE(started);
    if (!started) return {};
    EXPECT_EQ(started->status, 202) << started->body;
    nlohmann::json body = nlohmann::json::parse(started->body, nullptr, false);
    if (!body.is_object() || !body.contains("status")) return {};
    nlohmann::json progress;
    WaitFor(
        [&] {
          auto got = client.Get(body["status"].get<std::string>());
          if (!got || got->status != 200) return false;
          progress = nlohmann::json::parse(got->body, nullptr, false);
          return progress.is_object() && progress["done"] == true;
        },
        seconds(60));
    return progress;
  }

  // The service's clock: the real one unless a test points it at
  // fake_clock_ before Start() (the schedule and the outbox's due times then
  // move only when the test advances it).
  FakeClock fake_clock_;
  const Clock* clock_ = &Clock::Real();
  TempDir dir_;
  zmq::context_t context_{1};
  std::string articles_ = UniqueInprocEndpoint("articles");
  std::string control_ = UniqueInprocEndpoint("control");
  httplib::Server server_;
  int port_ = 0;
  std::thread http_thread_;
  std::unique_ptr<Service> service_;
  std::jthread service_thread_;
  absl::Status status_;
  std::string api_;        // http://127.0.0.1:port of the feeds API
  EndpointMap endpoints_;  // as the service reported them when ready
  std::string token_;      // sent with Feeds() and PollNow()
  std::mutex mu_;
  std::vector<std::string> if_none_match_;       // GUARDED_BY(mu_)
  std::vector<std::string> many_if_none_match_;  // GUARDED_BY(mu_)
  static constexpr int kManyItems = 30;
  std::atomic<int> slow_page_hits_{0};
  std::atomic<bool> release_{false};  // ends the slow pages
};

TEST_F(IngestServiceTest, GoneDisablesTheFeedWithItsReason) {
  ASSERT_NO_FATAL_FAILURE(Start({Url("/gone")}));
  ASSERT_TRUE(WaitFor(
      [&] {
        auto f = Feed(Url("/gone"));
        return f && !f->enabled();
      },
      seconds(20)));
  EXPECT_THAT(Feed(Url("/gone"))->disabled_reason(), ::testing::HasSubstr("410"));
}

TEST_F(IngestServiceTest, RetryAfterPostponesTheNextPoll) {
  clock_ = &fake_clock_;
  ASSERT_NO_FATAL_FAILURE(Start({Url("/busy")}));
  ASSERT_TRUE(WaitFor(
      [&] {
        auto f = Feed(Url("/busy"));
        return f && f->last_fetch_ms() > 0;
      },
      seconds(20)));
  auto f = Feed(Url("/busy"));
  EXPECT_TRUE(f->enabled());
  EXPECT_EQ(f->consecutive_failures(), 1);
  EXPECT_EQ(f->last_fetch_ms(), fake_clock_.NowMs());
  // 7200 s (more than ingest.poll.max_interval_s would allow), with the
  // scheduler's jitter of at most 20%.
  EXPECT_GE(f->next_fetch_ms() - f->last_fetch_ms(), 7200 * 1000 * 8 / 10);
  EXPECT_LE(f->next_fetch_ms() - f->last_fetch_ms(), 7200 * 1000 * 12 / 10);
}

TEST_F(IngestServiceTest, PermanentRedirectMovesTheFeed) {
  ASSERT_NO_FATAL_FAILURE(Start({Url("/old")}));
  // The move adds the new URL, then removes the old one.
  ASSERT_TRUE(
      WaitFor([&] { return Feed(Url("/feed")).has_value() && !Feed(Url("/old")).has_value(); }, seconds(20)));
  EXPECT_EQ(Feed(Url("/feed"))->articles_seen(), 1u);
}

TEST_F(IngestServiceTest, TemporaryRedirectKeepsTheFeedUrl) {
  ASSERT_NO_FATAL_FAILURE(Start({Url("/moved-for-now")}));
  ASSERT_TRUE(WaitFor(
      [&] {
        auto f = Feed(Url("/moved-for-now"));
        return f && f->last_fetch_ms() > 0;
      },
      seconds(20)));
  EXPECT_FALSE(Feed(Url("/feed")).has_value());
}

TEST_F(IngestServiceTest, ConditionalGetSendsTheStoredEtagBack) {
  ASSERT_NO_FATAL_FAILURE(Start({Url("/feed")}));
  ASSERT_TRUE(WaitFor(
      [&] {
        auto f = Feed(Url("/feed"));
        return f && f->etag() == "\"v1\"";
      },
      seconds(20)));
  PollNow();
  ASSERT_TRUE(WaitFor(
      [&] {
        std::lock_guard lock(mu_);
        return if_none_match_.size() >= 2;
      },
      seconds(20)));
  std::lock_guard lock(mu_);
  EXPECT_EQ(if_none_match_[0], "");
  EXPECT_EQ(if_none_match_[1], "\"v1\"");
}

TEST_F(IngestServiceTest, AcceptedArticlesAreSentToWorkers) {
  ASSERT_NO_FATAL_FAILURE(Start({Url("/feed")}));
  auto pull = OpenSocket(context_, zmq::socket_type::pull, MakeEndpoint(articles_, false, 100));
  ASSERT_TRUE(pull.ok());
  std::vector<zmq::pollitem_t> items{{pull->handle(), 0, ZMQ_POLLIN, 0}};
  auto ready = Poll(items, std::chrono::seconds(20));
  ASSERT_TRUE(ready.ok() && *ready == 1);
  auto frames = RecvFrames(*pull);
  ASSERT_TRUE(frames.ok() && frames->has_value());
  auto envelope = DecodeEnvelope((**frames).back().to_string());
  ASSERT_TRUE(envelope.ok());
  EXPECT_EQ(envelope->article().title(), "Harbour reopens");
  EXPECT_EQ(envelope->article().canonical_url(), "https://example.com/a");
  EXPECT_EQ(envelope->attempt(), 1u);
}

// Receives the next article the service sends to workers.
std::optional<v1::Article> NextArticle(zmq::context_t& context, const std::string& endpoint) {
  auto pull = OpenSocket(context, zmq::socket_type::pull, MakeEndpoint(endpoint, false, 100));
  if (!pull.ok()) return std::nullopt;
  std::vector<zmq::pollitem_t> items{{pull->handle(), 0, ZMQ_POLLIN, 0}};
  auto ready = Poll(items, std::chrono::seconds(20));
  if (!ready.ok() || *ready != 1) return std::nullopt;
  auto frames = RecvFrames(*pull);
  if (!frames.ok() || !frames->has_value()) return std::nullopt;
  auto envelope = DecodeEnvelope((**frames).back().to_string());
  if (!envelope.ok()) return std::nullopt;
  return envelope->article();
}

TEST_F(IngestServiceTest, TeaserItemsGetTheirPageExtracted) {
  ASSERT_NO_FATAL_FAILURE(Start({Url("/teasers")}));
  auto article = NextArticle(context_, articles_);
  ASSERT_TRUE(article.has_value());
  EXPECT_THAT(article->text(), ::testing::HasSubstr("Paragraph 5 of the full story"));
  EXPECT_THAT(article->text(), ::testing::Not(::testing::HasSubstr("Home News Sport")));
  EXPECT_EQ(article->canonical_url(), Url("/article"));
}

TEST_F(IngestServiceTest, SubmittedPageIsFetchedAndIngested) {
  ASSERT_NO_FATAL_FAILURE(Start({}));
  v1::Envelope request = NewEnvelope();
  request.mutable_control()->set_submit_url(Url("/article"));
  auto reply = Request(context_, control_, request, seconds(5));
  ASSERT_TRUE(reply.ok());
  EXPECT_TRUE(reply->control_result().ok()) << reply->control_result().error();
  auto article = NextArticle(context_, articles_);
  ASSERT_TRUE(article.has_value());
  EXPECT_EQ(article->title(), "Ferry terminal approved");
  EXPECT_THAT(article->text(), ::testing::HasSubstr("Paragraph 0 of the full story"));
  EXPECT_EQ(article->source().kind(), "page");
}

TEST_F(IngestServiceTest, SubmittingANonHttpUrlIsRejected) {
  ASSERT_NO_FATAL_FAILURE(Start({}));
  v1::Envelope request = NewEnvelope();
  request.mutable_control()->set_submit_url("file:///etc/passwd");
  auto reply = Request(context_, control_, request, seconds(5));
  ASSERT_TRUE(reply.ok());
  EXPECT_FALSE(reply->control_result().ok());
}

// The ingest database failing writes (a full disk) makes /readyz answer 503
// with the reason and counts in /metrics; /healthz stays 200 (a restart
// would not help).
TEST_F(IngestServiceTest, ReadyzReportsFailingDatabaseWrites) {
  ::newsflow::testing::SmallFilesystem disk(64 << 20);
  if (!disk.available()) GTEST_SKIP() << "mounting a small filesystem needs CAP_SYS_ADMIN";
  struct StopFirst {  // the service closes its database before the filesystem goes
    std::function<void()> stop;
    ~StopFirst() { stop(); }
  } stop_first{[this] { StopService(); }};
  const std::string drop = dir_.Sub("drop");
  ASSERT_NO_FATAL_FAILURE(Start({}, [&](IngestConfig* c) {
    c->data_dir = disk.Sub("ingest");
    c->drop_dir = drop;
    c->drop_scan_interval_ms = 100;
  }));
  httplib::Client client(api_);
  auto ready = client.Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200) << ready->body;
  disk.Fill(/*leave_bytes=*/128 << 10);
  const std::string sentence = "The harbour board approved a new crane for the container quay. ";
  std::string text;
  while (text.size() < (900 << 10)) text += sentence;
  for (int i = 0; i < 4; ++i) {
    nlohmann::json file = {{"url", fmt::format("https://harbour.example.org/news/{}", i)},
                           {"title", fmt::format("Harbour crane {}", i)},
                           {"text", text}};
    ::newsflow::testing::WriteFile(drop + "/.tmp", file.dump());
    std::filesystem::rename(drop + "/.tmp", fmt::format("{}/crane-{}.json", drop, i));
  }
  nlohmann::json body;
  ASSERT_TRUE(WaitFor(
      [&] {
        auto got = client.Get("/readyz");
        if (!got || got->status != 503) return false;
        body = nlohmann::json::parse(got->body, nullptr, false);
        return true;
      },
      seconds(20)));
  EXPECT_EQ(body["ready"], false);
  EXPECT_THAT(body["reason"].get<std::string>(), ::testing::HasSubstr("ingest database writes failing"));
  auto live = client.Get("/healthz");
  ASSERT_TRUE(live);
  EXPECT_EQ(live->status, 200);
  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  auto parsed = ::newsflow::testing::ParseExposition(metrics->body);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_GE(parsed->Value("newsflow_ingest_db_errors_total"), 1);
}

TEST_F(IngestServiceTest, HttpApiManagesTheRunningFeedList) {
  ASSERT_NO_FATAL_FAILURE(Start({}));
  ASSERT_FALSE(api_.empty());
  httplib::Client client(api_);
  auto added = client.Post("/v1/feeds", fmt::format(R"({{"url": "{}", "interval_s": 600}})", Url("/feed")),
                           "application/json");
  ASSERT_TRUE(added);
  EXPECT_EQ(added->status, 201) << added->body;
  // Applied without a restart: the new feed is polled.
  ASSERT_TRUE(WaitFor(
      [&] {
        auto f = Feed(Url("/feed"));
        return f && f->articles_seen() == 1;
      },
      seconds(20)));
  auto bad = client.Post("/v1/feeds", "{\"nourl\": 1}", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  auto opml = client.Get("/v1/feeds.opml");
  ASSERT_TRUE(opml);
  EXPECT_THAT(opml->body, ::testing::HasSubstr(Url("/feed")));
  nlohmann::json imported = ImportOpml(
      client, fmt::format(R"(<opml version="2.0"><body><outline xmlUrl="{}"/></body></opml>)", Url("/gone")));
  EXPECT_EQ(imported["added"], 1) << imported.dump();
  EXPECT_TRUE(Feed(Url("/gone")).has_value());
  auto removed = client.Delete("/v1/feeds?url=" + httplib::detail::encode_query_param(Url("/gone")));
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->status, 200) << removed->body;
  EXPECT_FALSE(Feed(Url("/gone")).has_value());
  auto missing = client.Delete("/v1/feeds?url=" + httplib::detail::encode_query_param(Url("/nothing")));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

// A stop while the outbox is full must not mark the feed as polled: the
// items not yet accepted come with the next start's poll, which therefore
// sends no validators (a 304 would lose them for good).
TEST_F(IngestServiceTest, StopWithAFullOutboxKeepsTheRestOfThePollForTheNextStart) {
  constexpr int kInFlight = 5;
  ASSERT_NO_FATAL_FAILURE(Start({Url("/many")}, [&](IngestConfig* c) {
    c->allow_networks = {"127.0.0.0/8"};
    c->max_in_flight = kInFlight;
  }));
  // No worker is connected, so the poll blocks once kInFlight items wait.
  ASSERT_TRUE(WaitFor(
      [&] {
        std::lock_guard lock(mu_);
        return !many_if_none_match_.empty();
      },
      seconds(20)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  StopService();
  ASSERT_TRUE(status_.ok()) << status_;

  ASSERT_NO_FATAL_FAILURE(Start({Url("/many")}));
  auto pull = OpenSocket(context_, zmq::socket_type::pull, MakeEndpoint(articles_, false, 1000));
  ASSERT_TRUE(pull.ok());
  std::set<std::string> titles;
  std::vector<zmq::pollitem_t> items{{pull->handle(), 0, ZMQ_POLLIN, 0}};
  auto deadline = std::chrono::steady_clock::now() + seconds(20);
  while (titles.size() < static_cast<std::size_t>(kManyItems) &&
         std::chrono::steady_clock::now() < deadline) {
    auto ready = Poll(items, std::chrono::milliseconds(200));
    ASSERT_TRUE(ready.ok());
    if (*ready == 0) continue;
    auto frames = RecvFrames(*pull);
    ASSERT_TRUE(frames.ok() && frames->has_value());
    auto envelope = DecodeEnvelope((**frames).back().to_string());
    ASSERT_TRUE(envelope.ok());
    titles.insert(envelope->article().title());
  }
  EXPECT_EQ(titles.size(), static_cast<std::size_t>(kManyItems));
  std::lock_guard lock(mu_);
  ASSERT_GE(many_if_none_match_.size(), 2u);
  EXPECT_EQ(many_if_none_match_[1], "") << "the interrupted poll's ETag was stored";
}

// A host name is resolved only when fetched: the address it resolves to is
// refused then. (An address literal is refused when the feed is added.)
TEST_F(IngestServiceTest, LoopbackFeedIsRefusedWithoutAllowNetworks) {
  const std::string url = fmt::format("http://localhost:{}/feed", port_);
  ASSERT_NO_FATAL_FAILURE(Start({url}, [](IngestConfig*) {}));
  ASSERT_TRUE(WaitFor(
      [&] {
        auto f = Feed(url);
        return f && f->consecutive_failures() > 0;
      },
      seconds(20)));
  auto f = Feed(url);
  EXPECT_THAT(f->last_error(), ::testing::HasSubstr("is not allowed (ingest.fetch.allow_networks)"));
  EXPECT_EQ(f->articles_seen(), 0u);
  std::lock_guard lock(mu_);
  EXPECT_TRUE(if_none_match_.empty());  // the server never saw a request
}

TEST_F(IngestServiceTest, TeaserLinkRedirectedToARefusedAddressIsNotFetched) {
  // The page server is reachable only through a redirect from the allowed host.
  httplib::Server internal;
  int internal_port = internal.bind_to_any_port("127.0.0.2");
  if (internal_port <= 0) GTEST_SKIP() << "cannot listen on 127.0.0.2";
  std::atomic<int> internal_hits{0};
  internal.Get(".*", [&](const httplib::Request&, httplib::Response& res) {
    ++internal_hits;
    res.set_content(
        "<html><body><article><p>internal secret internal secret internal secret</p></article></body></html>",
        "text/html");
  });
  std::thread internal_thread([&] { internal.listen_after_bind(); });
  server_.Get("/article-moved", [&](const httplib::Request&, httplib::Response& res) {
    res.set_redirect(fmt::format("http://127.0.0.2:{}/page", internal_port));
  });
  server_.Get("/redirecting-teasers", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(fmt::format(R"(<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<link>{0}</link><description>d</description>
<item><title>Ferry terminal approved</title><link>{0}/article-moved</link>
<description>The harbour authority approved a terminal. Read more</description></item>
</channel></rss>)",
                                Url("")),
                    "application/rss+xml");
  });
  ASSERT_NO_FATAL_FAILURE(
      Start({Url("/redirecting-teasers")}, [](IngestConfig* c) { c->allow_networks = {"127.0.0.1/32"}; }));
  auto article = NextArticle(context_, articles_);
  internal.stop();
  internal_thread.join();
  ASSERT_TRUE(article.has_value());
  EXPECT_THAT(article->text(), ::testing::Not(::testing::HasSubstr("internal secret")));
  EXPECT_THAT(article->text(), ::testing::HasSubstr("approved a terminal"));  // the feed's own text
  EXPECT_EQ(internal_hits.load(), 0);
}

TEST_F(IngestServiceTest, AddFeedRefusesJunkAndLocalFiles) {
  ASSERT_NO_FATAL_FAILURE(Start({}));
  for (const char* url : {"not a url", "file:///etc/passwd", "/etc/passwd", "ftp://example.com/rss",
                          "http://", "example.com/rss", "/dev/zero", "gopher://127.0.0.1/"}) {
    v1::ControlResponse r = AddFeed(url);
    EXPECT_FALSE(r.ok()) << url;
    EXPECT_THAT(r.error(), ::testing::HasSubstr("feed refused")) << url;
  }
  EXPECT_TRUE(Feeds().empty());
  v1::ControlRequest page;
  page.set_submit_url("file:///etc/passwd");
  EXPECT_FALSE(Control(page).ok());
  page.set_submit_url("/etc/passwd");
  EXPECT_FALSE(Control(page).ok());
}

TEST_F(IngestServiceTest, LocalFeedsOnlyFromTheOptInFolder) {
  std::filesystem::create_directories(dir_.Sub("feeds"));
  ::newsflow::testing::WriteFile(dir_.Sub("feeds/local.xml"), kFeed);
  ::newsflow::testing::WriteFile(dir_.Sub("outside.xml"), kFeed);
  ASSERT_NO_FATAL_FAILURE(
      Start({}, [&](IngestConfig* c) { c->file_feeds_allowed_under = dir_.Sub("feeds"); }));
  EXPECT_TRUE(AddFeed(dir_.Sub("feeds/local.xml")).ok());
  v1::ControlResponse outside = AddFeed(dir_.Sub("outside.xml"));
  EXPECT_FALSE(outside.ok());
  EXPECT_THAT(outside.error(), ::testing::HasSubstr("file_feeds_allowed_under"));
  // The same answer for a path that does not exist: nothing is revealed.
  v1::ControlResponse missing = AddFeed(dir_.Sub("absent.xml"));
  EXPECT_EQ(missing.error(), outside.error().substr(0, outside.error().find(dir_.Sub(""))) +
                                 dir_.Sub("absent.xml") +
                                 " is not inside ingest.fetch.file_feeds_allowed_under");
  ASSERT_TRUE(WaitFor(
      [&] {
        auto f = Feed(dir_.Sub("feeds/local.xml"));
        return f && f->articles_seen() == 1;
      },
      seconds(20)));
}

TEST_F(IngestServiceTest, ControlSocketRequiresTheApiTokenWhenSet) {
  ASSERT_NO_FATAL_FAILURE(Start({}, [](IngestConfig* c) {
    c->allow_networks = {"127.0.0.0/8"};
    c->api_token = "s3cret";
  }));
  v1::ControlResponse anonymous = AddFeed(Url("/feed"));
  EXPECT_FALSE(anonymous.ok());
  EXPECT_THAT(anonymous.error(), ::testing::HasSubstr("unauthorised"));
  EXPECT_FALSE(AddFeed(Url("/feed"), 0, "wrong").ok());
  EXPECT_FALSE(AddFeed(Url("/feed"), 0, "s3cre").ok());
  v1::ControlRequest list;
  list.set_list_feeds(true);
  EXPECT_FALSE(Control(list).ok());  // the HTTP API leaves no read-only route open either
  EXPECT_TRUE(AddFeed(Url("/feed"), 0, "s3cret").ok());
  list.set_token("s3cret");
  v1::ControlResponse listed = Control(list);
  ASSERT_TRUE(listed.ok()) << listed.error();
  ASSERT_EQ(listed.feeds_size(), 1);
  EXPECT_EQ(listed.feeds(0).url(), Url("/feed"));
}

TEST_F(IngestServiceTest, IntervalIsBoundedAndReAddingKeepsFetchState) {
  ASSERT_NO_FATAL_FAILURE(Start({}));
  httplib::Client client(api_);
  auto added =
      client.Post("/v1/feeds", fmt::format(R"({{"url": "{}", "interval_s": 3000000000}})", Url("/feed")),
                  "application/json");
  ASSERT_TRUE(added);
  EXPECT_EQ(added->status, 201) << added->body;
  ASSERT_TRUE(WaitFor(
      [&] {
        auto f = Feed(Url("/feed"));
        return f && f->etag() == "\"v1\"";
      },
      seconds(20)));
  v1::FeedSpec before = *Feed(Url("/feed"));
  EXPECT_EQ(before.interval_s(), 86400);  // ingest.poll.max_interval_s, not a negative number
  EXPECT_EQ(before.articles_seen(), 1u);
  // Re-adding updates the settings and keeps what fetching learned.
  ASSERT_TRUE(AddFeed(Url("/feed"), 600).ok());
  v1::FeedSpec after = *Feed(Url("/feed"));
  EXPECT_EQ(after.interval_s(), 600);
  EXPECT_EQ(after.etag(), before.etag());
  EXPECT_EQ(after.last_fetch_ms(), before.last_fetch_ms());
  EXPECT_EQ(after.next_fetch_ms(), before.next_fetch_ms());
  EXPECT_EQ(after.articles_seen(), 1u);
  v1::ControlResponse negative = AddFeed(Url("/feed"), -5);
  EXPECT_FALSE(negative.ok());
  auto junk = client.Post("/v1/feeds", R"({"url": "not a url"})", "application/json");
  ASSERT_TRUE(junk);
  EXPECT_EQ(junk->status, 400);
  EXPECT_THAT(junk->body, ::testing::HasSubstr("not an http:// or https:// URL"));
  nlohmann::json opml =
      ImportOpml(client, R"(<opml version="2.0"><body><outline xmlUrl="file:///etc/passwd"/></body></opml>)");
  EXPECT_EQ(opml["refused"], 1) << opml.dump();
  ASSERT_EQ(opml["refusals"].size(), 1u);
  EXPECT_EQ(opml["refusals"][0]["url"], "file:///etc/passwd");
  EXPECT_FALSE(Feed("file:///etc/passwd").has_value());
}

}  // namespace
}  // namespace newsflow::ingest

namespace newsflow::ingest {
namespace {

// A feed whose pages take far longer than the HTTP timeout holds a fetch
// thread only for the poll budget: an unrelated feed added meanwhile is
// polled within a few seconds even with a single fetch thread.
TEST_F(IngestServiceTest, SlowPagesDoNotStallAnUnrelatedFeed) {
  ASSERT_NO_FATAL_FAILURE(Start({Url("/slow-teasers")}, [](IngestConfig* c) {
    c->allow_networks = {"127.0.0.0/8"};
    c->fetch_threads = 1;
    c->per_host_concurrency = 4;
    c->poll_budget_ms = 2000;
  }));
  ASSERT_TRUE(WaitFor([&] { return slow_page_hits_.load() > 0; }, seconds(10)));
  auto added_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(AddFeed(Url("/feed")).ok());
  ASSERT_TRUE(WaitFor(
      [&] {
        auto f = Feed(Url("/feed"));
        return f && f->last_fetch_ms() > 0;
      },
      seconds(15)));
  EXPECT_LT(std::chrono::steady_clock::now() - added_at, seconds(5));
  // The slow feed's poll ended at its budget: its items kept the feed text.
  auto slow = Feed(Url("/slow-teasers"));
  ASSERT_TRUE(slow.has_value());
  EXPECT_GT(slow->last_fetch_ms(), 0);
  EXPECT_EQ(slow->articles_seen(), 3u);
  EXPECT_EQ(slow->consecutive_failures(), 0);
}

// A stop aborts the page transfer in progress: the service returns at once
// and the feed, not marked polled, stays due for the next start.
TEST_F(IngestServiceTest, StopAbortsAPageFetchInProgress) {
  ASSERT_NO_FATAL_FAILURE(Start({Url("/slow-teasers")}));
  ASSERT_TRUE(WaitFor([&] { return slow_page_hits_.load() > 0; }, seconds(10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // mid-trickle
  auto stop_at = std::chrono::steady_clock::now();
  StopService();
  EXPECT_LT(std::chrono::steady_clock::now() - stop_at, seconds(2));
  ASSERT_TRUE(status_.ok()) << status_;
  auto db = IngestDb::Open(dir_.Sub("ingest"), false);
  ASSERT_TRUE(db.ok()) << db.status();
  auto feed = (*db)->GetFeed(Url("/slow-teasers"));
  ASSERT_TRUE(feed.ok() && feed->has_value());
  EXPECT_EQ((*feed)->last_fetch_ms(), 0);
  EXPECT_EQ((*feed)->consecutive_failures(), 0);
}

// A large OPML import answers at once and runs in the background; its
// progress can be read while it runs, and polling goes on meanwhile.
TEST_F(IngestServiceTest, LargeOpmlImportRunsInTheBackgroundWithProgress) {
  ASSERT_NO_FATAL_FAILURE(Start({}, [](IngestConfig* c) {
    c->allow_networks = {"127.0.0.0/8"};
    c->sync_writes = false;
  }));
  constexpr int kOutlines = 50000;
  std::string opml = R"(<opml version="2.0"><body>)";
  // Far-away hosts on a closed port: none of them is fetched quickly, and
  // none of them is this test's server.
  for (int i = 0; i < kOutlines; ++i) opml += fmt::format(R"(<outline xmlUrl="http://127.0.0.2:9/{}"/>)", i);
  opml += "<outline xmlUrl=\"ftp://refused.example/\"/></body></opml>";
  httplib::Client client(api_);
  auto posted_at = std::chrono::steady_clock::now();
  auto started = client.Post("/v1/feeds.opml", opml, "text/x-opml");
  ASSERT_TRUE(started);
  EXPECT_EQ(started->status, 202) << started->body;
  EXPECT_LT(std::chrono::steady_clock::now() - posted_at, seconds(2));
  // One import at a time.
  auto second = client.Post("/v1/feeds.opml", opml, "text/x-opml");
  ASSERT_TRUE(second);
  nlohmann::json body = nlohmann::json::parse(started->body);
  nlohmann::json progress;
  ASSERT_TRUE(WaitFor(
      [&] {
        auto got = client.Get(body["status"].get<std::string>());
        if (!got || got->status != 200) return false;
        progress = nlohmann::json::parse(got->body);
        return progress["done"] == true;
      },
      seconds(120)));
  EXPECT_TRUE(second->status == 409 || second->status == 202) << second->body;
  EXPECT_EQ(progress["total"], kOutlines + 1);
  EXPECT_EQ(progress["added"], kOutlines);
  EXPECT_EQ(progress["refused"], 1);
  EXPECT_EQ(progress["error"], "");
  // An unrelated feed is still polled at once.
  ASSERT_TRUE(AddFeed(Url("/feed")).ok());
  EXPECT_TRUE(WaitFor(
      [&] {
        auto f = Feed(Url("/feed"));
        return f && f->last_fetch_ms() > 0;
      },
      seconds(10)));
  auto unknown = client.Get("/v1/imports/nothing");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
}

TEST_F(IngestServiceTest, OpmlImportOverTheOutlineCapIsRefused) {
  ASSERT_NO_FATAL_FAILURE(Start({}, [](IngestConfig* c) {
    c->allow_networks = {"127.0.0.0/8"};
    c->max_import_outlines = 3;
  }));
  httplib::Client client(api_);
  std::string opml = R"(<opml version="2.0"><body>)";
  for (int i = 0; i < 4; ++i) opml += fmt::format(R"(<outline xmlUrl="http://a.example/{}"/>)", i);
  opml += "</body></opml>";
  nlohmann::json progress = ImportOpml(client, opml);
  EXPECT_THAT(progress["error"].get<std::string>(), ::testing::HasSubstr("max_import_outlines"));
  EXPECT_EQ(progress["added"], 0);
  EXPECT_TRUE(Feeds().empty());
}

// A worker that goes away (killed, or hung and cut off by heartbeats) takes
// what was queued to it along: ingest resends its unacked articles after a
// short grace (2 s), not after the whole ack timeout. On a fake clock: the
// article waits while time stands still and goes out once the grace has
// passed, long before the ack timeout.
TEST_F(IngestServiceTest, ArticlesHeldByAVanishedWorkerAreResentSoon) {
  clock_ = &fake_clock_;
  ASSERT_NO_FATAL_FAILURE(Start({Url("/feed")}, [](IngestConfig* c) {
    c->allow_networks = {"127.0.0.0/8"};
    c->articles = MakeEndpoint("tcp://127.0.0.1:*", true, 100);
    c->ack_timeout_ms = 120000;
  }));
  const std::string articles = endpoints_.at("ingest.articles");
  ASSERT_EQ(articles.rfind("tcp://", 0), 0u) << articles;
  auto receive = [](zmq::socket_t& socket, std::chrono::milliseconds timeout) -> std::optional<v1::Article> {
    std::vector<zmq::pollitem_t> items{{socket.handle(), 0, ZMQ_POLLIN, 0}};
    auto ready = Poll(items, timeout);
    if (!ready.ok() || *ready != 1) return std::nullopt;
    auto frames = RecvFrames(socket);
    if (!frames.ok() || !frames->has_value()) return std::nullopt;
    auto envelope = DecodeEnvelope((**frames).back().to_string());
    if (!envelope.ok()) return std::nullopt;
    return envelope->article();
  };
  auto first = OpenSocket(context_, zmq::socket_type::pull, MakeEndpoint(articles, false, 100));
  ASSERT_TRUE(first.ok());
  auto got = receive(*first, seconds(20));
  ASSERT_TRUE(got.has_value());
  auto second = OpenSocket(context_, zmq::socket_type::pull, MakeEndpoint(articles, false, 100));
  ASSERT_TRUE(second.ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // connected
  first->set(zmq::sockopt::linger, 0);
  first->close();  // the first worker dies without acking
  httplib::Client client(api_);
  ASSERT_TRUE(WaitFor(
      [&] {
        auto metrics = client.Get("/metrics");
        if (!metrics || metrics->status != 200) return false;
        auto parsed = ::newsflow::testing::ParseExposition(metrics->body);
        return parsed.ok() && parsed->Value("newsflow_ingest_worker_disconnects_total") >= 1;
      },
      seconds(15)));
  EXPECT_FALSE(receive(*second, std::chrono::milliseconds(500)).has_value()) << "resent before the grace";
  fake_clock_.Advance(std::chrono::milliseconds(2100));
  auto resent = receive(*second, seconds(15));
  ASSERT_TRUE(resent.has_value()) << "not resent 2.1 s after the worker left (ack timeout 120 s)";
  EXPECT_EQ(resent->id(), got->id());
}

}  // namespace
}  // namespace newsflow::ingest

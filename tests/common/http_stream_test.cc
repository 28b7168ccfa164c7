// Long-lived streamed answers of HttpServer (HttpResponse::Stream), over
// real loopback sockets.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "common/transport/http_server.h"
#include "tests/testing/sse_client.h"
#include "tests/testing/test_util.h"

namespace newsflow {
namespace {

using ::newsflow::testing::IsOk;
using ::newsflow::testing::SseClient;
using Clock = std::chrono::steady_clock;

// Produces "id: N" events 1..limit on demand, `page` per OnDrained call,
// then ends: a pull source like a replay read page by page.
class CountingStream : public HttpStream {
 public:
  CountingStream(int limit, int page) : limit_(limit), page_(page) {}
  int pulls() const { return pulls_.load(); }

 protected:
  void OnDrained() override {
    pulls_.fetch_add(1);
    for (int i = 0; i < page_ && next_ <= limit_; ++i, ++next_) {
      Write("id: " + std::to_string(next_) + "\ndata: n\n\n");
    }
    if (next_ > limit_) Close();
  }

 private:
  const int limit_;
  const int page_;
  int next_ = 1;  // OnDrained runs on one connection's thread at a time
  std::atomic<int> pulls_{0};
};

class HttpStreamTest : public ::testing::Test {
 protected:
  void Start(HttpServerOptions options = {}) {
    options.address = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<HttpServer>(std::move(options));
    server_->Route("GET", "/healthz", [](const HttpRequest&) {
      return HttpResponse::Json(200, {{"status", "ok"}});
    });
    // Each request opens a stream that the test writes to.
    server_->Route("GET", "/events", [this](const HttpRequest&) {
      auto stream = std::make_shared<HttpStream>();
      stream->Write("retry: 1000\n\n");
      std::lock_guard lock(mu_);
      streams_.push_back(stream);
      return HttpResponse::Stream(stream);
    });
    server_->Route("GET", "/count", [](const HttpRequest& req) {
      return HttpResponse::Stream(std::make_shared<CountingStream>(std::stoi(req.Param("n")), 10));
    });
    ASSERT_THAT(server_->Start(), IsOk());
    port_ = server_->port();
  }
  std::vector<std::shared_ptr<HttpStream>> Streams() {
    std::lock_guard lock(mu_);
    return streams_;
  }
  // Waits until `n` streams were opened by /events.
  bool WaitStreams(std::size_t n) {
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (Clock::now() < deadline) {
      if (Streams().size() >= n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }

  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
  std::mutex mu_;
  std::vector<std::shared_ptr<HttpStream>> streams_;
};

TEST_F(HttpStreamTest, SendsWhatIsWrittenAsItIsWrittenThenEndsOnClose) {
  ASSERT_NO_FATAL_FAILURE(Start());
  SseClient client;
  ASSERT_EQ(client.Open(port_, "/events"), 200);
  EXPECT_THAT(client.head(), ::testing::HasSubstr("Content-Type: text/event-stream"));
  EXPECT_THAT(client.head(), ::testing::HasSubstr("Cache-Control: no-cache"));
  ASSERT_TRUE(WaitStreams(1));
  auto stream = Streams()[0];
  // Nothing written: nothing arrives (the connection is suspended, not closed).
  EXPECT_FALSE(client.Next(200));
  EXPECT_FALSE(client.closed());
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(stream->Write("id: " + std::to_string(i) + "\nevent: e\ndata: {\"n\":" + std::to_string(i) +
                              "}\n\n"));
    auto e = client.Next();
    ASSERT_TRUE(e) << "event " << i;
    EXPECT_EQ(e->id, std::to_string(i));
    EXPECT_EQ(e->event, "e");
    EXPECT_EQ(e->data, "{\"n\":" + std::to_string(i) + "}");
  }
  EXPECT_EQ(server_->streams_open(), 1u);
  stream->Close();
  EXPECT_TRUE(client.WaitClosed(5000));
  EXPECT_FALSE(stream->Write("data: late\n\n"));
}

TEST_F(HttpStreamTest, OnDrainedPullsPagesAsTheClientReads) {
  ASSERT_NO_FATAL_FAILURE(Start());
  SseClient client;
  ASSERT_EQ(client.Open(port_, "/count?n=95"), 200);
  for (int i = 1; i <= 95; ++i) {
    auto e = client.Next();
    ASSERT_TRUE(e) << i;
    ASSERT_EQ(e->id, std::to_string(i));
  }
  EXPECT_TRUE(client.WaitClosed(5000));
}

TEST_F(HttpStreamTest, DrainedStreamGivesBackTheBufferOfABurst) {
  // An idle stream must not keep the buffer its largest burst grew: with
  // hundreds of streams that is hundreds of times the queue limit.
  ASSERT_NO_FATAL_FAILURE(Start());
  SseClient client;
  ASSERT_EQ(client.Open(port_, "/events"), 200);
  ASSERT_TRUE(WaitStreams(1));
  auto stream = Streams()[0];
  const std::string payload(300 << 10, 'x');
  ASSERT_TRUE(stream->Write("id: 1\ndata: " + payload + "\n\n"));
  auto e = client.Next();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->data.size(), payload.size());
  // The event arrived whole, so the server's read drained the queue.
  EXPECT_LE(stream->TEST_queue_capacity(), HttpStream::kKeptQueueCapacity);
  // Small writes still go through the kept buffer as before.
  ASSERT_TRUE(stream->Write("id: 2\ndata: small\n\n"));
  auto small = client.Next();
  ASSERT_TRUE(small);
  EXPECT_EQ(small->id, "2");
}

TEST_F(HttpStreamTest, HundredsOfIdleStreamsLeaveOtherRequestsFast) {
  // Two event-loop threads: a thread held per open stream would starve
  // /healthz at once.
  ASSERT_NO_FATAL_FAILURE(Start({.threads = 2, .max_connections = 1024}));
  constexpr int kStreams = 300;
  std::vector<SseClient> clients(kStreams);
  for (auto& c : clients) ASSERT_EQ(c.Open(port_, "/events"), 200);
  ASSERT_TRUE(WaitStreams(kStreams));
  EXPECT_EQ(server_->streams_open(), static_cast<uint64_t>(kStreams));

  httplib::Client http("127.0.0.1", port_);
  http.set_read_timeout(5);
  double worst_ms = 0;
  for (int i = 0; i < 50; ++i) {
    const auto start = Clock::now();
    auto res = http.Get("/healthz");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    worst_ms = std::max(worst_ms, std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  EXPECT_LT(worst_ms, 250.0);

  // Every stream is still live: one write each reaches its client.
  auto streams = Streams();
  for (std::size_t i = 0; i < streams.size(); ++i) {
    ASSERT_TRUE(streams[i]->Write("id: " + std::to_string(i) + "\ndata: x\n\n"));
  }
  for (std::size_t i = 0; i < clients.size(); ++i) {
    auto e = clients[i].Next();
    ASSERT_TRUE(e) << i;
    EXPECT_EQ(e->id, std::to_string(i));
  }
}

TEST_F(HttpStreamTest, StopEndsEveryStreamPromptly) {
  ASSERT_NO_FATAL_FAILURE(Start({.threads = 2}));
  std::vector<SseClient> clients(20);
  for (auto& c : clients) ASSERT_EQ(c.Open(port_, "/events"), 200);
  ASSERT_TRUE(WaitStreams(20));
  const auto start = Clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 2.0);
  for (auto& c : clients) EXPECT_TRUE(c.WaitClosed(2000));
  for (const auto& s : Streams()) EXPECT_FALSE(s->Write("data: after stop\n\n"));
}

TEST_F(HttpStreamTest, ClientThatDoesNotReadIsDroppedNotBuffered) {
  constexpr std::size_t kLimit = 64 << 10;
  ASSERT_NO_FATAL_FAILURE(Start({.stream_max_queued_bytes = kLimit}));
  SseClient slow;
  ASSERT_EQ(slow.Open(port_, "/events", "", 5000, /*receive_buffer=*/4096), 200);
  SseClient fast;
  ASSERT_EQ(fast.Open(port_, "/events"), 200);
  ASSERT_TRUE(WaitStreams(2));
  auto streams = Streams();
  const std::string chunk = "data: " + std::string(1000, 'x') + "\n\n";
  // The slow client never reads: its socket buffers fill, then its queue;
  // the write that would pass the limit drops it. Bounded: 64 MB at most.
  std::size_t written = 0;
  bool dropped = false;
  for (int i = 0; i < 64 << 10 && !dropped; ++i) {
    if (streams[0]->Write(chunk)) {
      written += chunk.size();
    } else {
      dropped = true;
    }
    if (i % 64 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));  // let MHD send
  }
  ASSERT_TRUE(dropped);
  EXPECT_EQ(server_->streams_dropped(), 1u);
  EXPECT_TRUE(streams[0]->done());
  // Far less than what the loop may write: kernel buffers plus the queue.
  EXPECT_LT(written, 16u << 20);
  // The connection is cut now, not at the idle timeout.
  EXPECT_TRUE(slow.WaitClosed(5000));
  EXPECT_LT(slow.body_bytes(), written);
  // The other stream is unaffected.
  ASSERT_TRUE(streams[1]->Write("id: 7\ndata: ok\n\n"));
  auto e = fast.Next();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->id, "7");
}

TEST_F(HttpStreamTest, KeepAliveKeepsAQuietStreamOpenPastTheIdleTimeout) {
  ASSERT_NO_FATAL_FAILURE(Start({.idle_timeout_s = 1, .stream_keepalive_s = 1}));
  SseClient client;
  ASSERT_EQ(client.Open(port_, "/events"), 200);
  ASSERT_TRUE(WaitStreams(1));
  // Three pings over ~3 s, three idle timeouts: still open.
  EXPECT_TRUE(client.WaitComments(3, 6000));
  EXPECT_FALSE(client.closed());
  ASSERT_TRUE(Streams()[0]->Write("id: 1\ndata: still here\n\n"));
  auto e = client.Next();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->data, "still here");
  // A plain keep-alive connection with nothing to do still times out.
  SseClient idle;
  ASSERT_EQ(idle.Open(port_, "/healthz"), 200);
  EXPECT_TRUE(idle.WaitClosed(4000));
}

TEST_F(HttpStreamTest, ClientThatLeavesIsForgottenAtTheNextPing) {
  ASSERT_NO_FATAL_FAILURE(Start({.stream_keepalive_s = 1}));
  {
    SseClient client;
    ASSERT_EQ(client.Open(port_, "/events"), 200);
    ASSERT_TRUE(WaitStreams(1));
  }
  const auto deadline = Clock::now() + std::chrono::seconds(6);
  while (server_->streams_open() > 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(server_->streams_open(), 0u);
  EXPECT_TRUE(Streams()[0]->done());
}

TEST_F(HttpStreamTest, StreamsPastMaxStreamsAreRefusedAndLeaveConnectionsForTheApi) {
  HttpServerOptions options;
  options.max_streams = 2;
  options.stream_keepalive_s = 1;  // notices a client that left within a second
  ASSERT_NO_FATAL_FAILURE(Start(options));
  SseClient first, second;
  ASSERT_EQ(first.Open(port_, "/events"), 200);
  ASSERT_EQ(second.Open(port_, "/events"), 200);
  ASSERT_TRUE(WaitStreams(2));
  EXPECT_EQ(server_->streams_open(), 2u);

  httplib::Client http("127.0.0.1", port_);
  auto refused = http.Get("/events");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  EXPECT_FALSE(refused->get_header_value("Retry-After").empty());
  EXPECT_FALSE(nlohmann::json::parse(refused->body)["error"].get<std::string>().empty());
  // The stream the handler made for it is closed, so its source lets go.
  ASSERT_TRUE(WaitStreams(3));
  EXPECT_TRUE(Streams()[2]->done());
  EXPECT_FALSE(Streams()[2]->Write("data: x\n\n"));
  EXPECT_EQ(server_->streams_open(), 2u);
  // The API still answers.
  auto health = http.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);

  // One leaves: a new stream fits again.
  first.Disconnect();
  const auto deadline = Clock::now() + std::chrono::seconds(6);
  while (server_->streams_open() > 1 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(server_->streams_open(), 1u);
  SseClient third;
  ASSERT_EQ(third.Open(port_, "/events"), 200);
  ASSERT_TRUE(WaitStreams(4));
  ASSERT_TRUE(Streams()[3]->Write("id: 7\ndata: n\n\n"));
  auto e = third.Next();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->id, "7");
  EXPECT_EQ(server_->streams_open(), 2u);
}

TEST_F(HttpStreamTest, AccessTokenParameterOnlyOnItsPaths) {
  HttpServerOptions options;
  options.token = "s3cret";
  options.query_token_paths = {"/events"};
  ASSERT_NO_FATAL_FAILURE(Start(options));
  SseClient client;
  EXPECT_EQ(client.Open(port_, "/events"), 401);
  EXPECT_EQ(client.Open(port_, "/events?access_token=wrong"), 401);
  EXPECT_EQ(client.Open(port_, "/events?access_token=s3cret"), 200);
  EXPECT_EQ(client.Open(port_, "/events", "Authorization: Bearer s3cret\r\n"), 200);
  // Not accepted on other paths.
  httplib::Client http("127.0.0.1", port_);
  auto res = http.Get("/count?n=1&access_token=s3cret");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
}

}  // namespace
}  // namespace newsflow

// GET /v1/stream: a real ArticleStore in a temp dir, the EventHub fed the
// way the writer feeds it (Upsert, then Publish), and real HTTP over
// loopback. StoreServiceStreamTest runs it inside the store service.
#include "services/store/event_stream.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "common/util/article_json.h"
#include "services/store/http_api.h"
#include "tests/services/store/store_test_fixture.h"
#include "tests/testing/exposition.h"
#include "tests/testing/sse_client.h"
#include "tests/testing/test_util.h"

namespace newsflow::store {
namespace {

using ::newsflow::testing::IsOk;
using ::newsflow::testing::MakeArticle;
using ::newsflow::testing::SseClient;
using ::newsflow::testing::SseEvent;
using ::newsflow::testing::TempDir;
using ::testing::HasSubstr;

class EventStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = ArticleStore::Open({.path = dir_.Sub("db"), .sync_writes = false});
    ASSERT_THAT(opened, IsOk());
    store_ = *std::move(opened);
    hub_ = std::make_unique<EventHub>(*store_);
  }
  void TearDown() override {
    if (server_) server_->Stop();
    hub_.reset();
  }
  void Start(HttpServerOptions options = {}) {
    options.address = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<HttpServer>(options);
    registry_ = std::make_shared<metrics::Registry>();
    InstallHttpApi(*server_, *store_, {}, nullptr, nullptr, nullptr, nullptr, registry_, hub_.get());
    ASSERT_THAT(server_->Start(), IsOk());
    port_ = server_->port();
  }
  // Stores `batch` and hands it to the hub, as the store's writer does.
  std::vector<uint64_t> Store(std::vector<v1::Article> batch) {
    auto results = store_->Upsert(batch);
    EXPECT_THAT(results, IsOk());
    std::vector<uint64_t> seqs;
    std::vector<v1::Article> stored;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if ((*results)[i].duplicate) continue;
      seqs.push_back(batch[i].sequence());
      stored.push_back(batch[i]);
    }
    hub_->Publish(std::move(stored));
    return seqs;
  }
  // One article per call, numbered titles; `lang` and `tag` as given.
  v1::Article Article(const std::string& lang = "en", const std::string& tag = "Weather",
                      const std::string& source = "src-test") {
    const int n = next_++;
    v1::Article a = MakeArticle("article " + std::to_string(n), "Title " + std::to_string(n),
                                "Body of article " + std::to_string(n) + ".", tag);
    a.mutable_enrichment()->set_language(lang);
    a.mutable_source()->set_id(source);
    return a;
  }
  // Reads `n` events; fails the test on a missing one.
  std::vector<SseEvent> Read(SseClient& client, int n) {
    std::vector<SseEvent> out;
    for (int i = 0; i < n; ++i) {
      auto e = client.Next(5000);
      EXPECT_TRUE(e) << "event " << i + 1 << " of " << n;
      if (!e) break;
      out.push_back(*e);
    }
    return out;
  }
  static std::vector<uint64_t> Ids(const std::vector<SseEvent>& events) {
    std::vector<uint64_t> ids;
    ids.reserve(events.size());
    for (const auto& e : events) ids.push_back(std::stoull(e.id));
    return ids;
  }

  TempDir dir_;
  std::unique_ptr<ArticleStore> store_;
  std::unique_ptr<EventHub> hub_;
  std::unique_ptr<HttpServer> server_;
  std::shared_ptr<metrics::Registry> registry_;
  int port_ = 0;
  int next_ = 1;
};

TEST_F(EventStreamTest, StoredArticlesAppearOnAnOpenStream) {
  Store({Article(), Article()});  // before the stream: not sent
  ASSERT_NO_FATAL_FAILURE(Start());
  SseClient client;
  ASSERT_EQ(client.Open(port_, "/v1/stream"), 200);
  EXPECT_THAT(client.head(), HasSubstr("text/event-stream"));
  EXPECT_FALSE(client.Next(300));

  v1::Article a = Article("en", "Climate Change");
  std::vector<uint64_t> seqs = Store({a});
  auto stored = store_->Get(a.id());
  ASSERT_THAT(stored, IsOk());
  auto e = client.Next();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->event, "article");
  EXPECT_EQ(e->id, std::to_string(seqs[0]));
  nlohmann::json data = nlohmann::json::parse(e->data);
  EXPECT_EQ(data["id"], a.id());
  EXPECT_EQ(data["title"], a.title());
  EXPECT_EQ(data["url"], a.url());
  EXPECT_EQ(data["lang"], "en");
  EXPECT_EQ(data["source"]["id"], "src-test");
  EXPECT_EQ(data["cluster_id"], stored->cluster_id());
  EXPECT_FALSE(stored->cluster_id().empty());
  EXPECT_EQ(data["sequence"], seqs[0]);
  EXPECT_EQ(data["tags"][0]["name"], "Climate Change");
  EXPECT_FALSE(data.contains("text"));  // list items carry no body
  EXPECT_EQ(data, ArticleToJson(*stored, false));

  // A burst arrives whole and in order.
  std::vector<v1::Article> burst;
  burst.reserve(40);
  for (int i = 0; i < 40; ++i) burst.push_back(Article());
  std::vector<uint64_t> burst_seqs = Store(burst);
  EXPECT_EQ(Ids(Read(client, 40)), burst_seqs);
  EXPECT_GE(hub_->events_sent(), 41u);
}

TEST_F(EventStreamTest, ReconnectWithLastEventIdGetsExactlyTheMissedOnes) {
  ASSERT_NO_FATAL_FAILURE(Start());
  SseClient client;
  ASSERT_EQ(client.Open(port_, "/v1/stream"), 200);
  std::vector<uint64_t> first = Store({Article(), Article(), Article()});
  std::vector<SseEvent> seen = Read(client, 3);
  ASSERT_EQ(Ids(seen), first);
  client.Disconnect();

  // Missed while away: 5 new articles and a new version of one already seen.
  std::vector<uint64_t> missed = Store({Article(), Article(), Article(), Article(), Article()});
  v1::Article changed = *store_->Get(nlohmann::json::parse(seen[1].data)["id"].get<std::string>());
  changed.set_title("Title changed");
  changed.set_version("v2");
  missed.push_back(Store({changed})[0]);

  ASSERT_EQ(client.Open(port_, "/v1/stream", "Last-Event-ID: " + seen.back().id + "\r\n"), 200);
  std::vector<SseEvent> replayed = Read(client, 6);
  EXPECT_EQ(Ids(replayed), missed);
  EXPECT_EQ(nlohmann::json::parse(replayed.back().data)["title"], "Title changed");
  // Then live, without repeating any of them.
  std::vector<uint64_t> live = Store({Article()});
  auto next = client.Next();
  ASSERT_TRUE(next);
  EXPECT_EQ(std::stoull(next->id), live[0]);
  EXPECT_FALSE(client.Next(300));

  // ?since= does the same for clients that cannot set the header.
  SseClient curl;
  ASSERT_EQ(curl.Open(port_, "/v1/stream?since=" + std::to_string(first[0])), 200);
  std::vector<uint64_t> want(first.begin() + 1, first.end());
  want.erase(std::remove(want.begin(), want.end(), first[1]), want.end());  // superseded by `changed`
  want.insert(want.end(), missed.begin(), missed.end());
  want.push_back(live[0]);
  EXPECT_EQ(Ids(Read(curl, static_cast<int>(want.size()))), want);
}

TEST_F(EventStreamTest, ReplayMeetsLiveWithoutGapOrDuplicateUnderConcurrentWrites) {
  // Streams open at staggered points of a log far longer than one replay
  // page while articles keep coming: each gets every later sequence exactly
  // once, in order, across its switch from replay to live.
  for (int round = 0; round < 4; ++round) {
    std::vector<v1::Article> batch;
    batch.reserve(200);
    for (int i = 0; i < 200; ++i) batch.push_back(Article());
    Store(batch);
  }
  ASSERT_NO_FATAL_FAILURE(Start());
  std::thread writer([&] {
    for (int i = 0; i < 400; ++i) Store({Article()});
  });
  std::vector<SseClient> clients(8);
  std::vector<uint64_t> starts;
  for (std::size_t c = 0; c < clients.size(); ++c) {
    starts.push_back(c * 97);
    ASSERT_EQ(clients[c].Open(port_, "/v1/stream?since=" + std::to_string(starts[c])), 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  writer.join();
  const uint64_t last = store_->LastSequence();
  ASSERT_EQ(last, 1200u);
  for (std::size_t c = 0; c < clients.size(); ++c) {
    std::vector<uint64_t> ids;
    while (ids.empty() || ids.back() < last) {
      auto e = clients[c].Next(5000);
      ASSERT_TRUE(e) << "client " << c << " after " << (ids.empty() ? starts[c] : ids.back());
      ids.push_back(std::stoull(e->id));
    }
    ASSERT_EQ(ids.size(), last - starts[c]) << "client " << c;
    for (std::size_t i = 0; i < ids.size(); ++i) ASSERT_EQ(ids[i], starts[c] + i + 1) << "client " << c;
    EXPECT_FALSE(clients[c].Next(100));
  }
}

TEST_F(EventStreamTest, ArticleCommittedDuringTheLastReplayReadIsSentOnce) {
  // The race between replay and live, made certain: an article is committed
  // and handed to the hub right after the replay read the log's end, so the
  // read does not have it and the live feed delivers it while the stream
  // still replays.
  std::vector<uint64_t> before = Store({Article(), Article(), Article()});
  std::atomic<int> reads{0};
  std::vector<uint64_t> during;
  hub_->TEST_SetAfterReplayRead([&] {
    if (reads.fetch_add(1) != 0) return;
    during = Store({Article()});
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the hub delivers it meanwhile
  });
  ASSERT_NO_FATAL_FAILURE(Start());
  SseClient client;
  ASSERT_EQ(client.Open(port_, "/v1/stream?since=0"), 200);
  std::vector<uint64_t> want = before;
  want.push_back(4);
  EXPECT_EQ(Ids(Read(client, 4)), want);
  std::vector<uint64_t> live = Store({Article()});
  auto next = client.Next();
  ASSERT_TRUE(next);
  EXPECT_EQ(std::stoull(next->id), live[0]);
  EXPECT_FALSE(client.Next(200));
  ASSERT_EQ(during, std::vector<uint64_t>{4});
}

TEST_F(EventStreamTest, BurstLargerThanTheQueueReachesAReadingClientWhole) {
  // One commit burst whose events are several times the stream's queue
  // limit: the fan-out produces it far faster than any socket drains it. A
  // client that reads steadily must get every article once, in order, and
  // not be dropped as if it did not read.
  constexpr std::size_t kQueueLimit = 48 << 10;
  HttpServerOptions options;
  options.stream_max_queued_bytes = kQueueLimit;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  SseClient client;
  // A small receive window, like a client across a real network: the
  // socket cannot absorb the burst at once.
  ASSERT_EQ(client.Open(port_, "/v1/stream", "", 5000, 8 << 10), 200);
  std::string long_words;
  while (long_words.size() < 900) long_words += "words of a long headline ";
  std::vector<v1::Article> burst;
  burst.reserve(1200);
  for (int i = 0; i < 1200; ++i) {
    v1::Article a = Article();
    a.set_title(a.title() + " " + long_words);
    burst.push_back(std::move(a));
  }
  const std::size_t burst_bytes = burst.size() * (long_words.size() + 100);
  ASSERT_GT(burst_bytes, 10 * kQueueLimit);
  std::vector<uint64_t> seqs = Store(burst);
  ASSERT_EQ(seqs.size(), burst.size());
  std::vector<uint64_t> got;
  while (got.size() < seqs.size()) {
    auto e = client.Next(5000);
    if (!e) break;
    got.push_back(std::stoull(e->id));
  }
  EXPECT_EQ(got, seqs);
  EXPECT_EQ(server_->streams_dropped(), 0u);
  // Live again afterwards.
  std::vector<uint64_t> after = Store({Article()});
  auto next = client.Next();
  ASSERT_TRUE(next);
  EXPECT_EQ(std::stoull(next->id), after[0]);
}

TEST_F(EventStreamTest, FiltersSelectByLanguageTagAndSource) {
  ASSERT_NO_FATAL_FAILURE(Start());
  SseClient zh, tag, source, both;
  ASSERT_EQ(zh.Open(port_, "/v1/stream?lang=ZH"), 200);
  ASSERT_EQ(tag.Open(port_, "/v1/stream?tag=climate%20change"), 200);
  ASSERT_EQ(source.Open(port_, "/v1/stream?source=wire"), 200);
  ASSERT_EQ(both.Open(port_, "/v1/stream?lang=en&tag=Climate%20Change"), 200);
  std::vector<uint64_t> s = Store({Article("en", "Climate Change"), Article("zh", "Weather"),
                                   Article("en", "Sports", "wire"), Article("zh", "Climate Change")});
  EXPECT_EQ(Ids(Read(zh, 2)), (std::vector<uint64_t>{s[1], s[3]}));
  EXPECT_EQ(Ids(Read(tag, 2)), (std::vector<uint64_t>{s[0], s[3]}));
  EXPECT_EQ(Ids(Read(source, 1)), (std::vector<uint64_t>{s[2]}));
  EXPECT_EQ(Ids(Read(both, 1)), (std::vector<uint64_t>{s[0]}));
  for (SseClient* c : {&zh, &tag, &source, &both}) EXPECT_FALSE(c->Next(200));
  // The same filters apply to a replay.
  SseClient replay;
  ASSERT_EQ(replay.Open(port_, "/v1/stream?since=0&tag=CLIMATE%20CHANGE&lang=zh"), 200);
  EXPECT_EQ(Ids(Read(replay, 1)), (std::vector<uint64_t>{s[3]}));
  EXPECT_FALSE(replay.Next(200));
}

TEST_F(EventStreamTest, StartsWithRetryAndRejectsBadStarts) {
  ASSERT_NO_FATAL_FAILURE(Start());
  httplib::Client http("127.0.0.1", port_);
  auto bad = http.Get("/v1/stream", {{"Last-Event-ID", "abc"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  auto bad_since = http.Get("/v1/stream?since=-1");
  ASSERT_TRUE(bad_since);
  EXPECT_EQ(bad_since->status, 400);
  // The raw body begins with the retry line.
  SseClient client;
  ASSERT_EQ(client.Open(port_, "/v1/stream"), 200);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (client.body_bytes() == 0 && std::chrono::steady_clock::now() < deadline) client.Next(50);
  EXPECT_EQ(client.body_bytes(), std::string("retry: 3000\n\n").size());
}

TEST_F(EventStreamTest, StartPastTheLastSequence) {
  // An id from another store, or from before a restore, is past this
  // store's log.
  Store({Article(), Article(), Article()});
  ASSERT_EQ(store_->LastSequence(), 3u);
  ASSERT_NO_FATAL_FAILURE(Start());
  // A reconnecting browser resends its Last-Event-ID by itself: it follows
  // this store from its tail, and gets the next article at once rather than
  // after sequence 1000.
  SseClient browser;
  ASSERT_EQ(browser.Open(port_, "/v1/stream", "Last-Event-ID: 1000\r\n"), 200);
  std::vector<uint64_t> next = Store({Article()});
  auto e = browser.Next();
  ASSERT_TRUE(e);
  EXPECT_EQ(std::stoull(e->id), next[0]);
  EXPECT_FALSE(browser.Next(200));
  // since= is the caller's own choice: told, naming both numbers.
  httplib::Client http("127.0.0.1", port_);
  auto past = http.Get("/v1/stream?since=1000");
  ASSERT_TRUE(past);
  EXPECT_EQ(past->status, 400);
  const std::string error = nlohmann::json::parse(past->body)["error"].get<std::string>();
  EXPECT_THAT(error, HasSubstr("1000"));
  EXPECT_THAT(error, HasSubstr(std::to_string(next[0])));
  // The last sequence itself is a valid start (nothing to replay).
  SseClient at_tail;
  ASSERT_EQ(at_tail.Open(port_, "/v1/stream?since=" + std::to_string(next[0])), 200);
  std::vector<uint64_t> later = Store({Article()});
  auto l = at_tail.Next();
  ASSERT_TRUE(l);
  EXPECT_EQ(std::stoull(l->id), later[0]);
}

TEST_F(EventStreamTest, TokenByHeaderOrAccessTokenParameter) {
  HttpServerOptions options;
  options.token = "t0ken";
  ASSERT_NO_FATAL_FAILURE(Start(options));
  SseClient client;
  EXPECT_EQ(client.Open(port_, "/v1/stream"), 401);
  EXPECT_EQ(client.Open(port_, "/v1/stream?access_token=nope"), 401);
  ASSERT_EQ(client.Open(port_, "/v1/stream?access_token=t0ken&lang=en"), 200);
  std::vector<uint64_t> s = Store({Article()});
  auto e = client.Next();
  ASSERT_TRUE(e);
  EXPECT_EQ(std::stoull(e->id), s[0]);
  // Only this route takes it.
  httplib::Client http("127.0.0.1", port_);
  auto other = http.Get("/v1/articles?access_token=t0ken");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 401);
}

TEST_F(EventStreamTest, MetricsCountStreamsAndEvents) {
  ASSERT_NO_FATAL_FAILURE(Start());
  SseClient a, b;
  ASSERT_EQ(a.Open(port_, "/v1/stream"), 200);
  ASSERT_EQ(b.Open(port_, "/v1/stream?lang=fr"), 200);
  Store({Article(), Article()});
  ASSERT_EQ(Read(a, 2).size(), 2u);
  httplib::Client http("127.0.0.1", port_);
  auto res = http.Get("/metrics");
  ASSERT_TRUE(res);
  auto parsed = ::newsflow::testing::ParseExposition(res->body);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_THAT(res->body, HasSubstr("newsflow_store_http_streams_open 2\n"));
  EXPECT_THAT(res->body, HasSubstr("newsflow_store_stream_events_sent_total 2\n"));
  EXPECT_THAT(res->body, HasSubstr("newsflow_store_http_streams_dropped_total 0\n"));
}

// Inside the store service: articles pushed to the store's input reach an
// open stream through the writer.
class StoreServiceStreamTest : public testing::StoreServiceFixture {
 protected:
  std::string ExtraStoreYaml() const override {
    return "  http: {enabled: true, address: 127.0.0.1, port: 0}\n";
  }
};

TEST_F(StoreServiceStreamTest, CommittedArticlesReachAnOpenStream) {
  const std::string& url = endpoints_["store.http"];
  const int port = std::stoi(url.substr(url.rfind(':') + 1));
  SseClient client;
  ASSERT_EQ(client.Open(port, "/v1/stream"), 200);
  Push(MakeArticle("s1", "Streamed one", "text one"));
  Push(MakeArticle("s2", "Streamed two", "text two"));
  std::vector<std::string> titles;
  for (int i = 0; i < 2; ++i) {
    auto e = client.Next(10000);
    ASSERT_TRUE(e);
    titles.push_back(nlohmann::json::parse(e->data)["title"].get<std::string>());
  }
  EXPECT_THAT(titles, ::testing::UnorderedElementsAre("Streamed one", "Streamed two"));
}

}  // namespace
}  // namespace newsflow::store

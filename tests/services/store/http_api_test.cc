#include "services/store/http_api.h"

#include <atomic>
#include <filesystem>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "services/store/search_index.h"
#include "tests/testing/exposition.h"
#include "tests/testing/test_util.h"

namespace newsflow::store {
namespace {

using ::newsflow::testing::ParseExposition;

using ::newsflow::testing::IsOk;
using ::newsflow::testing::MakeArticle;
using ::newsflow::testing::TempDir;
using ::newsflow::testing::WaitFor;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Titles(const nlohmann::json& body) {
  std::vector<std::string> titles;
  for (const auto& a : body["articles"]) titles.push_back(a["title"].get<std::string>());
  return titles;
}

// A store with three articles behind a real HTTP server on 127.0.0.1.
class HttpApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = ArticleStore::Open({.path = dir_.Sub("db"), .sync_writes = false});
    ASSERT_THAT(opened, IsOk());
    store_ = *std::move(opened);
    std::vector<v1::Article> batch{MakeArticle("1", "One", "first body", "AI"),
                                   MakeArticle("2", "Two", "second body", "Chips"),
                                   MakeArticle("3", "Three", "third body", "AI")};
    for (int i = 0; i < 3; ++i) batch[i].set_published_at_ms(1000 * (i + 1));
    ASSERT_THAT(store_->Upsert(batch), IsOk());
    first_id_ = batch[0].id();
  }
  void Start(const std::string& token = "", QueryLimits limits = {.default_limit = 1, .max_limit = 2}) {
    if (limits.backup_dir.empty()) limits.backup_dir = dir_.path();
    server_ =
        std::make_unique<HttpServer>(HttpServerOptions{.address = "127.0.0.1", .port = 0, .token = token});
    InstallHttpApi(*server_, *store_, limits, [] {
      return std::map<std::string, uint64_t>{{"received", 9}};
    });
    ASSERT_THAT(server_->Start(), IsOk());
    port_ = server_->port();
  }
  httplib::Result Get(const std::string& path, const httplib::Headers& headers = {}) {
    httplib::Client client("127.0.0.1", port_);
    client.set_connection_timeout(10);
    client.set_read_timeout(10);
    return client.Get(path, headers);
  }
  nlohmann::json GetJson(const std::string& path, int expected_status) {
    auto res = Get(path);
    EXPECT_TRUE(res) << path << ": " << httplib::to_string(res.error());
    if (!res) return nullptr;
    EXPECT_EQ(res->status, expected_status) << path << ": " << res->body;
    EXPECT_THAT(res->get_header_value("Content-Type"), HasSubstr("application/json"));
    return nlohmann::json::parse(res->body, nullptr, false);
  }

  TempDir dir_;
  std::unique_ptr<ArticleStore> store_;
  std::string first_id_;
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
};

TEST_F(HttpApiTest, Healthz) {
  Start();
  nlohmann::json body = GetJson("/healthz", 200);
  EXPECT_EQ(body["status"], "ok");
  EXPECT_EQ(body["last_sequence"], 3);
  EXPECT_EQ(body["articles"], 3);
}

TEST_F(HttpApiTest, MetricsListsStoreAndServiceCounters) {
  Start();
  auto res = Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_THAT(res->body, HasSubstr("newsflow_store_articles 3\n"));
  EXPECT_THAT(res->body, HasSubstr("newsflow_store_last_sequence 3\n"));
  EXPECT_THAT(res->body, HasSubstr("newsflow_store_received_total 9\n"));
  EXPECT_THAT(res->body, HasSubstr("newsflow_store_commits_failing 0\n"));
  // Prometheus text format 0.0.4: every family has HELP and TYPE lines.
  auto parsed = ParseExposition(res->body);
  ASSERT_TRUE(parsed.ok()) << parsed.status() << "\n" << res->body;
  EXPECT_EQ(parsed->at("newsflow_store_articles").type, "gauge");
  EXPECT_EQ(parsed->at("newsflow_store_received_total").type, "counter");
  EXPECT_FALSE(parsed->at("newsflow_store_received_total").help.empty());
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
}

TEST_F(HttpApiTest, ReadyzFollowsTheStoreHealth) {
  std::mutex mu;
  StoreHealth health;  // GUARDED_BY(mu): the server's threads read it
  server_ = std::make_unique<HttpServer>(HttpServerOptions{.address = "127.0.0.1", .port = 0});
  InstallHttpApi(*server_, *store_, {}, nullptr, [&] {
    std::lock_guard lock(mu);
    return health;
  });
  ASSERT_THAT(server_->Start(), IsOk());
  port_ = server_->port();
  EXPECT_EQ(GetJson("/readyz", 200)["ready"], true);
  EXPECT_EQ(GetJson("/healthz", 200)["status"], "ok");
  {
    std::lock_guard lock(mu);
    health = {.committing = false, .problem = "No space left on device", .problem_since_ms = 1000};
  }
  nlohmann::json not_ready = GetJson("/readyz", 503);
  EXPECT_EQ(not_ready["ready"], false);
  EXPECT_THAT(not_ready["reason"].get<std::string>(), HasSubstr("No space left on device"));
  nlohmann::json live = GetJson("/healthz", 200);  // liveness: restarting would not help
  EXPECT_EQ(live["status"], "degraded");
  EXPECT_THAT(Get("/metrics")->body, HasSubstr("newsflow_store_commits_failing 1\n"));
}

TEST_F(HttpApiTest, ArticlesNewestFirstWithDefaultLimitWithoutText) {
  Start();
  nlohmann::json body = GetJson("/v1/articles", 200);
  EXPECT_THAT(Titles(body), ElementsAre("Three"));  // default_limit = 1
  EXPECT_EQ(body["last_sequence"], 3);
  EXPECT_FALSE(body["articles"][0].contains("text"));
}

TEST_F(HttpApiTest, ArticlesLimitParameterIsCappedAtMaxLimit) {
  Start();
  EXPECT_THAT(Titles(GetJson("/v1/articles?limit=100", 200)), ElementsAre("Three", "Two"));
}

TEST_F(HttpApiTest, ArticlesByTag) {
  Start();
  EXPECT_THAT(Titles(GetJson("/v1/articles?tag=AI&limit=2", 200)), ElementsAre("Three", "One"));
}

TEST_F(HttpApiTest, ArticlesByLangAndSource) {
  Start();
  EXPECT_THAT(Titles(GetJson("/v1/articles?lang=en&limit=1", 200)), ElementsAre("Three"));
  EXPECT_THAT(Titles(GetJson("/v1/articles?source=src-test&limit=1", 200)), ElementsAre("Three"));
  EXPECT_THAT(Titles(GetJson("/v1/articles?lang=fr", 200)), ElementsAre());
}

TEST_F(HttpApiTest, MoreThanOneFilterIs400) {
  Start();
  nlohmann::json body = GetJson("/v1/articles?tag=ai&lang=en", 400);
  EXPECT_THAT(body["error"].get<std::string>(), HasSubstr("at most one"));
}

TEST_F(HttpApiTest, ArticleByIdIncludesText) {
  Start();
  nlohmann::json body = GetJson("/v1/articles/" + first_id_, 200);
  EXPECT_EQ(body["id"], first_id_);
  EXPECT_EQ(body["title"], "One");
  EXPECT_EQ(body["text"], "first body");
}

TEST_F(HttpApiTest, UnknownArticleIs404WithJsonError) {
  Start();
  nlohmann::json body = GetJson("/v1/articles/0000000000000000", 404);
  EXPECT_THAT(body["error"].get<std::string>(), HasSubstr("0000000000000000"));
}

TEST_F(HttpApiTest, SinceZeroReplaysOldestFirst) {
  Start();
  nlohmann::json body = GetJson("/v1/since/0?limit=2", 200);
  EXPECT_THAT(Titles(body), ElementsAre("One", "Two"));
  EXPECT_EQ(body["more"], true);
  nlohmann::json rest = GetJson("/v1/since/2?limit=2", 200);
  EXPECT_THAT(Titles(rest), ElementsAre("Three"));
  EXPECT_EQ(rest["more"], false);
}

TEST_F(HttpApiTest, SinceHugeSequenceIs400) {
  Start();
  GetJson("/v1/since/99999999999999999999999", 400);
}

TEST_F(HttpApiTest, Tags) {
  Start();
  nlohmann::json body = GetJson("/v1/tags?limit=2", 200);
  ASSERT_EQ(body["tags"].size(), 2u);
  EXPECT_EQ(body["tags"][0], nlohmann::json({{"name", "AI"}, {"key", "ai"}, {"count", 2}}));
  EXPECT_EQ(body["tags"][1]["key"], "chips");
}

TEST_F(HttpApiTest, SinceTheLargestSequenceIsEmptyNotTheWholeLog) {
  Start();
  nlohmann::json body = GetJson("/v1/since/18446744073709551615", 200);
  EXPECT_THAT(Titles(body), ElementsAre());
  EXPECT_EQ(body["more"], false);
}

TEST_F(HttpApiTest, LangIsMatchedIgnoringCase) {
  std::vector<v1::Article> batch{MakeArticle("z1", "Zh lower", "x"), MakeArticle("z2", "Zh upper", "x")};
  batch[0].mutable_enrichment()->set_language("zh");
  batch[1].mutable_enrichment()->set_language("ZH");
  batch[0].set_published_at_ms(5000);
  batch[1].set_published_at_ms(6000);
  ASSERT_THAT(store_->Upsert(batch), IsOk());
  Start("", {.default_limit = 10, .max_limit = 10});
  for (const char* lang : {"zh", "ZH", "Zh"}) {
    EXPECT_THAT(Titles(GetJson(std::string("/v1/articles?lang=") + lang, 200)),
                ElementsAre("Zh upper", "Zh lower"))
        << lang;
  }
  EXPECT_THAT(Titles(GetJson("/v1/articles?lang=EN", 200)), ElementsAre("Three", "Two", "One"));
  // Paging runs across both spellings.
  nlohmann::json first = GetJson("/v1/articles?lang=zh&limit=1", 200);
  EXPECT_THAT(Titles(first), ElementsAre("Zh upper"));
  ASSERT_EQ(first["more"], true);
  nlohmann::json second =
      GetJson("/v1/articles?lang=zh&limit=1&cursor=" + first["next_cursor"].get<std::string>(), 200);
  EXPECT_THAT(Titles(second), ElementsAre("Zh lower"));
  EXPECT_EQ(second["more"], false);
}

// 2,500 articles, many with the same time: following next_cursor pages past
// max_limit (1,000) and returns each article exactly once, newest first.
class HttpApiPagingTest : public HttpApiTest {
 protected:
  void SetUp() override {
    HttpApiTest::SetUp();
    std::vector<v1::Article> batch;
    for (int i = 0; i < 2497; ++i) {
      batch.push_back(
          MakeArticle(fmt::format("p{}", i), fmt::format("P{}", i), "body", i % 2 ? "Odd" : "Even"));
      batch.back().set_published_at_ms(10'000 + (i % 50) * 1000);  // 50 distinct times
    }
    ASSERT_THAT(store_->Upsert(batch), IsOk());
  }
  // Follows next_cursor from `path` (which has a query string); every id seen.
  std::vector<std::string> PageThrough(const std::string& path, int* pages) {
    std::vector<std::string> ids;
    std::string cursor;
    std::string last_time = "~";  // after every RFC 3339 time
    for (*pages = 0; *pages < 1000; ++*pages) {
      std::string page = path;
      if (!cursor.empty()) page.append("&cursor=").append(cursor);
      nlohmann::json body = GetJson(page, 200);
      if (body.is_null()) break;
      for (const auto& a : body["articles"]) {
        ids.push_back(a["id"].get<std::string>());
        std::string t = a["published"].get<std::string>();
        EXPECT_LE(t, last_time);
        last_time = t;
      }
      if (!body["more"].get<bool>()) {
        EXPECT_FALSE(body.contains("next_cursor"));
        ++*pages;
        break;
      }
      cursor = body["next_cursor"].get<std::string>();
    }
    return ids;
  }
};

TEST_F(HttpApiPagingTest, CursorPagesThroughEveryArticleExactlyOnce) {
  Start("", {.default_limit = 20, .max_limit = 1000});
  int pages = 0;
  std::vector<std::string> ids = PageThrough("/v1/articles?limit=5000", &pages);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(ids.size(), 2500u);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 2500u);
  // Small pages and a filter give the same set.
  std::vector<std::string> odd = PageThrough("/v1/articles?tag=odd&limit=7", &pages);
  EXPECT_EQ(odd.size(), 1248u);
  EXPECT_EQ(std::set<std::string>(odd.begin(), odd.end()).size(), 1248u);
}

TEST_F(HttpApiPagingTest, SinceAndUntilBoundTheArticleTime) {
  Start("", {.default_limit = 20, .max_limit = 1000});
  // Times 10,000 .. 59,000 (50 apart by 1,000 with 2497/50 ~ 50 articles each).
  int pages = 0;
  std::vector<std::string> ids = PageThrough("/v1/articles?since=20000&until=22000&limit=30", &pages);
  // Articles at 20,000 and 21,000: i % 50 in {10, 11}, 50 of each.
  EXPECT_EQ(ids.size(), 100u);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 100u);
  nlohmann::json body = GetJson("/v1/articles?until=3001&limit=10", 200);
  EXPECT_THAT(Titles(body), ElementsAre("Three", "Two", "One"));
  EXPECT_EQ(body["more"], false);
}

TEST_F(HttpApiTest, CursorMarksAPositionNotAPage) {
  // A cursor taken before newer articles arrive still continues where it was.
  Start("", {.default_limit = 1, .max_limit = 10});
  nlohmann::json first = GetJson("/v1/articles?limit=1", 200);
  EXPECT_THAT(Titles(first), ElementsAre("Three"));
  std::vector<v1::Article> newer{MakeArticle("n", "Newer", "x")};
  newer[0].set_published_at_ms(99'000);
  ASSERT_THAT(store_->Upsert(newer), IsOk());
  nlohmann::json rest =
      GetJson("/v1/articles?limit=10&cursor=" + first["next_cursor"].get<std::string>(), 200);
  EXPECT_THAT(Titles(rest), ElementsAre("Two", "One"));
}

// Paging while the writer adds articles at times before, among and after
// the pages: every article present when paging began is listed exactly
// once, no article twice, in time order; the same holds over the lang
// filter in another case.
TEST_F(HttpApiTest, CursorPagingMissesAndRepeatsNothingWhileArticlesAreWritten) {
  Start("", {.default_limit = 20, .max_limit = 1000});
  std::set<std::string> present{first_id_};
  std::vector<v1::Article> batch;
  for (int i = 0; i < 600; ++i) {
    batch.push_back(MakeArticle(fmt::format("w{}", i), fmt::format("W{}", i), "body"));
    batch.back().set_published_at_ms(100'000 + (i % 120) * 1000);  // 5 articles per time
  }
  ASSERT_THAT(store_->Upsert(batch), IsOk());
  auto all = store_->Latest(10000);
  ASSERT_THAT(all, IsOk());
  for (const auto& a : *all) present.insert(a.id());

  std::atomic<bool> stop{false};
  std::atomic<int> added{0};
  std::thread writer([&] {
    for (int i = 0; !stop.load() && i < 100000; ++i) {
      std::vector<v1::Article> more{MakeArticle(fmt::format("late{}", i), fmt::format("L{}", i), "body")};
      // Before the oldest, among the pages and after the newest, in turn.
      more[0].set_published_at_ms(i % 3 == 0   ? 50'000 + i
                                  : i % 3 == 1 ? 100'500 + (i % 120) * 1000
                                               : 900'000 + i);
      ASSERT_THAT(store_->Upsert(more), IsOk());
      ++added;
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  });
  for (const std::string& filter : {std::string(), std::string("&lang=EN")}) {
    std::vector<std::string> ids;
    std::string cursor;
    std::string last_time = "~";  // after every RFC 3339 time
    for (int pages = 0; pages < 1000; ++pages) {
      std::string path = "/v1/articles?limit=37" + filter;
      if (!cursor.empty()) path += "&cursor=" + cursor;
      nlohmann::json body = GetJson(path, 200);
      ASSERT_FALSE(body.is_null());
      for (const auto& a : body["articles"]) {
        ids.push_back(a["id"].get<std::string>());
        const std::string t = a["published"].get<std::string>();
        EXPECT_LE(t, last_time);
        last_time = t;
      }
      if (!body["more"].get<bool>()) break;
      cursor = body["next_cursor"].get<std::string>();
    }
    std::set<std::string> seen(ids.begin(), ids.end());
    EXPECT_EQ(seen.size(), ids.size()) << "an article was listed twice" << filter;
    for (const std::string& id : present) EXPECT_TRUE(seen.contains(id)) << id << filter;
  }
  stop = true;
  writer.join();
  EXPECT_GT(added.load(), 0);
}

class HttpApiBadParameterTest : public HttpApiTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(HttpApiBadParameterTest, Is400WithJsonError) {
  Start();
  nlohmann::json body = GetJson(GetParam(), 400);
  EXPECT_TRUE(body.contains("error")) << body;
}

INSTANTIATE_TEST_SUITE_P(Paths, HttpApiBadParameterTest,
                         ::testing::Values("/v1/articles?since=9223372036854775808",
                                           "/v1/articles?since=18446744073709551615",
                                           "/v1/articles?until=99999999999999999999999",
                                           "/v1/articles?since=-1", "/v1/articles?since=1e3",
                                           "/v1/articles?since=", "/v1/articles?until=%2010",
                                           "/v1/articles?cursor=zz", "/v1/articles?cursor=00",
                                           "/v1/since/18446744073709551616", "/v1/since/-1", "/v1/since/1x"));

class HttpApiBadLimitTest : public HttpApiTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(HttpApiBadLimitTest, Is400) {
  Start();
  nlohmann::json body = GetJson(GetParam(), 400);
  EXPECT_THAT(body["error"].get<std::string>(), HasSubstr("limit"));
}

INSTANTIATE_TEST_SUITE_P(Paths, HttpApiBadLimitTest,
                         ::testing::Values("/v1/articles?limit=abc", "/v1/articles?limit=0",
                                           "/v1/articles?limit=-1", "/v1/articles?limit=5x",
                                           "/v1/articles?limit=", "/v1/since/0?limit=zero",
                                           "/v1/tags?limit=1.5"));

TEST_F(HttpApiTest, UnknownRouteIs404Json) {
  Start();
  nlohmann::json body = GetJson("/v2/nothing", 404);
  EXPECT_EQ(body["error"], "http 404");
}

TEST_F(HttpApiTest, TokenRequiredWhenSet) {
  Start("s3cret");
  auto missing = Get("/v1/articles");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 401);
  auto wrong = Get("/v1/articles", {{"Authorization", "Bearer nope"}});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  auto right = Get("/v1/articles", {{"Authorization", "Bearer s3cret"}});
  ASSERT_TRUE(right);
  EXPECT_EQ(right->status, 200);
  EXPECT_THAT(Titles(nlohmann::json::parse(right->body)), ElementsAre("Three"));
}

TEST_F(HttpApiTest, AdminBackupNeedsATokenAndAnEmptyDirInTheBackupFolder) {
  Start();
  httplib::Client open("127.0.0.1", port_);
  auto refused = open.Post("/v1/admin/backup?dir=" + dir_.Sub("b0"));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("b0")));

  Start("s3cret");
  httplib::Client client("127.0.0.1", port_);
  auto anonymous = client.Post("/v1/admin/backup?dir=" + dir_.Sub("b1"));
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  const httplib::Headers auth{{"Authorization", "Bearer s3cret"}};
  auto made = client.Post("/v1/admin/backup?dir=" + dir_.Sub("b1"), auth, "", "text/plain");
  ASSERT_TRUE(made);
  ASSERT_EQ(made->status, 200) << made->body;
  nlohmann::json body = nlohmann::json::parse(made->body);
  EXPECT_EQ(body["sequence"], store_->LastSequence());
  EXPECT_EQ(body["articles"], 3);
  EXPECT_GT(body["bytes"].get<uint64_t>(), 0u);
  auto again = client.Post("/v1/admin/backup?dir=" + dir_.Sub("b1"), auth, "", "text/plain");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 409);
  // A relative dir lies in the backup folder; nothing is written outside it.
  auto relative = client.Post("/v1/admin/backup?dir=b2", auth, "", "text/plain");
  ASSERT_TRUE(relative);
  EXPECT_EQ(relative->status, 200) << relative->body;
  EXPECT_EQ(nlohmann::json::parse(relative->body)["dir"], dir_.Sub("b2"));
  auto outside = client.Post("/v1/admin/backup?dir=../b3", auth, "", "text/plain");
  ASSERT_TRUE(outside);
  EXPECT_EQ(outside->status, 403) << outside->body;
}

TEST_F(HttpApiTest, HealthzNeedsNoToken) {
  Start("s3cret");
  GetJson("/healthz", 200);
}

TEST_F(HttpApiTest, NoTokenConfiguredNeedsNoHeader) {
  Start();
  GetJson("/healthz", 200);
}

// /v1/articles/<id>/related, the related lists of /v1/articles/<id> and
// /v1/clusters/<id>, over a real search index of the fixture's store.
TEST_F(HttpApiTest, RelatedArticlesAndClusterTimeline) {
  constexpr uint64_t kStory = 0x5a5a'1234'abcd'0f0fULL;
  v1::Article rain =
      MakeArticle("rain", "Heavy rain floods the valley",
                  "Heavy rain flooded the valley roads and farms; rivers rose over their banks "
                  "and rescue teams moved families from the flooded villages.",
                  "Floods");
  rain.set_published_at_ms(5000);
  rain.mutable_enrichment()->set_fingerprint(kStory);
  v1::Article rain_copy = rain;  // another source's copy: the same story
  rain_copy.set_id("copy-of-rain");
  rain_copy.set_url("https://other.example/rain");
  rain_copy.set_canonical_url(rain_copy.url());
  rain_copy.mutable_source()->set_id("src-other");
  rain_copy.set_published_at_ms(4000);  // seen first, stored second
  rain_copy.mutable_enrichment()->set_fingerprint(kStory ^ 1);
  v1::Article river = MakeArticle("river", "River levels keep rising after the rain",
                                  "River levels kept rising after the heavy rain, and the flooded valley "
                                  "villages wait for rescue teams.",
                                  "Floods");
  river.set_published_at_ms(6000);
  river.mutable_enrichment()->set_fingerprint(~kStory);
  std::vector<v1::Article> batch{rain, rain_copy, river};
  ASSERT_THAT(store_->Upsert(batch), IsOk());
  {
    auto index = SearchIndex::Open(dir_.Sub("search"));
    ASSERT_THAT(index, IsOk());
    bool more = true;
    while (more) ASSERT_THAT((*index)->CatchUp(*store_, kSearchIndexBatch, &more), IsOk());
  }
  RelatedFinder related(*store_, dir_.Sub("search"));
  server_ = std::make_unique<HttpServer>(HttpServerOptions{.address = "127.0.0.1", .port = 0});
  InstallHttpApi(*server_, *store_, {}, nullptr, nullptr, nullptr, &related);
  ASSERT_THAT(server_->Start(), IsOk());
  port_ = server_->port();

  nlohmann::json body = GetJson("/v1/articles/" + rain.id() + "/related?limit=3", 200);
  ASSERT_EQ(body["related"].size(), 1u);
  const nlohmann::json& first = body["related"][0];
  EXPECT_EQ(first["id"], river.id());
  EXPECT_EQ(first["url"], river.url());
  EXPECT_EQ(first["title"], river.title());
  EXPECT_EQ(first["cluster_id"], river.id());
  EXPECT_GT(first["score"].get<double>(), 0.0);
  ASSERT_EQ(body["other_sources"].size(), 1u);
  EXPECT_EQ(body["other_sources"][0]["id"], "copy-of-rain");
  EXPECT_EQ(body["other_sources"][0]["cluster_id"], rain.id());

  nlohmann::json article = GetJson("/v1/articles/" + rain.id(), 200);
  EXPECT_EQ(article["related"], body["related"]);
  EXPECT_EQ(article["other_sources"], body["other_sources"]);
  EXPECT_EQ(article["text"], rain.text());

  GetJson("/v1/articles/" + rain.id() + "/related?limit=0", 400);
  GetJson(fmt::format("/v1/articles/{}/related?limit={}", rain.id(), kMaxRelated + 1), 400);
  GetJson("/v1/articles/no-such-id/related", 404);

  nlohmann::json story = GetJson("/v1/clusters/" + rain.id(), 200);
  EXPECT_EQ(story["cluster_id"], rain.id());
  ASSERT_EQ(story["articles"].size(), 2u);
  EXPECT_EQ(story["articles"][0]["id"], "copy-of-rain");  // oldest first
  EXPECT_EQ(story["articles"][0]["source"]["id"], "src-other");
  EXPECT_EQ(story["articles"][0]["time_ms"], 4000);
  EXPECT_EQ(story["articles"][0]["first_seen_ms"], rain_copy.fetched_at_ms());
  EXPECT_EQ(story["articles"][1]["id"], rain.id());
  EXPECT_EQ(story["more"], false);
  EXPECT_EQ(GetJson("/v1/clusters/" + rain.id() + "?limit=1", 200)["more"], true);
  GetJson("/v1/clusters/no-such-cluster", 404);
}

TEST_F(HttpApiTest, RelatedNeedsSearch) {
  Start();
  GetJson("/v1/articles/" + first_id_ + "/related", 404);
  EXPECT_FALSE(GetJson("/v1/articles/" + first_id_, 200).contains("related"));
}

}  // namespace
}  // namespace newsflow::store

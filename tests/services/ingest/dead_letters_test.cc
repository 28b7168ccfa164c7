// Dead-letter operations through the feeds HTTP API (real server on
// loopback) over a real IngestDb and Outbox, as the daemon wires them.
#include "services/ingest/dead_letters.h"

#include <memory>
#include <string>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "common/log/logging.h"
#include "common/transport/http_server.h"
#include "services/ingest/feeds_api.h"
#include "tests/testing/test_util.h"

namespace newsflow::ingest {
namespace {

using ::newsflow::testing::IsOk;
using ::newsflow::testing::MakeArticle;
using ::newsflow::testing::TempDir;
using ::testing::HasSubstr;

constexpr char kToken[] = "test-token";

class DeadLettersApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = IngestDb::Open(dir_.Sub("ingest"), false);
    ASSERT_THAT(opened, IsOk());
    db_ = *std::move(opened);
    outbox_ = std::make_unique<Outbox>(*db_, OutboxOptions{}, counters_, NullLogger());
    server_ =
        std::make_unique<HttpServer>(HttpServerOptions{.address = "127.0.0.1", .port = 0, .token = kToken});
    InstallFeedsApi(*server_, [this](const v1::ControlRequest& request) {
      v1::ControlResponse response;
      if (!ExecuteDeadLetterControl(*db_, outbox_.get(), request, &response)) {
        response.set_ok(false);
        response.set_error("not a dead-letter operation");
      }
      return response;
    });
    ASSERT_THAT(server_->Start(), IsOk());
    port_ = server_->port();
  }
  void TearDown() override { server_.reset(); }

  // Accepts `a`, sends it once and fails it as an enrich worker would.
  void DeadLetter(const v1::Article& a, const std::string& reason) {
    ASSERT_THAT(outbox_->Accept(a, std::stop_token()), IsOk());
    auto next = outbox_->NextToSend();
    ASSERT_THAT(next, IsOk());
    ASSERT_TRUE(next->has_value());
    outbox_->Sent(a.id(), 1000);
    v1::Ack ack;
    ack.set_article_id(a.id());
    ack.set_version(a.version());
    ack.set_failure(reason);
    ack.set_failed_worker("w/0");
    ASSERT_THAT(outbox_->OnAck(ack), IsOk());
  }

  httplib::Result Get(const std::string& path, bool auth = true) {
    httplib::Client client("127.0.0.1", port_);
    httplib::Headers headers;
    if (auth) headers.emplace("Authorization", std::string("Bearer ") + kToken);
    return client.Get(path, headers);
  }
  httplib::Result Post(const std::string& path, const std::string& body, bool auth = true) {
    httplib::Client client("127.0.0.1", port_);
    httplib::Headers headers;
    if (auth) headers.emplace("Authorization", std::string("Bearer ") + kToken);
    return client.Post(path, headers, body, "application/json");
  }

  TempDir dir_;
  Counters counters_;
  std::unique_ptr<IngestDb> db_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
};

TEST_F(DeadLettersApiTest, ListsAndShowsWithReasonAttemptsAndTime) {
  v1::Article a = MakeArticle("a", "Poison", "a poisonous body");
  ASSERT_NO_FATAL_FAILURE(DeadLetter(a, "enriching it crashed the worker process"));
  auto list = Get("/v1/dead-letters");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200) << list->body;
  auto j = nlohmann::json::parse(list->body);
  ASSERT_EQ(j["dead_letters"].size(), 1u);
  const auto& d = j["dead_letters"][0];
  EXPECT_EQ(d["id"], a.id());
  EXPECT_EQ(d["attempts"], 1);
  EXPECT_THAT(d["reason"].get<std::string>(), HasSubstr("crashed the worker process"));
  EXPECT_FALSE(d["dead_at"].get<std::string>().empty());
  EXPECT_FALSE(d.contains("text"));

  auto show = Get("/v1/dead-letters/" + a.id());
  ASSERT_TRUE(show);
  ASSERT_EQ(show->status, 200) << show->body;
  EXPECT_EQ(nlohmann::json::parse(show->body)["text"], "a poisonous body");

  auto missing = Get("/v1/dead-letters/nope");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_THAT(nlohmann::json::parse(missing->body)["error"].get<std::string>(),
              HasSubstr("no dead letter nope"));
}

TEST_F(DeadLettersApiTest, RequiresTheToken) {
  auto list = Get("/v1/dead-letters", /*auth=*/false);
  ASSERT_TRUE(list);
  EXPECT_EQ(list->status, 401);
  auto purge = Post("/v1/dead-letters/purge", R"({"all": true})", /*auth=*/false);
  ASSERT_TRUE(purge);
  EXPECT_EQ(purge->status, 401);
}

TEST_F(DeadLettersApiTest, RedriveOneQueuesItForAFreshSend) {
  v1::Article a = MakeArticle("a", "A", "x");
  ASSERT_NO_FATAL_FAILURE(DeadLetter(a, "crashed"));
  auto r = Post("/v1/dead-letters/redrive", nlohmann::json{{"id", a.id()}}.dump());
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(nlohmann::json::parse(r->body)["redriven"], 1);
  auto next = outbox_->NextToSend();
  ASSERT_THAT(next, IsOk());
  ASSERT_TRUE(next->has_value());
  EXPECT_EQ((*next)->article().id(), a.id());
  EXPECT_EQ((*next)->attempt(), 1u);
  EXPECT_TRUE(db_->ListDeadLetters(10)->empty());

  auto again = Post("/v1/dead-letters/redrive", nlohmann::json{{"id", a.id()}}.dump());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 404);
}

TEST_F(DeadLettersApiTest, RedriveAllAndPurgeAll) {
  for (const char* seed : {"a", "b", "c"}) {
    ASSERT_NO_FATAL_FAILURE(DeadLetter(MakeArticle(seed, seed, "x"), "crashed"));
  }
  auto purge = Post("/v1/dead-letters/purge", nlohmann::json{{"id", MakeArticle("a", "a", "x").id()}}.dump());
  ASSERT_TRUE(purge);
  ASSERT_EQ(purge->status, 200) << purge->body;
  EXPECT_EQ(nlohmann::json::parse(purge->body)["purged"], 1);
  auto all = Post("/v1/dead-letters/redrive", R"({"all": true})");
  ASSERT_TRUE(all);
  ASSERT_EQ(all->status, 200) << all->body;
  EXPECT_EQ(nlohmann::json::parse(all->body)["redriven"], 2);
  EXPECT_EQ(outbox_->queued(), 2u);
  ASSERT_NO_FATAL_FAILURE(DeadLetter(MakeArticle("d", "d", "x"), "crashed"));
  auto gone = Post("/v1/dead-letters/purge", R"({"all": true})");
  ASSERT_TRUE(gone);
  EXPECT_EQ(nlohmann::json::parse(gone->body)["purged"], 1);
  EXPECT_TRUE(db_->ListDeadLetters(10)->empty());
}

TEST_F(DeadLettersApiTest, BadBodiesAreJsonErrors) {
  for (const std::string body :
       {"", "[]", R"({"id": 5})", R"({"id": "x", "all": true})", R"({"all": false})"}) {
    auto r = Post("/v1/dead-letters/purge", body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << body;
    EXPECT_TRUE(nlohmann::json::parse(r->body, nullptr, false).contains("error")) << body;
  }
}

}  // namespace
}  // namespace newsflow::ingest

#include "services/ingest/feeds_api.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "tests/testing/test_util.h"

namespace newsflow::ingest {
namespace {

using ::newsflow::testing::IsOk;
using ::testing::HasSubstr;

// The feeds API on a real server; control requests are answered by a small
// in-memory feed list so the HTTP mapping can be checked on its own (the
// daemon wiring is covered by ingest_service_test).
class FeedsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<HttpServer>(HttpServerOptions{.address = "127.0.0.1", .port = 0});
    InstallFeedsApi(*server_, [this](const v1::ControlRequest& r) {
      std::lock_guard lock(mu_);
      requests_.push_back(r);
      v1::ControlResponse response;
      response.set_ok(true);
      if (r.has_remove_feed()) {
        response.set_ok(false);
        response.set_error("no such feed: " + r.remove_feed());
      }
      return response;
    });
    ASSERT_THAT(server_->Start(), IsOk());
  }
  httplib::Client Client() {
    httplib::Client client("127.0.0.1", server_->port());
    client.set_read_timeout(10);
    return client;
  }
  // A request without Content-Length (no body), sent by hand; the response
  // and how long it took.
  std::pair<std::string, std::chrono::milliseconds> Bodiless(const std::string& method,
                                                             const std::string& path) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(server_->port()));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    const auto start = std::chrono::steady_clock::now();
    std::string request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    EXPECT_GT(send(fd, request.data(), request.size(), MSG_NOSIGNAL), 0);
    std::string response;
    char buf[4096];
    ssize_t n;
    while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) response.append(buf, static_cast<std::size_t>(n));
    close(fd);
    return {response,
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)};
  }

  std::unique_ptr<HttpServer> server_;
  std::mutex mu_;
  std::vector<v1::ControlRequest> requests_;
};

nlohmann::json BodyJson(const std::string& response) {
  auto at = response.find("\r\n\r\n");
  return nlohmann::json::parse(at == std::string::npos ? "" : response.substr(at + 4), nullptr, false);
}

TEST_F(FeedsApiTest, PollWithoutBodyAnswersAtOnce) {
  auto [response, took] = Bodiless("POST", "/v1/poll");
  EXPECT_THAT(response, ::testing::StartsWith("HTTP/1.1 202"));
  EXPECT_EQ(BodyJson(response), nlohmann::json({{"polling", true}}));
  EXPECT_LT(took, std::chrono::seconds(3));
}

TEST_F(FeedsApiTest, PostsThatNeedABodyAnswer400JsonAtOnceWithoutOne) {
  for (const char* path : {"/v1/feeds", "/v1/pages", "/v1/feeds.opml"}) {
    auto [response, took] = Bodiless("POST", path);
    EXPECT_THAT(response, ::testing::StartsWith("HTTP/1.1 400")) << path;
    EXPECT_TRUE(BodyJson(response).contains("error")) << path << ": " << response;
    EXPECT_LT(took, std::chrono::seconds(3)) << path;
  }
  EXPECT_TRUE(requests_.empty());
}

TEST_F(FeedsApiTest, ErrorsHaveJsonBodies) {
  auto client = Client();
  auto unknown = client.Get("/v1/nothing");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_TRUE(nlohmann::json::parse(unknown->body, nullptr, false).contains("error")) << unknown->body;

  auto wrong = client.Put("/v1/feeds", "{}", "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->get_header_value("Allow"), "GET, POST, DELETE, HEAD");
  EXPECT_TRUE(nlohmann::json::parse(wrong->body, nullptr, false).contains("error")) << wrong->body;

  auto no_url = client.Delete("/v1/feeds");
  ASSERT_TRUE(no_url);
  EXPECT_EQ(no_url->status, 400);
  EXPECT_THAT(nlohmann::json::parse(no_url->body)["error"].get<std::string>(), HasSubstr("url"));

  auto failed = client.Delete("/v1/feeds?url=http%3A%2F%2Fa.example%2Ff");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, 404);
  EXPECT_EQ(nlohmann::json::parse(failed->body)["error"], "no such feed: http://a.example/f");
}

TEST_F(FeedsApiTest, AddFeedPassesItsFields) {
  auto added =
      Client().Post("/v1/feeds", R"({"url": "http://a.example/f", "interval_s": 600, "full_text": "never"})",
                    "application/json");
  ASSERT_TRUE(added);
  EXPECT_EQ(added->status, 201) << added->body;
  ASSERT_EQ(requests_.size(), 1u);
  EXPECT_EQ(requests_[0].add_feed().url(), "http://a.example/f");
  EXPECT_EQ(requests_[0].add_feed().interval_s(), 600);
  EXPECT_EQ(requests_[0].add_feed().full_text(), v1::FULL_TEXT_NEVER);
}

}  // namespace
}  // namespace newsflow::ingest

#include "common/metrics/scrape.h"

#include <chrono>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/metrics/metrics.h"
#include "common/transport/http_server.h"

namespace newsflow::metrics {
namespace {

// What a Registry renders parses back into the same values, labels
// included (quotes and backslashes escaped in label values).
TEST(ScrapeTest, ParsesWhatTheRegistryRenders) {
  Registry registry;
  registry.AddCounter("newsflow_ingest_accepted_new_total", "New articles.").Inc(12);
  registry.AddGauge("newsflow_ingest_feeds", "Feeds.", {{"state", "failing"}}).Set(2);
  registry.AddGauge("newsflow_ingest_feeds", "Feeds.", {{"state", "active"}}).Set(5);
  registry.AddGauge("odd", "A label value with \"quotes\" and a \\ backslash.", {{"v", "a\"b\\c"}}).Set(-1.5);
  registry.AddHistogram("took_seconds", "Durations.", {0.1, 1}).Observe(0.5);
  MetricSamples samples = ParseMetricsText(registry.Render());
  EXPECT_EQ(samples.Find("newsflow_ingest_accepted_new_total"), 12);
  EXPECT_EQ(samples.Find("newsflow_ingest_feeds"), 7);  // summed over states
  EXPECT_EQ(samples.Find("newsflow_ingest_feeds", {{"state", "failing"}}), 2);
  EXPECT_EQ(samples.Find("odd", {{"v", "a\"b\\c"}}), -1.5);
  EXPECT_EQ(samples.Find("took_seconds_bucket", {{"le", "1"}}), 1);
  EXPECT_EQ(samples.Find("took_seconds_bucket", {{"le", "0.1"}}), 0);
  EXPECT_FALSE(samples.Find("newsflow_ingest_dead_letters").has_value());
}

TEST(ScrapeTest, SkipsCommentsTimestampsAndBrokenLines) {
  MetricSamples samples = ParseMetricsText(
      "# HELP a A.\n# TYPE a counter\na 3 1700000000000\nb{x=\"1\" 4\nc{x=\"1\"} not-a-number\n\nd +Inf\n");
  EXPECT_EQ(samples.Find("a"), 3);
  EXPECT_FALSE(samples.Find("b").has_value());
  EXPECT_FALSE(samples.Find("c").has_value());
  EXPECT_TRUE(std::isinf(*samples.Find("d")));
}

// The rate is the counter's growth over the seconds between two scrapes;
// a daemon's own figures (outbox, dead letters) appear only for it.
TEST(ScrapeTest, SummaryLineHasTheRateAndTheDaemonsFigures) {
  MetricSamples first = ParseMetricsText(
      "newsflow_ingest_accepted_new_total 100\nnewsflow_ingest_outbox_outstanding 7\n"
      "newsflow_ingest_dead_letters 1\nnewsflow_ingest_db_errors_total 2\n");
  MetricSamples second = ParseMetricsText(
      "newsflow_ingest_accepted_new_total 130\nnewsflow_ingest_outbox_outstanding 3\n"
      "newsflow_ingest_dead_letters 1\nnewsflow_ingest_db_errors_total 2\n");
  DaemonFigures before = FiguresOf("ingest", first);
  DaemonFigures now = FiguresOf("ingest", second);
  std::string line = SummaryLine(now, &before, 2.0);
  EXPECT_NE(line.find("15.0 articles/s"), std::string::npos) << line;
  EXPECT_NE(line.find("outbox 3"), std::string::npos) << line;
  EXPECT_NE(line.find("dead letters 1"), std::string::npos) << line;
  EXPECT_NE(line.find("errors 2"), std::string::npos) << line;
  EXPECT_EQ(line.find("stored"), std::string::npos) << line;
  EXPECT_NE(SummaryLine(now, nullptr, 0).find("130 articles"), std::string::npos);
}

TEST(ScrapeTest, UnspecifiedBindAddressesAreReachedOnLoopback) {
  EXPECT_EQ(HttpBaseUrl("0.0.0.0", 8480), "http://127.0.0.1:8480");
  EXPECT_EQ(HttpBaseUrl("::", 8480), "http://[::1]:8480");
  EXPECT_EQ(HttpBaseUrl("10.0.0.5", 1), "http://10.0.0.5:1");
}

// The method is the one asked for, with a body or without: curl alone
// turns a request with a body into a POST.
TEST(ScrapeTest, HttpRequestSendsTheMethodItIsGiven) {
  HttpServer server({.address = "127.0.0.1", .port = 0});
  for (const char* method : {"GET", "POST", "PUT", "DELETE"}) {
    server.Route(method, "/echo", [](const HttpRequest& req) {
      return HttpResponse::Json(200, {{"method", req.method}, {"body", req.body}});
    });
  }
  auto url = server.Start();
  ASSERT_TRUE(url.ok()) << url.status();
  for (const std::string method : {"GET", "POST", "PUT", "DELETE"}) {
    for (const std::string body : {"", "{}"}) {
      auto reply = HttpRequestTo(method, *url + "/echo", {}, body, std::chrono::seconds(10));
      ASSERT_TRUE(reply.ok()) << reply.status();
      ASSERT_EQ(reply->status, 200) << method << " " << body << ": " << reply->body;
      auto json = nlohmann::json::parse(reply->body);
      EXPECT_EQ(json["method"], method) << "with body '" << body << "'";
      EXPECT_EQ(json["body"], body) << method;
    }
  }
  auto head = HttpRequestTo("HEAD", *url + "/echo", {}, "", std::chrono::seconds(10));
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->body, "");
}

}  // namespace
}  // namespace newsflow::metrics

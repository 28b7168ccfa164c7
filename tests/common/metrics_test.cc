#include "common/metrics/metrics.h"

#include <cmath>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/util/counters.h"
#include "tests/testing/exposition.h"

namespace newsflow::metrics {
namespace {

using ::newsflow::testing::ParseExposition;
using ::testing::HasSubstr;

TEST(MetricsTest, EveryFamilyHasHelpAndTypeAndParses) {
  Registry r;
  r.AddCounter("newsflow_test_events_total", "Events seen.", {{"outcome", "ok"}}).Inc(3);
  r.AddCounter("newsflow_test_events_total", "Events seen.", {{"outcome", "error"}}).Inc();
  r.AddGauge("newsflow_test_depth", "Queue depth.").Set(7);
  r.AddHistogram("newsflow_test_duration_seconds", "Time taken.", {0.1, 1}).Observe(0.5);
  r.AddCallback("newsflow_test_connected", "1 when connected.", Type::kGauge, [] { return 1.0; });
  auto parsed = ParseExposition(r.Render());
  ASSERT_TRUE(parsed.ok()) << parsed.status() << "\n" << r.Render();
  EXPECT_EQ(parsed->at("newsflow_test_events_total").type, "counter");
  EXPECT_EQ(parsed->at("newsflow_test_events_total").help, "Events seen.");
  EXPECT_EQ(parsed->Value("newsflow_test_events_total", {{"outcome", "ok"}}), 3);
  EXPECT_EQ(parsed->Value("newsflow_test_events_total", {{"outcome", "error"}}), 1);
  EXPECT_EQ(parsed->at("newsflow_test_depth").type, "gauge");
  EXPECT_EQ(parsed->Value("newsflow_test_depth"), 7);
  EXPECT_EQ(parsed->at("newsflow_test_duration_seconds").type, "histogram");
  EXPECT_EQ(parsed->Value("newsflow_test_connected"), 1);
}

TEST(MetricsTest, SameNameAndLabelsGiveTheSameSeries) {
  Registry r;
  Counter& a = r.AddCounter("x_total", "X.", {{"k", "v"}});
  r.AddCounter("y_total", "Y.");
  EXPECT_EQ(&a, &r.AddCounter("x_total", "X.", {{"k", "v"}}));
  EXPECT_NE(&a, &r.AddCounter("x_total", "X.", {{"k", "w"}}));
}

TEST(MetricsTest, HistogramBucketsAreCumulativeAndInclusive) {
  Registry r;
  Histogram& h = r.AddHistogram("t_seconds", "T.", {0.1, 1, 10});
  for (double v : {0.05, 0.1, 0.5, 1.0, 3.0, 100.0}) h.Observe(v);
  auto parsed = ParseExposition(r.Render());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->Value("t_seconds_bucket", {{"le", "0.1"}}), 2);  // 0.05 and 0.1 (le is inclusive)
  EXPECT_EQ(parsed->Value("t_seconds_bucket", {{"le", "1"}}), 4);
  EXPECT_EQ(parsed->Value("t_seconds_bucket", {{"le", "10"}}), 5);
  EXPECT_EQ(parsed->Value("t_seconds_bucket", {{"le", "+Inf"}}), 6);
  EXPECT_EQ(parsed->Value("t_seconds_count"), 6);
  EXPECT_DOUBLE_EQ(parsed->Value("t_seconds_sum"), 104.65);
}

TEST(MetricsTest, LabelValuesAndHelpAreEscaped) {
  Registry r;
  r.AddGauge("g", "Line one\nback\\slash.", {{"path", "a\"b\\c\nd"}}).Set(1);
  const std::string text = r.Render();
  EXPECT_THAT(text, HasSubstr("# HELP g Line one\\nback\\\\slash.\n"));
  EXPECT_THAT(text, HasSubstr("g{path=\"a\\\"b\\\\c\\nd\"} 1\n"));
  auto parsed = ParseExposition(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->Value("g", {{"path", "a\"b\\c\nd"}}), 1);
}

TEST(MetricsTest, ValuesAndNamesAreWrittenInTheFormat) {
  EXPECT_EQ(FormatValue(3), "3");
  EXPECT_EQ(FormatValue(0.25), "0.25");
  EXPECT_EQ(FormatValue(INFINITY), "+Inf");
  EXPECT_EQ(FormatValue(-INFINITY), "-Inf");
  EXPECT_EQ(FormatValue(NAN), "NaN");
  EXPECT_EQ(SanitizeName("store.http-errors"), "store_http_errors");
  EXPECT_EQ(SanitizeName("9lives"), "_lives");
}

TEST(MetricsTest, CountersCollectorServesACountersObject) {
  Counters counters;
  counters.Add("committed", 4);
  counters.Add("commit_errors");
  Registry r;
  r.AddGauge("newsflow_store_articles", "Articles.").Set(4);
  r.AddCollector(
      CountersCollector(counters, "newsflow_store", "Store events", {{"committed", "Articles committed."}}));
  auto parsed = ParseExposition(r.Render());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->at("newsflow_store_committed_total").help, "Articles committed.");
  EXPECT_EQ(parsed->Value("newsflow_store_committed_total"), 4);
  EXPECT_EQ(parsed->at("newsflow_store_commit_errors_total").help, "Store events: commit_errors.");
  counters.Add("committed");  // read at scrape time, not copied
  EXPECT_EQ(ParseExposition(r.Render())->Value("newsflow_store_committed_total"), 5);
}

TEST(MetricsTest, ConcurrentUpdatesAreNotLost) {
  Registry r;
  Counter& c = r.AddCounter("c_total", "C.");
  Gauge& g = r.AddGauge("g", "G.");
  Histogram& h = r.AddHistogram("h_seconds", "H.", {0.5});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20000; ++i) {
        c.Inc();
        g.Add(1);
        h.Observe(i % 2 == 0 ? 0.25 : 1);
      }
    });
  }
  std::string mid = r.Render();  // a scrape while they run still parses
  for (auto& t : threads) t.join();
  EXPECT_TRUE(ParseExposition(mid).ok());
  EXPECT_EQ(c.value(), 80000u);
  EXPECT_EQ(g.value(), 80000);
  const Histogram::Snapshot s = h.Read();
  EXPECT_EQ(s.cumulative[0], 40000u);
  EXPECT_EQ(s.cumulative[1], 80000u);
  EXPECT_DOUBLE_EQ(s.sum, 40000 * 0.25 + 40000 * 1.0);
}

TEST(ExpositionTest, RejectsWhatBreaksTheFormat) {
  EXPECT_FALSE(ParseExposition("x 1\n").ok());                                      // no TYPE
  EXPECT_FALSE(ParseExposition("# TYPE x gauge\nx 1\n").ok());                      // no HELP
  EXPECT_FALSE(ParseExposition("# HELP x X.\n# TYPE x counter\nx 1\n").ok());       // counter without _total
  EXPECT_FALSE(ParseExposition("# HELP x X.\n# TYPE x gauge\nx{a=\"1} 1\n").ok());  // unterminated
  EXPECT_FALSE(
      ParseExposition("# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_sum 1\nh_count 2\n").ok());
  EXPECT_TRUE(ParseExposition("# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} "
                              "3\nh_sum 1\nh_count 3\n")
                  .ok());
}

}  // namespace
}  // namespace newsflow::metrics

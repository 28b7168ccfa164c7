#include "services/store/trending.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "common/delivery/envelope_codec.h"
#include "common/delivery/topics.h"
#include "common/util/text.h"
#include "common/util/time.h"
#include "services/store/article_store.h"
#include "services/store/http_api.h"
#include "services/store/keys.h"
#include "services/store/query_handler.h"
#include "services/store/trending_publisher.h"
#include "tests/testing/test_util.h"

namespace newsflow::store {
namespace {

using ::newsflow::testing::IsOk;
using ::newsflow::testing::TempDir;
using ::newsflow::testing::WaitFor;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr int64_t kMinute = 60'000;

// The keys of a trending list, best first.
std::vector<std::string> Keys(const v1::Trending& t) {
  std::vector<std::string> keys;
  for (const auto& tag : t.tags()) keys.push_back(tag.key());
  return keys;
}

// A real ArticleStore in a temp dir. Times are relative to the real clock:
// the store stamps stored_at_ms with it and keeps counts for recent hours
// only.
class TrendingTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    store_.reset();
    auto opened = ArticleStore::Open({.path = dir_.Sub("db"), .sync_writes = false});
    ASSERT_THAT(opened, IsOk());
    store_ = *std::move(opened);
  }

  // Stores one article published `age_ms` before now_, in `lang`, with `tags`.
  void Add(int64_t age_ms, const std::string& lang, const std::vector<std::string>& tags) {
    AddAt(now_ - age_ms, lang, tags);
  }
  void AddAt(int64_t time_ms, const std::string& lang, const std::vector<std::string>& tags) {
    v1::Article a = ::newsflow::testing::MakeArticleWithTags(fmt::format("article-{}", next_++),
                                                             fmt::format("Story {}", next_), "Text.", tags);
    a.set_published_at_ms(time_ms);
    a.mutable_enrichment()->set_language(lang);
    pending_.push_back(std::move(a));
    if (pending_.size() >= 256) Flush();
  }
  void Flush() {
    if (pending_.empty()) return;
    ASSERT_THAT(store_->Upsert(pending_), IsOk());
    pending_.clear();
  }

  // Every whole hour of the 8 days before the hour in progress: 3 articles
  // on the weather and one on the markets, in English; one in Chinese on
  // the weather too. The same in every hour, so no tag of it rises.
  void AddSteadyWeek() {
    const int64_t this_hour = HourOf(now_);
    for (int64_t hour = this_hour - 8 * 24; hour < this_hour; ++hour) {
      const int64_t start = hour * kHourMs;
      for (int i = 0; i < 3; ++i) AddAt(start + (10 + 15 * i) * kMinute, "en", {"Weather", "City"});
      AddAt(start + 50 * kMinute, "en", {"Markets"});
      AddAt(start + 20 * kMinute, "zh", {"天气"});
    }
  }

  v1::Trending Trending(const std::string& lang = "", TrendWindow window = TrendWindow::k1h) {
    Flush();
    auto t = ComputeTrending(*store_, {.lang = lang, .window = window, .now_ms = now_});
    EXPECT_THAT(t, IsOk());
    return t.ok() ? *t : v1::Trending{};
  }

  TempDir dir_;
  std::unique_ptr<ArticleStore> store_;
  const int64_t now_ = NowMs();
  std::vector<v1::Article> pending_;
  int next_ = 0;
};

TEST_F(TrendingTest, SurgingTagRanksAboveSteadyFrequentTag) {
  AddSteadyWeek();
  // A story breaks in the last half hour; the markets double at the same time.
  for (int i = 0; i < 12; ++i) Add(i * 2 * kMinute, "en", {"Election", "City"});
  for (int i = 0; i < 6; ++i) Add(i * 5 * kMinute, "en", {"Markets"});
  const v1::Trending t = Trending();
  ASSERT_GE(t.tags_size(), 1);
  EXPECT_EQ(t.tags(0).key(), TagKey("Election"));
  EXPECT_EQ(t.tags(0).name(), "Election");
  EXPECT_EQ(t.tags(0).count(), 12u);
  EXPECT_EQ(t.tags(0).baseline(), 0u);
  // The weather is the most frequent tag of the week, but it did not rise.
  EXPECT_THAT(Keys(t), Not(Contains(TagKey("Weather"))));
  for (const auto& tag : t.tags()) {
    EXPECT_GT(static_cast<double>(tag.count()), tag.expected()) << tag.key();
    EXPECT_GT(tag.score(), 0) << tag.key();
  }
  // Rising from a known level scores, but below a story out of nowhere.
  auto markets = std::find_if(t.tags().begin(), t.tags().end(),
                              [](const auto& x) { return x.key() == TagKey("Markets"); });
  ASSERT_NE(markets, t.tags().end()) << t.DebugString();
  EXPECT_LT(markets->score(), t.tags(0).score());
  EXPECT_GT(markets->baseline(), 100u);
}

TEST_F(TrendingTest, MinimumCountIsRespected) {
  AddSteadyWeek();
  for (uint64_t i = 0; i + 1 < kTrendingMinCount; ++i) Add(static_cast<int64_t>(i) * kMinute, "en", {"Rare"});
  EXPECT_THAT(Keys(Trending()), Not(Contains(TagKey("Rare"))));
  Add(30 * kMinute, "en", {"Rare"});
  EXPECT_THAT(Keys(Trending()), Contains(TagKey("Rare")));
}

TEST_F(TrendingTest, LanguageFilter) {
  AddSteadyWeek();
  for (int i = 0; i < 10; ++i) Add(i * 3 * kMinute, "zh", {"台风"});
  EXPECT_THAT(Keys(Trending("zh")), ElementsAre(TagKey("台风")));
  EXPECT_THAT(Keys(Trending("ZH")), ElementsAre(TagKey("台风")));
  EXPECT_THAT(Keys(Trending("en")), IsEmpty());
  EXPECT_THAT(Keys(Trending()), Contains(TagKey("台风")));
  EXPECT_EQ(Trending("ZH").lang(), "zh");
}

TEST_F(TrendingTest, TwentyFourHourWindowAgainstTheWeekBefore) {
  AddSteadyWeek();
  // Mentioned all day today, never before: trending over 24 h; over the
  // last hour it is quiet.
  for (int i = 0; i < 20; ++i) Add((3 + i) * kHourMs, "en", {"Strike"});
  EXPECT_THAT(Keys(Trending("", TrendWindow::k24h)), Contains(TagKey("Strike")));
  EXPECT_THAT(Keys(Trending("", TrendWindow::k1h)), Not(Contains(TagKey("Strike"))));
  const v1::Trending t = Trending("", TrendWindow::k24h);
  EXPECT_EQ(t.window(), "24h");
  EXPECT_EQ(t.window_start_ms(), (HourOf(now_) - 24) * kHourMs);
  EXPECT_EQ(t.baseline_start_ms(), t.window_start_ms() - kTrendingBaselineHours * kHourMs);
}

TEST_F(TrendingTest, CountsSurviveARestart) {
  AddSteadyWeek();
  for (int i = 0; i < 8; ++i) Add(i * kMinute, "en", {"Election"});
  const v1::Trending before = Trending();
  ASSERT_THAT(Keys(before), Contains(TagKey("Election")));
  Open();
  const v1::Trending after = Trending();
  EXPECT_EQ(after.SerializeAsString(), before.SerializeAsString());
}

TEST_F(TrendingTest, ANewVersionMovesItsCounts) {
  v1::Article a = ::newsflow::testing::MakeArticleWithTags("versioned", "Title", "Text.", {"Old Tag"});
  a.set_published_at_ms(now_ - kMinute);
  a.mutable_enrichment()->set_language("en");
  std::vector<v1::Article> batch{a};
  ASSERT_THAT(store_->Upsert(batch), IsOk());
  a.set_version("v2");
  a.mutable_enrichment()->clear_tags();
  a.mutable_enrichment()->add_tags()->set_name("New Tag");
  batch = {a};
  ASSERT_THAT(store_->Upsert(batch), IsOk());
  std::map<std::string, int64_t> counts;
  ASSERT_THAT(
      store_->ScanTagHours("en", HourOf(now_) - 2, HourOf(now_),
                           [&](int64_t, std::string_view key, int64_t n) { counts[std::string(key)] += n; }),
      IsOk());
  EXPECT_EQ(counts, (std::map<std::string, int64_t>{{TagKey("New Tag"), 1}}));
}

TEST_F(TrendingTest, OldHoursArePruned) {
  AddSteadyWeek();
  Flush();
  auto count_hours = [&] {
    int n = 0;
    EXPECT_THAT(store_->ScanTagHours(kAllLanguagesScope, HourOf(now_) - 1000, HourOf(now_),
                                     [&](int64_t, std::string_view, int64_t) { ++n; }),
                IsOk());
    return n;
  };
  const int all = count_hours();
  ASSERT_THAT(store_->PruneTagHours(HourOf(now_) - 24), IsOk());
  EXPECT_LT(count_hours(), all);
  EXPECT_GT(count_hours(), 0);
  int64_t oldest = HourOf(now_);
  ASSERT_THAT(
      store_->ScanTagHours("zh", HourOf(now_) - 1000, HourOf(now_),
                           [&](int64_t hour, std::string_view, int64_t) { oldest = std::min(oldest, hour); }),
      IsOk());
  EXPECT_GE(oldest, HourOf(now_) - 24);
}

TEST_F(TrendingTest, BadRequests) {
  EXPECT_EQ(ComputeTrending(*store_, {.limit = 0, .now_ms = now_}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ComputeTrending(*store_, {.limit = kMaxTrendingLimit + 1, .now_ms = now_}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseTrendWindow("2h"), std::nullopt);
  EXPECT_EQ(ParseTrendWindow(""), TrendWindow::k1h);
  v1::QueryRequest q;
  q.mutable_trending()->set_window("7d");
  v1::QueryResponse r = ExecuteQuery(*store_, q, {}, {});
  EXPECT_FALSE(r.ok());
}

TEST_F(TrendingTest, QuerySocketAnswer) {
  AddSteadyWeek();
  for (int i = 0; i < 9; ++i) Add(i * kMinute, "en", {"Election"});
  Flush();
  v1::QueryRequest q;
  q.set_limit(1);
  q.mutable_trending()->set_window("1h");
  v1::QueryResponse r = ExecuteQuery(*store_, q, {}, {});
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r.trending().window(), "1h");
  ASSERT_EQ(r.trending().tags_size(), 1);
  EXPECT_EQ(r.trending().tags(0).key(), TagKey("Election"));
}

// /v1/trending on a real HTTP server on loopback.
TEST_F(TrendingTest, HttpShapes) {
  AddSteadyWeek();
  for (int i = 0; i < 9; ++i) Add(i * kMinute, "en", {"Election"});
  Flush();
  HttpServer server(HttpServerOptions{.address = "127.0.0.1", .port = 0});
  InstallHttpApi(server, *store_, {}, nullptr);
  ASSERT_THAT(server.Start(), IsOk());
  httplib::Client client("127.0.0.1", server.port());
  for (const char* window : {"1h", "24h"}) {
    auto res = client.Get(fmt::format("/v1/trending?window={}&lang=en&limit=5", window));
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    nlohmann::json body = nlohmann::json::parse(res->body);
    EXPECT_EQ(body["window"], window);
    EXPECT_EQ(body["lang"], "en");
    for (const char* field : {"from", "to", "baseline_from"}) EXPECT_TRUE(body[field].is_string()) << field;
    ASSERT_TRUE(body["tags"].is_array());
    ASSERT_FALSE(body["tags"].empty()) << window;
    EXPECT_LE(body["tags"].size(), 5u);
    const nlohmann::json& top = body["tags"][0];
    EXPECT_EQ(top["key"], TagKey("Election"));
    EXPECT_EQ(top["name"], "Election");
    EXPECT_EQ(top["count"], 9);
    EXPECT_TRUE(top["baseline"].is_number_unsigned());
    EXPECT_TRUE(top["score"].is_number());
  }
  auto res = client.Get("/v1/trending");  // 1h by default
  ASSERT_TRUE(res);
  EXPECT_EQ(nlohmann::json::parse(res->body)["window"], "1h");
  for (const char* bad : {"/v1/trending?window=2h", "/v1/trending?limit=0", "/v1/trending?limit=101"}) {
    res = client.Get(bad);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << bad;
  }
  server.Stop();
}

TEST_F(TrendingTest, PublisherSendsChangedListsOnly) {
  AddSteadyWeek();
  for (int i = 0; i < 9; ++i) Add(i * kMinute, "en", {"Election"});
  Flush();
  TrendingPublisher publisher(*store_, std::chrono::milliseconds(20), [this] { return now_; });
  std::vector<TrendingPublisher::Message> got;
  ASSERT_TRUE(WaitFor([&] {
    for (auto& m : publisher.Take()) got.push_back(std::move(m));
    return publisher.Rounds() >= 2;
  }));
  for (auto& m : publisher.Take()) got.push_back(std::move(m));
  std::map<std::string, v1::Trending> by_topic;
  for (const auto& [topic, payload] : got) {
    auto envelope = DecodeEnvelope(payload);
    ASSERT_THAT(envelope, IsOk());
    ASSERT_EQ(envelope->payload_case(), v1::Envelope::kTrending);
    EXPECT_FALSE(by_topic.contains(topic)) << "published twice without a change: " << topic;
    by_topic[topic] = envelope->trending();
  }
  ASSERT_TRUE(by_topic.contains(TrendingTopic("1h", "")));
  EXPECT_EQ(by_topic[TrendingTopic("1h", "")].tags(0).key(), TagKey("Election"));
  EXPECT_TRUE(by_topic.contains(TrendingTopic("1h", "en")));
  EXPECT_FALSE(by_topic.contains(TrendingTopic("1h", "zh")));  // nothing rose there

  // A new story changes the list: published again.
  for (int i = 0; i < 6; ++i) Add(i * kMinute, "zh", {"台风"});
  Flush();
  ASSERT_TRUE(WaitFor([&] {
    for (auto& m : publisher.Take()) {
      if (m.first == TrendingTopic("1h", "zh")) return true;
    }
    return false;
  }));
}

TEST(TrendingTopicTest, TopicsAreExact) {
  EXPECT_EQ(TrendingTopic("1h", ""), "trending.2:1h");
  EXPECT_EQ(TrendingTopic("24h", "zh"), "trending.24h.2:zh");
  // A subscription to one list matches no other list's topic.
  const std::vector<std::string> topics = {TrendingTopic("1h", ""), TrendingTopic("24h", ""),
                                           TrendingTopic("1h", "en"), TrendingTopic("24h", "en"),
                                           TrendingTopic("1h", "en-gb")};
  for (const auto& a : topics) {
    for (const auto& b : topics) {
      if (a != b) EXPECT_FALSE(b.starts_with(a)) << a << " matches " << b;
    }
  }
}

}  // namespace
}  // namespace newsflow::store

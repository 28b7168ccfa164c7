#include "services/store/stream_subscriber.h"

#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/services/store/store_test_fixture.h"

namespace newsflow::store::testing {
namespace {

using ::newsflow::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

// Runs a StreamSubscriber on its own thread and records what it delivers.
class Collector {
 public:
  Collector(zmq::context_t& context, SubscriberOptions options) : subscriber_(context, std::move(options)) {
    thread_ = std::jthread([this](std::stop_token stop) {
      absl::Status s = subscriber_.Run(stop, [this](const v1::Article& a) {
        std::lock_guard lock(mu_);
        articles_.push_back(a);
        return true;
      });
      std::lock_guard lock(mu_);
      status_ = s;
      done_ = true;
    });
  }
  ~Collector() { Stop(); }
  void Stop() {
    if (thread_.joinable()) {
      thread_.request_stop();
      thread_.join();
    }
  }
  std::vector<v1::Article> Articles() {
    std::lock_guard lock(mu_);
    return articles_;
  }
  bool HasTitle(const std::string& title) {
    for (const auto& a : Articles()) {
      if (a.title() == title) return true;
    }
    return false;
  }

 private:
  StreamSubscriber subscriber_;
  std::mutex mu_;
  std::vector<v1::Article> articles_;
  absl::Status status_;
  bool done_ = false;
  std::jthread thread_;
};

std::vector<std::string> Titles(const std::vector<v1::Article>& articles) {
  std::vector<std::string> titles;
  for (const auto& a : articles) titles.push_back(a.title());
  return titles;
}

void ExpectStrictlyIncreasingSequences(const std::vector<v1::Article>& articles) {
  for (std::size_t i = 1; i < articles.size(); ++i) {
    EXPECT_GT(articles[i].sequence(), articles[i - 1].sequence())
        << "at " << i << ": " << ::testing::PrintToString(Titles(articles));
  }
}

class StreamSubscriberTest : public StoreServiceFixture {
 protected:
  SubscriberOptions Options() {
    SubscriberOptions o;
    o.publish_endpoint = publish_ep_;
    o.query_endpoint = query_ep_;
    o.query_timeout = 10s;
    return o;
  }
  // Pushes sentinel articles (with `tags`) until the collector shows one, so
  // everything pushed before has reached it live or through gap replay.
  void PushSentinelsUntilSeen(Collector& collector, const std::vector<std::string>& tags) {
    for (int i = 0; i < 200; ++i) {
      std::string title = "sentinel-" + std::to_string(i);
      Push(::newsflow::testing::MakeArticleWithTags(title, title, "s", tags));
      if (WaitFor([&] { return collector.HasTitle(title); }, 200ms)) return;
    }
    FAIL() << "no sentinel arrived";
  }
  static std::vector<v1::Article> WithoutSentinels(const std::vector<v1::Article>& in) {
    std::vector<v1::Article> out;
    for (const auto& a : in) {
      if (a.title().rfind("sentinel-", 0) != 0) out.push_back(a);
    }
    return out;
  }
};

TEST_F(StreamSubscriberTest, ReplaysStoredArticlesThenContinuesLiveWithoutDuplicates) {
  for (const char* t : {"S1", "S2", "S3"}) Push(MakeArticle(t, t, "stored"));
  ASSERT_TRUE(WaitForStored(3));

  SubscriberOptions options = Options();
  options.since = 0;
  Collector collector(context_, options);
  ASSERT_TRUE(WaitFor([&] { return collector.Articles().size() >= 3; }, 20s));

  for (const char* t : {"L1", "L2"}) Push(MakeArticle(t, t, "live"));
  PushSentinelsUntilSeen(collector, {});
  collector.Stop();

  std::vector<v1::Article> got = collector.Articles();
  ExpectStrictlyIncreasingSequences(got);
  EXPECT_THAT(Titles(WithoutSentinels(got)), ElementsAre("S1", "S2", "S3", "L1", "L2"));
}

TEST_F(StreamSubscriberTest, SinceSkipsWhatWasAlreadySeen) {
  for (const char* t : {"S1", "S2", "S3"}) Push(MakeArticle(t, t, "stored"));
  ASSERT_TRUE(WaitForStored(3));
  v1::QueryRequest q;
  q.set_get_id(MakeArticle("S1", "", "").id());
  auto s1 = Query(q);
  ASSERT_THAT(s1, IsOk());
  ASSERT_TRUE(s1->ok());

  SubscriberOptions options = Options();
  options.since = s1->articles(0).sequence();
  Collector collector(context_, options);
  ASSERT_TRUE(WaitFor([&] { return collector.Articles().size() >= 2; }, 20s));
  PushSentinelsUntilSeen(collector, {});
  collector.Stop();
  EXPECT_THAT(Titles(WithoutSentinels(collector.Articles())), ElementsAre("S2", "S3"));
}

TEST_F(StreamSubscriberTest, ReplayDeliversAReplacedArticleOnceAtItsNewestVersion) {
  v1::Article a = MakeArticle("a", "A", "first");
  Push(a);
  ASSERT_TRUE(WaitForStored(1));
  v1::Article changed = a;
  changed.set_text("second");
  changed.set_version("0000000000000002");
  Push(changed);
  Push(MakeArticle("b", "B", "x"));
  ASSERT_TRUE(WaitForStored(2));
  ASSERT_TRUE(WaitFor([&] {
    v1::QueryRequest q;
    q.set_get_id(a.id());
    auto r = Query(q);
    return r.ok() && r->ok() && r->articles(0).text() == "second";
  }));

  SubscriberOptions options = Options();
  options.since = 0;
  Collector collector(context_, options);
  PushSentinelsUntilSeen(collector, {});
  collector.Stop();
  std::vector<v1::Article> got = WithoutSentinels(collector.Articles());
  ASSERT_THAT(Titles(got), ElementsAre("A", "B"));
  EXPECT_EQ(got[0].text(), "second");
}

TEST_F(StreamSubscriberTest, TagFilterDeliversOnlyMatchingArticles) {
  Push(MakeArticle("s-ai", "stored ai", "x", "AI"));
  Push(MakeArticle("s-chips", "stored chips", "x", "Chips"));
  ASSERT_TRUE(WaitForStored(2));

  SubscriberOptions options = Options();
  options.since = 0;
  options.tag = "ai";
  Collector collector(context_, options);
  ASSERT_TRUE(WaitFor([&] { return collector.Articles().size() >= 1; }, 20s));
  Push(MakeArticle("l-chips", "live chips", "x", "Chips"));
  Push(MakeArticle("l-ai", "live ai", "x", "AI", "Chips"));
  PushSentinelsUntilSeen(collector, {"AI"});
  collector.Stop();

  std::vector<v1::Article> got = collector.Articles();
  ExpectStrictlyIncreasingSequences(got);
  EXPECT_THAT(Titles(WithoutSentinels(got)), ElementsAre("stored ai", "live ai"));
}

TEST_F(StreamSubscriberTest, LangFilterDeliversOnlyMatchingArticles) {
  v1::Article zh = MakeArticle("zh", "zh article", "x");
  zh.mutable_enrichment()->set_language("zh");
  Push(zh);
  Push(MakeArticle("en", "en article", "x"));
  ASSERT_TRUE(WaitForStored(2));
  SubscriberOptions options = Options();
  options.since = 0;
  options.lang = "zh";
  Collector collector(context_, options);
  for (int i = 0; i < 200 && !collector.HasTitle("zh-sentinel"); ++i) {
    v1::Article s = MakeArticle("zh-sentinel-" + std::to_string(i), "zh-sentinel", "x");
    s.mutable_enrichment()->set_language("zh");
    Push(s);
    WaitFor([&] { return collector.HasTitle("zh-sentinel"); }, 200ms);
  }
  collector.Stop();
  std::vector<std::string> titles = Titles(collector.Articles());
  ASSERT_FALSE(titles.empty());
  EXPECT_EQ(titles[0], "zh article");
  for (const auto& t : titles) EXPECT_NE(t, "en article");
}

TEST_F(StreamSubscriberTest, CallbackReturningFalseEndsRun) {
  Push(MakeArticle("a", "A", "x"));
  Push(MakeArticle("b", "B", "x"));
  ASSERT_TRUE(WaitForStored(2));
  SubscriberOptions options = Options();
  options.since = 0;
  StreamSubscriber subscriber(context_, options);
  std::vector<std::string> titles;
  absl::Status s = subscriber.Run(std::stop_token(), [&](const v1::Article& a) {
    titles.push_back(a.title());
    return false;
  });
  EXPECT_THAT(s, IsOk());
  EXPECT_THAT(titles, ElementsAre("A"));
}

TEST(StreamSubscriberNoStoreTest, ReplayWithoutAStoreIsDeadlineExceeded) {
  zmq::context_t context;
  SubscriberOptions options;
  options.publish_endpoint = UniqueInprocEndpoint("nobody-publish");
  options.query_endpoint = UniqueInprocEndpoint("nobody-query");
  options.since = 0;
  options.query_timeout = 100ms;
  StreamSubscriber subscriber(context, options);
  EXPECT_THAT(subscriber.Run(std::stop_token(), [](const v1::Article&) { return true; }),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
}

TEST(StreamSubscriberNoStoreTest, UndecodableStreamFramesAreCountedAndSkipped) {
  zmq::context_t context;
  std::string ep = UniqueInprocEndpoint("fake-publish");
  auto pub = OpenSocket(context, zmq::socket_type::pub, MakeEndpoint(ep, true, 1000));
  ASSERT_THAT(pub, IsOk());
  SubscriberOptions options;
  options.publish_endpoint = ep;
  StreamSubscriber subscriber(context, options);
  std::atomic<int> delivered{0};
  std::atomic<bool> done{false};
  absl::Status status;
  std::thread runner([&] {
    status = subscriber.Run(std::stop_token(), [&](const v1::Article&) { return ++delivered < 2; });
    done = true;
  });
  // Until the subscription takes effect messages are dropped; keep sending
  // [garbage, article] pairs. Run ends at the second article, which a
  // garbage frame preceded on an established subscription.
  for (uint64_t seq = 1; seq < 2000 && !done.load(); ++seq) {
    ASSERT_THAT(SendFrames(*pub, {std::string(kArticleTopic), "garbage"}), IsOk());
    v1::Envelope e = NewEnvelope();
    *e.mutable_article() = MakeArticle("x" + std::to_string(seq), "X", "x");
    e.mutable_article()->set_sequence(seq);
    ASSERT_THAT(SendFrames(*pub, {std::string(kArticleTopic), EncodeEnvelope(e)}), IsOk());
    WaitFor([&] { return done.load(); }, 10ms);
  }
  runner.join();
  EXPECT_THAT(status, IsOk());
  EXPECT_EQ(delivered.load(), 2);
  EXPECT_GE(subscriber.bad_frames(), 1u);
}

}  // namespace
}  // namespace newsflow::store::testing

#include "services/store/store_service.h"

#include <atomic>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include "common/delivery/term_counts.h"
#include "services/store/article_store.h"
#include "tests/services/store/store_test_fixture.h"

namespace newsflow::store::testing {
namespace {

using ::newsflow::testing::StatusIs;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Key;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

class StoreServiceTest : public StoreServiceFixture {};

TEST_F(StoreServiceTest, ReadyReportsTheBoundEndpoints) {
  EXPECT_EQ(endpoints_["store.input"], input_ep_);
  EXPECT_EQ(endpoints_["store.publish"], publish_ep_);
  EXPECT_EQ(endpoints_["store.acks"], acks_ep_);
  EXPECT_EQ(endpoints_["store.query"], query_ep_);
  EXPECT_THAT(endpoints_, Not(Contains(Key("store.http"))));
}

TEST_F(StoreServiceTest, AcksANewArticleOnItsOriginTopic) {
  zmq::socket_t acks = Sub(acks_ep_, {AckTopic(kOrigin)});
  WarmUp(acks);
  v1::Article a = MakeArticle("a", "A", "text", "AI");
  Push(a);
  auto got = RecvSkippingProbes(acks);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->topic, "ack.ingest-test.");
  ASSERT_TRUE(got->envelope.has_ack());
  EXPECT_EQ(got->envelope.ack().article_id(), a.id());
  EXPECT_EQ(got->envelope.ack().version(), a.version());
  EXPECT_GT(got->envelope.ack().sequence(), 0u);
  EXPECT_FALSE(got->envelope.ack().duplicate());
}

TEST_F(StoreServiceTest, ForwardsAnEnrichFailureToItsOriginAsAFailedAck) {
  zmq::socket_t acks = Sub(acks_ep_, {AckTopic(kOrigin)});
  WarmUp(acks);
  v1::QueryRequest stats;
  stats.set_stats(true);
  auto before = Query(stats);
  ASSERT_THAT(before, IsOk());
  v1::Envelope bad = NewEnvelope();
  bad.mutable_enrich_failure()->set_article_id("x");  // no version, origin or reason: dropped
  PushFrames({EncodeEnvelope(bad)});
  v1::Envelope e = NewEnvelope();
  v1::EnrichFailure* f = e.mutable_enrich_failure();
  f->set_article_id("poison");
  f->set_version("v1");
  f->set_origin(kOrigin);
  f->set_worker("w/0");
  f->set_reason("enriching it crashed the worker process");
  PushFrames({EncodeEnvelope(e)});
  auto got = RecvSkippingProbes(acks);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->topic, AckTopic(kOrigin));
  ASSERT_TRUE(got->envelope.has_ack());
  EXPECT_EQ(got->envelope.ack().article_id(), "poison");
  EXPECT_EQ(got->envelope.ack().version(), "v1");
  EXPECT_EQ(got->envelope.ack().failure(), "enriching it crashed the worker process");
  EXPECT_EQ(got->envelope.ack().failed_worker(), "w/0");
  EXPECT_EQ(got->envelope.ack().sequence(), 0u);
  // Nothing was stored.
  auto after = Query(stats);
  ASSERT_THAT(after, IsOk());
  EXPECT_EQ(after->last_sequence(), before->last_sequence());
}

// A PUB socket silently drops what nobody subscribed to; the store tells
// an ack that reached its ingest from one whose ingest was away.
TEST_F(StoreServiceTest, AcksWithoutASubscriberAreCountedAsUnrouted) {
  auto counter = [&](const std::string& name) -> uint64_t {
    v1::QueryRequest stats;
    stats.set_stats(true);
    auto r = Query(stats);
    if (!r.ok()) return 0;
    auto it = r->counters().find(name);
    return it == r->counters().end() ? 0 : it->second;
  };
  Push(MakeArticle("away", "Away", "text", "AI"), "ingest-away");
  ASSERT_TRUE(WaitFor([&] { return counter("acks_unrouted") == 1; }, 10s));
  EXPECT_EQ(counter("acks_sent"), 0u);

  zmq::socket_t acks = Sub(acks_ep_, {AckTopic(kOrigin)});
  WarmUp(acks);  // probes pushed before the subscription arrived are unrouted too
  const uint64_t sent = counter("acks_sent");
  const uint64_t unrouted = counter("acks_unrouted");
  EXPECT_GE(sent, 1u);
  Push(MakeArticle("here", "Here", "text", "AI"));
  ASSERT_TRUE(RecvSkippingProbes(acks).has_value());
  EXPECT_TRUE(WaitFor([&] { return counter("acks_sent") == sent + 1; }, 10s));
  EXPECT_EQ(counter("acks_unrouted"), unrouted);
}

// Articles out of bounds never reach the database: one whose id, version
// and origin are sane is acked as a failure (its ingest dead-letters it with
// the reason); one that cannot be answered is only counted.
TEST_F(StoreServiceTest, RejectsArticlesOutOfBoundsAndAcksThemAsFailures) {
  zmq::socket_t acks = Sub(acks_ep_, {AckTopic(kOrigin)});
  WarmUp(acks);
  v1::QueryRequest stats;
  stats.set_stats(true);
  auto before = Query(stats);
  ASSERT_THAT(before, IsOk());

  v1::Article huge_id = MakeArticle("h", "Title", "Body", "AI");
  huge_id.set_id(std::string(100 * 1024, 'a'));
  Push(huge_id);
  v1::Article many_tags = MakeArticle("t", "Title", "Body", "AI");
  for (int i = 0; i < 50000; ++i) {
    v1::Tag* tag = many_tags.mutable_enrichment()->add_tags();
    tag->set_name("pwned");
    tag->set_key("pwned");
    tag->set_score(0.5);
  }
  Push(many_tags);
  v1::Article nan_score = MakeArticle("n", "Title", "Body", "AI");
  nan_score.mutable_enrichment()->mutable_tags(0)->set_score(std::nan(""));
  Push(nan_score);

  std::map<std::string, std::string> failures;
  while (failures.size() < 2) {
    auto got = RecvSkippingProbes(acks);
    ASSERT_TRUE(got.has_value()) << "missing failure acks";
    ASSERT_TRUE(got->envelope.has_ack());
    failures[got->envelope.ack().article_id()] = got->envelope.ack().failure();
    EXPECT_EQ(got->envelope.ack().failed_worker(), "store");
  }
  EXPECT_THAT(failures[many_tags.id()], ::testing::HasSubstr("enrichment.tags: 50001 tags"));
  EXPECT_THAT(failures[nan_score.id()], ::testing::HasSubstr("enrichment.tags[].score"));
  EXPECT_TRUE(WaitFor([&] { return Counter("articles_rejected") >= 3; }, 10s));
  auto after = Query(stats);
  ASSERT_THAT(after, IsOk());
  EXPECT_EQ(after->last_sequence(), before->last_sequence());  // nothing stored
  EXPECT_GE(Counter("bad_input_frames"), 3u);
}

// A SUB on one tag's topic gets nothing published for another tag, even one
// whose key starts with it and a dot ("node" and "node.js").
TEST_F(StoreServiceTest, TagSubscriptionIsExact) {
  zmq::socket_t node = Sub(publish_ep_, {TagTopic("node"), TagTopic("probe")});
  WarmUp(node);
  Push(::newsflow::testing::MakeArticleWithTags("js", "Title", "Body", {"node.js"}));
  Push(::newsflow::testing::MakeArticleWithTags("plain", "Title", "Body", {"node"}));
  auto got = RecvSkippingProbes(node);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->topic, TagTopic("node"));
  EXPECT_EQ(got->envelope.article().enrichment().tags(0).name(), "node");
  EXPECT_FALSE(RecvSkippingProbes(node, 300ms).has_value());
}

TEST_F(StoreServiceTest, AcksAreRoutedByOrigin) {
  zmq::socket_t acks = Sub(acks_ep_, {AckTopic(kOrigin)});
  WarmUp(acks);
  v1::Article theirs = MakeArticle("theirs", "Theirs", "x");
  v1::Article ours = MakeArticle("ours", "Ours", "x");
  Push(theirs, "ingest-other");
  Push(ours);
  auto got = RecvSkippingProbes(acks);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->envelope.ack().article_id(), ours.id());
}

TEST_F(StoreServiceTest, AckedArticleIsDurableAndQueryable) {
  zmq::socket_t acks = Sub(acks_ep_, {AckTopic(kOrigin)});
  WarmUp(acks);
  v1::Article a = MakeArticle("a", "A", "body");
  Push(a);
  ASSERT_TRUE(RecvSkippingProbes(acks).has_value());
  v1::QueryRequest q;
  q.set_get_id(a.id());
  auto r = Query(q);
  ASSERT_THAT(r, IsOk());
  ASSERT_TRUE(r->ok()) << r->error();
  EXPECT_EQ(r->articles(0).text(), "body");
  EXPECT_EQ(r->articles(0).origin(), kOrigin);
}

TEST_F(StoreServiceTest, PublishesOnEveryTopicOfTheArticle) {
  zmq::socket_t stream = Sub(publish_ep_, {""});
  WarmUp(stream);
  v1::Article a = MakeArticle("a", "A", "text", "AI", "Export  Controls");
  Push(a);
  std::multiset<std::string> topics;
  uint64_t sequence = 0;
  while (topics.size() < 5) {
    auto got = RecvSkippingProbes(stream);
    ASSERT_TRUE(got.has_value()) << "after " << topics.size() << " topics";
    ASSERT_TRUE(got->envelope.has_article());
    EXPECT_EQ(got->envelope.article().id(), a.id());
    sequence = got->envelope.article().sequence();
    topics.insert(got->topic);
  }
  EXPECT_THAT(topics, UnorderedElementsAre("article.", "tag.2:ai", "tag.14:export control", "lang.2:en",
                                           "source.8:src-test"));
  EXPECT_GT(sequence, 0u);
}

TEST_F(StoreServiceTest, DuplicateIsReAckedButNotRepublished) {
  zmq::socket_t acks = Sub(acks_ep_, {AckTopic(kOrigin)});
  zmq::socket_t stream = Sub(publish_ep_, {std::string(kArticleTopic)});
  WarmUp(acks);
  WarmUp(stream);
  v1::Article a = MakeArticle("a", "A", "text");
  Push(a);
  auto first_ack = RecvSkippingProbes(acks);
  ASSERT_TRUE(first_ack.has_value());
  auto first_event = RecvSkippingProbes(stream);
  ASSERT_TRUE(first_event.has_value());
  EXPECT_EQ(first_event->envelope.article().id(), a.id());

  Push(a);
  auto second_ack = RecvSkippingProbes(acks);
  ASSERT_TRUE(second_ack.has_value());
  EXPECT_EQ(second_ack->envelope.ack().article_id(), a.id());
  EXPECT_TRUE(second_ack->envelope.ack().duplicate());
  EXPECT_EQ(second_ack->envelope.ack().sequence(), first_ack->envelope.ack().sequence());

  v1::Article b = MakeArticle("b", "B", "text");
  Push(b);
  auto next_event = RecvSkippingProbes(stream);
  ASSERT_TRUE(next_event.has_value());
  EXPECT_EQ(next_event->envelope.article().id(), b.id()) << "the duplicate was published again";
  EXPECT_EQ(Counter("duplicates"), 1u);
}

TEST_F(StoreServiceTest, NewVersionIsPublishedWithANewSequence) {
  zmq::socket_t stream = Sub(publish_ep_, {std::string(kArticleTopic)});
  WarmUp(stream);
  v1::Article a = MakeArticle("a", "A", "first");
  Push(a);
  auto first = RecvSkippingProbes(stream);
  ASSERT_TRUE(first.has_value());
  v1::Article changed = a;
  changed.set_text("second");
  changed.set_version("0000000000000002");
  Push(changed);
  auto second = RecvSkippingProbes(stream);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->envelope.article().id(), a.id());
  EXPECT_EQ(second->envelope.article().text(), "second");
  EXPECT_GT(second->envelope.article().sequence(), first->envelope.article().sequence());
}

TEST_F(StoreServiceTest, GarbageIsCountedAndTheServiceKeepsWorking) {
  zmq::socket_t acks = Sub(acks_ep_, {AckTopic(kOrigin)});
  WarmUp(acks);
  std::mt19937 rng(7);
  std::string random_bytes(257, '\0');
  for (char& c : random_bytes) c = static_cast<char>(rng());
  v1::Envelope wrong_payload = NewEnvelope();
  wrong_payload.mutable_ack()->set_article_id("x");
  v1::Envelope no_version = NewEnvelope();
  *no_version.mutable_article() = MakeArticle("nov", "No version", "x");
  no_version.mutable_article()->clear_version();
  v1::Envelope valid_but_extra_frame = NewEnvelope();
  *valid_but_extra_frame.mutable_article() = MakeArticle("extra", "Extra", "x");
  v1::Envelope future = NewEnvelope();
  future.set_schema_version(kSchemaVersion + 1);
  *future.mutable_article() = MakeArticle("future", "Future", "x");

  PushFrames({random_bytes});
  PushFrames({""});
  PushFrames({"junk", std::string("\x00\x01", 2), "more junk"});
  PushFrames({EncodeEnvelope(wrong_payload)});
  PushFrames({EncodeEnvelope(no_version)});
  PushFrames({"routing", EncodeEnvelope(valid_but_extra_frame)});
  PushFrames({EncodeEnvelope(future)});

  v1::Article good = MakeArticle("good", "Good", "x");
  Push(good);
  auto ack = RecvSkippingProbes(acks);
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(ack->envelope.ack().article_id(), good.id());
  EXPECT_EQ(Counter("bad_input_frames"), 7u);
  for (const char* seed : {"nov", "extra", "future"}) {
    v1::QueryRequest q;
    q.set_get_id(MakeArticle(seed, "", "").id());
    auto r = Query(q);
    ASSERT_THAT(r, IsOk());
    EXPECT_FALSE(r->ok()) << seed << " was stored";
  }
}

TEST_F(StoreServiceTest, QuerySocketAnswersQueries) {
  zmq::socket_t acks = Sub(acks_ep_, {AckTopic(kOrigin)});
  WarmUp(acks);
  Push(MakeArticle("a", "A", "x", "AI"));
  ASSERT_TRUE(RecvSkippingProbes(acks).has_value());
  v1::QueryRequest q;
  q.set_by_tag("ai");
  auto r = Query(q);
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(r->ok());
  ASSERT_EQ(r->articles_size(), 1);
  EXPECT_EQ(r->articles(0).title(), "A");
  EXPECT_GT(r->last_sequence(), 0u);
}

TEST_F(StoreServiceTest, QuerySocketAnswersAGarbageRequestWithOkFalse) {
  auto dealer = OpenSocket(context_, zmq::socket_type::dealer, MakeEndpoint(query_ep_, false, 100));
  ASSERT_THAT(dealer, IsOk());
  ASSERT_THAT(SendFrames(*dealer, {"\xde\xad\xbe\xef not an envelope"}, false), IsOk());
  std::vector<zmq::pollitem_t> items{{dealer->handle(), 0, ZMQ_POLLIN, 0}};
  auto ready = Poll(items, 10s);
  ASSERT_THAT(ready, IsOk());
  ASSERT_EQ(*ready, 1) << "no answer to a bad request";
  auto frames = RecvFrames(*dealer);
  ASSERT_THAT(frames, IsOk());
  ASSERT_TRUE(frames->has_value());
  const auto& last = (**frames).back();
  auto reply = DecodeEnvelope(std::string_view(static_cast<const char*>(last.data()), last.size()));
  ASSERT_THAT(reply, IsOk());
  EXPECT_FALSE(reply->result().ok());
  EXPECT_THAT(reply->result().error(), HasSubstr("bad request"));
  EXPECT_EQ(Counter("bad_query_frames"), 1u);
}

TEST_F(StoreServiceTest, QuerySocketAnswersANonQueryEnvelopeWithOkFalse) {
  v1::Envelope request = NewEnvelope();
  request.mutable_ack()->set_article_id("x");
  auto reply = Request(context_, query_ep_, request, 10s);
  ASSERT_THAT(reply, IsOk());
  EXPECT_FALSE(reply->result().ok());
  EXPECT_THAT(reply->result().error(), HasSubstr("expected a query"));
}

TEST_F(StoreServiceTest, StopDrainsCleanly) {
  EXPECT_THAT(StopService(), IsOk());
  EXPECT_TRUE(finished_.load());
}

TEST_F(StoreServiceTest, RestartKeepsArticlesAndContinuesTheSequence) {
  Push(MakeArticle("a", "A", "x"));
  ASSERT_TRUE(WaitForStored(1));
  v1::QueryRequest since;
  since.set_since_seq(0);
  auto before = Query(since);
  ASSERT_THAT(before, IsOk());
  uint64_t last = before->last_sequence();
  ASSERT_THAT(StopService(), IsOk());
  StartService();
  Push(MakeArticle("b", "B", "x"));
  ASSERT_TRUE(WaitForStored(2));
  v1::QueryRequest get;
  get.set_get_id(MakeArticle("b", "", "").id());
  auto b = Query(get);
  ASSERT_THAT(b, IsOk());
  ASSERT_TRUE(b->ok());
  EXPECT_EQ(b->articles(0).sequence(), last + 1);
}

TEST_F(StoreServiceTest, SecondServiceOnTheSameDataDirFailsAtCreation) {
  zmq::context_t other;
  NewsflowConfig config = config_;
  EXPECT_THAT(MakeStoreService(config, other), StatusIs(absl::StatusCode::kUnavailable));
}

class StoreServiceHttpTest : public StoreServiceFixture {
 protected:
  std::string ExtraStoreYaml() const override {
    return "  http: {enabled: true, address: 127.0.0.1, port: 0, token: t0ken}\n";
  }
};

TEST_F(StoreServiceHttpTest, ServesHttpOnTheReportedPort) {
  Push(MakeArticle("a", "A", "x"));
  ASSERT_TRUE(WaitForStored(1));
  ASSERT_THAT(endpoints_, Contains(Key("store.http")));
  const std::string& url = endpoints_["store.http"];
  ASSERT_THAT(url, ::testing::StartsWith("http://127.0.0.1:"));
  int port = std::stoi(url.substr(url.rfind(':') + 1));
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(10);
  auto denied = client.Get("/v1/articles");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 401);
  auto res = client.Get("/v1/articles", {{"Authorization", "Bearer t0ken"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_THAT(res->body, HasSubstr("\"title\":\"A\""));
}

// Stops the service from inside its ready callback, with HTTP enabled: Run()
// must still return.
TEST(StoreServiceStopTest, StopRightAfterReadyWithHttpReturns) {
  // Heap state: if Run() never returns, its thread is detached and keeps using it.
  struct State {
    TempDir dir;
    zmq::context_t context;
    std::unique_ptr<Service> service;
    std::stop_source stop;
    std::atomic<bool> finished{false};
    absl::Status status;
  };
  auto* state = new State;
  auto config = ParseConfig(
      fmt::format("data_dir: {}\n"
                  "store:\n"
                  "  input: {}\n  publish: {}\n  acks: {}\n  query: {}\n"
                  "  http: {{enabled: true, port: 0}}\n"
                  "  sync_writes: false\n",
                  state->dir.path(), UniqueInprocEndpoint("stop-in"), UniqueInprocEndpoint("stop-pub"),
                  UniqueInprocEndpoint("stop-acks"), UniqueInprocEndpoint("stop-query")),
      "stop-test.yaml");
  ASSERT_THAT(config, IsOk());
  auto service = MakeStoreService(*config, state->context);
  ASSERT_THAT(service, IsOk());
  state->service = *std::move(service);
  std::thread runner([state] {
    state->status = state->service->Run(state->stop.get_token(),
                                        [state](const EndpointMap&) { state->stop.request_stop(); });
    state->finished = true;
  });
  if (!WaitFor([state] { return state->finished.load(); }, 30s)) {
    runner.detach();
    FAIL() << "Run() did not return after stop";
  }
  runner.join();
  EXPECT_THAT(state->status, IsOk());
  delete state;
}

}  // namespace
}  // namespace newsflow::store::testing

namespace newsflow::store::testing {
namespace {

class StoreTermCountsTest : public StoreServiceFixture {
 protected:
  void PushCounts(const std::string& origin, double documents, const std::vector<uint64_t>& terms,
                  const std::vector<double>& counts, bool want_snapshot = false) {
    v1::Envelope e = NewEnvelope();
    v1::TermCounts* c = e.mutable_term_counts();
    c->set_origin(origin);
    c->set_documents(documents);
    c->mutable_terms()->Add(terms.begin(), terms.end());
    c->mutable_counts()->Add(counts.begin(), counts.end());
    c->set_want_snapshot(want_snapshot);
    PushFrames({EncodeEnvelope(e)});
  }

  // Asks for the table until it arrives on `socket` (subscribed to the
  // snapshot topic of `origin`): the subscription takes effect
  // asynchronously, as for a real worker.
  std::optional<v1::TermCounts> AskForTable(zmq::socket_t& socket, const std::string& origin) {
    // Answers to earlier, repeated requests are stale.
    while (RecvOne(socket, 200ms)) {
    }
    for (int i = 0; i < 100; ++i) {
      PushCounts(origin, 0, {}, {}, /*want_snapshot=*/true);
      if (auto got = RecvOne(socket, 100ms)) {
        EXPECT_EQ(got->topic, TermCountsSnapshotTopic(origin));
        return got->envelope.term_counts();
      }
    }
    return std::nullopt;
  }

  static std::map<uint64_t, double> AsMap(const v1::TermCounts& c) {
    std::map<uint64_t, double> out;
    for (int i = 0; i < c.terms_size(); ++i) out[c.terms(i)] = c.counts(i);
    return out;
  }
};

TEST_F(StoreTermCountsTest, ReportsAreMergedRepublishedAndSurviveARestart) {
  zmq::socket_t table = Sub(term_counts_ep_, {TermCountsSnapshotTopic("w2/0")});
  auto empty = AskForTable(table, "w2/0");
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->documents(), 0);

  zmq::socket_t reports = Sub(term_counts_ep_, {kTermCountsTopic});
  // Until the subscription works, reports are lost to this socket (not to
  // the store); send until one comes back.
  std::optional<Received> echoed;
  double sent = 0;
  for (int i = 0; i < 100 && !echoed; ++i) {
    PushCounts("w1/0", 3, {11, 12}, {3, 1});
    sent += 3;
    echoed = RecvOne(reports, 100ms);
  }
  ASSERT_TRUE(echoed.has_value());
  EXPECT_EQ(echoed->topic, kTermCountsTopic);
  EXPECT_EQ(echoed->envelope.term_counts().origin(), "w1/0");
  EXPECT_EQ(echoed->envelope.term_counts().documents(), 3);

  // Malformed counts are reported and dropped.
  PushCounts("w1/0", 5, {13, 14}, {1});
  auto merged = AskForTable(table, "w2/0");
  ASSERT_TRUE(merged.has_value());
  EXPECT_EQ(merged->documents(), sent);
  EXPECT_EQ(AsMap(*merged), (std::map<uint64_t, double>{{11, sent}, {12, sent / 3}}));
  EXPECT_GE(Counter("bad_input_frames"), 1u);

  table.close();
  reports.close();
  ASSERT_THAT(StopService(), IsOk());
  StartService();
  zmq::socket_t again = Sub(term_counts_ep_, {TermCountsSnapshotTopic("w3/0")});
  auto saved = AskForTable(again, "w3/0");
  ASSERT_TRUE(saved.has_value());
  EXPECT_EQ(saved->documents(), sent);
  EXPECT_EQ(AsMap(*saved), AsMap(*merged));
}

// The gossip has a socket of its own: the acks socket carries acks only,
// whoever listens to all of it.
TEST_F(StoreTermCountsTest, GossipArrivesOnItsOwnSocketNotOnTheAcks) {
  zmq::socket_t everything_on_acks = Sub(acks_ep_, {""});
  WarmUp(everything_on_acks);  // from here on it hears whatever the acks socket sends
  zmq::socket_t reports = Sub(term_counts_ep_, {kTermCountsTopic});
  std::optional<Received> echoed;
  for (int i = 0; i < 100 && !echoed; ++i) {
    PushCounts("w1/0", 2, {31}, {1});
    echoed = RecvOne(reports, 100ms);
  }
  ASSERT_TRUE(echoed.has_value());
  EXPECT_EQ(echoed->topic, kTermCountsTopic);
  zmq::socket_t table = Sub(term_counts_ep_, {TermCountsSnapshotTopic("w2/0")});
  ASSERT_TRUE(AskForTable(table, "w2/0").has_value());
  v1::Article a = MakeArticle("after-gossip", "A", "text", "AI");
  Push(a);
  bool acked = false;
  while (auto got = RecvOne(everything_on_acks, 500ms)) {
    EXPECT_TRUE(AckTopicInstance(got->topic).has_value()) << got->topic;
    ASSERT_TRUE(got->envelope.has_ack());
    acked = acked || got->envelope.ack().article_id() == a.id();
  }
  EXPECT_TRUE(acked);
}

// A worker configured before store.term_counts existed subscribes to the
// gossip on the acks socket; it is served there too.
TEST_F(StoreTermCountsTest, WorkerStillOnTheAcksSocketIsServedThere) {
  zmq::socket_t table = Sub(acks_ep_, {TermCountsSnapshotTopic("old/0")});
  auto got = AskForTable(table, "old/0");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->documents(), 0);
  zmq::socket_t reports = Sub(acks_ep_, {kTermCountsTopic});
  std::optional<Received> echoed;
  for (int i = 0; i < 100 && !echoed; ++i) {
    PushCounts("w1/0", 2, {41}, {1});
    echoed = RecvOne(reports, 100ms);
  }
  ASSERT_TRUE(echoed.has_value());
  EXPECT_EQ(echoed->envelope.term_counts().origin(), "w1/0");
}

// Reports of 1e308 documents once made the shared table inf; out-of-bounds
// reports are now rejected and the table stays as it was.
TEST_F(StoreTermCountsTest, PoisonedReportsAreRejected) {
  zmq::socket_t table = Sub(term_counts_ep_, {TermCountsSnapshotTopic("w2/0")});
  ASSERT_TRUE(AskForTable(table, "w2/0").has_value());
  PushCounts("w1/0", 4, {21, 22}, {4, 2});
  PushCounts("evil", 1e308, {21}, {1e308});
  PushCounts("evil", 1e308, {21}, {1e308});
  PushCounts("evil", 5, {21}, {std::nan("")});
  PushCounts("evil", 5, {21}, {-3});
  PushCounts("evil", 5, {21}, {6000});
  PushCounts("evil", std::numeric_limits<double>::infinity(), {21}, {1});
  ASSERT_TRUE(WaitFor([&] { return Counter("term_counts_rejected") >= 6; }, 10s));
  auto merged = AskForTable(table, "w2/0");
  ASSERT_TRUE(merged.has_value());
  EXPECT_EQ(merged->documents(), 4);
  EXPECT_EQ(AsMap(*merged), (std::map<uint64_t, double>{{21, 4}, {22, 2}}));
}

// A saved table that does not pass the checks (here: inf) is not silently
// dropped: it is counted and logged as an error at start.
TEST_F(StoreTermCountsTest, InvalidSavedTableIsCountedAtStart) {
  ASSERT_THAT(StopService(), IsOk());
  {
    auto db = ArticleStore::Open({config_.store.data_dir, false});
    ASSERT_THAT(db, IsOk());
    v1::TermCounts poisoned;
    poisoned.set_documents(std::numeric_limits<double>::infinity());
    poisoned.add_terms(1);
    poisoned.add_counts(std::numeric_limits<double>::infinity());
    ASSERT_THAT((*db)->SaveTermCounts(poisoned), IsOk());
  }
  StartService();
  EXPECT_EQ(Counter("term_counts_load_errors"), 1u);
  zmq::socket_t table = Sub(term_counts_ep_, {TermCountsSnapshotTopic("w2/0")});
  auto fresh = AskForTable(table, "w2/0");
  ASSERT_TRUE(fresh.has_value());
  EXPECT_EQ(fresh->documents(), 0);
}

// Under steady load the input never runs dry; the table must still be saved
// every term_counts_save_interval_ms, not only when the store is idle (else a
// kill -9 loses everything learned since the last quiet moment).
class StoreTermCountsSaveTest : public StoreTermCountsTest {
 protected:
  std::string ExtraStoreYaml() const override {
    return "  http: {enabled: false}\n  term_counts_save_interval_ms: 100\n";
  }
};

TEST_F(StoreTermCountsSaveTest, TableIsSavedWhileArticlesKeepComing) {
  PushCounts("w1/0", 4, {31}, {4});
  ASSERT_TRUE(WaitFor([&] { return Counter("term_counts_received") >= 1; }, 10s));
  const uint64_t saves_before = Counter("term_counts_saves");
  std::atomic<bool> done{false};
  std::thread load([&] {
    auto push = OpenSocket(context_, zmq::socket_type::push, MakeEndpoint(input_ep_, false, 1000));
    ASSERT_THAT(push, IsOk());
    for (int i = 0; !done.load(); ++i) {
      v1::Article a = MakeArticle(fmt::format("load-{}", i), "Title", "Body", "AI");
      a.set_origin(kOrigin);
      v1::Envelope e = NewEnvelope();
      *e.mutable_article() = a;
      (void)SendFrames(*push, {EncodeEnvelope(e)}, /*dontwait=*/false);
      if (i % 50 == 0) {
        v1::Envelope c = NewEnvelope();
        c.mutable_term_counts()->set_origin("w1/0");
        c.mutable_term_counts()->set_documents(1);
        c.mutable_term_counts()->add_terms(31);
        c.mutable_term_counts()->add_counts(1);
        (void)SendFrames(*push, {EncodeEnvelope(c)}, /*dontwait=*/false);
      }
    }
  });
  const bool saved = WaitFor([&] { return Counter("term_counts_saves") > saves_before; }, 3s);
  done = true;
  load.join();
  EXPECT_TRUE(saved) << "no save of the table during 3 s of load";
}

// A full disk is an outage the store rides out: it stops acking (ingest
// keeps everything), reports it on /readyz and /healthz, and once space is
// back it commits and acks what it held, by itself. Needs a tmpfs (root).
class StoreDiskFullTest : public StoreServiceFixture {
 protected:
  void SetUp() override {
    if (!disk_.available()) GTEST_SKIP() << "mounting a tmpfs needs CAP_SYS_ADMIN";
    StoreServiceFixture::SetUp();
  }
  std::string StoreDataDir() const override { return disk_.Sub("store"); }
  std::string ExtraStoreYaml() const override { return "  http: {enabled: true, port: 0}\n"; }

  std::optional<httplib::Result> Get(const std::string& path) {
    httplib::Client client(endpoints_.at("store.http"));
    client.set_read_timeout(10);
    return client.Get(path);
  }

  ::newsflow::testing::SmallFilesystem disk_{256 << 20};
};

TEST_F(StoreDiskFullTest, StopsAckingWhileTheDiskIsFullAndCatchesUpWhenSpaceReturns) {
  zmq::socket_t acks = Sub(acks_ep_, {AckTopic(kOrigin)});
  WarmUp(acks);
  disk_.Fill(/*leave_bytes=*/256 << 10);
  const std::string body(256 << 10, 'x');
  std::set<std::string> pushed;
  std::set<std::string> acked;
  bool stalled = false;
  for (int i = 0; i < 1000 && !stalled; ++i) {
    v1::Article a = MakeArticle(fmt::format("big-{}", i), fmt::format("Title {}", i), body, "AI");
    pushed.insert(a.id());
    Push(a);
    auto got = RecvSkippingProbes(acks, 3s);
    if (!got.has_value()) {
      stalled = true;
      break;
    }
    ASSERT_TRUE(got->envelope.has_ack());
    EXPECT_TRUE(got->envelope.ack().failure().empty());
    acked.insert(got->envelope.ack().article_id());
  }
  ASSERT_TRUE(stalled) << "the disk never filled";
  auto ready = Get("/readyz");
  ASSERT_TRUE(ready.has_value() && *ready);
  EXPECT_EQ((*ready)->status, 503) << (*ready)->body;
  EXPECT_THAT((*ready)->body, HasSubstr("commits failing"));
  auto health = Get("/healthz");
  ASSERT_TRUE(health.has_value() && *health);
  EXPECT_EQ((*health)->status, 200);
  EXPECT_THAT((*health)->body, HasSubstr("degraded"));

  disk_.Free();
  while (acked.size() < pushed.size()) {
    auto got = RecvSkippingProbes(acks, 60s);
    ASSERT_TRUE(got.has_value()) << "acked " << acked.size() << " of " << pushed.size();
    acked.insert(got->envelope.ack().article_id());
  }
  EXPECT_EQ(acked, pushed);
  auto recovered = Get("/readyz");
  ASSERT_TRUE(recovered.has_value() && *recovered);
  EXPECT_EQ((*recovered)->status, 200) << (*recovered)->body;
}

}  // namespace
}  // namespace newsflow::store::testing

#include "common/delivery/ack.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/delivery/topics.h"
#include "common/log/logging.h"
#include "common/transport/message_validation.h"
#include "common/transport/zmq_socket.h"
#include "tests/testing/test_util.h"

namespace newsflow {
namespace {

using ::newsflow::testing::IsOk;
using ::newsflow::testing::UniqueInprocEndpoint;
using ::newsflow::testing::WaitFor;
using namespace std::chrono_literals;

TEST(AckTopicTest, InstanceRoundTrips) {
  for (const std::string& id :
       std::vector<std::string>{"ingest-0", "eu_west-12", "a", std::string(64, 'x')}) {
    const std::string topic = AckTopic(id);
    EXPECT_TRUE(topic.starts_with(kAckTopicPrefix)) << topic;
    auto back = AckTopicInstance(topic);
    ASSERT_TRUE(back.has_value()) << topic;
    EXPECT_EQ(*back, id);
  }
}

TEST(AckTopicTest, OtherTopicsNameNoInstance) {
  for (const std::string& topic :
       std::vector<std::string>{"ack.", "ack..", "ack.ingest-0", "ack.a.b.", "ack.bad id.", "ack.a:b.", "df.",
                                "dfs.3:w/0", "article.", "", "ack." + std::string(65, 'x') + "."}) {
    EXPECT_FALSE(AckTopicInstance(topic).has_value()) << topic;
  }
  // One instance's subscription never prefix-matches another's acks.
  EXPECT_FALSE(AckTopic("ingest-10").starts_with(AckTopic("ingest-1")));
}

TEST(AckTopicTest, GossipTopicsAreTellable) {
  EXPECT_TRUE(IsTermCountsTopic(kTermCountsTopic));
  EXPECT_TRUE(IsTermCountsTopic(TermCountsSnapshotTopic("host/0")));
  EXPECT_FALSE(IsTermCountsTopic(AckTopic("df")));
  EXPECT_FALSE(IsTermCountsTopic(kArticleTopic));
  EXPECT_FALSE(IsTermCountsTopic(""));
  // "df." does not prefix-match a snapshot topic.
  EXPECT_FALSE(TermCountsSnapshotTopic("x").starts_with(kTermCountsTopic));
}

TEST(MakeAckTest, AcksPassTheReceiversChecks) {
  v1::Envelope ok = MakeAck("0123abcd", "v1", 42, /*duplicate=*/true);
  ASSERT_TRUE(ok.has_ack());
  EXPECT_EQ(ok.ack().sequence(), 42u);
  EXPECT_TRUE(ok.ack().duplicate());
  EXPECT_TRUE(ok.ack().failure().empty());
  EXPECT_THAT(ValidateAck(ok.ack()), IsOk());

  // A worker's long, broken reason is cut and repaired before it travels.
  const std::string reason = std::string(3000, 'r') + "\xff\xfe";
  v1::Envelope failed = MakeFailureAck("0123abcd", "v1", reason, "worker\xc3");
  EXPECT_LE(failed.ack().failure().size(), kMaxAckFailureReasonBytes);
  EXPECT_TRUE(failed.ack().failure().starts_with("rrrr"));
  EXPECT_THAT(ValidateAck(failed.ack()), IsOk());
  EXPECT_EQ(failed.ack().failed_worker().find('\xc3'), std::string::npos);
}

// Subscriptions reach the publisher asynchronously: reads them until `done`.
bool WaitForSubscriptions(AckPublisher& publisher, const std::function<bool()>& done) {
  return WaitFor([&] {
    publisher.ReadSubscriptions();
    return done();
  });
}

// Waits up to `timeout` for the acks `receiver` delivers.
std::vector<v1::Ack> ReceiveFor(AckReceiver& receiver, std::chrono::milliseconds timeout) {
  std::vector<v1::Ack> got;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::vector<zmq::pollitem_t> items{{receiver.socket().handle(), 0, ZMQ_POLLIN, 0}};
    (void)Poll(items, 10ms);
    EXPECT_THAT(receiver.Receive(100, [&](const v1::Ack& ack) { got.push_back(ack); }), IsOk());
  }
  return got;
}

TEST(AckPathTest, AnAckReachesItsInstanceOnly) {
  zmq::context_t context;
  const std::string ep = UniqueInprocEndpoint("acks");
  AckPublisher publisher;
  ASSERT_THAT(publisher.Open(context, MakeEndpoint(ep, true, 1000), 0ms), IsOk());
  AckReceiver a(NullLogger(), "a.acks");
  AckReceiver b(NullLogger(), "b.acks");
  ASSERT_THAT(a.Open(context, MakeEndpoint(ep, false, 1000), "ingest-a"), IsOk());
  ASSERT_THAT(b.Open(context, MakeEndpoint(ep, false, 1000), "ingest-b"), IsOk());
  ASSERT_TRUE(WaitForSubscriptions(publisher, [&] {
    return publisher.HasSubscriber(AckTopic("ingest-a")) && publisher.HasSubscriber(AckTopic("ingest-b"));
  }));

  EXPECT_EQ(publisher.Send("ingest-a", MakeAck("00aa", "v1", 7, false)), AckPublisher::Outcome::kSent);
  EXPECT_EQ(publisher.Send("ingest-a", MakeFailureAck("00ab", "v2", "too slow", "w/0")),
            AckPublisher::Outcome::kSent);
  // Nobody listens for ingest-c: the ack is not sent anywhere.
  EXPECT_EQ(publisher.Send("ingest-c", MakeAck("00ac", "v1", 8, false)), AckPublisher::Outcome::kUnrouted);

  std::vector<v1::Ack> got = ReceiveFor(a, 300ms);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].article_id(), "00aa");
  EXPECT_EQ(got[0].sequence(), 7u);
  EXPECT_EQ(got[1].article_id(), "00ab");
  EXPECT_EQ(got[1].failure(), "too slow");
  EXPECT_TRUE(ReceiveFor(b, 100ms).empty());
  EXPECT_EQ(a.bad_messages(), 0u);

  // An instance that goes away is forgotten: its acks are unrouted again.
  b.Close();
  ASSERT_TRUE(
      WaitForSubscriptions(publisher, [&] { return !publisher.HasSubscriber(AckTopic("ingest-b")); }));
  EXPECT_EQ(publisher.Send("ingest-b", MakeAck("00ad", "v1", 9, false)), AckPublisher::Outcome::kUnrouted);
}

// A document-frequency subscriber on the acks socket (a worker configured
// before the gossip had its own socket) is told apart from the ingests.
TEST(AckPathTest, GossipSubscribersOnTheAcksSocketAreKnown) {
  zmq::context_t context;
  const std::string ep = UniqueInprocEndpoint("acks-legacy");
  AckPublisher publisher;
  ASSERT_THAT(publisher.Open(context, MakeEndpoint(ep, true, 1000), 0ms), IsOk());
  auto worker = OpenSocket(context, zmq::socket_type::sub, MakeEndpoint(ep, false, 1000));
  ASSERT_THAT(worker, IsOk());
  worker->set(zmq::sockopt::subscribe, kTermCountsTopic);
  worker->set(zmq::sockopt::subscribe, TermCountsSnapshotTopic("old/0"));
  ASSERT_TRUE(WaitForSubscriptions(publisher, [&] {
    return publisher.HasTermCountsSubscriber(kTermCountsTopic) &&
           publisher.HasTermCountsSubscriber(TermCountsSnapshotTopic("old/0"));
  }));
  EXPECT_FALSE(publisher.HasTermCountsSubscriber(TermCountsSnapshotTopic("new/0")));
  EXPECT_FALSE(publisher.HasSubscriber(kTermCountsTopic));
  worker->close();
  EXPECT_TRUE(
      WaitForSubscriptions(publisher, [&] { return !publisher.HasTermCountsSubscriber(kTermCountsTopic); }));
}

// Whatever arrives on the acks socket, only well-formed acks reach the
// outbox; the rest is counted, and the receiver goes on.
TEST(AckPathTest, ReceiverDropsMalformedMessages) {
  zmq::context_t context;
  const std::string ep = UniqueInprocEndpoint("acks-bad");
  auto pub = OpenSocket(context, zmq::socket_type::pub, MakeEndpoint(ep, true, 1000));
  ASSERT_THAT(pub, IsOk());
  AckReceiver receiver(NullLogger(), "ingest.acks");
  ASSERT_THAT(receiver.Open(context, MakeEndpoint(ep, false, 1000), "ingest-0"), IsOk());
  const std::string topic = AckTopic("ingest-0");
  // Until the subscription works, sends are lost: send until one arrives.
  bool warm = false;
  for (int i = 0; i < 200 && !warm; ++i) {
    ASSERT_THAT(SendFrames(*pub, {topic, EncodeEnvelope(MakeAck("0000", "warm", 1, false))}), IsOk());
    warm = !ReceiveFor(receiver, 10ms).empty();
  }
  ASSERT_TRUE(warm);
  (void)ReceiveFor(receiver, 50ms);  // the rest of the warm-up acks

  v1::Envelope not_an_ack = NewEnvelope();
  not_an_ack.mutable_term_counts()->set_origin("w/0");
  const std::vector<std::vector<std::string>> bad = {
      {topic},
      {topic, "\xff garbage"},
      {topic, EncodeEnvelope(not_an_ack)},
      {topic, "extra", EncodeEnvelope(MakeAck("00ee", "v1", 1, false))},
      {topic + "x", EncodeEnvelope(MakeAck("00ef", "v1", 1, false))},  // matches the filter, not the topic
  };
  for (const auto& frames : bad) ASSERT_THAT(SendFrames(*pub, frames), IsOk());
  ASSERT_THAT(SendFrames(*pub, {topic, EncodeEnvelope(MakeAck("00ff", "v1", 3, false))}), IsOk());
  std::vector<v1::Ack> got = ReceiveFor(receiver, 300ms);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].article_id(), "00ff");
  EXPECT_EQ(receiver.bad_messages(), bad.size());
}

}  // namespace
}  // namespace newsflow

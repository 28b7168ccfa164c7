#include "common/transport/zmq_socket.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/test_util.h"

namespace newsflow {
namespace {

using ::newsflow::testing::IsOk;
using ::newsflow::testing::StatusIs;
using ::newsflow::testing::UniqueInprocEndpoint;
using ::testing::ElementsAre;
using ::testing::StartsWith;

std::vector<std::string> ToStrings(const std::vector<zmq::message_t>& frames) {
  std::vector<std::string> out;
  for (const auto& f : frames) out.push_back(f.to_string());
  return out;
}

// Receives one message, polling up to a generous deadline.
std::vector<std::string> RecvWithin(zmq::socket_t& socket, std::chrono::milliseconds timeout =
                                                               std::chrono::seconds(10)) {
  std::vector<zmq::pollitem_t> items{{socket.handle(), 0, ZMQ_POLLIN, 0}};
  auto ready = Poll(items, timeout);
  EXPECT_THAT(ready, IsOk());
  if (!ready.ok() || *ready == 0) return {};
  auto frames = RecvFrames(socket);
  EXPECT_THAT(frames, IsOk());
  if (!frames.ok() || !frames->has_value()) return {};
  return ToStrings(**frames);
}

TEST(ZmqSocketTest, MultipartRoundTripOverInproc) {
  zmq::context_t context;
  std::string ep = UniqueInprocEndpoint("zmq-roundtrip");
  auto pull = OpenSocket(context, zmq::socket_type::pull, MakeEndpoint(ep, true, 10));
  ASSERT_THAT(pull, IsOk());
  auto push = OpenSocket(context, zmq::socket_type::push, MakeEndpoint(ep, false, 10));
  ASSERT_THAT(push, IsOk());
  ASSERT_THAT(SendFrames(*push, {"topic", "", std::string("\0bin", 4)}, /*dontwait=*/false), IsOk());
  EXPECT_THAT(RecvWithin(*pull), ElementsAre("topic", "", std::string("\0bin", 4)));
}

TEST(ZmqSocketTest, RecvWithNothingQueuedIsNullopt) {
  zmq::context_t context;
  auto pull = OpenSocket(context, zmq::socket_type::pull,
                         MakeEndpoint(UniqueInprocEndpoint("zmq-empty"), true, 10));
  ASSERT_THAT(pull, IsOk());
  auto frames = RecvFrames(*pull);
  ASSERT_THAT(frames, IsOk());
  EXPECT_FALSE(frames->has_value());
}

TEST(ZmqSocketTest, PollTimesOutWithZeroReady) {
  zmq::context_t context;
  auto pull = OpenSocket(context, zmq::socket_type::pull,
                         MakeEndpoint(UniqueInprocEndpoint("zmq-poll"), true, 10));
  ASSERT_THAT(pull, IsOk());
  std::vector<zmq::pollitem_t> items{{pull->handle(), 0, ZMQ_POLLIN, 0}};
  auto ready = Poll(items, std::chrono::milliseconds(1));
  ASSERT_THAT(ready, IsOk());
  EXPECT_EQ(*ready, 0);
}

TEST(ZmqSocketTest, BoundEndpointResolvesWildcardTcpPort) {
  zmq::context_t context;
  auto pull = OpenSocket(context, zmq::socket_type::pull, MakeEndpoint("tcp://127.0.0.1:*", true, 10));
  ASSERT_THAT(pull, IsOk());
  std::string bound = BoundEndpoint(*pull);
  ASSERT_THAT(bound, StartsWith("tcp://127.0.0.1:"));
  EXPECT_NE(bound, "tcp://127.0.0.1:*");
  auto push = OpenSocket(context, zmq::socket_type::push, MakeEndpoint(bound, false, 10));
  ASSERT_THAT(push, IsOk());
  ASSERT_THAT(SendFrames(*push, {"over tcp"}, /*dontwait=*/false), IsOk());
  EXPECT_THAT(RecvWithin(*pull), ElementsAre("over tcp"));
}

TEST(ZmqSocketTest, BindingAnAddressInUseIsUnavailable) {
  zmq::context_t context;
  auto first = OpenSocket(context, zmq::socket_type::pull, MakeEndpoint("tcp://127.0.0.1:*", true, 10));
  ASSERT_THAT(first, IsOk());
  auto second = OpenSocket(context, zmq::socket_type::pull, MakeEndpoint(BoundEndpoint(*first), true, 10));
  EXPECT_THAT(second, StatusIs(absl::StatusCode::kUnavailable));
}

TEST(ZmqSocketTest, UnknownTransportIsInvalidArgument) {
  zmq::context_t context;
  EXPECT_THAT(OpenSocket(context, zmq::socket_type::pull, MakeEndpoint("bogus://x", true, 10)),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ZmqSocketTest, MalformedTcpAddressIsInvalidArgument) {
  zmq::context_t context;
  EXPECT_THAT(OpenSocket(context, zmq::socket_type::push, MakeEndpoint("tcp://", false, 10)),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ZmqSocketTest, BadCurveKeyIsInvalidArgument) {
  zmq::context_t context;
  EndpointConfig ep = MakeEndpoint(UniqueInprocEndpoint("zmq-curve"), true, 10);
  ep.curve_secret_key = "too-short";
  EXPECT_THAT(OpenSocket(context, zmq::socket_type::pull, ep),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ZmqSocketTest, SendWithoutPeerAndDontwaitIsUnavailable) {
  zmq::context_t context;
  auto push = OpenSocket(context, zmq::socket_type::push,
                         MakeEndpoint(UniqueInprocEndpoint("zmq-nopeer"), true, 1));
  ASSERT_THAT(push, IsOk());
  EXPECT_THAT(SendFrames(*push, {"a", "b"}), StatusIs(absl::StatusCode::kUnavailable));
}

TEST(ZmqSocketTest, HighWaterMarkReachedIsUnavailable) {
  zmq::context_t context;
  std::string ep = UniqueInprocEndpoint("zmq-hwm");
  auto pull = OpenSocket(context, zmq::socket_type::pull, MakeEndpoint(ep, true, 1));
  ASSERT_THAT(pull, IsOk());
  auto push = OpenSocket(context, zmq::socket_type::push, MakeEndpoint(ep, false, 1));
  ASSERT_THAT(push, IsOk());
  absl::Status last;
  for (int i = 0; i < 100 && last.ok(); ++i) last = SendFrames(*push, {"x"});
  EXPECT_THAT(last, StatusIs(absl::StatusCode::kUnavailable));
}

TEST(ZmqSocketTest, ContextShutdownTurnsIntoCancelled) {
  zmq::context_t context;
  auto pull = OpenSocket(context, zmq::socket_type::pull,
                         MakeEndpoint(UniqueInprocEndpoint("zmq-term"), true, 10));
  ASSERT_THAT(pull, IsOk());
  context.shutdown();
  EXPECT_THAT(RecvFrames(*pull), StatusIs(absl::StatusCode::kCancelled));
  std::vector<zmq::pollitem_t> items{{pull->handle(), 0, ZMQ_POLLIN, 0}};
  EXPECT_THAT(Poll(items, std::chrono::milliseconds(10)), StatusIs(absl::StatusCode::kCancelled));
}

TEST(ZmqSocketTest, SendAfterShutdownIsCancelled) {
  zmq::context_t context;
  auto push = OpenSocket(context, zmq::socket_type::push,
                         MakeEndpoint(UniqueInprocEndpoint("zmq-term-send"), true, 10));
  ASSERT_THAT(push, IsOk());
  context.shutdown();
  EXPECT_THAT(SendFrames(*push, {"x"}), StatusIs(absl::StatusCode::kCancelled));
}

TEST(ZmqSocketTest, OpenAfterShutdownIsCancelled) {
  zmq::context_t context;
  context.shutdown();
  EXPECT_THAT(OpenSocket(context, zmq::socket_type::pull,
                         MakeEndpoint(UniqueInprocEndpoint("zmq-late"), true, 10)),
              StatusIs(absl::StatusCode::kCancelled));
}

struct ErrnoCase {
  int err;
  absl::StatusCode code;
};

class FromZmqErrorTest : public ::testing::TestWithParam<ErrnoCase> {};

TEST_P(FromZmqErrorTest, MapsErrnoToCode) {
  errno = GetParam().err;
  zmq::error_t e;
  absl::Status s = FromZmqError(e, "send store.acks");
  EXPECT_EQ(s.code(), GetParam().code);
  EXPECT_THAT(std::string(s.message()), StartsWith("send store.acks: "));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, FromZmqErrorTest,
    ::testing::Values(ErrnoCase{ETERM, absl::StatusCode::kCancelled},
                      ErrnoCase{EAGAIN, absl::StatusCode::kUnavailable},
                      ErrnoCase{EINTR, absl::StatusCode::kUnavailable},
                      ErrnoCase{EADDRINUSE, absl::StatusCode::kUnavailable},
                      ErrnoCase{EHOSTUNREACH, absl::StatusCode::kUnavailable},
                      ErrnoCase{EINVAL, absl::StatusCode::kInvalidArgument},
                      ErrnoCase{EPROTONOSUPPORT, absl::StatusCode::kInvalidArgument},
                      ErrnoCase{ENOCOMPATPROTO, absl::StatusCode::kInvalidArgument},
                      ErrnoCase{EADDRNOTAVAIL, absl::StatusCode::kInvalidArgument},
                      ErrnoCase{ENODEV, absl::StatusCode::kInvalidArgument},
                      ErrnoCase{EFSM, absl::StatusCode::kInternal},
                      ErrnoCase{ENOMEM, absl::StatusCode::kInternal}));

}  // namespace
}  // namespace newsflow

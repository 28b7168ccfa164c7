#include "common/transport/zmq_socket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <utility>
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
std::vector<std::string> RecvWithin(zmq::socket_t& socket,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  std::vector<zmq::pollitem_t> items{{socket.handle(), 0, ZMQ_POLLIN, 0}};
  auto ready = Poll(items, timeout);
  EXPECT_THAT(ready, IsOk());
  if (!ready.ok() || *ready == 0) return {};
  auto frames = RecvFrames(socket);
  EXPECT_THAT(frames, IsOk());
  if (!frames.ok() || !frames->has_value()) return {};
  return ToStrings(**frames);
}

// Resident memory of this process, in bytes.
int64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

// A peer that speaks ZMTP 3.0 by hand (NULL mechanism, as a PUSH socket) and
// announces one frame of `declared` bytes, then streams up to `stream` bytes
// of it. Returns how many were accepted before the connection broke.
int64_t SendDeclaredFrame(const std::string& endpoint, uint64_t declared, int64_t stream) {
  const auto colon = endpoint.rfind(':');
  const int port = std::stoi(endpoint.substr(colon + 1));
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_GE(fd, 0);
  timeval timeout{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  std::string hello(64, '\0');
  hello[0] = '\xff';
  hello[9] = '\x7f';
  hello[10] = 3;  // ZMTP 3.0
  hello.replace(12, 4, "NULL");
  std::string ready = std::string("\x05READY") + "\x0bSocket-Type" + std::string("\0\0\0\x04", 4) + "PUSH";
  hello += std::string(1, '\x04') + std::string(1, static_cast<char>(ready.size())) + ready;
  hello += '\x02';  // a long message frame, its size in 8 bytes
  for (int shift = 56; shift >= 0; shift -= 8) hello += static_cast<char>((declared >> shift) & 0xff);
  int64_t sent = 0;
  if (send(fd, hello.data(), hello.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(hello.size())) {
    close(fd);
    return 0;
  }
  const std::string chunk(64 * 1024, 'x');
  while (sent < stream) {
    ssize_t n = send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += n;
  }
  close(fd);
  return sent;
}

TEST(ZmqSocketTest, OverSizeFrameDisconnectsThePeerAndAllocatesNothing) {
  zmq::context_t context;
  EndpointConfig ep = MakeEndpoint("tcp://127.0.0.1:*", true, 10);
  ep.max_message_bytes = 1 << 20;
  auto pull = OpenSocket(context, zmq::socket_type::pull, ep);
  ASSERT_THAT(pull, IsOk());
  const std::string endpoint = BoundEndpoint(*pull);
  const int64_t before = ResidentBytes();
  // A 4 GiB frame is announced; the receiver must hang up instead of
  // buffering it (without the limit it takes all 64 MiB streamed here).
  const int64_t stream = int64_t{64} << 20;
  const int64_t accepted = SendDeclaredFrame(endpoint, uint64_t{4} << 30, stream);
  EXPECT_LT(accepted, stream);
  EXPECT_LT(ResidentBytes() - before, int64_t{32} << 20);

  // A message over the limit from a real peer never arrives; one within it
  // from a well-behaved peer does.
  auto big = OpenSocket(context, zmq::socket_type::push, MakeEndpoint(endpoint, false, 10));
  ASSERT_THAT(big, IsOk());
  ASSERT_THAT(SendFrames(*big, {std::string((1 << 20) + 1, 'b')}, /*dontwait=*/false), IsOk());
  EXPECT_TRUE(RecvWithin(*pull, std::chrono::milliseconds(500)).empty());
  auto small = OpenSocket(context, zmq::socket_type::push, MakeEndpoint(endpoint, false, 10));
  ASSERT_THAT(small, IsOk());
  ASSERT_THAT(SendFrames(*small, {"fine"}, /*dontwait=*/false), IsOk());
  EXPECT_THAT(RecvWithin(*pull), ElementsAre("fine"));
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
  auto pull =
      OpenSocket(context, zmq::socket_type::pull, MakeEndpoint(UniqueInprocEndpoint("zmq-empty"), true, 10));
  ASSERT_THAT(pull, IsOk());
  auto frames = RecvFrames(*pull);
  ASSERT_THAT(frames, IsOk());
  EXPECT_FALSE(frames->has_value());
}

TEST(ZmqSocketTest, PollTimesOutWithZeroReady) {
  zmq::context_t context;
  auto pull =
      OpenSocket(context, zmq::socket_type::pull, MakeEndpoint(UniqueInprocEndpoint("zmq-poll"), true, 10));
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
  EXPECT_THAT(OpenSocket(context, zmq::socket_type::pull, ep), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ZmqSocketTest, SendWithoutPeerAndDontwaitIsUnavailable) {
  zmq::context_t context;
  auto push =
      OpenSocket(context, zmq::socket_type::push, MakeEndpoint(UniqueInprocEndpoint("zmq-nopeer"), true, 1));
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

// Senders ping their peers and drop silent ones; receivers answer pings but
// keep no heartbeat timer (a libzmq 4.3 timer on a connection whose input
// was stopped by a full queue can abort the process).
TEST(ZmqSocketTest, OnlySendingSocketsRunHeartbeatTimers) {
  zmq::context_t context;
  const std::pair<zmq::socket_type, bool> cases[] = {
      {zmq::socket_type::push, true},    {zmq::socket_type::pub, true},  {zmq::socket_type::xpub, true},
      {zmq::socket_type::pull, false},   {zmq::socket_type::sub, false}, {zmq::socket_type::router, false},
      {zmq::socket_type::dealer, false}, {zmq::socket_type::req, false}};
  for (const auto& [type, pings] : cases) {
    SCOPED_TRACE(static_cast<int>(type));
    EXPECT_EQ(SendsHeartbeats(type), pings);
    auto socket = OpenSocket(context, type, MakeEndpoint(UniqueInprocEndpoint("zmq-heartbeat"), true, 10));
    ASSERT_THAT(socket, IsOk());
    EXPECT_EQ(socket->get(zmq::sockopt::heartbeat_ivl), pings ? kHeartbeatIntervalMs : 0);
    EXPECT_EQ(socket->get(zmq::sockopt::heartbeat_timeout), pings ? kHeartbeatTimeoutMs : -1);
  }
}

TEST(ZmqSocketTest, ContextShutdownTurnsIntoCancelled) {
  zmq::context_t context;
  auto pull =
      OpenSocket(context, zmq::socket_type::pull, MakeEndpoint(UniqueInprocEndpoint("zmq-term"), true, 10));
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
  EXPECT_THAT(
      OpenSocket(context, zmq::socket_type::pull, MakeEndpoint(UniqueInprocEndpoint("zmq-late"), true, 10)),
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

INSTANTIATE_TEST_SUITE_P(Cases, FromZmqErrorTest,
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

namespace newsflow {
namespace {

struct CurvePair {
  std::string public_key;
  std::string secret_key;
};

CurvePair NewCurvePair() {
  char public_key[41] = {};
  char secret_key[41] = {};
  EXPECT_EQ(zmq_curve_keypair(public_key, secret_key), 0);
  return {public_key, secret_key};
}

// The next handshake event of a monitored socket: ZMQ_EVENT_HANDSHAKE_* and
// its value (for a refused handshake, the ZAP status code).
std::pair<uint16_t, uint32_t> NextHandshakeEvent(zmq::socket_t& monitor) {
  std::vector<std::string> frames = RecvWithin(monitor);
  if (frames.size() != 2 || frames[0].size() != 6) return {0, 0};
  uint16_t event;
  uint32_t value;
  std::memcpy(&event, frames[0].data(), sizeof(event));
  std::memcpy(&value, frames[0].data() + 2, sizeof(value));
  return {event, value};
}

// A CURVE client socket to `server_address`, monitored for handshake events
// from before it connects.
zmq::socket_t MonitoredCurveClient(zmq::context_t& context, const std::string& server_address,
                                   const std::string& server_public, const CurvePair& own,
                                   zmq::socket_t* monitor) {
  zmq::socket_t client(context, zmq::socket_type::push);
  client.set(zmq::sockopt::linger, 0);
  client.set(zmq::sockopt::curve_serverkey, server_public);
  client.set(zmq::sockopt::curve_publickey, own.public_key);
  client.set(zmq::sockopt::curve_secretkey, own.secret_key);
  const std::string monitor_address = UniqueInprocEndpoint("zmq-monitor");
  EXPECT_EQ(zmq_socket_monitor(client.handle(), monitor_address.c_str(),
                               ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH),
            0);
  *monitor = zmq::socket_t(context, zmq::socket_type::pair);
  monitor->set(zmq::sockopt::linger, 0);
  monitor->connect(monitor_address);
  client.connect(server_address);
  return client;
}

TEST(ZmqSocketTest, CurveServerAdmitsOnlyAllowedClients) {
  if (!zmq_has("curve")) GTEST_SKIP() << "libzmq without CURVE";
  zmq::context_t context;
  const CurvePair server = NewCurvePair();
  const CurvePair allowed = NewCurvePair();
  const CurvePair stranger = NewCurvePair();
  EndpointConfig server_ep = MakeEndpoint("tcp://127.0.0.1:*", true, 100);
  server_ep.curve_secret_key = server.secret_key;
  server_ep.curve_allowed_clients = {allowed.public_key};
  auto pull = OpenSocket(context, zmq::socket_type::pull, server_ep);
  ASSERT_THAT(pull, IsOk());
  const std::string address = BoundEndpoint(*pull);

  // A client whose key is not listed fails the handshake with ZAP status 400;
  // what it queued is never delivered.
  zmq::socket_t stranger_monitor;
  zmq::socket_t stranger_push =
      MonitoredCurveClient(context, address, server.public_key, stranger, &stranger_monitor);
  ASSERT_THAT(SendFrames(stranger_push, {"from-stranger"}, /*dontwait=*/false), IsOk());
  EXPECT_EQ(NextHandshakeEvent(stranger_monitor),
            (std::pair<uint16_t, uint32_t>{ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 400}));

  // The listed client gets through.
  zmq::socket_t allowed_monitor;
  zmq::socket_t allowed_push =
      MonitoredCurveClient(context, address, server.public_key, allowed, &allowed_monitor);
  EXPECT_EQ(NextHandshakeEvent(allowed_monitor).first, ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
  ASSERT_THAT(SendFrames(allowed_push, {"from-allowed"}, /*dontwait=*/false), IsOk());
  EXPECT_THAT(RecvWithin(*pull), ElementsAre("from-allowed"));
  auto more = RecvFrames(*pull);
  ASSERT_THAT(more, IsOk());
  EXPECT_FALSE(more->has_value());
}

TEST(ZmqSocketTest, CurveServerWithoutAllowListStillAdmitsAnyClient) {
  if (!zmq_has("curve")) GTEST_SKIP() << "libzmq without CURVE";
  zmq::context_t context;
  // One server with a list starts the context's ZAP handler ...
  const CurvePair listed_server = NewCurvePair();
  EndpointConfig listed_ep = MakeEndpoint("tcp://127.0.0.1:*", true, 100);
  listed_ep.curve_secret_key = listed_server.secret_key;
  listed_ep.curve_allowed_clients = {NewCurvePair().public_key};
  auto listed = OpenSocket(context, zmq::socket_type::pull, listed_ep);
  ASSERT_THAT(listed, IsOk());
  // ... which must not refuse the clients of a server without one.
  const CurvePair open_server = NewCurvePair();
  EndpointConfig open_ep = MakeEndpoint("tcp://127.0.0.1:*", true, 100);
  open_ep.curve_secret_key = open_server.secret_key;
  auto open = OpenSocket(context, zmq::socket_type::pull, open_ep);
  ASSERT_THAT(open, IsOk());
  zmq::socket_t monitor;
  zmq::socket_t push =
      MonitoredCurveClient(context, BoundEndpoint(*open), open_server.public_key, NewCurvePair(), &monitor);
  EXPECT_EQ(NextHandshakeEvent(monitor).first, ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
  ASSERT_THAT(SendFrames(push, {"hello"}, /*dontwait=*/false), IsOk());
  EXPECT_THAT(RecvWithin(*open), ElementsAre("hello"));
}

TEST(ZmqSocketTest, AllowListsOfServersWithTheSameAddressTextStaySeparate) {
  if (!zmq_has("curve")) GTEST_SKIP() << "libzmq without CURVE";
  zmq::context_t context;
  const CurvePair server = NewCurvePair();
  const CurvePair first_client = NewCurvePair();
  const CurvePair second_client = NewCurvePair();
  auto open_server = [&](const CurvePair& client) {
    EndpointConfig ep = MakeEndpoint("tcp://127.0.0.1:*", true, 100);
    ep.curve_secret_key = server.secret_key;
    ep.curve_allowed_clients = {client.public_key};
    return OpenSocket(context, zmq::socket_type::pull, ep);
  };
  auto first = open_server(first_client);
  auto second = open_server(second_client);
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(second, IsOk());
  // Each server still admits its own client and refuses the other's.
  const std::pair<zmq::socket_t*, const CurvePair*> admitted[] = {{&*first, &first_client},
                                                                  {&*second, &second_client}};
  for (const auto& [socket, client] : admitted) {
    zmq::socket_t monitor;
    zmq::socket_t push =
        MonitoredCurveClient(context, BoundEndpoint(*socket), server.public_key, *client, &monitor);
    EXPECT_EQ(NextHandshakeEvent(monitor).first, ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
  }
  zmq::socket_t monitor;
  zmq::socket_t push =
      MonitoredCurveClient(context, BoundEndpoint(*second), server.public_key, first_client, &monitor);
  EXPECT_EQ(NextHandshakeEvent(monitor),
            (std::pair<uint16_t, uint32_t>{ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 400}));
}

TEST(ZmqSocketTest, MalformedAllowListKeyIsInvalidArgument) {
  zmq::context_t context;
  EndpointConfig ep = MakeEndpoint("tcp://127.0.0.1:*", true, 10);
  ep.curve_secret_key = "Wa.h<E-K3@:0rsS&BbWZRvbKvoE-ontZ8(noGi@R";
  ep.curve_allowed_clients = {"not-a-key"};
  EXPECT_THAT(OpenSocket(context, zmq::socket_type::pull, ep), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace newsflow

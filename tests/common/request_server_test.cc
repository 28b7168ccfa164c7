#include "common/delivery/request_server.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/delivery/envelope_codec.h"
#include "common/delivery/request_client.h"
#include "common/log/logging.h"
#include "common/transport/zmq_socket.h"
#include "tests/testing/test_util.h"

namespace newsflow {
namespace {

using ::newsflow::testing::IsOk;
using ::newsflow::testing::UniqueInprocEndpoint;
using ::newsflow::testing::WaitFor;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

v1::Envelope ErrorReply(const std::string& error) {
  v1::Envelope reply = NewEnvelope();
  reply.mutable_result()->set_ok(false);
  reply.mutable_result()->set_error(error);
  return reply;
}

// A query server on its own thread (the socket lives and dies there),
// answering get_id "x" with a result whose error field echoes "x"; get_id
// "secret" is refused as unauthorised.
class QueryServerThread {
 public:
  QueryServerThread(zmq::context_t& context, EndpointConfig endpoint)
      : server_(
            {"test.query", v1::Envelope::kQuery}, NullLogger(),
            [](const v1::Envelope& request) -> absl::StatusOr<v1::Envelope> {
              if (request.query().get_id() == "secret") return absl::PermissionDeniedError("no token");
              v1::Envelope reply = NewEnvelope();
              reply.mutable_result()->set_ok(true);
              reply.mutable_result()->set_error(request.query().get_id());
              return reply;
            },
            ErrorReply),
        thread_([this, &context, endpoint](std::stop_token stop) {
          absl::Status opened = server_.Open(context, endpoint);
          opened_ = opened.ok() ? 1 : -1;
          if (!opened.ok()) return;
          run_status_ = server_.Run(stop, 10ms);
          server_.Close();
          stopped_ = true;
        }) {
    EXPECT_TRUE(WaitFor([this] { return opened_.load() != 0; }));
    EXPECT_EQ(opened_.load(), 1);
  }
  ~QueryServerThread() {
    thread_.request_stop();
    thread_.join();
    EXPECT_TRUE(stopped_.load());
    EXPECT_THAT(run_status_, IsOk());
  }
  RequestServer& server() { return server_; }

 private:
  RequestServer server_;
  std::atomic<int> opened_{0};
  std::atomic<bool> stopped_{false};
  absl::Status run_status_;
  std::jthread thread_;  // last: stopped before the rest goes
};

v1::Envelope GetRequest(const std::string& id) {
  v1::Envelope request = NewEnvelope();
  request.mutable_query()->set_get_id(id);
  return request;
}

// Sends `frames` from a fresh socket of `type` and waits up to `timeout`
// for one reply; nullopt when none came.
std::optional<std::vector<std::string>> RawExchange(zmq::context_t& context, zmq::socket_type type,
                                                    const std::string& endpoint,
                                                    const std::vector<std::string>& frames,
                                                    std::chrono::milliseconds timeout = 5s) {
  auto socket = OpenSocket(context, type, MakeEndpoint(endpoint, false, 100));
  EXPECT_THAT(socket, IsOk());
  if (!socket.ok()) return std::nullopt;
  EXPECT_THAT(SendFrames(*socket, frames, /*dontwait=*/false), IsOk());
  std::vector<zmq::pollitem_t> items{{socket->handle(), 0, ZMQ_POLLIN, 0}};
  auto ready = Poll(items, timeout);
  if (!ready.ok() || *ready == 0) return std::nullopt;
  auto got = RecvFrames(*socket);
  if (!got.ok() || !got->has_value()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& f : **got) out.push_back(f.to_string());
  return out;
}

TEST(RequestServerTest, AnswersRequestsOverTcp) {
  zmq::context_t context;
  QueryServerThread server(context, MakeEndpoint("tcp://127.0.0.1:*", true, 100));
  const std::string endpoint = server.server().endpoint();
  ASSERT_THAT(endpoint, HasSubstr("tcp://127.0.0.1:"));
  EXPECT_THAT(endpoint, ::testing::Not(HasSubstr("*")));
  for (const std::string id : {"a", "b", "c"}) {
    auto reply = Request(context, endpoint, GetRequest(id), 10s);
    ASSERT_THAT(reply, IsOk());
    EXPECT_TRUE(reply->result().ok());
    EXPECT_EQ(reply->result().error(), id);
  }
  EXPECT_EQ(server.server().requests(), 3u);
  EXPECT_EQ(server.server().bad_requests(), 0u);
}

TEST(RequestServerTest, HandlerRefusalIsAnsweredAsUnauthorised) {
  zmq::context_t context;
  const std::string ep = UniqueInprocEndpoint("rs-refused");
  QueryServerThread server(context, MakeEndpoint(ep, true, 100));
  auto reply = Request(context, ep, GetRequest("secret"), 10s);
  ASSERT_THAT(reply, IsOk());
  EXPECT_FALSE(reply->result().ok());
  EXPECT_EQ(reply->result().error(), "unauthorised: no token");
  EXPECT_EQ(server.server().bad_requests(), 1u);
}

// A client never waits on a request it got wrong, and the server goes on.
TEST(RequestServerTest, MalformedBodiesAreAnsweredWithAnError) {
  zmq::context_t context;
  const std::string ep = UniqueInprocEndpoint("rs-malformed");
  QueryServerThread server(context, MakeEndpoint(ep, true, 100));
  v1::Envelope wrong_payload = NewEnvelope();
  wrong_payload.mutable_ack()->set_article_id("x");
  v1::Envelope no_payload = NewEnvelope();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"\xff\xfe not protobuf", "bad request: not an Envelope"},
      {"", "bad request: unsupported schema_version 0"},
      {EncodeEnvelope(no_payload), "bad request: envelope has no payload"},
      {EncodeEnvelope(wrong_payload), "bad request: expected a query request"},
  };
  for (const auto& [body, error] : cases) {
    auto reply = RawExchange(context, zmq::socket_type::dealer, ep, {body});
    ASSERT_TRUE(reply.has_value()) << error;
    ASSERT_EQ(reply->size(), 1u);
    auto envelope = DecodeEnvelope((*reply)[0]);
    ASSERT_THAT(envelope, IsOk());
    EXPECT_FALSE(envelope->result().ok());
    EXPECT_THAT(envelope->result().error(), HasSubstr(error));
  }
  EXPECT_EQ(server.server().bad_requests(), cases.size());
  auto reply = Request(context, ep, GetRequest("after"), 10s);
  ASSERT_THAT(reply, IsOk());
  EXPECT_EQ(reply->result().error(), "after");
}

// A REQ client puts an empty delimiter before the body; the reply keeps it,
// or the REQ socket would never see it.
TEST(RequestServerTest, ReplyKeepsTheRoutingFramesOfAReqClient) {
  zmq::context_t context;
  const std::string ep = UniqueInprocEndpoint("rs-req");
  QueryServerThread server(context, MakeEndpoint(ep, true, 100));
  auto reply = RawExchange(context, zmq::socket_type::req, ep, {EncodeEnvelope(GetRequest("via-req"))});
  ASSERT_TRUE(reply.has_value());
  ASSERT_EQ(reply->size(), 1u);  // REQ strips the delimiter it added
  auto envelope = DecodeEnvelope((*reply)[0]);
  ASSERT_THAT(envelope, IsOk());
  EXPECT_EQ(envelope->result().error(), "via-req");
  // The same through a DEALER that adds two routing frames of its own.
  auto routed = RawExchange(context, zmq::socket_type::dealer, ep,
                            {"hop-1", "", EncodeEnvelope(GetRequest("via-hops"))});
  ASSERT_TRUE(routed.has_value());
  ASSERT_EQ(routed->size(), 3u);
  EXPECT_EQ((*routed)[0], "hop-1");
  EXPECT_EQ((*routed)[1], "");
  auto hops = DecodeEnvelope((*routed)[2]);
  ASSERT_THAT(hops, IsOk());
  EXPECT_EQ(hops->result().error(), "via-hops");
}

// Nothing sensible can be answered to a message with a pile of routing
// frames, or to one over the size limit (libzmq drops that peer): both are
// dropped, and the next client is served.
TEST(RequestServerTest, TooManyRoutingFramesAndOversizedMessagesAreDropped) {
  zmq::context_t context;
  EndpointConfig endpoint = MakeEndpoint("tcp://127.0.0.1:*", true, 100);
  endpoint.max_message_bytes = 64 * 1024;
  QueryServerThread server(context, endpoint);
  const std::string ep = server.server().endpoint();

  std::vector<std::string> piled(kMaxRoutingFrames, "hop");
  piled.push_back(EncodeEnvelope(GetRequest("piled")));
  EXPECT_FALSE(RawExchange(context, zmq::socket_type::dealer, ep, piled, 300ms).has_value());
  ASSERT_TRUE(WaitFor([&] { return server.server().bad_requests() == 1; }));

  v1::Envelope huge = GetRequest(std::string(200 * 1024, 'x'));
  EXPECT_FALSE(RawExchange(context, zmq::socket_type::dealer, ep, {EncodeEnvelope(huge)}, 300ms).has_value());

  auto reply = Request(context, ep, GetRequest("next"), 10s);
  ASSERT_THAT(reply, IsOk());
  EXPECT_EQ(reply->result().error(), "next");
  // The oversized message never reached the server.
  EXPECT_EQ(server.server().requests(), 2u);
}

// A service that polls the socket in its own loop (ingest's sender loop)
// calls ServePending when it is readable.
TEST(RequestServerTest, ServePendingAnswersWhatIsQueued) {
  zmq::context_t context;
  const std::string ep = UniqueInprocEndpoint("rs-pending");
  RequestServer server(
      {"test.control", v1::Envelope::kControl}, NullLogger(),
      [](const v1::Envelope&) -> absl::StatusOr<v1::Envelope> {
        v1::Envelope reply = NewEnvelope();
        reply.mutable_control_result()->set_ok(true);
        return reply;
      },
      ErrorReply);
  ASSERT_THAT(server.Open(context, MakeEndpoint(ep, true, 100)), IsOk());
  auto client = OpenSocket(context, zmq::socket_type::dealer, MakeEndpoint(ep, false, 100));
  ASSERT_THAT(client, IsOk());
  v1::Envelope request = NewEnvelope();
  request.mutable_control()->set_list_feeds(true);
  ASSERT_THAT(SendFrames(*client, {EncodeEnvelope(request)}, false), IsOk());
  ASSERT_THAT(SendFrames(*client, {EncodeEnvelope(request)}, false), IsOk());
  ASSERT_TRUE(WaitFor([&] {
    EXPECT_THAT(server.ServePending(), IsOk());
    return server.requests() == 2;
  }));
  for (int i = 0; i < 2; ++i) {
    std::vector<zmq::pollitem_t> items{{client->handle(), 0, ZMQ_POLLIN, 0}};
    ASSERT_THAT(Poll(items, 5s), IsOk());
    auto frames = RecvFrames(*client);
    ASSERT_THAT(frames, IsOk());
    ASSERT_TRUE(frames->has_value());
    auto reply = DecodeEnvelope((**frames).back());
    ASSERT_THAT(reply, IsOk());
    EXPECT_TRUE(reply->control_result().ok());
  }
  server.Close();
}

}  // namespace
}  // namespace newsflow

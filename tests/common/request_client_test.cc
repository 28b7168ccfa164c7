#include "common/delivery/request_client.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/delivery/envelope_codec.h"
#include "common/transport/zmq_socket.h"
#include "tests/testing/test_util.h"

namespace newsflow {
namespace {

using ::newsflow::testing::IsOk;
using ::newsflow::testing::StatusIs;
using ::newsflow::testing::UniqueInprocEndpoint;
using namespace std::chrono_literals;

// A ROUTER on its own thread answering each request with `reply(request)`
// (raw bytes of the last frame) until stopped.
class RouterServer {
 public:
  RouterServer(zmq::context_t& context, std::string endpoint,
               std::function<std::string(const std::string&)> reply)
      : thread_([&context, endpoint, reply, this](std::stop_token stop) {
          auto socket = OpenSocket(context, zmq::socket_type::router, MakeEndpoint(endpoint, true, 100));
          if (!socket.ok()) {
            bound_ = -1;
            return;
          }
          bound_ = 1;
          std::vector<zmq::pollitem_t> items{{socket->handle(), 0, ZMQ_POLLIN, 0}};
          while (!stop.stop_requested()) {
            auto ready = Poll(items, 20ms);
            if (!ready.ok()) return;
            if (*ready == 0) continue;
            auto frames = RecvFrames(*socket);
            if (!frames.ok() || !frames->has_value()) continue;
            auto& parts = **frames;
            ++requests_;
            std::vector<std::string> out;
            for (std::size_t i = 0; i + 1 < parts.size(); ++i) out.push_back(parts[i].to_string());
            out.push_back(reply(parts.back().to_string()));
            (void)SendFrames(*socket, out);
          }
        }) {
    EXPECT_TRUE(::newsflow::testing::WaitFor([this] { return bound_.load() != 0; }));
    EXPECT_EQ(bound_.load(), 1);
  }
  int requests() const { return requests_.load(); }

 private:
  std::atomic<int> bound_{0};
  std::atomic<int> requests_{0};
  std::jthread thread_;
};

TEST(RequestClientTest, ReturnsTheReplyEnvelope) {
  zmq::context_t context;
  std::string ep = UniqueInprocEndpoint("req-ok");
  RouterServer server(context, ep, [](const std::string& bytes) {
    auto request = DecodeEnvelope(bytes);
    v1::Envelope reply = NewEnvelope();
    reply.mutable_result()->set_ok(request.ok() && request->query().get_id() == "abc");
    reply.mutable_result()->set_error(request.ok() ? request->query().get_id() : "undecodable");
    return EncodeEnvelope(reply);
  });
  v1::Envelope request = NewEnvelope();
  request.mutable_query()->set_get_id("abc");
  auto reply = Request(context, ep, request, 10s);
  ASSERT_THAT(reply, IsOk());
  EXPECT_TRUE(reply->result().ok());
  EXPECT_EQ(reply->result().error(), "abc");
}

TEST(RequestClientTest, NoServerIsDeadlineExceeded) {
  zmq::context_t context;
  v1::Envelope request = NewEnvelope();
  request.mutable_query()->set_latest(true);
  EXPECT_THAT(Request(context, UniqueInprocEndpoint("req-nobody"), request, 50ms),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
}

TEST(RequestClientTest, ServerThatNeverAnswersIsDeadlineExceeded) {
  zmq::context_t context;
  std::string ep = UniqueInprocEndpoint("req-silent");
  auto router = OpenSocket(context, zmq::socket_type::router, MakeEndpoint(ep, true, 100));
  ASSERT_THAT(router, IsOk());
  v1::Envelope request = NewEnvelope();
  request.mutable_query()->set_latest(true);
  EXPECT_THAT(Request(context, ep, request, 100ms), StatusIs(absl::StatusCode::kDeadlineExceeded));
}

TEST(RequestClientTest, UndecodableReplyIsDataLoss) {
  zmq::context_t context;
  std::string ep = UniqueInprocEndpoint("req-garbage");
  RouterServer server(context, ep, [](const std::string&) { return std::string("\xff\xfe garbage"); });
  v1::Envelope request = NewEnvelope();
  request.mutable_query()->set_latest(true);
  EXPECT_THAT(Request(context, ep, request, 10s), StatusIs(absl::StatusCode::kDataLoss));
}

TEST(RequestClientTest, BadEndpointIsInvalidArgument) {
  zmq::context_t context;
  v1::Envelope request = NewEnvelope();
  request.mutable_query()->set_latest(true);
  EXPECT_THAT(Request(context, "nonsense://here", request, 1s), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(RequestClientTest, LateReplyToAnEarlierCallIsNotTakenForTheNextAnswer) {
  zmq::context_t context;
  std::string ep = UniqueInprocEndpoint("req-late");
  std::atomic<bool> slow{true};
  RouterServer server(context, ep, [&slow](const std::string& bytes) {
    auto request = DecodeEnvelope(bytes);
    if (slow.load()) std::this_thread::sleep_for(300ms);
    v1::Envelope reply = NewEnvelope();
    reply.mutable_result()->set_ok(true);
    reply.mutable_result()->set_error(request.ok() ? request->query().get_id() : "");
    return EncodeEnvelope(reply);
  });
  v1::Envelope first = NewEnvelope();
  first.mutable_query()->set_get_id("first");
  EXPECT_THAT(Request(context, ep, first, 20ms), StatusIs(absl::StatusCode::kDeadlineExceeded));
  slow = false;
  v1::Envelope second = NewEnvelope();
  second.mutable_query()->set_get_id("second");
  auto reply = Request(context, ep, second, 10s);
  ASSERT_THAT(reply, IsOk());
  EXPECT_EQ(reply->result().error(), "second");
}

}  // namespace
}  // namespace newsflow

#include "common/runtime/service_group.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/log/logging.h"
#include "common/transport/zmq_socket.h"
#include "tests/testing/test_util.h"

namespace newsflow {
namespace {

using ::newsflow::testing::IsOk;
using ::newsflow::testing::StatusIs;
using ::newsflow::testing::UniqueInprocEndpoint;
using ::newsflow::testing::WaitFor;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

// Shared record of what the test services did, in order.
struct Journal {
  std::mutex mu;
  std::vector<std::string> events;
  void Add(std::string e) {
    std::lock_guard lock(mu);
    events.push_back(std::move(e));
  }
  std::vector<std::string> Get() {
    std::lock_guard lock(mu);
    return events;
  }
};

// A service that reports ready with one endpoint, then waits for stop.
class WaitingService : public Service {
 public:
  WaitingService(std::string name, Journal& journal, absl::Status result = absl::OkStatus())
      : name_(std::move(name)), journal_(journal), result_(std::move(result)) {}
  std::string name() const override { return name_; }
  absl::Status Run(std::stop_token stop, const ReadyFn& ready) override {
    journal_.Add("start " + name_);
    ready({{name_ + ".ep", "inproc://" + name_}});
    while (!stop.stop_requested()) std::this_thread::sleep_for(1ms);
    journal_.Add("stop " + name_);
    return result_;
  }

 private:
  std::string name_;
  Journal& journal_;
  absl::Status result_;
};

// A service that fails during start, before calling ready.
class FailingService : public Service {
 public:
  FailingService(std::string name, Journal& journal) : name_(std::move(name)), journal_(journal) {}
  std::string name() const override { return name_; }
  absl::Status Run(std::stop_token, const ReadyFn&) override {
    journal_.Add("fail " + name_);
    return absl::UnavailableError("port taken");
  }

 private:
  std::string name_;
  Journal& journal_;
};

// A service that ignores stop and blocks in a ZeroMQ receive until the
// context is shut down.
class StubbornService : public Service {
 public:
  StubbornService(zmq::context_t& context, Journal& journal) : context_(context), journal_(journal) {}
  std::string name() const override { return "stubborn"; }
  absl::Status Run(std::stop_token, const ReadyFn& ready) override {
    auto socket = OpenSocket(context_, zmq::socket_type::pull,
                             MakeEndpoint(UniqueInprocEndpoint("stubborn"), true, 10));
    if (!socket.ok()) return socket.status();
    ready({});
    try {
      zmq::message_t m;
      (void)socket->recv(m, zmq::recv_flags::none);
    } catch (const zmq::error_t& e) {
      journal_.Add("stubborn interrupted");
      return FromZmqError(e, "recv");
    }
    return absl::OkStatus();
  }

 private:
  zmq::context_t& context_;
  Journal& journal_;
};

std::vector<std::unique_ptr<Service>> Services(std::vector<Service*> raw) {
  std::vector<std::unique_ptr<Service>> out;
  for (Service* s : raw) out.emplace_back(s);
  return out;
}

TEST(ServiceGroupTest, StartsInOrderAndDrainsInReverse) {
  zmq::context_t context;
  Journal journal;
  std::stop_source stop;
  EndpointMap endpoints;
  std::atomic<bool> ready{false};
  absl::Status status;
  std::thread runner([&] {
    status = RunServiceGroup(
        Services({new WaitingService("store", journal), new WaitingService("enrich", journal),
                  new WaitingService("ingest", journal)}),
        context, stop.get_token(), 10s,
        [&](const EndpointMap& eps) {
          endpoints = eps;
          ready = true;
        },
        NullLogger());
  });
  ASSERT_TRUE(WaitFor([&] { return ready.load(); }));
  stop.request_stop();
  runner.join();
  EXPECT_THAT(status, IsOk());
  EXPECT_THAT(journal.Get(), ElementsAre("start store", "start enrich", "start ingest", "stop ingest",
                                         "stop enrich", "stop store"));
  EXPECT_THAT(endpoints,
              ElementsAre(std::pair<const std::string, std::string>("enrich.ep", "inproc://enrich"),
                          std::pair<const std::string, std::string>("ingest.ep", "inproc://ingest"),
                          std::pair<const std::string, std::string>("store.ep", "inproc://store")));
}

TEST(ServiceGroupTest, FailureDuringStartStopsTheStartedAndSkipsTheRest) {
  zmq::context_t context;
  Journal journal;
  std::stop_source stop;
  bool on_ready_called = false;
  absl::Status status = RunServiceGroup(
      Services({new WaitingService("store", journal), new FailingService("enrich", journal),
                new WaitingService("ingest", journal)}),
      context, stop.get_token(), 10s, [&](const EndpointMap&) { on_ready_called = true; }, NullLogger());
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(std::string(status.message()), HasSubstr("enrich: port taken"));
  EXPECT_FALSE(on_ready_called);
  EXPECT_THAT(journal.Get(), ElementsAre("start store", "fail enrich", "stop store"));
}

TEST(ServiceGroupTest, ServiceErrorAtShutdownIsReturnedWithItsName) {
  zmq::context_t context;
  Journal journal;
  std::stop_source stop;
  absl::Status status = RunServiceGroup(
      Services({new WaitingService("store", journal, absl::DataLossError("corrupt")),
                new WaitingService("ingest", journal)}),
      context, stop.get_token(), 10s, [&](const EndpointMap&) { stop.request_stop(); }, NullLogger());
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(std::string(status.message()), HasSubstr("store: corrupt"));
}

TEST(ServiceGroupTest, StopBeforeReadyStillDrainsAndSkipsOnReady) {
  zmq::context_t context;
  Journal journal;
  std::stop_source stop;
  stop.request_stop();
  bool on_ready_called = false;
  absl::Status status = RunServiceGroup(
      Services({new WaitingService("store", journal), new WaitingService("ingest", journal)}), context,
      stop.get_token(), 10s, [&](const EndpointMap&) { on_ready_called = true; }, NullLogger());
  EXPECT_THAT(status, IsOk());
  EXPECT_FALSE(on_ready_called);
  std::vector<std::string> events = journal.Get();
  // Whatever started was also stopped.
  for (std::string name : {"store", "ingest"}) {
    bool started = std::find(events.begin(), events.end(), "start " + std::string(name)) != events.end();
    bool stopped = std::find(events.begin(), events.end(), "stop " + std::string(name)) != events.end();
    EXPECT_EQ(started, stopped) << name;
  }
}

TEST(ServiceGroupTest, DrainDeadlineShutsDownTheContext) {
  zmq::context_t context;
  Journal journal;
  std::stop_source stop;
  absl::Status status = RunServiceGroup(
      Services({new StubbornService(context, journal)}), context, stop.get_token(), 100ms,
      [&](const EndpointMap&) { stop.request_stop(); }, NullLogger());
  // ETERM maps to kCancelled, which a drain treats as a clean stop.
  EXPECT_THAT(status, IsOk());
  EXPECT_THAT(journal.Get(), ElementsAre("stubborn interrupted"));
}

// A service that ignores stop and blocks outside ZeroMQ (a transfer, a
// disk), which shutting the context down cannot interrupt.
class HungService : public Service {
 public:
  std::string name() const override { return "hung"; }
  absl::Status Run(std::stop_token, const ReadyFn& ready) override {
    ready({});
    while (true) std::this_thread::sleep_for(1s);
  }
};

TEST(ServiceGroupDeathTest, DrainDeadlineIsEnforcedOnAServiceThatDoesNotReturn) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        zmq::context_t context;
        std::stop_source stop;
        (void)RunServiceGroup(
            Services({new HungService()}), context, stop.get_token(), 100ms,
            [&](const EndpointMap&) { stop.request_stop(); }, MakeLogger("group"));
      },
      ::testing::ExitedWithCode(kDrainDeadlineExitCode), "drain deadline exceeded: service=hung");
}

}  // namespace
}  // namespace newsflow

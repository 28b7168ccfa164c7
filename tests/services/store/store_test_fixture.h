// A real store service on inproc:// endpoints in a temp dir, for the
// store_service and stream_subscriber tests.
#ifndef NEWSFLOW_TESTS_SERVICES_STORE_STORE_TEST_FIXTURE_H_
#define NEWSFLOW_TESTS_SERVICES_STORE_STORE_TEST_FIXTURE_H_

#include <atomic>
#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zmq.hpp>

#include "common/config/newsflow_config.h"
#include "common/delivery/envelope_codec.h"
#include "common/delivery/request_client.h"
#include "common/transport/zmq_socket.h"
#include "services/store/store_service.h"
#include "services/store/topics.h"
#include "tests/testing/test_util.h"

namespace newsflow::store::testing {

using namespace std::chrono_literals;
using ::newsflow::testing::IsOk;
using ::newsflow::testing::MakeArticle;
using ::newsflow::testing::TempDir;
using ::newsflow::testing::UniqueInprocEndpoint;
using ::newsflow::testing::WaitFor;

inline constexpr char kOrigin[] = "ingest-test";

struct Received {
  std::string topic;
  v1::Envelope envelope;
};

class StoreServiceFixture : public ::testing::Test {
 protected:
  void SetUp() override { StartService(); }
  void TearDown() override {
    CloseTestSockets();
    EXPECT_THAT(StopService(), IsOk());
  }

  // Extra YAML lines for the store section (indented by two spaces).
  virtual std::string ExtraStoreYaml() const { return "  http: {enabled: false}\n"; }
  // The store's database folder.
  virtual std::string StoreDataDir() const { return dir_.Sub("store"); }

  void StartService() {
    if (input_ep_.empty()) {
      input_ep_ = UniqueInprocEndpoint("store-input");
      publish_ep_ = UniqueInprocEndpoint("store-publish");
      acks_ep_ = UniqueInprocEndpoint("store-acks");
      query_ep_ = UniqueInprocEndpoint("store-query");
      term_counts_ep_ = UniqueInprocEndpoint("store-term-counts");
    }
    std::string yaml = fmt::format(
        "data_dir: {0}\n"
        "store:\n"
        "  data_dir: {6}\n"
        "  input: {1}\n"
        "  publish: {2}\n"
        "  acks: {3}\n"
        "  query: {4}\n"
        "  term_counts: {7}\n"
        "  sync_writes: false\n"
        "  max_batch: 16\n"
        "{5}",
        dir_.path(), input_ep_, publish_ep_, acks_ep_, query_ep_, ExtraStoreYaml(), StoreDataDir(),
        term_counts_ep_);
    auto config = ParseConfig(yaml, "store-test.yaml");
    ASSERT_THAT(config, IsOk());
    config_ = *config;
    auto service = MakeStoreService(config_, context_);
    ASSERT_THAT(service, IsOk());
    service_ = *std::move(service);
    ready_ = false;
    finished_ = false;
    stop_ = std::stop_source();
    thread_ = std::thread([this] {
      run_status_ = service_->Run(stop_.get_token(), [this](const EndpointMap& eps) {
        endpoints_ = eps;
        ready_ = true;
      });
      finished_ = true;
    });
    ASSERT_TRUE(WaitFor([this] { return ready_.load() || finished_.load(); }, 30s));
    ASSERT_TRUE(ready_.load()) << run_status_.ToString();
    auto push = OpenSocket(context_, zmq::socket_type::push, MakeEndpoint(input_ep_, false, 1000));
    ASSERT_THAT(push, IsOk());
    push_ = std::make_unique<zmq::socket_t>(*std::move(push));
  }

  absl::Status StopService() {
    push_.reset();
    if (!thread_.joinable()) return absl::OkStatus();
    stop_.request_stop();
    thread_.join();
    service_.reset();
    return run_status_;
  }

  virtual void CloseTestSockets() {}

  void PushFrames(const std::vector<std::string>& frames) {
    ASSERT_THAT(SendFrames(*push_, frames, /*dontwait=*/false), IsOk());
  }
  void Push(v1::Article article, std::string origin = kOrigin) {
    article.set_origin(origin);
    v1::Envelope e = NewEnvelope();
    e.set_attempt(1);
    *e.mutable_article() = std::move(article);
    PushFrames({EncodeEnvelope(e)});
  }

  zmq::socket_t Sub(const std::string& endpoint, const std::vector<std::string>& topics) {
    auto sub = OpenSocket(context_, zmq::socket_type::sub, MakeEndpoint(endpoint, false, 10000));
    EXPECT_THAT(sub, IsOk());
    for (const auto& t : topics) sub->set(zmq::sockopt::subscribe, t);
    return *std::move(sub);
  }

  // Waits up to `timeout` for one message; nullopt when none came.
  static std::optional<Received> RecvOne(zmq::socket_t& socket, std::chrono::milliseconds timeout = 10s) {
    std::vector<zmq::pollitem_t> items{{socket.handle(), 0, ZMQ_POLLIN, 0}};
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto ready = Poll(items, 20ms);
      if (!ready.ok()) return std::nullopt;
      if (*ready == 0) continue;
      auto frames = RecvFrames(socket);
      if (!frames.ok() || !frames->has_value()) continue;
      auto& parts = **frames;
      if (parts.size() != 2) {
        ADD_FAILURE() << "expected [topic, envelope], got " << parts.size() << " frames";
        return std::nullopt;
      }
      auto envelope =
          DecodeEnvelope(std::string_view(static_cast<const char*>(parts[1].data()), parts[1].size()));
      EXPECT_THAT(envelope, IsOk());
      if (!envelope.ok()) return std::nullopt;
      return Received{parts[0].to_string(), *std::move(envelope)};
    }
    return std::nullopt;
  }

  // Receives until a message that is not about a probe article arrives.
  std::optional<Received> RecvSkippingProbes(zmq::socket_t& socket, std::chrono::milliseconds timeout = 10s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      auto got = RecvOne(socket, left);
      if (!got) return std::nullopt;
      const v1::Envelope& e = got->envelope;
      std::string id = e.has_ack() ? e.ack().article_id() : e.article().id();
      if (!probe_ids_.contains(id)) return got;
    }
    return std::nullopt;
  }

  // PUB/SUB subscriptions take effect asynchronously: pushes probe articles
  // (origin kOrigin, tag "probe") until one reaches `socket`, which must be
  // subscribed to a topic the probes carry.
  void WarmUp(zmq::socket_t& socket) {
    bool reached = false;
    for (int i = 0; i < 300 && !reached; ++i) {
      v1::Article probe = MakeArticle(fmt::format("probe-{}", probe_count_++), "probe", "probe", "probe");
      probe_ids_.insert(probe.id());
      Push(probe);
      while (auto got = RecvOne(socket, 100ms)) {
        std::string id =
            got->envelope.has_ack() ? got->envelope.ack().article_id() : got->envelope.article().id();
        if (probe_ids_.contains(id)) reached = true;
      }
    }
    ASSERT_TRUE(reached) << "subscription never took effect";
  }

  absl::StatusOr<v1::QueryResponse> Query(const v1::QueryRequest& q) {
    v1::Envelope request = NewEnvelope();
    *request.mutable_query() = q;
    auto reply = Request(context_, query_ep_, request, 10s);
    if (!reply.ok()) return reply.status();
    return reply->result();
  }

  // Waits until the store has committed `n` non-probe articles (by id count).
  bool WaitForStored(std::size_t n) {
    return WaitFor(
        [&] {
          v1::QueryRequest q;
          q.set_since_seq(0);
          q.set_limit(1000);
          auto r = Query(q);
          if (!r.ok()) return false;
          std::size_t count = 0;
          for (const auto& a : r->articles()) count += probe_ids_.contains(a.id()) ? 0 : 1;
          return count >= n;
        },
        20s);
  }

  uint64_t Counter(const std::string& name) {
    v1::QueryRequest q;
    q.set_stats(true);
    auto r = Query(q);
    EXPECT_THAT(r, IsOk());
    if (!r.ok()) return 0;
    auto it = r->counters().find(name);
    return it == r->counters().end() ? 0 : it->second;
  }

  TempDir dir_;
  zmq::context_t context_;
  NewsflowConfig config_;
  std::string input_ep_, publish_ep_, acks_ep_, query_ep_, term_counts_ep_;
  std::unique_ptr<Service> service_;
  std::stop_source stop_;
  std::thread thread_;
  std::atomic<bool> ready_{false};
  std::atomic<bool> finished_{false};
  absl::Status run_status_;
  EndpointMap endpoints_;
  std::unique_ptr<zmq::socket_t> push_;
  std::set<std::string> probe_ids_;
  int probe_count_ = 0;
};

}  // namespace newsflow::store::testing

#endif  // NEWSFLOW_TESTS_SERVICES_STORE_STORE_TEST_FIXTURE_H_

#include "services/enrich/term_counts_sharing.h"

#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/util/document_frequencies.h"
#include "tests/services/store/store_test_fixture.h"

namespace newsflow::enrich {
namespace {

using namespace std::chrono_literals;
using ::newsflow::testing::IsOk;
using ::newsflow::testing::WaitFor;

// A worker's side of the exchange, against a real store service: its own
// table, the sharing logic and an output socket to the store's input.
struct Worker {
  Worker(zmq::context_t& context, const std::string& origin, const EnrichConfig& config,
         const std::string& store_input)
      : sharing(origin, config, &table) {
    auto out = OpenSocket(context, zmq::socket_type::push, MakeEndpoint(store_input, false, 1000));
    EXPECT_THAT(out, IsOk());
    output = std::make_unique<zmq::socket_t>(*std::move(out));
    EXPECT_THAT(sharing.Open(context), IsOk());
  }

  // One turn of a worker's loop: take in what arrived, send what is due.
  void Step(int64_t now_ms, int articles = 0) {
    sharing.Receive();
    ASSERT_THAT(sharing.Tick(*output, now_ms, articles), IsOk());
  }

  DocumentFrequencies table;
  TermCountsSharing sharing;
  std::unique_ptr<zmq::socket_t> output;
};

class TermCountsSharingTest : public store::testing::StoreServiceFixture {
 protected:
  EnrichConfig Config() const {
    EnrichConfig config;
    config.term_counts_stream = MakeEndpoint(acks_ep_, false, 10000);
    config.term_counts_report_articles = 2;
    config.term_counts_report_interval_ms = 60'000;
    return config;
  }

  // Steps `workers` (with a clock advancing 100 ms per step) until `done`.
  bool StepUntil(const std::vector<Worker*>& workers, const std::function<bool()>& done) {
    return WaitFor(
        [&] {
          now_ms_ += 100;
          for (Worker* w : workers) w->Step(now_ms_);
          return done();
        },
        20s);
  }

  void CloseTestSockets() override {
    a_.reset();
    b_.reset();
    c_.reset();
  }

  int64_t now_ms_ = 1'000'000;
  std::unique_ptr<Worker> a_, b_, c_;
};

TEST_F(TermCountsSharingTest, WorkersLearnFromEachOtherAndLateWorkersStartFromTheTable) {
  a_ = std::make_unique<Worker>(context_, "a/0", Config(), input_ep_);
  b_ = std::make_unique<Worker>(context_, "b/0", Config(), input_ep_);
  ASSERT_TRUE(
      StepUntil({a_.get(), b_.get()}, [&] { return a_->sharing.has_table() && b_->sharing.has_table(); }));

  // Worker a enriches four articles that share term 7.
  for (uint64_t doc = 0; doc < 4; ++doc) {
    a_->table.AddDocument(std::vector<uint64_t>{7, 100 + doc});
    a_->Step(now_ms_, /*articles=*/1);
  }
  EXPECT_EQ(a_->sharing.reports_sent(), 2u);  // one per two articles
  ASSERT_TRUE(StepUntil({a_.get(), b_.get()}, [&] { return b_->table.documents() >= 4; }));
  EXPECT_EQ(b_->table.documents(), 4);
  EXPECT_EQ(b_->table.Count(7), 4);
  EXPECT_EQ(b_->table.Count(101), 1);
  // a's own reports come back on the stream and are not counted twice.
  EXPECT_EQ(a_->table.documents(), 4);
  EXPECT_EQ(a_->table.Count(7), 4);

  // A worker started now begins with what the stream has counted.
  c_ = std::make_unique<Worker>(context_, "c/0", Config(), input_ep_);
  ASSERT_TRUE(StepUntil({a_.get(), b_.get(), c_.get()}, [&] { return c_->sharing.has_table(); }));
  EXPECT_EQ(c_->table.documents(), 4);
  EXPECT_EQ(c_->table.Count(7), 4);

  // b reports after its interval even below the article threshold.
  b_->table.AddDocument(std::vector<uint64_t>{7, 200});
  b_->Step(now_ms_, 1);
  EXPECT_EQ(b_->sharing.reports_sent(), 0u);
  now_ms_ += 60'000;
  ASSERT_TRUE(StepUntil({a_.get(), b_.get(), c_.get()},
                        [&] { return a_->table.documents() >= 5 && c_->table.documents() >= 5; }));
  EXPECT_EQ(b_->sharing.reports_sent(), 1u);
  EXPECT_EQ(a_->table.Count(7), 5);
  EXPECT_EQ(c_->table.Count(200), 1);
  EXPECT_EQ(b_->table.documents(), 5);
}

TEST_F(TermCountsSharingTest, WithoutAStoreTheWorkerGoesOnCold) {
  EnrichConfig config = Config();
  config.term_counts_stream = MakeEndpoint("inproc://nobody-publishes-here", false, 10);
  Worker lonely(context_, "lonely/0", config, input_ep_);
  lonely.table.AddDocument(std::vector<uint64_t>{1});
  lonely.Step(now_ms_, 1);
  EXPECT_FALSE(lonely.sharing.has_table());
  // Own counts wait for the table while it may still come ...
  EXPECT_EQ(lonely.sharing.reports_sent(), 0u);
  // ... and go out once the wait is over.
  lonely.table.AddDocument(std::vector<uint64_t>{2});
  lonely.Step(now_ms_ + 31'000, 1);
  EXPECT_EQ(lonely.sharing.reports_sent(), 1u);
  EXPECT_EQ(lonely.table.documents(), 2);
}

}  // namespace
}  // namespace newsflow::enrich

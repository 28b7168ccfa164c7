// The store daemon killed with SIGKILL while its search indexer is behind
// (documents added but not committed): after a restart every article the
// store committed is found by search, and only once. Real processes on
// 127.0.0.1 (OS-chosen ports).
#include <signal.h>
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "common/delivery/envelope_codec.h"
#include "common/transport/zmq_socket.h"
#include "tests/integration/daemon_harness.h"

namespace newsflow::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr int kArticles = 3000;

class SearchCrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/newsflow-search-crash-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    store_.reset();
    if (!HasFailure()) {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    } else {
      std::cerr << "kept test folder " << dir_ << " (daemon logs inside)\n";
    }
  }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  void StartStore(const std::string& log) {
    std::string config = WriteFile(Path("store.yaml"), fmt::format(R"(data_dir: {}
store:
  input: {{address: "tcp://127.0.0.1:*", bind: true}}
  publish: {{address: "tcp://127.0.0.1:*", bind: true}}
  acks: {{address: "tcp://127.0.0.1:*", bind: true}}
  query: {{address: "tcp://127.0.0.1:*", bind: true}}
  term_counts: {{address: "tcp://127.0.0.1:*", bind: true}}
  http: {{enabled: true, port: 0}}
)",
                                                                   dir_));
    fs::remove(Path("store.endpoints"));
    store_ = std::make_unique<Daemon>(
        BinaryPath("newsflow-store"),
        std::vector<std::string>{"--config", config, "--endpoints-file", Path("store.endpoints")}, Path(log));
    auto endpoints = ReadEndpoints(Path("store.endpoints"), seconds(30), store_.get());
    ASSERT_TRUE(endpoints.ok()) << store_->Log();
    endpoints_ = *endpoints;
  }

  // The store's last committed and last search-indexed sequence numbers.
  std::pair<uint64_t, uint64_t> Sequences() {
    v1::QueryRequest q;
    q.set_stats(true);
    auto r = QueryStore(context_, endpoints_["store.query"], q);
    if (!r.ok()) return {0, 0};
    auto it = r->counters().find("search_indexed_sequence");
    return {r->last_sequence(), it == r->counters().end() ? 0 : it->second};
  }

  std::string dir_;
  zmq::context_t context_{1};
  std::unique_ptr<Daemon> store_;
  std::map<std::string, std::string> endpoints_;
};

// Made-up words, so that each article indexes a few hundred terms.
std::string Text(int i) {
  static const char* kWords[] = {"harbour", "ferry",  "tide",   "crane",  "cargo", "quay",
                                 "pilot",   "beacon", "anchor", "vessel", "dock",  "hull"};
  std::string text = fmt::format("marker{} ", i);
  for (int w = 0; w < 200; ++w) {
    text += kWords[(i * 7 + w * 13) % 12];
    text += w % 12 == 11 ? ". " : " ";
  }
  return text;
}

TEST_F(SearchCrashTest, KilledWhileIndexingLosesNothingFromSearch) {
  StartStore("store-1.log");
  // Open until the end: closing it would drop what the store has not read.
  auto push = OpenSocket(context_, zmq::socket_type::push,
                         {.address = endpoints_["store.input"], .bind = false, .hwm = 100000});
  ASSERT_TRUE(push.ok()) << push.status();
  {
    for (int i = 0; i < kArticles; ++i) {
      v1::Envelope e = NewEnvelope();
      v1::Article* a = e.mutable_article();
      a->set_id(fmt::format("{:016x}", i + 1));
      a->set_version("v1");
      a->set_origin("ingest-crash-test");
      a->set_title(fmt::format("Harbour report {}", i));
      a->set_text(Text(i));
      a->set_published_at_ms(1'700'000'000'000 + i * 1000LL);
      a->mutable_source()->set_id("src-harbour");
      a->mutable_enrichment()->set_language("en");
      ASSERT_TRUE(SendFrames(*push, {EncodeEnvelope(e)}, /*dontwait=*/false).ok());
    }
  }
  // Killed as soon as about half is committed: the store is still taking
  // articles and the indexer is behind.
  ASSERT_TRUE(WaitFor([&] { return Sequences().first >= kArticles / 2; }, seconds(60))) << store_->Log();
  const auto [committed_before, indexed_before] = Sequences();
  store_->Kill(SIGKILL);
  store_->Stop();
  EXPECT_LT(indexed_before, committed_before) << "the indexer had caught up when the store was killed";

  StartStore("store-2.log");
  uint64_t committed = 0;
  ASSERT_TRUE(WaitFor(
      [&] {
        auto [last, indexed] = Sequences();
        committed = last;
        return last > 0 && indexed == last;
      },
      seconds(60)))
      << store_->Log();
  EXPECT_GE(committed, committed_before);

  auto stored = AllStored(context_, endpoints_["store.query"]);
  ASSERT_TRUE(stored.ok()) << stored.status();
  std::set<std::string> stored_ids;
  for (const auto& a : *stored) stored_ids.insert(a.id());
  ASSERT_GE(stored_ids.size(), static_cast<std::size_t>(kArticles / 2));

  // Every page of a word every article has, newest first.
  httplib::Client client(endpoints_["store.http"]);
  std::vector<std::string> found;
  std::string cursor;
  for (int page = 0; page < 100; ++page) {
    auto res = client.Get("/v1/search?q=harbour&order=newest&limit=100" +
                          (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    nlohmann::json body = nlohmann::json::parse(res->body);
    for (const auto& hit : body["hits"]) found.push_back(hit["id"]);
    if (!body["more"].get<bool>()) break;
    cursor = body["next_cursor"];
  }
  EXPECT_EQ(found.size(), stored_ids.size()) << "each stored article once";
  EXPECT_EQ(std::set<std::string>(found.begin(), found.end()), stored_ids);
  // And by its own word.
  auto res = client.Get("/v1/search?q=marker7");
  ASSERT_TRUE(res);
  nlohmann::json body = nlohmann::json::parse(res->body);
  ASSERT_EQ(body["hits"].size(), 1u);
  EXPECT_EQ(body["hits"][0]["id"], fmt::format("{:016x}", 8));
  EXPECT_EQ(store_->Stop(), 0);
}

}  // namespace
}  // namespace newsflow::testing

// End-to-end tests of the three real daemons as separate processes on
// 127.0.0.1 (OS-chosen ports), fed with the sample feeds bundled in the
// repository: exactly-once storage, filtered and replayed subscriptions, a
// worker killed mid-stream, garbage on every socket, and every daemon's
// /healthz, /readyz and /metrics through a store outage.
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "common/delivery/envelope_codec.h"
#include "common/delivery/request_client.h"
#include "common/transport/zmq_socket.h"
#include "common/util/hash.h"
#include "services/enrich/enrich_service.h"
#include "services/ingest/article_builder.h"
#include "services/ingest/feed/feed_parser.h"
#include "tests/integration/daemon_harness.h"
#include "tests/testing/exposition.h"

namespace newsflow::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::vector<std::string> SampleFeeds() {
  std::vector<std::string> feeds;
  for (const auto& e : fs::directory_iterator("samples/feeds")) {
    if (e.path().extension() == ".xml") feeds.push_back(fs::absolute(e.path()).string());
  }
  std::sort(feeds.begin(), feeds.end());
  return feeds;
}

// The articles ingest will build from `feeds`, by id, computed with the same
// library code the daemon runs.
std::map<std::string, v1::Article> ExpectedArticles(const std::vector<std::string>& feeds) {
  std::map<std::string, v1::Article> out;
  for (const auto& f : feeds) {
    auto parsed = ingest::ParseFeed(ReadWholeFile(f), f);
    if (!parsed.ok()) continue;
    for (const auto& item : parsed->items) {
      auto a = ingest::ArticleFromFeedItem(item, *parsed, f, "ingest-0", 0);
      if (a) out[a->id()] = *a;
    }
  }
  return out;
}

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/newsflow-it-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    subscribers_.clear();
    ingest_.reset();
    workers_.clear();
    store_.reset();
    if (!HasFailure()) {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    } else {
      std::cerr << "kept test folder " << dir_ << " (daemon logs inside)\n";
    }
  }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  // Ingest reads local feeds only from here (ingest.fetch.file_feeds_allowed_under).
  std::string FeedsDir() const { return Path("feeds"); }
  // Copies of the sample feeds in FeedsDir().
  std::vector<std::string> LocalSampleFeeds() const {
    fs::create_directories(FeedsDir());
    std::vector<std::string> out;
    for (const auto& f : SampleFeeds()) {
      out.push_back(FeedsDir() + "/" + fs::path(f).filename().string());
      fs::copy_file(f, out.back(), fs::copy_options::overwrite_existing);
    }
    return out;
  }

  // A store restarted on the input, acks and term-counts addresses of the
  // one before is found again by the workers and ingest that connect there.
  void StartStore(const std::string& input = "tcp://127.0.0.1:*",
                  const std::string& acks = "tcp://127.0.0.1:*",
                  const std::string& term_counts = "tcp://127.0.0.1:*") {
    std::string config = WriteFile(Path("store.yaml"), fmt::format(R"(data_dir: {}
store:
  input: {{address: "{}", bind: true}}
  publish: {{address: "tcp://127.0.0.1:*", bind: true}}
  acks: {{address: "{}", bind: true}}
  query: {{address: "tcp://127.0.0.1:*", bind: true}}
  term_counts: {{address: "{}", bind: true}}
  http: {{enabled: true, port: 0}}
)",
                                                                   dir_, input, acks, term_counts));
    fs::remove(Path("store.endpoints"));
    store_ = std::make_unique<Daemon>(
        BinaryPath("newsflow-store"),
        std::vector<std::string>{"--config", config, "--endpoints-file", Path("store.endpoints")},
        Path("store.log"));
    auto endpoints = ReadEndpoints(Path("store.endpoints"), seconds(30), store_.get());
    ASSERT_TRUE(endpoints.ok()) << store_->Log();
    store_endpoints_ = *endpoints;
    WriteClientConfig();
  }

  // The CLI reads the daemons' endpoints from its config file.
  void WriteClientConfig() {
    std::string control = ingest_endpoints_.contains("ingest.control") ? ingest_endpoints_["ingest.control"]
                                                                       : "tcp://127.0.0.1:1";
    WriteFile(Path("client.yaml"),
              fmt::format(R"(data_dir: {}
ingest:
  control: {{address: "{}", bind: false}}
store:
  publish: {{address: "{}", bind: false}}
  query: {{address: "{}", bind: false}}
)",
                          dir_, control, store_endpoints_["store.publish"], store_endpoints_["store.query"]));
  }

  void StartIngest(const std::string& name, const std::string& acks_address, int ack_timeout_ms,
                   const std::string& extra = "") {
    std::string config = WriteFile(
        Path(name + ".yaml"), fmt::format(R"(data_dir: {}/{}
ingest:
  instance_id: {}
  articles: {{address: "tcp://127.0.0.1:*", bind: true, hwm: 50}}
  acks: {{address: "{}", bind: false}}
  control: {{address: "tcp://127.0.0.1:*", bind: true}}
  poll: {{default_interval_s: 3600}}
  api: {{port: 0}}
  outbox: {{ack_timeout_ms: {}}}
  fetch: {{file_feeds_allowed_under: "{}"}}
{}
)",
                                          dir_, name, name, acks_address, ack_timeout_ms, FeedsDir(), extra));
    ingest_ = std::make_unique<Daemon>(
        BinaryPath("newsflow-ingest"),
        std::vector<std::string>{"--config", config, "--endpoints-file", Path(name + ".endpoints")},
        Path(name + ".log"));
    auto endpoints = ReadEndpoints(Path(name + ".endpoints"), seconds(30), ingest_.get());
    ASSERT_TRUE(endpoints.ok()) << ingest_->Log();
    ingest_endpoints_ = *endpoints;
    WriteClientConfig();  // the CLI's feed commands go to this ingest
  }

  // Starts an enrich worker reading from `input` (connecting) and writing to the store.
  void StartWorker(const std::string& input, bool bind_input = false) {
    int n = static_cast<int>(workers_.size());
    std::string name = fmt::format("enrich-{}", n);
    std::string config =
        WriteFile(Path(name + ".yaml"),
                  fmt::format(R"(data_dir: {}
enrich:
  worker_id: {}
  input: {{address: "{}", bind: {}, hwm: 20}}
  output: {{address: "{}", bind: false}}
  term_counts: {{stream: "{}"}}
  http: {{port: 0}}
)",
                              dir_, name, input, bind_input ? "true" : "false",
                              store_endpoints_["store.input"], store_endpoints_["store.term_counts"]));
    workers_.push_back(std::make_unique<Daemon>(
        BinaryPath("newsflow-enrich"),
        std::vector<std::string>{"--config", config, "--endpoints-file", Path(name + ".endpoints")},
        Path(name + ".log")));
    auto endpoints = ReadEndpoints(Path(name + ".endpoints"), seconds(30), workers_.back().get());
    ASSERT_TRUE(endpoints.ok()) << workers_.back()->Log();
    worker_endpoints_.push_back(*endpoints);
  }

  // Runs the CLI to completion and returns its stdout.
  std::string RunCli(const std::vector<std::string>& args, int* exit_status = nullptr) {
    std::string out = Path(fmt::format("cli-{}.out", cli_runs_++));
    std::vector<std::string> full{"--config", Path("client.yaml")};
    full.insert(full.end(), args.begin(), args.end());
    Daemon cli(BinaryPath("newsflow"), full, out);
    bool done = WaitFor([&] { return !cli.Running(); }, seconds(60));
    int status = done ? cli.Stop() : -1;
    if (exit_status) *exit_status = status;
    return ReadWholeFile(out);
  }

  uint64_t LastSequence() {
    v1::QueryRequest q;
    q.set_stats(true);
    auto r = QueryStore(context_, store_endpoints_["store.query"], q);
    return r.ok() ? r->last_sequence() : 0;
  }

  std::string dir_;
  zmq::context_t context_{1};
  std::unique_ptr<Daemon> store_;
  std::unique_ptr<Daemon> ingest_;
  std::vector<std::unique_ptr<Daemon>> workers_;
  std::vector<std::unique_ptr<Daemon>> subscribers_;
  std::map<std::string, std::string> store_endpoints_;
  std::map<std::string, std::string> ingest_endpoints_;
  std::vector<std::map<std::string, std::string>> worker_endpoints_;
  int cli_runs_ = 0;
};

std::vector<nlohmann::json> JsonLines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.is_object() && j.contains("id")) out.push_back(j);
  }
  return out;
}

TEST_F(PipelineTest, EveryArticleStoredOnceAndStreamedToFilteredAndReplayingSubscribers) {
  const auto feeds = LocalSampleFeeds();
  ASSERT_GE(feeds.size(), 3u) << "run the tests from the repository root";
  const auto expected = ExpectedArticles(feeds);
  ASSERT_GE(expected.size(), 20u);

  // Pick a tag that some but not all articles will carry, by running the
  // same enrichment code the workers run.
  std::map<std::string, std::set<std::string>> ids_by_tag;
  {
    enrich::Enricher enricher(enrich::EnrichOptions{});
    for (auto [id, a] : expected) {
      enrich::EnrichArticle(enricher, "test", &a);
      for (const auto& t : a.enrichment().tags()) ids_by_tag[t.key()].insert(id);
    }
  }
  std::string tag;
  for (const auto& [key, ids] : ids_by_tag) {
    if (ids.size() >= 2 && ids.size() < expected.size() &&
        (tag.empty() || ids.size() > ids_by_tag[tag].size())) {
      tag = key;
    }
  }
  ASSERT_FALSE(tag.empty()) << "no tag shared by several sample articles";

  ASSERT_NO_FATAL_FAILURE(StartStore());
  ASSERT_NO_FATAL_FAILURE(StartIngest("ingest-0", store_endpoints_["store.acks"], 5000));
  ASSERT_NO_FATAL_FAILURE(StartWorker(ingest_endpoints_["ingest.articles"]));
  ASSERT_NO_FATAL_FAILURE(StartWorker(ingest_endpoints_["ingest.articles"]));

  // A live subscriber filtered by one tag, started before any article exists.
  subscribers_.push_back(std::make_unique<Daemon>(
      BinaryPath("newsflow"),
      std::vector<std::string>{"--config", Path("client.yaml"), "subscribe", "--tag", tag, "--json"},
      Path("subscriber-tag.out")));
  // Startup allowance for the subscription to reach the publisher (loopback
  // takes milliseconds) and for both workers to connect to ingest.
  std::this_thread::sleep_for(seconds(1));

  for (const auto& f : feeds) {
    int status = 0;
    std::string out = RunCli({"feeds", "add", f}, &status);
    ASSERT_EQ(status, 0) << out;
  }
  // Files outside ingest.fetch.file_feeds_allowed_under are no feeds.
  for (const std::string& outside : {std::string("/etc/passwd"), "file://" + Path("ingest-0.yaml")}) {
    int status = 0;
    std::string out = RunCli({"feeds", "add", outside}, &status);
    EXPECT_NE(status, 0) << out;
    EXPECT_THAT(out, ::testing::HasSubstr("file_feeds_allowed_under")) << out;
  }
  ASSERT_TRUE(WaitFor([&] { return LastSequence() >= expected.size(); }, seconds(90)))
      << "stored " << LastSequence() << " of " << expected.size() << "\n"
      << ingest_->Log();

  auto stored = AllStored(context_, store_endpoints_["store.query"]);
  ASSERT_TRUE(stored.ok()) << stored.status();
  // Exactly once: one version per expected id, sequence numbers 1..N.
  std::set<std::string> ids;
  std::set<uint64_t> sequences;
  std::set<std::string> enrichers;
  for (const auto& a : *stored) {
    EXPECT_TRUE(expected.contains(a.id())) << a.id() << " " << a.title();
    EXPECT_TRUE(ids.insert(a.id()).second) << "stored twice: " << a.id();
    sequences.insert(a.sequence());
    enrichers.insert(a.enrichment().enricher());
    EXPECT_GE(a.enrichment().tags_size(), 1) << a.title();
    EXPECT_GE(a.enrichment().summary_size(), 1) << a.title();
    EXPECT_FALSE(a.enrichment().language().empty()) << a.title();
  }
  EXPECT_EQ(ids.size(), expected.size());
  EXPECT_EQ(sequences.size(), expected.size());
  EXPECT_EQ(*sequences.rbegin(), expected.size());
  EXPECT_EQ(LastSequence(), expected.size());
  EXPECT_EQ(enrichers.size(), 2u) << "both workers should have taken articles";

  // The filtered subscriber received exactly the articles carrying the tag.
  std::set<std::string> with_tag;
  for (const auto& a : *stored) {
    for (const auto& t : a.enrichment().tags()) {
      if (t.key() == tag) with_tag.insert(a.id());
    }
  }
  std::vector<nlohmann::json> got;
  ASSERT_TRUE(WaitFor(
      [&] {
        got = JsonLines(ReadWholeFile(Path("subscriber-tag.out")));
        return got.size() >= with_tag.size();
      },
      seconds(20)));
  std::multiset<std::string> got_ids;
  for (const auto& j : got) got_ids.insert(j["id"].get<std::string>());
  EXPECT_EQ(std::set<std::string>(got_ids.begin(), got_ids.end()), with_tag);
  EXPECT_EQ(got_ids.size(), with_tag.size()) << "duplicates on the filtered stream";

  // A subscriber that starts late replays what it missed after --since.
  const uint64_t since = expected.size() / 2;
  std::string replay = RunCli({"subscribe", "--since", std::to_string(since), "--json", "--count",
                               std::to_string(expected.size() - since)});
  std::set<uint64_t> replayed;
  for (const auto& j : JsonLines(replay)) replayed.insert(j["sequence"].get<uint64_t>());
  std::set<uint64_t> want;
  for (uint64_t s = since + 1; s <= expected.size(); ++s) want.insert(s);
  EXPECT_EQ(replayed, want);

  // The persisted feed list shows every feed, and queries by tag agree.
  std::string list = RunCli({"feeds", "list"});
  for (const auto& f : feeds) EXPECT_NE(list.find(f), std::string::npos) << list;
  std::string by_tag = RunCli({"query", "--tag", tag, "--limit", "1000"});
  EXPECT_EQ(JsonLines(by_tag).size(), with_tag.size());
  EXPECT_TRUE(store_->Running());
  EXPECT_TRUE(ingest_->Running());
}

// Builds an RSS feed of `n` distinct items from the sample articles' text.
std::string LargeFeed(const std::map<std::string, v1::Article>& samples, int n) {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Load</title>"
      "<link>https://load.example.com/</link><description>generated</description>\n";
  std::vector<const v1::Article*> pool;
  for (const auto& [id, a] : samples) {
    if (!a.text().empty()) pool.push_back(&a);
  }
  auto escape = [](const std::string& s) {
    std::string out;
    for (char c : s) {
      if (c == '<')
        out += "&lt;";
      else if (c == '>')
        out += "&gt;";
      else if (c == '&')
        out += "&amp;";
      else
        out += c;
    }
    return out;
  };
  for (int i = 0; i < n; ++i) {
    const v1::Article& a = *pool[i % pool.size()];
    xml += fmt::format(
        "<item><title>{} ({})</title><link>https://load.example.com/a/{}</link>"
        "<description>{} Item {}.</description></item>\n",
        escape(a.title()), i, i, escape(a.text()), i);
  }
  return xml + "</channel></rss>\n";
}

TEST_F(PipelineTest, WorkerKilledMidStreamLosesNothing) {
  const auto samples = ExpectedArticles(SampleFeeds());
  ASSERT_FALSE(samples.empty());
  const int n = 3000;
  fs::create_directories(FeedsDir());
  std::string feed = WriteFile(FeedsDir() + "/large.xml", LargeFeed(samples, n));

  ASSERT_NO_FATAL_FAILURE(StartStore());
  ASSERT_NO_FATAL_FAILURE(StartIngest("ingest-0", store_endpoints_["store.acks"], 2000));
  // One worker first, so it certainly holds articles when it dies.
  ASSERT_NO_FATAL_FAILURE(StartWorker(ingest_endpoints_["ingest.articles"]));
  std::this_thread::sleep_for(milliseconds(500));  // let the worker connect
  int status = 0;
  std::string out = RunCli({"feeds", "add", feed}, &status);
  ASSERT_EQ(status, 0) << out;

  ASSERT_TRUE(WaitFor([&] { return LastSequence() >= 100; }, seconds(60))) << workers_[0]->Log();
  workers_[0]->Kill(SIGKILL);
  uint64_t at_kill = LastSequence();
  ASSERT_NO_FATAL_FAILURE(StartWorker(ingest_endpoints_["ingest.articles"]));
  EXPECT_LT(at_kill, static_cast<uint64_t>(n)) << "the worker finished before it was killed";

  ASSERT_TRUE(WaitFor([&] { return LastSequence() >= static_cast<uint64_t>(n); }, seconds(240)))
      << "stored " << LastSequence() << " of " << n;
  // Let any late resend arrive; it must be absorbed as a duplicate.
  std::this_thread::sleep_for(seconds(3));
  auto stored = AllStored(context_, store_endpoints_["store.query"]);
  ASSERT_TRUE(stored.ok()) << stored.status();
  std::set<std::string> ids;
  for (const auto& a : *stored) EXPECT_TRUE(ids.insert(a.id()).second) << "stored twice: " << a.id();
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(n));
  EXPECT_EQ(LastSequence(), static_cast<uint64_t>(n));
  std::set<std::string> enrichers;
  for (const auto& a : *stored) enrichers.insert(a.enrichment().enricher());
  EXPECT_EQ(enrichers.size(), 2u);
  std::string dead = RunCli({"feeds", "dead-letters"});
  EXPECT_TRUE(JsonLines(dead).empty()) << dead;
}

TEST_F(PipelineTest, ArticleThatCrashesAWorkerIsDeadLetteredAfterOneCrash) {
  const auto samples = ExpectedArticles(SampleFeeds());
  ASSERT_FALSE(samples.empty());
  const int n = 40;
  const std::string marker = "POISON-7f3a";
  std::string xml = LargeFeed(samples, n);
  const std::string poisoned_item = "Item 17.</description>";
  ASSERT_NE(xml.find(poisoned_item), std::string::npos);
  xml.replace(xml.find(poisoned_item), poisoned_item.size(), "Item 17. " + marker + ".</description>");
  fs::create_directories(FeedsDir());
  std::string feed = WriteFile(FeedsDir() + "/poison.xml", xml);

  ASSERT_NO_FATAL_FAILURE(StartStore());
  ASSERT_NO_FATAL_FAILURE(StartIngest("ingest-0", store_endpoints_["store.acks"], 2000));
  // Every worker of this test aborts on the marker (the test hook), so a
  // second delivery of the poisoned article would crash a second worker.
  ASSERT_EQ(setenv("NEWSFLOW_TEST_ENRICH_CRASH_MARKER", marker.c_str(), 1), 0);
  ASSERT_NO_FATAL_FAILURE(StartWorker(ingest_endpoints_["ingest.articles"]));
  std::this_thread::sleep_for(milliseconds(500));
  int status = 0;
  std::string out = RunCli({"feeds", "add", feed}, &status);
  ASSERT_EQ(status, 0) << out;

  ASSERT_TRUE(WaitFor([&] { return !workers_[0]->Running(); }, seconds(60))) << workers_[0]->Log();
  EXPECT_NE(workers_[0]->Log().find("test hook"), std::string::npos) << workers_[0]->Log();
  // Restarted (as systemd or Kubernetes would) on the same journal folder.
  ASSERT_NO_FATAL_FAILURE(StartWorker(ingest_endpoints_["ingest.articles"]));
  unsetenv("NEWSFLOW_TEST_ENRICH_CRASH_MARKER");

  ASSERT_TRUE(WaitFor([&] { return LastSequence() >= static_cast<uint64_t>(n - 1); }, seconds(120)))
      << "stored " << LastSequence() << " of " << n - 1 << "\n"
      << workers_[1]->Log();
  std::string poison_id;
  auto dead_letters = [&] { return JsonLines(RunCli({"dead-letters", "list", "--json"})); };
  ASSERT_TRUE(WaitFor([&] { return dead_letters().size() == 1; }, seconds(30)));
  auto dead = dead_letters();
  ASSERT_EQ(dead.size(), 1u);
  poison_id = dead[0]["id"].get<std::string>();
  EXPECT_NE(dead[0]["reason"].get<std::string>().find("crashed the worker process"), std::string::npos)
      << dead[0];
  EXPECT_NE(dead[0]["title"].get<std::string>().find("(17)"), std::string::npos) << dead[0];

  // Past the ack timeout nothing is resent to the new worker: it lives, and
  // every other article is stored exactly once.
  std::this_thread::sleep_for(seconds(4));
  EXPECT_TRUE(workers_[1]->Running()) << workers_[1]->Log();
  auto stored = AllStored(context_, store_endpoints_["store.query"]);
  ASSERT_TRUE(stored.ok()) << stored.status();
  std::set<std::string> ids;
  for (const auto& a : *stored) {
    EXPECT_TRUE(ids.insert(a.id()).second) << "stored twice: " << a.id();
    EXPECT_NE(a.id(), poison_id);
  }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(n - 1));

  // Show it; re-drive it: the worker knows it is quarantined and reports it
  // again instead of crashing, so it is back in the dead letters.
  std::string shown = RunCli({"dead-letters", "show", poison_id}, &status);
  EXPECT_EQ(status, 0) << shown;
  EXPECT_NE(shown.find(marker), std::string::npos) << shown;
  out = RunCli({"dead-letters", "redrive", poison_id}, &status);
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find("re-drove 1"), std::string::npos) << out;
  ASSERT_TRUE(WaitFor([&] { return dead_letters().size() == 1; }, seconds(30)));
  EXPECT_TRUE(workers_[1]->Running()) << workers_[1]->Log();
  out = RunCli({"dead-letters", "purge", "--all"}, &status);
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find("purged 1"), std::string::npos) << out;
  EXPECT_TRUE(dead_letters().empty());
  RunCli({"dead-letters", "show", poison_id}, &status);
  EXPECT_NE(status, 0);
  EXPECT_EQ(LastSequence(), static_cast<uint64_t>(n - 1));
}

std::vector<std::vector<std::string>> Garbage() {
  v1::Envelope wrong_payload = NewEnvelope();
  wrong_payload.mutable_ack()->set_article_id("x");
  v1::Envelope future = NewEnvelope();
  future.set_schema_version(99);
  future.mutable_article()->set_id("y");
  std::string random(2048, '\0');
  for (std::size_t i = 0; i < random.size(); ++i) random[i] = static_cast<char>((i * 7919 + 13) % 251);
  return {{""},
          {std::string("\x00\x01\x02garbage", 10)},
          {random},
          {EncodeEnvelope(wrong_payload)},
          {EncodeEnvelope(future)},
          {"a", "b", random},
          {std::string(1 << 20, 'z')}};
}

TEST_F(PipelineTest, GarbageOnEverySocketIsCountedAndSkipped) {
  ASSERT_NO_FATAL_FAILURE(StartStore());
  fs::create_directories(Path("drop"));
  ASSERT_NO_FATAL_FAILURE(
      StartIngest("ingest-0", store_endpoints_["store.acks"], 2000,
                  fmt::format("  drop_dir: {}\n  drop_scan_interval_ms: 100", Path("drop"))));
  ASSERT_NO_FATAL_FAILURE(StartWorker(ingest_endpoints_["ingest.articles"]));

  auto send_all = [&](zmq::socket_type type, const std::string& endpoint, const std::string& topic) {
    auto socket = OpenSocket(context_, type, MakeEndpoint(endpoint, false, 1000), milliseconds(2000));
    ASSERT_TRUE(socket.ok());
    std::this_thread::sleep_for(milliseconds(300));  // connect before sending
    for (auto frames : Garbage()) {
      if (!topic.empty()) frames.insert(frames.begin(), topic);
      ASSERT_TRUE(SendFrames(*socket, frames, false).ok());
    }
  };
  // store.input (PULL), enrich input via a second worker bound for the test,
  // ingest.control and store.query (ROUTER, must still answer).
  send_all(zmq::socket_type::push, store_endpoints_["store.input"], "");
  for (const auto& [name, endpoint] : {std::pair{"store.query", store_endpoints_["store.query"]},
                                       std::pair{"ingest.control", ingest_endpoints_["ingest.control"]}}) {
    for (const auto& frames : Garbage()) {
      auto dealer = OpenSocket(context_, zmq::socket_type::dealer, MakeEndpoint(endpoint, false, 100));
      ASSERT_TRUE(dealer.ok());
      ASSERT_TRUE(SendFrames(*dealer, frames, false).ok());
      std::vector<zmq::pollitem_t> items{{dealer->handle(), 0, ZMQ_POLLIN, 0}};
      auto ready = Poll(items, seconds(10));
      ASSERT_TRUE(ready.ok() && *ready == 1) << name << " did not answer garbage";
      auto reply = RecvFrames(*dealer);
      ASSERT_TRUE(reply.ok() && reply->has_value());
      auto decoded = DecodeEnvelope((**reply).back().to_string());
      ASSERT_TRUE(decoded.ok()) << name;
      bool ok = decoded->has_result() ? decoded->result().ok() : decoded->control_result().ok();
      EXPECT_FALSE(ok) << name << " accepted garbage";
    }
  }
  // An enrich worker whose input the test feeds directly.
  auto feeder = OpenSocket(context_, zmq::socket_type::push, MakeEndpoint("tcp://127.0.0.1:*", true, 1000),
                           milliseconds(2000));
  ASSERT_TRUE(feeder.ok());
  ASSERT_NO_FATAL_FAILURE(StartWorker(BoundEndpoint(*feeder)));
  std::this_thread::sleep_for(milliseconds(300));
  for (const auto& frames : Garbage()) ASSERT_TRUE(SendFrames(*feeder, frames, false).ok());
  v1::Envelope valid = NewEnvelope();
  v1::Article* direct = valid.mutable_article();
  direct->set_id(HashHex("direct"));
  direct->set_version("v1");
  direct->set_title("Harbour authority approves new ferry terminal");
  direct->set_text(
      "The harbour authority approved a new ferry terminal on Tuesday. The terminal will open in 2028 "
      "and serve three ferry routes. Construction starts next spring.");
  direct->set_origin("nobody");
  ASSERT_TRUE(SendFrames(*feeder, {EncodeEnvelope(valid)}, false).ok());
  // Ingest's ack socket: a second ingest subscribes to a publisher the test owns.
  auto ack_pub = OpenSocket(context_, zmq::socket_type::pub, MakeEndpoint("tcp://127.0.0.1:*", true, 1000));
  ASSERT_TRUE(ack_pub.ok());
  auto first_ingest = std::move(ingest_);
  auto first_endpoints = ingest_endpoints_;
  ASSERT_NO_FATAL_FAILURE(StartIngest("ingest-g", BoundEndpoint(*ack_pub), 2000));
  std::this_thread::sleep_for(milliseconds(500));
  for (auto frames : Garbage()) {
    frames.insert(frames.begin(), "ack.ingest-g.");
    ASSERT_TRUE(SendFrames(*ack_pub, frames, false).ok());
  }
  int status = 0;
  RunCli({"feeds", "list"}, &status);  // ingest-g still answers its control socket
  EXPECT_EQ(status, 0);
  auto garbage_ingest = std::move(ingest_);
  ingest_ = std::move(first_ingest);
  ingest_endpoints_ = first_endpoints;
  WriteClientConfig();

  // HTTP: bad parameters and raw junk.
  std::string http = store_endpoints_["store.http"];
  httplib::Client client(http);
  auto bad_limit = client.Get("/v1/articles?limit=abc");
  ASSERT_TRUE(bad_limit);
  EXPECT_EQ(bad_limit->status, 400);
  auto unknown = client.Get("/v1/articles/0000000000000000");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);

  // Everything still works: the direct article and a dropped file are stored.
  WriteFile(Path("drop/.tmp"),
            R"({"url": "https://local.example.net/after-garbage", "title": "Council opens new library",
    "text": "The council opened a new library on Monday. It holds forty thousand books. Opening hours run until nine."})");
  fs::rename(Path("drop/.tmp"), Path("drop/after-garbage.json"));
  ASSERT_TRUE(WaitFor([&] { return LastSequence() >= 2; }, seconds(60))) << store_->Log();
  v1::QueryRequest get;
  get.set_get_id(direct->id());
  auto r = QueryStore(context_, store_endpoints_["store.query"], get);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->ok()) << r->error();
  EXPECT_TRUE(store_->Running());
  EXPECT_TRUE(ingest_->Running());
  EXPECT_TRUE(garbage_ingest->Running());
  for (auto& w : workers_) EXPECT_TRUE(w->Running());
  // Bad input was reported, not silently swallowed.
  EXPECT_NE(store_->Log().find("dropped bad message"), std::string::npos);
  EXPECT_NE(workers_[1]->Log().find("dropped bad message"), std::string::npos);
  EXPECT_NE(garbage_ingest->Log().find("dropped bad message"), std::string::npos);
}

// GET `path` from `base` ("http://127.0.0.1:PORT"): the status (0 when the
// request failed) and the parsed JSON body.
std::pair<int, nlohmann::json> GetJson(const std::string& base, const std::string& path) {
  httplib::Client client(base);
  client.set_connection_timeout(2);
  client.set_read_timeout(5);
  auto res = client.Get(path);
  if (!res) return {0, nullptr};
  return {res->status, nlohmann::json::parse(res->body, nullptr, false)};
}

// /metrics of `base`, parsed; fails the test when it breaks the format.
Exposition Scrape(const std::string& base) {
  httplib::Client client(base);
  client.set_read_timeout(5);
  auto res = client.Get("/metrics");
  EXPECT_TRUE(res) << base;
  if (!res) return {};
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  auto parsed = ParseExposition(res->body);
  EXPECT_TRUE(parsed.ok()) << base << ": " << parsed.status() << "\n" << res->body;
  return parsed.ok() ? *parsed : Exposition{};
}

TEST_F(PipelineTest, EveryDaemonServesHealthReadinessAndMetrics) {
  const auto feeds = LocalSampleFeeds();
  const auto expected = ExpectedArticles(feeds);
  ASSERT_GE(expected.size(), 20u) << "run the tests from the repository root";
  fs::create_directories(Path("drop"));
  ASSERT_NO_FATAL_FAILURE(StartStore());
  ASSERT_NO_FATAL_FAILURE(
      StartIngest("ingest-0", store_endpoints_["store.acks"], 3000,
                  fmt::format("  drop_dir: {}\n  drop_scan_interval_ms: 100", Path("drop"))));
  ASSERT_NO_FATAL_FAILURE(StartWorker(ingest_endpoints_["ingest.articles"]));
  ASSERT_TRUE(worker_endpoints_[0].contains("enrich.http")) << workers_[0]->Log();
  const std::string ingest = ingest_endpoints_["ingest.api"];
  const std::string worker = worker_endpoints_[0]["enrich.http"];
  // The bound port of a worker with enrich.http.port 0 is in its log.
  EXPECT_NE(workers_[0]->Log().find("http " + worker), std::string::npos) << workers_[0]->Log();

  for (const std::string& base : {store_endpoints_["store.http"], ingest, worker}) {
    auto [status, body] = GetJson(base, "/healthz");
    EXPECT_EQ(status, 200) << base;
    EXPECT_EQ(body["status"], "ok") << base;
    for (const auto& [name, family] : Scrape(base)) {
      EXPECT_FALSE(family.help.empty()) << base << " " << name;
      EXPECT_THAT(name, ::testing::StartsWith("newsflow_")) << base;
    }
  }
  // The worker is ready once connected to both ends (ZeroMQ connects in the background).
  ASSERT_TRUE(WaitFor([&] { return GetJson(worker, "/readyz").first == 200; }, seconds(20)))
      << GetJson(worker, "/readyz").second.dump();
  EXPECT_EQ(GetJson(ingest, "/readyz").first, 200);
  EXPECT_EQ(GetJson(store_endpoints_["store.http"], "/readyz").first, 200);

  // Articles flow: every daemon's counters move.
  for (const auto& f : feeds) {
    int status = 0;
    std::string out = RunCli({"feeds", "add", f}, &status);
    ASSERT_EQ(status, 0) << out;
  }
  ASSERT_TRUE(WaitFor([&] { return LastSequence() >= expected.size(); }, seconds(60))) << workers_[0]->Log();
  const double n = static_cast<double>(expected.size());
  ASSERT_TRUE(
      WaitFor([&] { return Scrape(ingest).Value("newsflow_ingest_outbox_outstanding") == 0; }, seconds(20)));
  Exposition in = Scrape(ingest);
  EXPECT_EQ(in.Value("newsflow_ingest_accepted_new_total"), n);
  EXPECT_GE(in.Value("newsflow_ingest_sent_total"), n);
  EXPECT_GE(in.Value("newsflow_ingest_acks_total"), n);
  EXPECT_GE(in.Value("newsflow_ingest_feed_fetches_ok_total"), static_cast<double>(feeds.size()));
  EXPECT_GE(in.Value("newsflow_ingest_fetch_duration_seconds_count", {{"kind", "feed"}}),
            static_cast<double>(feeds.size()));
  EXPECT_EQ(in.Value("newsflow_ingest_feeds", {{"state", "active"}}), static_cast<double>(feeds.size()));
  EXPECT_EQ(in.Value("newsflow_ingest_feeds", {{"state", "disabled"}}), 0);
  EXPECT_EQ(in.Value("newsflow_ingest_dead_letters"), 0);
  Exposition en = Scrape(worker);
  EXPECT_GE(en.Value("newsflow_enrich_articles_total", {{"outcome", "enriched"}}), n);
  EXPECT_EQ(en.Value("newsflow_enrich_articles_total", {{"outcome", "failed"}}), 0);
  EXPECT_EQ(en.Value("newsflow_enrich_duration_seconds_count"),
            en.Value("newsflow_enrich_articles_total", {{"outcome", "enriched"}}));
  EXPECT_EQ(en.Value("newsflow_enrich_connected_threads", {{"socket", "output"}}), 1);
  Exposition st = Scrape(store_endpoints_["store.http"]);
  EXPECT_EQ(st.Value("newsflow_store_committed_total"), n);
  EXPECT_EQ(st.Value("newsflow_store_articles"), n);
  // Every new article is timed from its fetch to its commit; each commit is
  // timed once (batches hold one or more articles).
  EXPECT_EQ(st.Value("newsflow_store_end_to_end_seconds_count"), n);
  EXPECT_GT(st.Value("newsflow_store_end_to_end_seconds_sum"), 0);
  EXPECT_GE(st.Value("newsflow_store_commit_duration_seconds_count"), 1);
  EXPECT_LE(st.Value("newsflow_store_commit_duration_seconds_count"), n);

  // The store stops: the worker loses its output at once, ingest once an
  // article has waited past the ack timeout (3 s here). Both stay alive.
  const std::string input = store_endpoints_["store.input"];
  const std::string acks = store_endpoints_["store.acks"];
  const std::string term_counts = store_endpoints_["store.term_counts"];
  ASSERT_EQ(store_->Stop(), 0);
  nlohmann::json why;
  ASSERT_TRUE(WaitFor(
      [&] {
        auto [status, body] = GetJson(worker, "/readyz");
        why = body;
        return status == 503;
      },
      seconds(20)));
  EXPECT_EQ(why["ready"], false);
  EXPECT_THAT(why["reason"].get<std::string>(), ::testing::HasSubstr("not connected to the store"));
  WriteFile(Path("drop/.tmp"),
            R"({"url": "https://local.example.net/while-down", "title": "Ferry timetable changes",
    "text": "The ferry runs every hour from Monday. Evening crossings end at ten. Tickets stay the same price."})");
  fs::rename(Path("drop/.tmp"), Path("drop/while-down.json"));
  ASSERT_TRUE(WaitFor(
      [&] {
        auto [status, body] = GetJson(ingest, "/readyz");
        why = body;
        return status == 503;
      },
      seconds(30)))
      << ingest_->Log();
  EXPECT_THAT(why["reason"].get<std::string>(), ::testing::HasSubstr("no ack from the store"));
  EXPECT_EQ(GetJson(ingest, "/healthz").first, 200);
  EXPECT_EQ(GetJson(worker, "/healthz").first, 200);
  EXPECT_GE(Scrape(ingest).Value("newsflow_ingest_outbox_outstanding"), 1);

  // It returns on the same addresses: both are ready again, the article is stored.
  ASSERT_NO_FATAL_FAILURE(StartStore(input, acks, term_counts));
  EXPECT_TRUE(WaitFor([&] { return GetJson(worker, "/readyz").first == 200; }, seconds(30)))
      << GetJson(worker, "/readyz").second.dump();
  EXPECT_TRUE(WaitFor([&] { return GetJson(ingest, "/readyz").first == 200; }, seconds(60)))
      << GetJson(ingest, "/readyz").second.dump() << ingest_->Log();
  EXPECT_TRUE(WaitFor([&] { return LastSequence() >= expected.size() + 1; }, seconds(30)));
}

// --check-config refuses a worker's health server off loopback without a token.
TEST_F(PipelineTest, CheckConfigRefusesPublicWorkerHttpWithoutToken) {
  std::string bad = WriteFile(Path("bad.yaml"), "enrich:\n  http:\n    address: 0.0.0.0\n    port: 8482\n");
  Daemon check(BinaryPath("newsflow-enrich"), {"--check-config", "--config", bad}, Path("check.log"));
  ASSERT_TRUE(WaitFor([&] { return !check.Running(); }, seconds(20)));
  const int refused = check.Stop();
  EXPECT_TRUE(WIFEXITED(refused) && WEXITSTATUS(refused) == 2) << refused;
  EXPECT_NE(check.Log().find("enrich.http.address: a non-loopback address requires enrich.http.token"),
            std::string::npos)
      << check.Log();
  std::string good =
      WriteFile(Path("good.yaml"), "enrich:\n  http:\n    address: 0.0.0.0\n    token: s3cret\n");
  Daemon ok(BinaryPath("newsflow-enrich"), {"--check-config", "--config", good}, Path("check-ok.log"));
  ASSERT_TRUE(WaitFor([&] { return !ok.Running(); }, seconds(20)));
  EXPECT_EQ(ok.Stop(), 0) << ok.Log();
}

}  // namespace
}  // namespace newsflow::testing

// The pipeline across hosts: ingest, the store and three enrich workers each
// on a host of its own (a network namespace; netns_topology.h), joined by a
// switch, every link across hosts encrypted with CurveZMQ as in
// deploy/config/cluster-example.yaml. Each phase feeds kArticles articles
// through ingest (one local feed file) and then counts them by id through
// the store's query socket: none may be missing and none stored twice.
//
//   CleanLinks              links as the kernel makes them
//   SlowLossyLinks          delay and loss on each direction of every link
//                           (netem, or where the kernel has none the
//                           test's own wires; netns_topology.h)
//   WorkerCutOffAndRestored slow, lossy links, and one worker's link down
//                           for longer than the heartbeat timeout mid-run,
//                           then up again: the worker must take articles
//                           again after it.
//
// The management sockets (ingest control, store query and publish) are
// ipc:// files, outside the simulated network, so the checks neither depend
// on nor disturb the links under test.
//
// Needs root and network namespaces; otherwise it exits with kSkipExitCode
// (ctest reports the test as skipped) and says why. NEWSFLOW_MULTIHOST_ARTICLES
// overrides the article count per phase.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "services/ingest/article_builder.h"
#include "services/ingest/feed/feed_parser.h"
#include "tests/integration/daemon_harness.h"
#include "tests/integration/netns_topology.h"

namespace newsflow::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr int kSkipExitCode = 77;
constexpr int kDefaultArticles = 5000;
// netem's "delay 50ms loss 2%" on each direction of every link: a path
// from host to host crosses two links, so it takes 100 ms one way, 200 ms
// a round trip, and loses about 4% of the packets each way.
constexpr Impairment kSlowLossy{.delay_ms = 50, .loss_percent = 2};
constexpr char kWorkerCutOff[] = "enrich-3";

int ArticleCount() {
  const char* s = std::getenv("NEWSFLOW_MULTIHOST_ARTICLES");
  return s != nullptr && std::atoi(s) > 0 ? std::atoi(s) : kDefaultArticles;
}

struct KeyPair {
  std::string public_key;
  std::string secret_key;
};

// Sentences for the generated articles, combined differently per item so
// that the workers have real text to segment, tag and summarise.
constexpr const char* kSentences[] = {
    "The harbour authority of Port Elling approved a new ferry timetable on Tuesday evening.",
    "Council members argued for three hours about the cost of repairing the old stone bridge.",
    "A late frost damaged apple orchards across the northern valley, growers said.",
    "The regional rail company will add two night trains between Maplestead and Corrow.",
    "Researchers at the coastal institute counted more seabirds than in any year before.",
    "Local football club Ashford Rovers won their third match in a row on Saturday.",
    "The public library extends its opening hours during the winter examination weeks.",
    "Fishermen reported calmer seas after a week of storms along the western coast.",
    "A small software firm in Corrow hired forty engineers to build mapping tools.",
    "The mayor promised a decision on the new cycling lanes before the end of the month.",
    "Hospital staff opened a second clinic for children in the eastern district.",
    "Ticket prices for the summer music festival rose by ten percent this year.",
};

// An RSS feed of `n` distinct items (distinct links, hence distinct ids).
std::string GeneratedFeed(const std::string& name, int n) {
  std::string xml = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>{0}</title>"
      "<link>https://{0}.example.org/</link><description>generated</description>\n",
      name);
  constexpr int kCount = static_cast<int>(std::size(kSentences));
  for (int i = 0; i < n; ++i) {
    xml += fmt::format(
        "<item><title>Report {1} from the valley</title><link>https://{0}.example.org/news/{1}</link>"
        "<description>{2} {3} {4} This is report number {1}.</description></item>\n",
        name, i, kSentences[i % kCount], kSentences[(i / kCount + 3) % kCount],
        kSentences[(i * 7 + 5) % kCount]);
  }
  return xml + "</channel></rss>\n";
}

// The ids ingest will give the items of `path`, by the library code it runs.
std::set<std::string> ExpectedIds(const std::string& path) {
  std::set<std::string> ids;
  auto parsed = ingest::ParseFeed(ReadWholeFile(path), path);
  if (!parsed.ok()) return ids;
  for (const auto& item : parsed->items) {
    auto a = ingest::ArticleFromFeedItem(item, *parsed, path, "ingest-0", 0);
    if (a) ids.insert(a->id());
  }
  return ids;
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// How long a TCP connection from the switch to a closed port of `address`
// takes to be refused (one round trip over one link: SYN, then RST), or
// nullopt when nothing comes back within `timeout`.
std::optional<milliseconds> RefusalTime(const std::string& address, milliseconds timeout) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(9);  // discard: nothing listens in a test host
  inet_pton(AF_INET, address.c_str(), &to.sin_addr);
  auto start = Clock::now();
  std::optional<milliseconds> result;
  if (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0 && errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    if (poll(&p, 1, static_cast<int>(timeout.count())) == 1) {
      result = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
    }
  }
  close(fd);
  return result;
}

// The links themselves, before the daemons run on them: the delay is there
// on every round trip, a lossy link drops, a link down carries nothing and
// one up again carries again.
TEST(TopologyTest, LinksDelayDropAndCut) {
  {
    Topology clean;
    ASSERT_TRUE(clean.Create({"a"}).ok());
    auto t = RefusalTime(clean.host("a").address, seconds(2));
    ASSERT_TRUE(t.has_value());
    EXPECT_LT(*t, milliseconds(40));
    ASSERT_TRUE(clean.SetLink("a", false).ok());
    EXPECT_FALSE(RefusalTime(clean.host("a").address, milliseconds(500)).has_value());
    ASSERT_TRUE(clean.SetLink("a", true).ok());
    EXPECT_TRUE(WaitFor([&] { return RefusalTime(clean.host("a").address, milliseconds(500)).has_value(); },
                        seconds(5)));
  }
  {
    Topology slow;
    ASSERT_TRUE(slow.Create({"a"}, Impairment{.delay_ms = 50}).ok());
    for (int i = 0; i < 5; ++i) {
      auto t = RefusalTime(slow.host("a").address, seconds(2));
      ASSERT_TRUE(t.has_value());
      EXPECT_GE(*t, milliseconds(100)) << slow.impairment_kind();  // 50 ms each way
      EXPECT_LT(*t, milliseconds(400)) << slow.impairment_kind();
    }
  }
  {
    Topology lossy;
    ASSERT_TRUE(lossy.Create({"a"}, Impairment{.loss_percent = 100}).ok());
    EXPECT_FALSE(RefusalTime(lossy.host("a").address, milliseconds(500)).has_value())
        << lossy.impairment_kind();
  }
}

class MultiHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/newsflow-mh-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    fs::create_directories(Path("feeds"));
    ingest_key_ = KeyGen();
    store_key_ = KeyGen();
    client_key_ = KeyGen();
    ASSERT_FALSE(ingest_key_.public_key.empty() || store_key_.public_key.empty() ||
                 client_key_.public_key.empty());
  }

  void TearDown() override {
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
  std::string Address(const std::string& host, int port) const {
    return fmt::format("tcp://{}:{}", topology_.host(host).address, port);
  }
  // The flow-map fields of a CurveZMQ client endpoint connecting to `server`.
  std::string ClientCurve(const KeyPair& server) const {
    return fmt::format(R"(curve_server_key: "{}", curve_public_key: "{}", curve_secret_key: "{}")",
                       server.public_key, client_key_.public_key, client_key_.secret_key);
  }
  std::string ServerCurve(const KeyPair& server) const {
    return fmt::format(R"(curve_secret_key: "{}", curve_allowed_clients: ["{}"])", server.secret_key,
                       client_key_.public_key);
  }

  KeyPair KeyGen() {
    std::string out = Path(fmt::format("keygen-{}.out", keygens_++));
    Daemon cli(BinaryPath("newsflow"), {"keygen"}, out);
    WaitFor([&] { return !cli.Running(); }, seconds(30));
    std::string text = ReadWholeFile(out);
    std::smatch pub;
    std::smatch sec;
    static const std::regex kPublic("curve_public_key: \"([^\"]{40})\"");
    static const std::regex kSecret("curve_secret_key: \"([^\"]{40})\"");
    if (!std::regex_search(text, pub, kPublic) || !std::regex_search(text, sec, kSecret)) return {};
    return {pub[1].str(), sec[1].str()};
  }

  void StartStore() {
    std::string config = WriteFile(
        Path("store.yaml"),
        fmt::format(R"(data_dir: {dir}/store
store:
  input: {{address: "{input}", bind: true, {curve}}}
  acks: {{address: "{acks}", bind: true, {curve}}}
  term_counts: {{address: "{term_counts}", bind: true, {curve}}}
  publish: {{address: "ipc://{dir}/store-publish", bind: true}}
  query: {{address: "ipc://{dir}/store-query", bind: true}}
  http: {{enabled: false}}
)",
                    fmt::arg("dir", dir_), fmt::arg("input", Address("store", 5562)),
                    fmt::arg("acks", Address("store", 5564)), fmt::arg("term_counts", Address("store", 5566)),
                    fmt::arg("curve", ServerCurve(store_key_))));
    store_ = std::make_unique<Daemon>(
        BinaryPath("newsflow-store"),
        std::vector<std::string>{"--config", config, "--endpoints-file", Path("store.endpoints")},
        Path("store.log"), std::map<std::string, std::string>{}, "store");
    auto endpoints = ReadEndpoints(Path("store.endpoints"), seconds(30), store_.get());
    ASSERT_TRUE(endpoints.ok()) << store_->Log();
    query_ = fmt::format("ipc://{}/store-query", dir_);
  }

  void StartIngest() {
    std::string config = WriteFile(
        Path("ingest.yaml"),
        fmt::format(R"(data_dir: {dir}/ingest
ingest:
  instance_id: ingest-0
  articles: {{address: "{articles}", bind: true, {server}}}
  acks: {{address: "{acks}", bind: false, {client}}}
  control: {{address: "ipc://{dir}/ingest-control", bind: true}}
  poll: {{default_interval_s: 3600}}
  api: {{port: 0}}
  outbox: {{ack_timeout_ms: 10000}}
  fetch: {{file_feeds_allowed_under: "{dir}/feeds"}}
)",
                    fmt::arg("dir", dir_), fmt::arg("articles", Address("ingest", 5561)),
                    fmt::arg("acks", Address("store", 5564)), fmt::arg("server", ServerCurve(ingest_key_)),
                    fmt::arg("client", ClientCurve(store_key_))));
    ingest_ = std::make_unique<Daemon>(
        BinaryPath("newsflow-ingest"),
        std::vector<std::string>{"--config", config, "--endpoints-file", Path("ingest.endpoints")},
        Path("ingest.log"), std::map<std::string, std::string>{}, "ingest");
    auto endpoints = ReadEndpoints(Path("ingest.endpoints"), seconds(30), ingest_.get());
    ASSERT_TRUE(endpoints.ok()) << ingest_->Log();
    WriteFile(Path("client.yaml"), fmt::format(R"(data_dir: {0}/client
ingest:
  control: {{address: "ipc://{0}/ingest-control", bind: false}}
)",
                                               dir_));
  }

  void StartWorker(const std::string& host) {
    std::string config =
        WriteFile(Path(host + ".yaml"), fmt::format(R"(data_dir: {dir}/{host}
enrich:
  worker_id: {host}
  input: {{address: "{input}", bind: false, hwm: 100, {ingest_curve}}}
  output: {{address: "{output}", bind: false, {store_curve}}}
  term_counts: {{stream: {{address: "{term_counts}", bind: false, {store_curve}}}}}
  http: {{port: 0}}
)",
                                                    fmt::arg("dir", dir_), fmt::arg("host", host),
                                                    fmt::arg("input", Address("ingest", 5561)),
                                                    fmt::arg("output", Address("store", 5562)),
                                                    fmt::arg("term_counts", Address("store", 5566)),
                                                    fmt::arg("ingest_curve", ClientCurve(ingest_key_)),
                                                    fmt::arg("store_curve", ClientCurve(store_key_))));
    workers_.push_back(std::make_unique<Daemon>(
        BinaryPath("newsflow-enrich"),
        std::vector<std::string>{"--config", config, "--endpoints-file", Path(host + ".endpoints")},
        Path(host + ".log"), std::map<std::string, std::string>{}, host));
    auto endpoints = ReadEndpoints(Path(host + ".endpoints"), seconds(30), workers_.back().get());
    ASSERT_TRUE(endpoints.ok()) << workers_.back()->Log();
  }

  // The hosts, and the daemons on them.
  void StartAll(const Impairment& impairment = {}) {
    auto s = topology_.Create({"ingest", "store", "enrich-1", "enrich-2", kWorkerCutOff}, impairment);
    ASSERT_TRUE(s.ok()) << s;
    std::cout << fmt::format("[ multihost ] links: {} ({})\n", topology_.impairment_kind(),
                             impairment.none() ? "clean" : impairment.netem());
    ASSERT_NO_FATAL_FAILURE(StartStore());
    ASSERT_NO_FATAL_FAILURE(StartIngest());
    for (const char* host : {"enrich-1", "enrich-2", kWorkerCutOff})
      ASSERT_NO_FATAL_FAILURE(StartWorker(host));
    // Every worker joins before the measured run: over a lossy link a
    // CurveZMQ handshake can take seconds, and a PUSH socket deals only to
    // the peers it has, so a run started at once can end before the last
    // worker is there. Small batches until each worker has enriched one;
    // they count in every later check like the run's own articles.
    std::set<std::string> workers_seen;
    for (int batch = 0; workers_seen.size() < 3 && batch < 60; ++batch) {
      auto ids = Feed(10, fmt::format("warmup-{}", batch));
      warmup_.insert(ids.begin(), ids.end());
      WaitFor(
          [&] {
            auto stored = AllStored(context_, query_);
            if (!stored.ok()) return false;
            for (const auto& a : *stored) workers_seen.insert(a.enrichment().enricher());
            return stored->size() >= warmup_.size();
          },
          seconds(10));
    }
    ASSERT_EQ(workers_seen.size(), 3u) << "not every worker took an article within the warm-up";
  }

  uint64_t LastSequence() {
    v1::QueryRequest q;
    q.set_stats(true);
    auto r = QueryStore(context_, query_, q);
    return r.ok() ? r->last_sequence() : 0;
  }

  // Feeds `n` new articles through ingest and waits until the store holds
  // them; returns the expected ids.
  std::set<std::string> Feed(int n, const std::string& name = "load") {
    std::string feed = WriteFile(Path("feeds/" + name + ".xml"), GeneratedFeed(name, n));
    std::set<std::string> expected = ExpectedIds(feed);
    EXPECT_EQ(expected.size(), static_cast<std::size_t>(n));
    std::string out = Path("feeds-add.out");
    Daemon cli(BinaryPath("newsflow"), {"--config", Path("client.yaml"), "feeds", "add", feed}, out);
    EXPECT_TRUE(WaitFor([&] { return !cli.Running(); }, seconds(60)));
    EXPECT_EQ(cli.Stop(), 0) << ReadWholeFile(out);
    return expected;
  }

  // Waits (up to `timeout`) for `n` stored articles, lets late resends
  // arrive, then checks every expected id is stored exactly once.
  void ExpectExactlyOnce(std::set<std::string> expected, Clock::time_point start,
                         std::chrono::seconds timeout) {
    expected.insert(warmup_.begin(), warmup_.end());
    const uint64_t n = expected.size();
    bool complete = WaitFor([&] { return LastSequence() >= n; }, timeout);
    double elapsed = SecondsSince(start);
    // A resend still under way must be absorbed as a duplicate, not stored.
    std::this_thread::sleep_for(seconds(3));
    auto stored = AllStored(context_, query_);
    ASSERT_TRUE(stored.ok()) << stored.status();
    std::map<std::string, int> copies;
    for (const auto& a : *stored) ++copies[a.id()];
    std::size_t lost = 0;
    std::size_t duplicated = 0;
    std::size_t unexpected = 0;
    for (const auto& id : expected) lost += copies.contains(id) ? 0 : 1;
    for (const auto& [id, count] : copies) {
      duplicated += static_cast<std::size_t>(count - 1);
      unexpected += expected.contains(id) ? 0 : 1;
    }
    std::cout << fmt::format(
        "[ multihost ] {}: {} articles, {} stored, {} lost, {} duplicated in {:.1f} s ({:.0f}/s)\n",
        ::testing::UnitTest::GetInstance()->current_test_info()->name(), n, stored->size(), lost, duplicated,
        elapsed, static_cast<double>(n) / elapsed);
    EXPECT_TRUE(complete) << "stored " << LastSequence() << " of " << n << " in " << timeout.count() << " s";
    EXPECT_EQ(lost, 0u);
    EXPECT_EQ(duplicated, 0u);
    EXPECT_EQ(unexpected, 0u);
    EXPECT_EQ(LastSequence(), n);
    std::map<std::string, int> by_worker;
    for (const auto& a : *stored) ++by_worker[a.enrichment().enricher()];
    for (const auto& [worker, count] : by_worker)
      std::cout << fmt::format("[ multihost ]   {}: {}\n", worker, count);
    EXPECT_EQ(by_worker.size(), 3u) << "every worker should have taken articles";
    stored_ = *std::move(stored);
  }

  std::string dir_;
  Topology topology_;  // declared first: removed after the daemons stop
  zmq::context_t context_{1};
  KeyPair ingest_key_;
  KeyPair store_key_;
  KeyPair client_key_;
  std::unique_ptr<Daemon> store_;
  std::unique_ptr<Daemon> ingest_;
  std::vector<std::unique_ptr<Daemon>> workers_;
  std::string query_;
  std::vector<v1::Article> stored_;
  std::set<std::string> warmup_;  // articles fed until every worker had one (StartAll)
  int keygens_ = 0;
};

TEST_F(MultiHostTest, CleanLinks) {
  ASSERT_NO_FATAL_FAILURE(StartAll());
  auto start = Clock::now();
  auto expected = Feed(ArticleCount());
  ASSERT_NO_FATAL_FAILURE(ExpectExactlyOnce(expected, start, seconds(120)));
}

TEST_F(MultiHostTest, SlowLossyLinks) {
  ASSERT_NO_FATAL_FAILURE(StartAll(kSlowLossy));
  auto start = Clock::now();
  auto expected = Feed(ArticleCount());
  ASSERT_NO_FATAL_FAILURE(ExpectExactlyOnce(expected, start, seconds(180)));
}

TEST_F(MultiHostTest, WorkerCutOffAndRestored) {
  ASSERT_NO_FATAL_FAILURE(StartAll(kSlowLossy));
  const int n = ArticleCount();
  auto start = Clock::now();
  // Half of the articles before the cut and half once the link is back, so
  // that the link returns mid-run however fast the other workers are.
  auto expected = Feed(n / 2);
  ASSERT_TRUE(WaitFor([&] { return LastSequence() >= static_cast<uint64_t>(n / 5); }, seconds(120)));
  ASSERT_TRUE(topology_.SetLink(kWorkerCutOff, false).ok());
  const uint64_t at_cut = LastSequence();
  // Longer than the ZMTP heartbeat timeout (5 s): the peers give the
  // connection up while the link is down.
  std::this_thread::sleep_for(seconds(8));
  ASSERT_TRUE(topology_.SetLink(kWorkerCutOff, true).ok());
  const uint64_t at_restore = LastSequence();
  std::cout << fmt::format("[ multihost ] link of {} down at {} stored, up again at {} stored\n",
                           kWorkerCutOff, at_cut, at_restore);
  auto second_half = Feed(n - n / 2, "load-after-restore");
  expected.insert(second_half.begin(), second_half.end());
  const auto restored = Clock::now();
  // The restored worker is back at work: small batches, one a second, until
  // it stores one of them (what it stores of the main run may all be
  // duplicates of resends that other workers delivered first). A connect
  // begun while the link was down waits for its next SYN retransmission.
  std::set<std::string> extra;
  bool back = false;
  for (int batch = 0; !back && SecondsSince(restored) < 60; ++batch) {
    v1::QueryRequest since;
    since.set_since_seq(LastSequence());
    since.set_limit(1000);
    auto ids = Feed(30, fmt::format("after-{}", batch));
    extra.insert(ids.begin(), ids.end());
    back = WaitFor(
        [&] {
          auto r = QueryStore(context_, query_, since);
          return r.ok() && std::any_of(r->articles().begin(), r->articles().end(), [&](const v1::Article& a) {
                   return a.enrichment().enricher() == kWorkerCutOff && ids.contains(a.id());
                 });
        },
        seconds(1));
  }
  std::cout << fmt::format("[ multihost ] {} stored again {:.1f} s after its link came back\n", kWorkerCutOff,
                           SecondsSince(restored));
  EXPECT_TRUE(back) << kWorkerCutOff << " took no article within 60 s after its link came back";
  expected.insert(extra.begin(), extra.end());
  ASSERT_NO_FATAL_FAILURE(ExpectExactlyOnce(expected, start, seconds(180)));
}

}  // namespace
}  // namespace newsflow::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  // Before any thread exists: unshare(CLONE_NEWNS) refuses a threaded process.
  auto s = newsflow::testing::EnterPrivateNamespaces();
  if (!s.ok()) {
    std::cout << "SKIPPED: the multi-host test needs network namespaces: " << s.message() << "\n";
    return newsflow::testing::kSkipExitCode;
  }
  return RUN_ALL_TESTS();
}

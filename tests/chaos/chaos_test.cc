// Chaos run of the real daemons on loopback: ingest polls N feeds served by a
// local HTTP server (unique articles released over time, one of them poison
// for the enrich test hook) plus a hostile feed set (file paths, internal
// addresses, redirects to them, a slow trickle), two enrich workers and the
// store, while seeded random faults hit them: kill -9 and SIGTERM of every
// daemon (then restarted), SIGSTOP/SIGCONT of a worker, and the store's disk
// filling up (a tmpfs taken by a filler file, then freed; needs root).
//
// At the end: every fed article stored exactly once (no duplicate ids, no
// sequence gaps), the tag index agrees with the articles' tags, the poison
// article dead-lettered after exactly one worker crash, no internal address
// fetched, every SIGTERM drained within the deadline, no daemon died on its
// own. A summary table is printed.
//
//   NEWSFLOW_CHAOS_PROFILE=short|long   (default short)
//   NEWSFLOW_CHAOS_SEED=N               (default: random; printed)
// tools/chaos.sh runs it; run from the repository root.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "services/ingest/article_builder.h"
#include "services/ingest/feed/feed_parser.h"
#include "tests/integration/daemon_harness.h"

namespace newsflow::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kPoisonMarker[] = "CHAOS-POISON-5d1e";
constexpr int kDrainDeadlineMs = 3000;
constexpr int kAckTimeoutMs = 4000;
// Items a feed document shows (newest first), as real feeds do.
constexpr int kFeedWindow = 200;

struct Profile {
  std::string name;
  int articles;
  int feeds;
  int faults;  // the disk-full episode included
  seconds release_over;
  std::size_t disk_bytes;
  seconds settle_timeout;
};

Profile ChosenProfile() {
  const char* p = std::getenv("NEWSFLOW_CHAOS_PROFILE");
  if (p != nullptr && std::string(p) == "long") {
    return {"long", 20000, 40, 36, seconds(420), std::size_t{512} << 20, seconds(600)};
  }
  return {"short", 2000, 20, 8, seconds(75), std::size_t{96} << 20, seconds(240)};
}

uint64_t ChosenSeed() {
  if (const char* s = std::getenv("NEWSFLOW_CHAOS_SEED"); s != nullptr && *s != '\0') {
    return std::strtoull(s, nullptr, 10);
  }
  return std::random_device{}();
}

// A port free on 127.0.0.1 right now (the daemons need fixed ports: their
// peers must find them again after a restart).
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::string Escape(const std::string& s) {
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
}

// Article k of the run: a few sentences drawn (seeded) from a small world of
// subjects, actions and places, so that tags repeat across articles, plus a
// sentence that makes it unique.
struct ArticleText {
  std::string title;
  std::string text;
};

ArticleText MakeText(uint64_t seed, int k, bool poison) {
  static const std::vector<std::string> subjects = {"The harbour authority",
                                                    "The city council",
                                                    "The central bank",
                                                    "A solar panel maker",
                                                    "The railway operator",
                                                    "A hospital group",
                                                    "The football club",
                                                    "A chip designer",
                                                    "The water utility",
                                                    "A university laboratory",
                                                    "The airline",
                                                    "A battery startup",
                                                    "The museum",
                                                    "The port workers union",
                                                    "A wind farm developer",
                                                    "The school board"};
  static const std::vector<std::string> actions = {
      "approved a new ferry terminal",  "raised interest rates",
      "opened a research centre",       "announced job cuts",
      "signed a supply contract",       "delayed the stadium project",
      "reported record revenue",        "cut ticket prices",
      "launched an electric bus fleet", "won a court case over pollution",
      "expanded the flood defences",    "published a climate plan"};
  static const std::vector<std::string> places = {"Rotterdam",  "Lisbon", "Osaka",     "Toronto", "Nairobi",
                                                  "Valparaiso", "Gdansk", "Melbourne", "Porto",   "Bergen"};
  std::mt19937_64 rng(seed * 1000003 + static_cast<uint64_t>(k));
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  ArticleText t;
  const std::string subject = pick(subjects);
  const std::string place = pick(places);
  t.title = fmt::format("{} {} in {} (report {})", subject, pick(actions), place, k);
  t.text = fmt::format("{} {} in {} on Tuesday. ", subject, pick(actions), place);
  for (int i = 0; i < 3; ++i)
    t.text += fmt::format("{} {} in {} last year. ", pick(subjects), pick(actions), pick(places));
  t.text += fmt::format("Officials said the decision number {} follows months of talks.", k);
  if (poison) t.text += fmt::format(" {}.", kPoisonMarker);
  return t;
}

// Serves the run's feeds and the hostile endpoints on 127.0.0.1. Article k
// belongs to feed k % feeds and is released (visible) once the run is
// k / articles of the way through its release period.
class FeedServer {
 public:
  FeedServer(uint64_t seed, const Profile& profile, int poison, int internal_port)
      : seed_(seed), profile_(profile), poison_(poison), internal_port_(internal_port) {
    server_.new_task_queue = [] { return new httplib::ThreadPool(32); };
    server_.Get(R"(/feed/(\d+)\.xml)", [this](const httplib::Request& req, httplib::Response& res) {
      ServeFeed(std::stoi(req.matches[1]), req, res);
    });
    auto redirect = [this](const std::string& path, std::string target, int status) {
      server_.Get(path, [this, target, status](const httplib::Request&, httplib::Response& res) {
        hostile_hits_++;
        res.status = status;
        res.set_header("Location", target);
      });
    };
    redirect("/redirect/internal", fmt::format("http://127.0.0.2:{}/redirected.xml", internal_port_), 302);
    redirect("/redirect/decimal", fmt::format("http://2130706434:{}/decimal.xml", internal_port_), 301);
    redirect("/redirect/metadata", "http://169.254.169.254/latest/meta-data/", 302);
    redirect("/redirect/file", "file:///etc/passwd", 302);
    redirect("/redirect/loop", "/redirect/loop", 302);
    server_.Get("/slow.xml", [this](const httplib::Request&, httplib::Response& res) {
      hostile_hits_++;
      res.set_chunked_content_provider("application/rss+xml", [this](size_t offset, httplib::DataSink& sink) {
        static const std::string doc = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>slow";
        if (stopping_ || offset > 4096) return false;
        std::this_thread::sleep_for(milliseconds(250));
        const char c = offset < doc.size() ? doc[offset] : ' ';
        return sink.write(&c, 1);
      });
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    start_ = Clock::now();
  }
  ~FeedServer() {
    stopping_ = true;
    server_.stop();
    thread_.join();
  }

  int port() const { return port_; }
  std::string FeedUrl(int f) const { return fmt::format("http://127.0.0.1:{}/feed/{}.xml", port_, f); }
  int Released() const {
    const double done = std::chrono::duration<double>(Clock::now() - start_).count() /
                        std::chrono::duration<double>(profile_.release_over).count();
    return static_cast<int>(std::min<double>(profile_.articles, profile_.articles * done));
  }
  uint64_t feed_requests() const { return feed_requests_; }
  uint64_t not_modified() const { return not_modified_; }
  uint64_t hostile_hits() const { return hostile_hits_; }

  // The whole feed f with every article released (for computing the ids
  // ingest derives from it).
  std::string FullFeed(int f) const { return Render(f, profile_.articles, profile_.articles); }

 private:
  std::string Render(int f, int released, int window) const {
    std::vector<int> ks;
    for (int k = f; k < released; k += profile_.feeds) ks.push_back(k);
    if (static_cast<int>(ks.size()) > window) ks.erase(ks.begin(), ks.end() - window);
    std::reverse(ks.begin(), ks.end());  // newest first
    std::string xml = fmt::format(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Chaos feed "
        "{}</title>"
        "<link>https://chaos{}.example.org/</link><description>generated</description>\n",
        f, f);
    const int64_t base = 1'700'000'000;  // a fixed past: pubDates never lie in the future
    for (int k : ks) {
      ArticleText t = MakeText(seed_, k, k == poison_);
      char date[64];
      time_t when = static_cast<time_t>(base + k * 60);
      struct tm tm {};
      gmtime_r(&when, &tm);
      strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
      xml += fmt::format(
          "<item><title>{}</title><link>https://chaos{}.example.org/a/{}/{}</link>"
          "<pubDate>{}</pubDate><description>{}</description></item>\n",
          Escape(t.title), f, seed_, k, date, Escape(t.text));
    }
    return xml + "</channel></rss>\n";
  }

  void ServeFeed(int f, const httplib::Request& req, httplib::Response& res) {
    feed_requests_++;
    if (f < 0 || f >= profile_.feeds) {
      res.status = 404;
      return;
    }
    int released = Released();
    // The feed changes only when an article of it is released.
    int visible = 0;
    for (int k = f; k < released; k += profile_.feeds) ++visible;
    const std::string etag = fmt::format("\"{}-{}\"", f, visible);
    res.set_header("ETag", etag);
    if (req.get_header_value("If-None-Match") == etag) {
      not_modified_++;
      res.status = 304;
      return;
    }
    res.set_content(Render(f, released, kFeedWindow), "application/rss+xml");
  }

  uint64_t seed_;
  Profile profile_;
  int poison_;
  int internal_port_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  Clock::time_point start_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> feed_requests_{0};
  std::atomic<uint64_t> not_modified_{0};
  std::atomic<uint64_t> hostile_hits_{0};
};

// A listener on an internal address ingest must never reach: counts every
// request, and would serve an article that would show up in the store.
class InternalListener {
 public:
  InternalListener() {
    server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      paths_.push_back(req.path);
      res.set_content(
          "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>internal</title>"
          "<item><title>INTERNAL LEAK</title><link>https://internal.example/leak</link>"
          "<description>Fetched from an internal address.</description></item></channel></rss>",
          "application/rss+xml");
      return httplib::Server::HandlerResponse::Handled;
    });
    port_ = server_.bind_to_any_port("127.0.0.2");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~InternalListener() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }
  std::vector<std::string> paths() {
    std::lock_guard lock(mu_);
    return paths_;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> paths_;
};

// A tmpfs of a fixed size for the store's data (root only).
class SmallDisk {
 public:
  SmallDisk(const std::string& dir, std::size_t bytes) : dir_(dir) {
    fs::create_directories(dir);
    mounted_ = mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV,
                     fmt::format("size={}", bytes).c_str()) == 0;
  }
  ~SmallDisk() {
    if (mounted_) umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  std::size_t FreeBytes() const {
    struct statvfs st {};
    if (statvfs(dir_.c_str(), &st) != 0) return 0;
    return static_cast<std::size_t>(st.f_bavail) * st.f_frsize;
  }
  // Takes every free byte with a filler file.
  bool Fill() {
    int fd = open((dir_ + "/.filler").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return false;
    std::string block(1 << 20, 'f');
    while (write(fd, block.data(), block.size()) > 0) {
    }
    std::string byte(1, 'f');
    while (write(fd, byte.data(), 1) > 0) {
    }
    close(fd);
    return FreeBytes() < 4096;
  }
  void Free() { unlink((dir_ + "/.filler").c_str()); }

 private:
  std::string dir_;
  bool mounted_ = false;
};

struct Proc {
  std::string name;
  std::string binary;
  std::string config;
  std::unique_ptr<Daemon> daemon;
  int starts = 0;
};

std::vector<nlohmann::json> JsonLines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.is_object()) out.push_back(j);
  }
  return out;
}

std::size_t CountOccurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::string Tail(const std::string& text, std::size_t lines) {
  std::size_t at = text.size();
  for (std::size_t i = 0; i <= lines && at != std::string::npos && at > 0; ++i) at = text.rfind('\n', at - 1);
  return at == std::string::npos ? text : text.substr(at + 1);
}

class ChaosTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/newsflow-chaos-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    for (auto* p : {&ingest_, &workers_[0], &workers_[1], &store_}) {
      if (p->daemon) kill(p->daemon->pid(), SIGCONT);
      p->daemon.reset();
    }
    disk_.reset();
    if (!HasFailure()) {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    } else {
      std::cerr << "kept chaos folder " << dir_ << " (daemon logs inside)\n";
    }
  }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  std::string Tcp(int port) const { return fmt::format("tcp://127.0.0.1:{}", port); }

  void Start(Proc& p) {
    const std::string endpoints = Path(p.name + ".endpoints");
    for (int attempt = 0; attempt < 5; ++attempt) {
      fs::remove(endpoints);
      p.daemon = std::make_unique<Daemon>(
          p.binary, std::vector<std::string>{"--config", p.config, "--endpoints-file", endpoints},
          Path(p.name + ".log"));
      p.starts++;
      if (ReadEndpoints(endpoints, seconds(30), p.daemon.get()).ok()) return;
      // A port still held by the killed predecessor: try again shortly.
      p.daemon->Stop(seconds(5));
      std::this_thread::sleep_for(milliseconds(500));
    }
    ADD_FAILURE() << p.name << " does not start:\n" << Tail(ReadWholeFile(Path(p.name + ".log")), 30);
  }

  // Restarts any daemon that exited on its own: a worker that hit the poison
  // test hook is counted; anything else is a finding.
  void Watch() {
    for (auto* p : {&ingest_, &workers_[0], &workers_[1], &store_}) {
      if (!p->daemon || p->daemon->Running()) continue;
      const std::string log = ReadWholeFile(Path(p->name + ".log"));
      const std::size_t hooks = CountOccurrences(log, "test hook NEWSFLOW_TEST_ENRICH_CRASH_MARKER");
      if (p->name.starts_with("enrich") && hooks > hook_seen_[p->name]) {
        hook_seen_[p->name] = hooks;
        faults_["(poison crash of a worker)"]++;
      } else {
        unexpected_.push_back(fmt::format("{} exited on its own:\n{}", p->name, Tail(log, 20)));
      }
      Start(*p);
    }
  }

  // Sleeps, restarting what dies meanwhile.
  void Idle(milliseconds d) {
    const auto until = Clock::now() + d;
    while (Clock::now() < until) {
      Watch();
      std::this_thread::sleep_for(std::min<milliseconds>(
          milliseconds(200),
          std::chrono::duration_cast<milliseconds>(until - Clock::now()) + milliseconds(1)));
    }
  }

  void KillNine(Proc& p) {
    p.daemon->Kill(SIGKILL);
    WaitFor([&] { return !p.daemon->Running(); }, seconds(10));
    std::this_thread::sleep_for(milliseconds(rng_() % 1500));
    Start(p);
  }

  void Terminate(Proc& p) {
    const auto t0 = Clock::now();
    const int status = p.daemon->Stop(seconds(30));
    const auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - t0);
    // Past the deadline a service gets 2 s more before the process ends.
    if (status < 0 || took > milliseconds(kDrainDeadlineMs + 2000 + 2000)) {
      drain_overruns_.push_back(fmt::format("{} took {} ms to stop on SIGTERM", p.name, took.count()));
    }
    if (status >= 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
      bad_exits_.push_back(fmt::format("{} ended with status {:#x} after SIGTERM ({} ms):\n{}", p.name,
                                       status, took.count(), Tail(ReadWholeFile(Path(p.name + ".log")), 15)));
    }
    Start(p);
  }

  void StopAndContinue(Proc& p) {
    p.daemon->Kill(SIGSTOP);
    Idle(milliseconds(2000 + rng_() % 4000));
    p.daemon->Kill(SIGCONT);
  }

  void DiskFull() {
    ASSERT_TRUE(disk_ && disk_->mounted());
    const uint64_t before = LastSequence();
    EXPECT_TRUE(disk_->Fill()) << "the filler did not take the whole disk";
    // RocksDB writes on into space it preallocated for its log for a while;
    // hold the disk full until commits stop (the store is really out of
    // space), then a little longer.
    uint64_t during = LastSequence();
    const auto full_since = Clock::now();
    bool stalled = false;
    while (Clock::now() - full_since < seconds(60) && during < stored_target_) {
      Idle(milliseconds(3000));
      const uint64_t now = LastSequence();
      if (now == during && now < stored_target_) {
        stalled = true;
        break;
      }
      during = now;
    }
    Idle(milliseconds(2000 + rng_() % 3000));
    during = LastSequence();
    disk_->Free();
    disk_notes_ = fmt::format("sequence {} -> {} while full for {} s{}", before, during,
                              std::chrono::duration_cast<seconds>(Clock::now() - full_since).count(),
                              stalled ? ", commits stalled" : ", commits never stalled");
    // The store resumes by itself when space returns.
    if (!WaitFor(
            [&] {
              Watch();
              return LastSequence() > during;
            },
            seconds(60)) &&
        during < stored_target_) {
      unexpected_.push_back(fmt::format("store did not resume after the disk was freed (sequence {}):\n{}",
                                        during, Tail(ReadWholeFile(Path("store.log")), 20)));
    }
  }

  uint64_t LastSequence() {
    v1::QueryRequest q;
    q.set_stats(true);
    auto r = QueryStore(context_, Tcp(query_port_), q);
    return r.ok() ? r->last_sequence() : 0;
  }

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

  std::string dir_;
  zmq::context_t context_{1};
  std::mt19937_64 rng_;
  Proc ingest_, store_;
  Proc workers_[2];
  std::unique_ptr<SmallDisk> disk_;
  int query_port_ = 0;
  int cli_runs_ = 0;
  uint64_t stored_target_ = 0;
  std::map<std::string, std::size_t> hook_seen_;
  std::map<std::string, int> faults_;
  std::vector<std::string> unexpected_, drain_overruns_, bad_exits_;
  std::string disk_notes_;
};

TEST_F(ChaosTest, EveryArticleStoredExactlyOnceThroughFaults) {
  const Profile profile = ChosenProfile();
  const uint64_t seed = ChosenSeed();
  rng_.seed(seed);
  std::cout << fmt::format("chaos profile={} seed={} (rerun: NEWSFLOW_CHAOS_SEED={} tools/chaos.sh {})\n",
                           profile.name, seed, seed, profile.name)
            << std::flush;
  const auto t_start = Clock::now();
  const int poison = profile.articles / 4 + static_cast<int>(rng_() % (profile.articles / 4));

  InternalListener internal;
  ASSERT_GT(internal.port(), 0) << "cannot listen on 127.0.0.2";
  FeedServer feeds(seed, profile, poison, internal.port());
  ASSERT_GT(feeds.port(), 0);

  // What ingest will make of the feeds, by id, with ingest's own code.
  std::set<std::string> expected;
  std::string poison_id;
  for (int f = 0; f < profile.feeds; ++f) {
    auto parsed = ingest::ParseFeed(feeds.FullFeed(f), feeds.FeedUrl(f));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    for (const auto& item : parsed->items) {
      auto a = ingest::ArticleFromFeedItem(item, *parsed, feeds.FeedUrl(f), "ingest-0", 0);
      ASSERT_TRUE(a.has_value());
      if (a->text().find(kPoisonMarker) != std::string::npos) {
        poison_id = a->id();
      } else {
        expected.insert(a->id());
      }
    }
  }
  ASSERT_EQ(expected.size() + 1, static_cast<std::size_t>(profile.articles));
  ASSERT_FALSE(poison_id.empty());
  stored_target_ = expected.size();

  // Store data on a small disk when we may mount one.
  disk_ = std::make_unique<SmallDisk>(Path("store-disk"), profile.disk_bytes);
  if (!disk_->mounted()) std::cout << "not root: no tmpfs, the disk-full episode is skipped\n";

  const int articles_port = FreePort(), control_port = FreePort(), input_port = FreePort(),
            publish_port = FreePort(), acks_port = FreePort(), term_counts_port = FreePort();
  query_port_ = FreePort();
  store_ = {"store", BinaryPath("newsflow-store"),
            WriteFile(Path("store.yaml"),
                      fmt::format(R"(data_dir: {}
drain: {{deadline_ms: {}}}
store:
  input: {{address: "{}", bind: true}}
  publish: {{address: "{}", bind: true}}
  acks: {{address: "{}", bind: true}}
  query: {{address: "{}", bind: true}}
  term_counts: {{address: "{}", bind: true}}
  query_limits: {{max_limit: 100000}}
  http: {{enabled: true, port: 0}}
)",
                                  Path("store-disk"), kDrainDeadlineMs, Tcp(input_port), Tcp(publish_port),
                                  Tcp(acks_port), Tcp(query_port_), Tcp(term_counts_port)))};
  std::string feed_list;
  for (int f = 0; f < profile.feeds; ++f)
    feed_list += fmt::format("    - {{url: \"{}\", interval_s: 1}}\n", feeds.FeedUrl(f));
  ingest_ = {"ingest", BinaryPath("newsflow-ingest"),
             WriteFile(Path("ingest.yaml"),
                       fmt::format(R"(data_dir: {}
drain: {{deadline_ms: {}}}
ingest:
  instance_id: ingest-0
  articles: {{address: "{}", bind: true, hwm: 100}}
  acks: {{address: "{}", bind: false}}
  control: {{address: "{}", bind: true}}
  feeds:
{}
  fetch: {{allow_networks: [127.0.0.1/32]}}
  poll: {{default_interval_s: 1, min_interval_s: 1, max_interval_s: 8, fetch_threads: 4, per_host_concurrency: 4}}
  http: {{timeout_ms: 3000}}
  pages: {{enabled: false}}
  api: {{port: 0}}
  outbox: {{ack_timeout_ms: {}, max_attempts: 1000}}
)",
                                   Path("ingest-data"), kDrainDeadlineMs, Tcp(articles_port), Tcp(acks_port),
                                   Tcp(control_port), feed_list, kAckTimeoutMs))};
  for (int w = 0; w < 2; ++w) {
    workers_[w] = {fmt::format("enrich-{}", w), BinaryPath("newsflow-enrich"),
                   WriteFile(Path(fmt::format("enrich-{}.yaml", w)),
                             fmt::format(R"(data_dir: {}
drain: {{deadline_ms: {}}}
enrich:
  worker_id: enrich-{}
  input: {{address: "{}", bind: false, hwm: 20}}
  output: {{address: "{}", bind: false}}
  term_counts: {{stream: "{}"}}
  http: {{port: 0}}
)",
                                         Path("enrich-data"), kDrainDeadlineMs, w, Tcp(articles_port),
                                         Tcp(input_port), Tcp(term_counts_port)))};
  }
  WriteFile(Path("client.yaml"),
            fmt::format(R"(data_dir: {}
ingest:
  control: {{address: "{}", bind: false}}
store:
  publish: {{address: "{}", bind: false}}
  query: {{address: "{}", bind: false}}
)",
                        Path("client-data"), Tcp(control_port), Tcp(publish_port), Tcp(query_port_)));

  // Every worker aborts on the marker (the enrich test hook).
  ASSERT_EQ(setenv("NEWSFLOW_TEST_ENRICH_CRASH_MARKER", kPoisonMarker, 1), 0);
  ASSERT_NO_FATAL_FAILURE(Start(store_));
  ASSERT_NO_FATAL_FAILURE(Start(workers_[0]));
  ASSERT_NO_FATAL_FAILURE(Start(workers_[1]));
  ASSERT_NO_FATAL_FAILURE(Start(ingest_));

  // The hostile feed set. Local files are refused when added; the rest may
  // be accepted, but nothing they lead to may be fetched.
  const int ip = internal.port();
  const int fp = feeds.port();
  int refused_adds = 0;
  std::vector<std::string> accepted_hostile;
  for (const std::string& url :
       {std::string("/etc/passwd"), std::string("file:///etc/hostname"), Path("ingest.yaml"),
        fmt::format("http://127.0.0.2:{}/direct.xml", ip),
        fmt::format("http://2130706434:{}/decimal.xml", ip), fmt::format("http://0x7f000002:{}/hex.xml", ip),
        fmt::format("http://127.2:{}/short.xml", ip),
        fmt::format("http://[::ffff:127.0.0.2]:{}/mapped.xml", ip),
        std::string("http://169.254.169.254/latest/meta-data/"),
        fmt::format("http://127.0.0.1:{}/redirect/internal", fp),
        fmt::format("http://127.0.0.1:{}/redirect/decimal", fp),
        fmt::format("http://127.0.0.1:{}/redirect/metadata", fp),
        fmt::format("http://127.0.0.1:{}/redirect/file", fp),
        fmt::format("http://127.0.0.1:{}/redirect/loop", fp),
        fmt::format("http://127.0.0.1:{}/slow.xml", fp)}) {
    int status = 0;
    std::string out = RunCli({"feeds", "add", url, "--interval", "1"}, &status);
    if (status != 0) {
      refused_adds++;
    } else {
      accepted_hostile.push_back(url);
    }
    if (url.find("http") != 0) {
      EXPECT_NE(status, 0) << "local file accepted as a feed: " << url << "\n" << out;
    }
  }

  // Faults: each kind once (disk-full only with a tmpfs), the rest random;
  // exactly one disk-full episode.
  enum Kind {
    kKill9Store,
    kKill9Ingest,
    kKill9Enrich,
    kTermStore,
    kTermIngest,
    kTermEnrich,
    kStopEnrich,
    kDiskFull
  };
  std::vector<Kind> plan = {kKill9Store, kKill9Ingest, kKill9Enrich, kTermStore,
                            kTermIngest, kTermEnrich,  kStopEnrich};
  if (disk_->mounted()) plan.push_back(kDiskFull);
  while (static_cast<int>(plan.size()) < profile.faults)
    plan.push_back(static_cast<Kind>(rng_() % kDiskFull));
  std::shuffle(plan.begin(), plan.end(), rng_);
  const char* kind_names[] = {"kill -9 store",          "kill -9 ingest", "kill -9 enrich",
                              "SIGTERM store",          "SIGTERM ingest", "SIGTERM enrich",
                              "SIGSTOP/SIGCONT enrich", "store disk full"};
  const auto mean_gap = std::chrono::duration_cast<milliseconds>(profile.release_over) / (plan.size() + 1);
  for (Kind kind : plan) {
    Idle(milliseconds(mean_gap.count() / 2 + rng_() % mean_gap.count()));
    Proc& worker = workers_[rng_() % 2];
    const auto t0 = Clock::now();
    std::cout << fmt::format("  t={:>4}s {}{} (stored {})\n",
                             std::chrono::duration_cast<seconds>(t0 - t_start).count(), kind_names[kind],
                             (kind == kKill9Enrich || kind == kTermEnrich || kind == kStopEnrich)
                                 ? " " + worker.name
                                 : "",
                             LastSequence())
              << std::flush;
    switch (kind) {
      case kKill9Store:
        KillNine(store_);
        break;
      case kKill9Ingest:
        KillNine(ingest_);
        break;
      case kKill9Enrich:
        KillNine(worker);
        break;
      case kTermStore:
        Terminate(store_);
        break;
      case kTermIngest:
        Terminate(ingest_);
        break;
      case kTermEnrich:
        Terminate(worker);
        break;
      case kStopEnrich:
        StopAndContinue(worker);
        break;
      case kDiskFull:
        DiskFull();
        break;
    }
    faults_[kind_names[kind]]++;
  }

  // Everything released, then settle: every article stored and the poison
  // article dead-lettered.
  Idle(std::chrono::duration_cast<milliseconds>(std::max<Clock::duration>(
      Clock::duration::zero(), t_start + profile.release_over + seconds(2) - Clock::now())));
  ASSERT_EQ(feeds.Released(), profile.articles);
  auto dead_letters = [&] { return JsonLines(RunCli({"dead-letters", "list", "--json"})); };
  const auto settle_deadline = Clock::now() + profile.settle_timeout;
  while (Clock::now() < settle_deadline && (LastSequence() < stored_target_ || dead_letters().empty()))
    Idle(seconds(2));
  // Late resends must be absorbed as duplicates.
  Idle(milliseconds(2 * kAckTimeoutMs));

  // --- Checks --------------------------------------------------------------
  auto stored = AllStored(context_, Tcp(query_port_));
  ASSERT_TRUE(stored.ok()) << stored.status();
  std::map<std::string, int> copies;
  std::set<uint64_t> sequences;
  uint64_t max_seq = 0;
  std::map<std::string, std::set<std::string>> ids_by_tag;
  for (const auto& a : *stored) {
    copies[a.id()]++;
    sequences.insert(a.sequence());
    max_seq = std::max(max_seq, a.sequence());
    for (const auto& t : a.enrichment().tags()) ids_by_tag[t.key()].insert(a.id());
  }
  std::size_t duplicates = 0, unexpected_ids = 0, missing = 0;
  for (const auto& [id, n] : copies) {
    duplicates += n - 1;
    if (!expected.contains(id)) unexpected_ids++;
  }
  for (const auto& id : expected) missing += !copies.contains(id);
  const uint64_t gaps = max_seq - sequences.size();

  // The tag index: counts of every tag and the articles of a sample of tags.
  std::size_t tag_mismatches = 0, tags_checked = 0;
  std::vector<std::string> tag_problems;
  {
    v1::QueryRequest q;
    q.set_tag_counts(true);
    q.set_limit(100000);
    auto r = QueryStore(context_, Tcp(query_port_), q);
    ASSERT_TRUE(r.ok() && r->ok()) << (r.ok() ? r->error() : r.status().ToString());
    std::map<std::string, uint64_t> counted;
    for (const auto& t : r->tags()) counted[t.key()] = t.count();
    for (const auto& [key, ids] : ids_by_tag) {
      if (counted[key] != ids.size()) {
        tag_mismatches++;
        if (tag_problems.size() < 5)
          tag_problems.push_back(
              fmt::format("count of {}: index {} articles {}", key, counted[key], ids.size()));
      }
    }
    for (const auto& [key, n] : counted) {
      if (!ids_by_tag.contains(key) && n > 0) {
        tag_mismatches++;
        if (tag_problems.size() < 5)
          tag_problems.push_back(fmt::format("tag {} counted {} but on no article", key, n));
      }
    }
    std::vector<std::string> keys;
    for (const auto& [key, ids] : ids_by_tag) keys.push_back(key);
    std::shuffle(keys.begin(), keys.end(), rng_);
    keys.resize(std::min<std::size_t>(keys.size(), 150));
    for (const auto& key : keys) {
      v1::QueryRequest by;
      by.set_by_tag(key);
      by.set_limit(100000);
      auto got = QueryStore(context_, Tcp(query_port_), by);
      ASSERT_TRUE(got.ok()) << got.status();
      std::set<std::string> ids;
      for (const auto& a : got->articles()) ids.insert(a.id());
      tags_checked++;
      if (ids != ids_by_tag[key]) {
        tag_mismatches++;
        if (tag_problems.size() < 5)
          tag_problems.push_back(
              fmt::format("by tag {}: {} articles, {} carry it", key, ids.size(), ids_by_tag[key].size()));
      }
    }
  }

  const auto dead = dead_letters();
  std::size_t hook_crashes = 0;
  for (const auto& w : workers_)
    hook_crashes +=
        CountOccurrences(ReadWholeFile(Path(w.name + ".log")), "test hook NEWSFLOW_TEST_ENRICH_CRASH_MARKER");
  const auto internal_paths = internal.paths();
  std::string feed_states = RunCli({"feeds", "list"});
  const auto elapsed = std::chrono::duration_cast<seconds>(Clock::now() - t_start);

  std::cout << "\n=== chaos " << profile.name << ", seed " << seed << " ===\n";
  std::cout << fmt::format("  {:<34}{:>8}\n", "articles fed", profile.articles);
  std::cout << fmt::format("  {:<34}{:>8}\n", "  of them poison", 1);
  std::cout << fmt::format("  {:<34}{:>8}\n", "articles stored (distinct ids)", copies.size());
  std::cout << fmt::format("  {:<34}{:>8}\n", "missing", missing);
  std::cout << fmt::format("  {:<34}{:>8}\n", "duplicates", duplicates);
  std::cout << fmt::format("  {:<34}{:>8}\n", "unexpected ids", unexpected_ids);
  std::cout << fmt::format("  {:<34}{:>8}\n", "sequence gaps", gaps);
  std::cout << fmt::format("  {:<34}{:>8}\n", "tags checked by query", tags_checked);
  std::cout << fmt::format("  {:<34}{:>8}\n", "tag index mismatches", tag_mismatches);
  std::cout << fmt::format("  {:<34}{:>8}\n", "dead letters", dead.size());
  std::cout << fmt::format("  {:<34}{:>8}\n", "worker crashes on the poison", hook_crashes);
  std::cout << fmt::format("  {:<34}{:>8}\n", "hostile adds refused", refused_adds);
  std::cout << fmt::format("  {:<34}{:>8}\n", "internal listener requests", internal_paths.size());
  std::cout << fmt::format("  {:<34}{:>8}\n", "hostile endpoint requests", feeds.hostile_hits());
  std::cout << fmt::format("  {:<34}{:>8}\n", "feed requests (304s)",
                           fmt::format("{} ({})", feeds.feed_requests(), feeds.not_modified()));
  for (const auto& [kind, n] : faults_) std::cout << fmt::format("  fault: {:<27}{:>8}\n", kind, n);
  std::cout << fmt::format("  {:<34}{:>8}\n", "restarts (store/ingest/enrich)",
                           fmt::format("{}/{}/{}", store_.starts - 1, ingest_.starts - 1,
                                       workers_[0].starts + workers_[1].starts - 2));
  if (!disk_notes_.empty()) std::cout << "  disk full: " << disk_notes_ << "\n";
  std::cout << fmt::format("  {:<34}{:>7}s\n", "time", elapsed.count()) << std::flush;

  EXPECT_EQ(missing, 0u);
  EXPECT_EQ(duplicates, 0u);
  EXPECT_EQ(unexpected_ids, 0u);
  EXPECT_EQ(gaps, 0u);
  EXPECT_EQ(copies.size(), expected.size());
  EXPECT_FALSE(copies.contains(poison_id)) << "the poison article was stored";
  EXPECT_EQ(LastSequence(), max_seq);
  EXPECT_EQ(tag_mismatches, 0u) << fmt::format("{}", fmt::join(tag_problems, "\n"));
  ASSERT_EQ(dead.size(), 1u) << nlohmann::json(dead).dump(1);
  EXPECT_EQ(dead[0].value("id", ""), poison_id);
  EXPECT_NE(dead[0].value("reason", "").find("crashed the worker process"), std::string::npos) << dead[0];
  EXPECT_EQ(hook_crashes, 1u) << "the poison article should crash exactly one worker";
  EXPECT_TRUE(internal_paths.empty())
      << "internal address fetched: " << fmt::format("{}", fmt::join(internal_paths, ", "));
  EXPECT_GE(refused_adds, 3);
  EXPECT_TRUE(unexpected_.empty()) << fmt::format("{}", fmt::join(unexpected_, "\n---\n"));
  EXPECT_TRUE(drain_overruns_.empty()) << fmt::format("{}", fmt::join(drain_overruns_, "\n"));
  EXPECT_TRUE(bad_exits_.empty()) << fmt::format("{}", fmt::join(bad_exits_, "\n---\n"));
  if (HasFailure()) std::cout << "feed states:\n" << feed_states;
}

}  // namespace
}  // namespace newsflow::testing

// The daemons as operators run them: the systemd notification protocol
// (READY=1, WATCHDOG=1, STATUS=, STOPPING=1 on a NOTIFY_SOCKET this test
// owns) and `newsflow status` against running daemons.
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/integration/daemon_harness.h"

namespace newsflow::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

// A unix datagram socket standing in for systemd's notification socket.
class NotifySocket {
 public:
  explicit NotifySocket(std::string path) : path_(std::move(path)) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path_.c_str());
    bound_ = bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    timeval timeout{.tv_sec = 0, .tv_usec = 200000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  }
  ~NotifySocket() {
    close(fd_);
    unlink(path_.c_str());
  }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  bool bound() const { return bound_; }
  // Reads what arrived (waiting up to 200 ms), one entry per "KEY=value"
  // line of each datagram, in the order sent.
  void Drain() {
    char buffer[4096];
    while (true) {
      ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
      if (n <= 0) return;
      std::string datagram(buffer, static_cast<size_t>(n));
      size_t start = 0;
      while (start < datagram.size()) {
        size_t end = datagram.find('\n', start);
        if (end == std::string::npos) end = datagram.size();
        if (end > start) lines_.push_back(datagram.substr(start, end - start));
        start = end + 1;
      }
    }
  }
  // Index of the first line equal to (or starting with) `prefix` at or
  // after `from`; -1 if none.
  int Find(const std::string& prefix, int from = 0) const {
    for (int i = from; i < static_cast<int>(lines_.size()); ++i) {
      if (lines_[i].rfind(prefix, 0) == 0) return i;
    }
    return -1;
  }
  bool WaitFor(const std::string& prefix, int from, seconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (Find(prefix, from) < 0 && std::chrono::steady_clock::now() < deadline) Drain();
    return Find(prefix, from) >= 0;
  }
  std::string Dump() const {
    std::string out;
    for (const auto& l : lines_) out += l + "\n";
    return out;
  }

 private:
  std::string path_;
  int fd_ = -1;
  bool bound_ = false;
  std::vector<std::string> lines_;
};

class OpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/newsflow-ops-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (!HasFailure()) {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    } else {
      std::cerr << "kept test folder " << dir_ << " (daemon logs inside)\n";
    }
  }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  std::string StoreConfig() const {
    return WriteFile(Path("store.yaml"), fmt::format(R"(data_dir: {}
store:
  input: {{address: "tcp://127.0.0.1:*", bind: true}}
  publish: {{address: "tcp://127.0.0.1:*", bind: true}}
  acks: {{address: "tcp://127.0.0.1:*", bind: true}}
  query: {{address: "tcp://127.0.0.1:*", bind: true}}
  term_counts: {{address: "tcp://127.0.0.1:*", bind: true}}
  http: {{enabled: true, port: 0}}
)",
                                                     dir_));
  }

  std::string dir_;
  int runs_ = 0;
};

// systemd's side of Type=notify: READY=1 once the daemon serves (its
// endpoints file exists by then), watchdog pings while its loops run, a
// STATUS= summary, and STOPPING=1 when SIGTERM starts the drain, in order.
TEST_F(OpsTest, StoreSpeaksTheSystemdNotifyProtocol) {
  NotifySocket notify(Path("notify.sock"));
  ASSERT_TRUE(notify.bound());
  Daemon store(BinaryPath("newsflow-store"),
               {"--config", StoreConfig(), "--endpoints-file", Path("store.endpoints")}, Path("store.log"),
               {{"NOTIFY_SOCKET", Path("notify.sock")}, {"WATCHDOG_USEC", "600000"}});
  ASSERT_TRUE(notify.WaitFor("READY=1", 0, seconds(30))) << notify.Dump() << store.Log();
  // Ready means serving: the endpoints (written just before) are there.
  EXPECT_TRUE(fs::exists(Path("store.endpoints")));
  const int ready = notify.Find("READY=1");
  ASSERT_TRUE(notify.WaitFor("WATCHDOG=1", ready, seconds(5))) << notify.Dump();
  const int first_ping = notify.Find("WATCHDOG=1", ready);
  // Pings keep coming (every 200 ms for a 600 ms watchdog).
  ASSERT_TRUE(notify.WaitFor("WATCHDOG=1", first_ping + 1, seconds(5))) << notify.Dump();
  // The summary of its own /metrics.
  ASSERT_TRUE(notify.WaitFor("STATUS=0 articles, stored 0", ready, seconds(10))) << notify.Dump();
  EXPECT_EQ(notify.Find("STOPPING=1"), -1);

  store.Kill(SIGTERM);
  ASSERT_TRUE(notify.WaitFor("STOPPING=1", first_ping, seconds(20))) << notify.Dump() << store.Log();
  EXPECT_EQ(store.Stop(), 0) << store.Log();
  EXPECT_LT(first_ping, notify.Find("STOPPING=1"));
}

// `newsflow status` against a running store: healthy, ready, its figures;
// a daemon that does not answer is DOWN and makes the exit status 1.
TEST_F(OpsTest, StatusCommandReadsTheDaemonsHttpServers) {
  Daemon store(BinaryPath("newsflow-store"),
               {"--config", StoreConfig(), "--endpoints-file", Path("store.endpoints")}, Path("store.log"));
  auto endpoints = ReadEndpoints(Path("store.endpoints"), seconds(30), &store);
  ASSERT_TRUE(endpoints.ok()) << store.Log();
  // No address from the config: only what --url names is checked.
  std::string client = WriteFile(Path("client.yaml"),
                                 "store: {http: {enabled: false}}\ningest: {api: {enabled: false}}\n"
                                 "enrich: {http: {enabled: false}}\n");
  auto run = [&](const std::vector<std::string>& args, int* status) {
    std::string out = Path(fmt::format("status-{}.out", runs_++));
    std::vector<std::string> full{"--config", client, "status", "--interval", "0.2"};
    full.insert(full.end(), args.begin(), args.end());
    Daemon cli(BinaryPath("newsflow"), full, out);
    EXPECT_TRUE(WaitFor([&] { return !cli.Running(); }, seconds(30)));
    int wait_status = cli.Stop();
    *status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
    return ReadWholeFile(out);
  };
  const std::string url = endpoints->at("store.http");
  int status = -1;
  std::string out = run({"--url", "store=" + url}, &status);
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find("store   " + url), std::string::npos) << out;
  EXPECT_NE(out.find("healthy   ready     0.0 articles/s, stored 0, errors 0"), std::string::npos) << out;

  out = run({"--url", "store=" + url, "--url", "ingest=http://127.0.0.1:1"}, &status);
  EXPECT_EQ(status, 1) << out;
  EXPECT_NE(out.find("ingest  http://127.0.0.1:1"), std::string::npos) << out;
  EXPECT_NE(out.find("DOWN"), std::string::npos) << out;

  out = run({"--url", "store=" + url, "--json"}, &status);
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find(R"("ready":true)"), std::string::npos) << out;

  out = run({"--url", "nonsense"}, &status);
  EXPECT_EQ(status, 2) << out;
}

}  // namespace
}  // namespace newsflow::testing

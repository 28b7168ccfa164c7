#include "tests/integration/daemon_harness.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/delivery/envelope_codec.h"
#include "common/delivery/request_client.h"
#include "tests/integration/netns_topology.h"

namespace newsflow::testing {

Daemon::Daemon(const std::string& binary, const std::vector<std::string>& args, const std::string& log_path,
               const std::map<std::string, std::string>& env, const std::string& netns)
    : log_path_(log_path) {
  std::vector<std::string> argv_storage{binary};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  argv.reserve(argv_storage.size() + 1);
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string netns_path = netns.empty() ? "" : NetnsPath(netns);
  // The environment is built before fork: the child only calls
  // async-signal-safe functions.
  std::vector<std::string> env_storage;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    if (!env.contains(entry.substr(0, entry.find('=')))) env_storage.push_back(entry);
  }
  for (const auto& [name, value] : env) env_storage.push_back(fmt::format("{}={}", name, value));
  std::vector<char*> envp;
  envp.reserve(env_storage.size() + 1);
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_ = fork();
  if (pid_ == 0) {
    int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    // The test process may block signals; the daemon must start clean.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (!netns_path.empty()) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      int ns = open(netns_path.c_str(), O_RDONLY | O_CLOEXEC);
      if (ns < 0 || setns(ns, CLONE_NEWNET) != 0) _exit(126);
      close(ns);
    }
    execve(binary.c_str(), argv.data(), envp.data());
    _exit(127);
  }
}

Daemon::~Daemon() {
  if (Running()) Stop(std::chrono::seconds(15));
}

bool Daemon::Running() {
  if (reaped_ || pid_ <= 0) return false;
  pid_t r = waitpid(pid_, &status_, WNOHANG);
  if (r == pid_) reaped_ = true;
  return !reaped_;
}

void Daemon::Kill(int signal) {
  if (Running()) kill(pid_, signal);
}

int Daemon::Stop(std::chrono::milliseconds timeout) {
  if (!Running()) return reaped_ ? status_ : -1;
  kill(pid_, SIGTERM);
  if (!WaitFor([&] { return !Running(); }, timeout)) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status_, 0);
    reaped_ = true;
    return -1;
  }
  return status_;
}

std::string Daemon::Log() const { return ReadWholeFile(log_path_); }

bool WaitFor(const std::function<bool()>& predicate, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return predicate();
}

absl::StatusOr<std::map<std::string, std::string>> ReadEndpoints(const std::string& path,
                                                                 std::chrono::milliseconds timeout,
                                                                 Daemon* daemon) {
  std::map<std::string, std::string> endpoints;
  bool ok = WaitFor(
      [&] {
        std::ifstream in(path);
        if (!in) return daemon != nullptr && !daemon->Running();
        nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
        if (j.is_discarded() || !j.is_object()) return false;
        for (auto& [k, v] : j.items()) endpoints[k] = v.get<std::string>();
        return true;
      },
      timeout);
  if (!ok || (endpoints.empty() && daemon != nullptr && !daemon->Running())) {
    return absl::DeadlineExceededError(fmt::format("no endpoints file {}", path));
  }
  return endpoints;
}

absl::StatusOr<v1::QueryResponse> QueryStore(zmq::context_t& context, const std::string& endpoint,
                                             const v1::QueryRequest& request) {
  v1::Envelope e = NewEnvelope();
  *e.mutable_query() = request;
  auto reply = Request(context, endpoint, e, std::chrono::seconds(10));
  if (!reply.ok()) return reply.status();
  return reply->result();
}

absl::StatusOr<std::vector<v1::Article>> AllStored(zmq::context_t& context, const std::string& endpoint) {
  std::vector<v1::Article> out;
  uint64_t after = 0;
  while (true) {
    v1::QueryRequest q;
    q.set_since_seq(after);
    q.set_limit(1000);
    auto r = QueryStore(context, endpoint, q);
    if (!r.ok()) return r.status();
    for (const auto& a : r->articles()) {
      after = std::max(after, a.sequence());
      out.push_back(a);
    }
    if (!r->more()) return out;
  }
}

std::string WriteFile(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
  return path;
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string BinaryPath(const std::string& name) {
  if (name == "newsflow-store") return NEWSFLOW_STORE_BIN;
  if (name == "newsflow-ingest") return NEWSFLOW_INGEST_BIN;
  if (name == "newsflow-enrich") return NEWSFLOW_ENRICH_BIN;
  return NEWSFLOW_CLI_BIN;
}

}  // namespace newsflow::testing

// Test harness for integration tests that start the real daemons as child
// processes on 127.0.0.1 with OS-chosen ports ("tcp://127.0.0.1:*"); each
// daemon reports its bound endpoints through --endpoints-file.
#ifndef NEWSFLOW_TESTS_INTEGRATION_DAEMON_HARNESS_H_
#define NEWSFLOW_TESTS_INTEGRATION_DAEMON_HARNESS_H_

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "absl/status/statusor.h"
#include "newsflow/v1/query.pb.h"

namespace newsflow::testing {

// A child process; stopped with SIGTERM (then SIGKILL) at destruction.
class Daemon {
 public:
  // Starts `binary` with `args`; stdout and stderr go to `log_path`. `env`
  // is added to (or replaces in) the child's environment. With `netns`, the
  // child first joins the named network namespace (a host of
  // tests/integration/netns_topology.h) and is killed when the test process
  // dies, so that an interrupted run leaves no daemon holding the namespace.
  Daemon(const std::string& binary, const std::vector<std::string>& args, const std::string& log_path,
         const std::map<std::string, std::string>& env = {}, const std::string& netns = "");
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  pid_t pid() const { return pid_; }
  bool Running();
  void Kill(int signal);
  // Sends SIGTERM and waits; returns the exit status (or -1 on timeout).
  int Stop(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  std::string Log() const;

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  bool reaped_ = false;
  std::string log_path_;
};

// Polls `predicate` every 50 ms until true or `timeout`.
bool WaitFor(const std::function<bool()>& predicate, std::chrono::milliseconds timeout);

// Waits for an endpoints file written by --endpoints-file and parses it.
// Fails early when `daemon` exits first.
absl::StatusOr<std::map<std::string, std::string>> ReadEndpoints(const std::string& path,
                                                                 std::chrono::milliseconds timeout,
                                                                 Daemon* daemon = nullptr);

// Queries the store's ZeroMQ query socket.
absl::StatusOr<v1::QueryResponse> QueryStore(zmq::context_t& context, const std::string& endpoint,
                                             const v1::QueryRequest& request);
// Every stored article version through the replay log (since 0).
absl::StatusOr<std::vector<v1::Article>> AllStored(zmq::context_t& context, const std::string& endpoint);

std::string WriteFile(const std::string& path, const std::string& content);
std::string ReadWholeFile(const std::string& path);

// Locations of the binaries under test (set by CMake).
std::string BinaryPath(const std::string& name);

}  // namespace newsflow::testing

#endif  // NEWSFLOW_TESTS_INTEGRATION_DAEMON_HARNESS_H_

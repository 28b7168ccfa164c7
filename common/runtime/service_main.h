// RunService: the whole body of every daemon's main.cc (STYLE.md B7).
//
//   int main(int argc, char** argv) {
//     return newsflow::RunService(argc, argv, "store", &newsflow::store::MakeStoreService);
//   }
//
// In order: parse flags -> block stop signals before any thread exists ->
// load and validate config -> init logging -> one zmq::context_t -> build the
// service -> run it until SIGINT/SIGTERM or a fatal error -> ordered drain
// within drain.deadline_ms -> exit code.
//
// Flags: --config FILE, --check-config, --data-dir DIR, --log-level LEVEL,
// --endpoints-file FILE (write the bound endpoints as JSON once ready; lets
// tests and supervisors use "tcp://127.0.0.1:*" ports).
// Exit codes: 0 clean stop, 1 runtime failure, 2 usage or config error.
#ifndef NEWSFLOW_COMMON_RUNTIME_SERVICE_MAIN_H_
#define NEWSFLOW_COMMON_RUNTIME_SERVICE_MAIN_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/config/newsflow_config.h"
#include "common/runtime/service.h"

namespace newsflow {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// A daemon's own on/off flag, beside the common ones above ("--reindex").
// RunService sets *value when the flag is given, before calling the factory.
struct ServiceFlag {
  std::string name;
  std::string help;
  bool* value = nullptr;
};

int RunService(int argc, char** argv, const std::string& name, const ServiceFactory& factory,
               const std::vector<ServiceFlag>& flags = {});

// Loads `path` (or the defaults when empty) and applies command-line
// overrides. Shared by RunService and the `newsflow` CLI.
absl::StatusOr<NewsflowConfig> LoadConfigWithOverrides(const std::string& path, const std::string& data_dir,
                                                       const std::string& log_level);

// Writes `endpoints` to `path` as a JSON object, atomically (write + rename).
absl::Status WriteEndpointsFile(const std::string& path, const EndpointMap& endpoints);

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_RUNTIME_SERVICE_MAIN_H_

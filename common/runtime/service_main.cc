#include "common/runtime/service_main.h"

#include <cstdio>
#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "common/log/logging.h"
#include "common/runtime/service_group.h"
#include "common/runtime/stop_signal.h"

namespace newsflow {

absl::StatusOr<NewsflowConfig> LoadConfigWithOverrides(const std::string& path, const std::string& data_dir,
                                                       const std::string& log_level) {
  NewsflowConfig config;
  if (path.empty()) {
    config = DefaultConfig();
  } else {
    auto loaded = LoadConfig(path);
    if (!loaded.ok()) return loaded.status();
    config = *std::move(loaded);
  }
  if (!data_dir.empty()) {
    // Derived folders follow the override unless the file set them apart.
    if (config.ingest.data_dir == config.data_dir + "/ingest") config.ingest.data_dir = data_dir + "/ingest";
    if (config.store.data_dir == config.data_dir + "/store") config.store.data_dir = data_dir + "/store";
    if (config.enrich.journal_dir == config.data_dir + "/enrich-journal") {
      config.enrich.journal_dir = data_dir + "/enrich-journal";
    }
    config.data_dir = data_dir;
  }
  if (!log_level.empty()) {
    auto level = spdlog::level::from_str(log_level);
    if (level == spdlog::level::off && log_level != "off") {
      return absl::InvalidArgumentError(fmt::format("--log-level: unknown level \"{}\"", log_level));
    }
    config.logging.level = log_level;
  }
  return config;
}

absl::Status WriteEndpointsFile(const std::string& path, const EndpointMap& endpoints) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [role, address] : endpoints) j[role] = address;
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << j.dump(2) << "\n";
    if (!out) return absl::UnavailableError(fmt::format("write {}: failed", tmp));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(fmt::format("rename {}: failed", tmp));
  }
  return absl::OkStatus();
}

int RunService(int argc, char** argv, const std::string& name, const ServiceFactory& factory,
               const std::vector<ServiceFlag>& flags) {
  CLI::App app{fmt::format("newsflow-{}: the newsflow {} daemon", name, name)};
  std::string config_path, data_dir, log_level, endpoints_file;
  bool check_only = false;
  app.add_option("-c,--config", config_path, "YAML config file (default: built-in defaults)");
  app.add_flag("--check-config", check_only, "validate the config and exit");
  app.add_option("--data-dir", data_dir, "override data_dir");
  app.add_option("--log-level", log_level, "override logging.level");
  app.add_option("--endpoints-file", endpoints_file, "write bound endpoints as JSON to this file once ready");
  for (const ServiceFlag& flag : flags) app.add_flag(flag.name, *flag.value, flag.help);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }

  BlockStopSignals();
  auto config = LoadConfigWithOverrides(config_path, data_dir, log_level);
  if (!config.ok()) {
    std::cerr << "newsflow-" << name << ": invalid config: " << config.status().message() << "\n";
    return kExitUsage;
  }
  if (check_only) {
    std::cout << "config ok\n";
    return kExitOk;
  }
  if (absl::Status s = InitLogging(config->logging); !s.ok()) {
    std::cerr << "newsflow-" << name << ": " << s.message() << "\n";
    return kExitFailure;
  }
  auto logger = MakeLogger(name);

  int exit_code = kExitOk;
  {
    zmq::context_t context(1);
    auto service = factory(*config, context);
    if (!service.ok()) {
      logger->error("cannot start: {}", std::string(service.status().message()));
      return absl::IsInvalidArgument(service.status()) ? kExitUsage : kExitFailure;
    }
    std::vector<std::unique_ptr<Service>> services;
    services.push_back(*std::move(service));
    std::stop_source stop;
    SignalWatcher watcher(stop, [logger] {
      absl::Status s = ReopenLogs();
      if (s.ok()) {
        logger->info("SIGHUP: log file reopened");
      } else {
        logger->error("SIGHUP: {}", std::string(s.message()));
      }
    });
    absl::Status s = RunServiceGroup(
        std::move(services), context, stop.get_token(), std::chrono::milliseconds(config->drain.deadline_ms),
        [&](const EndpointMap& endpoints) {
          for (const auto& [role, address] : endpoints) {
            logger->info("listening role={} endpoint={}", role, address);
          }
          if (!endpoints_file.empty()) {
            absl::Status w = WriteEndpointsFile(endpoints_file, endpoints);
            if (!w.ok()) logger->error("{}", std::string(w.message()));
          }
        },
        logger);
    if (!s.ok()) {
      logger->error("stopped with error: {}", std::string(s.message()));
      exit_code = absl::IsInvalidArgument(s) ? kExitUsage : kExitFailure;
    } else {
      logger->info("stopped cleanly");
    }
  }
  return exit_code;
}

}  // namespace newsflow

// `newsflow status`: each daemon's /healthz, /readyz and /metrics at a
// glance, for an operator on the host (or anyone with the tokens):
//
//   store   http://127.0.0.1:8480  healthy  ready      2.0 articles/s, stored 1520, errors 0
//   ingest  http://127.0.0.1:8481  healthy  NOT READY  0.0 articles/s, outbox 40, ...  (no ack from the store
//   ...) enrich  http://127.0.0.1:8482  DOWN     ...        GET ...: Couldn't connect to server
//
// Addresses and tokens come from the config file (store.http, ingest.api,
// enrich.http); `--url enrich=http://10.0.0.7:8482` adds or replaces a
// daemon's address (repeat it for several enrich workers). Rates are the
// counters' growth between two scrapes `interval` apart.
#ifndef NEWSFLOW_SERVICES_CLI_STATUS_COMMAND_H_
#define NEWSFLOW_SERVICES_CLI_STATUS_COMMAND_H_

#include <chrono>
#include <string>
#include <vector>

#include "common/config/newsflow_config.h"

namespace newsflow::cli {

struct StatusOptions {
  std::vector<std::string> urls;  // "daemon=http://host:port"
  double interval_s = 1.0;
  bool json = false;  // one JSON object per daemon instead of the table
};

// Prints the table on stdout. Exit code 0 when every daemon is healthy and
// ready, 1 otherwise, 2 on a bad --url.
int RunStatus(const NewsflowConfig& config, const StatusOptions& options);

}  // namespace newsflow::cli

#endif  // NEWSFLOW_SERVICES_CLI_STATUS_COMMAND_H_

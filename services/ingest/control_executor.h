// ControlExecutor: runs ingest's control requests, for both the control
// socket (RequestServer in common/delivery/request_server.h delivers them)
// and the feed-management HTTP API (services/ingest/feeds_api.h):
//   add_feed       admitted (services/ingest/feed_admission.h), saved, and
//                  the fetchers woken; re-adding keeps what fetching learnt
//   remove_feed    removed from the list
//   list_feeds     every feed with its state
//   poll_now       every feed due at once
//   submit_url     a page fetched once by a fetch thread (refused unless
//                  CheckPageUrl allows it)
//   import_opml    answered at once with the import's id; the outlines are
//                  admitted in batches of 500 on the executor's own thread,
//                  one import at a time; the last 16 imports' progress is
//                  kept for import_status
//   dead letters   list, show, redrive, delete (services/ingest/dead_letters.h)
// Refusals count feeds_refused / pages_refused / imports_refused and are
// logged sparsely.
//
// Thread-safe: requests may come from the socket's thread and the API's
// threads at once; adds and import batches are serialised (read, admit,
// write as one step).
#ifndef NEWSFLOW_SERVICES_INGEST_CONTROL_EXECUTOR_H_
#define NEWSFLOW_SERVICES_INGEST_CONTROL_EXECUTOR_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>

#include <spdlog/spdlog.h>

#include "absl/status/statusor.h"
#include "common/config/newsflow_config.h"
#include "common/log/logging.h"
#include "common/runtime/clock.h"
#include "common/util/counters.h"
#include "newsflow/v1/envelope.pb.h"
#include "services/ingest/feed_list.h"
#include "services/ingest/feed_scheduler.h"
#include "services/ingest/fetcher.h"
#include "services/ingest/ingest_db.h"
#include "services/ingest/outbox.h"

namespace newsflow::ingest {

class ControlExecutor {
 public:
  // What the executor asks of the rest of the service.
  struct Hooks {
    std::function<void()> wake_fetchers;                                     // the feed list changed
    std::function<void(const std::string&)> submit_page;                     // a page to fetch once
    std::function<void(const absl::Status&, std::string_view)> on_db_error;  // a write failed
  };

  // Every reference must outlive the executor. `fetch_options` is read at
  // each request (the service may fill it in after construction).
  ControlExecutor(const IngestConfig& config, IngestDb& db, FeedList& feeds, FeedScheduler& scheduler,
                  Outbox& outbox, const FetchOptions& fetch_options, Counters& counters,
                  std::shared_ptr<spdlog::logger> logger, const Clock& clock, Hooks hooks);
  ~ControlExecutor();  // stops and joins a running import

  // A request from the control socket: checks its token (ingest.api.token,
  // when set) and runs it. kPermissionDenied for a missing or wrong token.
  absl::StatusOr<v1::Envelope> Handle(const v1::Envelope& request);
  // Runs one request (already authorised: the HTTP API checks the token).
  v1::ControlResponse Execute(const v1::ControlRequest& request);

  // Stops a running import (it reports how far it got) and waits for it.
  void StopImports();

 private:
  v1::ControlResponse StartImport(const std::string& opml);
  void ImportJob(std::stop_token stop, const std::string& id, const std::string& opml);
  void UpdateImport(const std::string& id, const std::function<void(v1::ImportProgress&)>& change);
  void LogRefusal(const absl::Status& why);

  const IngestConfig& config_;
  IngestDb& db_;
  FeedList& feeds_;
  FeedScheduler& scheduler_;
  Outbox& outbox_;
  const FetchOptions& fetch_options_;
  Counters& counters_;
  std::shared_ptr<spdlog::logger> logger_;
  const Clock& clock_;
  Hooks hooks_;
  RateLimitedLog refused_log_;  // feeds and pages refused

  // Serialises add-feed requests and import batches.
  std::mutex feed_list_mu_;

  std::mutex import_mu_;
  std::map<std::string, v1::ImportProgress> imports_;  // GUARDED_BY(import_mu_): the last few
  std::deque<std::string> import_ids_;                 // GUARDED_BY(import_mu_): oldest first
  bool import_running_ = false;                        // GUARDED_BY(import_mu_)
  uint64_t imports_started_ = 0;                       // GUARDED_BY(import_mu_)
  std::jthread import_thread_;                         // last: stopped and joined before the rest goes
};

}  // namespace newsflow::ingest

#endif  // NEWSFLOW_SERVICES_INGEST_CONTROL_EXECUTOR_H_

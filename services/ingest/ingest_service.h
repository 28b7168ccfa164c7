// newsflow-ingest: owns the outside world (DESIGN.md).
//
// Threads:
//  - fetchers (ingest.poll.fetch_threads): take the next due feed from the
//    in-memory feed list (services/ingest/feed_list.h, loaded once, written
//    through to the database), fetch it (conditional GET), parse it, fetch
//    teaser pages, build articles and Accept() them into the outbox; the
//    feed scheduler (services/ingest/feed_scheduler.h) reschedules the feed,
//    backing off exponentially with jitter on errors and disabling it after
//    max_failures in a row. A poll has a time budget
//    (ingest.poll.poll_budget_ms) covering the feed and its pages: past it
//    the remaining items keep the feed's text (never lost, never retried for
//    their page). A stop aborts every transfer at once; the interrupted poll
//    leaves its feed due with its old validators.
//  - import (while an OPML import runs): admits its outlines in batches.
//  - drop scanner (when ingest.drop_dir is set): reads .json/.html files,
//    accepts them, moves them to processed/ (or failed/ with a .error note)
//    (services/ingest/drop_folder.h).
//  - sender (the Run() thread, owner of all sockets): PUSHes outbox entries
//    to enrich workers, receives acks on a SUB socket (topic ack.<instance>.),
//    resends after ack timeout, and answers control requests (feeds
//    add/list/remove, poll-now, dead letters) on a ROUTER socket; the
//    ControlExecutor (services/ingest/control_executor.h) runs them.
//  - api (when ingest.api.enabled): the feed-management HTTP API
//    (services/ingest/feeds_api.h), answering through the same executor.
#ifndef NEWSFLOW_SERVICES_INGEST_INGEST_SERVICE_H_
#define NEWSFLOW_SERVICES_INGEST_INGEST_SERVICE_H_

#include <memory>

#include <zmq.hpp>

#include "absl/status/statusor.h"
#include "common/config/newsflow_config.h"
#include "common/runtime/clock.h"
#include "common/runtime/service.h"

namespace newsflow::ingest {

// Opens the ingest database (a locked database fails here).
absl::StatusOr<std::unique_ptr<Service>> MakeIngestService(const NewsflowConfig& config,
                                                           zmq::context_t& context);
// The same on `clock` (Clock::Real() above), which must outlive the service:
// feed schedules, outbox due times, /readyz and timestamps go by it.
absl::StatusOr<std::unique_ptr<Service>> MakeIngestServiceWithClock(const NewsflowConfig& config,
                                                                    zmq::context_t& context,
                                                                    const Clock& clock);

}  // namespace newsflow::ingest

#endif  // NEWSFLOW_SERVICES_INGEST_INGEST_SERVICE_H_

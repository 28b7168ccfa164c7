// FeedPoller: ingest's fetch threads. Each thread takes the next due feed
// from the FeedScheduler, polls it (conditional GET, parse, one article per
// item, the article's page fetched and extracted when the item is only a
// teaser) and Accept()s every article into the outbox, then hands the
// poll's outcome back to the scheduler. Pages submitted by hand
// (SubmitPage) are fetched first, once each.
//
// A poll's time budget (ingest.fetch.poll_budget_ms) covers the feed and its
// pages: past it, the remaining items keep their feed text. A stop cuts a
// poll short: the feed keeps its stored state (still due, old validators),
// so its remaining items come with the next poll and those already accepted
// are recognised there as duplicates.
//
//   FeedPoller poller(config, scheduler, outbox, db, fetch_options, counters,
//                     registry, logger, clock, on_db_error);
//   poller.Start();       // ingest.fetch.threads threads
//   poller.Wake();        // the schedule changed (a feed added, poll now)
//   poller.Stop();        // joins; polls in progress end early
//
// Thread-safe.
#ifndef NEWSFLOW_SERVICES_INGEST_FEED_POLLER_H_
#define NEWSFLOW_SERVICES_INGEST_FEED_POLLER_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/config/newsflow_config.h"
#include "common/log/logging.h"
#include "common/metrics/metrics.h"
#include "common/runtime/clock.h"
#include "common/util/counters.h"
#include "newsflow/v1/envelope.pb.h"
#include "services/ingest/extract/article_extractor.h"
#include "services/ingest/feed_scheduler.h"
#include "services/ingest/fetcher.h"
#include "services/ingest/ingest_db.h"
#include "services/ingest/outbox.h"

namespace newsflow::ingest {

class FeedPoller {
 public:
  // Called with the error and what was written when the outbox fails a write.
  using DbErrorFn = std::function<void(const absl::Status&, std::string_view)>;

  // Everything passed must outlive the poller. Reads ingest.fetch
  // (threads, pages, teaser length, poll budget) and ingest.instance_id of
  // `config`. Counts feed_fetches, feed_fetches_ok, feed_not_modified,
  // feed_errors, feeds_ill_formed, feeds_moved, items_skipped_empty,
  // page_fetches, pages_extracted, pages_failed, pages_skipped_budget,
  // pages_submitted and polls_interrupted on `counters`; observes fetch,
  // parse and extract durations on `registry`.
  FeedPoller(const IngestConfig& config, FeedScheduler& scheduler, Outbox& outbox, IngestDb& db,
             const FetchOptions& fetch_options, Counters& counters, metrics::Registry& registry,
             std::shared_ptr<spdlog::logger> logger, const Clock& clock, DbErrorFn on_db_error);
  ~FeedPoller();  // Stop()s

  FeedPoller(const FeedPoller&) = delete;
  FeedPoller& operator=(const FeedPoller&) = delete;

  // Starts the fetch threads (ingest.fetch.threads). Once.
  void Start();
  // Stops the threads and joins them; a poll in progress ends early.
  void Stop();
  // The schedule changed: idle threads look for a due feed again.
  void Wake();
  // Queues a web page to fetch, extract and accept once, before due feeds.
  void SubmitPage(std::string url);

  // One poll of `feed` on the calling thread: what a fetch thread does with a
  // feed the scheduler gave it (Finish or Abandon is called on the
  // scheduler).
  void PollFeed(v1::FeedSpec feed, std::stop_token stop);
  // Fetches, extracts and accepts one submitted page on the calling thread.
  void IngestSubmittedPage(const std::string& url, std::stop_token stop);

 private:
  // What accepting the items of one fetched document came to.
  // A feed's items are written to the outbox this many at a time, each
  // batch with one synced write.
  static constexpr size_t kAcceptBatch = 256;

  struct Accepted {
    uint64_t count = 0;        // new or changed articles
    bool interrupted = false;  // a stop came before every item was in
    absl::Status error;        // a failed outbox write
  };

  void FetchLoop(std::stop_token stop);
  // Parses a fetched document and accepts its items into `outcome`; false
  // when a stop interrupted it.
  bool AcceptDocument(const FetchResult& fetched, v1::FeedSpec& feed, int64_t now, int64_t deadline,
                      std::stop_token stop, PollOutcome* outcome);
  Accepted AcceptItems(const ParsedFeed& parsed, const v1::FeedSpec& feed, int64_t now, int64_t deadline,
                       std::stop_token stop);
  // Replaces a teaser's text with its page's article, when the feed wants
  // pages; kCancelled on a stop. Page failures keep the feed text (counted,
  // logged) and are not errors.
  absl::Status FillFromPage(const v1::FeedSpec& feed, int64_t deadline, std::stop_token stop,
                            v1::Article* article);
  // Whether an item of `feed` needs its page: per the feed's policy, and for
  // FULL_TEXT_AUTO only teasers of feeds fetched over HTTP(S).
  bool WantsPage(const v1::FeedSpec& feed, const v1::Article& article) const;
  // Fetches a web page and extracts its article; kCancelled on a stop,
  // kDeadlineExceeded past `deadline_ms` (0 = none).
  absl::StatusOr<Article> FetchPage(const std::string& url, std::stop_token stop, int64_t deadline_ms = 0);

  const IngestConfig& config_;
  FeedScheduler& scheduler_;
  Outbox& outbox_;
  IngestDb& db_;
  const FetchOptions& fetch_options_;
  Counters& counters_;
  std::shared_ptr<spdlog::logger> logger_;
  const Clock& clock_;
  DbErrorFn on_db_error_;
  RateLimitedLog error_log_;
  metrics::Histogram& feed_fetch_seconds_;
  metrics::Histogram& page_fetch_seconds_;
  metrics::Histogram& parse_seconds_;
  metrics::Histogram& extract_seconds_;

  std::mutex mu_;
  std::condition_variable_any changed_cv_;
  bool changed_ = false;               // GUARDED_BY(mu_)
  std::deque<std::string> submitted_;  // GUARDED_BY(mu_): URLs to fetch once
  std::vector<std::jthread> threads_;
};

}  // namespace newsflow::ingest

#endif  // NEWSFLOW_SERVICES_INGEST_FEED_POLLER_H_

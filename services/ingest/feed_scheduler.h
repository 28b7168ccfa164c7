// FeedScheduler: when each feed is polled next, and what a poll's outcome
// does to a feed's state (the poll policy).
//
// Fetch threads ask TakeDue() for the next feed due on the scheduler's
// Clock, poll it, describe what happened in a PollOutcome and hand it back
// with Finish() (or Abandon() when a stop interrupted the poll). The policy
// applied on Finish:
//  - success (a document, or 304 Not Modified): failures reset, next poll
//    after the feed's interval: its own interval_s, else the interval learnt
//    from how often it publishes (adaptive_interval_s), else
//    ingest.poll.default_interval_s; always within [min_interval_s,
//    max_interval_s];
//  - failure: exponential backoff from min_interval_s (doubling per failure
//    in a row, at most max_interval_s, at least the server's Retry-After),
//    with +-20% jitter so that feeds failing together spread out; after
//    max_failures in a row the feed is disabled;
//  - HTTP 410 Gone disables the feed at once;
//  - conditional GET: the response's validators (ETag, Last-Modified) are
//    stored only when the poll succeeded with every item in the outbox, so a
//    poll cut short is never answered 304 on its next try.
//
// The feed list (services/ingest/feed_list.h) holds the schedule itself (per
// host queues by due time); this class decides the due times.
//
// Thread-safe: the FeedList serialises access; the policy keeps no state.
#ifndef NEWSFLOW_SERVICES_INGEST_FEED_SCHEDULER_H_
#define NEWSFLOW_SERVICES_INGEST_FEED_SCHEDULER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/config/newsflow_config.h"
#include "common/runtime/clock.h"
#include "newsflow/v1/envelope.pb.h"
#include "services/ingest/feed/feed_parser.h"
#include "services/ingest/feed_list.h"

namespace newsflow::ingest {

// The ingest.poll settings the policy reads.
struct PollPolicy {
  int default_interval_s = 900;
  int min_interval_s = 60;
  int max_interval_s = 86400;
  int max_failures = 10;  // failures in a row before a feed is disabled

  static PollPolicy FromConfig(const IngestConfig& config);
};

// What one poll of a feed came to.
struct PollOutcome {
  // The poll failed (network, refused address, HTTP status, parse, a failed
  // write of an article): the feed backs off.
  absl::Status error;
  bool gone = false;      // HTTP 410: the feed is disabled (error says so too)
  int retry_after_s = 0;  // Retry-After of an error status: the least backoff
  // A feed document was parsed (false after 304 Not Modified or an error),
  // with the dates of its items (DatedItemTimes) to learn the interval from.
  bool parsed = false;
  std::vector<int64_t> item_times_ms;
  uint64_t accepted = 0;  // new or changed articles accepted into the outbox
  // The response's validators, when every item of it is in the outbox
  // (stored only if the poll succeeded).
  struct Validators {
    std::string etag;
    std::string last_modified;
  };
  std::optional<Validators> validators;
};

// The publication (else update) times of the items that carry one.
std::vector<int64_t> DatedItemTimes(const ParsedFeed& feed);

class FeedScheduler {
 public:
  // `feeds` and `clock` must outlive the scheduler.
  FeedScheduler(FeedList& feeds, PollPolicy policy, const Clock& clock);

  // The feed due earliest now, counted as being polled until Finish() or
  // Abandon(); nullopt when none is due, then *wait_ms is the time until the
  // next one (at most its input value).
  std::optional<v1::FeedSpec> TakeDue(int64_t* wait_ms);

  // The policy: `feed` as it stands after a poll that started at
  // `polled_at_ms` and came to `outcome` (see the file comment).
  v1::FeedSpec Reschedule(v1::FeedSpec feed, const PollOutcome& outcome, int64_t polled_at_ms) const;

  // Ends the poll of the feed listed as `original_url` (it differs from
  // updated.url() after a permanent redirect), saving `updated` (from
  // Reschedule) unless the feed was removed meanwhile. Returns the error of
  // persisting; the schedule goes on from memory regardless.
  absl::Status Finish(const std::string& original_url, const v1::FeedSpec& updated);
  // Ends an interrupted poll: the feed keeps its stored state and stays due.
  void Abandon(const std::string& original_url);

  // Makes every feed due at once (ControlRequest.poll_now).
  void PollAllNow();

  // The interval between successful polls of `feed`, in milliseconds.
  int64_t IntervalMs(const v1::FeedSpec& feed) const;

 private:
  // Learns how often a feed publishes: half the mean gap between its ten
  // newest items when they carry dates, otherwise halving after new items
  // and growing by half after none (by a quarter after 304). Bounded by the
  // poll limits.
  int AdaptInterval(const v1::FeedSpec& feed, const PollOutcome& outcome) const;

  FeedList& feeds_;
  const PollPolicy policy_;
  const Clock& clock_;
};

}  // namespace newsflow::ingest

#endif  // NEWSFLOW_SERVICES_INGEST_FEED_SCHEDULER_H_

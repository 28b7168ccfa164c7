// FeedList: the ingest feed list held in memory, written through to the
// ingest database, with the polling schedule.
//
// The list is loaded once at start (Load) and every change goes through it:
// adds and removals from the control socket, the HTTP API and OPML imports,
// and each poll's write-back. A change is persisted (IngestDb::PutFeed /
// RemoveFeed) before it is applied in memory; a poll's write-back that cannot
// be persisted is still applied in memory and reported, so the schedule
// keeps going and the next write of that feed stores it.
//
// Schedule: each enabled feed that is not being fetched waits in its host's
// queue, ordered by due time (next_fetch_ms, or 0 after PollAllNow for feeds
// not fetched since). Hosts with room under the per-host limit are ordered by
// their earliest due feed, so TakeDue() finds the next feed in O(log n) no
// matter how many feeds share a busy host; a feed being fetched is in no
// queue until FinishPoll(). Feeds without a host (local files) are not
// limited per host.
//
// Thread-safe: every method takes the list's mutex (memory operations and
// single-key RocksDB writes only; nothing slow happens under it).
#ifndef NEWSFLOW_SERVICES_INGEST_FEED_LIST_H_
#define NEWSFLOW_SERVICES_INGEST_FEED_LIST_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "newsflow/v1/envelope.pb.h"
#include "services/ingest/ingest_db.h"

namespace newsflow::ingest {

// The lower-cased host[:port] of an http(s) URL; "" for local files.
std::string FeedHost(const std::string& url);

class FeedList {
 public:
  // `db` must outlive the list. `per_host_limit` >= 1: feeds of one host
  // fetched at once.
  FeedList(IngestDb& db, int per_host_limit);

  // Reads the stored list (call once, before any other method).
  absl::Status Load();

  std::size_t size() const;
  std::optional<v1::FeedSpec> Get(const std::string& url) const;
  // Every feed, ordered by URL.
  std::vector<v1::FeedSpec> List() const;

  // Adds or replaces `feed` (persisted first; on error nothing changes).
  absl::Status Put(const v1::FeedSpec& feed);
  // Adds or replaces several feeds in one write (persisted first).
  absl::Status PutMany(const std::vector<v1::FeedSpec>& feeds);
  // Removes a feed; false when it was not listed.
  absl::StatusOr<bool> Remove(const std::string& url);

  // The enabled feed due earliest at or before `now` whose host has room;
  // it counts as being fetched until FinishPoll(). nullopt when none is due:
  // then *wait_ms is the time until the next one (at most its input value).
  std::optional<v1::FeedSpec> TakeDue(int64_t now, int64_t* wait_ms);

  // Ends the fetch of the feed listed as `original_url`. With `updated`, the
  // poll's result is saved (under its own URL, which differs after a
  // permanent redirect) unless the feed was removed meanwhile; without, the
  // feed keeps its stored state and stays due (an interrupted poll).
  // Returns the error of persisting, if any (memory is updated regardless).
  absl::Status FinishPoll(const std::string& original_url, const std::optional<v1::FeedSpec>& updated);

  // Makes every feed not fetched since `now` due at once.
  void PollAllNow(int64_t now);

 private:
  struct HostState {
    std::set<std::pair<int64_t, std::string>> queue;  // (due, url) of waiting feeds
    int active = 0;                                   // feeds being fetched
    std::optional<int64_t> ready_key;                 // its key in ready_, if there
  };
  int64_t DueOf(const v1::FeedSpec& feed) const;
  // Puts a listed, enabled feed that is not being fetched in its host's queue.
  void Enqueue(const v1::FeedSpec& feed);
  void Dequeue(const v1::FeedSpec& feed);
  // Re-files `host` in ready_ after its queue or activity changed.
  void Refresh(const std::string& host);

  IngestDb& db_;
  const int per_host_limit_;
  mutable std::mutex mu_;
  std::map<std::string, v1::FeedSpec> feeds_;        // GUARDED_BY(mu_): by URL
  std::map<std::string, int64_t> queued_due_;        // GUARDED_BY(mu_): url -> due, while queued
  std::set<std::string> in_progress_;                // GUARDED_BY(mu_)
  std::map<std::string, HostState> hosts_;           // GUARDED_BY(mu_)
  std::set<std::pair<int64_t, std::string>> ready_;  // GUARDED_BY(mu_): (earliest due, host) with room
  int64_t poll_requested_ms_ = 0;                    // GUARDED_BY(mu_)
};

}  // namespace newsflow::ingest

#endif  // NEWSFLOW_SERVICES_INGEST_FEED_LIST_H_

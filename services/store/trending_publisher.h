// TrendingPublisher: keeps the store's trending lists (services/store/
// trending.h) fresh for the PUB stream. Its own thread recomputes every
// window, for all languages and for each language with counts, at most once
// per interval, and queues the lists that changed (another set of tags or
// counts; scores alone drift with time) as [topic, Envelope{trending}]
// messages; the writer thread, which owns the PUB socket, sends them
// (Take()). The lists read the tag_hours counts only, never the writer's
// state, so a slow round holds back no commit. Once an hour it also drops
// counts older than kTagHoursRetentionHours.
//
// Thread safety: Take() from any thread; the rest is the publisher's own.
#ifndef NEWSFLOW_SERVICES_STORE_TRENDING_PUBLISHER_H_
#define NEWSFLOW_SERVICES_STORE_TRENDING_PUBLISHER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "services/store/article_store.h"

namespace newsflow::store {

// How often the store recomputes the trending lists for the stream.
inline constexpr std::chrono::milliseconds kTrendingPublishInterval(60'000);

class TrendingPublisher {
 public:
  using Message = std::pair<std::string, std::string>;  // topic, encoded Envelope

  // `store` must outlive the publisher; `now` gives the time in ms since
  // the epoch (a seam for tests). Starts the thread, whose first round runs
  // at once.
  TrendingPublisher(ArticleStore& store, std::chrono::milliseconds interval,
                    std::function<int64_t()> now = nullptr);
  // Stops the thread.
  ~TrendingPublisher();

  // The messages queued since the last call, oldest first.
  std::vector<Message> Take();
  // Rounds completed and failed (a failure is retried next round).
  uint64_t Rounds() const { return rounds_.load(); }
  uint64_t Errors() const { return errors_.load(); }

 private:
  void Loop(std::stop_token stop);
  absl::Status Round(int64_t now_ms);

  ArticleStore& store_;
  const std::chrono::milliseconds interval_;
  const std::function<int64_t()> now_;
  // Topic -> the tags and counts last queued (thread only).
  std::map<std::string, std::string> last_;
  int64_t pruned_hour_ = 0;  // thread only
  std::atomic<uint64_t> rounds_{0};
  std::atomic<uint64_t> errors_{0};
  std::mutex mu_;
  std::vector<Message> ready_;  // GUARDED_BY(mu_)
  std::condition_variable_any wake_;
  std::jthread thread_;  // last: started after every member above
};

}  // namespace newsflow::store

#endif  // NEWSFLOW_SERVICES_STORE_TRENDING_PUBLISHER_H_

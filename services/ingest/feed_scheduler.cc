#include "services/ingest/feed_scheduler.h"

#include <algorithm>
#include <random>

#include <fmt/format.h>

namespace newsflow::ingest {

PollPolicy PollPolicy::FromConfig(const IngestConfig& config) {
  return PollPolicy{config.default_interval_s, config.min_interval_s, config.max_interval_s,
                    config.max_failures};
}

std::vector<int64_t> DatedItemTimes(const ParsedFeed& feed) {
  std::vector<int64_t> times;
  for (const auto& item : feed.items) {
    int64_t t = item.published_ms != 0 ? item.published_ms : item.updated_ms;
    if (t > 0) times.push_back(t);
  }
  return times;
}

FeedScheduler::FeedScheduler(FeedList& feeds, PollPolicy policy, const Clock& clock)
    : feeds_(feeds), policy_(policy), clock_(clock) {}

std::optional<v1::FeedSpec> FeedScheduler::TakeDue(int64_t* wait_ms) {
  return feeds_.TakeDue(clock_.NowMs(), wait_ms);
}

absl::Status FeedScheduler::Finish(const std::string& original_url, const v1::FeedSpec& updated) {
  return feeds_.FinishPoll(original_url, updated);
}

void FeedScheduler::Abandon(const std::string& original_url) {
  (void)feeds_.FinishPoll(original_url, std::nullopt);  // nothing is written
}

void FeedScheduler::PollAllNow() { feeds_.PollAllNow(clock_.NowMs() + 1); }

int64_t FeedScheduler::IntervalMs(const v1::FeedSpec& feed) const {
  int interval = feed.interval_s() > 0            ? feed.interval_s()
                 : feed.adaptive_interval_s() > 0 ? feed.adaptive_interval_s()
                                                  : policy_.default_interval_s;
  return int64_t{std::clamp(interval, policy_.min_interval_s, policy_.max_interval_s)} * 1000;
}

int FeedScheduler::AdaptInterval(const v1::FeedSpec& feed, const PollOutcome& outcome) const {
  int current = feed.adaptive_interval_s() > 0 ? feed.adaptive_interval_s() : policy_.default_interval_s;
  double next = current;
  std::vector<int64_t> times = outcome.parsed ? outcome.item_times_ms : std::vector<int64_t>();
  if (times.size() >= 2) {
    std::sort(times.rbegin(), times.rend());
    std::size_t n = std::min<std::size_t>(times.size(), 10);
    double mean_gap_s = static_cast<double>(times[0] - times[n - 1]) / 1000.0 / static_cast<double>(n - 1);
    next = mean_gap_s / 2;
  } else if (outcome.parsed) {
    next = outcome.accepted > 0 ? current * 0.5 : current * 1.5;
  } else {
    next = current * 1.25;  // 304 Not Modified: nothing new
  }
  return static_cast<int>(std::clamp(next, static_cast<double>(policy_.min_interval_s),
                                     static_cast<double>(policy_.max_interval_s)));
}

v1::FeedSpec FeedScheduler::Reschedule(v1::FeedSpec feed, const PollOutcome& outcome,
                                       int64_t polled_at_ms) const {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  if (outcome.gone) {
    feed.set_enabled(false);
    feed.set_disabled_reason("HTTP 410 Gone");
  }
  if (outcome.error.ok() && outcome.validators) {
    feed.set_etag(outcome.validators->etag);
    feed.set_last_modified(outcome.validators->last_modified);
  }
  feed.set_last_fetch_ms(polled_at_ms);
  feed.set_articles_seen(feed.articles_seen() + outcome.accepted);
  if (outcome.error.ok()) feed.set_adaptive_interval_s(AdaptInterval(feed, outcome));
  if (outcome.error.ok()) {
    feed.set_consecutive_failures(0);
    feed.set_last_error("");
    feed.set_next_fetch_ms(polled_at_ms + IntervalMs(feed));
    return feed;
  }
  feed.set_consecutive_failures(feed.consecutive_failures() + 1);
  feed.set_last_error(std::string(outcome.error.message()));
  // Exponential backoff from the minimum interval, with +-20% jitter.
  int64_t backoff = int64_t{policy_.min_interval_s} * 1000 << std::min(feed.consecutive_failures() - 1, 20);
  backoff = std::min<int64_t>(backoff, int64_t{policy_.max_interval_s} * 1000);
  backoff = std::max<int64_t>(backoff, int64_t{outcome.retry_after_s} * 1000);
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  feed.set_next_fetch_ms(polled_at_ms + static_cast<int64_t>(backoff * jitter(rng)));
  if (feed.consecutive_failures() >= policy_.max_failures && feed.enabled()) {
    feed.set_enabled(false);
    feed.set_disabled_reason(fmt::format("{} failures in a row", feed.consecutive_failures()));
  }
  return feed;
}

}  // namespace newsflow::ingest

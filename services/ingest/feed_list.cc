#include "services/ingest/feed_list.h"

#include <algorithm>

#include "services/ingest/feed/canonical_url.h"

namespace newsflow::ingest {

std::string FeedHost(const std::string& url) { return HttpHostAndPort(url); }

FeedList::FeedList(IngestDb& db, int per_host_limit)
    : db_(db), per_host_limit_(std::max(per_host_limit, 1)) {}

absl::Status FeedList::Load() {
  auto stored = db_.ListFeeds();
  if (!stored.ok()) return stored.status();
  std::lock_guard lock(mu_);
  for (auto& feed : *stored) {
    std::string url = feed.url();
    auto [it, inserted] = feeds_.insert_or_assign(url, std::move(feed));
    Enqueue(it->second);
  }
  return absl::OkStatus();
}

std::size_t FeedList::size() const {
  std::lock_guard lock(mu_);
  return feeds_.size();
}

std::optional<v1::FeedSpec> FeedList::Get(const std::string& url) const {
  std::lock_guard lock(mu_);
  auto it = feeds_.find(url);
  if (it == feeds_.end()) return std::nullopt;
  return it->second;
}

std::vector<v1::FeedSpec> FeedList::List() const {
  std::lock_guard lock(mu_);
  std::vector<v1::FeedSpec> out;
  out.reserve(feeds_.size());
  for (const auto& [url, feed] : feeds_) out.push_back(feed);
  return out;
}

absl::Status FeedList::Put(const v1::FeedSpec& feed) {
  std::lock_guard lock(mu_);
  if (absl::Status s = db_.PutFeed(feed); !s.ok()) return s;
  if (auto it = feeds_.find(feed.url()); it != feeds_.end()) Dequeue(it->second);
  v1::FeedSpec& stored = feeds_[feed.url()] = feed;
  Enqueue(stored);
  return absl::OkStatus();
}

absl::Status FeedList::PutMany(const std::vector<v1::FeedSpec>& feeds) {
  std::lock_guard lock(mu_);
  if (absl::Status s = db_.PutFeeds(feeds); !s.ok()) return s;
  for (const auto& feed : feeds) {
    if (auto it = feeds_.find(feed.url()); it != feeds_.end()) Dequeue(it->second);
    v1::FeedSpec& stored = feeds_[feed.url()] = feed;
    Enqueue(stored);
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> FeedList::Remove(const std::string& url) {
  std::lock_guard lock(mu_);
  auto removed = db_.RemoveFeed(url);
  if (!removed.ok()) return removed.status();
  auto it = feeds_.find(url);
  if (it == feeds_.end()) return *removed;
  Dequeue(it->second);
  feeds_.erase(it);
  return true;
}

std::optional<v1::FeedSpec> FeedList::TakeDue(int64_t now, int64_t* wait_ms) {
  std::lock_guard lock(mu_);
  if (ready_.empty()) return std::nullopt;
  auto [due, host] = *ready_.begin();
  if (due > now) {
    *wait_ms = std::min(*wait_ms, due - now);
    return std::nullopt;
  }
  HostState& state = hosts_[host];
  const std::string url = state.queue.begin()->second;
  state.queue.erase(state.queue.begin());
  queued_due_.erase(url);
  in_progress_.insert(url);
  ++state.active;
  Refresh(host);
  return feeds_.at(url);
}

absl::Status FeedList::FinishPoll(const std::string& original_url,
                                  const std::optional<v1::FeedSpec>& updated) {
  std::lock_guard lock(mu_);
  in_progress_.erase(original_url);
  const std::string host = FeedHost(original_url);
  if (auto h = hosts_.find(host); h != hosts_.end()) {
    --h->second.active;
    Refresh(host);
  }
  auto it = feeds_.find(original_url);
  if (it == feeds_.end()) return absl::OkStatus();  // removed while it was fetched
  absl::Status status;
  if (!updated) {
    Enqueue(it->second);
    return status;
  }
  status = db_.PutFeed(*updated);
  if (status.ok() && updated->url() != original_url) status = db_.RemoveFeed(original_url).status();
  if (updated->url() != original_url) {
    feeds_.erase(it);
    if (auto moved_to = feeds_.find(updated->url()); moved_to != feeds_.end()) Dequeue(moved_to->second);
  }
  v1::FeedSpec& stored = feeds_[updated->url()] = *updated;
  Enqueue(stored);
  return status;
}

void FeedList::PollAllNow(int64_t now) {
  std::lock_guard lock(mu_);
  poll_requested_ms_ = now;
  for (const auto& [url, feed] : feeds_) {
    if (in_progress_.contains(url)) continue;
    Dequeue(feed);
    Enqueue(feed);
  }
}

int64_t FeedList::DueOf(const v1::FeedSpec& feed) const {
  return feed.last_fetch_ms() < poll_requested_ms_ ? 0 : feed.next_fetch_ms();
}

void FeedList::Enqueue(const v1::FeedSpec& feed) {
  if (!feed.enabled() || in_progress_.contains(feed.url()) || queued_due_.contains(feed.url())) return;
  const int64_t due = DueOf(feed);
  const std::string host = FeedHost(feed.url());
  hosts_[host].queue.emplace(due, feed.url());
  queued_due_[feed.url()] = due;
  Refresh(host);
}

void FeedList::Dequeue(const v1::FeedSpec& feed) {
  auto it = queued_due_.find(feed.url());
  if (it == queued_due_.end()) return;
  const std::string host = FeedHost(feed.url());
  hosts_[host].queue.erase({it->second, feed.url()});
  queued_due_.erase(it);
  Refresh(host);
}

void FeedList::Refresh(const std::string& host) {
  auto it = hosts_.find(host);
  if (it == hosts_.end()) return;
  HostState& state = it->second;
  if (state.ready_key) ready_.erase({*state.ready_key, host});
  state.ready_key.reset();
  const bool room = host.empty() || state.active < per_host_limit_;
  if (room && !state.queue.empty()) {
    state.ready_key = state.queue.begin()->first;
    ready_.emplace(*state.ready_key, host);
  }
  if (state.queue.empty() && state.active <= 0) hosts_.erase(it);
}

}  // namespace newsflow::ingest

#include "services/store/search_indexer.h"

#include <algorithm>
#include <chrono>

#include "common/log/logging.h"

namespace newsflow::store {
namespace {

using std::chrono::milliseconds;

// Polled even without Notify(), so nothing waits long if one is missed.
constexpr milliseconds kPollInterval(500);
constexpr milliseconds kMaxBackoff(10000);

}  // namespace

SearchIndexer::SearchIndexer(const ArticleStore& store, std::unique_ptr<SearchIndex> index)
    : store_(store), index_(std::move(index)) {
  last_sequence_ = index_->LastSequence();
  thread_ = std::jthread([this](std::stop_token stop) { Loop(stop); });
}

SearchIndexer::~SearchIndexer() {
  thread_.request_stop();
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SearchIndexer::Notify() {
  {
    std::lock_guard lock(mu_);
    notified_ = true;
  }
  wake_.notify_one();
}

void SearchIndexer::Loop(std::stop_token stop) {
  auto logger = MakeLogger("store.search");
  RateLimitedLog error_log;
  milliseconds backoff(100);
  logger->info("search index at sequence {} of {}, {} documents", index_->LastSequence(),
               store_.LastSequence(), index_->DocumentCount());
  while (!stop.stop_requested()) {
    bool more = false;
    auto indexed = index_->CatchUp(store_, kSearchIndexBatch, &more);
    milliseconds wait = kPollInterval;
    const bool failed = !indexed.ok();
    if (failed) {
      errors_.fetch_add(1);
      uint64_t suppressed = 0;
      if (error_log.ShouldLog(&suppressed)) {
        logger->warn("search indexing failed, retrying in {} ms: {} suppressed={}", backoff.count(),
                     std::string(indexed.status().message()), suppressed);
      }
      wait = backoff;
      backoff = std::min(backoff * 2, kMaxBackoff);
    } else {
      backoff = milliseconds(100);
      last_sequence_ = index_->LastSequence();
      if (more) continue;
    }
    std::unique_lock lock(mu_);
    // After a failure only the backoff ends the wait: commits keep notifying.
    wake_.wait_for(lock, stop, wait, [this, failed] { return !failed && notified_; });
    notified_ = false;
  }
}

}  // namespace newsflow::store

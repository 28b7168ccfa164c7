#include "services/store/search_indexer.h"

#include <algorithm>
#include <chrono>
#include <optional>

#include "common/log/logging.h"

namespace newsflow::store {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

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
  // When the oldest uncommitted document was added.
  std::optional<steady_clock::time_point> pending_since;
  auto report = [&](const absl::Status& s) {
    errors_.fetch_add(1);
    uint64_t suppressed = 0;
    if (error_log.ShouldLog(&suppressed)) {
      logger->warn("search indexing failed, retrying in {} ms: {} suppressed={}", backoff.count(),
                   std::string(s.message()), suppressed);
    }
  };
  while (!stop.stop_requested()) {
    bool more = false;
    auto indexed = index_->CatchUp(store_, kSearchIndexBatch, &more);
    absl::Status status = indexed.status();
    if (status.ok() && index_->HasPending()) {
      const auto now = steady_clock::now();
      if (!pending_since) pending_since = now;
      // Many small commits cost far more than the indexing itself (each
      // syncs files): commit in large groups, or once the oldest pending
      // document has waited kSearchCommitInterval.
      if (index_->PendingDocuments() >= kSearchCommitDocuments ||
          now - *pending_since >= kSearchCommitInterval) {
        status = index_->Commit();
        if (status.ok()) pending_since.reset();
      }
    }
    milliseconds wait = kPollInterval;
    const bool failed = !status.ok();
    if (failed) {
      report(status);
      wait = backoff;
      backoff = std::min(backoff * 2, kMaxBackoff);
    } else {
      backoff = milliseconds(100);
      last_sequence_ = index_->LastSequence();
      if (more) continue;
      if (pending_since) {
        const auto due = *pending_since + kSearchCommitInterval - steady_clock::now();
        wait = std::clamp(std::chrono::duration_cast<milliseconds>(due), milliseconds(1), kPollInterval);
      }
    }
    std::unique_lock lock(mu_);
    // After a failure only the backoff ends the wait: commits keep
    // notifying. With documents pending, the commit's time ends it too.
    wake_.wait_for(lock, stop, wait, [this, failed] { return !failed && notified_; });
    notified_ = false;
  }
  // What was added is committed at a clean stop; after a crash the next
  // start indexes it again.
  if (absl::Status s = index_->Commit(); !s.ok()) {
    report(s);
  } else {
    last_sequence_ = index_->LastSequence();
  }
}

}  // namespace newsflow::store

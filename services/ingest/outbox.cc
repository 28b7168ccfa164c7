#include "services/ingest/outbox.h"

#include <fmt/format.h>

#include "common/transport/message_validation.h"

namespace newsflow::ingest {

Outbox::Outbox(IngestDb& db, OutboxOptions options, Counters& counters,
               std::shared_ptr<spdlog::logger> logger)
    : db_(db), options_(options), counters_(counters), logger_(std::move(logger)) {}

absl::Status Outbox::Recover() {
  auto pending = db_.LoadOutbox();
  if (!pending.ok()) return pending.status();
  std::lock_guard lock(mu_);
  for (const v1::Envelope& e : *pending) {
    const std::string& id = e.article().id();
    entries_[id] = Entry{e.attempt(), 0};
    queue_.push_back(id);
  }
  if (!pending->empty()) logger_->info("resuming outbox entries={}", pending->size());
  return absl::OkStatus();
}

absl::StatusOr<AcceptResult> Outbox::Accept(const v1::Article& article, std::stop_token stop) {
  auto results = AcceptBatch({article}, stop);
  if (!results.ok()) return results.status();
  return results->front();
}

absl::StatusOr<std::vector<AcceptResult>> Outbox::AcceptBatch(const std::vector<v1::Article>& originals,
                                                              std::stop_token stop) {
  // Every source comes through here, so this is where sizes are capped.
  std::vector<v1::Article> limited;
  std::vector<const v1::Article*> articles;
  articles.reserve(originals.size());
  for (const v1::Article& original : originals) {
    if (!ExceedsArticleLimits(options_.limits, original)) {
      articles.push_back(&original);
      continue;
    }
    counters_.Add("articles_truncated");
    uint64_t suppressed = 0;
    if (truncated_log_.ShouldLog(&suppressed)) {
      logger_->warn("article cut to ingest.limits id={} url={} text_bytes={} suppressed={}", original.id(),
                    original.url().substr(0, 200), original.text().size(), suppressed);
    }
    articles.push_back(nullptr);  // set below, once `limited` stops growing
    limited.push_back(original);
    ApplyArticleLimits(options_.limits, &limited.back());
  }
  for (size_t i = 0, next = 0; i < articles.size(); ++i) {
    if (articles[i] == nullptr) articles[i] = &limited[next++];
  }
  {
    std::unique_lock lock(mu_);
    if (!room_.wait(lock, stop, [&] { return entries_.size() < options_.max_in_flight; })) {
      return absl::CancelledError("outbox: stopping");
    }
  }
  auto results = db_.AcceptBatch(articles);
  if (!results.ok()) return results.status();
  std::lock_guard lock(mu_);
  for (size_t i = 0; i < articles.size(); ++i) {
    const AcceptResult result = (*results)[i];
    if (result == AcceptResult::kDuplicate) {
      counters_.Add("duplicates_skipped");
      continue;
    }
    counters_.Add(result == AcceptResult::kNew ? "accepted_new" : "accepted_changed");
    auto [it, inserted] = entries_.try_emplace(articles[i]->id());
    // A changed article still waiting in the queue keeps its place: its
    // outbox entry now holds the new version.
    const bool in_queue = !inserted && it->second.due_ms == 0;
    it->second = Entry{0, 0};
    if (!in_queue) queue_.push_back(articles[i]->id());
  }
  return results;
}

absl::StatusOr<std::optional<v1::Envelope>> Outbox::NextToSend() {
  while (true) {
    std::string id;
    {
      std::lock_guard lock(mu_);
      if (queue_.empty()) return std::nullopt;
      id = queue_.front();
      queue_.pop_front();
      if (!entries_.contains(id)) continue;  // acked meanwhile
    }
    auto envelope = db_.GetOutbox(id);
    if (!envelope.ok()) return envelope.status();
    if (!envelope->has_value()) {
      std::lock_guard lock(mu_);
      entries_.erase(id);
      room_.notify_all();
      continue;
    }
    v1::Envelope e = **std::move(envelope);
    std::lock_guard lock(mu_);
    e.set_attempt(entries_[id].attempt + 1);
    return e;
  }
}

void Outbox::Sent(const std::string& id, int64_t now_ms) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  ++it->second.attempt;
  it->second.due_ms = now_ms + options_.ack_timeout_ms;
  it->second.acks_at_send = acks_seen_;
  counters_.Add(it->second.attempt == 1 ? "sent" : "resent");
}

void Outbox::Requeue(const std::string& id) {
  std::lock_guard lock(mu_);
  if (entries_.contains(id)) queue_.push_front(id);
}

absl::Status Outbox::OnAck(const v1::Ack& ack) {
  if (absl::Status valid = ValidateAck(ack); !valid.ok()) {
    // Never act on an ack out of bounds: it changes no outbox entry.
    counters_.Add("bad_acks");
    uint64_t suppressed = 0;
    if (bad_ack_log_.ShouldLog(&suppressed)) {
      logger_->warn("ingest.acks: dropped an invalid ack: {} suppressed={}", std::string(valid.message()),
                    suppressed);
    }
    return absl::OkStatus();
  }
  if (!ack.failure().empty()) {
    // Resending would only hurt the next worker: quarantine it now.
    uint32_t attempts = 0;
    {
      std::lock_guard lock(mu_);
      if (auto it = entries_.find(ack.article_id()); it != entries_.end()) attempts = it->second.attempt;
    }
    auto moved = db_.DeadLetter(ack.article_id(),
                                fmt::format("enrich failed on {}: {}", ack.failed_worker(), ack.failure()),
                                ack.version(), attempts);
    if (!moved.ok()) return moved.status();
    counters_.Add("enrich_failures");
    if (!*moved) return absl::OkStatus();  // another version, or reported twice
    counters_.Add("dead_lettered");
    logger_->warn("dead-lettered article id={} worker={} reason={}", ack.article_id(), ack.failed_worker(),
                  ack.failure());
    std::lock_guard lock(mu_);
    entries_.erase(ack.article_id());
    room_.notify_all();
    return absl::OkStatus();
  }
  {
    std::lock_guard lock(mu_);
    ++acks_seen_;
  }
  auto removed = db_.Ack(ack.article_id(), ack.version());
  if (!removed.ok()) return removed.status();
  counters_.Add("acks");
  if (!*removed) return absl::OkStatus();  // late ack of an older version, or a repeat
  std::lock_guard lock(mu_);
  entries_.erase(ack.article_id());
  room_.notify_all();
  return absl::OkStatus();
}

absl::Status Outbox::ExpireDue(int64_t now_ms) {
  std::vector<std::pair<std::string, uint32_t>> expired;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, entry] : entries_) {
      if (entry.due_ms != 0 && entry.due_ms <= now_ms) {
        entry.due_ms = 0;
        if (acks_seen_ == entry.acks_at_send && entry.attempt > 0) {
          // Nothing was acked since this send: the store or every worker is
          // away. The send does not count; the entry just goes out again.
          --entry.attempt;
          counters_.Add("resent_while_stalled");
        }
        expired.emplace_back(id, entry.attempt);
      }
    }
  }
  // A failed write (a full disk) never strands an entry: it is tried again
  // at the next expiry, or resent with its stored attempt count lagging.
  absl::Status first_error;
  for (const auto& [id, attempt] : expired) {
    if (static_cast<int>(attempt) >= options_.max_attempts) {
      auto moved = db_.DeadLetter(id, fmt::format("no ack after {} attempts", attempt), "", attempt);
      if (!moved.ok()) {
        first_error.Update(moved.status());
        std::lock_guard lock(mu_);
        if (auto it = entries_.find(id); it != entries_.end())
          it->second.due_ms = now_ms + options_.ack_timeout_ms;
        continue;
      }
      counters_.Add("dead_lettered");
      logger_->warn("dead-lettered article id={} attempts={}", id, attempt);
      std::lock_guard lock(mu_);
      entries_.erase(id);
      room_.notify_all();
      continue;
    }
    first_error.Update(db_.SetAttempt(id, attempt));
    std::lock_guard lock(mu_);
    queue_.push_back(id);
  }
  return first_error;
}

absl::StatusOr<bool> Outbox::Redrive(const std::string& id) {
  auto dead = db_.GetDeadLetter(id);
  if (!dead.ok()) return dead.status();
  if (!dead->has_value()) return false;
  auto envelope = db_.Redrive(id);
  if (!envelope.ok()) return envelope.status();
  if (!envelope->has_value()) return true;  // a newer version is already pending
  counters_.Add("redriven");
  std::lock_guard lock(mu_);
  auto [it, inserted] = entries_.try_emplace(id);
  const bool in_queue = !inserted && it->second.due_ms == 0;
  it->second = Entry{0, 0};
  if (!in_queue) queue_.push_back(id);
  return true;
}

void Outbox::Hasten(int64_t due_ms) {
  std::lock_guard lock(mu_);
  for (auto& [id, entry] : entries_) {
    if (entry.due_ms > due_ms) entry.due_ms = due_ms;
  }
}

std::size_t Outbox::outstanding() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

std::size_t Outbox::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

}  // namespace newsflow::ingest

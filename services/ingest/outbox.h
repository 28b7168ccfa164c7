// Outbox: the sending half of the delivery contract (DESIGN.md), kept in one
// place. It combines the durable outbox in IngestDb with the in-memory view
// of what is waiting to be sent and what awaits an ack:
//
//   Accept()      cut to the article limits, durable record (seen + outbox),
//                 then queued for sending; AcceptBatch() the same for many
//                 articles with one synced write
//   NextToSend()  the next queued entry; the sender marks it Sent() or, when
//                 the socket is full, Requeue()s it at the front
//   OnAck()       the store committed it: the outbox entry is deleted; or
//                 the ack reports an enrich failure (a worker crashed or
//                 ran out of time on it): the entry becomes a dead letter
//                 with that reason at once, never sent to another worker
//   ExpireDue()   entries unacked past ack_timeout are queued again with a
//                 higher attempt; past max_attempts they become dead letters,
//                 unless nothing at all was acked since they were sent (the
//                 store or every worker is down: they wait, resent)
//   Redrive()     a dead letter goes back into the outbox, attempts reset
//
// On start, Recover() queues every entry the previous run left unacked.
// Thread-safe: producers (feed fetchers, the drop scanner) call Accept() from
// any thread; the sender thread calls the rest. Accept() blocks while
// max_in_flight entries are outstanding (backpressure), until stop.
#ifndef NEWSFLOW_SERVICES_INGEST_OUTBOX_H_
#define NEWSFLOW_SERVICES_INGEST_OUTBOX_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "absl/status/statusor.h"
#include "common/log/logging.h"
#include "common/util/counters.h"
#include "services/ingest/article_builder.h"
#include "services/ingest/ingest_db.h"

namespace newsflow::ingest {

struct OutboxOptions {
  int64_t ack_timeout_ms = 30000;
  int max_attempts = 10;
  std::size_t max_in_flight = 5000;
  ArticleLimits limits;  // applied to every accepted article
};

class Outbox {
 public:
  Outbox(IngestDb& db, OutboxOptions options, Counters& counters, std::shared_ptr<spdlog::logger> logger);

  absl::Status Recover();
  // kCancelled if `stop` is requested while waiting for room.
  absl::StatusOr<AcceptResult> Accept(const v1::Article& article, std::stop_token stop);
  // Accept() for every article of `articles` with one synced write (all or
  // none are accepted); one result per article, in order. It waits for room
  // for one entry, so a batch may take the outbox up to max_in_flight plus
  // the batch's size less one.
  absl::StatusOr<std::vector<AcceptResult>> AcceptBatch(const std::vector<v1::Article>& articles,
                                                        std::stop_token stop);

  // The next envelope to send (attempt already incremented), or nullopt.
  absl::StatusOr<std::optional<v1::Envelope>> NextToSend();
  void Sent(const std::string& id, int64_t now_ms);
  void Requeue(const std::string& id);
  absl::Status OnAck(const v1::Ack& ack);
  absl::Status ExpireDue(int64_t now_ms);
  // A worker went away: what it held is lost with its connection, and which
  // entries those were is unknown, so every entry sent and unacked becomes
  // due by `due_ms` at the latest (an entry another worker still holds is
  // then sent twice, which the store absorbs as a duplicate).
  void Hasten(int64_t due_ms);
  // Moves dead letter `id` back to the outbox (attempt 0) and queues it.
  // Returns whether there was such a dead letter.
  absl::StatusOr<bool> Redrive(const std::string& id);

  std::size_t outstanding() const;
  std::size_t queued() const;

 private:
  struct Entry {
    uint32_t attempt = 0;
    int64_t due_ms = 0;         // 0 = queued, not sent
    uint64_t acks_at_send = 0;  // acks_seen_ when last sent
  };
  IngestDb& db_;
  OutboxOptions options_;
  Counters& counters_;
  std::shared_ptr<spdlog::logger> logger_;
  RateLimitedLog truncated_log_;
  RateLimitedLog bad_ack_log_;
  mutable std::mutex mu_;
  std::condition_variable_any room_;
  std::map<std::string, Entry> entries_;  // GUARDED_BY(mu_)
  // Acks received: a send counts towards max_attempts only when the
  // pipeline acked something after it, so an outage of the store or of every
  // worker dead-letters nothing.
  uint64_t acks_seen_ = 0;         // GUARDED_BY(mu_)
  std::deque<std::string> queue_;  // GUARDED_BY(mu_)
};

}  // namespace newsflow::ingest

#endif  // NEWSFLOW_SERVICES_INGEST_OUTBOX_H_

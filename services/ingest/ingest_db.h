// IngestDb: ingest's durable state in one RocksDB.
//
//   outbox        article id -> Envelope{article, attempt}: accepted, not yet acked
//   dead_letter   article id -> DeadLetter{Envelope, reason, time, attempts}:
//                 gave up after max attempts, or enriching it failed
//   seen          article id -> version: exact de-duplication
//   feeds         feed URL   -> FeedSpec: the persisted feed list and its state
//
// Accept() is the moment an article becomes the pipeline's responsibility:
// one synced WriteBatch records it in `seen` and `outbox` together, so a
// crash either loses nothing or never accepted it. AcceptBatch() does the
// same for many articles in one WriteBatch and one sync (group commit: a
// feed's items cost one fsync, not one each).
//
// Thread-safe. Every read-check-write of the outbox (Accept, Ack, SetAttempt,
// DeadLetter) holds outbox_mu_, so an ack of an old version can never delete
// the entry of a newer one accepted meanwhile.
#ifndef NEWSFLOW_SERVICES_INGEST_INGEST_DB_H_
#define NEWSFLOW_SERVICES_INGEST_INGEST_DB_H_

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <rocksdb/db.h>

#include "absl/status/statusor.h"
#include "newsflow/v1/envelope.pb.h"

namespace newsflow::ingest {

enum class AcceptResult { kNew, kChanged, kDuplicate };

class IngestDb {
 public:
  // Errors: kUnavailable (locked by a running ingest, I/O), kDataLoss.
  static absl::StatusOr<std::unique_ptr<IngestDb>> Open(const std::string& path, bool sync_writes);
  ~IngestDb();

  // Records `article` unless the same id + version was accepted before.
  absl::StatusOr<AcceptResult> Accept(const v1::Article& article);
  // Accept() for each of `articles` in one synced write: all or none are
  // recorded. One result per article, in order; an id + version that comes
  // twice is a duplicate the second time.
  absl::StatusOr<std::vector<AcceptResult>> AcceptBatch(const std::vector<const v1::Article*>& articles);
  // The version accepted last for `id`, if any.
  absl::StatusOr<std::optional<std::string>> SeenVersion(const std::string& id) const;
  // Removes the outbox entry if it still holds `version`. Returns whether it did.
  absl::StatusOr<bool> Ack(const std::string& id, const std::string& version);
  // Persists a new attempt count for an outbox entry.
  absl::Status SetAttempt(const std::string& id, uint32_t attempt);
  // Moves an outbox entry to dead letters with `reason` (and the time now).
  // With a non-empty `version`, only if the entry still holds that version.
  // `attempts` is the delivery attempts made (0: the attempt persisted in the
  // entry). Returns whether it moved one.
  absl::StatusOr<bool> DeadLetter(const std::string& id, const std::string& reason,
                                  const std::string& version = "", uint32_t attempts = 0);
  // One dead letter, if there is one for `id`.
  absl::StatusOr<std::optional<v1::DeadLetter>> GetDeadLetter(const std::string& id) const;
  // Moves a dead letter back to the outbox with attempt 0 and returns the
  // outbox envelope to send; nullopt if there is no such dead letter, or if
  // the outbox already holds a newer version of the article (the dead
  // letter is then dropped: the newer version is on its way).
  absl::StatusOr<std::optional<v1::Envelope>> Redrive(const std::string& id);
  // Deletes a dead letter. Returns whether there was one.
  absl::StatusOr<bool> PurgeDeadLetter(const std::string& id);
  // The number of dead letters, counting at most `cap` (a scan of keys).
  absl::StatusOr<std::size_t> CountDeadLetters(std::size_t cap) const;
  // Ids of dead letters, in key order, at most `limit`.
  absl::StatusOr<std::vector<std::string>> ListDeadLetterIds(std::size_t limit) const;
  absl::StatusOr<std::optional<v1::Envelope>> GetOutbox(const std::string& id) const;
  // Every outbox entry (used at start to resume sending).
  absl::StatusOr<std::vector<v1::Envelope>> LoadOutbox() const;
  absl::StatusOr<std::vector<v1::DeadLetter>> ListDeadLetters(std::size_t limit) const;

  absl::Status PutFeed(const v1::FeedSpec& feed);
  // Several feeds in one write.
  absl::Status PutFeeds(const std::vector<v1::FeedSpec>& feeds);
  // Returns whether the feed existed.
  absl::StatusOr<bool> RemoveFeed(const std::string& url);
  absl::StatusOr<std::vector<v1::FeedSpec>> ListFeeds() const;
  absl::StatusOr<std::optional<v1::FeedSpec>> GetFeed(const std::string& url) const;

 private:
  IngestDb() = default;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::ColumnFamilyHandle* outbox_ = nullptr;
  rocksdb::ColumnFamilyHandle* dead_ = nullptr;
  rocksdb::ColumnFamilyHandle* seen_ = nullptr;
  rocksdb::ColumnFamilyHandle* feeds_ = nullptr;
  rocksdb::WriteOptions write_options_;
  std::mutex outbox_mu_;
};

}  // namespace newsflow::ingest

#endif  // NEWSFLOW_SERVICES_INGEST_INGEST_DB_H_

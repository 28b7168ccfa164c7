#include "services/ingest/ingest_db.h"

#include <fmt/format.h>
#include <rocksdb/write_batch.h>

#include "absl/container/flat_hash_map.h"
#include "common/delivery/envelope_codec.h"
#include "common/log/logging.h"
#include "common/status/status_macros.h"
#include "common/storage/rocksdb_options.h"
#include "common/util/time.h"

namespace newsflow::ingest {
namespace {

// A dead_letter value: a DeadLetter, or (written by older versions) a bare
// Envelope, which parses as a DeadLetter without an envelope.
bool ParseDeadLetter(std::string_view bytes, v1::DeadLetter* out) {
  if (out->ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) && out->has_envelope()) return true;
  v1::Envelope legacy;
  if (!legacy.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) || !legacy.has_article()) {
    return false;
  }
  out->Clear();
  out->set_attempts(legacy.attempt());
  out->set_reason(fmt::format("no ack after {} attempts", legacy.attempt()));
  *out->mutable_envelope() = std::move(legacy);
  return true;
}

absl::Status FromRocks(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return absl::OkStatus();
  std::string message = fmt::format("ingest db {}: {}", context, s.ToString());
  if (s.IsCorruption()) return absl::DataLossError(message);
  if (s.IsIOError() || s.IsBusy() || s.IsTimedOut() || s.IsTryAgain()) {
    return absl::UnavailableError(message);
  }
  return absl::InternalError(message);
}

}  // namespace

IngestDb::~IngestDb() {
  if (db_) {
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
    db_->Close();
  }
}

absl::StatusOr<std::unique_ptr<IngestDb>> IngestDb::Open(const std::string& path, bool sync_writes) {
  std::unique_ptr<IngestDb> db(new IngestDb());
  rocksdb::DBOptions options;
  ApplyNewsflowDbOptions(MakeLogger("ingest.db"), &options);
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (const char* name :
       {rocksdb::kDefaultColumnFamilyName.c_str(), "outbox", "dead_letter", "seen", "feeds"}) {
    cfs.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, path, cfs, &db->handles_, &raw);
  if (!s.ok()) {
    if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
      return absl::UnavailableError(fmt::format("ingest db {} is in use by another process", path));
    }
    return FromRocks(s, fmt::format("open {}", path));
  }
  db->db_.reset(raw);
  db->outbox_ = db->handles_[1];
  db->dead_ = db->handles_[2];
  db->seen_ = db->handles_[3];
  db->feeds_ = db->handles_[4];
  db->write_options_.sync = sync_writes;
  return db;
}

absl::StatusOr<AcceptResult> IngestDb::Accept(const v1::Article& article) {
  auto results = AcceptBatch({&article});
  if (!results.ok()) return results.status();
  return results->front();
}

absl::StatusOr<std::vector<AcceptResult>> IngestDb::AcceptBatch(
    const std::vector<const v1::Article*>& articles) {
  std::lock_guard lock(outbox_mu_);
  std::vector<AcceptResult> results;
  results.reserve(articles.size());
  // Versions recorded by this batch so far: the database does not see them yet.
  absl::flat_hash_map<std::string_view, std::string_view> batch_versions;
  rocksdb::WriteBatch batch;
  std::string seen_version;
  for (const v1::Article* article : articles) {
    bool seen = false;
    if (auto it = batch_versions.find(article->id()); it != batch_versions.end()) {
      seen = true;
      seen_version.assign(it->second);
    } else {
      rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), seen_, article->id(), &seen_version);
      if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "read seen");
      seen = s.ok();
    }
    if (seen && seen_version == article->version()) {
      results.push_back(AcceptResult::kDuplicate);
      continue;
    }
    results.push_back(seen ? AcceptResult::kChanged : AcceptResult::kNew);
    v1::Envelope envelope = NewEnvelope();
    *envelope.mutable_article() = *article;
    envelope.set_attempt(0);
    batch.Put(seen_, article->id(), article->version());
    batch.Put(outbox_, article->id(), EncodeEnvelope(envelope));
    batch_versions[article->id()] = article->version();
  }
  if (batch.Count() == 0) return results;
  rocksdb::Status s = db_->Write(write_options_, &batch);
  if (!s.ok()) return FromRocks(s, "accept");
  return results;
}

absl::StatusOr<std::optional<std::string>> IngestDb::SeenVersion(const std::string& id) const {
  std::string version;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), seen_, id, &version);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, "read seen");
  return version;
}

absl::StatusOr<std::optional<v1::Envelope>> IngestDb::GetOutbox(const std::string& id) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), outbox_, id, &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, "read outbox");
  v1::Envelope e;
  if (!e.ParseFromString(value)) return absl::DataLossError(fmt::format("outbox entry {} corrupt", id));
  return e;
}

absl::StatusOr<bool> IngestDb::Ack(const std::string& id, const std::string& version) {
  std::lock_guard lock(outbox_mu_);
  auto entry = GetOutbox(id);
  if (!entry.ok()) return entry.status();
  if (!entry->has_value() || (*entry)->article().version() != version) return false;
  // Acks need no fsync: losing one only causes a resend, which the store absorbs.
  rocksdb::Status s = db_->Delete(rocksdb::WriteOptions(), outbox_, id);
  if (!s.ok()) return FromRocks(s, "delete outbox");
  return true;
}

absl::Status IngestDb::SetAttempt(const std::string& id, uint32_t attempt) {
  std::lock_guard lock(outbox_mu_);
  auto entry = GetOutbox(id);
  if (!entry.ok()) return entry.status();
  if (!entry->has_value()) return absl::OkStatus();
  (*entry)->set_attempt(attempt);
  return FromRocks(db_->Put(rocksdb::WriteOptions(), outbox_, id, EncodeEnvelope(**entry)), "update attempt");
}

absl::StatusOr<bool> IngestDb::DeadLetter(const std::string& id, const std::string& reason,
                                          const std::string& version, uint32_t attempts) {
  std::lock_guard lock(outbox_mu_);
  auto entry = GetOutbox(id);
  if (!entry.ok()) return entry.status();
  if (!entry->has_value()) return false;
  if (!version.empty() && (*entry)->article().version() != version) return false;
  v1::DeadLetter dead;
  dead.set_reason(reason);
  dead.set_dead_at_ms(NowMs());
  dead.set_attempts(attempts > 0 ? attempts : (*entry)->attempt());
  (*entry)->set_attempt(dead.attempts());
  *dead.mutable_envelope() = **std::move(entry);
  rocksdb::WriteBatch batch;
  batch.Put(dead_, id, dead.SerializeAsString());
  batch.Delete(outbox_, id);
  NF_RETURN_IF_ERROR(FromRocks(db_->Write(write_options_, &batch), "dead letter"));
  return true;
}

absl::StatusOr<std::optional<v1::DeadLetter>> IngestDb::GetDeadLetter(const std::string& id) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), dead_, id, &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, "read dead letter");
  v1::DeadLetter dead;
  if (!ParseDeadLetter(value, &dead)) return absl::DataLossError(fmt::format("dead letter {} corrupt", id));
  return dead;
}

absl::StatusOr<std::optional<v1::Envelope>> IngestDb::Redrive(const std::string& id) {
  std::lock_guard lock(outbox_mu_);
  auto dead = GetDeadLetter(id);
  if (!dead.ok()) return dead.status();
  if (!dead->has_value()) return std::nullopt;
  auto pending = GetOutbox(id);
  if (!pending.ok()) return pending.status();
  rocksdb::WriteBatch batch;
  batch.Delete(dead_, id);
  std::optional<v1::Envelope> out;
  if (!pending->has_value()) {
    v1::Envelope envelope = (*dead)->envelope();
    envelope.set_attempt(0);
    batch.Put(outbox_, id, EncodeEnvelope(envelope));
    out = std::move(envelope);
  }
  NF_RETURN_IF_ERROR(FromRocks(db_->Write(write_options_, &batch), "redrive"));
  return out;
}

absl::StatusOr<bool> IngestDb::PurgeDeadLetter(const std::string& id) {
  std::lock_guard lock(outbox_mu_);
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), dead_, id, &value);
  if (s.IsNotFound()) return false;
  if (!s.ok()) return FromRocks(s, "read dead letter");
  NF_RETURN_IF_ERROR(FromRocks(db_->Delete(write_options_, dead_, id), "purge dead letter"));
  return true;
}

absl::StatusOr<std::size_t> IngestDb::CountDeadLetters(std::size_t cap) const {
  std::size_t n = 0;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), dead_));
  for (it->SeekToFirst(); it->Valid() && n < cap; it->Next()) ++n;
  if (!it->status().ok()) return FromRocks(it->status(), "count dead letters");
  return n;
}

absl::StatusOr<std::vector<std::string>> IngestDb::ListDeadLetterIds(std::size_t limit) const {
  std::vector<std::string> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), dead_));
  for (it->SeekToFirst(); it->Valid() && out.size() < limit; it->Next()) out.push_back(it->key().ToString());
  if (!it->status().ok()) return FromRocks(it->status(), "scan dead letters");
  return out;
}

absl::StatusOr<std::vector<v1::Envelope>> IngestDb::LoadOutbox() const {
  std::vector<v1::Envelope> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), outbox_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    v1::Envelope e;
    if (!e.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(fmt::format("outbox entry {} corrupt", it->key().ToString()));
    }
    out.push_back(std::move(e));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "scan outbox");
  return out;
}

absl::StatusOr<std::vector<v1::DeadLetter>> IngestDb::ListDeadLetters(std::size_t limit) const {
  std::vector<v1::DeadLetter> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), dead_));
  for (it->SeekToFirst(); it->Valid() && out.size() < limit; it->Next()) {
    v1::DeadLetter dead;
    if (ParseDeadLetter(it->value().ToStringView(), &dead)) out.push_back(std::move(dead));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "scan dead letters");
  return out;
}

absl::Status IngestDb::PutFeed(const v1::FeedSpec& feed) {
  return FromRocks(db_->Put(write_options_, feeds_, feed.url(), feed.SerializeAsString()), "put feed");
}

absl::Status IngestDb::PutFeeds(const std::vector<v1::FeedSpec>& feeds) {
  rocksdb::WriteBatch batch;
  for (const auto& feed : feeds) batch.Put(feeds_, feed.url(), feed.SerializeAsString());
  return FromRocks(db_->Write(write_options_, &batch), "put feeds");
}

absl::StatusOr<bool> IngestDb::RemoveFeed(const std::string& url) {
  auto existing = GetFeed(url);
  if (!existing.ok()) return existing.status();
  if (!existing->has_value()) return false;
  rocksdb::Status s = db_->Delete(write_options_, feeds_, url);
  if (!s.ok()) return FromRocks(s, "remove feed");
  return true;
}

absl::StatusOr<std::optional<v1::FeedSpec>> IngestDb::GetFeed(const std::string& url) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), feeds_, url, &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, "get feed");
  v1::FeedSpec f;
  if (!f.ParseFromString(value)) return absl::DataLossError(fmt::format("feed entry {} corrupt", url));
  return f;
}

absl::StatusOr<std::vector<v1::FeedSpec>> IngestDb::ListFeeds() const {
  std::vector<v1::FeedSpec> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), feeds_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    v1::FeedSpec f;
    if (f.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())))
      out.push_back(std::move(f));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "scan feeds");
  return out;
}

}  // namespace newsflow::ingest

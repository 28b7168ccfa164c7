#include "services/store/backup.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <vector>

#include <fcntl.h>
#include <fmt/format.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>

#include "common/status/status_macros.h"
#include "common/util/time.h"
#include "services/store/keys.h"

namespace newsflow::store {
namespace {

namespace fs = std::filesystem;

uint64_t FolderBytes(const fs::path& dir) {
  uint64_t bytes = 0;
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
    if (entry.is_regular_file(ec)) bytes += entry.file_size(ec);
  }
  return bytes;
}

// Whether `path` is `dir` or lies inside it.
bool IsWithin(const fs::path& path, const fs::path& dir) {
  const fs::path p = fs::weakly_canonical(path);
  const fs::path d = fs::weakly_canonical(dir);
  auto [end, _] = std::mismatch(d.begin(), d.end(), p.begin(), p.end());
  return end == d.end();
}

}  // namespace

absl::StatusOr<std::string> ResolveBackupDir(const std::string& root, const std::string& requested) {
  if (root.empty()) return absl::FailedPreconditionError("backups are off (store.backup.dir)");
  if (requested.empty()) return absl::InvalidArgumentError("backup dir is required");
  std::error_code ec;
  fs::path base = fs::weakly_canonical(fs::absolute(root, ec), ec);
  if (ec) return absl::UnavailableError(fmt::format("backup root {}: {}", root, ec.message()));
  if (base.filename().empty()) base = base.parent_path();
  const fs::path wanted = fs::path(requested).is_absolute() ? fs::path(requested) : base / requested;
  fs::path resolved = fs::weakly_canonical(wanted, ec);
  if (ec) return absl::InvalidArgumentError(fmt::format("backup dir {}: {}", requested, ec.message()));
  if (resolved.filename().empty()) resolved = resolved.parent_path();
  // Inside: every part of `base` begins `resolved`, and at least one more follows.
  auto [b, r] = std::mismatch(base.begin(), base.end(), resolved.begin(), resolved.end());
  if (b != base.end() || r == resolved.end()) {
    return absl::PermissionDeniedError(fmt::format(
        "backup dir {} is not inside the backup folder {} (store.backup.dir)", requested, base.string()));
  }
  return resolved.string();
}

absl::StatusOr<BackupInfo> InspectBackup(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(fs::path(dir) / "CURRENT", ec)) {
    return absl::NotFoundError(fmt::format("{} holds no store database", dir));
  }
  std::vector<std::string> names;
  NF_RETURN_IF_ERROR(FromRocksStatus(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names),
                                     "list column families of " + dir));
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  int meta = -1;
  int articles = -1;
  for (const std::string& name : names) {
    rocksdb::ColumnFamilyOptions options;
    if (name == kTagHoursCf) options.merge_operator = NewTagHoursMergeOperator();
    if (name == kMetaCf) meta = static_cast<int>(cfs.size());
    if (name == kArticlesCf) articles = static_cast<int>(cfs.size());
    cfs.emplace_back(name, options);
  }
  if (meta < 0 || articles < 0) return absl::NotFoundError(fmt::format("{} is not a store database", dir));
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  NF_RETURN_IF_ERROR(FromRocksStatus(
      rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), dir, cfs, &handles, &raw), "open " + dir));
  std::unique_ptr<rocksdb::DB> db(raw);
  BackupInfo info{.dir = dir};
  std::string value;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), handles[meta], kMetaLastSequence, &value);
  absl::Status status = absl::OkStatus();
  if (s.ok()) {
    info.sequence = DecodeBE64(value).value_or(0);
  } else if (!s.IsNotFound()) {
    status = FromRocksStatus(s, "read last sequence of " + dir);
  }
  // The recorded count when it is current (keys.h), else counted.
  bool counted = false;
  if (status.ok() && db->Get(rocksdb::ReadOptions(), handles[meta], kMetaArticleCount, &value).ok() &&
      value.size() == 16 && DecodeBE64(std::string_view(value).substr(8)) == info.sequence) {
    info.articles = DecodeBE64(std::string_view(value).substr(0, 8)).value_or(0);
    counted = true;
  }
  if (status.ok() && !counted) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), handles[articles]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++info.articles;
    if (!it->status().ok()) status = FromRocksStatus(it->status(), "count articles of " + dir);
  }
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  db->Close();
  NF_RETURN_IF_ERROR(status);
  info.bytes = FolderBytes(dir);
  return info;
}

absl::StatusOr<BackupInfo> RestoreBackup(const std::string& backup, const std::string& data_dir,
                                         const std::string& search_path, std::string* kept) {
  kept->clear();
  NF_ASSIGN_OR_RETURN(BackupInfo info, InspectBackup(backup));
  std::error_code ec;
  const fs::path target = fs::absolute(data_dir);
  if (IsWithin(backup, target) || IsWithin(target, backup)) {
    return absl::InvalidArgumentError("the backup and the data dir must not contain one another");
  }
  const bool replacing = fs::exists(target, ec);
  // RocksDB's own lock of the database: held by a running store.
  rocksdb::FileLock* lock = nullptr;
  if (replacing && fs::exists(target / "LOCK", ec)) {
    rocksdb::Status s = rocksdb::Env::Default()->LockFile((target / "LOCK").string(), &lock);
    if (!s.ok()) {
      return absl::UnavailableError(fmt::format(
          "{} is in use (a store is running on it?): stop it first ({})", data_dir, s.ToString()));
    }
  }
  auto unlock = [&lock] {
    if (lock != nullptr) (void)rocksdb::Env::Default()->UnlockFile(lock);
    lock = nullptr;
  };
  const std::string stamp = std::to_string(NowMs());
  const fs::path staging = target.string() + ".restoring";
  fs::remove_all(staging, ec);
  fs::create_directories(target.parent_path(), ec);
  // A copy, not links: the backup stays untouched by the store that runs
  // on the restored files.
  fs::copy(backup, staging, fs::copy_options::recursive, ec);
  if (ec) {
    unlock();
    fs::remove_all(staging, ec);
    return absl::UnavailableError(fmt::format("copy {} to {}: {}", backup, staging.string(), ec.message()));
  }
  if (replacing) {
    // One atomic exchange: at every moment data_dir is either the old
    // database or the restored one.
    if (renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) != 0) {
      const int err = errno;
      unlock();
      return absl::UnavailableError(fmt::format("swap {} into {}: {}", staging.string(), data_dir,
                                                std::error_code(err, std::generic_category()).message()));
    }
    unlock();
    const fs::path aside = target.string() + ".before-restore-" + stamp;
    fs::rename(staging, aside, ec);
    *kept = ec ? staging.string() : aside.string();
  } else {
    fs::rename(staging, target, ec);
    if (ec) return absl::UnavailableError(fmt::format("rename into {}: {}", data_dir, ec.message()));
  }
  // An index outside the data dir describes the replaced database.
  if (!search_path.empty() && !IsWithin(search_path, target) && fs::exists(search_path, ec)) {
    fs::rename(search_path, search_path + ".before-restore-" + stamp, ec);
    if (ec) {
      return absl::UnavailableError(
          fmt::format("restored, but cannot move the search index {} aside: {}", search_path, ec.message()));
    }
  }
  info.dir = target.string();
  return info;
}

}  // namespace newsflow::store

// Offline side of the store's backups. A backup is a RocksDB checkpoint of
// the store database made by the running store (ArticleStore::Checkpoint,
// asked for by `newsflow backup DIR`): a folder that opens as a store
// database by itself. These functions read one and put one in place of a
// data dir, with the store stopped (`newsflow restore DIR`).
//
// The search index is not part of a backup. Copying Xapian's files while
// its writer commits gives no consistent snapshot, and the index is derived
// state: a store that starts on a restored database finds no index (or one
// ahead of its log, which it rebuilds) and indexes the restored articles
// from the sequence log, so searches after a restore answer from exactly
// the restored articles.
#ifndef NEWSFLOW_SERVICES_STORE_BACKUP_H_
#define NEWSFLOW_SERVICES_STORE_BACKUP_H_

#include <string>

#include "absl/status/statusor.h"
#include "services/store/article_store.h"

namespace newsflow::store {

// Where a backup asked for over the network (`newsflow backup DIR`, POST
// /v1/admin/backup) is written: `requested` taken relative to `root`, or an
// absolute path inside `root`. A path that leaves `root` (through "..", or a
// symbolic link that points out of it) is refused with kPermissionDenied, so
// whoever may query the store cannot make it write wherever its user can;
// kFailedPrecondition when `root` is "" (backups off). Returns the resolved
// absolute path (symbolic links of its existing part resolved).
absl::StatusOr<std::string> ResolveBackupDir(const std::string& root, const std::string& requested);

// Opens the store database at `dir` read-only (a backup, or a stopped
// store's data dir) and reports its last sequence, article count and size.
// kNotFound when `dir` holds no database.
absl::StatusOr<BackupInfo> InspectBackup(const std::string& dir);

// Puts the backup `backup` in place of the store database `data_dir`,
// offline: refuses (kUnavailable) while a store holds `data_dir`; copies the
// backup beside `data_dir` and swaps it in with one atomic rename, keeping
// the replaced database as `<data_dir>.before-restore-<ms>` (named in
// `*kept`, "" when there was none). The search index is not in a backup: a
// `search_path` outside `data_dir` is moved aside too, and the store builds
// a fresh index from the restored database when it starts.
absl::StatusOr<BackupInfo> RestoreBackup(const std::string& backup, const std::string& data_dir,
                                         const std::string& search_path, std::string* kept);

}  // namespace newsflow::store

#endif  // NEWSFLOW_SERVICES_STORE_BACKUP_H_

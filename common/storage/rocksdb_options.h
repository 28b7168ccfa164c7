// RocksDB settings every newsflow database shares (the store's articles, the
// ingest outbox and feed list), chosen so that a full disk is an outage the
// daemon rides out, not a crash:
//
//  - RocksDB's own info log goes to spdlog (warnings and errors only), not
//    to a LOG file on the data disk: a failed append to that file, followed
//    by the next log line, trips an assertion in Debian's RocksDB build and
//    aborts the process.
//  - An SstFileManager watches free space, so after a write fails for lack
//    of space the database recovers by itself (DB::Resume) once at least a
//    memtable's worth of space (64 MiB by default) is free again. Until
//    then every write returns the error and the caller keeps what it holds.
//
//   rocksdb::DBOptions options;
//   ApplyNewsflowDbOptions(MakeLogger("store.db"), &options);
#ifndef NEWSFLOW_COMMON_STORAGE_ROCKSDB_OPTIONS_H_
#define NEWSFLOW_COMMON_STORAGE_ROCKSDB_OPTIONS_H_

#include <memory>

#include <rocksdb/options.h>
#include <spdlog/spdlog.h>

namespace newsflow {

void ApplyNewsflowDbOptions(std::shared_ptr<spdlog::logger> logger, rocksdb::DBOptions* options);

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_STORAGE_ROCKSDB_OPTIONS_H_

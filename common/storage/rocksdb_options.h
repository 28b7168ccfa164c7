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
//
// A database can also be held to a memory budget (RocksDbMemoryBudget):
// RocksDB's defaults give every column family its own 32 MiB block cache and
// up to two 64 MiB memtables, and keep every SST file's index and filter
// blocks on the heap outside any cache, so memory grows with the number of
// families and the size of the data. Under a budget one LRU cache holds the
// data, index and filter blocks of every family, and a WriteBufferManager
// charges the memtables to that same cache: when the memtables grow, cached
// blocks are evicted, and past half of the budget the largest memtable is
// flushed.
#ifndef NEWSFLOW_COMMON_STORAGE_ROCKSDB_OPTIONS_H_
#define NEWSFLOW_COMMON_STORAGE_ROCKSDB_OPTIONS_H_

#include <cstddef>
#include <memory>

#include <rocksdb/cache.h>
#include <rocksdb/options.h>
#include <rocksdb/write_buffer_manager.h>
#include <spdlog/spdlog.h>

namespace newsflow {

void ApplyNewsflowDbOptions(std::shared_ptr<spdlog::logger> logger, rocksdb::DBOptions* options);

// One memory bound shared by every column family of a database.
struct RocksDbMemoryBudget {
  std::shared_ptr<rocksdb::Cache> cache;                       // blocks, and the memtables' charge
  std::shared_ptr<rocksdb::WriteBufferManager> write_buffers;  // memtables, charged to `cache`
};

// A budget of `bytes` in all (memtables at most half of it).
RocksDbMemoryBudget NewRocksDbMemoryBudget(std::size_t bytes);

// Sets the budget's write buffer manager on `options`.
void ApplyMemoryBudget(const RocksDbMemoryBudget& budget, rocksdb::DBOptions* options);

// Table options of a column family under `budget`: data, index and filter
// blocks in its cache. With `bloom`, SST files carry a Bloom filter (10 bits
// per key, about 1% false positives), so a Get() of an absent key mostly
// reads no data block: for families read by key, not only iterated.
void ApplyMemoryBudget(const RocksDbMemoryBudget& budget, bool bloom, rocksdb::ColumnFamilyOptions* options);

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_STORAGE_ROCKSDB_OPTIONS_H_

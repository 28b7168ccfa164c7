#include "common/storage/rocksdb_options.h"

#include <cstdarg>
#include <cstdio>
#include <string>

#include <rocksdb/env.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/sst_file_manager.h>
#include <rocksdb/table.h>

namespace newsflow {
namespace {

// Forwards RocksDB's info log to spdlog.
class SpdlogRocksDbLogger final : public rocksdb::Logger {
 public:
  explicit SpdlogRocksDbLogger(std::shared_ptr<spdlog::logger> logger)
      : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL), logger_(std::move(logger)) {}

  using rocksdb::Logger::Logv;
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (level < GetInfoLogLevel()) return;
    char buffer[1024];
    int n = std::vsnprintf(buffer, sizeof(buffer), format, ap);
    if (n < 0) return;
    std::string line(buffer, std::min<std::size_t>(static_cast<std::size_t>(n), sizeof(buffer) - 1));
    while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
    if (line.empty()) return;
    if (level >= rocksdb::InfoLogLevel::ERROR_LEVEL) {
      logger_->error("rocksdb: {}", line);
    } else {
      logger_->warn("rocksdb: {}", line);
    }
  }
  // Lines without a level are informational.
  void Logv(const char*, va_list) override {}

 private:
  std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace

void ApplyNewsflowDbOptions(std::shared_ptr<spdlog::logger> logger, rocksdb::DBOptions* options) {
  options->info_log = std::make_shared<SpdlogRocksDbLogger>(std::move(logger));
  options->info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  options->sst_file_manager.reset(rocksdb::NewSstFileManager(rocksdb::Env::Default()));
}

RocksDbMemoryBudget NewRocksDbMemoryBudget(std::size_t bytes) {
  RocksDbMemoryBudget budget;
  rocksdb::LRUCacheOptions cache_options;
  cache_options.capacity = bytes;
  // Index and filter blocks go to the high-priority pool, so a scan of data
  // blocks does not evict them.
  cache_options.high_pri_pool_ratio = 0.5;
  budget.cache = rocksdb::NewLRUCache(cache_options);
  budget.write_buffers = std::make_shared<rocksdb::WriteBufferManager>(bytes / 2, budget.cache);
  return budget;
}

void ApplyMemoryBudget(const RocksDbMemoryBudget& budget, rocksdb::DBOptions* options) {
  options->write_buffer_manager = budget.write_buffers;
}

void ApplyMemoryBudget(const RocksDbMemoryBudget& budget, bool bloom, rocksdb::ColumnFamilyOptions* options) {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = budget.cache;
  table.cache_index_and_filter_blocks = true;
  table.cache_index_and_filter_blocks_with_high_priority = true;
  // Level 0 files are read by every lookup: their index and filter blocks
  // stay in the cache while the file exists.
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  if (bloom) table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  options->table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
}

}  // namespace newsflow

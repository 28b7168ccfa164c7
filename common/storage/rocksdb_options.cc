#include "common/storage/rocksdb_options.h"

#include <cstdarg>
#include <cstdio>
#include <string>

#include <rocksdb/env.h>
#include <rocksdb/sst_file_manager.h>

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

}  // namespace newsflow

// DropFolder: ingests the files dropped into ingest.drop_dir.
//
// A scan reads every regular file of the folder whose name does not start
// with '.' (a writer creates ".name" and renames it into place, so a file is
// never read half-written), in name order, builds its article
// (ArticleFromDropFile: .json or .html) and Accept()s it into the outbox:
//  - accepted: the file moves to processed/;
//  - unusable: it moves to failed/ beside a "<name>.error" note with the
//    reason;
//  - the outbox refused it (a failed database write, or a stop while it was
//    full): it stays where it is and is read again on the next scan.
// Run() scans every `interval` until stopped; ScanOnce() is one scan, for
// tests and callers with their own loop.
//
// Thread-compatible: one thread scans (the outbox it writes to is
// thread-safe).
#ifndef NEWSFLOW_SERVICES_INGEST_DROP_FOLDER_H_
#define NEWSFLOW_SERVICES_INGEST_DROP_FOLDER_H_

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

#include "absl/status/status.h"
#include "common/runtime/clock.h"
#include "common/util/counters.h"
#include "services/ingest/outbox.h"

namespace newsflow::ingest {

class DropFolder {
 public:
  // Called with the error and what was written when the outbox fails a write.
  using DbErrorFn = std::function<void(const absl::Status&, std::string_view)>;

  // `outbox`, `counters` and `clock` must outlive the folder. Articles carry
  // `origin` (ingest.instance_id) and the clock's time as fetched_at_ms.
  // Counts drop_files_accepted and drop_files_failed on `counters`.
  DropFolder(std::string dir, std::string origin, Outbox& outbox, Counters& counters,
             std::shared_ptr<spdlog::logger> logger, const Clock& clock, DbErrorFn on_db_error);

  // Scans every `interval` until `stop`.
  void Run(std::stop_token stop, std::chrono::milliseconds interval);
  // One scan of the folder (see the file comment), after creating
  // processed/ and failed/ if they are missing; ends early on `stop`.
  void ScanOnce(std::stop_token stop);

 private:
  void ProcessFile(const std::filesystem::path& path, std::stop_token stop);

  const std::filesystem::path dir_;
  const std::string origin_;
  Outbox& outbox_;
  Counters& counters_;
  std::shared_ptr<spdlog::logger> logger_;
  const Clock& clock_;
  DbErrorFn on_db_error_;
};

}  // namespace newsflow::ingest

#endif  // NEWSFLOW_SERVICES_INGEST_DROP_FOLDER_H_

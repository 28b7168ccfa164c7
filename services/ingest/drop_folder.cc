#include "services/ingest/drop_folder.h"

#include <algorithm>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <sstream>
#include <vector>

#include "services/ingest/article_builder.h"

namespace newsflow::ingest {

namespace fs = std::filesystem;

DropFolder::DropFolder(std::string dir, std::string origin, Outbox& outbox, Counters& counters,
                       std::shared_ptr<spdlog::logger> logger, const Clock& clock, DbErrorFn on_db_error)
    : dir_(std::move(dir)),
      origin_(std::move(origin)),
      outbox_(outbox),
      counters_(counters),
      logger_(std::move(logger)),
      clock_(clock),
      on_db_error_(std::move(on_db_error)) {}

void DropFolder::Run(std::stop_token stop, std::chrono::milliseconds interval) {
  while (!stop.stop_requested()) {
    ScanOnce(stop);
    std::mutex mu;
    std::unique_lock lock(mu);
    std::condition_variable_any().wait_for(lock, stop, interval, [] { return false; });
  }
}

void DropFolder::ScanOnce(std::stop_token stop) {
  std::error_code ec;
  fs::create_directories(dir_ / "processed", ec);
  fs::create_directories(dir_ / "failed", ec);
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    if (!entry.is_regular_file()) continue;
    std::string name = entry.path().filename().string();
    if (name.empty() || name[0] == '.') continue;  // partial writes: rename into place
    files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    if (stop.stop_requested()) break;
    ProcessFile(f, stop);
  }
}

void DropFolder::ProcessFile(const fs::path& path, std::stop_token stop) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto article = ArticleFromDropFile(path.string(), buffer.str(), origin_, clock_.NowMs());
  std::error_code ec;
  if (!article.ok()) {
    counters_.Add("drop_files_failed");
    logger_->warn("drop file rejected file={} error=\"{}\"", path.string(),
                  std::string(article.status().message()));
    fs::path failed = path.parent_path() / "failed" / path.filename();
    fs::rename(path, failed, ec);
    std::ofstream(failed.string() + ".error") << article.status().message() << "\n";
    return;
  }
  auto result = outbox_.Accept(*article, stop);
  if (!result.ok()) {
    if (!absl::IsCancelled(result.status())) on_db_error_(result.status(), "accept");
    return;  // stays in place; retried on the next scan
  }
  counters_.Add("drop_files_accepted");
  fs::rename(path, path.parent_path() / "processed" / path.filename(), ec);
}

}  // namespace newsflow::ingest

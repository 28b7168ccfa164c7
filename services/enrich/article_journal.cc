#include "services/enrich/article_journal.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

namespace newsflow::enrich {
namespace {

constexpr int kMaxSlots = 1024;

// The journal file of the article this thread is enriching, -1 when idle.
// Read by the fatal-signal handler, which runs on the faulting thread.
thread_local volatile sig_atomic_t t_busy_fd = -1;

void MarkCrashed(int signal) {
  const int fd = t_busy_fd;
  if (fd >= 0) {
    const char crashed = 'C';
    (void)!pwrite(fd, &crashed, 1, 0);
  }
  // SA_RESETHAND restored the default action: die of the same signal.
  raise(signal);
}

absl::Status Errno(std::string_view what, const std::string& path) {
  return absl::UnavailableError(fmt::format("enrich journal {} {}: {}", what, path, std::strerror(errno)));
}

}  // namespace

void ArticleJournal::InstallCrashMarker() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action {};
    action.sa_handler = MarkCrashed;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND | SA_NODEFER;
    for (int signal : {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL}) sigaction(signal, &action, nullptr);
  });
}

absl::StatusOr<std::unique_ptr<ArticleJournal>> ArticleJournal::Open(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::UnavailableError(fmt::format("enrich journal dir {}: {}", dir, ec.message()));
  for (int slot = 0; slot < kMaxSlots; ++slot) {
    std::string path = fmt::format("{}/slot-{}.journal", dir, slot);
    const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return Errno("open", path);
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      close(fd);
      if (errno == EWOULDBLOCK) continue;  // another live worker holds it
      return Errno("lock", path);
    }
    std::unique_ptr<ArticleJournal> journal(new ArticleJournal(fd, path));
    std::string bytes;
    char buffer[4096];
    for (ssize_t n; (n = pread(fd, buffer, sizeof(buffer), static_cast<off_t>(bytes.size()))) > 0;) {
      bytes.append(buffer, static_cast<size_t>(n));
      if (bytes.size() > (1 << 20)) break;  // not ours: a record is small
    }
    if (bytes.size() > 1) {
      Leftover leftover;
      leftover.state = bytes[0];
      if ((leftover.state == 'B' || leftover.state == 'C' || leftover.state == 'T') &&
          leftover.entry.ParseFromArray(bytes.data() + 1, static_cast<int>(bytes.size() - 1)) &&
          !leftover.entry.article_id().empty()) {
        journal->leftover_ = std::move(leftover);
      }
    }
    if (absl::Status s = journal->Clear(); !s.ok()) return s;
    return journal;
  }
  return absl::UnavailableError(fmt::format("enrich journal dir {}: all {} slots in use", dir, kMaxSlots));
}

ArticleJournal::~ArticleJournal() { close(fd_); }

absl::Status ArticleJournal::Write(char state, const v1::EnrichFailure& entry) {
  std::string bytes(1, state);
  entry.AppendToString(&bytes);
  if (pwrite(fd_, bytes.data(), bytes.size(), 0) != static_cast<ssize_t>(bytes.size())) {
    return Errno("write", path_);
  }
  if (ftruncate(fd_, static_cast<off_t>(bytes.size())) != 0) return Errno("truncate", path_);
  return absl::OkStatus();
}

absl::Status ArticleJournal::Begin(const v1::EnrichFailure& entry) {
  std::lock_guard lock(mu_);
  if (absl::Status s = Write('B', entry); !s.ok()) return s;
  current_id_ = entry.article_id();
  t_busy_fd = fd_;
  return absl::OkStatus();
}

absl::Status ArticleJournal::Clear() {
  std::lock_guard lock(mu_);
  t_busy_fd = -1;
  current_id_.clear();
  if (ftruncate(fd_, 0) != 0) return Errno("truncate", path_);
  return absl::OkStatus();
}

bool ArticleJournal::MarkTimedOut(const v1::EnrichFailure& entry, const std::string& reason) {
  std::lock_guard lock(mu_);
  if (current_id_.empty() || current_id_ != entry.article_id()) return false;
  v1::EnrichFailure marked = entry;
  marked.set_reason(reason);
  return Write('T', marked).ok();
}

}  // namespace newsflow::enrich

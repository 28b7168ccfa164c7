// ArticleJournal: a one-entry file per enrich worker thread naming the
// article it is enriching, so that an article which kills the worker is
// known when the worker starts again, and is quarantined instead of being
// handed to the next worker.
//
// A worker thread claims the first free slot file <dir>/slot-<n>.journal
// (held with an exclusive flock; the lock dies with the process, so a
// restarted worker claims the slot again and reads what its predecessor
// left). Begin() records the article before enriching, Clear() empties the
// file after. The first byte is the state:
//
//   'B'  busy: the process stopped while enriching it (killed from outside,
//        e.g. SIGKILL): not the article's fault as far as we know; resent
//   'C'  crashed: a fatal signal (SIGSEGV, SIGABRT - which includes
//        std::bad_alloc and other uncaught exceptions -, SIGBUS, SIGFPE,
//        SIGILL) was raised on this worker thread while enriching it; the
//        handler installed by InstallCrashMarker() marks it
//   'T'  timed out: the watchdog stopped the process because the article
//        overran its hard time limit (MarkTimedOut)
//
// followed by a serialised EnrichFailure (id, version, origin, worker,
// reason). No fsync: the file only has to survive the process, not the
// machine (the page cache does that); an emptyDir volume is enough.
//
// Thread-safety: Begin/Clear/MarkTimedOut may be called from different
// threads (worker and watchdog); they serialise on an internal mutex.
#ifndef NEWSFLOW_SERVICES_ENRICH_ARTICLE_JOURNAL_H_
#define NEWSFLOW_SERVICES_ENRICH_ARTICLE_JOURNAL_H_

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "newsflow/v1/envelope.pb.h"

namespace newsflow::enrich {

class ArticleJournal {
 public:
  // What a previous process left in a slot.
  struct Leftover {
    char state = 'B';  // 'B', 'C' or 'T' (see above)
    v1::EnrichFailure entry;
  };

  // Creates `dir` if needed and claims a free slot. Errors: kUnavailable
  // (cannot create or lock; more than 1024 slots in use).
  static absl::StatusOr<std::unique_ptr<ArticleJournal>> Open(const std::string& dir);
  ~ArticleJournal();
  ArticleJournal(const ArticleJournal&) = delete;
  ArticleJournal& operator=(const ArticleJournal&) = delete;

  // The entry the slot held when it was claimed, if any (then already
  // cleared on disk).
  const std::optional<Leftover>& leftover() const { return leftover_; }
  const std::string& path() const { return path_; }

  // Records `entry` as being enriched ('B') and makes this thread's fatal
  // signals mark it crashed. Call from the worker thread.
  absl::Status Begin(const v1::EnrichFailure& entry);
  // Empties the slot. Call from the worker thread.
  absl::Status Clear();
  // If `entry` (same article id) is still the one recorded, rewrites it as
  // timed out with `reason`; returns whether it did.
  bool MarkTimedOut(const v1::EnrichFailure& entry, const std::string& reason);

  // Installs (once per process) the fatal-signal handler that marks the
  // crashing thread's journal entry 'C' and then re-raises the signal.
  static void InstallCrashMarker();

 private:
  ArticleJournal(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  absl::Status Write(char state, const v1::EnrichFailure& entry);

  int fd_;
  std::string path_;
  std::optional<Leftover> leftover_;
  std::mutex mu_;
  std::string current_id_;  // GUARDED_BY(mu_): "" when idle
};

}  // namespace newsflow::enrich

#endif  // NEWSFLOW_SERVICES_ENRICH_ARTICLE_JOURNAL_H_

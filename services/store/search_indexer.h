// SearchIndexer: the store's search-index thread. It follows the sequence
// log of an ArticleStore into a SearchIndex (services/store/search_index.h),
// batch by batch, off the commit path: the writer only calls Notify() after
// a commit, and a slow or failing index never holds back commits or acks.
// At start it first catches up with whatever was committed while it was not
// running (a crash, a restart, a store run with search disabled).
//
// An indexing error (a full disk) is logged rate-limited and retried with
// backoff; the index then lags, searches still answer from its last commit.
//
// Documents are committed in groups (kSearchCommitDocuments or
// kSearchCommitInterval, whichever first; see search_index.h), so a new
// article shows in searches within about kSearchCommitInterval; the
// destructor commits what is pending.
//
// Thread safety: Notify(), LastSequence() and Errors() from any thread.
#ifndef NEWSFLOW_SERVICES_STORE_SEARCH_INDEXER_H_
#define NEWSFLOW_SERVICES_STORE_SEARCH_INDEXER_H_

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "services/store/article_store.h"
#include "services/store/search_index.h"

namespace newsflow::store {

class SearchIndexer {
 public:
  // `store` must outlive the indexer. Starts the thread.
  SearchIndexer(const ArticleStore& store, std::unique_ptr<SearchIndex> index);
  // Stops the thread (what it has added is committed first).
  ~SearchIndexer();

  // New articles were committed: wake the thread now rather than at its next poll.
  void Notify();
  // Last sequence indexed and committed.
  uint64_t LastSequence() const { return last_sequence_.load(); }
  // Failed indexing rounds (each is retried).
  uint64_t Errors() const { return errors_.load(); }

 private:
  void Loop(std::stop_token stop);

  const ArticleStore& store_;
  std::unique_ptr<SearchIndex> index_;  // thread only
  std::atomic<uint64_t> last_sequence_{0};
  std::atomic<uint64_t> errors_{0};
  std::mutex mu_;
  std::condition_variable_any wake_;
  bool notified_ = false;  // GUARDED_BY(mu_)
  std::jthread thread_;    // last: started after every member above
};

}  // namespace newsflow::store

#endif  // NEWSFLOW_SERVICES_STORE_SEARCH_INDEXER_H_

// Executes a QueryRequest against an ArticleStore. The ZeroMQ query socket
// and the HTTP API both call this, so the two interfaces answer the same
// queries the same way. Thread-safe (reads only).
#ifndef NEWSFLOW_SERVICES_STORE_QUERY_HANDLER_H_
#define NEWSFLOW_SERVICES_STORE_QUERY_HANDLER_H_

#include <map>
#include <string>

#include "newsflow/v1/query.pb.h"
#include "services/store/article_store.h"
#include "services/store/related.h"

namespace newsflow::store {

struct QueryLimits {
  int default_limit = 20;
  int max_limit = 1000;
  // Backups are written only inside this folder (ResolveBackupDir in
  // services/store/backup.h); "" = backups refused.
  std::string backup_dir;
};

// Never fails: errors are reported in the response (ok = false, error).
// An unknown id gives ok = false with "not found: <id>". `related` answers
// related_id and fills get_id's article.related and other_sources; null
// (search disabled): related_id fails, get_id has neither.
v1::QueryResponse ExecuteQuery(const ArticleStore& store, const v1::QueryRequest& request,
                               const QueryLimits& limits, const std::map<std::string, uint64_t>& counters,
                               const RelatedFinder* related = nullptr);

}  // namespace newsflow::store

#endif  // NEWSFLOW_SERVICES_STORE_QUERY_HANDLER_H_

#include "services/store/query_handler.h"

#include <algorithm>

#include <fmt/format.h>

namespace newsflow::store {

v1::QueryResponse ExecuteQuery(const ArticleStore& store, const v1::QueryRequest& request,
                               const QueryLimits& limits,
                               const std::map<std::string, uint64_t>& counters) {
  v1::QueryResponse response;
  std::size_t limit = request.limit() == 0
                          ? static_cast<std::size_t>(limits.default_limit)
                          : std::min<std::size_t>(request.limit(), limits.max_limit);
  absl::StatusOr<std::vector<v1::Article>> articles = std::vector<v1::Article>{};
  bool more = false;
  switch (request.kind_case()) {
    case v1::QueryRequest::kGetId: {
      auto a = store.Get(request.get_id());
      if (a.ok()) {
        articles = std::vector<v1::Article>{*std::move(a)};
      } else {
        articles = a.status();
      }
      break;
    }
    case v1::QueryRequest::kLatest:
      articles = store.Latest(limit);
      break;
    case v1::QueryRequest::kByTag:
      articles = store.ByTag(request.by_tag(), limit);
      break;
    case v1::QueryRequest::kSinceSeq:
      articles = store.Since(request.since_seq(), limit, &more);
      break;
    case v1::QueryRequest::kBySource:
      articles = store.BySource(request.by_source(), limit);
      break;
    case v1::QueryRequest::kByLang:
      articles = store.ByLang(request.by_lang(), limit);
      break;
    case v1::QueryRequest::kByCluster:
      articles = store.ByCluster(request.by_cluster(), limit);
      break;
    case v1::QueryRequest::kTagCounts: {
      auto tags = store.TagCounts(limit);
      if (!tags.ok()) {
        articles = tags.status();
      } else {
        for (auto& t : *tags) *response.add_tags() = std::move(t);
      }
      break;
    }
    case v1::QueryRequest::kStats:
      for (const auto& [k, v] : counters) (*response.mutable_counters())[k] = v;
      (*response.mutable_counters())["articles"] = store.ArticleCount();
      break;
    case v1::QueryRequest::KIND_NOT_SET:
      articles = absl::InvalidArgumentError("query has no kind");
      break;
  }
  response.set_last_sequence(store.LastSequence());
  if (!articles.ok()) {
    response.set_ok(false);
    response.set_error(std::string(articles.status().message()));
    return response;
  }
  response.set_ok(true);
  response.set_more(more);
  for (auto& a : *articles) *response.add_articles() = std::move(a);
  return response;
}

}  // namespace newsflow::store

#include "services/store/query_handler.h"

#include <algorithm>
#include <deque>
#include <iterator>

#include <fmt/format.h>

#include "common/util/time.h"
#include "services/store/backup.h"
#include "services/store/trending.h"

namespace newsflow::store {

v1::QueryResponse ExecuteQuery(const ArticleStore& store, const v1::QueryRequest& request,
                               const QueryLimits& limits, const std::map<std::string, uint64_t>& counters,
                               const RelatedFinder* related) {
  v1::QueryResponse response;
  // Read before the scan: every article up to it is committed and seen by
  // the scan, and one committed during the scan lies above it. A client
  // that lists and then streams from last_sequence (the web reader) gets
  // such an article replayed; read after the scan, it would be neither
  // listed nor streamed.
  response.set_last_sequence(store.LastSequence());
  std::size_t limit = request.limit() == 0 ? static_cast<std::size_t>(limits.default_limit)
                                           : std::min<std::size_t>(request.limit(), limits.max_limit);
  absl::StatusOr<std::vector<v1::Article>> articles = std::vector<v1::Article>{};
  bool more = false;
  std::string next_cursor;
  // The newest-first lists page with cursor, since_ms and until_ms.
  auto List = [&](ListIndex index, const std::string& value) -> absl::StatusOr<std::vector<v1::Article>> {
    auto page = store.List(index, value,
                           {.limit = limit,
                            .cursor = request.cursor(),
                            .since_ms = request.since_ms(),
                            .until_ms = request.until_ms()});
    if (!page.ok()) return page.status();
    more = page->more;
    next_cursor = std::move(page->next_cursor);
    return std::move(page->articles);
  };
  switch (request.kind_case()) {
    case v1::QueryRequest::kGetId: {
      auto a = store.Get(request.get_id());
      if (a.ok()) {
        if (related != nullptr) {
          // Best effort: an index that cannot answer leaves the lists empty.
          if (auto r = related->Find(*a); r.ok()) {
            a->mutable_related()->Assign(r->related.begin(), r->related.end());
            a->mutable_other_sources()->Assign(r->other_sources.begin(), r->other_sources.end());
          }
        }
        articles = std::vector<v1::Article>{*std::move(a)};
      } else {
        articles = a.status();
      }
      break;
    }
    case v1::QueryRequest::kLatest:
      articles = List(ListIndex::kLatest, "");
      break;
    case v1::QueryRequest::kByTag:
      articles = List(ListIndex::kTag, request.by_tag());
      break;
    case v1::QueryRequest::kSinceSeq:
      articles = store.Since(request.since_seq(), limit, &more);
      break;
    case v1::QueryRequest::kBySource:
      articles = List(ListIndex::kSource, request.by_source());
      break;
    case v1::QueryRequest::kByLang:
      articles = List(ListIndex::kLang, request.by_lang());
      break;
    case v1::QueryRequest::kByCluster:
      articles = List(ListIndex::kCluster, request.by_cluster());
      break;
    case v1::QueryRequest::kRelatedId: {
      if (related == nullptr) {
        articles =
            absl::FailedPreconditionError("related articles need the search index (store.search.enabled)");
        break;
      }
      auto r = related->Find(request.related_id(), std::min<std::size_t>(request.limit(), kMaxRelated));
      if (!r.ok()) {
        articles = r.status();
        break;
      }
      response.mutable_related()->Assign(r->related.begin(), r->related.end());
      response.mutable_other_sources()->Assign(r->other_sources.begin(), r->other_sources.end());
      break;
    }
    case v1::QueryRequest::kClusterTimeline: {
      // The cluster index is newest first: walk all of it and keep the
      // last (oldest) `limit`. A cluster holds one story's copies, a few
      // dozen at most, so the walk stays short.
      std::deque<v1::Article> oldest;
      PageRequest page{.limit = std::min<std::size_t>(limits.max_limit, 1000)};
      while (true) {
        auto p = store.List(ListIndex::kCluster, request.cluster_timeline(), page);
        if (!p.ok()) {
          articles = p.status();
          break;
        }
        for (auto& a : p->articles) {
          oldest.push_back(std::move(a));
          if (oldest.size() > limit) {
            oldest.pop_front();
            more = true;
          }
        }
        if (!p->more) break;
        page.cursor = p->next_cursor;
      }
      if (!articles.ok()) break;
      if (oldest.empty()) {
        articles = absl::NotFoundError("no cluster " + request.cluster_timeline());
        break;
      }
      articles = std::vector<v1::Article>(std::make_move_iterator(oldest.rbegin()),
                                          std::make_move_iterator(oldest.rend()));
      break;
    }
    case v1::QueryRequest::kTagCounts: {
      auto tags = store.TagCounts(limit);
      if (!tags.ok()) {
        articles = tags.status();
      } else {
        for (auto& t : *tags) *response.add_tags() = std::move(t);
      }
      break;
    }
    case v1::QueryRequest::kTrending: {
      const auto window = ParseTrendWindow(request.trending().window());
      if (!window) {
        articles = absl::InvalidArgumentError("trending window must be 1h or 24h");
        break;
      }
      // A limit of 0 is the default; larger ones are capped like the lists'.
      const std::size_t trending_limit =
          request.limit() == 0 ? kDefaultTrendingLimit : std::min<std::size_t>(limit, kMaxTrendingLimit);
      auto trending = ComputeTrending(
          store,
          {.lang = request.trending().lang(), .window = *window, .limit = trending_limit, .now_ms = NowMs()});
      if (!trending.ok()) {
        articles = trending.status();
      } else {
        *response.mutable_trending() = *std::move(trending);
      }
      break;
    }
    case v1::QueryRequest::kBackup: {
      absl::StatusOr<std::string> dir = ResolveBackupDir(limits.backup_dir, request.backup());
      if (!dir.ok()) {
        articles = dir.status();
        break;
      }
      auto info = store.Checkpoint(*dir);
      if (!info.ok()) {
        articles = info.status();
        break;
      }
      v1::BackupResult* b = response.mutable_backup();
      b->set_dir(info->dir);
      b->set_sequence(info->sequence);
      b->set_articles(info->articles);
      b->set_bytes(info->bytes);
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
  if (!articles.ok()) {
    response.set_ok(false);
    response.set_error(std::string(articles.status().message()));
    return response;
  }
  response.set_ok(true);
  response.set_more(more);
  response.set_next_cursor(next_cursor);
  for (auto& a : *articles) *response.add_articles() = std::move(a);
  return response;
}

}  // namespace newsflow::store

#include "services/store/http_api.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <memory>
#include <optional>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/metrics/metrics.h"
#include "common/util/article_json.h"
#include "common/util/text.h"
#include "common/util/time.h"
#include "services/store/backup.h"
#include "services/store/trending.h"

namespace newsflow::store {
namespace {

// Digits only, no sign or spaces, within uint64.
bool ParseUint(const std::string& s, uint64_t* out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// Reads the query's paging parameters into `q`; the 400 answer when one is bad.
std::optional<HttpResponse> ReadPaging(const HttpRequest& req, v1::QueryRequest* q) {
  if (req.HasParam("limit")) {
    uint64_t limit = 0;
    if (!ParseUint(req.Param("limit"), &limit) || limit == 0) {
      return HttpResponse::Error(400, "limit must be a positive integer");
    }
    q->set_limit(static_cast<uint32_t>(std::min<uint64_t>(limit, 1u << 30)));
  }
  for (const char* name : {"since", "until"}) {
    if (!req.HasParam(name)) continue;
    uint64_t ms = 0;
    if (!ParseUint(req.Param(name), &ms) || ms > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return HttpResponse::Error(400, fmt::format("{} must be milliseconds since the epoch, from 0 to {}",
                                                  name, std::numeric_limits<int64_t>::max()));
    }
    if (name[0] == 's') {
      q->set_since_ms(static_cast<int64_t>(ms));
    } else {
      q->set_until_ms(static_cast<int64_t>(ms));
    }
  }
  if (req.HasParam("cursor")) {
    if (!ArticleStore::IsValidCursor(req.Param("cursor"))) {
      return HttpResponse::Error(400, "cursor must be a next_cursor of an earlier answer");
    }
    q->set_cursor(req.Param("cursor"));
  }
  return std::nullopt;
}

// Reads ?limit= only; the 400 answer when present but not a positive number.
std::optional<HttpResponse> ReadLimit(const HttpRequest& req, v1::QueryRequest* q) {
  if (!req.HasParam("limit")) return std::nullopt;
  uint64_t limit = 0;
  if (!ParseUint(req.Param("limit"), &limit) || limit == 0) {
    return HttpResponse::Error(400, "limit must be a positive integer");
  }
  q->set_limit(static_cast<uint32_t>(std::min<uint64_t>(limit, 1u << 30)));
  return std::nullopt;
}

// Help of the store's counters (others get a generic one).
const std::map<std::string, std::string> kHelp = {
    {"received", "Frames received on the store's input (articles, failures, term counts)."},
    {"committed", "Article versions committed (durable, given a sequence number)."},
    {"duplicates", "Known id + version received again and acked again without a commit."},
    {"commit_errors", "Group commits that failed (the batch is kept and retried)."},
    {"published", "Articles published on the stream."},
    {"publish_dropped", "Publications dropped because a subscriber queue was full."},
    {"acks_sent", "Acks sent to an ingest instance."},
    {"acks_dropped", "Acks that could not be sent (ingest's queue full); ingest resends."},
    {"articles_rejected", "Articles that failed validation (acked as failures)."},
    {"enrich_failures", "Enrichment failures forwarded to ingest as failed acks."},
    {"queries", "Queries answered on the ZeroMQ query socket."},
    {"bad_input_frames", "Malformed frames received on the input socket."},
    {"bad_query_frames", "Malformed frames received on the query socket."},
    {"search_index_errors", "Search indexing rounds that failed (retried with backoff; searches lag)."},
    {"search_indexed_sequence", "Sequence number up to which the search index is committed."},
    {"trending_published", "Trending tag lists published on the stream (each sent when it changed)."},
    {"retention_deleted_by_age",
     "Articles deleted by retention for being older than store.retention.max_age_days."},
    {"retention_deleted_by_count", "Articles deleted by retention beyond store.retention.max_articles."},
    {"retention_refused",
     "Articles not stored because retention deleted them (or they were already too old)."},
    {"retention_passes", "Retention passes completed."},
    {"retention_errors", "Retention passes that failed (retried at the next interval)."},
};

nlohmann::json ArticlesJson(const v1::QueryResponse& r, bool with_text) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& a : r.articles()) list.push_back(ArticleToJson(a, with_text));
  nlohmann::json body = {{"articles", list}, {"last_sequence", r.last_sequence()}, {"more", r.more()}};
  if (!r.next_cursor().empty()) body["next_cursor"] = r.next_cursor();
  return body;
}

// Reads /v1/search's parameters into `r`; the 400 answer when one is bad.
std::optional<HttpResponse> ReadSearch(const HttpRequest& req, const QueryLimits& limits, SearchRequest* r) {
  r->query = req.Param("q");
  r->lang = req.Param("lang");
  r->tag = req.Param("tag");
  r->source = req.Param("source");
  r->cluster = req.Param("cluster");
  r->cursor = req.Param("cursor");
  r->limit = std::min<std::size_t>(static_cast<std::size_t>(limits.default_limit), kMaxSearchPageSize);
  if (req.HasParam("limit")) {
    uint64_t limit = 0;
    if (!ParseUint(req.Param("limit"), &limit) || limit == 0 || limit > kMaxSearchPageSize) {
      return HttpResponse::Error(400, fmt::format("limit must be from 1 to {}", kMaxSearchPageSize));
    }
    r->limit = static_cast<std::size_t>(limit);
  }
  if (req.HasParam("order")) {
    const std::string order = req.Param("order");
    if (order == "newest") {
      r->order = SearchOrder::kNewest;
    } else if (order != "relevance") {
      return HttpResponse::Error(400, "order must be relevance or newest");
    }
  }
  for (const char* name : {"since", "until"}) {
    if (!req.HasParam(name)) continue;
    uint64_t ms = 0;
    if (!ParseUint(req.Param(name), &ms) || ms > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return HttpResponse::Error(400, fmt::format("{} must be milliseconds since the epoch", name));
    }
    (name[0] == 's' ? r->since_ms : r->until_ms) = static_cast<int64_t>(ms);
  }
  if (r->query.empty() && r->lang.empty() && r->tag.empty() && r->source.empty() && r->cluster.empty()) {
    return HttpResponse::Error(400, "q (or a filter) is required");
  }
  return std::nullopt;
}

// One article of a story's timeline: where and when it was first seen.
nlohmann::json TimelineEntryJson(const v1::Article& a) {
  // fetched_at_ms is when its source's copy was fetched; an article put
  // into the store without one was first seen when it was stored.
  const int64_t first_seen = a.fetched_at_ms() > 0 ? a.fetched_at_ms() : a.stored_at_ms();
  nlohmann::json also = nlohmann::json::array();
  for (const v1::SeenAt& s : a.also_seen_at()) {
    also.push_back({{"source", {{"id", s.source_id()}, {"url", s.source_url()}, {"title", s.source_title()}}},
                    {"url", s.url()},
                    {"seen", FormatRfc3339Utc(s.seen_at_ms())},
                    {"seen_ms", s.seen_at_ms()}});
  }
  const int64_t time = ArticleStore::SortTime(a);
  return {{"id", a.id()},
          {"url", a.url().empty() ? a.canonical_url() : a.url()},
          {"title", a.title()},
          {"source",
           {{"id", a.source().id()},
            {"url", a.source().url()},
            {"title", a.source().title()},
            {"kind", a.source().kind()}}},
          {"lang", a.enrichment().language()},
          {"time", FormatRfc3339Utc(time)},
          {"time_ms", time},
          {"first_seen", FormatRfc3339Utc(first_seen)},
          {"first_seen_ms", first_seen},
          {"also_seen_at", also}};
}

}  // namespace

void InstallHttpApi(HttpServer& server, const ArticleStore& store, const QueryLimits& limits,
                    const CountersFn& counters, const HealthFn& health, const SearchFn& search,
                    const RelatedFinder* related, std::shared_ptr<metrics::Registry> registry,
                    EventHub* events) {
  auto run = [&store, limits, counters, related](const v1::QueryRequest& q) {
    return ExecuteQuery(store, q, limits, counters ? counters() : std::map<std::string, uint64_t>{}, related);
  };

  auto current_health = [health] { return health ? health() : StoreHealth{}; };
  server.Route("GET", "/healthz", [&store, current_health](const HttpRequest&) {
    const StoreHealth h = current_health();
    nlohmann::json body = {{"status", h.committing ? "ok" : "degraded"},
                           {"last_sequence", store.LastSequence()},
                           {"articles", store.ArticleCount()}};
    if (!h.committing) body["problem"] = h.problem;
    return HttpResponse::Json(200, body);
  });
  server.Route("GET", "/readyz", [current_health](const HttpRequest&) {
    const StoreHealth h = current_health();
    if (h.committing) return HttpResponse::Json(200, {{"ready", true}});
    return HttpResponse::Json(503, {{"ready", false},
                                    {"reason", "commits failing: " + h.problem},
                                    {"since", FormatRfc3339Utc(h.problem_since_ms)}});
  });

  // Gauges read from the store at each scrape; the service's Counters
  // become newsflow_store_<name>_total.
  if (!registry) registry = std::make_shared<metrics::Registry>();
  registry->AddCallback("newsflow_store_articles", "Articles stored.", metrics::Type::kGauge,
                        [&store] { return static_cast<double>(store.ArticleCount()); });
  registry->AddCallback("newsflow_store_last_sequence", "Sequence number of the newest committed article.",
                        metrics::Type::kGauge,
                        [&store] { return static_cast<double>(store.LastSequence()); });
  registry->AddCallback("newsflow_store_commits_failing",
                        "1 while commits fail (a full disk): nothing is acked until the database recovers.",
                        metrics::Type::kGauge,
                        [current_health] { return current_health().committing ? 0.0 : 1.0; });
  if (counters)
    registry->AddCollector(metrics::CountersCollector(counters, "newsflow_store", "Store events", kHelp));
  // The counts are shared: the registry may outlive this server and hub.
  registry->AddCallback("newsflow_store_http_streams_open",
                        "Live event streams (GET /v1/stream) open now; a client that left counts until the "
                        "next keep-alive ping.",
                        metrics::Type::kGauge,
                        [stats = server.stream_stats()] { return static_cast<double>(stats->open.load()); });
  registry->AddCallback(
      "newsflow_store_http_streams_dropped_total",
      "Event streams disconnected because their client did not read fast enough.", metrics::Type::kCounter,
      [stats = server.stream_stats()] { return static_cast<double>(stats->dropped.load()); });
  if (events != nullptr) {
    registry->AddCallback(
        "newsflow_store_stream_events_sent_total",
        "Article events queued on live event streams (replayed and live).", metrics::Type::kCounter,
        [sent = events->events_sent_counter()] { return static_cast<double>(sent->load()); });
  }
  server.Route("GET", "/metrics", [registry](const HttpRequest&) {
    return HttpResponse::Text(200, registry->Render(), metrics::kContentType);
  });

  server.Route("GET", "/v1/articles", [run](const HttpRequest& req) {
    v1::QueryRequest q;
    if (auto bad = ReadPaging(req, &q)) return *bad;
    int filters =
        req.HasParam("tag") + req.HasParam("lang") + req.HasParam("source") + req.HasParam("cluster");
    if (filters > 1) return HttpResponse::Error(400, "use at most one of tag, lang, source, cluster");
    if (req.HasParam("tag")) {
      q.set_by_tag(req.Param("tag"));
    } else if (req.HasParam("lang")) {
      q.set_by_lang(req.Param("lang"));
    } else if (req.HasParam("source")) {
      q.set_by_source(req.Param("source"));
    } else if (req.HasParam("cluster")) {
      q.set_by_cluster(req.Param("cluster"));
    } else {
      q.set_latest(true);
    }
    v1::QueryResponse r = run(q);
    if (!r.ok()) return HttpResponse::Error(500, r.error());
    return HttpResponse::Json(200, ArticlesJson(r, false));
  });

  server.Route("GET", "/v1/articles/{id}", [run, related](const HttpRequest& req) {
    v1::QueryRequest q;
    q.set_get_id(req.PathParam("id"));
    v1::QueryResponse r = run(q);
    if (!r.ok()) return HttpResponse::Error(404, r.error());
    const v1::Article& a = r.articles(0);
    nlohmann::json body = ArticleToJson(a, true);
    if (related != nullptr) body.update(RelatedToJson(a.related(), a.other_sources()));
    return HttpResponse::Json(200, body);
  });

  server.Route("GET", "/v1/articles/{id}/related", [related](const HttpRequest& req) {
    if (related == nullptr)
      return HttpResponse::Error(404, "related articles need search (store.search.enabled)");
    uint64_t limit = 0;
    if (req.HasParam("limit") &&
        (!ParseUint(req.Param("limit"), &limit) || limit == 0 || limit > kMaxRelated)) {
      return HttpResponse::Error(400, fmt::format("limit must be from 1 to {}", kMaxRelated));
    }
    absl::StatusOr<RelatedResult> result =
        related->Find(req.PathParam("id"), static_cast<std::size_t>(limit));
    if (!result.ok()) {
      const absl::Status& s = result.status();
      int code = absl::IsNotFound(s) ? 404 : absl::IsUnavailable(s) ? 503 : 500;
      return HttpResponse::Error(code, std::string(s.message()));
    }
    google::protobuf::RepeatedPtrField<v1::RelatedArticle> list(result->related.begin(),
                                                                result->related.end());
    google::protobuf::RepeatedPtrField<v1::RelatedArticle> others(result->other_sources.begin(),
                                                                  result->other_sources.end());
    return HttpResponse::Json(200, RelatedToJson(list, others));
  });

  server.Route("GET", "/v1/clusters/{id}", [run](const HttpRequest& req) {
    v1::QueryRequest q;
    if (auto bad = ReadLimit(req, &q)) return *bad;
    q.set_cluster_timeline(req.PathParam("id"));
    v1::QueryResponse r = run(q);
    if (!r.ok()) return HttpResponse::Error(404, r.error());
    nlohmann::json articles = nlohmann::json::array();
    for (const v1::Article& a : r.articles()) articles.push_back(TimelineEntryJson(a));
    return HttpResponse::Json(
        200, {{"cluster_id", req.PathParam("id")}, {"articles", articles}, {"more", r.more()}});
  });

  server.Route("GET", "/v1/since/{seq}", [run](const HttpRequest& req) {
    v1::QueryRequest q;
    uint64_t seq = 0;
    if (!ParseUint(req.PathParam("seq"), &seq)) {
      return HttpResponse::Error(400, "sequence must be an unsigned 64-bit integer");
    }
    if (auto bad = ReadLimit(req, &q)) return *bad;
    q.set_since_seq(seq);
    v1::QueryResponse r = run(q);
    if (!r.ok()) return HttpResponse::Error(500, r.error());
    return HttpResponse::Json(200, ArticlesJson(r, false));
  });

  // The token may come as ?access_token= here (EventSource sends no headers).
  server.AllowQueryToken("/v1/stream");
  server.Route("GET", "/v1/stream", [&store, events](const HttpRequest& req) {
    if (events == nullptr) return HttpResponse::Error(404, "the live stream is not served here");
    StreamFilter filter;
    filter.lang = req.Param("lang");
    filter.source = req.Param("source");
    if (req.HasParam("tag")) {
      filter.tag_key = TagKey(req.Param("tag"));
      if (filter.tag_key.empty()) return HttpResponse::Error(400, "tag must name a tag");
    }
    // Where to start: the browser's reconnection header wins over the URL's
    // since= (the page's first connection). A start past the store's last
    // sequence would wait for, then skip, every article up to it (http_api.h).
    uint64_t after = 0;
    const uint64_t last = store.LastSequence();
    const std::string& last_id = req.Header("last-event-id");
    if (!last_id.empty()) {
      if (!ParseUint(last_id, &after))
        return HttpResponse::Error(400, "Last-Event-ID must be a sequence number");
      // EventSource resends the id it saw on its own; it cannot be told to
      // drop it, so follow this store from its tail.
      after = std::min(after, last);
    } else if (req.HasParam("since")) {
      if (!ParseUint(req.Param("since"), &after)) {
        return HttpResponse::Error(400, "since must be a sequence number");
      }
      if (after > last) {
        return HttpResponse::Error(400,
                                   fmt::format("since={} is past the store's last sequence {}", after, last));
      }
    } else {
      after = last;
    }
    return HttpResponse::Stream(events->Open(filter, after));
  });

  server.Route("GET", "/v1/search", [search, limits](const HttpRequest& req) {
    if (!search) return HttpResponse::Error(404, "search is disabled (store.search.enabled)");
    SearchRequest r;
    if (auto bad = ReadSearch(req, limits, &r)) return *bad;
    absl::StatusOr<SearchResult> result = search(r);
    if (!result.ok()) {
      const absl::Status& s = result.status();
      int code = absl::IsInvalidArgument(s) ? 400 : absl::IsUnavailable(s) ? 503 : 500;
      return HttpResponse::Error(code, std::string(s.message()));
    }
    return HttpResponse::Json(200, SearchResultToJson(*result));
  });

  server.Route("GET", "/v1/trending", [run](const HttpRequest& req) {
    v1::QueryRequest q;
    const std::string window = req.HasParam("window") ? req.Param("window") : "1h";
    if (!ParseTrendWindow(window)) return HttpResponse::Error(400, "window must be 1h or 24h");
    q.mutable_trending()->set_window(window);
    q.mutable_trending()->set_lang(req.Param("lang"));
    if (req.HasParam("limit")) {
      uint64_t limit = 0;
      if (!ParseUint(req.Param("limit"), &limit) || limit == 0 || limit > kMaxTrendingLimit) {
        return HttpResponse::Error(400, fmt::format("limit must be from 1 to {}", kMaxTrendingLimit));
      }
      q.set_limit(static_cast<uint32_t>(limit));
    }
    v1::QueryResponse r = run(q);
    if (!r.ok()) return HttpResponse::Error(500, r.error());
    return HttpResponse::Json(200, TrendingToJson(r.trending()));
  });

  // An online backup (ArticleStore::Checkpoint) into ?dir=, an absolute
  // path on the store's host. It writes files, so it is served only when
  // the server requires a token.
  const bool admin = !server.options().token.empty();
  server.Route(
      "POST", "/v1/admin/backup",
      [&store, admin, limits](const HttpRequest& req) {
        if (!admin) return HttpResponse::Error(403, "backups over HTTP need a token (store.http.token)");
        if (!req.HasParam("dir"))
          return HttpResponse::Error(400, "dir is required (a folder in store.backup.dir)");
        absl::StatusOr<std::string> dir = ResolveBackupDir(limits.backup_dir, req.Param("dir"));
        absl::StatusOr<BackupInfo> info = dir.ok() ? store.Checkpoint(*dir) : dir.status();
        if (!info.ok()) {
          const absl::Status& s = info.status();
          int code = absl::IsInvalidArgument(s)      ? 400
                     : absl::IsPermissionDenied(s)   ? 403
                     : absl::IsFailedPrecondition(s) ? 409
                                                     : 500;
          return HttpResponse::Error(code, std::string(s.message()));
        }
        return HttpResponse::Json(200, {{"dir", info->dir},
                                        {"sequence", info->sequence},
                                        {"articles", info->articles},
                                        {"bytes", info->bytes}});
      },
      // A checkpoint of a large store takes a while: off the event loop.
      RouteOptions{.blocking = true});

  server.Route("GET", "/v1/tags", [run](const HttpRequest& req) {
    v1::QueryRequest q;
    if (auto bad = ReadLimit(req, &q)) return *bad;
    q.set_tag_counts(true);
    v1::QueryResponse r = run(q);
    if (!r.ok()) return HttpResponse::Error(500, r.error());
    nlohmann::json tags = nlohmann::json::array();
    for (const auto& t : r.tags())
      tags.push_back({{"name", t.name()}, {"key", t.key()}, {"count", t.count()}});
    return HttpResponse::Json(200, {{"tags", tags}});
  });
}

}  // namespace newsflow::store

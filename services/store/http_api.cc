#include "services/store/http_api.h"

#include <charconv>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/transport/http_server.h"
#include "common/util/article_json.h"

namespace newsflow::store {
namespace {


bool ParseUint(const std::string& s, uint64_t* out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// Reads ?limit=; false (and a 400 answer) when present but not a number.
bool ReadLimit(const httplib::Request& req, httplib::Response& res, v1::QueryRequest* q) {
  if (!req.has_param("limit")) return true;
  uint64_t limit = 0;
  if (!ParseUint(req.get_param_value("limit"), &limit) || limit == 0) {
    SendJson(res, 400, {{"error", "limit must be a positive integer"}});
    return false;
  }
  q->set_limit(static_cast<uint32_t>(std::min<uint64_t>(limit, 1u << 30)));
  return true;
}

nlohmann::json ArticlesJson(const v1::QueryResponse& r, bool with_text) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& a : r.articles()) list.push_back(ArticleToJson(a, with_text));
  return {{"articles", list}, {"last_sequence", r.last_sequence()}, {"more", r.more()}};
}

}  // namespace

void InstallHttpApi(httplib::Server& server, const ArticleStore& store, const QueryLimits& limits,
                    const std::string& token, CountersFn counters) {
  RequireBearerToken(server, token);
  auto run = [&store, limits, counters](const v1::QueryRequest& q) {
    return ExecuteQuery(store, q, limits, counters ? counters() : std::map<std::string, uint64_t>{});
  };

  server.Get("/healthz", [&store](const httplib::Request&, httplib::Response& res) {
    SendJson(res, 200, {{"status", "ok"}, {"last_sequence", store.LastSequence()},
                        {"articles", store.ArticleCount()}});
  });

  server.Get("/metrics", [&store, counters](const httplib::Request&, httplib::Response& res) {
    std::string body;
    body += fmt::format("newsflow_store_articles {}\n", store.ArticleCount());
    body += fmt::format("newsflow_store_last_sequence {}\n", store.LastSequence());
    if (counters) {
      for (const auto& [name, value] : counters()) {
        body += fmt::format("newsflow_store_{}_total {}\n", name, value);
      }
    }
    res.set_content(body, "text/plain; version=0.0.4");
  });

  server.Get("/v1/articles", [run](const httplib::Request& req, httplib::Response& res) {
    v1::QueryRequest q;
    if (!ReadLimit(req, res, &q)) return;
    int filters = req.has_param("tag") + req.has_param("lang") + req.has_param("source") +
                  req.has_param("cluster");
    if (filters > 1) {
      SendJson(res, 400, {{"error", "use at most one of tag, lang, source, cluster"}});
      return;
    }
    if (req.has_param("tag")) {
      q.set_by_tag(req.get_param_value("tag"));
    } else if (req.has_param("lang")) {
      q.set_by_lang(req.get_param_value("lang"));
    } else if (req.has_param("source")) {
      q.set_by_source(req.get_param_value("source"));
    } else if (req.has_param("cluster")) {
      q.set_by_cluster(req.get_param_value("cluster"));
    } else {
      q.set_latest(true);
    }
    v1::QueryResponse r = run(q);
    if (!r.ok()) return SendJson(res, 500, {{"error", r.error()}});
    SendJson(res, 200, ArticlesJson(r, false));
  });

  server.Get(R"(/v1/articles/([0-9A-Za-z_-]+))",
             [run](const httplib::Request& req, httplib::Response& res) {
               v1::QueryRequest q;
               q.set_get_id(req.matches[1]);
               v1::QueryResponse r = run(q);
               if (!r.ok()) return SendJson(res, 404, {{"error", r.error()}});
               SendJson(res, 200, ArticleToJson(r.articles(0), true));
             });

  server.Get(R"(/v1/since/(\d+))", [run](const httplib::Request& req, httplib::Response& res) {
    v1::QueryRequest q;
    uint64_t seq = 0;
    if (!ParseUint(req.matches[1], &seq)) {
      return SendJson(res, 400, {{"error", "sequence must be an unsigned integer"}});
    }
    if (!ReadLimit(req, res, &q)) return;
    q.set_since_seq(seq);
    v1::QueryResponse r = run(q);
    if (!r.ok()) return SendJson(res, 500, {{"error", r.error()}});
    SendJson(res, 200, ArticlesJson(r, false));
  });

  server.Get("/v1/tags", [run](const httplib::Request& req, httplib::Response& res) {
    v1::QueryRequest q;
    if (!ReadLimit(req, res, &q)) return;
    q.set_tag_counts(true);
    v1::QueryResponse r = run(q);
    if (!r.ok()) return SendJson(res, 500, {{"error", r.error()}});
    nlohmann::json tags = nlohmann::json::array();
    for (const auto& t : r.tags()) tags.push_back({{"name", t.name()}, {"key", t.key()}, {"count", t.count()}});
    SendJson(res, 200, {{"tags", tags}});
  });

  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) {
      SendJson(res, res.status, {{"error", fmt::format("http {}", res.status)}});
    }
  });
}

}  // namespace newsflow::store

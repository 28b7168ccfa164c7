// libFuzzer target for the store's query path: a query decoded from any bytes
// (mode 0: a QueryRequest protobuf, as on the ZeroMQ query socket; mode 1: an
// HTTP query string parsed by cpp-httplib into the parameters the HTTP API
// reads - tag, lang, source, cluster, limit, since) runs through ExecuteQuery
// against a small RocksDB store and answers, never crashes, never returns
// more than the limit allows. The first byte picks the mode. To fuzz another
// HTTP layer's parameter parsing, replace ParametersToQuery's input.
#include <unistd.h>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include <httplib.h>

#include <google/protobuf/stubs/logging.h>

#include "services/store/article_store.h"
#include "services/store/query_handler.h"

namespace {

using newsflow::store::ArticleStore;

const ArticleStore& Store() {
  static std::unique_ptr<ArticleStore> store = [] {
    std::string dir =
        (std::filesystem::temp_directory_path() / ("newsflow-query-fuzz-" + std::to_string(getpid())))
            .string();
    std::filesystem::remove_all(dir);
    auto opened = ArticleStore::Open({.path = dir, .sync_writes = false});
    if (!opened.ok()) std::abort();
    std::vector<newsflow::v1::Article> articles;
    for (int i = 0; i < 30; ++i) {
      newsflow::v1::Article a;
      a.set_id("id" + std::to_string(i));
      a.set_version("v" + std::to_string(i));
      a.set_title("Title " + std::to_string(i));
      a.set_text("Text of article " + std::to_string(i));
      a.mutable_source()->set_id(i % 2 ? "src-a" : "src-b");
      a.mutable_enrichment()->set_language(i % 3 ? "en" : "zh");
      auto* t = a.mutable_enrichment()->add_tags();
      t->set_name(i % 4 ? "Harbour" : "Chips");
      t->set_key(i % 4 ? "harbour" : "chips");
      t->set_score(1.0);
      articles.push_back(std::move(a));
    }
    if (!(*opened)->Upsert(articles).ok()) std::abort();
    return *std::move(opened);
  }();
  return *store;
}

// The HTTP API's reading of /v1/articles and /v1/since parameters.
newsflow::v1::QueryRequest ParametersToQuery(const std::string& query_string) {
  httplib::Params params;
  httplib::detail::parse_query_text(query_string, params);
  newsflow::v1::QueryRequest q;
  auto param = [&](const char* key) -> const std::string* {
    auto it = params.find(key);
    return it == params.end() ? nullptr : &it->second;
  };
  if (const std::string* limit = param("limit")) {
    uint64_t n = 0;
    std::from_chars(limit->data(), limit->data() + limit->size(), n);
    q.set_limit(static_cast<uint32_t>(std::min<uint64_t>(n, 1u << 30)));
  }
  if (const std::string* v = param("tag"))
    q.set_by_tag(*v);
  else if (const std::string* v = param("lang"))
    q.set_by_lang(*v);
  else if (const std::string* v = param("source"))
    q.set_by_source(*v);
  else if (const std::string* v = param("cluster"))
    q.set_by_cluster(*v);
  else if (const std::string* v = param("id"))
    q.set_get_id(*v);
  else if (const std::string* v = param("since")) {
    uint64_t seq = 0;
    std::from_chars(v->data(), v->data() + v->size(), seq);
    q.set_since_seq(seq);
  } else {
    q.set_latest(true);
  }
  return q;
}

}  // namespace

// Protobuf logs every string field that is not UTF-8; that is expected here.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  newsflow::v1::QueryRequest q;
  if (data[0] % 2 == 0) {
    if (!q.ParseFromArray(input.data(), static_cast<int>(input.size()))) return 0;
  } else {
    q = ParametersToQuery(std::string(input));
  }
  const newsflow::store::QueryLimits limits{.default_limit = 5, .max_limit = 10};
  newsflow::v1::QueryResponse r = newsflow::store::ExecuteQuery(Store(), q, limits, {});
  if (r.articles_size() > limits.max_limit || r.tags_size() > limits.max_limit) std::abort();
  if (!r.ok() && r.error().empty()) std::abort();
  return 0;
}

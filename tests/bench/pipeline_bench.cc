// Throughput of the pipeline's CPU stages on the bundled sample articles:
// feed parsing, enrichment (English and Chinese separately) and the store's
// group commit. Run from the repository root:
//
//   build/tests/bench/newsflow_pipeline_bench
//
// items_per_second is articles (or feeds) per second on one core;
// bytes_per_second is input text throughput.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "common/util/hash.h"
#include "newsflow/v1/article.pb.h"
#include "services/enrich/core/enricher.h"
#include "services/enrich/enrich_service.h"
#include "services/ingest/article_builder.h"
#include "services/ingest/feed/feed_parser.h"
#include "services/store/article_store.h"

namespace newsflow {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::string> FeedFiles() {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("samples/feeds", ec)) {
    if (e.path().extension() == ".xml") files.push_back(e.path().string());
  }
  return files;
}

// Sample articles whose source declares `lang` ("en" or "zh").
std::vector<v1::Article> SampleArticles(const std::string& lang) {
  std::vector<v1::Article> out;
  for (const auto& f : FeedFiles()) {
    auto feed = ingest::ParseFeed(ReadAll(f), f);
    if (!feed.ok()) continue;
    bool zh = feed->language.rfind("zh", 0) == 0;
    if (zh != (lang == "zh")) continue;
    for (const auto& item : feed->items) {
      auto a = ingest::ArticleFromFeedItem(item, *feed, f, "bench", 0);
      if (a && !a->text().empty()) out.push_back(*a);
    }
  }
  return out;
}

void BM_ParseFeed(benchmark::State& state) {
  std::vector<std::string> feeds;
  for (const auto& f : FeedFiles()) feeds.push_back(ReadAll(f));
  if (feeds.empty()) return state.SkipWithError("run from the repository root (samples/feeds)");
  std::size_t i = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    const std::string& feed = feeds[i++ % feeds.size()];
    auto parsed = ingest::ParseFeed(feed);
    benchmark::DoNotOptimize(parsed);
    bytes += static_cast<int64_t>(feed.size());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_ParseFeed);

void BM_Enrich(benchmark::State& state, const std::string& lang) {
  std::vector<v1::Article> articles = SampleArticles(lang);
  if (articles.empty()) return state.SkipWithError("run from the repository root (samples/feeds)");
  enrich::Enricher enricher(enrich::EnrichOptions{});
  std::size_t i = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    v1::Article a = articles[i++ % articles.size()];
    enrich::EnrichArticle(enricher, "bench", &a);
    benchmark::DoNotOptimize(a);
    bytes += static_cast<int64_t>(a.title().size() + a.text().size());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}
BENCHMARK_CAPTURE(BM_Enrich, english, std::string("en"));
BENCHMARK_CAPTURE(BM_Enrich, chinese, std::string("zh"));

// Group commit of enriched articles, batch size state.range(0); the second
// argument selects WAL fsync per batch (the store's default) or not.
void BM_StoreUpsert(benchmark::State& state) {
  std::vector<v1::Article> samples = SampleArticles("en");
  auto zh = SampleArticles("zh");
  samples.insert(samples.end(), zh.begin(), zh.end());
  if (samples.empty()) return state.SkipWithError("run from the repository root (samples/feeds)");
  enrich::Enricher enricher(enrich::EnrichOptions{});
  for (auto& a : samples) enrich::EnrichArticle(enricher, "bench", &a);
  char tmpl[] = "/tmp/newsflow-bench-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return state.SkipWithError("mkdtemp failed");
  {
    auto store = store::ArticleStore::Open({tmpl, state.range(1) != 0});
    if (!store.ok()) return state.SkipWithError("cannot open store");
    const int batch_size = static_cast<int>(state.range(0));
    uint64_t n = 0;
    for (auto _ : state) {
      std::vector<v1::Article> batch;
      for (int b = 0; b < batch_size; ++b, ++n) {
        v1::Article a = samples[n % samples.size()];
        a.set_id(HashHex("bench:" + std::to_string(n)));  // every one a new article
        batch.push_back(std::move(a));
      }
      auto results = (*store)->Upsert(batch);
      if (!results.ok()) return state.SkipWithError("upsert failed");
    }
    state.SetItemsProcessed(state.iterations() * batch_size);
  }
  fs::remove_all(tmpl);
}
BENCHMARK(BM_StoreUpsert)->Args({1, 1})->Args({64, 1})->Args({256, 1})->Args({64, 0});

}  // namespace
}  // namespace newsflow

BENCHMARK_MAIN();

// Index throughput and search latency of the store's full-text search
// (services/store/search_index.h) on generated articles: a real RocksDB
// ArticleStore and a real Xapian index in a temporary folder.
//
//   newsflow_search_bench [--articles N] [--queries Q] [--live 0|1]
//
// Articles: tests/bench/synthetic_articles.h, committed in batches of 256.
//
// Offline: the store commits them all first ("store_articles_per_s", the
// time in Upsert only); the index then catches up from the sequence log
// (SearchIndex::CatchUpAll, as the CLI and --reindex do; "index_s",
// "index_articles_per_s").
// Live (--live 1, the default): the same articles into a second store
// while a SearchIndexer follows it, as in the store daemon:
// "live_store_articles_per_s" is the store's rate with indexing on (time
// in Upsert only), "live_indexed_s" the time from the first commit until
// the indexer has committed the last one.
// Queries: on the offline index through a SearchReader, as the daemon
// answers them: two words of one language drawn by frequency (relevance
// order, 20 hits, snippets), one in five with a lang filter, one in five
// newest first ("search_ms_p50", "search_ms_p99", "mean_hits").
// Related articles (services/store/related.h, no cache): asked for Q
// articles spread over the offline store ("related_ms_p50",
// "related_ms_p99", "mean_related").
// Prints one JSON object with the fields named above.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "common/util/time.h"
#include "services/store/article_store.h"
#include "services/store/related.h"
#include "services/store/search_index.h"
#include "services/store/search_indexer.h"
#include "tests/bench/synthetic_articles.h"

namespace {

using namespace newsflow;
using bench::Percentile;
using Clock = std::chrono::steady_clock;

}  // namespace

int main(int argc, char** argv) {
  std::size_t n_articles = 4000, n_queries = 1000;
  bool live = true;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--articles") n_articles = std::strtoul(argv[i + 1], nullptr, 10);
    if (flag == "--queries") n_queries = std::strtoul(argv[i + 1], nullptr, 10);
    if (flag == "--live") live = std::strtoul(argv[i + 1], nullptr, 10) != 0;
  }
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / fmt::format("newsflow-search-bench-{}", ::getpid());
  std::filesystem::create_directories(dir);
  const int64_t start_ms = NowMs();
  bench::SyntheticArticles generator(n_articles, start_ms);
  // Stores every article in batches of 256 (the same articles each call:
  // the generator restarts); `after_batch` runs after each commit. Returns
  // the seconds spent in Upsert.
  auto store_all = [&](store::ArticleStore& db, const std::function<void()>& after_batch) -> double {
    generator.Reseed(7);
    double upsert_s = 0;
    std::vector<v1::Article> batch;
    for (std::size_t i = 0; i < n_articles; ++i) {
      batch.push_back(generator.Make(i));
      if (batch.size() == 256 || i + 1 == n_articles) {
        const auto u0 = Clock::now();
        if (!db.Upsert(batch).ok()) return -1;
        upsert_s += std::chrono::duration<double>(Clock::now() - u0).count();
        batch.clear();
        after_batch();
      }
    }
    return upsert_s;
  };
  auto store = store::ArticleStore::Open({(dir / "db").string(), /*sync_writes=*/false});
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", std::string(store.status().message()).c_str());
    return 1;
  }
  const double store_s = store_all(**store, [] {});
  if (store_s < 0) return 1;

  const std::string path = (dir / "search").string();
  const auto t0 = Clock::now();
  {
    auto index = store::SearchIndex::Open(path);
    if (!index.ok() || !(*index)->CatchUpAll(**store).ok()) return 1;
  }
  const double index_s = std::chrono::duration<double>(Clock::now() - t0).count();

  double live_store_s = 0, live_indexed_s = 0;
  if (live) {
    auto live_db = store::ArticleStore::Open({(dir / "live-db").string(), /*sync_writes=*/false});
    if (!live_db.ok()) return 1;
    auto index = store::SearchIndex::Open((dir / "live-search").string());
    if (!index.ok()) return 1;
    const auto l0 = Clock::now();
    store::SearchIndexer indexer(**live_db, *std::move(index));
    live_store_s = store_all(**live_db, [&] { indexer.Notify(); });
    if (live_store_s < 0) return 1;
    while (indexer.LastSequence() < (*live_db)->LastSequence()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    live_indexed_s = std::chrono::duration<double>(Clock::now() - l0).count();
  }

  std::vector<double> latencies;
  double hits = 0;
  store::SearchReader reader(path);
  for (std::size_t q = 0; q < n_queries; ++q) {
    const bool zh = q % 2 == 1;
    store::SearchRequest r;
    r.query = zh ? generator.Phrase(true, 2) + " " + generator.Phrase(true, 2) : generator.Phrase(false, 2);
    if (q % 5 == 0) r.lang = zh ? "zh" : "en";
    if (q % 5 == 1) r.order = store::SearchOrder::kNewest;
    const auto s0 = Clock::now();
    auto result = reader.Search(r);
    latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - s0).count());
    if (!result.ok()) {
      std::fprintf(stderr, "%s\n", std::string(result.status().message()).c_str());
      return 1;
    }
    hits += static_cast<double>(result->hits.size());
  }
  store::RelatedFinder finder(**store, path, {.cache_ms = 0});
  std::vector<double> related_latencies;
  double related = 0;
  for (std::size_t q = 0; q < n_queries; ++q) {
    const std::string id = fmt::format("{:016x}", q * n_articles / n_queries + 1);
    const auto s0 = Clock::now();
    auto result = finder.Find(id, 5);
    related_latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - s0).count());
    if (!result.ok()) {
      std::fprintf(stderr, "%s\n", std::string(result.status().message()).c_str());
      return 1;
    }
    related += static_cast<double>(result->related.size());
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  const auto n = static_cast<double>(n_articles);
  std::printf(
      "{\"articles\": %zu, \"store_articles_per_s\": %.0f, \"index_s\": %.3f, \"index_articles_per_s\": "
      "%.0f, \"live_store_articles_per_s\": %.0f, \"live_indexed_s\": %.3f, \"queries\": %zu, "
      "\"search_ms_p50\": %.3f, \"search_ms_p99\": %.3f, \"mean_hits\": %.1f, \"related_ms_p50\": %.3f, "
      "\"related_ms_p99\": %.3f, \"mean_related\": %.1f}\n",
      n_articles, n / store_s, index_s, n / index_s, live ? n / live_store_s : 0.0, live_indexed_s, n_queries,
      Percentile(latencies, 0.5), Percentile(latencies, 0.99), hits / static_cast<double>(n_queries),
      Percentile(related_latencies, 0.5), Percentile(related_latencies, 0.99),
      related / static_cast<double>(n_queries));
  return 0;
}

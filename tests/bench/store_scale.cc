// The store at scale: a real ArticleStore (RocksDB, synchronous writes as
// the daemon's default) with its live SearchIndexer (Xapian), loaded with
// generated articles (tests/bench/synthetic_articles.h) in batches of 256,
// measured at each checkpoint of a growth curve.
//
//   newsflow_store_scale [--checkpoints 100000,1000000] [--queries 1000]
//                        [--dir FOLDER] [--sync 0|1]
//
// At each checkpoint, one JSON line:
//   store_articles_per_s   articles stored per second of wall time since the
//                          previous checkpoint, with the indexer following
//                          on the other core (as in the daemon);
//   index_catch_up_s       then, until the indexer has the last article;
//   search_ms_p50/p99      two words of one language with a filter (the
//                          language, or one in four a tag), 20 hits and
//                          snippets, through a SearchReader;
//   by_tag_ms_p50/p99      newest 20 of a tag (ArticleStore::List);
//   by_id_ms_p50/p99       one article by id (ArticleStore::Get);
//   related_ms_p50/p99     related articles, no cache (RelatedFinder);
//   rss_mb, peak_rss_mb    this process (store, index, reader) now and peak;
//   db_bytes_per_article, index_bytes_per_article   on disk;
//   reopen_s               closing the store and opening it again (a
//                          restart after a clean stop).
// The folder (a new one under the temporary folder by default) is removed
// at the end.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "common/util/time.h"
#include "services/store/article_store.h"
#include "services/store/keys.h"
#include "services/store/related.h"
#include "services/store/search_index.h"
#include "services/store/search_indexer.h"
#include "tests/bench/synthetic_articles.h"

namespace {

using namespace newsflow;
using bench::Percentile;
using Clock = std::chrono::steady_clock;

double Ms(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

// VmRSS or VmHWM of this process, in MiB.
double StatusMb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0)
      return std::strtod(line.c_str() + field.size() + 1, nullptr) / 1024.0;
  }
  return 0;
}

uint64_t FolderBytes(const std::filesystem::path& dir) {
  uint64_t bytes = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) bytes += it->file_size(ec);
  }
  return bytes;
}

int Fail(const absl::Status& s) {
  std::fprintf(stderr, "%s\n", s.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::size_t> checkpoints = {100000, 1000000};
  std::size_t n_queries = 1000;
  bool sync = true;
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / fmt::format("newsflow-store-scale-{}", ::getpid());
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--checkpoints") {
      checkpoints.clear();
      for (std::size_t at = 0; at < value.size();) {
        const std::size_t comma = std::min(value.find(',', at), value.size());
        checkpoints.push_back(std::strtoul(value.substr(at, comma - at).c_str(), nullptr, 10));
        at = comma + 1;
      }
    } else if (flag == "--queries") {
      n_queries = std::strtoul(value.c_str(), nullptr, 10);
    } else if (flag == "--dir") {
      dir = value;
    } else if (flag == "--sync") {
      sync = value != "0";
    } else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  std::sort(checkpoints.begin(), checkpoints.end());
  const std::size_t total = checkpoints.back();
  std::filesystem::create_directories(dir);
  const std::string db_path = (dir / "db").string(), index_path = (dir / "search").string();

  bench::SyntheticArticles generator(total, NowMs());
  auto store = store::ArticleStore::Open({db_path, sync});
  if (!store.ok()) return Fail(store.status());
  auto index = store::SearchIndex::Open(index_path);
  if (!index.ok()) return Fail(index.status());
  auto indexer = std::make_unique<store::SearchIndexer>(**store, *std::move(index));

  std::size_t stored = 0;
  std::vector<v1::Article> batch;
  for (std::size_t checkpoint : checkpoints) {
    const auto segment_start = Clock::now();
    const std::size_t segment_first = stored;
    for (; stored < checkpoint; ++stored) {
      batch.push_back(generator.Make(stored));
      if (batch.size() == 256 || stored + 1 == checkpoint) {
        if (auto r = (*store)->Upsert(batch); !r.ok()) return Fail(r.status());
        batch.clear();
        indexer->Notify();
      }
    }
    const double store_s = Ms(segment_start) / 1000;
    const auto catch_up = Clock::now();
    while (indexer->LastSequence() < (*store)->LastSequence()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    const double catch_up_s = Ms(catch_up) / 1000;

    // Query latencies on articles spread over everything stored.
    std::vector<double> search_ms, tag_ms, id_ms, related_ms;
    store::SearchReader reader(index_path);
    store::RelatedFinder finder(**store, index_path, {.cache_ms = 0});
    for (std::size_t q = 0; q < n_queries; ++q) {
      const std::string id = fmt::format("{:016x}", (q * 7919) % stored + 1);
      auto t0 = Clock::now();
      auto article = (*store)->Get(id);
      id_ms.push_back(Ms(t0));
      if (!article.ok()) return Fail(article.status());
      const std::string tag = store::IndexedTagKey(article->enrichment().tags(0));
      t0 = Clock::now();
      auto page = (*store)->List(store::ListIndex::kTag, tag, {.limit = 20});
      tag_ms.push_back(Ms(t0));
      if (!page.ok()) return Fail(page.status());
      const bool zh = q % 2 == 1;
      store::SearchRequest r;
      r.query = zh ? generator.Phrase(true, 2) + " " + generator.Phrase(true, 2) : generator.Phrase(false, 2);
      if (q % 4 == 3) {
        r.tag = tag;
      } else {
        r.lang = zh ? "zh" : "en";
      }
      t0 = Clock::now();
      auto hits = reader.Search(r);
      search_ms.push_back(Ms(t0));
      if (!hits.ok()) return Fail(hits.status());
      if (q % 4 == 0) {
        t0 = Clock::now();
        auto related = finder.Find(*article, 5);
        related_ms.push_back(Ms(t0));
        if (!related.ok()) return Fail(related.status());
      }
    }
    const double rss = StatusMb("VmRSS"), peak = StatusMb("VmHWM");
    const auto n = static_cast<double>(stored);
    const double db_per = static_cast<double>(FolderBytes(db_path)) / n;
    const double index_per = static_cast<double>(FolderBytes(index_path)) / n;

    // A restart after a clean stop: the indexer first (it reads the store).
    indexer.reset();
    store->reset();
    const auto reopen = Clock::now();
    store = store::ArticleStore::Open({db_path, sync});
    const double reopen_s = Ms(reopen) / 1000;
    if (!store.ok()) return Fail(store.status());
    index = store::SearchIndex::Open(index_path);
    if (!index.ok()) return Fail(index.status());
    indexer = std::make_unique<store::SearchIndexer>(**store, *std::move(index));

    std::printf(
        "{\"articles\": %zu, \"store_articles_per_s\": %.0f, \"index_catch_up_s\": %.1f, "
        "\"search_ms_p50\": %.2f, \"search_ms_p99\": %.2f, \"by_tag_ms_p50\": %.3f, \"by_tag_ms_p99\": %.3f, "
        "\"by_id_ms_p50\": %.3f, \"by_id_ms_p99\": %.3f, \"related_ms_p50\": %.2f, \"related_ms_p99\": %.2f, "
        "\"rss_mb\": %.0f, \"peak_rss_mb\": %.0f, \"db_bytes_per_article\": %.0f, "
        "\"index_bytes_per_article\": %.0f, \"reopen_s\": %.2f}\n",
        stored, static_cast<double>(stored - segment_first) / store_s, catch_up_s, Percentile(search_ms, 0.5),
        Percentile(search_ms, 0.99), Percentile(tag_ms, 0.5), Percentile(tag_ms, 0.99),
        Percentile(id_ms, 0.5), Percentile(id_ms, 0.99), Percentile(related_ms, 0.5),
        Percentile(related_ms, 0.99), rss, peak, db_per, index_per, reopen_s);
    std::fflush(stdout);
  }
  indexer.reset();
  store->reset();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return 0;
}

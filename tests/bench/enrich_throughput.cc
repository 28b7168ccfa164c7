// Throughput of the whole enrichment (language, tokens, tags, summary, key
// points, SimHash) on articles from a JSONL file, in process, for the
// side-by-side comparison with jieba in tools/bench/enrich_vs_jieba.sh.
//
//   newsflow_enrich_throughput [--runs N] [--min-time SECONDS] [--max-tags N] FILE.jsonl
//
// Each line is an object with "text" and optionally "title". One pass
// enriches every article once with one Enricher (which, as in the service,
// keeps learning document frequencies). After one warm-up pass, each run
// repeats passes until it has used at least --min-time seconds of CPU and
// records the CPU time per pass (user + system of this process). Prints one
// JSON object:
//   {"docs": N, "bytes": B, "runs": [s, ...], "median_s": s, "docs_per_s": x,
//    "mb_per_s": y}
// where bytes counts the UTF-8 of titles and texts, and the rates come from
// the median CPU time per pass.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "services/enrich/core/enricher.h"
#include "tests/bench/cpu_passes.h"

namespace {

struct Article {
  std::string title;
  std::string text;
};

size_t Pass(newsflow::enrich::Enricher& enricher, const std::vector<Article>& articles) {
  size_t tags = 0;
  for (const Article& article : articles) {
    tags += enricher.Enrich(article.title, article.text).tags.size();
  }
  return tags;
}

int Usage() {
  std::cerr << "usage: newsflow_enrich_throughput [--runs N] [--min-time SECONDS] "
               "[--max-tags N] FILE.jsonl\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 5;
  double min_time = 0.5;
  newsflow::enrich::EnrichOptions options;
  std::string path;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--min-time" && i + 1 < argc) {
      min_time = std::atof(argv[++i]);
    } else if (arg == "--max-tags" && i + 1 < argc) {
      options.max_tags = std::atoi(argv[++i]);
    } else if (!arg.empty() && arg[0] == '-') {
      return Usage();
    } else if (path.empty()) {
      path = arg;
    } else {
      return Usage();
    }
  }
  if (path.empty()) return Usage();
  std::ifstream in(path);
  if (!in) {
    std::cerr << "cannot read " << path << "\n";
    return 1;
  }
  std::vector<Article> articles;
  size_t bytes = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    nlohmann::json object = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!object.is_object()) {
      std::cerr << "not a JSON object: " << line.substr(0, 80) << "\n";
      return 1;
    }
    Article article;
    article.title = object.value("title", "");
    article.text = object.value("text", "");
    bytes += article.title.size() + article.text.size();
    articles.push_back(std::move(article));
  }
  if (articles.empty()) return Usage();

  newsflow::enrich::Enricher enricher(newsflow::enrich::SanitizeOptions(options));
  if (!enricher.init_status().ok()) {
    std::cerr << enricher.init_status() << "\n";
    return 1;
  }
  const std::vector<double> per_pass =
      newsflow::bench::TimePasses([&] { Pass(enricher, articles); }, runs, min_time);
  std::printf("{\"docs\": %zu, \"bytes\": %zu, ", articles.size(), bytes);
  const double median = newsflow::bench::PrintRunsAndMedian(per_pass);
  std::printf(", \"docs_per_s\": %.1f, \"mb_per_s\": %.2f}\n", static_cast<double>(articles.size()) / median,
              static_cast<double>(bytes) / 1e6 / median);
  return 0;
}

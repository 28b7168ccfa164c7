// Throughput of the pipeline's feed parser (ParseFeed) on files, for the
// side-by-side comparison with Python's feedparser in
// tools/bench/feeds_vs_feedparser.sh.
//
//   newsflow_feed_throughput [--runs N] [--min-time SECONDS] FILE...
//   newsflow_feed_throughput [--runs N] [--min-time SECONDS] --files-from LIST
//
// All files are read into memory first. One pass parses every file once.
// After one warm-up pass, each run repeats passes until it has used at least
// --min-time seconds of CPU and records the CPU time per pass (user + system
// of this process). Prints one JSON object:
//   {"files": N, "bytes": B, "parsed": P, "rejected": R, "runs": [s, ...],
//    "median_s": s, "feeds_per_s": x, "mb_per_s": y}
// where the rates come from the median CPU time per pass.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "services/ingest/feed/feed_parser.h"
#include "tests/bench/cpu_passes.h"

namespace {

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *out = buffer.str();
  return true;
}

// Parses every document once; counts the feeds that parse.
int Pass(const std::vector<std::string>& docs) {
  int parsed = 0;
  for (const std::string& doc : docs) {
    absl::StatusOr<newsflow::ingest::ParsedFeed> feed =
        newsflow::ingest::ParseFeed(doc, "http://bench.example/feed.xml");
    if (feed.ok()) ++parsed;
  }
  return parsed;
}

int Usage() {
  std::cerr << "usage: newsflow_feed_throughput [--runs N] [--min-time SECONDS] "
               "(FILE... | --files-from LIST)\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 5;
  double min_time = 0.5;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--min-time" && i + 1 < argc) {
      min_time = std::atof(argv[++i]);
    } else if (arg == "--files-from" && i + 1 < argc) {
      std::ifstream list(argv[++i]);
      if (!list) return Usage();
      for (std::string line; std::getline(list, line);) {
        if (!line.empty()) paths.push_back(line);
      }
    } else if (!arg.empty() && arg[0] == '-') {
      return Usage();
    } else {
      paths.push_back(arg);
    }
  }
  if (paths.empty()) return Usage();
  std::vector<std::string> docs(paths.size());
  size_t bytes = 0;
  for (size_t i = 0; i < paths.size(); ++i) {
    if (!ReadFile(paths[i], &docs[i])) {
      std::cerr << "cannot read " << paths[i] << "\n";
      return 1;
    }
    bytes += docs[i].size();
  }
  int parsed = 0;
  const std::vector<double> per_pass =
      newsflow::bench::TimePasses([&] { parsed = Pass(docs); }, runs, min_time);
  std::printf("{\"files\": %zu, \"bytes\": %zu, \"parsed\": %d, \"rejected\": %zu, ", docs.size(), bytes,
              parsed, docs.size() - static_cast<size_t>(parsed));
  const double median = newsflow::bench::PrintRunsAndMedian(per_pass);
  std::printf(", \"feeds_per_s\": %.1f, \"mb_per_s\": %.2f}\n", static_cast<double>(docs.size()) / median,
              static_cast<double>(bytes) / 1e6 / median);
  return 0;
}

// CPU-time measurement shared by the in-process throughput binaries
// (newsflow_feed_throughput, newsflow_enrich_throughput): after one warm-up
// pass, each run repeats passes until it has used at least `min_time`
// seconds of this process's CPU (user + system) and records the CPU time per
// pass; rates come from the median run.
#ifndef NEWSFLOW_TESTS_BENCH_CPU_PASSES_H_
#define NEWSFLOW_TESTS_BENCH_CPU_PASSES_H_

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace newsflow::bench {

inline double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// CPU seconds per pass of each of `runs` runs of `pass`, after one warm-up.
template <typename Pass>
std::vector<double> TimePasses(Pass&& pass, int runs, double min_time) {
  pass();  // warm-up
  std::vector<double> per_pass;
  for (int run = 0; run < runs; ++run) {
    int passes = 0;
    const double start = CpuSeconds();
    double elapsed = 0;
    do {
      pass();
      ++passes;
      elapsed = CpuSeconds() - start;
    } while (elapsed < min_time);
    per_pass.push_back(elapsed / passes);
  }
  return per_pass;
}

inline double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// Prints `"runs": [s, ...], "median_s": s` (the JSON members both binaries
// report) and returns the median.
inline double PrintRunsAndMedian(const std::vector<double>& per_pass) {
  std::printf("\"runs\": [");
  for (size_t i = 0; i < per_pass.size(); ++i) {
    std::printf("%s%.6f", i == 0 ? "" : ", ", per_pass[i]);
  }
  const double median = Median(per_pass);
  std::printf("], \"median_s\": %.6f", median);
  return median;
}

}  // namespace newsflow::bench

#endif  // NEWSFLOW_TESTS_BENCH_CPU_PASSES_H_

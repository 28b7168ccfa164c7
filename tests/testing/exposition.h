// A strict reader of the Prometheus text exposition format 0.0.4 for tests:
// what a daemon serves on /metrics must parse here, with `# HELP` and
// `# TYPE` before the samples of each family, and histogram series
// (_bucket, _sum, _count) under their family's TYPE.
//
//   auto parsed = ParseExposition(body);
//   ASSERT_TRUE(parsed.ok()) << parsed.status();
//   EXPECT_EQ(parsed->at("newsflow_store_articles").type, "gauge");
//   double n = parsed->Value("newsflow_ingest_articles_total", {{"outcome", "acked"}});
#ifndef NEWSFLOW_TESTS_TESTING_EXPOSITION_H_
#define NEWSFLOW_TESTS_TESTING_EXPOSITION_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace newsflow::testing {

struct ExpositionSample {
  std::string name;  // as written: family name, or with _bucket/_sum/_count
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct ExpositionFamily {
  std::string help;
  std::string type;  // counter, gauge, histogram, ...
  std::vector<ExpositionSample> samples;
};

struct Exposition : std::map<std::string, ExpositionFamily> {
  // The value of sample `name` whose labels include `labels`; nullopt when
  // there is none. `name` may be a histogram's name_count or name_sum.
  std::optional<double> Find(const std::string& name,
                             const std::map<std::string, std::string>& labels = {}) const;
  // Find's value, or -1 when absent (reads well in EXPECT_GT).
  double Value(const std::string& name, const std::map<std::string, std::string>& labels = {}) const {
    return Find(name, labels).value_or(-1);
  }
};

// kInvalidArgument with the line number for any line that breaks the
// format: a sample before its family's TYPE, a family whose HELP or TYPE is
// missing or repeated, a malformed label set or value, a counter name
// without _total, a histogram without +Inf bucket, _sum or _count, or with
// buckets that decrease.
absl::StatusOr<Exposition> ParseExposition(const std::string& text);

}  // namespace newsflow::testing

#endif  // NEWSFLOW_TESTS_TESTING_EXPOSITION_H_

// Metrics: counters, gauges and histograms that a daemon serves on /metrics
// in the Prometheus text exposition format 0.0.4 (`# HELP` and `# TYPE` per
// family, cumulative `_bucket{le="..."}`, `_sum` and `_count` for
// histograms).
//
// A Registry owns its metrics; the references it hands out stay valid for
// its life, so a hot path keeps them and updates them with one atomic
// operation (no lock, no lookup per increment). Values that already live
// elsewhere (an outbox's depth in RocksDB, the Counters a service keeps,
// whether a socket is connected) are read at scrape time by callbacks and
// collectors instead of being counted twice. Registration takes the
// registry's mutex and is meant for start-up; Render() takes it too and
// runs the callbacks under it, so a callback must not register. Thread-safe.
//
//   metrics::Registry registry;
//   auto& fetched = registry.AddCounter("newsflow_ingest_fetches_total", "Feed fetches.",
//                                       {{"outcome", "ok"}});
//   auto& took = registry.AddHistogram("newsflow_ingest_fetch_duration_seconds",
//                                      "Feed fetch time.", metrics::kLatencyBuckets);
//   fetched.Inc();
//   took.Observe(0.12);
//   std::string text = registry.Render();
//
// Names follow Prometheus conventions: newsflow_<daemon>_<what>[_<unit>],
// counters end in _total, base units (seconds, bytes). The module checks name
// syntax (invalid characters become '_'), not the conventions.
#ifndef NEWSFLOW_COMMON_METRICS_METRICS_H_
#define NEWSFLOW_COMMON_METRICS_METRICS_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace newsflow {
class Counters;
}

namespace newsflow::metrics {

// Label name -> value pairs of one series, in the order written.
using Labels = std::vector<std::pair<std::string, std::string>>;

enum class Type { kCounter, kGauge, kHistogram };

// Upper bounds, in seconds, for durations from a millisecond to a minute.
inline const std::vector<double> kLatencyBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                    0.5,   1,      2.5,   5,    10,    30,   60};

// Monotonic count. Inc is one relaxed atomic add.
class Counter {
 public:
  void Inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double delta);  // compare-exchange loop, lock-free
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted into fixed buckets (upper bounds, inclusive, as
// Prometheus's `le`; +Inf is implied). Observe is two atomic adds and a
// compare-exchange for the sum; a scrape may see a count and a sum a few
// observations apart, never a torn number.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);  // sorted ascending, finite
  void Observe(double value);

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative;  // per bound, then +Inf (== count)
    double sum = 0;
  };
  Snapshot Read() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1, not cumulative
  std::atomic<double> sum_{0};
};

// One sample a collector reports at scrape time.
struct Sample {
  Labels labels;
  double value = 0;
};
// One counter or gauge family a collector reports at scrape time.
struct FamilySnapshot {
  std::string name;
  std::string help;
  Type type = Type::kGauge;
  std::vector<Sample> samples;
};
using Collector = std::function<std::vector<FamilySnapshot>()>;

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The series `name{labels}`, made on first use (the same reference after).
  // A name keeps the help and type it was first registered with.
  Counter& AddCounter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& AddGauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& AddHistogram(const std::string& name, const std::string& help, const std::vector<double>& bounds,
                          const Labels& labels = {});
  // A series whose value `read` returns at scrape time (type kCounter or
  // kGauge). `read` must be callable from any thread while the registry lives.
  void AddCallback(const std::string& name, const std::string& help, Type type, std::function<double()> read,
                   const Labels& labels = {});
  // Families whose series are only known at scrape time (feeds by state,
  // a Counters object's names).
  void AddCollector(Collector collector);

  // Every family in the text exposition format 0.0.4, by name.
  std::string Render() const;

 private:
  struct Series {
    Labels labels;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
    std::function<double()> read;
  };
  struct Family {
    std::string help;
    Type type = Type::kGauge;
    std::vector<std::unique_ptr<Series>> series;
  };
  Series& FindOrAdd(const std::string& name, const std::string& help, Type type, const Labels& labels);

  mutable std::mutex mu_;
  std::map<std::string, Family> families_;  // GUARDED_BY(mu_)
  std::vector<Collector> collectors_;       // GUARDED_BY(mu_)
};

// A collector serving every count `snapshot` returns (e.g. a Counters
// object's Snapshot, read at each scrape) as the counter family
// `<prefix>_<name>_total`, with help[name] when given (else "<what>: <name>.").
using CountsFn = std::function<std::map<std::string, uint64_t>()>;
Collector CountersCollector(CountsFn snapshot, std::string prefix, std::string what,
                            std::map<std::string, std::string> help = {});
// The same for a Counters object, which must outlive the collector.
Collector CountersCollector(const Counters& counters, std::string prefix, std::string what,
                            std::map<std::string, std::string> help = {});

// Exposition-format helpers (exposed for tests): a valid metric or label name
// (other characters become '_'), an escaped label value or help text, a
// sample value ("+Inf", "-Inf", "NaN", integers without a fraction).
std::string SanitizeName(std::string_view name);
std::string EscapeLabelValue(std::string_view value);
std::string EscapeHelp(std::string_view help);
std::string FormatValue(double value);

// Content-Type of the text format.
inline constexpr char kContentType[] = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace newsflow::metrics

#endif  // NEWSFLOW_COMMON_METRICS_METRICS_H_

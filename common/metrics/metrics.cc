#include "common/metrics/metrics.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "common/util/counters.h"

namespace newsflow::metrics {
namespace {

void AddTo(std::atomic<double>& target, double delta) {
  double old = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(old, old + delta, std::memory_order_relaxed)) {
  }
}

std::string_view TypeName(Type type) {
  switch (type) {
    case Type::kCounter:
      return "counter";
    case Type::kGauge:
      return "gauge";
    case Type::kHistogram:
      return "histogram";
  }
  return "untyped";
}

// {a="1",b="2"} with `extra` (le) last; "" without labels.
std::string LabelText(const Labels& labels, const std::pair<std::string, std::string>* extra = nullptr) {
  if (labels.empty() && extra == nullptr) return "";
  std::string out = "{";
  auto add = [&out](const std::string& name, const std::string& value) {
    if (out.size() > 1) out += ',';
    out += SanitizeName(name);
    out += "=\"";
    out += EscapeLabelValue(value);
    out += '"';
  };
  for (const auto& [name, value] : labels) add(name, value);
  if (extra != nullptr) add(extra->first, extra->second);
  out += '}';
  return out;
}

void WriteHeader(std::string& out, const std::string& name, const std::string& help, Type type) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, EscapeHelp(help), name, TypeName(type));
}

}  // namespace

void Gauge::Add(double delta) { AddTo(value_, delta); }

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)) {
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
  buckets_ = std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1);
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double value) {
  // First bound >= value: `le` is inclusive. NaN lands in +Inf.
  const std::size_t i = std::isnan(value)
                            ? bounds_.size()
                            : static_cast<std::size_t>(
                                  std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  AddTo(sum_, value);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot s;
  s.bounds = bounds_;
  uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

Registry::Series& Registry::FindOrAdd(const std::string& raw_name, const std::string& help, Type type,
                                      const Labels& labels) {
  const std::string name = SanitizeName(raw_name);
  std::lock_guard lock(mu_);
  auto [it, added] = families_.try_emplace(name);
  Family& family = it->second;
  if (added) {
    family.help = help;
    family.type = type;
  }
  for (auto& series : family.series) {
    if (series->labels == labels) return *series;
  }
  family.series.push_back(std::make_unique<Series>());
  family.series.back()->labels = labels;
  return *family.series.back();
}

Counter& Registry::AddCounter(const std::string& name, const std::string& help, const Labels& labels) {
  Series& s = FindOrAdd(name, help, Type::kCounter, labels);
  std::lock_guard lock(mu_);
  if (!s.counter) s.counter = std::make_unique<Counter>();
  return *s.counter;
}

Gauge& Registry::AddGauge(const std::string& name, const std::string& help, const Labels& labels) {
  Series& s = FindOrAdd(name, help, Type::kGauge, labels);
  std::lock_guard lock(mu_);
  if (!s.gauge) s.gauge = std::make_unique<Gauge>();
  return *s.gauge;
}

Histogram& Registry::AddHistogram(const std::string& name, const std::string& help,
                                  const std::vector<double>& bounds, const Labels& labels) {
  Series& s = FindOrAdd(name, help, Type::kHistogram, labels);
  std::lock_guard lock(mu_);
  if (!s.histogram) s.histogram = std::make_unique<Histogram>(bounds);
  return *s.histogram;
}

void Registry::AddCallback(const std::string& name, const std::string& help, Type type,
                           std::function<double()> read, const Labels& labels) {
  Series& s = FindOrAdd(name, help, type, labels);
  std::lock_guard lock(mu_);
  s.read = std::move(read);
}

void Registry::AddCollector(Collector collector) {
  std::lock_guard lock(mu_);
  collectors_.push_back(std::move(collector));
}

std::string Registry::Render() const {
  std::lock_guard lock(mu_);
  // Collected families join the registered ones by name; a collected sample
  // never replaces a registered series.
  std::map<std::string, FamilySnapshot> collected;
  for (const Collector& collect : collectors_) {
    for (FamilySnapshot& f : collect()) {
      const std::string name = SanitizeName(f.name);
      if (families_.contains(name)) continue;
      auto [it, added] = collected.try_emplace(name, std::move(f));
      if (!added) {
        for (Sample& s : f.samples) it->second.samples.push_back(std::move(s));
      }
    }
  }
  std::string out;
  auto registered = families_.begin();
  auto extra = collected.begin();
  while (registered != families_.end() || extra != collected.end()) {
    if (extra == collected.end() || (registered != families_.end() && registered->first < extra->first)) {
      const auto& [name, family] = *registered++;
      WriteHeader(out, name, family.help, family.type);
      for (const auto& series : family.series) {
        if (family.type == Type::kHistogram && series->histogram) {
          const Histogram::Snapshot h = series->histogram->Read();
          for (std::size_t i = 0; i < h.cumulative.size(); ++i) {
            const std::pair<std::string, std::string> le{
                "le", i < h.bounds.size() ? FormatValue(h.bounds[i]) : "+Inf"};
            out += fmt::format("{}_bucket{} {}\n", name, LabelText(series->labels, &le), h.cumulative[i]);
          }
          out += fmt::format("{}_sum{} {}\n", name, LabelText(series->labels), FormatValue(h.sum));
          out += fmt::format("{}_count{} {}\n", name, LabelText(series->labels), h.cumulative.back());
          continue;
        }
        std::string value = "0";
        if (series->read) {
          value = FormatValue(series->read());
        } else if (series->counter) {
          value = fmt::format("{}", series->counter->value());  // exact past 2^53
        } else if (series->gauge) {
          value = FormatValue(series->gauge->value());
        }
        out += fmt::format("{}{} {}\n", name, LabelText(series->labels), value);
      }
    } else {
      const auto& [name, family] = *extra++;
      WriteHeader(out, name, family.help, family.type);
      for (const Sample& s : family.samples) {
        out += fmt::format("{}{} {}\n", name, LabelText(s.labels), FormatValue(s.value));
      }
    }
  }
  return out;
}

Collector CountersCollector(const Counters& counters, std::string prefix, std::string what,
                            std::map<std::string, std::string> help) {
  return CountersCollector([&counters] { return counters.Snapshot(); }, std::move(prefix), std::move(what),
                           std::move(help));
}

Collector CountersCollector(CountsFn snapshot, std::string prefix, std::string what,
                            std::map<std::string, std::string> help) {
  return [snapshot = std::move(snapshot), prefix = std::move(prefix), what = std::move(what),
          help = std::move(help)] {
    std::vector<FamilySnapshot> out;
    for (const auto& [name, value] : snapshot()) {
      FamilySnapshot f;
      f.name = fmt::format("{}_{}_total", prefix, name);
      auto it = help.find(name);
      f.help = it != help.end() ? it->second : fmt::format("{}: {}.", what, name);
      f.type = Type::kCounter;
      f.samples.push_back({{}, static_cast<double>(value)});
      out.push_back(std::move(f));
    }
    return out;
  };
}

std::string SanitizeName(std::string_view name) {
  std::string out(name);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const char c = out[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
                    (i > 0 && c >= '0' && c <= '9');
    if (!ok) out[i] = '_';
  }
  if (out.empty()) out = "_";
  return out;
}

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15)
    return fmt::format("{}", static_cast<int64_t>(value));
  return fmt::format("{}", value);
}

}  // namespace newsflow::metrics

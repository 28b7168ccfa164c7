#include "services/store/trending.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include <fmt/format.h>

#include "absl/strings/ascii.h"
#include "common/util/time.h"
#include "services/store/keys.h"

namespace newsflow::store {

std::optional<TrendWindow> ParseTrendWindow(std::string_view name) {
  if (name.empty() || name == "1h") return TrendWindow::k1h;
  if (name == "24h") return TrendWindow::k24h;
  return std::nullopt;
}

std::string_view TrendWindowName(TrendWindow window) { return window == TrendWindow::k1h ? "1h" : "24h"; }

absl::StatusOr<v1::Trending> ComputeTrending(const ArticleStore& store, const TrendingRequest& request) {
  if (request.limit == 0 || request.limit > kMaxTrendingLimit) {
    return absl::InvalidArgumentError(fmt::format("limit must be from 1 to {}", kMaxTrendingLimit));
  }
  const std::string scope = request.lang.empty() ? kAllLanguagesScope : absl::AsciiStrToLower(request.lang);
  const int64_t now_hour = HourOf(request.now_ms);
  const int64_t window_hours = request.window == TrendWindow::k1h ? 1 : 24;
  const int64_t window_start = now_hour - window_hours;
  const int64_t baseline_start = window_start - kTrendingBaselineHours;

  struct Counts {
    uint64_t window = 0;
    uint64_t baseline = 0;
  };
  std::map<std::string, Counts, std::less<>> tags;
  uint64_t window_total = 0, baseline_total = 0;
  absl::Status scanned = store.ScanTagHours(scope, baseline_start, now_hour,
                                            [&](int64_t hour, std::string_view key, int64_t count) {
                                              if (count <= 0) return;
                                              const auto n = static_cast<uint64_t>(count);
                                              auto it = tags.find(key);
                                              if (it == tags.end())
                                                it = tags.emplace(std::string(key), Counts{}).first;
                                              if (hour >= window_start) {
                                                it->second.window += n;
                                                window_total += n;
                                              } else {
                                                it->second.baseline += n;
                                                baseline_total += n;
                                              }
                                            });
  if (!scanned.ok()) return scanned;

  v1::Trending out;
  out.set_window(std::string(TrendWindowName(request.window)));
  out.set_lang(request.lang.empty() ? "" : scope);
  out.set_window_start_ms(window_start * kHourMs);
  out.set_baseline_start_ms(baseline_start * kHourMs);
  out.set_now_ms(request.now_ms);
  out.set_window_total(window_total);
  out.set_baseline_total(baseline_total);
  std::vector<v1::TrendingTag> ranked;
  for (const auto& [key, c] : tags) {
    if (c.window < kTrendingMinCount) continue;
    const double expected = baseline_total > 0
                                ? static_cast<double>(c.baseline) * static_cast<double>(window_total) /
                                      static_cast<double>(baseline_total)
                                : 0.0;
    const double count = static_cast<double>(c.window);
    if (count <= expected) continue;
    v1::TrendingTag t;
    t.set_key(key);
    t.set_count(c.window);
    t.set_baseline(c.baseline);
    t.set_expected(expected);
    t.set_score(std::log((count + kTrendingPrior) / (expected + kTrendingPrior)));
    ranked.push_back(std::move(t));
  }
  std::sort(ranked.begin(), ranked.end(), [](const v1::TrendingTag& a, const v1::TrendingTag& b) {
    if (a.score() != b.score()) return a.score() > b.score();
    if (a.count() != b.count()) return a.count() > b.count();
    return a.key() < b.key();
  });
  if (ranked.size() > request.limit) ranked.resize(request.limit);
  for (v1::TrendingTag& t : ranked) {
    auto name = store.TagName(t.key());
    if (!name.ok()) return name.status();
    t.set_name(name->empty() ? t.key() : *name);
    *out.add_tags() = std::move(t);
  }
  return out;
}

nlohmann::json TrendingToJson(const v1::Trending& trending) {
  nlohmann::json tags = nlohmann::json::array();
  for (const v1::TrendingTag& t : trending.tags()) {
    tags.push_back({{"key", t.key()},
                    {"name", t.name()},
                    {"count", t.count()},
                    {"baseline", t.baseline()},
                    {"expected", std::round(t.expected() * 1000) / 1000},
                    {"score", std::round(t.score() * 1000) / 1000}});
  }
  return {{"window", trending.window()},
          {"lang", trending.lang()},
          {"from", FormatRfc3339Utc(trending.window_start_ms())},
          {"to", FormatRfc3339Utc(trending.now_ms())},
          {"baseline_from", FormatRfc3339Utc(trending.baseline_start_ms())},
          {"window_total", trending.window_total()},
          {"baseline_total", trending.baseline_total()},
          {"tags", tags}};
}

}  // namespace newsflow::store

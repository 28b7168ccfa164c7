// Trending tags: the tags whose share of recent mentions rose most against
// their baseline, overall or in one language, computed from the store's
// hourly tag counts (tag_hours, services/store/keys.h), which
// ArticleStore::Upsert keeps in the same write as each article.
//
// Windows are whole hours up to now: "1h" is the hour in progress and the
// one before it ([start of the previous hour, now], 60 to 120 minutes),
// "24h" the 24 hours before that and the hour in progress. Counts stay exact
// integers that way; the answer names its bounds. The baseline is the 7
// days (168 hours) before the window.
//
// Score. For a tag with c mentions in the window and b in the baseline,
// among W and B mentions of all tags there, the expected window count is
// E = b * W / B (0 while the baseline is empty), and
//
//     score = ln((c + k) / (E + k)),   k = kTrendingPrior,
//
// listed only when c >= kTrendingMinCount and c > E, best first.
//   - Expectation from the tag's share of all mentions rather than from its
//     rate per hour: news volume swings through the day (a morning hour
//     carries several times a night hour) and with feeds joining or
//     failing, and a per-hour rate would make every tag "trend" at the
//     morning peak. The share also makes the window's length cancel out.
//   - A ratio rather than a z-score or log-likelihood test: both of those
//     measure evidence of any change, which grows with volume, so a tag
//     always mentioned 1,000 times an hour that moves by 10% outranks a
//     story going from nothing to 40 mentions. The ratio ranks by how much
//     a tag rose, which is what "trending" means.
//   - k acts as a prior of k mentions seen and expected alike (Gamma-Poisson
//     smoothing): it shrinks the ratio of small counts toward 1, so 6
//     mentions out of nowhere (ln(11/5) = 0.79) rank below 40 where 4 were
//     expected (ln(45/9) = 1.61), and a tag named twice by chance never
//     tops the list. The minimum count keeps out what is too rare to read.
//
// Thread safety: ComputeTrending reads only; any thread.
#ifndef NEWSFLOW_SERVICES_STORE_TRENDING_H_
#define NEWSFLOW_SERVICES_STORE_TRENDING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "newsflow/v1/query.pb.h"
#include "services/store/article_store.h"

namespace newsflow::store {

// Window mentions a tag needs to be listed.
inline constexpr uint64_t kTrendingMinCount = 5;
// The smoothing pseudo-count k of the score (see above).
inline constexpr double kTrendingPrior = 5.0;
inline constexpr int64_t kTrendingBaselineHours = 7 * 24;
inline constexpr std::size_t kMaxTrendingLimit = 100;
inline constexpr std::size_t kDefaultTrendingLimit = 20;

enum class TrendWindow { k1h, k24h };

// "1h" or "24h" ("" = "1h"); nullopt for anything else.
std::optional<TrendWindow> ParseTrendWindow(std::string_view name);
std::string_view TrendWindowName(TrendWindow window);

struct TrendingRequest {
  std::string lang;  // "" = every language; else a code, any case
  TrendWindow window = TrendWindow::k1h;
  std::size_t limit = kDefaultTrendingLimit;  // 1..kMaxTrendingLimit
  int64_t now_ms = 0;                         // the window's end
};

// The trending tags of `request`, best first. kInvalidArgument for a limit
// out of bounds.
absl::StatusOr<v1::Trending> ComputeTrending(const ArticleStore& store, const TrendingRequest& request);

// {"window", "lang", "from", "to", "baseline_from" (RFC 3339),
//  "window_total", "baseline_total",
//  "tags": [{"key", "name", "count", "baseline", "expected", "score"}]}:
// the body of /v1/trending and of `newsflow trending --json`.
nlohmann::json TrendingToJson(const v1::Trending& trending);

}  // namespace newsflow::store

#endif  // NEWSFLOW_SERVICES_STORE_TRENDING_H_

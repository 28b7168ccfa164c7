#include "services/ingest/feed_admission.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/util/text.h"
#include "common/util/utf8.h"
#include "services/ingest/fetcher.h"

namespace newsflow::ingest {

absl::StatusOr<v1::FeedSpec> AdmitFeed(const v1::FeedSpec& request,
                                       const std::optional<v1::FeedSpec>& existing,
                                       const IngestConfig& config) {
  if (absl::Status s = CheckFeedUrl(request.url(), FetchOptionsFromConfig(config, nullptr)); !s.ok()) {
    return absl::InvalidArgumentError(fmt::format("feed refused: {}", std::string(s.message())));
  }
  if (request.interval_s() < 0) {
    return absl::InvalidArgumentError(
        fmt::format("interval_s must not be negative, got {}", request.interval_s()));
  }
  int interval_s = request.interval_s() == 0
                       ? 0
                       : std::clamp(request.interval_s(), config.min_interval_s, config.max_interval_s);
  if (!v1::FullText_IsValid(request.full_text())) {
    return absl::InvalidArgumentError(
        fmt::format("unknown full_text policy {}", static_cast<int>(request.full_text())));
  }
  v1::FeedSpec feed;
  if (existing.has_value()) {
    feed = *existing;
    if (!feed.enabled()) {
      feed.set_disabled_reason("");
      feed.set_consecutive_failures(0);
      feed.set_next_fetch_ms(0);
    }
  } else {
    feed.set_url(request.url());
  }
  if (!request.title().empty() || !existing.has_value()) feed.set_title(ToValidUtf8(request.title()));
  feed.set_interval_s(interval_s);
  feed.set_full_text(request.full_text());
  feed.set_enabled(true);
  return feed;
}

}  // namespace newsflow::ingest

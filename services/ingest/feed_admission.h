// Feed admission: what an add_feed request (control socket, HTTP API, OPML
// import, `newsflow feeds add` with or without a running daemon) must hold,
// and how it joins the feed list.
//
// - The URL passes CheckFeedUrl (services/ingest/fetcher.h): http(s) parsed
//   by libcurl, or a local file inside ingest.fetch.file_feeds_allowed_under.
// - interval_s: negative is an error, 0 keeps the service default, anything
//   else is bounded to ingest.poll.{min,max}_interval_s.
// - Adding a feed that is already listed updates its settings (title when
//   given, interval_s, full_text) and keeps its fetch state: validators
//   (ETag, Last-Modified), schedule, counts and learned interval. A disabled
//   feed is re-enabled with a clean slate: its disabled reason and failure
//   count are cleared and it is due at once.
// Pure functions; thread-safe.
#ifndef NEWSFLOW_SERVICES_INGEST_FEED_ADMISSION_H_
#define NEWSFLOW_SERVICES_INGEST_FEED_ADMISSION_H_

#include <optional>

#include "absl/status/statusor.h"
#include "common/config/newsflow_config.h"
#include "newsflow/v1/envelope.pb.h"

namespace newsflow::ingest {

// The feed to store for `request`, given the listed feed of the same URL
// (`existing`, nullopt if none). kInvalidArgument with the reason when the
// request is refused.
absl::StatusOr<v1::FeedSpec> AdmitFeed(const v1::FeedSpec& request,
                                       const std::optional<v1::FeedSpec>& existing,
                                       const IngestConfig& config);

}  // namespace newsflow::ingest

#endif  // NEWSFLOW_SERVICES_INGEST_FEED_ADMISSION_H_

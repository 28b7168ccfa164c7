// OPML 1.0/2.0 feed lists: the format feed readers import and export.
// Parsing collects every <outline> with an xmlUrl attribute, at any depth
// (folders are flattened); writing produces an OPML 2.0 document.
#ifndef NEWSFLOW_SERVICES_INGEST_OPML_H_
#define NEWSFLOW_SERVICES_INGEST_OPML_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "newsflow/v1/envelope.pb.h"

namespace newsflow::ingest {

// Feeds with url (xmlUrl) and title (title, else text). kInvalidArgument when
// the document is not OPML (no <opml> root). Outlines without xmlUrl are skipped.
absl::StatusOr<std::vector<v1::FeedSpec>> ParseOpml(std::string_view bytes);

std::string WriteOpml(const std::vector<v1::FeedSpec>& feeds, std::string_view title);

}  // namespace newsflow::ingest

#endif  // NEWSFLOW_SERVICES_INGEST_OPML_H_

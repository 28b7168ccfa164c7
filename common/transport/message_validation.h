// Checks on every message that arrives over ZeroMQ before it is stored,
// merged or acted on: articles (store.input), document-frequency reports and
// tables (store.input, the workers' term-counts stream, the store's saved
// table) and acks (ingest.acks). A peer, even an authenticated one, can send
// anything that parses; these bounds keep one bad message from filling the
// database, poisoning shared statistics or growing memory without limit.
//
// Each check returns kInvalidArgument naming the first field that is out of
// bounds; the caller counts it, logs it rate-limited (BadInputReporter) and
// drops the message (the store acks an article it rejects as a failure when
// its id, version and origin are sane, so ingest dead-letters it).
//
//   MessageLimits limits = MessageLimitsFor(config);
//   if (absl::Status s = ValidateArticle(article, limits); !s.ok()) ...
//
// Pure functions; thread-safe.
#ifndef NEWSFLOW_COMMON_TRANSPORT_MESSAGE_VALIDATION_H_
#define NEWSFLOW_COMMON_TRANSPORT_MESSAGE_VALIDATION_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "common/config/newsflow_config.h"
#include "newsflow/v1/envelope.pb.h"

namespace newsflow {

// Largest document total a TermCounts may carry, and the ceiling a merged
// table is kept under (DocumentFrequencies halves itself past it).
inline constexpr double kMaxTermCountsDocuments = 1e12;
// Most terms in one TermCounts (a report or the store's whole table).
inline constexpr std::size_t kMaxTermCountsTerms = std::size_t{1} << 20;

struct MessageLimits {
  std::size_t max_id_bytes = 128;                      // id, version, cluster id
  std::size_t max_field_bytes = 64 * 1024;             // title, urls, author, source fields, sentences
  std::size_t max_text_bytes = std::size_t{64} << 20;  // text, summary_html
  int max_tags = 8 + 0;                                // enrich.tags.max_tags + category rules
  std::size_t max_tag_bytes = 1024;                    // tag name and key
  int max_summary_sentences = 50;                      // enrich.summary.sentences' range
  int max_key_points = 20;                             // enrich.summary.key_points' range
  int max_categories = 256;                            // the feed's own categories
};

// Bounds that follow `config` (enrich.tags.max_tags and the category rules,
// transport.max_message_bytes).
MessageLimits MessageLimitsFor(const NewsflowConfig& config);

// Article and version ids: 1-128 bytes of letters, digits and . _ : -
bool IsValidArticleId(std::string_view id, std::size_t max_bytes = 128);
// Ingest instance ids (Article.origin, the ack topic): 1-64 letters, digits,
// '-' or '_'.
bool IsValidInstanceId(std::string_view id);

absl::Status ValidateArticle(const v1::Article& article, const MessageLimits& limits);
// Finite, non-negative, bounded documents and counts (a count never above
// the documents), equal numbers of terms and counts, at most
// kMaxTermCountsTerms terms, a short origin.
absl::Status ValidateTermCounts(const v1::TermCounts& counts);
absl::Status ValidateAck(const v1::Ack& ack);

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_TRANSPORT_MESSAGE_VALIDATION_H_

#include "common/transport/message_validation.h"

#include <cmath>

#include <fmt/format.h>

namespace newsflow {
namespace {

// Timestamps: 0001-01-01 .. 9999-12-31 (what RFC 3339 can write).
constexpr int64_t kMinTimeMs = -62135596800000;
constexpr int64_t kMaxTimeMs = 253402300799999;
constexpr std::size_t kMaxLanguageBytes = 16;
constexpr std::size_t kMaxWorkerBytes = 512;
// An ack's failure text: the store cuts reasons at 1 KiB, and replacing
// invalid UTF-8 can triple that.
constexpr std::size_t kMaxAckFailureBytes = 4096;

absl::Status Invalid(std::string_view field, std::string_view problem) {
  return absl::InvalidArgumentError(fmt::format("{}: {}", field, problem));
}

absl::Status CheckBytes(std::string_view field, std::string_view value, std::size_t max) {
  if (value.size() > max) return Invalid(field, fmt::format("{} bytes, more than {}", value.size(), max));
  return absl::OkStatus();
}

absl::Status CheckTime(std::string_view field, int64_t ms) {
  if (ms < kMinTimeMs || ms > kMaxTimeMs) return Invalid(field, fmt::format("{} is not a date", ms));
  return absl::OkStatus();
}

bool AllOf(std::string_view s, std::string_view allowed_punctuation) {
  for (char c : s) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && allowed_punctuation.find(c) == std::string_view::npos) return false;
  }
  return true;
}

#define NF_CHECK(expr)                                 \
  do {                                                 \
    if (absl::Status _s = (expr); !_s.ok()) return _s; \
  } while (false)

}  // namespace

MessageLimits MessageLimitsFor(const NewsflowConfig& config) {
  MessageLimits limits;
  limits.max_tags = config.enrich.max_tags + static_cast<int>(config.enrich.categories.size());
  limits.max_text_bytes = static_cast<std::size_t>(config.transport.max_message_bytes);
  return limits;
}

bool IsValidArticleId(std::string_view id, std::size_t max_bytes) {
  return !id.empty() && id.size() <= max_bytes && AllOf(id, "._:-");
}

bool IsValidInstanceId(std::string_view id) { return !id.empty() && id.size() <= 64 && AllOf(id, "-_"); }

absl::Status ValidateArticle(const v1::Article& a, const MessageLimits& limits) {
  if (!IsValidArticleId(a.id(), limits.max_id_bytes)) {
    return Invalid("id", fmt::format("must be 1-{} letters, digits or . _ : -", limits.max_id_bytes));
  }
  if (!IsValidArticleId(a.version(), limits.max_id_bytes)) {
    return Invalid("version", fmt::format("must be 1-{} letters, digits or . _ : -", limits.max_id_bytes));
  }
  if (!IsValidInstanceId(a.origin())) return Invalid("origin", "must be 1-64 letters, digits, - or _");
  if (!a.cluster_id().empty() && !IsValidArticleId(a.cluster_id(), limits.max_id_bytes)) {
    return Invalid("cluster_id", "not an id");
  }
  const std::size_t field = limits.max_field_bytes;
  NF_CHECK(CheckBytes("canonical_url", a.canonical_url(), field));
  NF_CHECK(CheckBytes("url", a.url(), field));
  NF_CHECK(CheckBytes("guid", a.guid(), field));
  NF_CHECK(CheckBytes("title", a.title(), field));
  NF_CHECK(CheckBytes("author", a.author(), field));
  NF_CHECK(CheckBytes("text", a.text(), limits.max_text_bytes));
  NF_CHECK(CheckBytes("summary_html", a.summary_html(), limits.max_text_bytes));
  NF_CHECK(CheckBytes("source_language", a.source_language(), kMaxLanguageBytes));
  NF_CHECK(CheckBytes("source.id", a.source().id(), limits.max_id_bytes));
  NF_CHECK(CheckBytes("source.url", a.source().url(), field));
  NF_CHECK(CheckBytes("source.title", a.source().title(), field));
  NF_CHECK(CheckBytes("source.kind", a.source().kind(), limits.max_id_bytes));
  if (a.categories_size() > limits.max_categories) {
    return Invalid("categories",
                   fmt::format("{} entries, more than {}", a.categories_size(), limits.max_categories));
  }
  for (const std::string& c : a.categories()) NF_CHECK(CheckBytes("categories[]", c, limits.max_tag_bytes));
  NF_CHECK(CheckTime("published_at_ms", a.published_at_ms()));
  NF_CHECK(CheckTime("fetched_at_ms", a.fetched_at_ms()));

  const v1::Enrichment& e = a.enrichment();
  NF_CHECK(CheckBytes("enrichment.language", e.language(), kMaxLanguageBytes));
  NF_CHECK(CheckBytes("enrichment.title_language", e.title_language(), kMaxLanguageBytes));
  NF_CHECK(CheckBytes("enrichment.body_language", e.body_language(), kMaxLanguageBytes));
  NF_CHECK(CheckBytes("enrichment.enricher", e.enricher(), kMaxWorkerBytes));
  NF_CHECK(CheckTime("enrichment.enriched_at_ms", e.enriched_at_ms()));
  if (e.tags_size() > limits.max_tags) {
    return Invalid("enrichment.tags", fmt::format("{} tags, more than {}", e.tags_size(), limits.max_tags));
  }
  for (const v1::Tag& t : e.tags()) {
    if (t.name().empty()) return Invalid("enrichment.tags[].name", "empty");
    NF_CHECK(CheckBytes("enrichment.tags[].name", t.name(), limits.max_tag_bytes));
    NF_CHECK(CheckBytes("enrichment.tags[].key", t.key(), limits.max_tag_bytes));
    if (!std::isfinite(t.score()) || t.score() < 0 || t.score() > 1) {
      return Invalid("enrichment.tags[].score", fmt::format("{} is not in [0, 1]", t.score()));
    }
  }
  if (e.summary_size() > limits.max_summary_sentences) {
    return Invalid("enrichment.summary",
                   fmt::format("{} sentences, more than {}", e.summary_size(), limits.max_summary_sentences));
  }
  for (const std::string& s : e.summary()) NF_CHECK(CheckBytes("enrichment.summary[]", s, field));
  if (e.key_points_size() > limits.max_key_points) {
    return Invalid("enrichment.key_points",
                   fmt::format("{} sentences, more than {}", e.key_points_size(), limits.max_key_points));
  }
  for (const std::string& s : e.key_points()) NF_CHECK(CheckBytes("enrichment.key_points[]", s, field));
  return absl::OkStatus();
}

absl::Status ValidateTermCounts(const v1::TermCounts& c) {
  NF_CHECK(CheckBytes("origin", c.origin(), kMaxWorkerBytes));
  const double documents = c.documents();
  if (!std::isfinite(documents) || documents < 0 || documents > kMaxTermCountsDocuments) {
    return Invalid("documents", fmt::format("{} is not in [0, {:g}]", documents, kMaxTermCountsDocuments));
  }
  if (c.terms_size() != c.counts_size()) {
    return Invalid("terms", fmt::format("{} terms but {} counts", c.terms_size(), c.counts_size()));
  }
  if (static_cast<std::size_t>(c.terms_size()) > kMaxTermCountsTerms) {
    return Invalid("terms", fmt::format("{} terms, more than {}", c.terms_size(), kMaxTermCountsTerms));
  }
  for (double count : c.counts()) {
    // A term is in at most every document (+1 for rounding after halving).
    if (!std::isfinite(count) || count < 0 || count > documents + 1) {
      return Invalid("counts", fmt::format("{} is not in [0, documents = {}]", count, documents));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateAck(const v1::Ack& ack) {
  if (!IsValidArticleId(ack.article_id())) return Invalid("article_id", "not an article id");
  if (!IsValidArticleId(ack.version())) return Invalid("version", "not a version");
  NF_CHECK(CheckBytes("failure", ack.failure(), kMaxAckFailureBytes));
  NF_CHECK(CheckBytes("failed_worker", ack.failed_worker(), kMaxAckFailureBytes));
  return absl::OkStatus();
}

}  // namespace newsflow

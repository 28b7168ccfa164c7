#include "common/util/article_json.h"

#include <fmt/format.h>

#include "common/util/text.h"
#include "common/util/time.h"

namespace newsflow {
namespace {
nlohmann::json TimeOrNull(int64_t ms) {
  if (ms == 0) return nullptr;
  return FormatRfc3339Utc(ms);
}
}  // namespace

nlohmann::json ArticleToJson(const v1::Article& a, bool with_text) {
  nlohmann::json j;
  j["id"] = a.id();
  j["version"] = a.version();
  j["sequence"] = a.sequence();
  j["title"] = a.title();
  j["url"] = a.url();
  j["canonical_url"] = a.canonical_url();
  j["cluster_id"] = a.cluster_id();
  j["source"] = {{"id", a.source().id()},
                 {"url", a.source().url()},
                 {"title", a.source().title()},
                 {"kind", a.source().kind()}};
  j["author"] = a.author();
  j["published"] = TimeOrNull(a.published_at_ms());
  j["fetched"] = TimeOrNull(a.fetched_at_ms());
  j["stored"] = TimeOrNull(a.stored_at_ms());
  const v1::Enrichment& e = a.enrichment();
  j["lang"] = e.language();
  j["lang_reliable"] = e.language_reliable();
  j["title_lang"] = e.title_language().empty() ? "und" : e.title_language();
  j["body_lang"] = e.body_language().empty() ? "und" : e.body_language();
  nlohmann::json tags = nlohmann::json::array();
  for (const auto& t : e.tags()) tags.push_back({{"name", t.name()}, {"score", t.score()}});
  j["tags"] = std::move(tags);
  nlohmann::json summary = nlohmann::json::array();
  for (const auto& s : e.summary()) summary.push_back(s);
  j["summary"] = std::move(summary);
  nlohmann::json points = nlohmann::json::array();
  for (const auto& p : e.key_points()) points.push_back(p);
  j["key_points"] = std::move(points);
  j["fingerprint"] = fmt::format("{:016x}", e.fingerprint());
  if (with_text) j["text"] = a.text();
  return j;
}

}  // namespace newsflow

// The JSON shape of an article in every human- and script-facing output: the
// HTTP API, `newsflow get|query|subscribe|run`. Field names are stable.
//
//   {"id", "version", "sequence", "title", "url", "canonical_url", "cluster_id",
//    "source": {"id", "url", "title", "kind"}, "author", "published",
//    "fetched", "stored", "lang", "lang_reliable", "title_lang", "body_lang",
//    "tags": [{"name", "score"}],
//    "summary": [sentences], "key_points": [strings], "fingerprint", "text"}
#ifndef NEWSFLOW_COMMON_UTIL_ARTICLE_JSON_H_
#define NEWSFLOW_COMMON_UTIL_ARTICLE_JSON_H_

#include <nlohmann/json.hpp>

#include "newsflow/v1/article.pb.h"

namespace newsflow {

// `with_text` includes the full body ("text"); streams leave it out.
nlohmann::json ArticleToJson(const v1::Article& article, bool with_text);

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_UTIL_ARTICLE_JSON_H_

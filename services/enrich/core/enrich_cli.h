// Command-line front ends of the enrichment logic, used by `newsflow enrich`:
// one plain-text article file to pretty JSON, or a stream of JSON lines to
// JSON lines. Each call creates one Enricher, so calls may run on separate
// threads.
//
// JSON shape of one result (EnrichResultToJson):
//   {"lang": "en", "lang_reliable": true,
//    "tags": [{"name": "Shanghai", "key": "shanghai", "score": 1.0}, ...],
//      (a tag added by a category rule also has "category": true)
//    "summary": ["...", ...], "key_points": ["...", ...],
//    "fingerprint": "0f3a...(16 hex digits)"}
#ifndef NEWSFLOW_SERVICES_ENRICH_CORE_ENRICH_CLI_H_
#define NEWSFLOW_SERVICES_ENRICH_CORE_ENRICH_CLI_H_

#include <istream>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "services/enrich/core/enricher.h"

namespace newsflow::enrich {

// Splits a plain-text article into (title, body): the first non-empty line
// is the title, everything after it the body.
std::pair<std::string, std::string> SplitTitleAndBody(const std::string& content);

// Reads a whole file. kNotFound / kPermissionDenied / kUnavailable with the
// path in the message.
absl::StatusOr<std::string> ReadTextFile(const std::string& path);

// Reads a word list (a user dictionary): one term per line, surrounding
// whitespace trimmed, blank lines and lines starting with '#' skipped.
absl::StatusOr<std::vector<std::string>> ReadWordList(const std::string& path);

// Enriches the plain-text article at `path` (first non-empty line = title,
// rest = body) and prints one pretty JSON object to `out`. Returns 0, or 1
// with a message on `err` if the file cannot be read.
int RunEnrichFile(const std::string& path, const EnrichOptions& options, std::ostream& out,
                  std::ostream& err);

// Reads JSON lines {"id", "title", "text"} from `in` ("title" optional) and
// writes one JSON line per non-blank input line to `out`: "id" followed by
// the fields of EnrichResultToJson. A malformed line yields
// {"id": <id or null>, "error": "..."} on `out` and a message on `err`;
// processing continues. Returns 0.
int RunEnrichJsonl(std::istream& in, std::ostream& out, std::ostream& err, const EnrichOptions& options);

// Serialises `r`; indent < 0 gives one line, otherwise pretty-printed with
// `indent` spaces. Invalid UTF-8 in the input is replaced by U+FFFD.
std::string EnrichResultToJson(const EnrichResult& r, int indent);

}  // namespace newsflow::enrich

#endif  // NEWSFLOW_SERVICES_ENRICH_CORE_ENRICH_CLI_H_

#include "services/enrich/core/enrich_cli.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"

namespace newsflow::enrich {
namespace {

using Json = nlohmann::ordered_json;

Json ResultToJson(const EnrichResult& r) {
  Json tags = Json::array();
  for (const ScoredTag& tag : r.tags) {
    tags.push_back(Json{{"name", tag.name}, {"key", tag.key}, {"score", tag.score}});
  }
  char fingerprint[17];
  std::snprintf(fingerprint, sizeof(fingerprint), "%016llx",
                static_cast<unsigned long long>(r.fingerprint));
  Json json;
  json["lang"] = r.language;
  json["lang_reliable"] = r.language_reliable;
  json["tags"] = std::move(tags);
  json["summary"] = r.summary;
  json["key_points"] = r.key_points;
  json["fingerprint"] = fingerprint;
  return json;
}

std::string Dump(const Json& json, int indent) {
  return json.dump(indent, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
}

// Extracts the id, title and text of one input line; the id is kept as it
// came (string or number) so that callers can join results to inputs.
absl::Status ParseLine(const Json& line, Json* id, std::string* title, std::string* text) {
  if (!line.is_object()) return absl::InvalidArgumentError("line is not a JSON object");
  if (auto it = line.find("id"); it != line.end()) *id = *it;
  auto text_it = line.find("text");
  if (text_it == line.end() || !text_it->is_string()) {
    return absl::InvalidArgumentError("missing string field \"text\"");
  }
  *text = text_it->get<std::string>();
  auto title_it = line.find("title");
  if (title_it != line.end() && !title_it->is_null()) {
    if (!title_it->is_string()) return absl::InvalidArgumentError("field \"title\" is not a string");
    *title = title_it->get<std::string>();
  }
  return absl::OkStatus();
}

}  // namespace

std::pair<std::string, std::string> SplitTitleAndBody(const std::string& content) {
  size_t pos = 0;
  while (pos < content.size()) {
    size_t end = content.find('\n', pos);
    if (end == std::string::npos) end = content.size();
    std::string line = content.substr(pos, end - pos);
    const size_t first = line.find_first_not_of(" \t\r");
    if (first != std::string::npos) {
      const size_t last = line.find_last_not_of(" \t\r");
      const size_t body = std::min(end + 1, content.size());
      return {line.substr(first, last - first + 1), content.substr(body)};
    }
    pos = end + 1;
  }
  return {"", ""};
}

absl::StatusOr<std::string> ReadTextFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    const int error = errno;
    const std::string message = "read " + path + ": " + std::strerror(error);
    if (error == ENOENT) return absl::NotFoundError(message);
    if (error == EACCES) return absl::PermissionDeniedError(message);
    return absl::UnavailableError(message);
  }
  std::ostringstream content;
  content << file.rdbuf();
  if (file.bad()) return absl::UnavailableError("read " + path + ": I/O error");
  return content.str();
}

std::string EnrichResultToJson(const EnrichResult& r, int indent) {
  return Dump(ResultToJson(r), indent);
}

int RunEnrichFile(const std::string& path, const EnrichOptions& options, std::ostream& out,
                  std::ostream& err) {
  absl::StatusOr<std::string> content = ReadTextFile(path);
  if (!content.ok()) {
    err << "enrich: " << content.status().message() << "\n";
    return 1;
  }
  const auto [title, body] = SplitTitleAndBody(*content);
  Enricher enricher(options);
  out << EnrichResultToJson(enricher.Enrich(title, body), 2) << "\n";
  return 0;
}

int RunEnrichJsonl(std::istream& in, std::ostream& out, std::ostream& err,
                   const EnrichOptions& options) {
  Enricher enricher(options);
  std::string line;
  std::string title;
  std::string text;
  size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    Json id = nullptr;
    title.clear();
    text.clear();
    const Json parsed = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    absl::Status status = parsed.is_discarded()
                              ? absl::InvalidArgumentError("invalid JSON")
                              : ParseLine(parsed, &id, &title, &text);
    if (!status.ok()) {
      const std::string message(status.message());
      err << "enrich: line " << line_number << ": " << message << "\n";
      out << Dump(Json{{"id", id}, {"error", message}}, -1) << "\n";
      continue;
    }
    Json json;
    json["id"] = id;
    json.update(ResultToJson(enricher.Enrich(title, text)));
    out << Dump(json, -1) << "\n";
  }
  return 0;
}

}  // namespace newsflow::enrich

#include "services/enrich/core/enrich_cli.h"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"

namespace newsflow::enrich {
namespace {

using Json = nlohmann::ordered_json;

Json ResultToJson(const EnrichResult& r) {
  Json tags = Json::array();
  for (const ScoredTag& tag : r.tags) {
    Json entry{{"name", tag.name}, {"key", tag.key}, {"score", tag.score}};
    if (tag.category) entry["category"] = true;
    tags.push_back(std::move(entry));
  }
  char fingerprint[17];
  std::snprintf(fingerprint, sizeof(fingerprint), "%016llx", static_cast<unsigned long long>(r.fingerprint));
  Json json;
  json["lang"] = r.language;
  json["lang_reliable"] = r.language_reliable;
  json["title_lang"] = r.title_language;
  json["body_lang"] = r.body_language;
  json["tags"] = std::move(tags);
  json["summary"] = r.summary;
  json["key_points"] = r.key_points;
  json["fingerprint"] = fingerprint;
  return json;
}

std::string Dump(const Json& json, int indent) {
  return json.dump(indent, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
}

// Appends `s` to `out` as a JSON string literal. Invalid UTF-8 bytes become
// U+FFFD, as Dump() does.
void AppendJsonString(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      // Length of a well-formed sequence starting here, 0 if there is none.
      size_t length = 0;
      if (c >= 0xC2 && c <= 0xDF) {
        length = 2;
      } else if (c >= 0xE0 && c <= 0xEF) {
        length = 3;
      } else if (c >= 0xF0 && c <= 0xF4) {
        length = 4;
      }
      bool valid = length > 0 && i + length <= s.size();
      for (size_t k = 1; valid && k < length; ++k) {
        valid = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
      }
      if (valid && length >= 3) {
        const auto c1 = static_cast<unsigned char>(s[i + 1]);
        // Overlong forms, surrogates, and code points above U+10FFFF.
        if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0) || (c == 0xF0 && c1 < 0x90) ||
            (c == 0xF4 && c1 >= 0x90)) {
          valid = false;
        }
      }
      if (valid) {
        out->append(s.substr(i, length));
        i += length;
      } else {
        out->append("\xEF\xBF\xBD");
        ++i;
      }
      continue;
    }
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default:
        if (c < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out->push_back('"');
}

void AppendJsonStrings(const std::vector<std::string>& strings, std::string* out) {
  out->push_back('[');
  for (size_t i = 0; i < strings.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendJsonString(strings[i], out);
  }
  out->push_back(']');
}

// One line of RunEnrichJsonl's output, written directly: the same fields as
// ResultToJson, without building a JSON tree per article.
void AppendResultLine(const Json& id, const EnrichResult& r, std::string* out) {
  out->append("{\"id\":");
  out->append(Dump(id, -1));
  out->append(",\"lang\":");
  AppendJsonString(r.language, out);
  out->append(r.language_reliable ? ",\"lang_reliable\":true" : ",\"lang_reliable\":false");
  out->append(",\"title_lang\":");
  AppendJsonString(r.title_language, out);
  out->append(",\"body_lang\":");
  AppendJsonString(r.body_language, out);
  out->append(",\"tags\":[");
  for (size_t i = 0; i < r.tags.size(); ++i) {
    const ScoredTag& tag = r.tags[i];
    if (i > 0) out->push_back(',');
    out->append("{\"name\":");
    AppendJsonString(tag.name, out);
    out->append(",\"key\":");
    AppendJsonString(tag.key, out);
    out->append(",\"score\":");
    char number[32];
    const auto [end, error] = std::to_chars(number, number + sizeof(number), tag.score);
    out->append(number, error == std::errc() ? end : number);
    if (error != std::errc()) out->push_back('0');
    if (tag.category) out->append(",\"category\":true");
    out->push_back('}');
  }
  out->append("],\"summary\":");
  AppendJsonStrings(r.summary, out);
  out->append(",\"key_points\":");
  AppendJsonStrings(r.key_points, out);
  char fingerprint[17];
  std::snprintf(fingerprint, sizeof(fingerprint), "%016llx", static_cast<unsigned long long>(r.fingerprint));
  out->append(",\"fingerprint\":\"");
  out->append(fingerprint);
  out->append("\"}\n");
}

// Splits a stream into lines, reading it in large blocks: line-by-line
// reads of a std::cin synchronised with stdio cost a call per character.
class LineReader {
 public:
  explicit LineReader(std::istream& in) : in_(in) {}

  // The next line without its '\n'; false at the end of the input.
  bool Next(std::string* line) {
    line->clear();
    for (;;) {
      if (position_ < buffer_.size()) {
        const size_t newline = buffer_.find('\n', position_);
        if (newline != std::string::npos) {
          line->append(buffer_, position_, newline - position_);
          position_ = newline + 1;
          return true;
        }
        line->append(buffer_, position_, std::string::npos);
      }
      position_ = 0;
      buffer_.resize(kBlock);
      const std::streamsize got = in_.rdbuf() != nullptr ? in_.rdbuf()->sgetn(buffer_.data(), kBlock) : 0;
      buffer_.resize(got > 0 ? static_cast<size_t>(got) : 0);
      if (buffer_.empty()) return !line->empty();
    }
  }

 private:
  static constexpr std::streamsize kBlock = 1 << 16;
  std::istream& in_;
  std::string buffer_;
  size_t position_ = 0;
};

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

absl::StatusOr<std::vector<std::string>> ReadWordList(const std::string& path) {
  absl::StatusOr<std::string> content = ReadTextFile(path);
  if (!content.ok()) return content.status();
  std::vector<std::string> words;
  std::istringstream in(*content);
  for (std::string line; std::getline(in, line);) {
    const size_t begin = line.find_first_not_of(" \t\r");
    if (begin == std::string::npos || line[begin] == '#') continue;
    const size_t end = line.find_last_not_of(" \t\r");
    words.push_back(line.substr(begin, end - begin + 1));
  }
  return words;
}

std::string EnrichResultToJson(const EnrichResult& r, int indent) { return Dump(ResultToJson(r), indent); }

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

int RunEnrichJsonl(std::istream& in, std::ostream& out, std::ostream& err, const EnrichOptions& options) {
  Enricher enricher(options);
  LineReader reader(in);
  std::string line;
  std::string title;
  std::string text;
  std::string output;
  size_t line_number = 0;
  while (reader.Next(&line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    Json id = nullptr;
    title.clear();
    text.clear();
    const Json parsed = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    absl::Status status = parsed.is_discarded() ? absl::InvalidArgumentError("invalid JSON")
                                                : ParseLine(parsed, &id, &title, &text);
    if (!status.ok()) {
      const std::string message(status.message());
      err << "enrich: line " << line_number << ": " << message << "\n";
      out << Dump(Json{{"id", id}, {"error", message}}, -1) << "\n";
      continue;
    }
    output.clear();
    AppendResultLine(id, enricher.Enrich(title, text), &output);
    out.write(output.data(), static_cast<std::streamsize>(output.size()));
  }
  return 0;
}

}  // namespace newsflow::enrich

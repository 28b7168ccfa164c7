// YamlReader: strict, path-aware reading of one YAML mapping.
//
// Every getter leaves the output untouched when the key is absent (so the
// struct's default stands) and records "<path>.<key>: <problem>" when the value
// has the wrong type or range. Finish() records every key that no getter
// asked for as unknown. Errors accumulate in a shared list so one run of
// --check-config reports all of them.
//
//   std::vector<std::string> errors;
//   YamlReader root(node, "", &errors);
//   YamlReader store = root.Child("store");
//   store.ReadInt("http_port", &config.http_port, 0, 65535);
//   store.Finish();
//   root.Finish();
//
// Not thread-safe; readers are short-lived values used during config load.
#ifndef NEWSFLOW_COMMON_CONFIG_YAML_READER_H_
#define NEWSFLOW_COMMON_CONFIG_YAML_READER_H_

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "absl/status/statusor.h"

namespace newsflow {

// Parses YAML text; a syntax error becomes kInvalidArgument with line and column.
absl::StatusOr<YAML::Node> ParseYaml(const std::string& text, std::string_view source_name);

class YamlReader {
 public:
  // `node` may be null/undefined (an absent section): every read is then a no-op.
  YamlReader(const YAML::Node& node, std::string path, std::vector<std::string>* errors);

  bool Has(std::string_view key) const;
  // Full path of `key` below this reader, e.g. "store.http.port".
  std::string PathOf(std::string_view key) const;

  void ReadString(std::string_view key, std::string* out);
  void ReadBool(std::string_view key, bool* out);
  void ReadInt(std::string_view key, int* out, int min, int max);
  void ReadInt64(std::string_view key, int64_t* out, int64_t min, int64_t max);
  void ReadDouble(std::string_view key, double* out, double min, double max);
  void ReadStringList(std::string_view key, std::vector<std::string>* out);
  // One of `allowed`; anything else is an error naming the allowed values.
  void ReadEnum(std::string_view key, std::string* out, const std::vector<std::string>& allowed);

  // A nested mapping; absent gives an empty reader. A non-map value is an error.
  YamlReader Child(std::string_view key);
  // Like Child(), but a scalar is accepted too (check IsScalar()): for keys
  // with a shorthand form, such as endpoints.
  YamlReader ChildOrScalar(std::string_view key);
  // Elements of a sequence of mappings, each with path "key[i]".
  std::vector<YamlReader> Sequence(std::string_view key);
  // The node itself, for callers that accept a scalar shorthand.
  const YAML::Node& node() const { return node_; }
  bool IsScalar() const { return node_.IsDefined() && node_.IsScalar(); }

  // Records an error at `key` (used for cross-field validation).
  void Error(std::string_view key, std::string_view problem);
  // Reports keys present in the mapping that no getter consumed.
  void Finish();

 private:
  YAML::Node Get(std::string_view key);

  YAML::Node node_;
  std::string path_;
  std::vector<std::string>* errors_;
  std::set<std::string> consumed_;
};

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_CONFIG_YAML_READER_H_

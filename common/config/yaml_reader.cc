#include "common/config/yaml_reader.h"

#include <fmt/format.h>

namespace newsflow {

absl::StatusOr<YAML::Node> ParseYaml(const std::string& text, std::string_view source_name) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        fmt::format("{}: line {} column {}: {}", source_name, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
}

YamlReader::YamlReader(const YAML::Node& node, std::string path, std::vector<std::string>* errors)
    : node_(node), path_(std::move(path)), errors_(errors) {
  if (node_.IsDefined() && !node_.IsNull() && !node_.IsMap() && !node_.IsScalar()) {
    errors_->push_back(fmt::format("{}: must be a mapping", path_.empty() ? "<root>" : path_));
  }
}

std::string YamlReader::PathOf(std::string_view key) const {
  return path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
}

bool YamlReader::Has(std::string_view key) const {
  return node_.IsMap() && node_[std::string(key)].IsDefined() && !node_[std::string(key)].IsNull();
}

YAML::Node YamlReader::Get(std::string_view key) {
  consumed_.insert(std::string(key));
  if (!node_.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  YAML::Node value = node_[std::string(key)];
  if (!value.IsDefined() || value.IsNull()) return YAML::Node(YAML::NodeType::Undefined);
  return value;
}

void YamlReader::Error(std::string_view key, std::string_view problem) {
  errors_->push_back(fmt::format("{}: {}", PathOf(key), problem));
}

void YamlReader::ReadString(std::string_view key, std::string* out) {
  YAML::Node v = Get(key);
  if (!v.IsDefined()) return;
  if (!v.IsScalar()) return Error(key, "must be a string");
  *out = v.Scalar();
}

void YamlReader::ReadBool(std::string_view key, bool* out) {
  YAML::Node v = Get(key);
  if (!v.IsDefined()) return;
  bool value = false;
  if (!v.IsScalar() || !YAML::convert<bool>::decode(v, value)) {
    return Error(key, "must be true or false");
  }
  *out = value;
}

void YamlReader::ReadInt64(std::string_view key, int64_t* out, int64_t min, int64_t max) {
  YAML::Node v = Get(key);
  if (!v.IsDefined()) return;
  long long value = 0;
  if (!v.IsScalar() || !YAML::convert<long long>::decode(v, value)) {
    return Error(key, "must be an integer");
  }
  if (value < min || value > max) {
    return Error(key, fmt::format("must be between {} and {}, got {}", min, max, value));
  }
  *out = value;
}

void YamlReader::ReadInt(std::string_view key, int* out, int min, int max) {
  int64_t value = *out;
  ReadInt64(key, &value, min, max);
  *out = static_cast<int>(value);
}

void YamlReader::ReadDouble(std::string_view key, double* out, double min, double max) {
  YAML::Node v = Get(key);
  if (!v.IsDefined()) return;
  double value = 0;
  if (!v.IsScalar() || !YAML::convert<double>::decode(v, value)) {
    return Error(key, "must be a number");
  }
  if (value < min || value > max) {
    return Error(key, fmt::format("must be between {} and {}, got {}", min, max, value));
  }
  *out = value;
}

void YamlReader::ReadStringList(std::string_view key, std::vector<std::string>* out) {
  YAML::Node v = Get(key);
  if (!v.IsDefined()) return;
  if (!v.IsSequence()) return Error(key, "must be a list of strings");
  std::vector<std::string> values;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v[i].IsScalar()) return Error(fmt::format("{}[{}]", key, i), "must be a string");
    values.push_back(v[i].Scalar());
  }
  *out = std::move(values);
}

void YamlReader::ReadEnum(std::string_view key, std::string* out, const std::vector<std::string>& allowed) {
  std::string value = *out;
  ReadString(key, &value);
  for (const auto& a : allowed) {
    if (a == value) {
      *out = value;
      return;
    }
  }
  Error(key, fmt::format("must be one of [{}], got \"{}\"", fmt::join(allowed, ", "), value));
}

YamlReader YamlReader::Child(std::string_view key) {
  YAML::Node v = Get(key);
  if (v.IsDefined() && !v.IsMap()) {
    Error(key, "must be a mapping");
    return YamlReader(YAML::Node(YAML::NodeType::Undefined), PathOf(key), errors_);
  }
  return YamlReader(v, PathOf(key), errors_);
}

YamlReader YamlReader::ChildOrScalar(std::string_view key) {
  YAML::Node v = Get(key);
  if (v.IsDefined() && !v.IsMap() && !v.IsScalar()) {
    Error(key, "must be a mapping");
    return YamlReader(YAML::Node(YAML::NodeType::Undefined), PathOf(key), errors_);
  }
  return YamlReader(v, PathOf(key), errors_);
}

std::vector<YamlReader> YamlReader::Sequence(std::string_view key) {
  std::vector<YamlReader> items;
  YAML::Node v = Get(key);
  if (!v.IsDefined()) return items;
  if (!v.IsSequence()) {
    Error(key, "must be a list");
    return items;
  }
  for (std::size_t i = 0; i < v.size(); ++i) {
    items.emplace_back(v[i], fmt::format("{}[{}]", PathOf(key), i), errors_);
  }
  return items;
}

void YamlReader::Finish() {
  if (!node_.IsMap()) return;
  for (const auto& kv : node_) {
    std::string key = kv.first.Scalar();
    if (!consumed_.contains(key)) Error(key, "unknown key");
  }
}

}  // namespace newsflow

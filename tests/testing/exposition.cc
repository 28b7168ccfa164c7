#include "tests/testing/exposition.h"

#include <cmath>
#include <cstdlib>
#include <sstream>

#include <fmt/format.h>

namespace newsflow::testing {
namespace {

bool ValidName(const std::string& s) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
          (i > 0 && c >= '0' && c <= '9'))) {
      return false;
    }
  }
  return true;
}

bool ParseValue(const std::string& s, double* out) {
  if (s == "+Inf") {
    *out = INFINITY;
    return true;
  }
  if (s == "-Inf") {
    *out = -INFINITY;
    return true;
  }
  if (s == "NaN") {
    *out = NAN;
    return true;
  }
  if (s.empty()) return false;
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

// The family a sample belongs to: its own name, or the histogram it is a
// series of.
std::string FamilyOf(const std::string& sample, const Exposition& families) {
  if (families.contains(sample)) return sample;
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string s = suffix;
    if (sample.size() > s.size() && sample.compare(sample.size() - s.size(), s.size(), s) == 0) {
      return sample.substr(0, sample.size() - s.size());
    }
  }
  return sample;
}

}  // namespace

std::optional<double> Exposition::Find(const std::string& name,
                                       const std::map<std::string, std::string>& labels) const {
  auto it = find(FamilyOf(name, *this));
  if (it == end()) return std::nullopt;
  for (const ExpositionSample& s : it->second.samples) {
    if (s.name != name) continue;
    bool match = true;
    for (const auto& [k, v] : labels) {
      auto l = s.labels.find(k);
      if (l == s.labels.end() || l->second != v) match = false;
    }
    if (match) return s.value;
  }
  return std::nullopt;
}

absl::StatusOr<Exposition> ParseExposition(const std::string& text) {
  Exposition out;
  std::map<std::string, int> help_seen, type_seen;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  auto bad = [&](const std::string& why) {
    return absl::InvalidArgumentError(fmt::format("line {}: {}: {}", number, why, line));
  };
  if (!text.empty() && text.back() != '\n')
    return absl::InvalidArgumentError("text does not end with a newline");
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      const bool help = line[2] == 'H';
      const std::string rest = line.substr(7);
      const auto space = rest.find(' ');
      if (space == std::string::npos) return bad("no text after the name");
      const std::string name = rest.substr(0, space);
      if (!ValidName(name)) return bad("invalid metric name");
      if (++(help ? help_seen : type_seen)[name] > 1) return bad("repeated");
      if (help) {
        out[name].help = rest.substr(space + 1);
      } else {
        const std::string type = rest.substr(space + 1);
        if (type != "counter" && type != "gauge" && type != "histogram" && type != "summary" &&
            type != "untyped") {
          return bad("unknown type");
        }
        if (!out[name].samples.empty()) return bad("TYPE after the family's samples");
        out[name].type = type;
      }
      continue;
    }
    if (line[0] == '#') continue;  // a comment
    ExpositionSample sample;
    std::size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    sample.name = line.substr(0, i);
    if (!ValidName(sample.name)) return bad("invalid sample name");
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        const auto eq = line.find('=', i);
        if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"')
          return bad("malformed label");
        const std::string label = line.substr(i, eq - i);
        if (!ValidName(label)) return bad("invalid label name");
        std::string value;
        std::size_t j = eq + 2;
        for (; j < line.size() && line[j] != '"'; ++j) {
          if (line[j] == '\\' && j + 1 < line.size()) {
            ++j;
            value += line[j] == 'n' ? '\n' : line[j];
          } else {
            value += line[j];
          }
        }
        if (j >= line.size()) return bad("unterminated label value");
        if (!sample.labels.emplace(label, value).second) return bad("repeated label");
        i = j + 1;
        if (i < line.size() && line[i] == ',') ++i;
      }
      if (i >= line.size()) return bad("unterminated label set");
      ++i;
    }
    if (i >= line.size() || line[i] != ' ') return bad("no value");
    std::string value = line.substr(i + 1);
    if (auto sp = value.find(' '); sp != std::string::npos) value = value.substr(0, sp);  // a timestamp
    if (!ParseValue(value, &sample.value)) return bad("invalid value");
    const std::string family = FamilyOf(sample.name, out);
    auto it = out.find(family);
    if (it == out.end() || it->second.type.empty()) return bad("sample before its family's TYPE");
    if (it->second.type == "histogram" && sample.name == family) return bad("plain sample in a histogram");
    if (it->second.type != "histogram" && it->second.type != "summary" && sample.name != family) {
      return bad("suffixed sample in a " + it->second.type);
    }
    it->second.samples.push_back(std::move(sample));
  }
  for (const auto& [name, family] : out) {
    if (!help_seen.contains(name)) return absl::InvalidArgumentError(name + ": no HELP");
    if (!type_seen.contains(name)) return absl::InvalidArgumentError(name + ": no TYPE");
    if (family.type == "counter" && !name.ends_with("_total")) {
      return absl::InvalidArgumentError(name + ": a counter's name should end in _total");
    }
    if (family.type != "histogram") continue;
    // Per label set (without le): buckets rise, +Inf equals _count, _sum present.
    std::map<std::map<std::string, std::string>, std::vector<const ExpositionSample*>> series;
    for (const auto& s : family.samples) {
      auto labels = s.labels;
      labels.erase("le");
      series[labels].push_back(&s);
    }
    for (const auto& [labels, samples] : series) {
      double previous = 0, inf = -1, count = -1;
      bool sum = false;
      for (const ExpositionSample* s : samples) {
        if (s->name == name + "_bucket") {
          if (!s->labels.contains("le")) return absl::InvalidArgumentError(name + ": bucket without le");
          if (s->value < previous) return absl::InvalidArgumentError(name + ": buckets decrease");
          previous = s->value;
          if (s->labels.at("le") == "+Inf") inf = s->value;
        } else if (s->name == name + "_count") {
          count = s->value;
        } else if (s->name == name + "_sum") {
          sum = true;
        }
      }
      if (inf < 0 || count < 0 || !sum)
        return absl::InvalidArgumentError(name + ": no +Inf bucket, _sum or _count");
      if (inf != count) return absl::InvalidArgumentError(name + ": +Inf bucket differs from _count");
    }
  }
  return out;
}

}  // namespace newsflow::testing

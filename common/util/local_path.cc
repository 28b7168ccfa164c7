#include "common/util/local_path.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace newsflow {
namespace {

namespace fs = std::filesystem;

bool HasControlCharacter(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  }
  return false;
}

fs::path Normal(const std::string& path) {
  std::error_code ec;
  fs::path absolute = fs::absolute(path, ec);
  if (ec) return {};
  return absolute.lexically_normal();
}

}  // namespace

std::string UrlScheme(std::string_view url) {
  std::size_t end = url.find("://");
  if (end == std::string_view::npos || end == 0) return "";
  std::string scheme;
  for (std::size_t i = 0; i < end; ++i) {
    unsigned char c = static_cast<unsigned char>(url[i]);
    bool ok = std::isalpha(c) || (i > 0 && (std::isdigit(c) || c == '+' || c == '-' || c == '.'));
    if (!ok) return "";
    scheme.push_back(static_cast<char>(std::tolower(c)));
  }
  return scheme;
}

std::optional<std::string> LocalFeedPath(std::string_view url) {
  if (url.empty() || HasControlCharacter(url)) return std::nullopt;
  std::string scheme = UrlScheme(url);
  if (scheme.empty()) {
    if (url.find("://") != std::string_view::npos) return std::nullopt;  // "a b://x" and the like
    return std::string(url);
  }
  if (scheme != "file") return std::nullopt;
  std::string_view rest = url.substr(7);
  if (rest.substr(0, 9) == "localhost") rest.remove_prefix(9);
  if (rest.empty() || rest[0] != '/') return std::nullopt;
  return std::string(rest);
}

bool LexicallyInside(const std::string& path, const std::string& dir) {
  if (path.empty() || dir.empty()) return false;
  fs::path p = Normal(path);
  fs::path d = Normal(dir);
  if (p.empty() || d.empty()) return false;
  auto [d_end, p_at] = std::mismatch(d.begin(), d.end(), p.begin(), p.end());
  // d's components are a prefix of p's; a trailing slash leaves an empty last component.
  if (d_end != d.end() && !(std::next(d_end) == d.end() && d_end->empty())) return false;
  if (p_at == p.end()) return false;  // the folder itself
  return !p_at->empty();
}

}  // namespace newsflow

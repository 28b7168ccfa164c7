#include "services/ingest/feed/canonical_url.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

namespace newsflow::ingest {
namespace {

// The five components of a URI reference (RFC 3986 section 3), as views
// into the reference or into strings the caller keeps alive; the has_* flags
// distinguish an empty component from an absent one.
struct UrlParts {
  std::string_view scheme;
  std::string_view authority;
  std::string_view path;
  std::string_view query;
  std::string_view fragment;
  bool has_authority = false;
  bool has_query = false;
  bool has_fragment = false;
};

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
  }
  return true;
}

UrlParts Split(std::string_view s) {
  UrlParts parts;
  // Scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) followed by ':'.
  size_t colon = s.find(':');
  if (colon != std::string_view::npos && colon > 0 &&
      std::isalpha(static_cast<unsigned char>(s[0]))) {
    bool valid = true;
    for (size_t i = 0; i < colon; ++i) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') {
        valid = false;
        break;
      }
    }
    if (valid) {
      parts.scheme = s.substr(0, colon);
      s.remove_prefix(colon + 1);
    }
  }
  if (s.size() >= 2 && s[0] == '/' && s[1] == '/') {
    s.remove_prefix(2);
    size_t end = 0;
    while (end < s.size() && s[end] != '/' && s[end] != '?' && s[end] != '#') ++end;
    parts.authority = s.substr(0, end);
    parts.has_authority = true;
    s.remove_prefix(end);
  }
  size_t hash = s.find('#');
  if (hash != std::string_view::npos) {
    parts.fragment = s.substr(hash + 1);
    parts.has_fragment = true;
    s = s.substr(0, hash);
  }
  size_t question = s.find('?');
  if (question != std::string_view::npos) {
    parts.query = s.substr(question + 1);
    parts.has_query = true;
    s = s.substr(0, question);
  }
  parts.path = s;
  return parts;
}

std::string Join(const UrlParts& parts) {
  std::string out;
  out.reserve(parts.scheme.size() + parts.authority.size() + parts.path.size() +
              parts.query.size() + parts.fragment.size() + 6);
  if (!parts.scheme.empty()) {
    out += parts.scheme;
    out += ':';
  }
  if (parts.has_authority) {
    out += "//";
    out += parts.authority;
  }
  out += parts.path;
  if (parts.has_query) {
    out += '?';
    out += parts.query;
  }
  if (parts.has_fragment) {
    out += '#';
    out += parts.fragment;
  }
  return out;
}

// True if RemoveDotSegments would return `path` unchanged: no segment
// starts with a dot.
bool HasNoDotSegments(std::string_view path) {
  return (path.empty() || path[0] != '.') && path.find("/.") == std::string_view::npos;
}

// RFC 3986 section 5.2.4.
std::string RemoveDotSegments(std::string_view input) {
  if (HasNoDotSegments(input)) return std::string(input);
  std::string out;
  while (!input.empty()) {
    if (input.substr(0, 3) == "../") {
      input.remove_prefix(3);
    } else if (input.substr(0, 2) == "./") {
      input.remove_prefix(2);
    } else if (input.substr(0, 3) == "/./") {
      input.remove_prefix(2);
    } else if (input == "/.") {
      input = "/";
    } else if (input.substr(0, 4) == "/../" || input == "/..") {
      input = input.size() == 3 ? std::string_view("/") : input.substr(3);
      size_t last = out.rfind('/');
      out.erase(last == std::string::npos ? 0 : last);
    } else if (input == "." || input == "..") {
      input = {};
    } else {
      size_t next = input.find('/', input[0] == '/' ? 1 : 0);
      if (next == std::string_view::npos) next = input.size();
      out.append(input.substr(0, next));
      input.remove_prefix(next);
    }
  }
  return out;
}

// RFC 3986 section 5.2.3.
std::string MergePaths(const UrlParts& base, std::string_view ref_path) {
  std::string out;
  if (base.has_authority && base.path.empty()) {
    out.reserve(ref_path.size() + 1);
    out += '/';
  } else {
    size_t last = base.path.rfind('/');
    if (last != std::string_view::npos) out.append(base.path.substr(0, last + 1));
  }
  out.append(ref_path);
  return out;
}

bool IsTrackingParameter(std::string_view name) {
  std::string key = Lower(name);
  if (key.rfind("utm_", 0) == 0) return true;
  static constexpr std::string_view kTracking[] = {
      "fbclid", "gclid",   "dclid",  "msclkid", "mc_cid",   "mc_eid", "ref",
      "igshid", "yclid",   "_hsenc", "_hsmi",   "ncid",     "cmpid",  "ocid",
      "_ga",    "twclid",  "wt.mc_id", "oly_enc_id", "oly_anon_id", "vero_id",
      "mkt_tok", "ref_src", "ref_url", "s_cid", "guccounter", "guce_referrer",
      "guce_referrer_sig"};
  return std::find(std::begin(kTracking), std::end(kTracking), key) != std::end(kTracking);
}

// Upper-cases the hex digits of percent escapes ("%2f" -> "%2F").
std::string NormalizeEscapes(std::string s) {
  for (size_t i = 0; i + 2 < s.size(); ++i) {
    if (s[i] == '%' && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      s[i + 1] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[i + 1])));
      s[i + 2] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[i + 2])));
      i += 2;
    }
  }
  return s;
}

}  // namespace

bool IsHttpUrl(std::string_view url) {
  UrlParts parts = Split(Trim(url));
  if (!EqualsIgnoreCase(parts.scheme, "http") && !EqualsIgnoreCase(parts.scheme, "https")) {
    return false;
  }
  if (!parts.has_authority) return false;
  std::string_view host = parts.authority;
  size_t at = host.rfind('@');
  if (at != std::string_view::npos) host.remove_prefix(at + 1);
  return !host.empty() && host[0] != ':';
}

std::string ResolveUrl(std::string_view base, std::string_view ref) {
  ref = Trim(ref);
  base = Trim(base);
  UrlParts r = Split(ref);
  if (!r.scheme.empty()) {
    // Splitting and joining give the reference back as it was.
    if (HasNoDotSegments(r.path)) return std::string(ref);
    std::string path = RemoveDotSegments(r.path);
    r.path = path;
    return Join(r);
  }
  UrlParts b = Split(base);
  if (b.scheme.empty()) return std::string(ref);
  UrlParts t;
  std::string path;
  t.scheme = b.scheme;
  if (r.has_authority) {
    t.authority = r.authority;
    t.has_authority = true;
    path = RemoveDotSegments(r.path);
    t.query = r.query;
    t.has_query = r.has_query;
  } else {
    t.authority = b.authority;
    t.has_authority = b.has_authority;
    if (r.path.empty()) {
      path = std::string(b.path);
      t.query = r.has_query ? r.query : b.query;
      t.has_query = r.has_query || b.has_query;
    } else if (r.path[0] == '/' && HasNoDotSegments(r.path)) {
      t.path = r.path;  // the common "/a/b" needs no copy
      t.query = r.query;
      t.has_query = r.has_query;
    } else {
      path = r.path[0] == '/' ? RemoveDotSegments(r.path) : RemoveDotSegments(MergePaths(b, r.path));
      t.query = r.query;
      t.has_query = r.has_query;
    }
  }
  if (t.path.empty()) t.path = path;
  t.fragment = r.fragment;
  t.has_fragment = r.has_fragment;
  return Join(t);
}

std::string CanonicalizeUrl(std::string_view url) {
  std::string_view trimmed = Trim(url);
  if (!IsHttpUrl(trimmed)) return std::string(trimmed);
  UrlParts parts = Split(trimmed);
  std::string scheme = Lower(parts.scheme);
  parts.scheme = scheme;

  // Authority: keep userinfo as is, lower-case the host, drop a default or
  // empty port.
  std::string userinfo;
  std::string hostport(parts.authority);
  size_t at = hostport.rfind('@');
  if (at != std::string::npos) {
    userinfo = hostport.substr(0, at + 1);
    hostport = hostport.substr(at + 1);
  }
  std::string host = hostport;
  std::string port;
  size_t port_colon = hostport.rfind(':');
  size_t bracket = hostport.rfind(']');
  if (port_colon != std::string::npos &&
      (bracket == std::string::npos || port_colon > bracket)) {
    host = hostport.substr(0, port_colon);
    port = hostport.substr(port_colon + 1);
  }
  host = Lower(host);
  while (!host.empty() && host.back() == '.') host.pop_back();
  if ((scheme == "http" && port == "80") || (scheme == "https" && port == "443")) {
    port.clear();
  }
  std::string authority = userinfo + host + (port.empty() ? "" : ":" + port);
  parts.authority = authority;

  std::string path = NormalizeEscapes(RemoveDotSegments(parts.path));
  if (path.empty()) path = "/";
  parts.path = path;

  std::string query;
  if (parts.has_query) {
    std::vector<std::string> kept;
    std::string_view rest = parts.query;
    while (true) {
      size_t amp = rest.find('&');
      std::string_view param = rest.substr(0, amp);
      if (!param.empty()) {
        std::string_view name = param.substr(0, param.find('='));
        if (!IsTrackingParameter(name)) kept.push_back(NormalizeEscapes(std::string(param)));
      }
      if (amp == std::string_view::npos) break;
      rest.remove_prefix(amp + 1);
    }
    std::stable_sort(kept.begin(), kept.end(), [](const std::string& a, const std::string& b) {
      std::string_view ka = std::string_view(a).substr(0, a.find('='));
      std::string_view kb = std::string_view(b).substr(0, b.find('='));
      return ka < kb;
    });
    for (const std::string& param : kept) {
      if (!query.empty()) query += '&';
      query += param;
    }
    parts.has_query = !kept.empty();
  }
  parts.query = query;
  parts.fragment = {};
  parts.has_fragment = false;
  return Join(parts);
}

}  // namespace newsflow::ingest

#include "services/ingest/feed/canonical_url.h"

#include <uriparser/Uri.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"

namespace newsflow::ingest {
namespace {

// (Debian's absl::string_view is not std::string_view, so these few are here.)
std::string_view Trim(std::string_view s) {
  while (!s.empty() && absl::ascii_isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && absl::ascii_isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = absl::ascii_tolower(static_cast<unsigned char>(c));
  return out;
}

// Links in feeds and pages are often not RFC 3986 syntax: raw spaces and
// non-ASCII bytes, '|', '{', '^', a second '#', a '%' that starts no escape.
// uriparser accepts only the RFC's syntax, so such bytes are percent-encoded
// before parsing, and '%' itself is written "%25". uriparser never adds a
// '%' of its own, so decoding every escape of its output once gives back
// each byte as it was written: the parser decides the structure (scheme,
// authority, path segments, query, fragment) and no byte is changed.
// `brackets`: '[' and ']' are encoded too; they are legal only around an
// IPv6 host, so this is the second try when the first parse fails.
std::string Protect(std::string_view s, bool brackets) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() + 16);
  bool in_fragment = false;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    bool escape = c <= 0x20 || c >= 0x7F || ch == '%' || ch == '"' || ch == '<' || ch == '>' || ch == '\\' ||
                  ch == '^' || ch == '`' || ch == '{' || ch == '|' || ch == '}';
    if (ch == '#') {
      escape = in_fragment;
      in_fragment = true;
    }
    if (brackets && (ch == '[' || ch == ']')) escape = true;
    if (escape) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    } else {
      out += ch;
    }
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Undoes Protect on any text taken from a parsed or composed URI.
std::string Restore(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string_view Range(const UriTextRangeA& range) {
  if (range.first == nullptr) return {};
  return std::string_view(range.first, static_cast<size_t>(range.afterLast - range.first));
}

// A URI reference parsed by uriparser from Protect()ed text, which it keeps
// alive (the parsed ranges point into it).
class ParsedUri {
 public:
  explicit ParsedUri(std::string_view reference) {
    for (bool brackets : {false, true}) {
      text_ = Protect(reference, brackets);
      const char* error = nullptr;
      if (uriParseSingleUriExA(&uri_, text_.data(), text_.data() + text_.size(), &error) == URI_SUCCESS) {
        ok_ = true;
        return;
      }
      uriFreeUriMembersA(&uri_);
      uri_ = UriUriA{};
    }
  }
  ~ParsedUri() {
    if (ok_) uriFreeUriMembersA(&uri_);
  }
  ParsedUri(const ParsedUri&) = delete;
  ParsedUri& operator=(const ParsedUri&) = delete;

  bool ok() const { return ok_; }
  const UriUriA& uri() const { return uri_; }
  UriUriA* mutable_uri() { return &uri_; }

 private:
  std::string text_;
  UriUriA uri_{};
  bool ok_ = false;
};

// Whether `s` starts with a scheme and ':' (RFC 3986 3.1).
bool StartsWithScheme(std::string_view s) {
  if (s.empty() || !absl::ascii_isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s.substr(1)) {
    if (c == ':') return true;
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return false;
  }
  return false;
}

bool HasAuthority(const UriUriA& uri) {
  return uri.hostText.first != nullptr || uri.hostData.ip4 != nullptr || uri.hostData.ip6 != nullptr ||
         uri.hostData.ipFuture.first != nullptr;
}

bool HasHost(const UriUriA& uri) {
  return uri.hostData.ip4 != nullptr || uri.hostData.ip6 != nullptr ||
         uri.hostData.ipFuture.first != nullptr || !Range(uri.hostText).empty();
}

// The host as written, brackets around an IP literal.
std::string_view HostText(const UriUriA& uri, std::string* buffer) {
  if (uri.hostData.ip6 == nullptr && uri.hostData.ipFuture.first == nullptr) return Range(uri.hostText);
  *buffer = "[";
  *buffer += Range(uri.hostText);
  *buffer += ']';
  return *buffer;
}

// The text of a parsed or resolved URI (RFC 3986 section 5.3), restored.
// (uriToStringA would write an IPv6 host in its expanded form.)
std::string Compose(const UriUriA& uri) {
  std::string out;
  if (uri.scheme.first != nullptr) {
    out += Range(uri.scheme);
    out += ':';
  }
  const bool authority = HasAuthority(uri);
  if (authority) {
    out += "//";
    if (uri.userInfo.first != nullptr) {
      out += Range(uri.userInfo);
      out += '@';
    }
    std::string buffer;
    out += HostText(uri, &buffer);
    if (uri.portText.first != nullptr) {
      out += ':';
      out += Range(uri.portText);
    }
  }
  for (const UriPathSegmentA* segment = uri.pathHead; segment != nullptr; segment = segment->next) {
    if (segment != uri.pathHead || authority || uri.absolutePath) out += '/';
    out += Range(segment->text);
  }
  if (uri.query.first != nullptr) {
    out += '?';
    out += Range(uri.query);
  }
  if (uri.fragment.first != nullptr) {
    out += '#';
    out += Range(uri.fragment);
  }
  return Restore(out);
}

bool IsHttpScheme(const UriUriA& uri) {
  const std::string scheme = Lower(Range(uri.scheme));
  return scheme == "http" || scheme == "https";
}

bool IsTrackingParameter(std::string_view name) {
  const std::string key = Lower(name);
  if (key.rfind("utm_", 0) == 0) return true;
  static constexpr std::string_view kTracking[] = {"fbclid",      "gclid",         "dclid",
                                                   "msclkid",     "mc_cid",        "mc_eid",
                                                   "ref",         "igshid",        "yclid",
                                                   "_hsenc",      "_hsmi",         "ncid",
                                                   "cmpid",       "ocid",          "_ga",
                                                   "twclid",      "wt.mc_id",      "oly_enc_id",
                                                   "oly_anon_id", "vero_id",       "mkt_tok",
                                                   "ref_src",     "ref_url",       "s_cid",
                                                   "guccounter",  "guce_referrer", "guce_referrer_sig"};
  return std::find(std::begin(kTracking), std::end(kTracking), key) != std::end(kTracking);
}

// Upper-cases the hex digits of percent escapes ("%2f" -> "%2F").
std::string NormalizeEscapes(std::string s) {
  for (size_t i = 0; i + 2 < s.size(); ++i) {
    if (s[i] == '%' && absl::ascii_isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        absl::ascii_isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      s[i + 1] = absl::ascii_toupper(static_cast<unsigned char>(s[i + 1]));
      s[i + 2] = absl::ascii_toupper(static_cast<unsigned char>(s[i + 2]));
      i += 2;
    }
  }
  return s;
}

// The query without tracking parameters and empty pieces, the rest in a
// stable order of their names, escapes upper-cased; "" when nothing stays.
std::string CanonicalQuery(std::string_view query) {
  std::vector<std::string> kept;
  while (true) {
    const size_t amp = query.find('&');
    const std::string_view param = query.substr(0, amp);
    if (!param.empty() && !IsTrackingParameter(param.substr(0, param.find('=')))) {
      kept.push_back(NormalizeEscapes(std::string(param)));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  std::stable_sort(kept.begin(), kept.end(), [](const std::string& a, const std::string& b) {
    return std::string_view(a).substr(0, a.find('=')) < std::string_view(b).substr(0, b.find('='));
  });
  std::string out;
  for (const std::string& param : kept) {
    if (!out.empty()) out += '&';
    out += param;
  }
  return out;
}

}  // namespace

bool IsHttpUrl(std::string_view url) {
  ParsedUri parsed(Trim(url));
  return parsed.ok() && IsHttpScheme(parsed.uri()) && HasHost(parsed.uri());
}

std::string HttpHostAndPort(std::string_view url) {
  ParsedUri parsed(Trim(url));
  if (!parsed.ok() || !IsHttpScheme(parsed.uri()) || !HasHost(parsed.uri())) return "";
  std::string buffer;
  std::string out = Lower(Restore(HostText(parsed.uri(), &buffer)));
  const std::string_view port = Range(parsed.uri().portText);
  if (!port.empty()) {
    out += ':';
    out += port;
  }
  return out;
}

namespace {

// Whether `ref` is a path-absolute reference ("/r/1?x#y") made only of
// characters that RFC 3986 allows unescaped, percent escapes, and no dot
// segment: resolved, it is the base's scheme and authority followed by
// `ref` as written (RFC 3986 5.2.2), which needs no parse.
bool IsPlainAbsolutePath(std::string_view ref) {
  if (ref.empty() || ref[0] != '/' || (ref.size() > 1 && ref[1] == '/')) return false;
  if (ref.find("/.") != std::string_view::npos) return false;
  bool fragment = false;
  for (size_t i = 0; i < ref.size(); ++i) {
    const auto c = static_cast<unsigned char>(ref[i]);
    if (absl::ascii_isalnum(c)) continue;
    if (c == '%') {
      if (i + 2 >= ref.size() || !absl::ascii_isxdigit(static_cast<unsigned char>(ref[i + 1])) ||
          !absl::ascii_isxdigit(static_cast<unsigned char>(ref[i + 2]))) {
        return false;
      }
      i += 2;
      continue;
    }
    if (c == '#') {
      if (fragment) return false;
      fragment = true;
      continue;
    }
    if (std::string_view("-._~!$&'()*+,;=:@/?").find(static_cast<char>(c)) == std::string_view::npos)
      return false;
  }
  return true;
}

// A base URL parsed once, with the prefix that path-absolute references
// are appended to (empty when there is none).
struct ParsedBase {
  explicit ParsedBase(std::string_view text) : base(text), parsed(text) {}
  std::string base;
  ParsedUri parsed;
  std::optional<std::string> prefix;
};

std::string ResolveParsed(const ParsedUri& b, const ParsedUri& r, std::string_view ref) {
  if (!b.ok() || b.uri().scheme.first == nullptr) return std::string(ref);
  UriUriA resolved{};
  const int rc = uriAddBaseUriExA(&resolved, &r.uri(), &b.uri(), URI_RESOLVE_STRICTLY);
  std::string out = rc == URI_SUCCESS ? Compose(resolved) : std::string(ref);
  uriFreeUriMembersA(&resolved);
  return out;
}

}  // namespace

std::string ResolveUrl(std::string_view base, std::string_view ref) {
  ref = Trim(ref);
  // Most links in feeds are absolute without dot segments: RFC 3986 5.2.2
  // gives them back unchanged, so they need no parse.
  if (StartsWithScheme(ref) && ref.find(":.") != ref.find(':') && ref.find("/.") == std::string_view::npos) {
    return std::string(ref);
  }
  // One document resolves its links against one base: keep its parse.
  thread_local std::unique_ptr<ParsedBase> last;
  base = Trim(base);
  if (last == nullptr || last->base != base) last = std::make_unique<ParsedBase>(base);
  if (IsPlainAbsolutePath(ref)) {
    if (!last->prefix.has_value()) {
      // The resolution of "/" is the prefix and a slash.
      std::string root = ResolveParsed(last->parsed, ParsedUri("/"), "/");
      last->prefix = root.size() > 1 && root.back() == '/' ? root.substr(0, root.size() - 1) : std::string();
    }
    if (!last->prefix->empty()) return *last->prefix + std::string(ref);
  }
  ParsedUri r(ref);
  if (!r.ok()) {
    // A relative path whose first segment holds a ':' but names no scheme
    // ("1a:b") must be written "./1a:b" (RFC 3986 4.2); read it that way
    // against a base.
    const ParsedUri& b = last->parsed;
    if (!ref.empty() && ref[0] != '/' && ref[0] != '?' && ref[0] != '#' && !StartsWithScheme(ref) && b.ok() &&
        b.uri().scheme.first != nullptr && ParsedUri("./" + std::string(ref)).ok()) {
      return ResolveUrl(base, "./" + std::string(ref));
    }
    return std::string(ref);
  }
  if (r.uri().scheme.first == nullptr) return ResolveParsed(last->parsed, r, ref);
  // An absolute reference: only its dot segments go (RFC 3986 5.2.2).
  if (uriNormalizeSyntaxExA(r.mutable_uri(), URI_NORMALIZE_PATH) != URI_SUCCESS) return std::string(ref);
  return Compose(r.uri());
}

std::string CanonicalizeUrl(std::string_view url) {
  const std::string_view trimmed = Trim(url);
  ParsedUri parsed(trimmed);
  if (!parsed.ok() || !IsHttpScheme(parsed.uri()) || !HasHost(parsed.uri())) return std::string(trimmed);
  // Dot segments resolved; the escapes uriparser would upper-case are all
  // "%25" and Protect()'s own, so escapes are normalised below, restored.
  if (uriNormalizeSyntaxExA(parsed.mutable_uri(), URI_NORMALIZE_PATH) != URI_SUCCESS) {
    return std::string(trimmed);
  }
  const UriUriA& uri = parsed.uri();
  const std::string scheme = Lower(Range(uri.scheme));
  std::string out = scheme + "://";
  // Authority: user info as written, the host lower-cased without trailing
  // dots, a default or empty port dropped.
  if (uri.userInfo.first != nullptr) {
    out += Restore(Range(uri.userInfo));
    out += '@';
  }
  std::string buffer;
  std::string host = Lower(Restore(HostText(uri, &buffer)));
  while (!host.empty() && host.back() == '.') host.pop_back();
  out += host;
  const std::string_view port = Range(uri.portText);
  if (!port.empty() && !(scheme == "http" && port == "80") && !(scheme == "https" && port == "443")) {
    out += ':';
    out += port;
  }
  // Path: "/" when empty, escapes upper-cased.
  std::string path;
  for (const UriPathSegmentA* segment = uri.pathHead; segment != nullptr; segment = segment->next) {
    path += '/';
    path += Range(segment->text);
  }
  path = NormalizeEscapes(Restore(path));
  out += path.empty() ? "/" : path;
  if (uri.query.first != nullptr) {
    const std::string query = CanonicalQuery(Restore(Range(uri.query)));
    if (!query.empty()) out += '?' + query;
  }
  return out;  // no fragment
}

}  // namespace newsflow::ingest

#include "services/ingest/fetcher.h"

#include <curl/curl.h>

#include <cctype>
#include <ctime>
#include <vector>
#include <fstream>
#include <mutex>
#include <sstream>

#include <fmt/format.h>

namespace newsflow::ingest {
namespace {

struct Sink {
  std::string* body;
  int64_t max_bytes;
  bool overflow = false;
};

size_t WriteBody(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t n = size * count;
  if (static_cast<int64_t>(sink->body->size() + n) > sink->max_bytes) {
    sink->overflow = true;
    return 0;  // aborts the transfer
  }
  sink->body->append(data, n);
  return n;
}

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

struct HeaderState {
  std::map<std::string, std::string> headers;  // of the last response
  std::vector<int> statuses;                   // of every response, redirects first
};

size_t ReadHeader(char* data, size_t size, size_t count, void* user) {
  auto* state = static_cast<HeaderState*>(user);
  std::string line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    state->headers.clear();  // a new response (after a redirect) starts over
    std::size_t space = line.find(' ');
    state->statuses.push_back(space == std::string::npos ? 0 : std::atoi(line.c_str() + space + 1));
    return size * count;
  }
  std::size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    state->headers[name] = Trim(line.substr(colon + 1));
  }
  return size * count;
}

// Retry-After is either delay-seconds or an HTTP-date (RFC 9110 10.2.3).
int RetryAfterSeconds(const std::string& value) {
  if (value.empty()) return 0;
  if (std::isdigit(static_cast<unsigned char>(value[0]))) return std::atoi(value.c_str());
  std::tm tm{};
  if (strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S", &tm) == nullptr) return 0;
  int64_t at = static_cast<int64_t>(timegm(&tm));
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  return at > now ? static_cast<int>(std::min<int64_t>(at - now, 7 * 86400)) : 0;
}

absl::StatusOr<FetchResult> ReadLocal(const std::string& path, const FetchOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(fmt::format("cannot open {}", path));
  FetchResult result;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  result.body = buffer.str();
  if (static_cast<int64_t>(result.body.size()) > options.max_bytes) {
    return absl::ResourceExhaustedError(fmt::format("{} is larger than {} bytes", path, options.max_bytes));
  }
  result.final_url = path;
  return result;
}

}  // namespace

void InitFetcher() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

absl::StatusOr<FetchResult> Fetch(const FetchRequest& request, const FetchOptions& options) {
  const std::string& url = request.url;
  if (url.rfind("file://", 0) == 0) return ReadLocal(url.substr(7), options);
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    if (url.find("://") != std::string::npos) {
      return absl::InvalidArgumentError(fmt::format("unsupported URL scheme: {}", url));
    }
    return ReadLocal(url, options);
  }
  InitFetcher();
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return absl::UnavailableError("curl_easy_init failed");
  FetchResult result;
  Sink sink{&result.body, options.max_bytes};
  HeaderState header_state;
  curl_slist* request_headers = nullptr;
  if (!request.etag.empty()) {
    request_headers = curl_slist_append(request_headers, ("If-None-Match: " + request.etag).c_str());
  }
  if (!request.last_modified.empty()) {
    request_headers =
        curl_slist_append(request_headers, ("If-Modified-Since: " + request.last_modified).c_str());
  }
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, request_headers);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // every encoding curl decodes
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout_ms));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, ReadHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &header_state);
  CURLcode code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  char* effective = nullptr;
  curl_easy_getinfo(curl, CURLINFO_EFFECTIVE_URL, &effective);
  if (effective != nullptr) result.final_url = effective;
  curl_slist_free_all(request_headers);
  curl_easy_cleanup(curl);

  if (sink.overflow) {
    return absl::ResourceExhaustedError(
        fmt::format("{}: response larger than {} bytes", url, options.max_bytes));
  }
  if (code != CURLE_OK) {
    return absl::UnavailableError(fmt::format("{}: {}", url, curl_easy_strerror(code)));
  }
  auto& headers = header_state.headers;
  result.http_status = static_cast<int>(status);
  result.content_type = headers["content-type"];
  result.etag = headers["etag"];
  result.last_modified = headers["last-modified"];
  result.retry_after_s = RetryAfterSeconds(headers["retry-after"]);
  const auto& statuses = header_state.statuses;
  result.redirected = statuses.size() > 1;
  result.permanent_redirect = result.redirected;
  for (std::size_t i = 0; i + 1 < statuses.size(); ++i) {
    if (statuses[i] != 301 && statuses[i] != 308) result.permanent_redirect = false;
  }
  return result;
}

}  // namespace newsflow::ingest

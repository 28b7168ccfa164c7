#include "services/ingest/fetcher.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <mutex>
#include <stop_token>
#include <vector>

#include <fmt/format.h>

#include "common/util/local_path.h"
#include "common/util/text.h"
#include "common/util/time.h"
#include "common/util/utf8.h"

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

// The status code of every response of a transfer, redirects first (libcurl
// keeps the headers of each response but only the last status code). The
// header callback sees each status line; named headers are read afterwards
// with curl_easy_header.
size_t ReadStatusLine(char* data, size_t size, size_t count, void* user) {
  auto* statuses = static_cast<std::vector<int>*>(user);
  std::string_view line(data, size * count);
  if (line.substr(0, 5) == "HTTP/") {
    std::size_t space = line.find(' ');
    statuses->push_back(
        space == std::string_view::npos ? 0 : std::atoi(std::string(line.substr(space + 1)).c_str()));
  }
  return size * count;
}

// The value of the last `name` header of the last response, "" if none.
std::string LastResponseHeader(CURL* curl, const char* name) {
  curl_header* header = nullptr;
  if (curl_easy_header(curl, name, 0, CURLH_HEADER, -1, &header) != CURLHE_OK) return "";
  if (header->amount > 1 &&
      curl_easy_header(curl, name, header->amount - 1, CURLH_HEADER, -1, &header) != CURLHE_OK) {
    return "";
  }
  return header->value != nullptr ? header->value : "";
}

// Retry-After is either delay-seconds or an HTTP-date (RFC 9110 10.2.3, in
// any of the three date forms, which curl_getdate reads).
int RetryAfterSeconds(const std::string& value) {
  if (value.empty()) return 0;
  if (std::isdigit(static_cast<unsigned char>(value[0]))) return std::atoi(value.c_str());
  const time_t at = curl_getdate(value.c_str(), nullptr);
  if (at == -1) return 0;
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  return at > now ? static_cast<int>(std::min<int64_t>(at - now, 7 * 86400)) : 0;
}

constexpr std::size_t kMaxUrlBytes = 8192;

bool HasControlOrSpace(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return true;
  }
  return false;
}

// `url` for an error message: control characters as '?', at most 300 bytes,
// valid UTF-8.
std::string Printable(std::string_view url) {
  std::string out(url.substr(0, 300));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  if (url.size() > 300) out += "...";
  return ToValidUtf8(out);
}

void Count(const FetchOptions& options, const char* name) {
  if (options.counters != nullptr) options.counters->Add(name);
}

// Whether the real path `path` lies strictly inside the real folder `root`.
bool RealPathInside(const std::string& path, const std::string& root) {
  if (root == "/") return path.size() > 1 && path[0] == '/';
  return path.size() > root.size() + 1 && path.compare(0, root.size(), root) == 0 && path[root.size()] == '/';
}

struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) close(fd);
  }
};

absl::StatusOr<FetchResult> ReadLocal(const std::string& path, const FetchOptions& options) {
  if (options.file_root.empty()) {
    Count(options, "fetches_refused_file");
    return absl::PermissionDeniedError(fmt::format(
        "local file {} refused: local feeds are off (ingest.fetch.file_feeds_allowed_under is not set)",
        path));
  }
  // One answer for every refusal: whether a path outside the folder exists,
  // is a FIFO or a device must not show.
  auto refused = [&] {
    Count(options, "fetches_refused_file");
    return absl::NotFoundError(
        fmt::format("local file {} cannot be read: it must be an existing regular file inside "
                    "ingest.fetch.file_feeds_allowed_under",
                    path));
  };
  char root_buffer[PATH_MAX];
  char real_buffer[PATH_MAX];
  if (realpath(options.file_root.c_str(), root_buffer) == nullptr) return refused();
  if (realpath(path.c_str(), real_buffer) == nullptr) return refused();
  const std::string root(root_buffer);
  if (!RealPathInside(real_buffer, root)) return refused();
  // O_NOFOLLOW: the checked path cannot be swapped for a symlink; O_NONBLOCK:
  // opening a FIFO does not wait for a writer (it is refused just below).
  FdCloser file{open(real_buffer, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY)};
  if (file.fd < 0) return refused();
  struct stat st {};
  if (fstat(file.fd, &st) != 0 || !S_ISREG(st.st_mode)) return refused();
  // A folder on the way may have been replaced since realpath(): check where
  // the opened file really is (when /proc is there to tell).
  char opened[PATH_MAX];
  ssize_t n = readlink(fmt::format("/proc/self/fd/{}", file.fd).c_str(), opened, sizeof(opened) - 1);
  if (n > 0 && !RealPathInside(std::string(opened, static_cast<std::size_t>(n)), root)) return refused();
  FetchResult result;
  char chunk[65536];
  while (true) {
    ssize_t got = read(file.fd, chunk, sizeof(chunk));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return refused();
    if (got == 0) break;
    if (static_cast<int64_t>(result.body.size()) + got > options.max_bytes) {
      return absl::ResourceExhaustedError(fmt::format("{} is larger than {} bytes", path, options.max_bytes));
    }
    result.body.append(chunk, static_cast<std::size_t>(got));
  }
  return result;
}

// Checks every connection libcurl opens, the first and each redirect's, on
// the address it is about to connect to.
struct ConnectGuard {
  const std::vector<IpNetwork>* allowed;
  std::string refused;  // the last refused address, cleared by a later allowed one
};

curl_socket_t OpenCheckedSocket(void* user, curlsocktype, curl_sockaddr* address) {
  auto* guard = static_cast<ConnectGuard*>(user);
  auto ip = AddressOf(&address->addr, static_cast<socklen_t>(address->addrlen));
  if (!ip || !AddressAllowed(*ip, *guard->allowed)) {
    guard->refused = ip ? FormatIpAddress(*ip) : fmt::format("of family {}", address->family);
    return CURL_SOCKET_BAD;
  }
  guard->refused.clear();
  return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

// `allow`: when set, a host written as an IP literal must be allowed by the
// fetch policy too (the connection would be refused anyway; say so now).
absl::Status CheckHttpUrl(std::string_view url, const std::vector<IpNetwork>* allow = nullptr) {
  if (url.empty()) return absl::InvalidArgumentError("the URL is empty");
  if (url.size() > kMaxUrlBytes) {
    return absl::InvalidArgumentError(fmt::format("the URL is longer than {} bytes", kMaxUrlBytes));
  }
  if (HasControlOrSpace(url)) return absl::InvalidArgumentError("the URL holds a space or control character");
  // libcurl reads "http:///host" as "http://host"; an authority must follow "//".
  std::size_t authority = url.find("://");
  if (authority != std::string_view::npos && url.size() > authority + 3 && url[authority + 3] == '/') {
    return absl::InvalidArgumentError(fmt::format("{} is not a valid URL: no host", std::string(url)));
  }
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> handle(curl_url(), curl_url_cleanup);
  if (!handle) return absl::ResourceExhaustedError("curl_url failed");
  const std::string text(url);
  CURLUcode rc = curl_url_set(handle.get(), CURLUPART_URL, text.c_str(), CURLU_NON_SUPPORT_SCHEME);
  if (rc != CURLUE_OK) {
    return absl::InvalidArgumentError(fmt::format("{} is not a valid URL: {}", text, curl_url_strerror(rc)));
  }
  char* scheme = nullptr;
  char* host = nullptr;
  curl_url_get(handle.get(), CURLUPART_SCHEME, &scheme, 0);
  CURLUcode host_rc = curl_url_get(handle.get(), CURLUPART_HOST, &host, 0);
  std::string scheme_text = scheme != nullptr ? scheme : "";
  bool has_host = host_rc == CURLUE_OK && host != nullptr && host[0] != '\0';
  std::string host_text = has_host ? host : "";
  curl_free(scheme);
  curl_free(host);
  if (scheme_text != "http" && scheme_text != "https") {
    return absl::InvalidArgumentError(fmt::format("{}: only http:// and https:// URLs are accepted", text));
  }
  if (!has_host) return absl::InvalidArgumentError(fmt::format("{} is not a valid URL: no host", text));
  if (allow != nullptr) {
    // libcurl's URL parser normalises numeric IPv4 forms (2130706433, 0x7f.1).
    std::string_view literal = host_text;
    if (literal.size() > 2 && literal.front() == '[' && literal.back() == ']') {
      literal = literal.substr(1, literal.size() - 2);
    }
    if (std::optional<IpAddress> ip = ParseIpAddress(literal); ip && !AddressAllowed(*ip, *allow)) {
      return absl::InvalidArgumentError(fmt::format(
          "{}: address {} is not allowed (ingest.fetch.allow_networks)", text, FormatIpAddress(*ip)));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<FetchResult> FetchHttp(const FetchRequest& request, const FetchOptions& options);

}  // namespace

void InitFetcher() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

FetchOptions FetchOptionsFromConfig(const IngestConfig& config, Counters* counters) {
  FetchOptions options;
  options.timeout_ms = config.http_timeout_ms;
  options.max_bytes = config.max_feed_bytes;
  options.user_agent = config.user_agent;
  options.file_root = config.file_feeds_allowed_under;
  for (const std::string& cidr : config.allow_networks) {
    if (auto network = ParseIpNetwork(cidr); network.ok()) options.allow_networks.push_back(*network);
  }
  options.counters = counters;
  return options;
}

absl::Status CheckPageUrl(std::string_view url, const FetchOptions& options) {
  return CheckHttpUrl(url, &options.allow_networks);
}

absl::Status CheckFeedUrl(std::string_view url, const FetchOptions& options) {
  const std::string scheme = UrlScheme(url);
  if (scheme == "http" || scheme == "https") return CheckHttpUrl(url, &options.allow_networks);
  if (url.empty()) return absl::InvalidArgumentError("the feed URL is empty");
  if (url.size() > kMaxUrlBytes) {
    return absl::InvalidArgumentError(fmt::format("the feed URL is longer than {} bytes", kMaxUrlBytes));
  }
  std::optional<std::string> path = LocalFeedPath(url);
  if (!path) {
    return absl::InvalidArgumentError(
        fmt::format("{}: only http:// and https:// URLs are accepted", Printable(url)));
  }
  if (options.file_root.empty()) {
    return absl::InvalidArgumentError(fmt::format(
        "{} is not an http:// or https:// URL (local feed files need ingest.fetch.file_feeds_allowed_under)",
        url));
  }
  if (!LexicallyInside(*path, options.file_root)) {
    return absl::InvalidArgumentError(
        fmt::format("local feed {} is not inside ingest.fetch.file_feeds_allowed_under", url));
  }
  return absl::OkStatus();
}

absl::StatusOr<FetchResult> Fetch(const FetchRequest& request, const FetchOptions& options) {
  const std::string& url = request.url;
  const std::string scheme = UrlScheme(url);
  if (scheme == "http" || scheme == "https") return FetchHttp(request, options);
  if (std::optional<std::string> path = LocalFeedPath(url)) {
    auto result = ReadLocal(*path, options);
    if (result.ok()) result->final_url = url;
    return result;
  }
  return absl::InvalidArgumentError(fmt::format("unsupported URL scheme: {}", Printable(url)));
}

namespace {

// How long one wait for socket activity lasts at most: the bound on how late
// a stop or a deadline is noticed (a stop also wakes the wait at once).
constexpr int kPollStepMs = 100;

// Runs `curl` to completion on a multi handle, in steps of at most
// kPollStepMs, so that a stop of request.stop or request.deadline_ms ends it
// promptly. On such an end sets *aborted (kCancelled, kDeadlineExceeded) and
// returns CURLE_ABORTED_BY_CALLBACK.
CURLcode PerformCancellable(CURL* curl, CURLM* handle, const FetchRequest& request,
                            const FetchOptions& options, absl::Status* aborted) {
  int64_t timeout_ms = options.timeout_ms;
  bool deadline_bound = false;  // the deadline, not the timeout, ends the transfer
  if (request.deadline_ms > 0) {
    int64_t left = request.deadline_ms - NowMs();
    if (left <= 0) {
      *aborted =
          absl::DeadlineExceededError(fmt::format("{}: no time left for the fetch", Printable(request.url)));
      return CURLE_ABORTED_BY_CALLBACK;
    }
    deadline_bound = left < timeout_ms;
    timeout_ms = std::min(timeout_ms, left);
  }
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<int64_t>(timeout_ms, 1)));
  if (curl_multi_add_handle(handle, curl) != CURLM_OK) return CURLE_OUT_OF_MEMORY;
  std::stop_callback wake(request.stop, [handle] { curl_multi_wakeup(handle); });
  CURLcode code = CURLE_OK;
  int running = 1;
  while (true) {
    if (request.stop.stop_requested()) {
      *aborted = absl::CancelledError(fmt::format("{}: fetch cancelled (stopping)", Printable(request.url)));
      code = CURLE_ABORTED_BY_CALLBACK;
      break;
    }
    if (request.deadline_ms > 0 && NowMs() >= request.deadline_ms) {
      *aborted =
          absl::DeadlineExceededError(fmt::format("{}: fetch ran out of time", Printable(request.url)));
      code = CURLE_ABORTED_BY_CALLBACK;
      break;
    }
    CURLMcode mc = curl_multi_perform(handle, &running);
    if (mc != CURLM_OK) {
      code = CURLE_RECV_ERROR;
      break;
    }
    if (running == 0) {
      int queued = 0;
      code = CURLE_RECV_ERROR;
      while (CURLMsg* msg = curl_multi_info_read(handle, &queued)) {
        if (msg->msg == CURLMSG_DONE && msg->easy_handle == curl) code = msg->data.result;
      }
      break;
    }
    if (curl_multi_poll(handle, nullptr, 0, kPollStepMs, nullptr) != CURLM_OK) {
      code = CURLE_RECV_ERROR;
      break;
    }
  }
  curl_multi_remove_handle(handle, curl);
  if (code == CURLE_OPERATION_TIMEDOUT && deadline_bound && aborted->ok()) {
    *aborted = absl::DeadlineExceededError(fmt::format("{}: fetch ran out of time", Printable(request.url)));
  }
  return code;
}

// The curl handles of one fetching thread, kept from fetch to fetch: the
// multi handle's connection cache keeps connections to a server open between
// fetches (HTTP keep-alive) and its DNS cache keeps names, and the easy handle
// is reset before each use. A cached connection was checked by
// OpenCheckedSocket when it was opened, under the allow list of that fetch;
// a fetch under a different allow list therefore starts from fresh handles,
// so that no connection reaches an address its own policy refuses.
class ThreadHandles {
 public:
  ~ThreadHandles() { Drop(); }

  // The handles for a fetch under `allowed`, easy handle reset; false if
  // libcurl cannot make them.
  bool Acquire(const std::vector<IpNetwork>& allowed, CURL** easy, CURLM** multi) {
    if (easy_ != nullptr && allowed != checked_under_) Drop();
    if (easy_ == nullptr) {
      easy_ = curl_easy_init();
      multi_ = curl_multi_init();
      if (easy_ == nullptr || multi_ == nullptr) {
        Drop();
        return false;
      }
      checked_under_ = allowed;
    } else {
      curl_easy_reset(easy_);
    }
    *easy = easy_;
    *multi = multi_;
    return true;
  }

 private:
  void Drop() {
    if (easy_ != nullptr) curl_easy_cleanup(easy_);
    if (multi_ != nullptr) curl_multi_cleanup(multi_);  // closes its cached connections
    easy_ = nullptr;
    multi_ = nullptr;
    checked_under_.clear();
  }

  CURL* easy_ = nullptr;
  CURLM* multi_ = nullptr;
  std::vector<IpNetwork> checked_under_;
};

absl::StatusOr<FetchResult> FetchHttp(const FetchRequest& request, const FetchOptions& options) {
  const std::string& url = request.url;
  InitFetcher();
  thread_local ThreadHandles handles;
  CURL* curl = nullptr;
  CURLM* multi = nullptr;
  if (!handles.Acquire(options.allow_networks, &curl, &multi)) {
    return absl::UnavailableError("curl_easy_init failed");
  }
  FetchResult result;
  Sink sink{&result.body, options.max_bytes};
  std::vector<int> statuses;
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
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, ReadStatusLine);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &statuses);
  // No proxy, whatever http_proxy/https_proxy/ALL_PROXY say: a proxy would
  // connect on our behalf, past the address check below.
  curl_easy_setopt(curl, CURLOPT_PROXY, "");
  ConnectGuard guard{&options.allow_networks, ""};
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, OpenCheckedSocket);
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, &guard);
  absl::Status aborted;
  CURLcode code = PerformCancellable(curl, multi, request, options, &aborted);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  char* effective = nullptr;
  curl_easy_getinfo(curl, CURLINFO_EFFECTIVE_URL, &effective);
  if (effective != nullptr) result.final_url = effective;
  if (code == CURLE_OK) {
    result.content_type = LastResponseHeader(curl, "Content-Type");
    result.etag = LastResponseHeader(curl, "ETag");
    result.last_modified = LastResponseHeader(curl, "Last-Modified");
    result.retry_after_s = RetryAfterSeconds(LastResponseHeader(curl, "Retry-After"));
  }
  // The handle keeps pointers to these until its next reset: point it away.
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_slist_free_all(request_headers);

  if (!aborted.ok()) return aborted;
  if (sink.overflow) {
    return absl::ResourceExhaustedError(
        fmt::format("{}: response larger than {} bytes", url, options.max_bytes));
  }
  if (code != CURLE_OK && !guard.refused.empty()) {
    Count(options, "fetches_refused_address");
    return absl::PermissionDeniedError(
        fmt::format("{}: address {} is not allowed (ingest.fetch.allow_networks)", url, guard.refused));
  }
  if (code != CURLE_OK) {
    return absl::UnavailableError(fmt::format("{}: {}", url, curl_easy_strerror(code)));
  }
  result.http_status = static_cast<int>(status);
  result.redirected = statuses.size() > 1;
  result.permanent_redirect = result.redirected;
  for (std::size_t i = 0; i + 1 < statuses.size(); ++i) {
    if (statuses[i] != 301 && statuses[i] != 308) result.permanent_redirect = false;
  }
  return result;
}

}  // namespace

}  // namespace newsflow::ingest

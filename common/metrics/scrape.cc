#include "common/metrics/scrape.h"

#include <curl/curl.h>

#include <cstdlib>
#include <memory>

#include <fmt/format.h>

namespace newsflow::metrics {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

size_t AppendBody(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// Reads a label value after its opening quote; `pos` ends past the closing
// quote. False on a line cut short.
bool ReadQuoted(std::string_view line, size_t& pos, std::string& value) {
  while (pos < line.size()) {
    char c = line[pos++];
    if (c == '"') return true;
    if (c == '\\' && pos < line.size()) {
      char e = line[pos++];
      value += e == 'n' ? '\n' : e;
    } else {
      value += c;
    }
  }
  return false;
}

std::optional<MetricSample> ParseLine(std::string_view line) {
  MetricSample sample;
  size_t pos = 0;
  while (pos < line.size() && line[pos] != '{' && line[pos] != ' ' && line[pos] != '\t') ++pos;
  sample.name = std::string(line.substr(0, pos));
  if (sample.name.empty()) return std::nullopt;
  if (pos < line.size() && line[pos] == '{') {
    ++pos;
    while (pos < line.size() && line[pos] != '}') {
      size_t eq = line.find('=', pos);
      if (eq == std::string_view::npos || eq + 1 >= line.size() || line[eq + 1] != '"') return std::nullopt;
      std::string key(Trim(line.substr(pos, eq - pos)));
      pos = eq + 2;
      std::string value;
      if (!ReadQuoted(line, pos, value)) return std::nullopt;
      sample.labels[key] = value;
      if (pos < line.size() && line[pos] == ',') ++pos;
    }
    if (pos >= line.size()) return std::nullopt;
    ++pos;  // '}'
  }
  std::string_view rest = Trim(line.substr(pos));
  std::string number(rest.substr(0, rest.find_first_of(" \t")));  // a timestamp may follow
  if (number.empty()) return std::nullopt;
  char* end = nullptr;
  sample.value = std::strtod(number.c_str(), &end);  // also reads +Inf, -Inf, NaN
  if (end != number.c_str() + number.size()) return std::nullopt;
  return sample;
}

std::string Count(double v) { return fmt::format("{:.0f}", v); }

}  // namespace

absl::StatusOr<HttpReply> HttpRequestTo(const std::string& method, const std::string& url,
                                        const std::vector<std::string>& headers, const std::string& body,
                                        std::chrono::milliseconds timeout) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return absl::InternalError("curl_easy_init failed");
  HttpReply reply;
  curl_slist* raw = nullptr;
  for (const std::string& h : headers) {
    curl_slist* grown = curl_slist_append(raw, h.c_str());
    if (grown == nullptr) {
      curl_slist_free_all(raw);
      return absl::InternalError("curl_slist_append failed");
    }
    raw = grown;
  }
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> list(raw, curl_slist_free_all);
  if (list) curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, list.get());
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http");
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));  // NOLINT
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &AppendBody);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &reply.body);
  // Always named: with a body, curl would otherwise send POST whatever
  // `method` says. HEAD is curl's NOBODY, so that it waits for no body.
  if (method == "HEAD") {
    curl_easy_setopt(curl.get(), CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(curl.get(), CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  if (!body.empty()) {
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  CURLcode code = curl_easy_perform(curl.get());
  if (code != CURLE_OK)
    return absl::UnavailableError(fmt::format("{} {}: {}", method, url, curl_easy_strerror(code)));
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &reply.status);
  const char* type = nullptr;
  if (curl_easy_getinfo(curl.get(), CURLINFO_CONTENT_TYPE, &type) == CURLE_OK && type != nullptr) {
    reply.content_type = type;
  }
  return reply;
}

absl::StatusOr<HttpReply> HttpGet(const std::string& url, const std::string& token,
                                  std::chrono::milliseconds timeout) {
  std::vector<std::string> headers;
  if (!token.empty()) headers.push_back(fmt::format("Authorization: Bearer {}", token));
  return HttpRequestTo("GET", url, headers, "", timeout);
}

std::string HttpBaseUrl(const std::string& address, int port) {
  std::string host = address;
  if (host.empty() || host == "0.0.0.0" || host == "*") host = "127.0.0.1";
  if (host == "::" || host == "[::]") host = "[::1]";
  if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
  return fmt::format("http://{}:{}", host, port);
}

std::vector<ScrapeTarget> ScrapeTargetsOf(const NewsflowConfig& config) {
  std::vector<ScrapeTarget> targets;
  if (config.store.http_enabled && config.store.http_port != 0) {
    targets.push_back(
        {"store", HttpBaseUrl(config.store.http_address, config.store.http_port), config.store.http_token});
  }
  if (config.ingest.api_enabled && config.ingest.api_port != 0) {
    targets.push_back(
        {"ingest", HttpBaseUrl(config.ingest.api_address, config.ingest.api_port), config.ingest.api_token});
  }
  if (config.enrich.http_enabled && config.enrich.http_port != 0) {
    targets.push_back({"enrich", HttpBaseUrl(config.enrich.http_address, config.enrich.http_port),
                       config.enrich.http_token});
  }
  return targets;
}

std::optional<double> MetricSamples::Find(std::string_view name,
                                          const std::map<std::string, std::string>& match) const {
  std::optional<double> sum;
  for (const MetricSample& s : samples_) {
    if (s.name != name) continue;
    bool matches = true;
    for (const auto& [key, value] : match) {
      auto it = s.labels.find(key);
      matches = matches && it != s.labels.end() && it->second == value;
    }
    if (matches) sum = sum.value_or(0) + s.value;
  }
  return sum;
}

MetricSamples ParseMetricsText(std::string_view text) {
  std::vector<MetricSample> samples;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = Trim(text.substr(0, eol));
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    if (line.empty() || line.front() == '#') continue;
    if (auto sample = ParseLine(line)) samples.push_back(*std::move(sample));
  }
  return MetricSamples(std::move(samples));
}

DaemonFigures FiguresOf(const std::string& daemon, const MetricSamples& m) {
  DaemonFigures f;
  if (daemon == "ingest") {
    f.articles = m.Sum("newsflow_ingest_accepted_new_total");
    f.errors = m.Sum("newsflow_ingest_db_errors_total") + m.Sum("newsflow_ingest_bad_acks_total") +
               m.Sum("newsflow_ingest_bad_ack_frames_total") +
               m.Sum("newsflow_ingest_bad_control_frames_total") +
               m.Sum("newsflow_ingest_drop_files_failed_total");
    f.outbox = m.Find("newsflow_ingest_outbox_outstanding");
    f.dead_letters = m.Find("newsflow_ingest_dead_letters");
    f.failing_feeds = m.Find("newsflow_ingest_feeds", {{"state", "failing"}});
  } else if (daemon == "enrich") {
    f.articles = m.Sum("newsflow_enrich_articles_total", {{"outcome", "enriched"}});
    f.errors = m.Sum("newsflow_enrich_articles_total", {{"outcome", "failed"}}) +
               m.Sum("newsflow_enrich_journal_errors_total") +
               m.Sum("newsflow_enrich_bad_input_frames_total");
    f.connected = m.Find("newsflow_enrich_connected_threads", {{"socket", "input"}});
  } else if (daemon == "store") {
    f.articles = m.Sum("newsflow_store_committed_total");
    f.errors = m.Sum("newsflow_store_commit_errors_total") + m.Sum("newsflow_store_bad_input_frames_total") +
               m.Sum("newsflow_store_articles_rejected_total") +
               m.Sum("newsflow_store_search_index_errors_total");
    f.stored = m.Find("newsflow_store_articles");
    f.commits_failing = m.Find("newsflow_store_commits_failing");
  }
  return f;
}

std::string SummaryLine(const DaemonFigures& now, const DaemonFigures* before, double seconds) {
  std::vector<std::string> parts;
  if (before != nullptr && seconds > 0) {
    parts.push_back(
        fmt::format("{:.1f} articles/s", std::max(0.0, now.articles - before->articles) / seconds));
  } else {
    parts.push_back(fmt::format("{} articles", Count(now.articles)));
  }
  if (now.stored) parts.push_back(fmt::format("stored {}", Count(*now.stored)));
  if (now.outbox) parts.push_back(fmt::format("outbox {}", Count(*now.outbox)));
  if (now.dead_letters) parts.push_back(fmt::format("dead letters {}", Count(*now.dead_letters)));
  if (now.failing_feeds) parts.push_back(fmt::format("failing feeds {}", Count(*now.failing_feeds)));
  if (now.connected) parts.push_back(fmt::format("connected threads {}", Count(*now.connected)));
  if (now.commits_failing && *now.commits_failing > 0) parts.emplace_back("COMMITS FAILING");
  parts.push_back(fmt::format("errors {}", Count(now.errors)));
  std::string line;
  for (const std::string& p : parts) {
    if (!line.empty()) line += ", ";
    line += p;
  }
  return line;
}

}  // namespace newsflow::metrics

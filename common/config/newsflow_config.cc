#include "common/config/newsflow_config.h"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include <re2/re2.h>
#include <zmq.h>

#include "common/config/yaml_reader.h"
#include "common/util/ip_network.h"
#include "common/util/local_path.h"

namespace newsflow {
namespace {

constexpr int kMaxInt = 1 << 30;

bool IsLoopback(const std::string& address) {
  return address == "127.0.0.1" || address == "::1" || address == "localhost";
}

// Reads a key file: its content without surrounding whitespace.
absl::StatusOr<std::string> ReadKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(fmt::format("cannot read {}", path));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() > 64 * 1024)
    return absl::InvalidArgumentError(fmt::format("{} is too large for a key file", path));
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return std::string();
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

// A literal key or its `<key>_file` variant (never both).
void ReadKeyOrFile(YamlReader& r, std::string_view key, std::string* out) {
  r.ReadString(key, out);
  std::string path;
  const std::string file_key = fmt::format("{}_file", key);
  r.ReadString(file_key, &path);
  if (path.empty()) return;
  if (!out->empty()) {
    r.Error(file_key, fmt::format("set either {} or {}, not both", key, file_key));
    return;
  }
  auto text = ReadKeyFile(path);
  if (!text.ok()) {
    r.Error(file_key, std::string(text.status().message()));
  } else if (text->empty()) {
    r.Error(file_key, fmt::format("{} is empty", path));
  } else {
    *out = *std::move(text);
  }
}

bool IsZ85Key(const std::string& key) {
  uint8_t decoded[32];
  return key.size() == 40 && zmq_z85_decode(decoded, key.c_str()) != nullptr;
}

void ReadEndpoint(YamlReader& parent, std::string_view key, EndpointConfig* ep) {
  YamlReader r = parent.ChildOrScalar(key);
  if (r.IsScalar()) {
    ep->address = r.node().Scalar();
  } else {
    r.ReadString("address", &ep->address);
    r.ReadBool("bind", &ep->bind);
    r.ReadInt("hwm", &ep->hwm, 1, kMaxInt);
    ReadKeyOrFile(r, "curve_server_key", &ep->curve_server_key);
    ReadKeyOrFile(r, "curve_public_key", &ep->curve_public_key);
    ReadKeyOrFile(r, "curve_secret_key", &ep->curve_secret_key);
    r.ReadStringList("curve_allowed_clients", &ep->curve_allowed_clients);
    std::string clients_file;
    r.ReadString("curve_allowed_clients_file", &clients_file);
    if (!clients_file.empty()) {
      auto text = ReadKeyFile(clients_file);
      if (!text.ok()) {
        r.Error("curve_allowed_clients_file", std::string(text.status().message()));
      } else {
        std::istringstream lines(*text);
        for (std::string line; std::getline(lines, line);) {
          // '#' is a Z85 digit, so only whole lines can be comments.
          const auto first = line.find_first_not_of(" \t\r");
          if (first == std::string::npos || line[first] == '#') continue;
          const auto last = line.find_last_not_of(" \t\r");
          ep->curve_allowed_clients.push_back(line.substr(first, last - first + 1));
        }
      }
    }
    r.Finish();
  }
  if (ep->address.find("://") == std::string::npos) {
    parent.Error(fmt::format("{}.address", key),
                 fmt::format("must be a ZeroMQ endpoint such as tcp://host:port, got \"{}\"", ep->address));
  }
  for (const std::string* k : {&ep->curve_server_key, &ep->curve_public_key, &ep->curve_secret_key}) {
    if (!k->empty() && !IsZ85Key(*k)) {
      parent.Error(key, "CurveZMQ keys must be 40-character Z85 strings");
      break;
    }
  }
  if (!ep->curve_secret_key.empty() && !ep->bind &&
      (ep->curve_server_key.empty() || ep->curve_public_key.empty())) {
    parent.Error(
        key, "a connecting CurveZMQ socket needs curve_server_key, curve_public_key and curve_secret_key");
  }
  if (ep->address.find("://") != std::string::npos && !IsLocalOnlyEndpoint(ep->address)) {
    // Reachable from other hosts: without CurveZMQ anyone there could push
    // forged articles, poison the document frequencies or read the stream.
    const bool bind_secure = ep->bind && !ep->curve_secret_key.empty() && !ep->curve_allowed_clients.empty();
    const bool connect_secure = !ep->bind && !ep->curve_secret_key.empty() && !ep->curve_public_key.empty() &&
                                !ep->curve_server_key.empty();
    if (!bind_secure && !connect_secure) {
      parent.Error(
          key, fmt::format("{} is reachable from other hosts (not loopback, inproc:// or ipc://), so it "
                           "needs CurveZMQ: {} (see deploy/config/cluster-example.yaml; "
                           "`newsflow keygen` makes key pairs), or use a 127.0.0.1 address",
                           ep->address,
                           ep->bind ? "curve_secret_key and curve_allowed_clients (or their _file variants)"
                                    : "curve_server_key, curve_public_key and curve_secret_key (or their "
                                      "_file variants)"));
    }
  }
  if (!ep->curve_allowed_clients.empty()) {
    if (!ep->bind || ep->curve_secret_key.empty()) {
      parent.Error(fmt::format("{}.curve_allowed_clients", key),
                   "only a binding socket with curve_secret_key (a CURVE server) admits clients");
    }
    for (const std::string& client : ep->curve_allowed_clients) {
      if (!IsZ85Key(client)) {
        parent.Error(fmt::format("{}.curve_allowed_clients", key),
                     fmt::format("\"{}\" is not a 40-character Z85 public key", client));
        break;
      }
    }
  }
}

void ReadHttpLimits(YamlReader& r, HttpLimitsConfig* c) {
  r.ReadInt("threads", &c->threads, 1, 256);
  r.ReadInt("max_connections", &c->max_connections, 1, 1000000);
  r.ReadInt("idle_timeout_s", &c->idle_timeout_s, 1, 86400);
  r.ReadInt64("max_body_bytes", &c->max_body_bytes, 0, int64_t{1} << 32);
  r.ReadInt("max_header_bytes", &c->max_header_bytes, 1024, 1 << 20);
  r.ReadInt("max_streams", &c->max_streams, 0, 1000000);
}

// The keys every daemon's HTTP server block shares. A server off loopback
// must have a token: `parent` reports it as "<block>.address".
struct HttpServerFields {
  bool* enabled;
  std::string* address;
  int* port;
  std::string* token;
  HttpLimitsConfig* limits;
};

void ReadHttpServer(YamlReader& block, const HttpServerFields& f) {
  block.ReadBool("enabled", f.enabled);
  block.ReadString("address", f.address);
  block.ReadInt("port", f.port, 0, 65535);
  block.ReadString("token", f.token);
  ReadHttpLimits(block, f.limits);
}

void CheckHttpServerToken(YamlReader& parent, std::string_view section, std::string_view block,
                          const HttpServerFields& f) {
  if (*f.enabled && !IsLoopback(*f.address) && f.token->empty()) {
    parent.Error(fmt::format("{}.address", block),
                 fmt::format("a non-loopback address requires {}.{}.token", section, block));
  }
}

// ingest.feeds: each a URL or {url, interval_s}. Returns their readers, for
// errors found once the fetch settings are known (CheckFeedSeeds).
std::vector<YamlReader> ReadFeedSeeds(YamlReader& r, IngestConfig* c) {
  std::vector<YamlReader> seeds = r.Sequence("feeds");
  for (YamlReader& f : seeds) {
    FeedSeed seed;
    if (f.IsScalar()) {
      seed.url = f.node().Scalar();
    } else {
      f.ReadString("url", &seed.url);
      f.ReadInt("interval_s", &seed.interval_s, 0, kMaxInt);
      f.Finish();
    }
    if (seed.url.empty()) f.Error("url", "must not be empty");
    c->feeds.push_back(seed);
  }
  return seeds;
}

// ingest.fetch: the networks and the folder fetches may reach.
void ReadFetch(YamlReader& r, IngestConfig* c) {
  YamlReader fetch = r.Child("fetch");
  fetch.ReadStringList("allow_networks", &c->allow_networks);
  fetch.ReadString("file_feeds_allowed_under", &c->file_feeds_allowed_under);
  fetch.Finish();
  for (const std::string& cidr : c->allow_networks) {
    if (auto network = ParseIpNetwork(cidr); !network.ok()) {
      fetch.Error("allow_networks", std::string(network.status().message()));
    }
  }
  if (!c->file_feeds_allowed_under.empty()) {
    std::error_code ec;
    std::string dir = std::filesystem::absolute(c->file_feeds_allowed_under, ec).lexically_normal().string();
    if (dir == "/" || LexicallyInside(dir, "/proc") || LexicallyInside(dir, "/sys") ||
        LexicallyInside(dir, "/dev") || dir == "/proc" || dir == "/sys" || dir == "/dev") {
      fetch.Error("file_feeds_allowed_under", "must be a folder of feed files, not /, /proc, /sys or /dev");
    }
  }
}

// A seed feed is an http(s) URL or a file inside fetch.file_feeds_allowed_under.
void CheckFeedSeeds(std::vector<YamlReader>& seeds, const IngestConfig& c) {
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    const FeedSeed& seed = c.feeds[i];
    if (seed.url.empty()) continue;
    const std::string scheme = UrlScheme(seed.url);
    if (scheme == "http" || scheme == "https") continue;
    std::optional<std::string> path = LocalFeedPath(seed.url);
    if (!path) {
      seeds[i].Error("url", fmt::format("\"{}\" is neither an http(s) URL nor a local file", seed.url));
    } else if (c.file_feeds_allowed_under.empty()) {
      seeds[i].Error("url", "a local file feed needs ingest.fetch.file_feeds_allowed_under");
    } else if (!LexicallyInside(*path, c.file_feeds_allowed_under)) {
      seeds[i].Error("url", fmt::format("{} is outside ingest.fetch.file_feeds_allowed_under ({})", *path,
                                        c.file_feeds_allowed_under));
    }
  }
}

// ingest.poll: the schedule's limits.
void ReadPoll(YamlReader& r, IngestConfig* c) {
  YamlReader poll = r.Child("poll");
  poll.ReadInt("default_interval_s", &c->default_interval_s, 1, kMaxInt);
  poll.ReadInt("min_interval_s", &c->min_interval_s, 1, kMaxInt);
  poll.ReadInt("max_interval_s", &c->max_interval_s, 1, kMaxInt);
  poll.ReadInt("max_failures", &c->max_failures, 1, kMaxInt);
  poll.ReadInt("fetch_threads", &c->fetch_threads, 1, 64);
  poll.ReadInt("per_host_concurrency", &c->per_host_concurrency, 1, 64);
  poll.ReadInt("poll_budget_ms", &c->poll_budget_ms, 1000, kMaxInt);
  poll.Finish();
  if (c->min_interval_s > c->max_interval_s) {
    r.Error("poll.min_interval_s", "must not exceed poll.max_interval_s");
  } else if (c->default_interval_s < c->min_interval_s || c->default_interval_s > c->max_interval_s) {
    r.Error("poll.default_interval_s", "must lie between poll.min_interval_s and poll.max_interval_s");
  }
}

void ReadIngest(YamlReader& r, IngestConfig* c) {
  r.ReadString("instance_id", &c->instance_id);
  if (c->instance_id.empty() || c->instance_id.size() > 64 ||
      c->instance_id.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") !=
          std::string::npos) {
    r.Error("instance_id", "must be 1-64 letters, digits, '-' or '_' (acks are routed by it)");
  }
  r.ReadString("data_dir", &c->data_dir);
  ReadEndpoint(r, "articles", &c->articles);
  ReadEndpoint(r, "acks", &c->acks);
  ReadEndpoint(r, "control", &c->control);
  std::vector<YamlReader> seeds = ReadFeedSeeds(r, c);
  ReadFetch(r, c);
  CheckFeedSeeds(seeds, *c);
  r.ReadString("drop_dir", &c->drop_dir);
  r.ReadInt("drop_scan_interval_ms", &c->drop_scan_interval_ms, 50, kMaxInt);
  ReadPoll(r, c);
  YamlReader http = r.Child("http");
  http.ReadInt("timeout_ms", &c->http_timeout_ms, 100, kMaxInt);
  http.ReadInt64("max_feed_bytes", &c->max_feed_bytes, 1024, int64_t{1} << 34);
  http.ReadString("user_agent", &c->user_agent);
  http.Finish();
  YamlReader pages = r.Child("pages");
  pages.ReadBool("enabled", &c->fetch_pages);
  pages.ReadInt("teaser_max_chars", &c->teaser_max_chars, 0, kMaxInt);
  pages.Finish();
  YamlReader api = r.Child("api");
  const HttpServerFields api_fields{&c->api_enabled, &c->api_address, &c->api_port, &c->api_token,
                                    &c->api_limits};
  ReadHttpServer(api, api_fields);
  api.ReadInt("max_import_outlines", &c->max_import_outlines, 1, 10000000);
  api.ReadInt("max_import_bytes", &c->max_import_bytes, 1024, 1 << 30);
  api.Finish();
  CheckHttpServerToken(r, "ingest", "api", api_fields);
  YamlReader outbox = r.Child("outbox");
  outbox.ReadInt("ack_timeout_ms", &c->ack_timeout_ms, 10, kMaxInt);
  outbox.ReadInt("max_attempts", &c->max_attempts, 1, kMaxInt);
  outbox.ReadInt("max_in_flight", &c->max_in_flight, 1, kMaxInt);
  outbox.ReadBool("sync_writes", &c->sync_writes);
  outbox.Finish();
  YamlReader limits = r.Child("limits");
  limits.ReadInt("max_text_bytes", &c->max_text_bytes, 1024, 64 << 20);
  limits.ReadInt("max_title_bytes", &c->max_title_bytes, 64, 64 << 10);
  limits.ReadInt("max_summary_html_bytes", &c->max_summary_html_bytes, 1024, 64 << 20);
  limits.ReadInt("max_categories", &c->max_categories, 0, 10000);
  limits.Finish();
  r.Finish();
}

void ReadEnrich(YamlReader& r, EnrichConfig* c) {
  r.ReadString("worker_id", &c->worker_id);
  ReadEndpoint(r, "input", &c->input);
  ReadEndpoint(r, "output", &c->output);
  r.ReadInt("threads", &c->threads, 1, 256);
  YamlReader tags = r.Child("tags");
  tags.ReadInt("max_tags", &c->max_tags, 1, 50);
  tags.ReadInt("min_tags", &c->min_tags, 0, 50);
  tags.Finish();
  if (c->min_tags > c->max_tags) r.Error("tags.min_tags", "must not exceed tags.max_tags");
  if (c->threads > 1 && (c->input.bind || c->output.bind)) {
    r.Error("threads", "must be 1 when enrich.input or enrich.output binds (one socket per address)");
  }
  YamlReader summary = r.Child("summary");
  summary.ReadInt("sentences", &c->summary_sentences, 1, 50);
  summary.ReadInt("max_chars", &c->summary_max_chars, 0, 100000);
  summary.ReadInt("key_points", &c->key_points, 0, 20);
  summary.Finish();
  r.ReadString("user_dictionary", &c->user_dictionary);
  if (!c->user_dictionary.empty() && !std::ifstream(c->user_dictionary).good()) {
    r.Error("user_dictionary", fmt::format("cannot read {}", c->user_dictionary));
  }
  for (YamlReader& rule_reader : r.Sequence("categories")) {
    CategoryRule rule;
    rule_reader.ReadString("tag", &rule.tag);
    rule_reader.ReadStringList("keywords", &rule.keywords);
    rule_reader.ReadString("pattern", &rule.pattern);
    rule_reader.Finish();
    if (rule.tag.empty()) rule_reader.Error("tag", "must not be empty");
    if (rule.keywords.empty() && rule.pattern.empty()) {
      rule_reader.Error("keywords", "a category needs keywords or a pattern");
    }
    if (!rule.pattern.empty()) {
      RE2::Options options;
      options.set_case_sensitive(false);
      options.set_log_errors(false);
      RE2 check(rule.pattern, options);
      if (!check.ok()) {
        rule_reader.Error("pattern", fmt::format("not a valid regular expression: {}", check.error()));
      }
    }
    c->categories.push_back(std::move(rule));
  }
  YamlReader term_counts = r.Child("term_counts");
  term_counts.ReadBool("shared", &c->share_term_counts);
  ReadEndpoint(term_counts, "stream", &c->term_counts_stream);
  term_counts.ReadInt("report_articles", &c->term_counts_report_articles, 1, 100000);
  term_counts.ReadInt("report_interval_ms", &c->term_counts_report_interval_ms, 100, 3600000);
  term_counts.Finish();
  if (c->term_counts_stream.bind) {
    r.Error("term_counts.stream", "connects to the store's term-counts socket; it cannot bind");
  }
  YamlReader limits = r.Child("limits");
  limits.ReadInt("max_text_bytes", &c->max_text_bytes, 1024, 64 * 1024 * 1024);
  limits.ReadInt("max_ranked_sentences", &c->max_ranked_sentences, 1, 100000);
  limits.ReadInt("max_sentence_bytes", &c->max_sentence_bytes, 64, 1024 * 1024);
  limits.Finish();
  r.ReadInt("article_budget_ms", &c->article_budget_ms, 1, 3600000);
  r.ReadInt("watchdog_ms", &c->watchdog_ms, 0, 3600000);
  if (c->watchdog_ms > 0 && c->watchdog_ms < c->article_budget_ms) {
    r.Error("watchdog_ms", "must be 0 (off) or at least enrich.article_budget_ms");
  }
  r.ReadString("journal_dir", &c->journal_dir);
  YamlReader http = r.Child("http");
  const HttpServerFields http_fields{&c->http_enabled, &c->http_address, &c->http_port, &c->http_token,
                                     &c->http_limits};
  ReadHttpServer(http, http_fields);
  http.Finish();
  CheckHttpServerToken(r, "enrich", "http", http_fields);
  r.Finish();
}

void ReadStore(YamlReader& r, StoreConfig* c) {
  r.ReadString("data_dir", &c->data_dir);
  ReadEndpoint(r, "input", &c->input);
  ReadEndpoint(r, "publish", &c->publish);
  ReadEndpoint(r, "acks", &c->acks);
  ReadEndpoint(r, "query", &c->query);
  if (r.Has("term_counts")) {
    ReadEndpoint(r, "term_counts", &c->term_counts);
  } else {
    c->term_counts = DeriveTermCountsEndpoint(c->acks);
  }
  YamlReader http = r.Child("http");
  const HttpServerFields http_fields{&c->http_enabled, &c->http_address, &c->http_port, &c->http_token,
                                     &c->http_limits};
  ReadHttpServer(http, http_fields);
  http.Finish();
  CheckHttpServerToken(r, "store", "http", http_fields);
  r.ReadBool("sync_writes", &c->sync_writes);
  r.ReadInt("max_batch", &c->max_batch, 1, 100000);
  r.ReadInt("memory_mb", &c->memory_mb, 16, 1 << 20);
  r.ReadInt("term_counts_save_interval_ms", &c->term_counts_save_interval_ms, 10, 3600000);
  YamlReader limits = r.Child("query_limits");
  limits.ReadInt("default_limit", &c->default_limit, 1, kMaxInt);
  limits.ReadInt("max_limit", &c->max_limit, 1, kMaxInt);
  limits.Finish();
  if (c->default_limit > c->max_limit) {
    r.Error("query_limits.default_limit", "must not exceed query_limits.max_limit");
  }
  YamlReader search = r.Child("search");
  search.ReadBool("enabled", &c->search_enabled);
  search.ReadString("path", &c->search_path);
  search.Finish();
  YamlReader related = r.Child("related");
  int related_limit = static_cast<int>(c->related_limit);
  related.ReadInt("limit", &related_limit, 1, 50);
  c->related_limit = static_cast<std::size_t>(related_limit);
  int window_days = static_cast<int>(c->related_window_ms / (int64_t{24} * 3600 * 1000));
  related.ReadInt("window_days", &window_days, 0, 36500);
  c->related_window_ms = int64_t{window_days} * 24 * 3600 * 1000;
  int cache_seconds = static_cast<int>(c->related_cache_ms / 1000);
  related.ReadInt("cache_seconds", &cache_seconds, 0, 86400);
  c->related_cache_ms = int64_t{cache_seconds} * 1000;
  related.Finish();
  YamlReader backup = r.Child("backup");
  backup.ReadString("dir", &c->backup_dir);
  backup.Finish();
  YamlReader retention = r.Child("retention");
  retention.ReadInt("max_age_days", &c->retention_max_age_days, 0, 36500);
  retention.ReadInt64("max_articles", &c->retention_max_articles, 0, int64_t{1} << 40);
  retention.ReadInt("interval_seconds", &c->retention_interval_seconds, 10, 86400);
  retention.Finish();
  r.Finish();
}

void FillDerived(NewsflowConfig* c) {
  for (EndpointConfig* ep : {&c->ingest.articles, &c->ingest.acks, &c->ingest.control, &c->enrich.input,
                             &c->enrich.output, &c->enrich.term_counts_stream, &c->store.input,
                             &c->store.publish, &c->store.acks, &c->store.query, &c->store.term_counts}) {
    ep->max_message_bytes = c->transport.max_message_bytes;
  }
  if (c->ingest.data_dir.empty()) c->ingest.data_dir = c->data_dir + "/ingest";
  if (c->store.data_dir.empty()) c->store.data_dir = c->data_dir + "/store";
  if (c->enrich.journal_dir.empty()) c->enrich.journal_dir = c->data_dir + "/enrich-journal";
}

}  // namespace

bool IsLocalOnlyEndpoint(std::string_view address) {
  const auto scheme_end = address.find("://");
  if (scheme_end == std::string_view::npos) return false;
  const std::string_view scheme = address.substr(0, scheme_end);
  if (scheme == "inproc" || scheme == "ipc") return true;
  if (scheme != "tcp") return false;  // pgm, udp, ws, ...: assume reachable
  std::string_view rest = address.substr(scheme_end + 3);
  // "tcp://source;destination": the destination is what is reached.
  if (const auto semi = rest.rfind(';'); semi != std::string_view::npos) rest = rest.substr(semi + 1);
  std::string_view host;
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return false;
    host = rest.substr(1, close - 1);
  } else {
    const auto colon = rest.rfind(':');
    if (colon == std::string_view::npos) return false;
    host = rest.substr(0, colon);
  }
  if (host == "localhost") return true;
  std::optional<IpAddress> ip = ParseIpAddress(host);
  if (!ip) return false;  // a host name or an interface: may be reachable
  static const IpNetwork kLoopback4 = *ParseIpNetwork("127.0.0.0/8");
  static const IpNetwork kLoopback6 = *ParseIpNetwork("::1/128");
  return kLoopback4.Contains(*ip) || kLoopback6.Contains(*ip);
}

EndpointConfig DeriveTermCountsEndpoint(const EndpointConfig& acks) {
  EndpointConfig ep = acks;
  ep.address = acks.address + "-term-counts";
  if (acks.address.starts_with("tcp://")) {
    const auto colon = acks.address.rfind(':');
    const std::string port = acks.address.substr(colon + 1);
    int number = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (port == "*") {
      ep.address = acks.address;
    } else if (ec == std::errc() && end == port.data() + port.size() && number > 0 && number + 2 <= 65535) {
      ep.address = fmt::format("{}:{}", acks.address.substr(0, colon), number + 2);
    }
  }
  return ep;
}

NewsflowConfig DefaultConfig() {
  NewsflowConfig c;
  FillDerived(&c);
  return c;
}

absl::StatusOr<NewsflowConfig> ParseConfig(const std::string& yaml_text, std::string_view source_name) {
  auto node = ParseYaml(yaml_text, source_name);
  if (!node.ok()) return node.status();
  NewsflowConfig c;
  std::vector<std::string> errors;
  YamlReader root(*node, "", &errors);
  if (node->IsDefined() && !node->IsNull() && !node->IsMap()) {
    return absl::InvalidArgumentError(fmt::format("{}: top level must be a mapping", source_name));
  }
  root.ReadString("data_dir", &c.data_dir);
  YamlReader logging = root.Child("logging");
  logging.ReadEnum("level", &c.logging.level, {"trace", "debug", "info", "warn", "error", "critical", "off"});
  logging.ReadString("file", &c.logging.file);
  logging.ReadEnum("format", &c.logging.format, {"text", "json"});
  logging.Finish();
  YamlReader drain = root.Child("drain");
  drain.ReadInt("deadline_ms", &c.drain.deadline_ms, 0, kMaxInt);
  drain.Finish();
  YamlReader transport = root.Child("transport");
  transport.ReadInt64("max_message_bytes", &c.transport.max_message_bytes, 64 * 1024, int64_t{1} << 40);
  transport.Finish();
  YamlReader ingest = root.Child("ingest");
  ReadIngest(ingest, &c.ingest);
  YamlReader enrich = root.Child("enrich");
  ReadEnrich(enrich, &c.enrich);
  YamlReader store = root.Child("store");
  ReadStore(store, &c.store);
  root.Finish();
  if (c.data_dir.empty()) root.Error("data_dir", "must not be empty");
  if (c.transport.max_message_bytes < 3 * c.ingest.max_feed_bytes) {
    root.Error("transport.max_message_bytes",
               fmt::format("must be at least 3 * ingest.http.max_feed_bytes ({}): an article envelope "
                           "carries the text, the source's summary and the enrichment",
                           3 * c.ingest.max_feed_bytes));
  }
  if (!errors.empty()) {
    return absl::InvalidArgumentError(
        fmt::format("{}: {} problem(s):\n  {}", source_name, errors.size(), fmt::join(errors, "\n  ")));
  }
  FillDerived(&c);
  return c;
}

absl::StatusOr<NewsflowConfig> LoadConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(fmt::format("config {}: cannot open", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseConfig(buffer.str(), path);
}

}  // namespace newsflow

// NewsflowConfig: the one YAML file every newsflow process reads.
//
// Sections: top-level `data_dir`, `logging`, `drain`, then one section per
// service (`ingest`, `enrich`, `store`). Each daemon reads the whole file and
// uses its own section, so one file describes a deployment. Every field below
// documents its YAML key and default; deploy/config/newsflow.yaml lists them
// all. Unknown keys and out-of-range values are rejected with their key path.
#ifndef NEWSFLOW_COMMON_CONFIG_NEWSFLOW_CONFIG_H_
#define NEWSFLOW_COMMON_CONFIG_NEWSFLOW_CONFIG_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace newsflow {

// Limits of a daemon's HTTP server (common/transport/http_server.h). YAML:
// keys of the api/http section that holds them.
struct HttpLimitsConfig {
  int threads = 4;                   // event-loop threads. Default: 4
  int max_connections = 1024;        // open at once, later refused. Default: 1024
  int idle_timeout_s = 30;           // close a silent connection. Default: 30
  int64_t max_body_bytes = 1 << 20;  // larger request bodies get 413. Default: 1048576
  int max_header_bytes = 16 << 10;   // larger request heads get 431. Default: 16384
  // Long-lived streams (the store's /v1/stream) open at once, later ones
  // get 503; 0 = half of max_connections (HttpServerOptions::max_streams).
  // Default: 0
  int max_streams = 0;
};

// transport.max_message_bytes default: the largest message any newsflow
// socket accepts. An article envelope holds at most a feed's or page's bytes
// (ingest.http.max_feed_bytes, 16 MiB by default) as text, once more as its
// summary_html and a little enrichment; 64 MiB leaves room for that.
inline constexpr int64_t kDefaultMaxMessageBytes = int64_t{64} << 20;

// One ZeroMQ endpoint. YAML: either a string (the address, default side) or
// {address, bind, hwm, curve keys}.
//
// An endpoint reachable from other hosts (any address but loopback --
// 127.0.0.0/8, ::1, localhost -- inproc:// or ipc://; wildcard binds such as
// tcp://0.0.0.0 or tcp://*:port count as reachable) must use CurveZMQ: a
// binding one needs curve_secret_key and curve_allowed_clients, a connecting
// one all three keys; the config is refused otherwise.
struct EndpointConfig {
  std::string address;  // "tcp://127.0.0.1:5561", "tcp://127.0.0.1:*", "inproc://x"
  bool bind = false;    // bind (stable side) or connect
  int hwm = 1000;       // send/receive high-water mark, in messages
  // CurveZMQ encryption for links across hosts. A binding socket with
  // `curve_secret_key` acts as the CURVE server; a connecting socket needs the
  // server's public key (`curve_server_key`) and its own pair. Keys are Z85
  // (40 characters). Default: all empty (no encryption).
  std::string curve_server_key;
  std::string curve_public_key;
  std::string curve_secret_key;
  // Binding CURVE socket only: the Z85 public keys of the clients allowed to
  // connect; others fail the handshake (a ZAP handler checks each one).
  // Default: empty (any client that knows the server's public key).
  std::vector<std::string> curve_allowed_clients;
  // Each key may instead be read from a file (YAML `curve_server_key_file`,
  // `curve_public_key_file`, `curve_secret_key_file`: the key, surrounding
  // whitespace ignored; `curve_allowed_clients_file`: one key per line, lines
  // starting with `#` are comments). The file is read when the config is loaded and fills the field
  // above, so a key can come from a mounted secret. Default: none.
  // Largest message accepted (ZMQ_MAXMSGSIZE): a peer that sends a bigger
  // one is disconnected. Set from transport.max_message_bytes.
  int64_t max_message_bytes = kDefaultMaxMessageBytes;
};

// True when `address` can only be reached from this host: inproc://, ipc://,
// or tcp:// to 127.0.0.0/8, ::1 or localhost.
bool IsLocalOnlyEndpoint(std::string_view address);

inline EndpointConfig MakeEndpoint(std::string address, bool bind, int hwm) {
  EndpointConfig ep;
  ep.address = std::move(address);
  ep.bind = bind;
  ep.hwm = hwm;
  return ep;
}

// store.term_counts when the config does not set it: store.acks with its
// side, high-water mark and CurveZMQ settings (the same workers may
// connect), at a neighbouring address: tcp port + 2 (5564 -> 5566; a "*"
// port stays "*"), any other transport the address + "-term-counts"
// ("inproc://newsflow-acks" -> "inproc://newsflow-acks-term-counts").
EndpointConfig DeriveTermCountsEndpoint(const EndpointConfig& acks);

struct LoggingConfig {
  std::string level = "info";  // trace|debug|info|warn|error|off. Default: info
  // Append logs to this file instead of stderr; SIGHUP reopens it (log
  // rotation). Default: "" (stderr)
  std::string file;
  // "text": "2026-01-02T03:04:05.678 info store: message". "json": one
  // object a line, {"ts", "level", "logger", "msg"}, for log shippers.
  // Default: text
  std::string format = "text";
};

struct DrainConfig {
  int deadline_ms = 10000;  // time allowed for an ordered drain on stop. Default: 10000
};

struct FeedSeed {
  // http(s):// URL, or a local path or file:// URL inside
  // ingest.fetch.file_feeds_allowed_under (local feeds need that opt-in, the
  // ones listed here too).
  std::string url;
  int interval_s = 0;  // 0 = ingest.poll.default_interval_s
};

struct IngestConfig {
  // Acks are routed by this id (topic "ack.<id>."), so it is 1-64 letters,
  // digits, '-' or '_'. Default: ingest-0
  std::string instance_id = "ingest-0";
  std::string data_dir;                                                        // Default: <data_dir>/ingest
  EndpointConfig articles = MakeEndpoint("tcp://127.0.0.1:5561", true, 1000);  // PUSH to enrich workers
  EndpointConfig acks = MakeEndpoint("tcp://127.0.0.1:5564", false, 10000);    // SUB on the store's ack PUB
  EndpointConfig control = MakeEndpoint("tcp://127.0.0.1:5560", true, 100);    // ROUTER for `newsflow feeds`
  std::vector<FeedSeed> feeds;  // added to the persisted feed list at start. Default: none
  std::string drop_dir;         // folder of .html/.json articles; "" = off. Default: ""
  int drop_scan_interval_ms = 2000;
  // Polling.
  int default_interval_s = 900;  // Default: 900
  int min_interval_s = 60;       // Default: 60
  int max_interval_s = 86400;    // Default: 86400
  int max_failures = 10;         // consecutive failures before a feed is disabled. Default: 10
  int fetch_threads = 4;         // concurrent feed polls. Default: 4
  int per_host_concurrency = 1;  // polls at once of feeds on one host. Default: 1
  // Time one poll of a feed may take: the feed fetch and its teaser pages.
  // Past it, the remaining items keep the feed's text instead of their page,
  // so a site with slow pages holds a fetch thread no longer than this.
  // Default: 30000
  int poll_budget_ms = 30000;
  // HTTP.
  int http_timeout_ms = 20000;                // Default: 20000
  int64_t max_feed_bytes = 16 * 1024 * 1024;  // Default: 16 MiB
  std::string user_agent = "newsflow/0.1 (+https://github.com/newsflow/newsflow)";
  // Fetch policy (services/ingest/fetcher.h). Every connection, redirects
  // included, must reach a public address unless its network is listed in
  // `allow_networks` (CIDRs such as 10.0.0.0/8, fd00::/8, 127.0.0.1/32).
  // Default: none.
  std::vector<std::string> allow_networks;
  // Local feed files are read only when their real path lies inside this
  // folder (regular files only); "" = no local feeds at all. Applies to feeds
  // listed in `feeds` and to feeds added at run time. Default: "".
  std::string file_feeds_allowed_under;
  // Full text: feed items whose content is a teaser get their page fetched
  // and extracted (per feed: FeedSpec.full_text).
  bool fetch_pages = true;     // Default: true
  int teaser_max_chars = 500;  // shorter content counts as a teaser. Default: 500
  // Feed-management HTTP/JSON API (loopback unless a token is set).
  bool api_enabled = true;                // Default: true
  std::string api_address = "127.0.0.1";  // Default: 127.0.0.1
  int api_port = 8481;                    // 0 = any free port. Default: 8481
  // Required as "Authorization: Bearer" when set, and as ControlRequest.token
  // on the control socket. Default: "" (no token).
  std::string api_token;
  HttpLimitsConfig api_limits;  // ingest.api.{threads, max_connections, ...}
  // Largest OPML import (outlines in one file) the API accepts; imports run
  // one at a time in the background. Default: 200000
  int max_import_outlines = 200000;
  // Largest OPML upload, in bytes (other request bodies: api max_body_bytes).
  // Default: 67108864 (64 MiB)
  int max_import_bytes = 64 << 20;
  // Outbox (delivery contract).
  int ack_timeout_ms = 30000;  // resend an unacknowledged article after this. Default: 30000
  int max_attempts = 10;       // then move it to dead letters. Default: 10
  int max_in_flight = 5000;    // outbox entries sent but not acked. Default: 5000
  bool sync_writes = true;     // fsync outbox writes. Default: true
  // What an accepted article may hold (ingest.limits): longer text is cut at
  // a paragraph, sentence or character boundary, extra categories dropped.
  int max_text_bytes = 1 << 20;            // Default: 1048576 (1 MiB)
  int max_title_bytes = 2048;              // Default: 2048
  int max_summary_html_bytes = 256 << 10;  // Default: 262144
  int max_categories = 50;                 // Default: 50
};

// A category tag added to every article that matches: any of `keywords`
// (case-insensitive; whole words for Latin script, substrings for Chinese)
// or the RE2 regular expression `pattern` (case-insensitive; RE2 syntax, so
// no back-references or look-around, matching in time linear in the text),
// in the title or the text.
struct CategoryRule {
  std::string tag;
  std::vector<std::string> keywords;
  std::string pattern;
};

struct EnrichConfig {
  std::string worker_id;                                                      // Default: "<hostname>-<pid>"
  EndpointConfig input = MakeEndpoint("tcp://127.0.0.1:5561", false, 100);    // PULL from ingest
  EndpointConfig output = MakeEndpoint("tcp://127.0.0.1:5562", false, 1000);  // PUSH to store
  int threads = 1;                       // worker threads in this process. Default: 1
  int max_tags = 8;                      // Default: 8
  int min_tags = 5;                      // Default: 5
  int summary_sentences = 3;             // Default: 3
  int summary_max_chars = 0;             // 0 = no character limit. Default: 0
  int key_points = 5;                    // Default: 5
  std::vector<CategoryRule> categories;  // Default: none
  std::string user_dictionary;           // file of Chinese terms kept whole. Default: none
  // Document frequencies shared by all workers through the store.
  bool share_term_counts = true;  // Default: true
  // SUB on the store's term-counts PUB (store.term_counts). A config from
  // before that socket existed names store.acks here; the store then serves
  // the worker there too (common/delivery/term_counts.h).
  EndpointConfig term_counts_stream = MakeEndpoint("tcp://127.0.0.1:5566", false, 10000);
  int term_counts_report_articles = 100;      // Default: 100
  int term_counts_report_interval_ms = 5000;  // Default: 5000
  // Caps on what is analysed per article (the stored text is not changed).
  int max_text_bytes = 256 * 1024;  // body bytes analysed. Default: 262144
  int max_ranked_sentences = 1000;  // sentences ranked for summary/key points. Default: 1000
  int max_sentence_bytes = 3000;    // longer sentences are never summary/key points. Default: 3000
  // Per-article time budget, checked between enrichment stages: an article
  // over it is not stored but reported to ingest, which dead-letters it.
  int article_budget_ms = 10000;  // Default: 10000
  // Hard limit: an article still running after this long stops the worker
  // process (after recording the article in the journal); 0 = off.
  int watchdog_ms = 60000;  // Default: 60000
  // Per-thread journal files naming the article being enriched, so that
  // one that crashed the process is quarantined when it restarts.
  std::string journal_dir;  // Default: <data_dir>/enrich-journal
  // Health and metrics over HTTP (/healthz, /readyz, /metrics). Several
  // workers on one host need port 0 (the bound port is logged and written
  // to --endpoints-file as enrich.http) or a port each.
  bool http_enabled = true;                // Default: true
  std::string http_address = "127.0.0.1";  // Default: 127.0.0.1 (loopback only)
  int http_port = 8482;                    // 0 = any free port. Default: 8482
  std::string http_token;                  // required off loopback, for all but /healthz
  // enrich.http.{threads, max_connections, ...}; bodies: only GETs.
  HttpLimitsConfig http_limits{.threads = 1, .max_connections = 64, .max_body_bytes = 64 << 10};
};

struct StoreConfig {
  std::string data_dir;                                                        // Default: <data_dir>/store
  EndpointConfig input = MakeEndpoint("tcp://127.0.0.1:5562", true, 1000);     // PULL from enrich
  EndpointConfig publish = MakeEndpoint("tcp://127.0.0.1:5563", true, 10000);  // PUB stream to subscribers
  EndpointConfig acks = MakeEndpoint("tcp://127.0.0.1:5564", true, 10000);     // PUB acks to ingest
  EndpointConfig query = MakeEndpoint("tcp://127.0.0.1:5565", true, 1000);     // ROUTER query socket
  // PUB of the document-frequency gossip to the enrich workers
  // (enrich.term_counts.stream). When the key is absent it follows
  // store.acks (DeriveTermCountsEndpoint), so a config written before it
  // existed still runs: tcp://127.0.0.1:5566 beside the default acks.
  EndpointConfig term_counts = MakeEndpoint("tcp://127.0.0.1:5566", true, 10000);
  bool http_enabled = true;                // Default: true
  std::string http_address = "127.0.0.1";  // Default: 127.0.0.1 (loopback only)
  int http_port = 8480;                    // 0 = any free port. Default: 8480
  std::string http_token;                  // required as "Authorization: Bearer" when set
  // store.http.{threads, max_connections, ...}; bodies: only GETs. Default max_body_bytes: 65536
  HttpLimitsConfig http_limits{.max_body_bytes = 64 << 10};
  bool sync_writes = true;  // WAL fsync before acking. Default: true
  int max_batch = 256;      // articles per group commit. Default: 256
  // store.memory_mb: what the database's block cache and memtables hold
  // together, every column family included (the search index and the rest
  // of the process come on top). Default: 128
  int memory_mb = 128;
  // The shared document frequencies are saved at least this often while they
  // change, under load too, so a crash (kill -9) loses at most this much of
  // them. Default: 5000
  int term_counts_save_interval_ms = 5000;
  int default_limit = 20;  // query page size. Default: 20
  int max_limit = 1000;    // Default: 1000
  // Full-text search index (services/store/search_index.h): derived from
  // the database, it follows the sequence log in a thread of its own.
  bool search_enabled = true;  // store.search.enabled. Default: true
  // store.search.path; "" = <data_dir>/search, so that it follows a
  // --data-dir override like data_dir does. Read it with SearchPath().
  std::string search_path;
  std::string SearchPath() const { return search_path.empty() ? data_dir + "/search" : search_path; }
  // Related articles (services/store/related.h), read from the search index.
  std::size_t related_limit = 5;  // store.related.limit: listed per article. Default: 5
  // store.related.window_days: related articles lie at most this far before
  // or after the article (0 = any time). Default: 30 days
  int64_t related_window_ms = int64_t{30} * 24 * 3600 * 1000;
  int64_t related_cache_ms = 60000;  // store.related.cache_seconds: answers reused this long. Default: 60
  // Retention (services/store/article_store.h, DeleteArticles): the writer
  // deletes articles older than max_age_days (by published, else fetched
  // time) and the oldest beyond max_articles, every interval. 0 = off; both
  // off by default, so nothing is ever deleted unless asked for.
  int retention_max_age_days = 0;        // store.retention.max_age_days. Default: 0 (off)
  int64_t retention_max_articles = 0;    // store.retention.max_articles. Default: 0 (off)
  int retention_interval_seconds = 600;  // store.retention.interval_seconds. Default: 600
  bool RetentionEnabled() const { return retention_max_age_days > 0 || retention_max_articles > 0; }
  // store.backup.dir: the only folder that backups asked for over the
  // network (`newsflow backup DIR`, POST /v1/admin/backup) are written into;
  // DIR is taken relative to it, or must lie inside it. "" =
  // <data_dir>-backups (beside the database, so a restore that swaps the
  // data dir leaves the backups where they were). Read it with BackupDir().
  std::string backup_dir;
  std::string BackupDir() const { return backup_dir.empty() ? data_dir + "-backups" : backup_dir; }
};

struct TransportConfig {
  // Every ZeroMQ socket refuses (and disconnects the peer of) a message
  // larger than this. Must hold the largest article envelope: at least
  // 3 * ingest.http.max_feed_bytes. Default: 67108864 (64 MiB).
  int64_t max_message_bytes = kDefaultMaxMessageBytes;
};

struct NewsflowConfig {
  std::string data_dir = "./newsflow-data";  // Default: ./newsflow-data
  LoggingConfig logging;
  TransportConfig transport;
  DrainConfig drain;
  IngestConfig ingest;
  EnrichConfig enrich;
  StoreConfig store;
};

// Parses and validates YAML text. Errors: kInvalidArgument listing every
// problem, one per line, each with its key path.
absl::StatusOr<NewsflowConfig> ParseConfig(const std::string& yaml_text,
                                           std::string_view source_name = "config");
// Reads `path` and parses it. kNotFound when the file is missing.
absl::StatusOr<NewsflowConfig> LoadConfig(const std::string& path);
// Defaults with derived fields filled (data dirs).
NewsflowConfig DefaultConfig();

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_CONFIG_NEWSFLOW_CONFIG_H_

// Reading a daemon's operational routes from outside: an HTTP GET, a parser
// for the Prometheus text format the daemons serve (metrics.h), and the
// one-line summary of a daemon's figures that `newsflow status` prints and
// that the daemons send to systemd as STATUS= (systemd_notify.h).
//
// The parser reads what Registry::Render() writes (and the common subset of
// the format 0.0.4 other exporters write): `name{label="value",...} value`
// lines; comments, timestamps and malformed lines are skipped.
//
//   auto body = HttpGet("http://127.0.0.1:8481/metrics", token, std::chrono::seconds(2));
//   MetricSamples samples = ParseMetricsText(body->body);
//   double outbox = samples.Sum("newsflow_ingest_outbox_outstanding");
//
// Thread-safe: no shared state.
#ifndef NEWSFLOW_COMMON_METRICS_SCRAPE_H_
#define NEWSFLOW_COMMON_METRICS_SCRAPE_H_

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/config/newsflow_config.h"

namespace newsflow::metrics {

struct HttpReply {
  long status = 0;  // NOLINT(google-runtime-int): libcurl's type
  std::string body;
  std::string content_type;  // "" when the server sent none
};

// One HTTP request (http only): `method` ("GET", "POST", "DELETE", ...) on
// `url` with `headers` ("Name: value" lines) and `body` (sent when not
// empty). kUnavailable when the server cannot be reached in `timeout`; any
// HTTP status is a reply. Redirects are not followed.
absl::StatusOr<HttpReply> HttpRequestTo(const std::string& method, const std::string& url,
                                        const std::vector<std::string>& headers, const std::string& body,
                                        std::chrono::milliseconds timeout);

// GETs `url` (http only), with "Authorization: Bearer <token>" when `token`
// is not empty. kUnavailable when the server cannot be reached in `timeout`;
// any HTTP status is a reply.
absl::StatusOr<HttpReply> HttpGet(const std::string& url, const std::string& token,
                                  std::chrono::milliseconds timeout);

// "http://ADDRESS:PORT" for a daemon's HTTP server bound to `address`: an
// unspecified bind address (0.0.0.0, ::, empty) is reached on loopback.
std::string HttpBaseUrl(const std::string& address, int port);

// A daemon's operational HTTP server as its configuration names it.
struct ScrapeTarget {
  std::string daemon;  // "store", "ingest", "enrich"
  std::string url;     // http://host:port
  std::string token;   // its bearer token ("" = none)
};
// The daemons of `config` that serve HTTP (store.http, ingest.api,
// enrich.http; enabled and with a fixed port), in that order.
std::vector<ScrapeTarget> ScrapeTargetsOf(const NewsflowConfig& config);

struct MetricSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

class MetricSamples {
 public:
  MetricSamples() = default;
  explicit MetricSamples(std::vector<MetricSample> samples) : samples_(std::move(samples)) {}

  // The sum of the series called `name` whose labels include every pair of
  // `match`; nullopt when there is no such series (a counter not yet
  // incremented, another daemon's metric).
  std::optional<double> Find(std::string_view name,
                             const std::map<std::string, std::string>& match = {}) const;
  // Find(), with 0 for a missing series.
  double Sum(std::string_view name, const std::map<std::string, std::string>& match = {}) const {
    return Find(name, match).value_or(0);
  }
  const std::vector<MetricSample>& samples() const { return samples_; }

 private:
  std::vector<MetricSample> samples_;
};

MetricSamples ParseMetricsText(std::string_view text);

// The figures an operator looks at first, for daemon "ingest", "enrich" or
// "store" (the others get none). Counters are cumulative; a rate is the
// difference of two scrapes over the seconds between them.
struct DaemonFigures {
  double articles = 0;                    // counter: ingest accepted new, enrich enriched, store committed
  double errors = 0;                      // counter: failures that an operator should look at
  std::optional<double> outbox;           // ingest: articles sent and not yet acked
  std::optional<double> dead_letters;     // ingest
  std::optional<double> failing_feeds;    // ingest
  std::optional<double> connected;        // enrich: worker threads connected to ingest
  std::optional<double> stored;           // store: articles in the database
  std::optional<double> commits_failing;  // store: 1 while commits fail
};
DaemonFigures FiguresOf(const std::string& daemon, const MetricSamples& samples);

// "12.5 articles/s, outbox 40, dead letters 0, errors 0": `now` with the
// rate against `before` taken `seconds` earlier (no rate without `before`).
std::string SummaryLine(const DaemonFigures& now, const DaemonFigures* before, double seconds);

}  // namespace newsflow::metrics

#endif  // NEWSFLOW_COMMON_METRICS_SCRAPE_H_

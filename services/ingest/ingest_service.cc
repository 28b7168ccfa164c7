#include "services/ingest/ingest_service.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "common/delivery/ack.h"
#include "common/delivery/envelope_codec.h"
#include "common/delivery/request_server.h"
#include "common/log/logging.h"
#include "common/metrics/health_routes.h"
#include "common/metrics/metrics.h"
#include "common/runtime/clock.h"
#include "common/runtime/systemd_notify.h"
#include "common/status/status_macros.h"
#include "common/transport/http_server.h"
#include "common/transport/zmq_socket.h"
#include "common/util/counters.h"
#include "common/util/hash.h"
#include "common/util/text.h"
#include "common/util/time.h"
#include "common/util/utf8.h"
#include "services/ingest/article_builder.h"
#include "services/ingest/control_executor.h"
#include "services/ingest/drop_folder.h"
#include "services/ingest/extract/article_extractor.h"
#include "services/ingest/feed/feed_parser.h"
#include "services/ingest/feed_list.h"
#include "services/ingest/feed_poller.h"
#include "services/ingest/feed_scheduler.h"
#include "services/ingest/feeds_api.h"
#include "services/ingest/fetcher.h"
#include "services/ingest/ingest_db.h"
#include "services/ingest/outbox.h"

namespace newsflow::ingest {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr milliseconds kPollInterval(50);

constexpr int64_t kExpireCheckMs = 100;
// After a worker disconnects, unacked entries are resent this soon (the
// other workers' articles are normally acked well within it).
constexpr int64_t kWorkerGoneGraceMs = 2000;
// Articles waiting this long without any ack are logged (then once a minute).
constexpr int64_t kNoAckWarningMs = 30000;

// A database write failure keeps /readyz at 503 this long.
constexpr int64_t kDbErrorNotReadyMs = 30000;
// Dead letters counted at most for the gauge (a scan of their keys).
constexpr std::size_t kMaxDeadLettersCounted = 1000000;

// Help of ingest's counters (others get a generic one).
const std::map<std::string, std::string>& CounterHelp() {
  static const auto* help = new std::map<std::string, std::string>{
      {"accepted_new", "Articles accepted into the outbox for the first time."},
      {"accepted_changed", "New versions of known articles accepted into the outbox."},
      {"duplicates_skipped", "Articles already accepted with the same version (not sent again)."},
      {"articles_truncated", "Accepted articles cut to ingest.limits."},
      {"sent", "Articles sent to the enrich workers for the first time."},
      {"resent", "Articles sent again after an ack timeout or a lost worker."},
      {"resent_while_stalled", "Resends while nothing at all was acked (not counted as attempts)."},
      {"acks", "Acks received from the store (the article is durable; the outbox entry is deleted)."},
      {"bad_acks", "Acks that matched no outbox entry or were malformed."},
      {"dead_lettered", "Articles moved to dead letters (max_attempts reached or enrichment failed)."},
      {"enrich_failures", "Failed acks: a worker could not enrich the article (dead-lettered at once)."},
      {"redriven", "Dead letters sent back into the outbox."},
      {"feed_fetches", "Feed fetches (every outcome)."},
      {"feed_fetches_ok", "Feed fetches answered with a document that parsed."},
      {"feed_not_modified", "Feed fetches answered 304 Not Modified."},
      {"feed_errors", "Feed polls that failed (network, HTTP status, parse)."},
      {"feeds_ill_formed", "Feeds parsed after recovering from ill-formed XML."},
      {"feeds_moved", "Feeds moved by a permanent redirect."},
      {"page_fetches", "Article page fetches (teasers and submitted pages)."},
      {"pages_extracted", "Pages whose article text replaced a feed's teaser."},
      {"pages_failed", "Page fetches or extractions that failed (the feed text is kept)."},
      {"pages_skipped_budget", "Pages not fetched because the poll's time budget was spent."},
      {"db_errors", "Writes to the ingest database that failed (what the outbox holds stays there)."},
      {"worker_disconnects", "Enrich workers that disconnected from the articles socket."},
      {"drop_files_accepted", "Files of the drop folder ingested."},
      {"drop_files_failed", "Files of the drop folder that could not be ingested."},
  };
  return *help;
}

class IngestService final : public Service {
 public:
  IngestService(const NewsflowConfig& config, zmq::context_t& context, std::unique_ptr<IngestDb> db,
                const Clock& clock)
      : config_(config.ingest),
        clock_(clock),
        context_(context),
        db_(std::move(db)),
        feeds_(*db_, config_.per_host_concurrency),
        scheduler_(feeds_, PollPolicy::FromConfig(config_), clock_),
        logger_(MakeLogger("ingest")),
        outbox_(*db_,
                OutboxOptions{config_.ack_timeout_ms, config_.max_attempts,
                              static_cast<std::size_t>(config_.max_in_flight),
                              ArticleLimits{static_cast<std::size_t>(config_.max_text_bytes),
                                            static_cast<std::size_t>(config_.max_title_bytes),
                                            static_cast<std::size_t>(config_.max_summary_html_bytes),
                                            config_.max_categories}},
                counters_, logger_),
        acks_(logger_, "ingest.acks"),
        control_(
            {"ingest.control", v1::Envelope::kControl}, logger_,
            [this](const v1::Envelope& request) { return executor_.Handle(request); },
            [](const std::string& error) {
              v1::Envelope reply = NewEnvelope();
              reply.mutable_control_result()->set_ok(false);
              reply.mutable_control_result()->set_error(error);
              return reply;
            }),
        poller_(config_, scheduler_, outbox_, *db_, fetch_options_, counters_, *registry_, logger_, clock_,
                [this](const absl::Status& s, std::string_view what) { ReportDbError(s, what); }),
        executor_(config_, *db_, feeds_, scheduler_, outbox_, fetch_options_, counters_, logger_, clock_,
                  ControlExecutor::Hooks{
                      [this] { poller_.Wake(); }, [this](const std::string& url) { poller_.SubmitPage(url); },
                      [this](const absl::Status& s, std::string_view what) { ReportDbError(s, what); }}) {
    fetch_options_ = FetchOptionsFromConfig(config_, &counters_);
    if (!config_.drop_dir.empty()) {
      drop_folder_ = std::make_unique<DropFolder>(
          config_.drop_dir, config_.instance_id, outbox_, counters_, logger_, clock_,
          [this](const absl::Status& s, std::string_view what) { ReportDbError(s, what); });
    }
  }

  std::string name() const override { return "ingest"; }
  absl::Status Run(std::stop_token stop, const ReadyFn& ready) override;

 private:
  // /readyz: ready unless the database fails writes or articles wait for an
  // ack longer than ingest.outbox.ack_timeout_ms (store or every worker down).
  Readiness Ready() const;
  // Gauges read at scrape time and the Counters, on registry_.
  void RegisterMetrics();
  absl::Status SeedFeeds();
  absl::Status SenderLoop(std::stop_token stop, zmq::socket_t& articles);
  // A write to the ingest database failed (a full disk): counted and logged
  // sparsely; what the outbox holds stays there.
  void ReportDbError(const absl::Status& s, std::string_view what) {
    counters_.Add("db_errors");
    {
      std::lock_guard lock(db_error_mu_);
      db_error_ = fmt::format("{}: {}", what, std::string(s.message()));
    }
    last_db_error_ms_ = clock_.NowMs();
    uint64_t suppressed = 0;
    if (db_error_log_.ShouldLog(&suppressed)) {
      logger_->error("ingest db write failed ({}), outbox entries kept: {} suppressed={}", what,
                     std::string(s.message()), suppressed);
    }
  }
  // Sends queued outbox entries until none is left or the socket is full.
  absl::Status FlushQueued(zmq::socket_t& articles);
  // Sends up to `max_messages` queued entries; false when the socket refused
  // one (no worker connected, or every queue full).
  absl::StatusOr<bool> SendQueued(zmq::socket_t& articles, int max_messages, int64_t now);
  IngestConfig config_;
  const Clock& clock_;  // what the schedule, the outbox's due times and /readyz go by
  std::shared_ptr<metrics::Registry> registry_ = std::make_shared<metrics::Registry>();
  std::atomic<int64_t> last_ack_ms_{0};  // last ack, or last time nothing was outstanding
  std::atomic<int64_t> last_db_error_ms_{0};
  mutable std::mutex db_error_mu_;
  std::string db_error_;  // GUARDED_BY(db_error_mu_): the last failed write
  zmq::context_t& context_;
  std::unique_ptr<IngestDb> db_;
  FeedList feeds_;           // the feed list and its schedule, in memory
  FeedScheduler scheduler_;  // when feeds are due; what a poll does to them
  std::shared_ptr<spdlog::logger> logger_;
  Counters counters_;
  Outbox outbox_;
  FetchOptions fetch_options_;
  // Both opened, used and closed on the Run thread (SenderLoop); their
  // counters are read by /metrics.
  AckReceiver acks_;
  RequestServer control_;
  RateLimitedLog db_error_log_;
  RateLimitedLog stalled_log_{std::chrono::seconds(60)};

  std::unique_ptr<DropFolder> drop_folder_;  // when ingest.drop_dir is set
  FeedPoller poller_;                        // the fetch threads
  // Runs control requests (socket and HTTP API). Last: its OPML import
  // thread is stopped and joined before the rest goes.
  ControlExecutor executor_;
};

Readiness IngestService::Ready() const {
  const int64_t now = clock_.NowMs();
  Readiness r;
  const std::size_t outstanding = outbox_.outstanding();
  r.detail = {{"outbox_outstanding", outstanding}};
  const int64_t db_error_ms = last_db_error_ms_.load();
  if (db_error_ms > 0 && now - db_error_ms < kDbErrorNotReadyMs) {
    std::lock_guard lock(db_error_mu_);
    r.ready = false;
    r.reason = "ingest database writes failing: " + db_error_;
  }
  const int64_t silent_ms = now - last_ack_ms_.load();
  if (outstanding > 0 && silent_ms > config_.ack_timeout_ms) {
    r.ready = false;
    if (!r.reason.empty()) r.reason += "; ";
    r.reason += fmt::format(
        "no ack from the store for {} s while {} articles wait (store or every enrich "
        "worker down?)",
        silent_ms / 1000, outstanding);
  }
  return r;
}

void IngestService::RegisterMetrics() {
  using metrics::Type;
  registry_->AddCallback("newsflow_ingest_outbox_outstanding",
                         "Articles in the outbox: accepted, not yet acked by the store.", Type::kGauge,
                         [this] { return static_cast<double>(outbox_.outstanding()); });
  registry_->AddCallback("newsflow_ingest_outbox_queued", "Outbox articles waiting to be sent.", Type::kGauge,
                         [this] { return static_cast<double>(outbox_.queued()); });
  registry_->AddCallback(
      "newsflow_ingest_seconds_since_ack",
      "Seconds since the last ack while articles wait (0 when none waits).", Type::kGauge,
      [this] { return outbox_.outstanding() == 0 ? 0.0 : (clock_.NowMs() - last_ack_ms_.load()) / 1000.0; });
  registry_->AddCallback("newsflow_ingest_dead_letters", "Dead letters kept (newsflow dead-letters list).",
                         Type::kGauge, [this] {
                           auto n = db_->CountDeadLetters(kMaxDeadLettersCounted);
                           return n.ok() ? static_cast<double>(*n) : std::nan("");
                         });
  registry_->AddCallback("newsflow_ingest_bad_ack_frames_total", "Malformed frames on the acks socket.",
                         Type::kCounter, [this] { return static_cast<double>(acks_.bad_messages()); });
  registry_->AddCallback("newsflow_ingest_bad_control_frames_total",
                         "Malformed frames on the control socket.", Type::kCounter,
                         [this] { return static_cast<double>(control_.bad_requests()); });
  registry_->AddCollector([this] {
    // active: enabled and fetching fine; failing: enabled, last polls failed;
    // disabled: by max_failures, HTTP 410 or by hand.
    metrics::FamilySnapshot f{"newsflow_ingest_feeds", "Feeds by state.", Type::kGauge, {}};
    double active = 0, failing = 0, disabled = 0;
    for (const v1::FeedSpec& feed : feeds_.List()) {
      if (!feed.enabled()) {
        ++disabled;
      } else if (feed.consecutive_failures() > 0) {
        ++failing;
      } else {
        ++active;
      }
    }
    f.samples = {{{{"state", "active"}}, active},
                 {{{"state", "failing"}}, failing},
                 {{{"state", "disabled"}}, disabled}};
    return std::vector<metrics::FamilySnapshot>{f};
  });
  registry_->AddCollector(
      metrics::CountersCollector(counters_, "newsflow_ingest", "Ingest events", CounterHelp()));
}

absl::Status IngestService::SeedFeeds() {
  for (std::size_t i = 0; i < config_.feeds.size(); ++i) {
    const FeedSeed& seed = config_.feeds[i];
    if (absl::Status s = CheckFeedUrl(seed.url, fetch_options_); !s.ok()) {
      return absl::InvalidArgumentError(fmt::format("ingest.feeds[{}]: {}", i, std::string(s.message())));
    }
    if (feeds_.Get(seed.url).has_value()) continue;
    v1::FeedSpec feed;
    feed.set_url(seed.url);
    feed.set_interval_s(seed.interval_s);
    feed.set_enabled(true);
    NF_RETURN_IF_ERROR(feeds_.Put(feed));
    logger_->info("feed added from config url={}", seed.url);
  }
  return absl::OkStatus();
}

absl::Status IngestService::Run(std::stop_token stop, const ReadyFn& ready) {
  NF_RETURN_IF_ERROR(feeds_.Load());
  NF_RETURN_IF_ERROR(SeedFeeds());
  NF_RETURN_IF_ERROR(outbox_.Recover());
  // Linger lets articles queued at drain time still reach a worker; those
  // that do not are resent at the next start (they stay in the outbox).
  auto articles = OpenSocket(context_, zmq::socket_type::push, config_.articles, milliseconds(500));
  if (!articles.ok()) return Annotate(articles.status(), "ingest.articles");
  struct CloseSockets {  // on this thread, on every return
    IngestService* self;
    ~CloseSockets() {
      self->acks_.Close();
      self->control_.Close();
    }
  } close_sockets{this};
  NF_RETURN_IF_ERROR(Annotate(acks_.Open(context_, config_.acks, config_.instance_id), "ingest.acks"));
  NF_RETURN_IF_ERROR(Annotate(control_.Open(context_, config_.control), "ingest.control"));
  EndpointMap endpoints;
  if (config_.articles.bind) endpoints["ingest.articles"] = BoundEndpoint(*articles);
  if (config_.control.bind) endpoints["ingest.control"] = control_.endpoint();
  if (config_.acks.bind) endpoints["ingest.acks"] = BoundEndpoint(acks_.socket());

  HttpServer api(
      MakeHttpServerOptions(config_.api_address, config_.api_port, config_.api_token, config_.api_limits));
  last_ack_ms_ = clock_.NowMs();
  RegisterMetrics();
  if (config_.api_enabled) {
    InstallHealthRoutes(api, registry_, [this] { return Ready(); });
    InstallFeedsApi(
        api, [this](const v1::ControlRequest& r) { return executor_.Execute(r); },
        static_cast<std::size_t>(config_.max_import_bytes));
    auto url = api.Start();
    if (!url.ok()) return Annotate(url.status(), "ingest.api");
    endpoints["ingest.api"] = *url;
  }

  poller_.Start();
  std::vector<std::jthread> workers;
  if (drop_folder_) {
    workers.emplace_back(
        [this](std::stop_token st) { drop_folder_->Run(st, milliseconds(config_.drop_scan_interval_ms)); });
  }
  logger_->info("started instance={} feeds={} drop_dir={}", config_.instance_id, feeds_.size(),
                config_.drop_dir.empty() ? "-" : config_.drop_dir);
  ready(endpoints);

  absl::Status status = SenderLoop(stop, *articles);
  // Ordered stop: producers first (the API, fetchers, the drop scanner; a
  // poll cut short leaves its feed due), then what they accepted last is
  // handed to the workers while the PUSH socket lingers.
  api.Stop();
  executor_.StopImports();
  poller_.Stop();
  for (auto& w : workers) w.request_stop();
  workers.clear();  // joins
  if (status.ok()) status = FlushQueued(*articles);
  logger_->info("drained outstanding={} (kept in the outbox)", outbox_.outstanding());
  return status;
}

// ---- Sender and acks ---------------------------------------------------------

absl::Status IngestService::SenderLoop(std::stop_token stop, zmq::socket_t& articles) {
  // Disconnections of workers from the articles socket (a killed or hung
  // worker; heartbeats find the hung ones): what was queued to it is gone,
  // so unacked entries are resent after a short grace instead of the whole
  // ack timeout.
  const std::string monitor_address =
      fmt::format("inproc://ingest-articles-monitor-{}", static_cast<const void*>(this));
  std::optional<zmq::socket_t> monitor;
  struct StopMonitoring {
    explicit StopMonitoring(zmq::socket_t& s) : socket(s) {}
    StopMonitoring(const StopMonitoring&) = delete;
    StopMonitoring& operator=(const StopMonitoring&) = delete;
    ~StopMonitoring() { zmq_socket_monitor(socket.handle(), nullptr, 0); }
    zmq::socket_t& socket;
  };
  std::optional<StopMonitoring> stop_monitoring;
  if (zmq_socket_monitor(articles.handle(), monitor_address.c_str(), ZMQ_EVENT_DISCONNECTED) == 0) {
    stop_monitoring.emplace(articles);
    monitor.emplace(context_, zmq::socket_type::pair);
    monitor->set(zmq::sockopt::linger, 0);
    monitor->connect(monitor_address);
  } else {
    logger_->warn("cannot monitor worker disconnections: {}", zmq_strerror(zmq_errno()));
  }
  std::vector<zmq::pollitem_t> items{{acks_.socket().handle(), 0, ZMQ_POLLIN, 0},
                                     {control_.socket().handle(), 0, ZMQ_POLLIN, 0}};
  if (monitor) items.push_back({monitor->handle(), 0, ZMQ_POLLIN, 0});
  int64_t last_expire = 0;
  bool blocked = false;                      // the PUSH socket refused the last send
  LoopHeartbeat heartbeat("ingest.sender");  // gates the systemd watchdog
  while (!stop.stop_requested()) {
    heartbeat.Beat();
    milliseconds timeout = (!blocked && outbox_.queued() > 0) ? milliseconds(0) : kPollInterval;
    auto ready = Poll(items, timeout);
    if (!ready.ok()) return absl::IsCancelled(ready.status()) ? absl::OkStatus() : ready.status();
    absl::Status received = acks_.Receive(1000, [this](const v1::Ack& ack) {
      // A failed write (a full disk) keeps the entry: it is resent later and
      // the store acks the duplicate again.
      if (absl::Status s = outbox_.OnAck(ack); !s.ok()) ReportDbError(s, "ack");
      last_ack_ms_ = clock_.NowMs();
    });
    if (!received.ok()) return absl::IsCancelled(received) ? absl::OkStatus() : received;
    if (monitor && (items[2].revents & ZMQ_POLLIN)) {
      auto frames = RecvFrames(*monitor);  // event (id, value), then the endpoint
      if (frames.ok() && frames->has_value()) {
        counters_.Add("worker_disconnects");
        outbox_.Hasten(clock_.NowMs() + kWorkerGoneGraceMs);
      }
    }
    if (items[1].revents & ZMQ_POLLIN) {
      absl::Status served = control_.ServePending(1);
      if (!served.ok()) return absl::IsCancelled(served) ? absl::OkStatus() : served;
    }
    int64_t now = clock_.NowMs();
    if (now - last_expire >= kExpireCheckMs) {
      last_expire = now;
      if (absl::Status s = outbox_.ExpireDue(now); !s.ok()) ReportDbError(s, "outbox expiry");
      // An outage of the store (or of every worker) is silent on the wire:
      // say so while articles wait.
      uint64_t suppressed = 0;
      const std::size_t waiting = outbox_.outstanding();
      if (waiting == 0) {
        last_ack_ms_ = now;  // nothing waits: idle, not an outage
      } else if (now - last_ack_ms_ >= kNoAckWarningMs && stalled_log_.ShouldLog(&suppressed)) {
        logger_->warn("no ack from the store for {} s; {} articles wait in the outbox (kept, resent)",
                      (now - last_ack_ms_) / 1000, waiting);
      }
    }
    auto sent = SendQueued(articles, 256, now);
    if (!sent.ok()) return absl::IsCancelled(sent.status()) ? absl::OkStatus() : sent.status();
    blocked = !*sent;
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> IngestService::SendQueued(zmq::socket_t& articles, int max_messages, int64_t now) {
  for (int sent = 0; sent < max_messages; ++sent) {
    auto next = outbox_.NextToSend();
    if (!next.ok()) return Annotate(next.status(), "ingest outbox");
    if (!next->has_value()) break;
    const std::string id = (*next)->article().id();
    absl::Status s = SendFrames(articles, {EncodeEnvelope(**next)});
    if (absl::IsUnavailable(s)) {  // no worker connected, or all queues full
      outbox_.Requeue(id);
      return false;
    }
    if (!s.ok()) return s;
    outbox_.Sent(id, now);
  }
  return true;
}

absl::Status IngestService::FlushQueued(zmq::socket_t& articles) {
  while (outbox_.queued() > 0) {
    auto sent = SendQueued(articles, 256, clock_.NowMs());
    if (!sent.ok()) return absl::IsCancelled(sent.status()) ? absl::OkStatus() : sent.status();
    if (!*sent) break;  // the rest is resent at the next start
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Service>> MakeIngestService(const NewsflowConfig& config,
                                                           zmq::context_t& context) {
  return MakeIngestServiceWithClock(config, context, Clock::Real());
}

absl::StatusOr<std::unique_ptr<Service>> MakeIngestServiceWithClock(const NewsflowConfig& config,
                                                                    zmq::context_t& context,
                                                                    const Clock& clock) {
  std::error_code ec;
  fs::create_directories(config.ingest.data_dir, ec);
  if (ec) {
    return absl::UnavailableError(
        fmt::format("ingest: cannot create data dir {}: {}", config.ingest.data_dir, ec.message()));
  }
  auto db = IngestDb::Open(config.ingest.data_dir, config.ingest.sync_writes);
  if (!db.ok()) return db.status();
  return std::unique_ptr<Service>(new IngestService(config, context, *std::move(db), clock));
}

}  // namespace newsflow::ingest

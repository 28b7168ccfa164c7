#include "services/enrich/enrich_service.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "common/delivery/envelope_codec.h"
#include "common/log/logging.h"
#include "common/metrics/health_routes.h"
#include "common/metrics/metrics.h"
#include "common/runtime/systemd_notify.h"
#include "common/status/status_macros.h"
#include "common/transport/http_server.h"
#include "common/transport/zmq_socket.h"
#include "common/util/text.h"
#include "common/util/time.h"
#include "common/util/utf8.h"
#include "services/enrich/article_journal.h"
#include "services/enrich/core/enrich_cli.h"  // ReadWordList
#include "services/enrich/term_counts_sharing.h"

namespace newsflow::enrich {
namespace {

// How long a result may wait for the store before the wait is logged.
constexpr std::chrono::seconds kStoreBlockedWarning(5);

using std::chrono::milliseconds;

// Exit code of a worker process its watchdog stopped.
constexpr int kWatchdogExitCode = 3;
// Articles remembered as quarantined by one process.
constexpr std::size_t kMaxQuarantined = 10000;
// Test hook (integration tests only): a worker aborts, as if it had
// crashed, on an article whose text contains this environment variable's
// value. Unset in production.
constexpr char kCrashMarkerEnvForTesting[] = "NEWSFLOW_TEST_ENRICH_CRASH_MARKER";

// What the watchdog sees of one worker thread.
struct ThreadSlot {
  std::mutex mu;
  ArticleJournal* journal = nullptr;  // GUARDED_BY(mu)
  v1::EnrichFailure entry;            // GUARDED_BY(mu): the article in progress
  int64_t started_ms = 0;             // GUARDED_BY(mu): 0 when idle
};

// Counts the live connections of one socket from its ZeroMQ monitor events
// (connected or accepted, disconnected: heartbeats end a hung peer's). Made
// before the socket connects (OpenSocket's before_connect), so it sees the
// first connection. inproc:// endpoints report no events and count as
// connected: their peer is in the same process. Either may be closed
// first: libzmq ends the monitoring with the watched socket, and drops the
// events of a monitor nobody reads.
class PeerMonitor {
 public:
  PeerMonitor(zmq::context_t& context, zmq::socket_t& socket, const std::string& endpoint) {
    if (endpoint.rfind("inproc://", 0) == 0) {
      peers_ = 1;
      return;
    }
    static std::atomic<uint64_t> next{0};
    const std::string address = fmt::format("inproc://enrich-peer-monitor-{}-{}", getpid(), next++);
    if (zmq_socket_monitor(socket.handle(), address.c_str(),
                           ZMQ_EVENT_CONNECTED | ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED) != 0) {
      peers_ = 1;  // cannot tell: never blocks readiness
      return;
    }
    monitor_.emplace(context, zmq::socket_type::pair);
    monitor_->set(zmq::sockopt::linger, 0);
    monitor_->connect(address);
  }
  PeerMonitor(const PeerMonitor&) = delete;
  PeerMonitor& operator=(const PeerMonitor&) = delete;

  // The monitor socket to poll, or nullptr when nothing is monitored.
  zmq::socket_t* socket() { return monitor_ ? &*monitor_ : nullptr; }
  // Reads the pending events; the number of live connections.
  int Update() {
    if (!monitor_) return peers_;
    for (int i = 0; i < 100; ++i) {
      auto frames = RecvFrames(*monitor_);  // event (uint16 id, uint32 value), then the endpoint
      if (!frames.ok() || !frames->has_value()) break;
      const auto& parts = **frames;
      if (parts.empty() || parts[0].size() < sizeof(uint16_t)) continue;
      uint16_t event = 0;
      std::memcpy(&event, parts[0].data(), sizeof(event));
      if (event == ZMQ_EVENT_DISCONNECTED) {
        peers_ = std::max(0, peers_ - 1);
      } else {
        ++peers_;
      }
    }
    return peers_;
  }

 private:
  std::optional<zmq::socket_t> monitor_;
  int peers_ = 0;
};

class EnrichService final : public Service {
 public:
  EnrichService(const NewsflowConfig& config, zmq::context_t& context)
      : config_(config.enrich),
        context_(context),
        logger_(MakeLogger("enrich")),
        bad_input_(logger_, "enrich.input") {
    if (const char* marker = std::getenv(kCrashMarkerEnvForTesting); marker != nullptr && *marker != '\0') {
      crash_marker_for_testing_ = marker;
    }
    if (config_.worker_id.empty()) {
      char host[256] = {};
      gethostname(host, sizeof(host) - 1);
      config_.worker_id = fmt::format("{}-{}", host, getpid());
    }
  }

  std::string name() const override { return "enrich"; }

  // Ready when every thread is connected to ingest and to the store.
  Readiness Ready() const {
    if (!running_.load()) return {false, "starting", {}};
    int input = 0, output = 0;
    for (const auto& p : input_peers_) input += p->load() > 0;
    for (const auto& p : output_peers_) output += p->load() > 0;
    const int threads = static_cast<int>(input_peers_.size());
    Readiness r;
    r.detail = {{"threads", threads}, {"input_connected", input}, {"output_connected", output}};
    if (input < threads) {
      r.ready = false;
      r.reason = fmt::format("not connected to ingest (enrich.input {})", config_.input.address);
    }
    if (output < threads) {
      r.ready = false;
      r.reason += fmt::format("{}not connected to the store (enrich.output {})", r.reason.empty() ? "" : "; ",
                              config_.output.address);
    }
    return r;
  }

  void RegisterGauges() {
    registry_->AddCallback("newsflow_enrich_in_flight", "Articles being enriched right now.",
                           metrics::Type::kGauge, [this] { return static_cast<double>(in_flight_.load()); });
    registry_->AddCallback("newsflow_enrich_threads", "Worker threads (enrich.threads).",
                           metrics::Type::kGauge, [this] { return static_cast<double>(config_.threads); });
    auto connected = [this](const std::vector<std::unique_ptr<std::atomic<int>>>* peers) {
      return [peers] {
        double n = 0;
        for (const auto& p : *peers) n += p->load() > 0;
        return n;
      };
    };
    registry_->AddCallback("newsflow_enrich_connected_threads",
                           "Worker threads connected to their peer: input = ingest, output = the store.",
                           metrics::Type::kGauge, connected(&input_peers_), {{"socket", "input"}});
    registry_->AddCallback("newsflow_enrich_connected_threads", "", metrics::Type::kGauge,
                           connected(&output_peers_), {{"socket", "output"}});
    registry_->AddCallback("newsflow_enrich_quarantined", "Articles this process will not enrich again.",
                           metrics::Type::kGauge, [this] {
                             std::lock_guard lock(quarantine_mu_);
                             return static_cast<double>(quarantine_.size());
                           });
    registry_->AddCallback("newsflow_enrich_bad_input_frames_total", "Malformed frames received from ingest.",
                           metrics::Type::kCounter,
                           [this] { return static_cast<double>(bad_input_.count()); });
  }

  absl::Status Run(std::stop_token stop, const ReadyFn& ready) override {
    if (!config_.user_dictionary.empty()) {
      auto words = ReadWordList(config_.user_dictionary);
      if (!words.ok()) return Annotate(words.status(), "enrich.user_dictionary");
      user_words_ = *std::move(words);
      logger_->info("user dictionary {}: {} terms", config_.user_dictionary, user_words_.size());
    }
    ArticleJournal::InstallCrashMarker();
    slots_.clear();
    input_peers_.clear();
    output_peers_.clear();
    for (int i = 0; i < config_.threads; ++i) {
      slots_.push_back(std::make_unique<ThreadSlot>());
      input_peers_.push_back(std::make_unique<std::atomic<int>>(0));
      output_peers_.push_back(std::make_unique<std::atomic<int>>(0));
    }
    RegisterGauges();
    // Health and metrics: up before the workers, so /readyz explains a
    // worker that cannot connect.
    HttpServer http(MakeHttpServerOptions(config_.http_address, config_.http_port, config_.http_token,
                                          config_.http_limits));
    std::string http_url;
    if (config_.http_enabled) {
      InstallHealthRoutes(
          http, registry_, [this] { return Ready(); },
          [this] {
            return nlohmann::json{{"worker", config_.worker_id}};
          });
      // Not fatal: the worker's job is enriching. Several workers started
      // from one config on one host (newsflow-enrich@N) all but the first
      // find the port taken; they work on, unobserved, and say why.
      auto url = http.Start();
      if (url.ok()) {
        http_url = *url;
        logger_->info("http {} (/healthz, /readyz, /metrics)", http_url);
      } else {
        logger_->error(
            "enrich.http: {}; serving no health or metrics (several workers on one host need "
            "enrich.http.port: 0 or a port each)",
            std::string(url.status().message()));
      }
    }
    std::jthread watchdog;
    if (config_.watchdog_ms > 0) watchdog = std::jthread([this](std::stop_token st) { Watchdog(st); });
    std::vector<std::jthread> workers;
    std::vector<absl::Status> results(config_.threads);
    std::mutex mu;
    std::condition_variable cv;
    int started = 0;
    workers.reserve(config_.threads);
    for (int i = 0; i < config_.threads; ++i) {
      workers.emplace_back([&, i](std::stop_token) {
        results[i] = Work(stop, i, [&] {
          std::lock_guard lock(mu);
          ++started;
          cv.notify_all();
        });
        std::lock_guard lock(mu);
        ++started;  // also counts a worker that failed before it was ready
        cv.notify_all();
      });
    }
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return started >= config_.threads; });
    }
    logger_->info("started worker={} threads={} input={} output={}", config_.worker_id, config_.threads,
                  config_.input.address, config_.output.address);
    EndpointMap endpoints;
    {
      std::lock_guard lock(bound_mu_);
      endpoints = bound_;
    }
    if (!http_url.empty()) endpoints["enrich.http"] = http_url;
    running_ = true;
    ready(endpoints);
    workers.clear();  // joins: workers return when stop is requested
    watchdog = {};
    running_ = false;
    http.Stop();
    logger_->info("drained enriched={} failures={}", enriched_.value(),
                  failed_.value() + quarantined_.value());
    for (const auto& s : results) {
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }

 private:
  // Stops the process when an article overruns the hard limit, after
  // recording it in its thread's journal (reported on restart).
  void Watchdog(std::stop_token stop) {
    while (!stop.stop_requested()) {
      std::this_thread::sleep_for(milliseconds(100));
      const int64_t now = NowMs();
      for (const auto& slot : slots_) {
        std::lock_guard lock(slot->mu);
        if (slot->started_ms == 0 || now - slot->started_ms < config_.watchdog_ms) continue;
        const std::string reason =
            fmt::format("still running after {} ms, over the watchdog limit of {} ms (worker stopped)",
                        now - slot->started_ms, config_.watchdog_ms);
        if (slot->journal != nullptr) slot->journal->MarkTimedOut(slot->entry, reason);
        logger_->error("watchdog: stopping the worker, article id={} {}", slot->entry.article_id(), reason);
        logger_->flush();
        std::_Exit(kWatchdogExitCode);
      }
    }
  }

  // The reason `id` at `version` is quarantined, if it is.
  std::optional<std::string> Quarantined(const std::string& id, const std::string& version) {
    std::lock_guard lock(quarantine_mu_);
    auto it = quarantine_.find(id);
    if (it == quarantine_.end() || it->second.first != version) return std::nullopt;
    return it->second.second;
  }

  void Quarantine(const v1::EnrichFailure& failure) {
    std::lock_guard lock(quarantine_mu_);
    if (quarantine_.size() >= kMaxQuarantined) quarantine_.erase(quarantine_.begin());
    quarantine_[failure.article_id()] = {failure.version(), failure.reason()};
  }

  class WorkerThread;
  // The body of worker thread `thread`: opens its sockets, calls `on_ready`,
  // then enriches until `stop`.
  absl::Status Work(std::stop_token stop, int thread, const std::function<void()>& on_ready);

  EnrichConfig config_;
  std::string crash_marker_for_testing_;
  std::vector<std::unique_ptr<ThreadSlot>> slots_;  // one per worker thread, made in Run
  std::mutex quarantine_mu_;
  // id -> (version, reason) of articles this process will not enrich.
  std::map<std::string, std::pair<std::string, std::string>> quarantine_;  // GUARDED_BY(quarantine_mu_)
  std::vector<std::string> user_words_;  // read once in Run, before the workers start
  zmq::context_t& context_;
  std::shared_ptr<spdlog::logger> logger_;
  // /metrics; counters kept here are the only count of what they count.
  std::shared_ptr<metrics::Registry> registry_ = std::make_shared<metrics::Registry>();
  metrics::Counter& enriched_ = registry_->AddCounter(
      "newsflow_enrich_articles_total",
      "Articles by outcome: enriched (passed to the store), failed (over "
      "the time budget or crashed a worker; reported to ingest, which dead-letters them), quarantined "
      "(received again after failing, reported again without enriching).",
      {{"outcome", "enriched"}});
  metrics::Counter& failed_ =
      registry_->AddCounter("newsflow_enrich_articles_total", "", {{"outcome", "failed"}});
  metrics::Counter& quarantined_ =
      registry_->AddCounter("newsflow_enrich_articles_total", "", {{"outcome", "quarantined"}});
  metrics::Counter& journal_errors_ = registry_->AddCounter(
      "newsflow_enrich_journal_errors_total", "Journal writes that failed (the article is enriched anyway).");
  metrics::Histogram& duration_ = registry_->AddHistogram(
      "newsflow_enrich_duration_seconds",
      "Time to enrich one article (language, tags, summary, fingerprint).",
      {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10});
  std::atomic<int> in_flight_{0};
  // Per thread: live connections of its input (from ingest) and output (to
  // the store), as its PeerMonitors last saw them.
  std::vector<std::unique_ptr<std::atomic<int>>> input_peers_;
  std::vector<std::unique_ptr<std::atomic<int>>> output_peers_;
  std::atomic<bool> running_{false};  // every thread has its sockets
  BadInputReporter bad_input_;
  RateLimitedLog journal_log_;
  RateLimitedLog store_blocked_log_{std::chrono::seconds(30)};
  std::mutex bound_mu_;
  EndpointMap bound_;  // GUARDED_BY(bound_mu_): endpoints of sockets that bind
};

// One worker thread: its journal, its sockets (PULL from ingest, PUSH to the
// store, the term-count gossip), its Enricher, and the loop that takes an
// article, enriches it under the time budget and passes it on, or reports
// why it could not.
class EnrichService::WorkerThread {
 public:
  WorkerThread(EnrichService& service, int index, std::stop_token stop)
      : s_(service),
        index_(index),
        stop_(std::move(stop)),
        slot_(*service.slots_[index]),
        name_(fmt::format("{}/{}", service.config_.worker_id, index)),
        heartbeat_(fmt::format("enrich.worker {}", index)) {}
  WorkerThread(const WorkerThread&) = delete;
  WorkerThread& operator=(const WorkerThread&) = delete;

  ~WorkerThread() {
    std::lock_guard lock(slot_.mu);
    slot_.journal = nullptr;  // the watchdog must not see a closed journal
  }

  absl::Status Open() {
    const EnrichConfig& config = s_.config_;
    auto journal = ArticleJournal::Open(config.journal_dir);
    if (!journal.ok()) return Annotate(journal.status(), "enrich.journal_dir");
    journal_ = *std::move(journal);
    {
      std::lock_guard lock(slot_.mu);
      slot_.journal = journal_.get();
    }
    auto input = OpenSocket(
        s_.context_, zmq::socket_type::pull, config.input, milliseconds(0), [&](zmq::socket_t& socket) {
          input_monitor_ = std::make_unique<PeerMonitor>(s_.context_, socket, config.input.address);
        });
    if (!input.ok()) return Annotate(input.status(), "enrich.input");
    input_.emplace(*std::move(input));
    // Linger: results queued at drain time still reach the store.
    auto output = OpenSocket(
        s_.context_, zmq::socket_type::push, config.output, milliseconds(2000), [&](zmq::socket_t& socket) {
          output_monitor_ = std::make_unique<PeerMonitor>(s_.context_, socket, config.output.address);
        });
    if (!output.ok()) return Annotate(output.status(), "enrich.output");
    output_.emplace(*std::move(output));
    EnrichOptions options = OptionsFromConfig(config);
    options.user_words = s_.user_words_;
    enricher_ = std::make_unique<Enricher>(options);
    if (config.share_term_counts) {
      sharing_.emplace(name_, config, &enricher_->document_frequencies());
      if (absl::Status status = sharing_->Open(s_.context_); !status.ok()) {
        return Annotate(status, "enrich.term_counts.stream");
      }
    }
    {
      std::lock_guard lock(s_.bound_mu_);
      if (config.input.bind) s_.bound_["enrich.input"] = BoundEndpoint(*input_);
      if (config.output.bind) s_.bound_["enrich.output"] = BoundEndpoint(*output_);
    }
    UpdatePeers();
    return absl::OkStatus();
  }

  // Reports the article a previous process of this thread crashed on or
  // overran the watchdog with (its journal says which).
  absl::Status ReportLeftover() {
    const auto& leftover = journal_->leftover();
    if (!leftover) return absl::OkStatus();
    if (leftover->state == 'B') {
      // Killed from outside (SIGKILL, OOM killer): nothing says the article
      // did it, so ingest resends it as usual.
      s_.logger_->warn(
          "previous worker stopped while enriching article id={} (no crash recorded; not quarantined)",
          leftover->entry.article_id());
      return absl::OkStatus();
    }
    v1::EnrichFailure failure = leftover->entry;
    if (leftover->state == 'C') failure.set_reason("enriching it crashed the worker process");
    s_.logger_->error("quarantined article id={} version={} reason={}", failure.article_id(),
                      failure.version(), failure.reason());
    s_.failed_.Inc();
    return Report(failure);
  }

  // Enriches what arrives until stopped.
  absl::Status Loop() {
    std::vector<zmq::pollitem_t> items{{input_->handle(), 0, ZMQ_POLLIN, 0}};
    if (sharing_) items.push_back({sharing_->socket().handle(), 0, ZMQ_POLLIN, 0});
    for (PeerMonitor* m : {input_monitor_.get(), output_monitor_.get()}) {
      if (m->socket() != nullptr) items.push_back({m->socket()->handle(), 0, ZMQ_POLLIN, 0});
    }
    while (!stop_.stop_requested()) {
      heartbeat_.Beat();
      auto ready = Poll(items, milliseconds(100));
      if (!ready.ok()) return absl::IsCancelled(ready.status()) ? absl::OkStatus() : ready.status();
      UpdatePeers();
      NF_RETURN_IF_ERROR(Share(0));
      if ((items[0].revents & ZMQ_POLLIN) == 0) continue;
      auto frames = RecvFrames(*input_);
      if (!frames.ok()) return absl::IsCancelled(frames.status()) ? absl::OkStatus() : frames.status();
      if (!frames->has_value()) continue;
      NF_RETURN_IF_ERROR(Handle(**frames));
    }
    return absl::OkStatus();
  }

  // Sends the last term counts (best effort: the output lingers 2 s).
  void Flush() {
    if (!sharing_) return;
    (void)sharing_->Flush(*output_);
    const auto& frequencies = enricher_->document_frequencies();
    s_.logger_->info(
        "thread {} document frequencies: {:.0f} documents, {} terms, {} reports sent, {} applied, "
        "table {}",
        index_, frequencies.documents(), frequencies.size(), sharing_->reports_sent(),
        sharing_->reports_applied(), sharing_->has_table() ? "received" : "not received");
  }

 private:
  // One message from ingest: an article to enrich, or bad input (counted,
  // logged sparsely, skipped).
  absl::Status Handle(std::vector<zmq::message_t>& parts) {
    const zmq::message_t& last = parts.back();
    auto envelope = DecodeEnvelope(last);
    if (!envelope.ok() || parts.size() != 1 || envelope->payload_case() != v1::Envelope::kArticle) {
      s_.bad_input_.Report(&last, parts.size(),
                           envelope.ok() ? absl::InvalidArgumentError("expected one frame holding an article")
                                         : envelope.status());
      return absl::OkStatus();
    }
    const v1::Article& article = envelope->article();
    v1::EnrichFailure entry;
    entry.set_article_id(article.id());
    entry.set_version(article.version());
    entry.set_origin(article.origin());
    entry.set_worker(name_);
    if (auto reason = s_.Quarantined(article.id(), article.version())) {
      // Sent again before ingest heard of the failure: report it again,
      // never enrich it again.
      entry.set_reason(*reason);
      s_.quarantined_.Inc();
      return Report(entry);
    }
    absl::Status enriched = EnrichJournaled(entry, envelope->mutable_article());
    if (!enriched.ok()) {
      entry.set_reason(
          fmt::format("{} (budget {} ms)", std::string(enriched.message()), s_.config_.article_budget_ms));
      s_.failed_.Inc();
      s_.logger_->warn("quarantined article id={} version={} reason={}", entry.article_id(), entry.version(),
                       entry.reason());
      return Report(entry);
    }
    s_.enriched_.Inc();
    NF_RETURN_IF_ERROR(Share(1));
    return Send(EncodeEnvelope(*envelope));
  }

  // Enriches `article` within the budget, recorded in the journal (and the
  // watchdog's slot) while it runs, so a crash or an overrun names it.
  absl::Status EnrichJournaled(const v1::EnrichFailure& entry, v1::Article* article) {
    if (absl::Status status = journal_->Begin(entry); !status.ok()) {
      // Enrich anyway, without crash protection for this article.
      s_.journal_errors_.Inc();
      uint64_t suppressed = 0;
      if (s_.journal_log_.ShouldLog(&suppressed)) {
        s_.logger_->warn("{} suppressed={}", std::string(status.message()), suppressed);
      }
    }
    {
      std::lock_guard lock(slot_.mu);
      slot_.entry = entry;
      slot_.started_ms = NowMs();
    }
    s_.in_flight_.fetch_add(1);
    const auto started = std::chrono::steady_clock::now();
    const std::string& marker = s_.crash_marker_for_testing_;
    if (!marker.empty() && article->text().find(marker) != std::string::npos) {
      s_.logger_->error("test hook {}: aborting on article id={}", kCrashMarkerEnvForTesting, article->id());
      s_.logger_->flush();
      std::abort();
    }
    const auto deadline = started + milliseconds(s_.config_.article_budget_ms);
    absl::Status enriched = EnrichArticle(*enricher_, s_.config_.worker_id, article, deadline);
    s_.duration_.Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    s_.in_flight_.fetch_sub(1);
    {
      std::lock_guard lock(slot_.mu);
      slot_.started_ms = 0;
    }
    (void)journal_->Clear();
    return enriched;
  }

  // Sends `payload` to the store, holding it until the store's queue has
  // room (backpressure). Ok also when stopping (ingest resends).
  absl::Status Send(const std::string& payload) {
    const auto blocked_since = std::chrono::steady_clock::now();
    while (true) {
      absl::Status status = SendFrames(*output_, {payload});
      if (status.ok()) return status;
      if (!absl::IsUnavailable(status)) return absl::IsCancelled(status) ? absl::OkStatus() : status;
      if (stop_.stop_requested()) return absl::OkStatus();
      heartbeat_.Beat();  // waiting for the store is progress
      // A store outage is silent on a PUSH socket: say so, once per
      // interval for all threads.
      const auto waited = std::chrono::steady_clock::now() - blocked_since;
      uint64_t suppressed = 0;
      if (waited >= kStoreBlockedWarning && s_.store_blocked_log_.ShouldLog(&suppressed)) {
        s_.logger_->warn(
            "store not taking results for {} s (unreachable or full); holding them suppressed={}",
            std::chrono::duration_cast<std::chrono::seconds>(waited).count(), suppressed);
      }
      std::this_thread::sleep_for(milliseconds(20));
    }
  }

  // Quarantines the article and tells ingest (through the store) why.
  absl::Status Report(const v1::EnrichFailure& failure) {
    s_.Quarantine(failure);
    v1::Envelope envelope = NewEnvelope();
    *envelope.mutable_enrich_failure() = failure;
    return Send(EncodeEnvelope(envelope));
  }

  // Exchanges term counts: reads what arrived, sends this thread's report
  // when due (`articles` just enriched count towards it).
  absl::Status Share(int articles) {
    if (!sharing_) return absl::OkStatus();
    sharing_->Receive();
    absl::Status status = sharing_->Tick(*output_, NowMs(), articles);
    return absl::IsCancelled(status) ? absl::OkStatus() : status;
  }

  void UpdatePeers() {
    s_.input_peers_[index_]->store(input_monitor_->Update());
    s_.output_peers_[index_]->store(output_monitor_->Update());
  }

  EnrichService& s_;
  const int index_;
  const std::stop_token stop_;
  ThreadSlot& slot_;
  const std::string name_;  // worker_id/thread, named in failure reports
  // This thread's progress; gates the systemd watchdog (systemd_notify.h).
  LoopHeartbeat heartbeat_;
  std::unique_ptr<ArticleJournal> journal_;
  // Declared before their sockets: made before each socket connects, closed
  // after it (libzmq ends the monitoring with the socket).
  std::unique_ptr<PeerMonitor> input_monitor_;
  std::unique_ptr<PeerMonitor> output_monitor_;
  std::optional<zmq::socket_t> input_;
  std::optional<zmq::socket_t> output_;
  std::unique_ptr<Enricher> enricher_;
  std::optional<TermCountsSharing> sharing_;  // after enricher_: it reads its frequencies
};

absl::Status EnrichService::Work(std::stop_token stop, int thread, const std::function<void()>& on_ready) {
  WorkerThread worker(*this, thread, std::move(stop));
  NF_RETURN_IF_ERROR(worker.Open());
  on_ready();
  NF_RETURN_IF_ERROR(worker.ReportLeftover());
  NF_RETURN_IF_ERROR(worker.Loop());
  worker.Flush();
  return absl::OkStatus();
}

}  // namespace

EnrichOptions OptionsFromConfig(const EnrichConfig& config) {
  EnrichOptions options;
  options.max_tags = config.max_tags;
  options.min_tags = config.min_tags;
  options.summary_sentences = config.summary_sentences;
  options.summary_max_chars = config.summary_max_chars;
  options.key_points = config.key_points;
  options.categories = config.categories;
  options.max_text_bytes = config.max_text_bytes;
  options.max_ranked_sentences = config.max_ranked_sentences;
  options.max_sentence_bytes = config.max_sentence_bytes;
  return options;
}

void EnrichArticle(Enricher& enricher, const std::string& worker_id, v1::Article* article) {
  (void)EnrichArticle(enricher, worker_id, article, std::chrono::steady_clock::time_point::max());
}

absl::Status EnrichArticle(Enricher& enricher, const std::string& worker_id, v1::Article* article,
                           std::chrono::steady_clock::time_point deadline) {
  absl::StatusOr<EnrichResult> result = enricher.Enrich(article->title(), article->text(), deadline);
  if (!result.ok()) return result.status();
  EnrichResult& r = *result;
  v1::Enrichment* e = article->mutable_enrichment();
  e->Clear();
  e->set_language(r.language);
  e->set_language_reliable(r.language_reliable);
  e->set_title_language(r.title_language);
  e->set_body_language(r.body_language);
  for (const ScoredTag& t : r.tags) {
    v1::Tag* tag = e->add_tags();
    tag->set_name(ToValidUtf8(t.name));
    tag->set_key(t.key);  // TagKey(name), as the Enricher computed it
    tag->set_score(t.score);
    tag->set_category(t.category);
  }
  for (const auto& s : r.summary) e->add_summary(ToValidUtf8(s));
  for (const auto& p : r.key_points) e->add_key_points(ToValidUtf8(p));
  e->set_fingerprint(r.fingerprint);
  e->set_enriched_at_ms(NowMs());
  e->set_enricher(worker_id);
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Service>> MakeEnrichService(const NewsflowConfig& config,
                                                           zmq::context_t& context) {
  return std::unique_ptr<Service>(new EnrichService(config, context));
}

}  // namespace newsflow::enrich

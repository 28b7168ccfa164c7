#include "services/store/store_service.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "common/delivery/ack.h"
#include "common/delivery/envelope_codec.h"
#include "common/delivery/request_server.h"
#include "common/delivery/term_counts.h"
#include "common/log/logging.h"
#include "common/metrics/metrics.h"
#include "common/runtime/systemd_notify.h"
#include "common/status/status_macros.h"
#include "common/transport/http_server.h"
#include "common/transport/message_validation.h"
#include "common/transport/zmq_socket.h"
#include "common/util/counters.h"
#include "common/util/document_frequencies.h"
#include "common/util/time.h"
#include "common/util/utf8.h"
#include "services/store/article_store.h"
#include "services/store/event_stream.h"
#include "services/store/feeds_proxy.h"
#include "services/store/http_api.h"
#include "services/store/query_handler.h"
#include "services/store/related.h"
#include "services/store/search_index.h"
#include "services/store/search_indexer.h"
#include "services/store/status_api.h"
#include "services/store/topics.h"
#include "services/store/trending_publisher.h"
#include "services/store/web_ui.h"

namespace newsflow::store {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kPollInterval(100);
// Bounds on the fields of an enrich failure report.
constexpr std::size_t kMaxFailureIdBytes = 512;

// Where the store forwards the feeds API to (ingest.api of its config).
FeedsProxyOptions FeedsProxyFor(const NewsflowConfig& config) {
  FeedsProxyOptions o;
  if (config.ingest.api_enabled && config.ingest.api_port != 0) {
    o.ingest_url = metrics::HttpBaseUrl(config.ingest.api_address, config.ingest.api_port);
  }
  o.ingest_token = config.ingest.api_token;
  o.store_token = config.store.http_token;
  return o;
}

class StoreService final : public Service {
 public:
  StoreService(const NewsflowConfig& config, zmq::context_t& context, std::unique_ptr<ArticleStore> db,
               std::unique_ptr<SearchIndex> search_index)
      : config_(config.store),
        status_targets_(metrics::ScrapeTargetsOf(config)),
        feeds_proxy_(FeedsProxyFor(config)),
        message_limits_(MessageLimitsFor(config)),
        context_(context),
        db_(std::move(db)),
        search_index_(std::move(search_index)),
        logger_(MakeLogger("store")),
        bad_input_(logger_, "store.input"),
        query_server_(
            {"store.query", v1::Envelope::kQuery}, logger_,
            [this](const v1::Envelope& request) -> absl::StatusOr<v1::Envelope> {
              v1::Envelope reply = NewEnvelope();
              *reply.mutable_result() =
                  ExecuteQuery(*db_, request.query(), limits_, CounterSnapshot(), related_.get());
              return reply;
            },
            [](const std::string& error) {
              v1::Envelope reply = NewEnvelope();
              reply.mutable_result()->set_ok(false);
              reply.mutable_result()->set_error(error);
              return reply;
            }) {
    limits_.default_limit = config_.default_limit;
    limits_.max_limit = config_.max_limit;
    limits_.backup_dir = config_.BackupDir();
    if (search_index_) {
      related_ = std::make_unique<RelatedFinder>(*db_, config_.SearchPath(),
                                                 RelatedOptions{.limit = config_.related_limit,
                                                                .window_ms = config_.related_window_ms,
                                                                .cache_ms = config_.related_cache_ms});
    }
  }

  std::string name() const override { return "store"; }

  absl::Status Run(std::stop_token stop, const ReadyFn& ready) override;

 private:
  // Served on /metrics with the counters and the database gauges
  // (http_api.h): how long a group commit takes, and how long an article
  // took from its fetch at ingest (Article.fetched_at_ms, carried in the
  // message) until it was durable here, measured on this host's clock.
  std::shared_ptr<metrics::Registry> registry_ = std::make_shared<metrics::Registry>();
  metrics::Histogram& commit_seconds_ = registry_->AddHistogram(
      "newsflow_store_commit_duration_seconds",
      "Time of one group commit (a batch of articles and their indexes, synced).", metrics::kLatencyBuckets);
  metrics::Histogram& end_to_end_seconds_ = registry_->AddHistogram(
      "newsflow_store_end_to_end_seconds",
      "Time from an article's fetch at ingest until it was committed here (new versions only).",
      metrics::kLatencyBuckets);

  absl::Status WriterLoop(std::stop_token stop, zmq::socket_t& input, zmq::socket_t& publish,
                          AckPublisher& acks, zmq::socket_t& term_counts);
  // Publishes an ack on its origin's topic, counted as sent, unrouted (no
  // subscriber: that ingest is away) or dropped (queue full).
  void SendAck(AckPublisher& acks, const std::string& origin, const v1::Envelope& ack);
  absl::Status CommitAndAnnounce(std::vector<v1::Article>& batch, zmq::socket_t& publish, AckPublisher& acks,
                                 std::stop_token stop);
  void QueryLoop(std::stop_token stop, std::promise<absl::StatusOr<std::string>>& bound);
  // Folds a worker's delta into the stream's table and re-publishes it to
  // every worker, or answers a request for the whole table, on the
  // term-counts socket.
  void OnTermCounts(const v1::TermCounts& counts, const zmq::message_t& frame, AckPublisher& acks,
                    zmq::socket_t& term_counts);
  // Publishes [topic, payload] on the term-counts socket, and on the acks
  // socket too while a worker from before the split listens there
  // (common/delivery/term_counts.h). False when the term-counts socket's
  // queue was full.
  bool PublishTermCounts(const std::string& topic, const std::string& payload, AckPublisher& acks,
                         zmq::socket_t& term_counts);
  // Validates an enrich worker's failure report and forwards it to the
  // article's ingest as an Ack with `failure` set (which dead-letters it).
  void OnEnrichFailure(const v1::EnrichFailure& failure, const zmq::message_t& frame, AckPublisher& acks);
  // Counts and logs an article that failed ValidateArticle; when its id,
  // version and origin are sane, acks it as a failure so that its ingest
  // dead-letters it with the reason instead of resending it.
  void RejectArticle(const v1::Article& article, const absl::Status& why, const zmq::message_t& frame,
                     AckPublisher& acks);
  // A retention pass when one is due (every retention_interval_seconds,
  // and at once again while a pass stops at its batch limit). Writer thread.
  void RunRetention();
  // Sends the trending lists that changed since the last call.
  void PublishTrending(zmq::socket_t& publish);
  v1::TermCounts TermCountsSnapshot() const;
  void SaveTermCounts(bool force);
  std::map<std::string, uint64_t> CounterSnapshot() const {
    auto snapshot = counters_.Snapshot();
    snapshot["bad_input_frames"] = bad_input_.count();
    snapshot["queries"] = query_server_.requests();
    snapshot["bad_query_frames"] = query_server_.bad_requests();
    if (const SearchIndexer* indexer = search_indexer_.load()) {
      snapshot["search_index_errors"] = indexer->Errors();
      snapshot["search_indexed_sequence"] = indexer->LastSequence();
    }
    return snapshot;
  }

  StoreConfig config_;
  // The web reader's view of the other daemons (the same config file).
  std::vector<metrics::ScrapeTarget> status_targets_;
  FeedsProxyOptions feeds_proxy_;
  MessageLimits message_limits_;
  zmq::context_t& context_;
  std::unique_ptr<ArticleStore> db_;
  // Handed to the indexer thread in Run(); null when search is disabled.
  std::unique_ptr<SearchIndex> search_index_;
  // Related articles from the search index; null when search is disabled.
  std::unique_ptr<RelatedFinder> related_;
  // Set while Run() runs the indexer (read by CounterSnapshot, the writer).
  std::atomic<SearchIndexer*> search_indexer_{nullptr};
  // Set while Run() runs; its lists are sent by the writer thread.
  TrendingPublisher* trending_ = nullptr;
  // Set while Run() serves HTTP: the writer hands it each commit's articles.
  EventHub* events_ = nullptr;
  std::shared_ptr<spdlog::logger> logger_;
  QueryLimits limits_;
  Counters counters_;
  BadInputReporter bad_input_;
  // Opened, run and closed on the query thread; its counters are read by
  // CounterSnapshot on any thread.
  RequestServer query_server_;
  RateLimitedLog commit_error_log_;
  bool legacy_term_counts_logged_ = false;  // writer thread only
  // When commits started failing (a full disk), 0 while they succeed.
  std::atomic<int64_t> commits_failing_since_ms_{0};
  // The writer loop's progress, beaten by WriterLoop and by the commit
  // retries; it gates the systemd watchdog (common/runtime/systemd_notify.h).
  std::unique_ptr<LoopHeartbeat> heartbeat_;
  mutable std::mutex commit_problem_mu_;
  std::string commit_problem_;  // GUARDED_BY(commit_problem_mu_): the last commit error
  StoreHealth Health() const {
    StoreHealth h;
    h.problem_since_ms = commits_failing_since_ms_.load();
    h.committing = h.problem_since_ms == 0;
    if (!h.committing) {
      std::lock_guard lock(commit_problem_mu_);
      h.problem = commit_problem_;
    }
    return h;
  }
  RateLimitedLog publish_drop_log_;
  mutable std::mutex term_counts_mu_;
  DocumentFrequencies term_counts_;   // GUARDED_BY(term_counts_mu_)
  bool term_counts_dirty_ = false;    // writer thread only
  int64_t term_counts_saved_ms_ = 0;  // writer thread only
  int64_t retention_due_ms_ = 0;      // writer thread only: 0 = at the first round
  RetentionPass retention_pass_;      // writer thread only: totals of a pass cut in batches
};

absl::Status StoreService::Run(std::stop_token stop, const ReadyFn& ready) {
  // Catches up with what was committed while it was not running, then
  // follows the commits. Declared first, so that on every way out of Run()
  // it stops after the threads that read its counters.
  std::unique_ptr<SearchIndexer> indexer;
  if (search_index_) {
    indexer = std::make_unique<SearchIndexer>(*db_, std::move(search_index_));
    search_indexer_ = indexer.get();
  }
  // Recomputes the trending lists off the writer thread; the writer sends
  // the changed ones on the stream.
  TrendingPublisher trending(*db_, kTrendingPublishInterval);
  trending_ = &trending;
  EndpointMap endpoints;
  // Linger lets acks and stream messages queued at drain time still leave.
  auto input = OpenSocket(context_, zmq::socket_type::pull, config_.input);
  if (!input.ok()) return Annotate(input.status(), "store.input");
  auto publish = OpenSocket(context_, zmq::socket_type::pub, config_.publish, milliseconds(1000));
  if (!publish.ok()) return Annotate(publish.status(), "store.publish");
  AckPublisher acks;
  NF_RETURN_IF_ERROR(Annotate(acks.Open(context_, config_.acks, milliseconds(1000)), "store.acks"));
  // The document-frequency gossip has a socket of its own: acks stay small
  // and prompt, and a worker's table never waits behind them.
  auto term_counts = OpenSocket(context_, zmq::socket_type::pub, config_.term_counts, milliseconds(1000));
  if (!term_counts.ok()) return Annotate(term_counts.status(), "store.term_counts");
  endpoints["store.input"] = BoundEndpoint(*input);
  endpoints["store.publish"] = BoundEndpoint(*publish);
  endpoints["store.acks"] = BoundEndpoint(acks.socket());
  endpoints["store.term_counts"] = BoundEndpoint(*term_counts);

  std::promise<absl::StatusOr<std::string>> query_bound;
  auto query_future = query_bound.get_future();
  std::jthread query_thread([this, &query_bound](std::stop_token st) { QueryLoop(st, query_bound); });
  absl::StatusOr<std::string> query_endpoint = query_future.get();
  if (!query_endpoint.ok()) return Annotate(query_endpoint.status(), "store.query");
  endpoints["store.query"] = *query_endpoint;

  SearchFn search;
  if (config_.search_enabled) {
    // Views stay open between queries and follow the indexer's commits.
    search = [reader = std::make_shared<SearchReader>(config_.SearchPath())](const SearchRequest& r) {
      return reader->Search(r);
    };
  }

  // Feeds GET /v1/stream from the writer's commits. Declared before the
  // server, so that the server (and its streams) stops first.
  EventHub events(*db_);
  HttpServer http(MakeHttpServerOptions(config_.http_address, config_.http_port, config_.http_token,
                                        config_.http_limits));
  if (config_.http_enabled) {
    InstallHttpApi(
        http, *db_, limits_, [this] { return CounterSnapshot(); }, [this] { return Health(); }, search,
        related_.get(), registry_, &events);
    events_ = &events;
    InstallStatusApi(http, status_targets_);
    InstallFeedsProxy(http, feeds_proxy_);
    InstallWebUi(http);
    auto url = http.Start();
    if (!url.ok()) return Annotate(url.status(), "store.http");
    endpoints["store.http"] = *url;
  }

  if (auto saved = db_->LoadTermCounts(); !saved.ok()) {
    counters_.Add("term_counts_load_errors");
    logger_->error(
        "SAVED DOCUMENT FREQUENCIES UNREADABLE, starting them afresh (tag quality drops "
        "until they are learned again): {}",
        std::string(saved.status().message()));
  } else if (saved->has_value()) {
    const v1::TermCounts& counts = **saved;
    if (absl::Status valid = ValidateTermCounts(counts); !valid.ok()) {
      counters_.Add("term_counts_load_errors");
      logger_->error(
          "SAVED DOCUMENT FREQUENCIES INVALID ({} terms, {} documents), starting them afresh "
          "(tag quality drops until they are learned again): {}",
          counts.terms_size(), counts.documents(), std::string(valid.message()));
    } else {
      MergeTermCounts(counts, &term_counts_);
    }
  }
  term_counts_saved_ms_ = NowMs();

  logger_->info("started db={} last_sequence={} articles={} df_documents={:.0f}", config_.data_dir,
                db_->LastSequence(), db_->ArticleCount(), term_counts_.documents());
  ready(endpoints);
  heartbeat_ = std::make_unique<LoopHeartbeat>("store.writer");
  absl::Status status = WriterLoop(stop, *input, *publish, acks, *term_counts);
  heartbeat_ = nullptr;
  SaveTermCounts(/*force=*/true);

  http.Stop();
  events_ = nullptr;
  query_thread.request_stop();
  query_thread.join();
  search_indexer_ = nullptr;
  trending_ = nullptr;
  logger_->info("drained committed={} duplicates={} last_sequence={}", counters_.Get("committed").value(),
                counters_.Get("duplicates").value(), db_->LastSequence());
  return status;
}

absl::Status StoreService::WriterLoop(std::stop_token stop, zmq::socket_t& input, zmq::socket_t& publish,
                                      AckPublisher& acks, zmq::socket_t& term_counts) {
  std::vector<zmq::pollitem_t> items{{input.handle(), 0, ZMQ_POLLIN, 0}};
  std::vector<v1::Article> batch;
  const std::size_t max_batch = static_cast<std::size_t>(config_.max_batch);
  bool draining = false;
  while (true) {
    heartbeat_->Beat();
    if (stop.stop_requested()) draining = true;
    if (!draining) {
      auto ready = Poll(items, kPollInterval);
      if (!ready.ok()) return absl::IsCancelled(ready.status()) ? absl::OkStatus() : ready.status();
    }
    acks.ReadSubscriptions();
    while (batch.size() < max_batch) {
      auto frames = RecvFrames(input);
      if (!frames.ok()) {
        if (absl::IsCancelled(frames.status())) return absl::OkStatus();
        return frames.status();
      }
      if (!frames->has_value()) break;
      auto& parts = **frames;
      counters_.Add("received");
      const zmq::message_t& last = parts.back();
      auto envelope = DecodeEnvelope(last);
      if (!envelope.ok()) {
        bad_input_.Report(&last, parts.size(), envelope.status());
        continue;
      }
      if (parts.size() == 1 && envelope->payload_case() == v1::Envelope::kTermCounts) {
        const v1::TermCounts& counts = envelope->term_counts();
        if (absl::Status valid = ValidateTermCounts(counts); !valid.ok()) {
          counters_.Add("term_counts_rejected");
          bad_input_.Report(&last, parts.size(), Annotate(valid, "term counts"));
          continue;
        }
        OnTermCounts(counts, last, acks, term_counts);
        continue;
      }
      if (parts.size() == 1 && envelope->payload_case() == v1::Envelope::kEnrichFailure) {
        OnEnrichFailure(envelope->enrich_failure(), last, acks);
        continue;
      }
      if (parts.size() != 1 || envelope->payload_case() != v1::Envelope::kArticle ||
          envelope->article().id().empty() || envelope->article().version().empty()) {
        bad_input_.Report(
            &last, parts.size(),
            absl::InvalidArgumentError("expected one frame holding an article with id and version"));
        continue;
      }
      if (absl::Status valid = ValidateArticle(envelope->article(), message_limits_); !valid.ok()) {
        RejectArticle(envelope->article(), valid, last, acks);
        continue;
      }
      batch.push_back(std::move(*envelope->mutable_article()));
    }
    // Every round, busy or idle: under steady load the input is never empty,
    // and a save only then would leave the table unsaved until shutdown.
    SaveTermCounts(/*force=*/false);
    PublishTrending(publish);
    RunRetention();
    if (!batch.empty()) {
      absl::Status s = CommitAndAnnounce(batch, publish, acks, stop);
      if (!s.ok()) return s;
      batch.clear();
      continue;  // more may be queued
    }
    if (draining) return absl::OkStatus();
  }
}

void StoreService::OnEnrichFailure(const v1::EnrichFailure& failure, const zmq::message_t& frame,
                                   AckPublisher& acks) {
  const auto bad_id = [](const std::string& s) { return s.empty() || s.size() > kMaxFailureIdBytes; };
  if (bad_id(failure.article_id()) || bad_id(failure.version()) || !IsValidInstanceId(failure.origin()) ||
      failure.worker().size() > kMaxFailureIdBytes || failure.reason().empty()) {
    bad_input_.Report(
        &frame, 1,
        absl::InvalidArgumentError("enrich failure without article id, version, origin or reason"));
    return;
  }
  counters_.Add("enrich_failures");
  v1::Envelope ack_env =
      MakeFailureAck(failure.article_id(), failure.version(), failure.reason(), failure.worker());
  logger_->warn("enrich failure article id={} worker={} reason={}", failure.article_id(),
                ack_env.ack().failed_worker(), ack_env.ack().failure());
  SendAck(acks, failure.origin(), ack_env);  // if lost, the worker reports it again on the resend
}

void StoreService::SendAck(AckPublisher& acks, const std::string& origin, const v1::Envelope& ack) {
  switch (acks.Send(origin, ack)) {
    case AckPublisher::Outcome::kSent:
      counters_.Add("acks_sent");
      break;
    case AckPublisher::Outcome::kUnrouted:
      // That ingest instance is away (restarting, or cut off). It resends,
      // and the duplicate is acked again.
      counters_.Add("acks_unrouted");
      break;
    case AckPublisher::Outcome::kDropped:
      counters_.Add("acks_dropped");
      break;
  }
}

void StoreService::RejectArticle(const v1::Article& article, const absl::Status& why,
                                 const zmq::message_t& frame, AckPublisher& acks) {
  counters_.Add("articles_rejected");
  bad_input_.Report(&frame, 1, Annotate(why, "article"));
  if (!IsValidArticleId(article.id()) || !IsValidArticleId(article.version()) ||
      !IsValidInstanceId(article.origin())) {
    return;  // nobody to tell: ingest's outbox resends it, then dead-letters it
  }
  SendAck(acks, article.origin(),
          MakeFailureAck(article.id(), article.version(),
                         fmt::format("rejected by the store: {}", std::string(why.message())), "store"));
}

bool StoreService::PublishTermCounts(const std::string& topic, const std::string& payload, AckPublisher& acks,
                                     zmq::socket_t& term_counts) {
  if (acks.HasTermCountsSubscriber(topic)) {
    if (!legacy_term_counts_logged_) {
      legacy_term_counts_logged_ = true;
      logger_->warn(
          "an enrich worker takes document frequencies from store.acks (topic {}); they are sent "
          "there too, but belong on store.term_counts ({}): point enrich.term_counts.stream at it",
          topic, config_.term_counts.address);
    }
    (void)SendFrames(acks.socket(), {topic, payload});
  }
  return SendFrames(term_counts, {topic, payload}).ok();
}

void StoreService::OnTermCounts(const v1::TermCounts& counts, const zmq::message_t& frame, AckPublisher& acks,
                                zmq::socket_t& term_counts) {
  if (counts.want_snapshot()) {
    counters_.Add("term_counts_snapshots");
    v1::Envelope reply = NewEnvelope();
    *reply.mutable_term_counts() = TermCountsSnapshot();
    if (!PublishTermCounts(TermCountsSnapshotTopic(counts.origin()), EncodeEnvelope(reply), acks,
                           term_counts)) {
      counters_.Add("term_counts_dropped");  // the worker asks again
    }
    return;
  }
  if (counts.documents() <= 0) return;
  counters_.Add("term_counts_received");
  {
    std::lock_guard lock(term_counts_mu_);
    MergeTermCounts(counts, &term_counts_);
  }
  term_counts_dirty_ = true;
  if (PublishTermCounts(kTermCountsTopic, frame.to_string(), acks, term_counts)) {
    counters_.Add("term_counts_published");
  } else {
    counters_.Add("term_counts_dropped");  // workers then just learn a little less
  }
}

void StoreService::PublishTrending(zmq::socket_t& publish) {
  if (trending_ == nullptr) return;
  for (const auto& [topic, payload] : trending_->Take()) {
    if (SendFrames(publish, {topic, payload}).ok()) {
      counters_.Add("trending_published");
    } else {
      counters_.Add("publish_dropped");
    }
  }
}

void StoreService::RunRetention() {
  // Deletes per batch: one WriteBatch, a short hold of the writer; a large
  // backlog (limits lowered) is worked off in many rounds between commits.
  constexpr std::size_t kMaxDeletesPerBatch = 1000;
  if (!config_.RetentionEnabled()) return;
  const int64_t now = NowMs();
  if (now < retention_due_ms_) return;
  absl::StatusOr<RetentionPass> pass = db_->ApplyRetention(now, kMaxDeletesPerBatch);
  if (!pass.ok()) {
    counters_.Add("retention_errors");
    logger_->warn("retention pass failed (retried in {} s): {}", config_.retention_interval_seconds,
                  std::string(pass.status().message()));
    retention_pass_ = {};
    retention_due_ms_ = now + int64_t{config_.retention_interval_seconds} * 1000;
    return;
  }
  retention_pass_.deleted_by_age += pass->deleted_by_age;
  retention_pass_.deleted_by_count += pass->deleted_by_count;
  retention_pass_.tombstones_pruned += pass->tombstones_pruned;
  counters_.Add("retention_deleted_by_age", pass->deleted_by_age);
  counters_.Add("retention_deleted_by_count", pass->deleted_by_count);
  if (pass->deleted_by_age + pass->deleted_by_count > 0) {
    if (SearchIndexer* indexer = search_indexer_.load()) indexer->Notify();
  }
  if (pass->more) {
    retention_due_ms_ = 0;  // the next round goes on
    return;
  }
  counters_.Add("retention_passes");
  logger_->info(
      "retention pass: deleted {} by age (max_age_days={}) and {} by count (max_articles={}), "
      "forgot {} deleted ids; {} articles left, last_sequence={}",
      retention_pass_.deleted_by_age, config_.retention_max_age_days, retention_pass_.deleted_by_count,
      config_.retention_max_articles, retention_pass_.tombstones_pruned, db_->ArticleCount(),
      db_->LastSequence());
  retention_pass_ = {};
  retention_due_ms_ = now + int64_t{config_.retention_interval_seconds} * 1000;
}

v1::TermCounts StoreService::TermCountsSnapshot() const {
  std::vector<uint64_t> terms;
  std::vector<double> counts;
  v1::TermCounts snapshot;
  {
    std::lock_guard lock(term_counts_mu_);
    snapshot.set_documents(term_counts_.Export(&terms, &counts));
  }
  snapshot.mutable_terms()->Add(terms.begin(), terms.end());
  snapshot.mutable_counts()->Add(counts.begin(), counts.end());
  return snapshot;
}

void StoreService::SaveTermCounts(bool force) {
  if (!term_counts_dirty_) return;
  const int64_t now = NowMs();
  // Saved at most every term_counts_save_interval_ms (and at shutdown):
  // a crash loses at most that interval of reports.
  if (!force && now - term_counts_saved_ms_ < config_.term_counts_save_interval_ms) return;
  term_counts_saved_ms_ = now;
  if (absl::Status s = db_->SaveTermCounts(TermCountsSnapshot()); !s.ok()) {
    logger_->warn("saving document frequencies failed (retrying later): {}", std::string(s.message()));
    return;
  }
  term_counts_dirty_ = false;
  counters_.Add("term_counts_saves");
}

absl::Status StoreService::CommitAndAnnounce(std::vector<v1::Article>& batch, zmq::socket_t& publish,
                                             AckPublisher& acks, std::stop_token stop) {
  milliseconds backoff(50);
  absl::StatusOr<std::vector<UpsertResult>> results;
  while (true) {
    const auto commit_start = std::chrono::steady_clock::now();
    results = db_->Upsert(batch);
    commit_seconds_.Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - commit_start).count());
    if (results.ok()) break;
    counters_.Add("commit_errors");
    if (absl::IsDataLoss(results.status()) || absl::IsInvalidArgument(results.status()) ||
        absl::IsFailedPrecondition(results.status())) {
      return Annotate(results.status(), "store commit");
    }
    // A full disk or another I/O failure: nothing is acked, so ingest keeps
    // every article in its outbox; the database recovers by itself once
    // space is back (common/storage/rocksdb_options.h).
    {
      std::lock_guard lock(commit_problem_mu_);
      commit_problem_ = std::string(results.status().message());
    }
    if (commits_failing_since_ms_.load() == 0) {
      commits_failing_since_ms_ = NowMs();
      logger_->error("commits failing, acks paused until the database recovers: {}",
                     std::string(results.status().message()));
    }
    uint64_t suppressed = 0;
    if (commit_error_log_.ShouldLog(&suppressed)) {
      logger_->warn("commit failed, holding batch of {} and retrying: {} suppressed={}", batch.size(),
                    std::string(results.status().message()), suppressed);
    }
    // Unacked articles are resent by ingest, so giving up at shutdown loses nothing.
    if (stop.stop_requested()) return absl::OkStatus();
    // Waiting out a full disk is progress: a restart would not cure it.
    heartbeat_->Beat();
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, milliseconds(2000));
  }
  const int64_t committed_ms = NowMs();
  if (SearchIndexer* indexer = search_indexer_.load()) indexer->Notify();
  if (int64_t since = commits_failing_since_ms_.exchange(0); since != 0) {
    logger_->info("commits recovered after {:.1f} s", static_cast<double>(NowMs() - since) / 1000.0);
  }

  std::vector<v1::Article> stored;  // for the live event streams
  const bool streams = events_ != nullptr && events_->subscribers() > 0;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const UpsertResult& r = (*results)[i];
    const v1::Article& article = batch[i];
    SendAck(acks, article.origin(), MakeAck(r.id, r.version, r.sequence, r.duplicate));
    if (r.retired) {
      counters_.Add("retention_refused");
      continue;
    }
    if (r.duplicate) {
      counters_.Add("duplicates");
      continue;
    }
    counters_.Add("committed");
    if (streams) stored.emplace_back(article).clear_text();
    if (article.fetched_at_ms() > 0 && committed_ms >= article.fetched_at_ms()) {
      end_to_end_seconds_.Observe(static_cast<double>(committed_ms - article.fetched_at_ms()) / 1000.0);
    }
    v1::Envelope event = NewEnvelope();
    *event.mutable_article() = article;
    std::string payload = EncodeEnvelope(event);
    for (const std::string& topic : TopicsFor(article)) {
      if (SendFrames(publish, {topic, payload}).ok()) {
        counters_.Add("published");
      } else {
        counters_.Add("publish_dropped");
        uint64_t suppressed = 0;
        if (publish_drop_log_.ShouldLog(&suppressed)) {
          logger_->warn("stream queue full, dropped event seq={} topic={} suppressed={}", article.sequence(),
                        topic, suppressed);
        }
      }
    }
  }
  if (!stored.empty()) events_->Publish(std::move(stored));
  return absl::OkStatus();
}

void StoreService::QueryLoop(std::stop_token stop, std::promise<absl::StatusOr<std::string>>& bound) {
  if (absl::Status s = query_server_.Open(context_, config_.query); !s.ok()) {
    bound.set_value(s);
    return;
  }
  bound.set_value(query_server_.endpoint());
  (void)query_server_.Run(stop, kPollInterval);  // ends at the stop or a context shutdown
  query_server_.Close();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Service>> MakeStoreService(const NewsflowConfig& config,
                                                          zmq::context_t& context) {
  return MakeStoreServiceWithOptions(config, context, {});
}

absl::StatusOr<std::unique_ptr<Service>> MakeStoreServiceWithOptions(const NewsflowConfig& config,
                                                                     zmq::context_t& context,
                                                                     const StoreStartOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(config.store.data_dir, ec);
  if (ec) {
    return absl::UnavailableError(
        fmt::format("store: cannot create data dir {}: {}", config.store.data_dir, ec.message()));
  }
  ArticleStoreOptions db_options{.path = config.store.data_dir, .sync_writes = config.store.sync_writes};
  db_options.retention.max_age_ms = int64_t{config.store.retention_max_age_days} * 24 * 3600 * 1000;
  db_options.retention.max_articles = static_cast<uint64_t>(config.store.retention_max_articles);
  db_options.memory_bytes = static_cast<std::size_t>(config.store.memory_mb) << 20;
  auto db = ArticleStore::Open(db_options);
  if (!db.ok()) return db.status();
  std::unique_ptr<SearchIndex> search_index;
  if (options.reindex && !config.store.search_enabled) {
    return absl::InvalidArgumentError("--reindex: search is disabled (store.search.enabled)");
  }
  if (options.reindex) {
    auto logger = MakeLogger("store.search");
    logger->info("rebuilding the search index {} from {} articles", config.store.SearchPath(),
                 (*db)->ArticleCount());
    const int64_t start = NowMs();
    auto count = SearchIndex::Rebuild(**db, config.store.SearchPath());
    if (!count.ok()) return Annotate(count.status(), "store --reindex");
    logger->info("search index rebuilt: {} articles up to sequence {} in {:.1f} s", *count,
                 (*db)->LastSequence(), static_cast<double>(NowMs() - start) / 1000.0);
  }
  if (config.store.search_enabled) {
    auto opened = SearchIndex::Open(config.store.SearchPath());
    if (!opened.ok()) return opened.status();
    if ((*opened)->LastSequence() > (*db)->LastSequence()) {
      // An index ahead of the database describes another one (a restored
      // backup's data dir beside the old index): built again from this one.
      MakeLogger("store.search")
          ->warn("search index {} is at sequence {}, past the database's {}: rebuilding it",
                 config.store.SearchPath(), (*opened)->LastSequence(), (*db)->LastSequence());
      opened->reset();
      auto count = SearchIndex::Rebuild(**db, config.store.SearchPath());
      if (!count.ok()) return Annotate(count.status(), "store: rebuild search index");
      opened = SearchIndex::Open(config.store.SearchPath());
      if (!opened.ok()) return opened.status();
    }
    search_index = *std::move(opened);
  }
  return std::unique_ptr<Service>(new StoreService(config, context, *std::move(db), std::move(search_index)));
}

}  // namespace newsflow::store

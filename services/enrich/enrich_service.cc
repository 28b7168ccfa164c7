#include "services/enrich/enrich_service.h"

#include <unistd.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "common/log/logging.h"
#include "common/status/status_macros.h"
#include "common/transport/envelope_codec.h"
#include "common/transport/zmq_socket.h"
#include "common/util/counters.h"
#include "common/util/text.h"
#include "common/util/time.h"
#include "services/enrich/core/enrich_cli.h"  // ReadWordList
#include "services/enrich/term_counts_sharing.h"

namespace newsflow::enrich {
namespace {

using std::chrono::milliseconds;

class EnrichService final : public Service {
 public:
  EnrichService(const NewsflowConfig& config, zmq::context_t& context)
      : config_(config.enrich),
        context_(context),
        logger_(MakeLogger("enrich")),
        bad_input_(logger_, "enrich.input") {
    if (config_.worker_id.empty()) {
      char host[256] = {};
      gethostname(host, sizeof(host) - 1);
      config_.worker_id = fmt::format("{}-{}", host, getpid());
    }
  }

  std::string name() const override { return "enrich"; }

  absl::Status Run(std::stop_token stop, const ReadyFn& ready) override {
    if (!config_.user_dictionary.empty()) {
      auto words = ReadWordList(config_.user_dictionary);
      if (!words.ok()) return Annotate(words.status(), "enrich.user_dictionary");
      user_words_ = *std::move(words);
      logger_->info("user dictionary {}: {} terms", config_.user_dictionary, user_words_.size());
    }
    std::vector<std::jthread> workers;
    std::vector<absl::Status> results(config_.threads);
    std::mutex mu;
    std::condition_variable cv;
    int started = 0;
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
    logger_->info("started worker={} threads={} input={} output={}", config_.worker_id,
                  config_.threads, config_.input.address, config_.output.address);
    EndpointMap endpoints;
    {
      std::lock_guard lock(bound_mu_);
      endpoints = bound_;
    }
    ready(endpoints);
    workers.clear();  // joins: workers return when stop is requested
    logger_->info("drained enriched={}", counters_.Get("enriched").load());
    for (const auto& s : results) {
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }

 private:
  absl::Status Work(std::stop_token stop, int thread, const std::function<void()>& on_ready) {
    auto input = OpenSocket(context_, zmq::socket_type::pull, config_.input);
    if (!input.ok()) return Annotate(input.status(), "enrich.input");
    // Linger: results queued at drain time still reach the store.
    auto output = OpenSocket(context_, zmq::socket_type::push, config_.output, milliseconds(2000));
    if (!output.ok()) return Annotate(output.status(), "enrich.output");
    EnrichOptions options = OptionsFromConfig(config_);
    options.user_words = user_words_;
    Enricher enricher(options);
    std::optional<TermCountsSharing> sharing;
    if (config_.share_term_counts) {
      sharing.emplace(fmt::format("{}/{}", config_.worker_id, thread), config_,
                      &enricher.document_frequencies());
      if (absl::Status s = sharing->Open(context_); !s.ok()) return Annotate(s, "enrich.term_counts.stream");
    }
    {
      std::lock_guard lock(bound_mu_);
      if (config_.input.bind) bound_["enrich.input"] = BoundEndpoint(*input);
      if (config_.output.bind) bound_["enrich.output"] = BoundEndpoint(*output);
    }
    on_ready();
    std::vector<zmq::pollitem_t> items{{input->handle(), 0, ZMQ_POLLIN, 0}};
    if (sharing) items.push_back({sharing->socket().handle(), 0, ZMQ_POLLIN, 0});
    const auto share = [&](int articles) -> absl::Status {
      if (!sharing) return absl::OkStatus();
      sharing->Receive();
      absl::Status s = sharing->Tick(*output, NowMs(), articles);
      return absl::IsCancelled(s) ? absl::OkStatus() : s;
    };
    while (!stop.stop_requested()) {
      auto ready = Poll(items, milliseconds(100));
      if (!ready.ok()) return absl::IsCancelled(ready.status()) ? absl::OkStatus() : ready.status();
      NF_RETURN_IF_ERROR(share(0));
      if ((items[0].revents & ZMQ_POLLIN) == 0) continue;
      auto frames = RecvFrames(*input);
      if (!frames.ok()) return absl::IsCancelled(frames.status()) ? absl::OkStatus() : frames.status();
      if (!frames->has_value()) continue;
      auto& parts = **frames;
      const zmq::message_t& last = parts.back();
      auto envelope = DecodeEnvelope(last);
      if (!envelope.ok() || parts.size() != 1 || envelope->payload_case() != v1::Envelope::kArticle) {
        bad_input_.Report(&last, parts.size(),
                          envelope.ok() ? absl::InvalidArgumentError("expected one frame holding an article")
                                        : envelope.status());
        continue;
      }
      EnrichArticle(enricher, config_.worker_id, envelope->mutable_article());
      counters_.Add("enriched");
      NF_RETURN_IF_ERROR(share(1));
      std::string payload = EncodeEnvelope(*envelope);
      // Hold the article until the store's queue has room (backpressure).
      while (true) {
        absl::Status s = SendFrames(*output, {payload});
        if (s.ok()) break;
        if (!absl::IsUnavailable(s)) return absl::IsCancelled(s) ? absl::OkStatus() : s;
        if (stop.stop_requested()) return absl::OkStatus();  // ingest resends it
        std::this_thread::sleep_for(milliseconds(20));
      }
    }
    if (sharing) {
      (void)sharing->Flush(*output);  // best effort: the output lingers 2 s
      logger_->info("thread {} document frequencies: {:.0f} documents, {} terms, {} reports sent, "
                    "{} applied, table {}", thread, enricher.document_frequencies().documents(),
                    enricher.document_frequencies().size(), sharing->reports_sent(),
                    sharing->reports_applied(), sharing->has_table() ? "received" : "not received");
    }
    return absl::OkStatus();
  }

  EnrichConfig config_;
  std::vector<std::string> user_words_;  // read once in Run, before the workers start
  zmq::context_t& context_;
  std::shared_ptr<spdlog::logger> logger_;
  Counters counters_;
  BadInputReporter bad_input_;
  std::mutex bound_mu_;
  EndpointMap bound_;  // GUARDED_BY(bound_mu_): endpoints of sockets that bind
};

}  // namespace

EnrichOptions OptionsFromConfig(const EnrichConfig& config) {
  EnrichOptions options;
  options.max_tags = config.max_tags;
  options.min_tags = config.min_tags;
  options.summary_sentences = config.summary_sentences;
  options.summary_max_chars = config.summary_max_chars;
  options.key_points = config.key_points;
  options.categories = config.categories;
  return options;
}

void EnrichArticle(Enricher& enricher, const std::string& worker_id, v1::Article* article) {
  EnrichResult r = enricher.Enrich(article->title(), article->text());
  v1::Enrichment* e = article->mutable_enrichment();
  e->Clear();
  e->set_language(r.language);
  e->set_language_reliable(r.language_reliable);
  e->set_title_language(r.title_language);
  e->set_body_language(r.body_language);
  for (const ScoredTag& t : r.tags) {
    v1::Tag* tag = e->add_tags();
    tag->set_name(ValidUtf8(t.name));
    tag->set_key(TagKey(t.name));
    tag->set_score(t.score);
    tag->set_category(t.category);
  }
  for (const auto& s : r.summary) e->add_summary(ValidUtf8(s));
  for (const auto& p : r.key_points) e->add_key_points(ValidUtf8(p));
  e->set_fingerprint(r.fingerprint);
  e->set_enriched_at_ms(NowMs());
  e->set_enricher(worker_id);
}

absl::StatusOr<std::unique_ptr<Service>> MakeEnrichService(const NewsflowConfig& config,
                                                           zmq::context_t& context) {
  return std::unique_ptr<Service>(new EnrichService(config, context));
}

}  // namespace newsflow::enrich

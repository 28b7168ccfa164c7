#include "services/ingest/control_executor.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "common/delivery/envelope_codec.h"
#include "common/util/utf8.h"
#include "services/ingest/dead_letters.h"
#include "services/ingest/feed_admission.h"
#include "services/ingest/opml.h"

namespace newsflow::ingest {
namespace {

// Compares in time independent of where the first difference lies.
bool TokensEqual(std::string_view given, std::string_view expected) {
  unsigned char diff = given.size() == expected.size() ? 0 : 1;
  for (std::size_t i = 0; i < given.size(); ++i) {
    diff |= static_cast<unsigned char>(given[i] ^ expected[i % std::max<std::size_t>(expected.size(), 1)]);
  }
  return diff == 0 && !expected.empty();
}

constexpr std::size_t kImportBatch = 500;  // outlines admitted per write
constexpr std::size_t kImportsKept = 16;   // finished imports whose progress can be read
constexpr int kImportRefusalsKept = 100;

}  // namespace

ControlExecutor::ControlExecutor(const IngestConfig& config, IngestDb& db, FeedList& feeds,
                                 FeedScheduler& scheduler, Outbox& outbox, const FetchOptions& fetch_options,
                                 Counters& counters, std::shared_ptr<spdlog::logger> logger,
                                 const Clock& clock, Hooks hooks)
    : config_(config),
      db_(db),
      feeds_(feeds),
      scheduler_(scheduler),
      outbox_(outbox),
      fetch_options_(fetch_options),
      counters_(counters),
      logger_(std::move(logger)),
      clock_(clock),
      hooks_(std::move(hooks)) {}

ControlExecutor::~ControlExecutor() { StopImports(); }

void ControlExecutor::StopImports() {
  import_thread_.request_stop();
  if (import_thread_.joinable()) import_thread_.join();
}

void ControlExecutor::UpdateImport(const std::string& id,
                                   const std::function<void(v1::ImportProgress&)>& change) {
  std::lock_guard lock(import_mu_);
  change(imports_[id]);
}

void ControlExecutor::LogRefusal(const absl::Status& why) {
  uint64_t suppressed = 0;
  if (refused_log_.ShouldLog(&suppressed)) {
    logger_->warn("control request refused error=\"{}\" suppressed={}", std::string(why.message()),
                  suppressed);
  }
}

v1::ControlResponse ControlExecutor::StartImport(const std::string& opml) {
  v1::ControlResponse response;
  std::jthread previous;
  {
    std::lock_guard lock(import_mu_);
    if (import_running_) {
      response.set_ok(false);
      response.set_error(fmt::format("an OPML import is already running (id {})", import_ids_.back()));
      return response;
    }
    const std::string id = fmt::format("{}-{}", clock_.NowMs(), ++imports_started_);
    import_ids_.push_back(id);
    imports_[id].set_id(id);
    while (import_ids_.size() > kImportsKept) {
      imports_.erase(import_ids_.front());
      import_ids_.pop_front();
    }
    import_running_ = true;
    previous = std::move(import_thread_);  // finished: it cleared import_running_
    import_thread_ = std::jthread([this, id, opml](std::stop_token st) { ImportJob(st, id, opml); });
    response.set_ok(true);
    *response.mutable_import() = imports_[id];
  }
  return response;  // `previous` is joined here, outside the lock
}

void ControlExecutor::ImportJob(std::stop_token stop, const std::string& id, const std::string& opml) {
  auto finish = [&](const std::string& error) {
    std::lock_guard lock(import_mu_);
    v1::ImportProgress& p = imports_[id];
    p.set_id(id);
    p.set_error(error);
    p.set_done(true);
    import_running_ = false;
  };
  auto parsed = ParseOpml(opml);
  if (!parsed.ok()) return finish(std::string(parsed.status().message()));
  if (parsed->size() > static_cast<std::size_t>(config_.max_import_outlines)) {
    counters_.Add("imports_refused");
    return finish(fmt::format("{} outlines, more than ingest.api.max_import_outlines ({})", parsed->size(),
                              config_.max_import_outlines));
  }
  UpdateImport(id, [&](v1::ImportProgress& p) { p.set_total(static_cast<uint32_t>(parsed->size())); });
  logger_->info("OPML import started id={} outlines={}", id, parsed->size());
  for (std::size_t start = 0; start < parsed->size(); start += kImportBatch) {
    if (stop.stop_requested()) return finish("stopped before the end: import the file again to add the rest");
    std::vector<v1::FeedSpec> admitted;
    std::vector<v1::ImportRefusal> refused;
    {
      std::lock_guard feed_list_lock(feed_list_mu_);
      std::map<std::string, v1::FeedSpec> in_batch;  // a URL listed twice in one batch
      for (std::size_t i = start; i < std::min(start + kImportBatch, parsed->size()); ++i) {
        const v1::FeedSpec& spec = (*parsed)[i];
        auto seen = in_batch.find(spec.url());
        std::optional<v1::FeedSpec> existing =
            seen != in_batch.end() ? std::optional<v1::FeedSpec>(seen->second) : feeds_.Get(spec.url());
        auto feed = AdmitFeed(spec, existing, config_);
        if (!feed.ok()) {
          v1::ImportRefusal& r = refused.emplace_back();
          r.set_url(ToValidUtf8(spec.url().substr(0, 300)));
          r.set_error(std::string(feed.status().message()));
          continue;
        }
        in_batch[feed->url()] = *feed;
      }
      for (auto& [url, feed] : in_batch) admitted.push_back(std::move(feed));
      if (absl::Status s = feeds_.PutMany(admitted); !s.ok()) {
        hooks_.on_db_error(s, "OPML import");
        return finish(fmt::format("cannot save the feed list: {}", std::string(s.message())));
      }
    }
    counters_.Add("feeds_refused", refused.size());
    UpdateImport(id, [&](v1::ImportProgress& p) {
      p.set_added(p.added() +
                  static_cast<uint32_t>(std::min(kImportBatch, parsed->size() - start) - refused.size()));
      p.set_refused(p.refused() + static_cast<uint32_t>(refused.size()));
      for (auto& r : refused) {
        if (p.refusals_size() < kImportRefusalsKept) *p.add_refusals() = std::move(r);
      }
    });
    hooks_.wake_fetchers();
  }
  logger_->info("OPML import done id={} outlines={}", id, parsed->size());
  finish("");
}

absl::StatusOr<v1::Envelope> ControlExecutor::Handle(const v1::Envelope& request) {
  if (!config_.api_token.empty() && !TokensEqual(request.control().token(), config_.api_token)) {
    // The same authorisation as the HTTP API, which has no open operation
    // besides /healthz.
    counters_.Add("control_unauthorised");
    return absl::PermissionDeniedError("missing or wrong token (ingest.api.token)");
  }
  v1::Envelope reply = NewEnvelope();
  *reply.mutable_control_result() = Execute(request.control());
  return reply;
}

v1::ControlResponse ControlExecutor::Execute(const v1::ControlRequest& request) {
  std::unique_lock feed_list_lock(feed_list_mu_, std::defer_lock);
  if (request.op_case() == v1::ControlRequest::kAddFeed) feed_list_lock.lock();
  v1::ControlResponse response;
  response.set_ok(true);
  auto fail = [&](const absl::Status& s) {
    response.set_ok(false);
    response.set_error(std::string(s.message()));
  };
  switch (request.op_case()) {
    case v1::ControlRequest::kAddFeed: {
      const v1::FeedSpec& spec = request.add_feed();
      std::optional<v1::FeedSpec> existing = feeds_.Get(spec.url());
      auto feed = AdmitFeed(spec, existing, config_);
      if (!feed.ok()) {
        counters_.Add("feeds_refused");
        LogRefusal(feed.status());
        fail(feed.status());
        break;
      }
      if (absl::Status s = feeds_.Put(*feed); !s.ok()) {
        fail(s);
        break;
      }
      logger_->info("feed {} url={}", existing.has_value() ? "updated" : "added", spec.url());
      hooks_.wake_fetchers();
      break;
    }
    case v1::ControlRequest::kRemoveFeed: {
      auto removed = feeds_.Remove(request.remove_feed());
      if (!removed.ok()) {
        fail(removed.status());
      } else if (!*removed) {
        fail(absl::NotFoundError(fmt::format("no feed {}", request.remove_feed())));
      } else {
        logger_->info("feed removed url={}", request.remove_feed());
      }
      break;
    }
    case v1::ControlRequest::kListFeeds: {
      for (auto& f : feeds_.List()) *response.add_feeds() = std::move(f);
      break;
    }
    case v1::ControlRequest::kPollNow: {
      scheduler_.PollAllNow();
      hooks_.wake_fetchers();
      break;
    }
    case v1::ControlRequest::kSubmitUrl: {
      const std::string& url = request.submit_url();
      if (absl::Status s = CheckPageUrl(url, fetch_options_); !s.ok()) {
        counters_.Add("pages_refused");
        s = absl::InvalidArgumentError(fmt::format("page refused: {}", std::string(s.message())));
        LogRefusal(s);
        fail(s);
        break;
      }
      hooks_.submit_page(url);
      break;
    }
    case v1::ControlRequest::kImportOpml:
      response = StartImport(request.import_opml());
      break;
    case v1::ControlRequest::kImportStatus: {
      std::lock_guard lock(import_mu_);
      auto it = imports_.find(request.import_status());
      if (it == imports_.end()) {
        fail(absl::NotFoundError(fmt::format("no import {}", request.import_status())));
      } else {
        *response.mutable_import() = it->second;
      }
      break;
    }
    case v1::ControlRequest::OP_NOT_SET:
      fail(absl::InvalidArgumentError("control request has no operation"));
      break;
    default:  // dead-letter operations
      ExecuteDeadLetterControl(db_, &outbox_, request, &response);
      break;
  }
  return response;
}

}  // namespace newsflow::ingest

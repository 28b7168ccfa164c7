#include "services/ingest/feed_poller.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "common/util/hash.h"
#include "common/util/time.h"
#include "services/ingest/article_builder.h"
#include "services/ingest/feed/feed_parser.h"
#include "services/ingest/feed_list.h"

namespace newsflow::ingest {
namespace {

using std::chrono::milliseconds;

// Durations of work done (the metrics' histograms), on the real clock.
double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

bool IsHttp(const std::string& url) { return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0; }

}  // namespace

FeedPoller::FeedPoller(const IngestConfig& config, FeedScheduler& scheduler, Outbox& outbox, IngestDb& db,
                       const FetchOptions& fetch_options, Counters& counters, metrics::Registry& registry,
                       std::shared_ptr<spdlog::logger> logger, const Clock& clock, DbErrorFn on_db_error)
    : config_(config),
      scheduler_(scheduler),
      outbox_(outbox),
      db_(db),
      fetch_options_(fetch_options),
      counters_(counters),
      logger_(std::move(logger)),
      clock_(clock),
      on_db_error_(std::move(on_db_error)),
      feed_fetch_seconds_(registry.AddHistogram("newsflow_ingest_fetch_duration_seconds",
                                                "Time of one HTTP(S) or file fetch, by what was fetched.",
                                                metrics::kLatencyBuckets, {{"kind", "feed"}})),
      page_fetch_seconds_(registry.AddHistogram("newsflow_ingest_fetch_duration_seconds", "",
                                                metrics::kLatencyBuckets, {{"kind", "page"}})),
      parse_seconds_(registry.AddHistogram("newsflow_ingest_parse_duration_seconds",
                                           "Time to parse one fetched feed document.",
                                           metrics::kLatencyBuckets)),
      extract_seconds_(registry.AddHistogram("newsflow_ingest_extract_duration_seconds",
                                             "Time to extract the article of one fetched page.",
                                             metrics::kLatencyBuckets)) {}

FeedPoller::~FeedPoller() { Stop(); }

void FeedPoller::Start() {
  InitFetcher();
  for (int i = 0; i < config_.fetch_threads; ++i) {
    threads_.emplace_back([this](std::stop_token stop) { FetchLoop(stop); });
  }
}

void FeedPoller::Stop() {
  for (auto& thread : threads_) thread.request_stop();
  Wake();
  threads_.clear();  // joins
}

void FeedPoller::Wake() {
  std::lock_guard lock(mu_);
  changed_ = true;
  changed_cv_.notify_all();
}

void FeedPoller::SubmitPage(std::string url) {
  std::lock_guard lock(mu_);
  submitted_.push_back(std::move(url));
  changed_ = true;
  changed_cv_.notify_all();
}

void FeedPoller::FetchLoop(std::stop_token stop) {
  while (!stop.stop_requested()) {
    std::optional<std::string> page;
    {
      std::lock_guard lock(mu_);
      if (!submitted_.empty()) {
        page = std::move(submitted_.front());
        submitted_.pop_front();
      }
      changed_ = false;  // a change from here on wakes the wait below
    }
    if (page) {
      IngestSubmittedPage(*page, stop);
      continue;
    }
    int64_t wait_ms = 60000;
    std::optional<v1::FeedSpec> next = scheduler_.TakeDue(&wait_ms);
    if (!next) {
      std::unique_lock lock(mu_);
      changed_cv_.wait_for(lock, stop, milliseconds(std::max<int64_t>(wait_ms, 10)),
                           [&] { return changed_; });
      continue;
    }
    PollFeed(*std::move(next), stop);
    Wake();  // the host may have another feed waiting
  }
}

void FeedPoller::PollFeed(v1::FeedSpec feed, std::stop_token stop) {
  const int64_t now = clock_.NowMs();
  // The poll's time budget covers the feed and its pages. A transfer
  // deadline, so on the system clock the fetcher measures it by.
  const int64_t deadline = NowMs() + config_.poll_budget_ms;
  const std::string original_url = feed.url();
  const auto fetch_started = std::chrono::steady_clock::now();
  auto fetched = Fetch({feed.url(), feed.etag(), feed.last_modified(), stop, deadline}, fetch_options_);
  feed_fetch_seconds_.Observe(SecondsSince(fetch_started));
  counters_.Add("feed_fetches");
  PollOutcome outcome;
  bool interrupted = !fetched.ok() && absl::IsCancelled(fetched.status());
  if (fetched.ok() && fetched->permanent_redirect && !fetched->final_url.empty() &&
      fetched->final_url != feed.url() && fetched->http_status < 400) {
    // A permanent redirect moves the feed: later polls go to the new URL.
    logger_->info("feed moved permanently from={} to={}", feed.url(), fetched->final_url);
    counters_.Add("feeds_moved");
    feed.set_url(fetched->final_url);
  }
  if (interrupted) {
    // Stopping: nothing was fetched.
  } else if (!fetched.ok()) {
    outcome.error = fetched.status();
  } else if (fetched->http_status == 304) {
    counters_.Add("feed_not_modified");
  } else if (fetched->http_status == 410) {
    outcome.gone = true;
    outcome.error = absl::NotFoundError("HTTP 410 Gone: feed disabled");
  } else if (fetched->http_status < 200 || fetched->http_status >= 300) {
    outcome.retry_after_s = fetched->retry_after_s;
    outcome.error = absl::UnavailableError(fmt::format("HTTP {}", fetched->http_status));
  } else {
    interrupted = !AcceptDocument(*fetched, feed, now, deadline, stop, &outcome);
  }
  if (interrupted) {
    // Stopping: the feed keeps its stored state, so it is still due and the
    // next start polls it again with the old validators; the items already
    // accepted are recognised there as duplicates.
    counters_.Add("polls_interrupted");
    logger_->info("poll interrupted by stop url={} accepted={} (the rest follows on the next poll)",
                  feed.url(), outcome.accepted);
    scheduler_.Abandon(original_url);
    return;
  }

  feed = scheduler_.Reschedule(std::move(feed), outcome, now);
  if (!outcome.error.ok()) {
    counters_.Add("feed_errors");
    uint64_t suppressed = 0;
    if (error_log_.ShouldLog(&suppressed)) {
      logger_->warn("feed failed url={} failures={} enabled={} error=\"{}\" suppressed={}", feed.url(),
                    feed.consecutive_failures(), feed.enabled(), std::string(outcome.error.message()),
                    suppressed);
    }
  }
  // Saved unless the feed was removed while it was being fetched.
  if (absl::Status s = scheduler_.Finish(original_url, feed); !s.ok()) on_db_error_(s, "feed state");
  if (outcome.accepted > 0)
    logger_->debug("feed polled url={} new_or_changed={}", feed.url(), outcome.accepted);
}

bool FeedPoller::AcceptDocument(const FetchResult& fetched, v1::FeedSpec& feed, int64_t now, int64_t deadline,
                                std::stop_token stop, PollOutcome* outcome) {
  const auto parse_started = std::chrono::steady_clock::now();
  auto parsed = ParseFeed(fetched.body, fetched.final_url);
  parse_seconds_.Observe(SecondsSince(parse_started));
  if (!parsed.ok()) {
    outcome->error = parsed.status();
    return true;
  }
  counters_.Add("feed_fetches_ok");
  if (parsed->ill_formed) {
    counters_.Add("feeds_ill_formed");
    uint64_t suppressed = 0;
    if (error_log_.ShouldLog(&suppressed)) {
      logger_->warn("ill-formed feed recovered url={} reason=\"{}\" suppressed={}", feed.url(),
                    parsed->ill_formed_reason, suppressed);
    }
  }
  if (feed.title().empty()) feed.set_title(parsed->title);
  Accepted accepted = AcceptItems(*parsed, feed, now, deadline, stop);
  outcome->accepted = accepted.count;
  outcome->error = accepted.error;
  // The validators are kept only once every item of this response is in
  // the outbox (the scheduler stores them after a poll without error):
  // otherwise the next poll would get 304 Not Modified and the items not
  // yet accepted would never come back.
  if (!accepted.interrupted) {
    outcome->validators = PollOutcome::Validators{fetched.etag, fetched.last_modified};
  }
  outcome->parsed = true;
  outcome->item_times_ms = DatedItemTimes(*parsed);
  return !accepted.interrupted;
}

FeedPoller::Accepted FeedPoller::AcceptItems(const ParsedFeed& parsed, const v1::FeedSpec& feed, int64_t now,
                                             int64_t deadline, std::stop_token stop) {
  Accepted accepted;
  // Items go into the outbox in batches, one synced write each. Items not
  // yet written when a stop comes are not lost: the feed keeps its old
  // validators, so the next poll brings them again.
  std::vector<v1::Article> pending;
  const auto flush = [&] {
    if (pending.empty()) return true;
    auto results = outbox_.AcceptBatch(pending, stop);
    pending.clear();
    if (!results.ok()) {
      if (absl::IsCancelled(results.status())) {
        accepted.interrupted = true;
      } else {
        accepted.error = results.status();
        on_db_error_(results.status(), "accept");
      }
      return false;
    }
    for (AcceptResult result : *results) accepted.count += result != AcceptResult::kDuplicate ? 1 : 0;
    return true;
  };
  for (const FeedItem& item : parsed.items) {
    auto article = ArticleFromFeedItem(item, parsed, feed.url(), config_.instance_id, now);
    if (!article) {
      counters_.Add("items_skipped_empty");
      continue;
    }
    if (WantsPage(feed, *article)) {
      // A page is fetched once: later polls of the same item skip it.
      auto seen = db_.SeenVersion(article->id());
      if (seen.ok() && seen->has_value()) continue;
      if (absl::IsCancelled(FillFromPage(feed, deadline, stop, &*article))) {
        accepted.interrupted = true;  // stopping: this item and the rest come with the next poll
        return accepted;
      }
    }
    pending.push_back(std::move(*article));
    if (pending.size() >= kAcceptBatch && !flush()) return accepted;
  }
  flush();
  return accepted;
}

absl::Status FeedPoller::FillFromPage(const v1::FeedSpec& feed, int64_t deadline, std::stop_token stop,
                                      v1::Article* article) {
  auto page = FetchPage(article->url(), stop, deadline);
  if (page.ok()) {
    MergeExtractedPage(*page, article->url(), article);
    counters_.Add("pages_extracted");
    return absl::OkStatus();
  }
  if (absl::IsCancelled(page.status())) return page.status();
  uint64_t suppressed = 0;
  if (absl::IsDeadlineExceeded(page.status())) {
    counters_.Add("pages_skipped_budget");
    if (error_log_.ShouldLog(&suppressed)) {
      logger_->warn("poll budget ({} ms) spent, keeping the feed text url={} feed={} suppressed={}",
                    config_.poll_budget_ms, article->url(), feed.url(), suppressed);
    }
  } else {
    counters_.Add("pages_failed");
    if (error_log_.ShouldLog(&suppressed)) {
      logger_->warn("page fetch failed, keeping the feed text url={} error=\"{}\" suppressed={}",
                    article->url(), std::string(page.status().message()), suppressed);
    }
  }
  return absl::OkStatus();
}

bool FeedPoller::WantsPage(const v1::FeedSpec& feed, const v1::Article& article) const {
  if (!config_.fetch_pages || feed.full_text() == v1::FULL_TEXT_NEVER) return false;
  if (!IsHttp(article.url())) return false;
  if (feed.full_text() == v1::FULL_TEXT_ALWAYS) return true;
  return !FeedHost(feed.url()).empty() && LooksLikeTeaser(article.text(), config_.teaser_max_chars);
}

absl::StatusOr<Article> FeedPoller::FetchPage(const std::string& url, std::stop_token stop,
                                              int64_t deadline_ms) {
  const auto fetch_started = std::chrono::steady_clock::now();
  auto fetched = Fetch({url, "", "", stop, deadline_ms}, fetch_options_);
  page_fetch_seconds_.Observe(SecondsSince(fetch_started));
  counters_.Add("page_fetches");
  if (!fetched.ok()) return fetched.status();
  if (fetched->http_status != 200) {
    return absl::UnavailableError(fmt::format("HTTP {}", fetched->http_status));
  }
  const auto extract_started = std::chrono::steady_clock::now();
  auto page = ExtractArticle(fetched->body, fetched->final_url, fetched->content_type);
  extract_seconds_.Observe(SecondsSince(extract_started));
  if (!page.ok()) return page.status();
  if (page->text.empty()) return absl::InvalidArgumentError("no article text found");
  return page;
}

void FeedPoller::IngestSubmittedPage(const std::string& url, std::stop_token stop) {
  auto page = FetchPage(url, stop);
  if (!page.ok()) {
    if (absl::IsCancelled(page.status())) return;  // stopping
    counters_.Add("pages_failed");
    logger_->warn("submitted page failed url={} error=\"{}\"", url, std::string(page.status().message()));
    return;
  }
  v1::Article article;
  article.set_url(url);
  article.set_fetched_at_ms(clock_.NowMs());
  article.set_origin(config_.instance_id);
  v1::Source* source = article.mutable_source();
  source->set_id(HashHex("page:" + FeedHost(url)));
  source->set_url(url);
  source->set_title(page->site_name);
  source->set_kind("page");
  MergeExtractedPage(*page, url, &article);
  auto result = outbox_.Accept(article, stop);
  if (result.ok()) counters_.Add("pages_submitted");
  if (!result.ok() && !absl::IsCancelled(result.status())) on_db_error_(result.status(), "accept");
}

}  // namespace newsflow::ingest

#include "services/store/event_stream.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/util/article_json.h"
#include "services/store/keys.h"

namespace newsflow::store {
namespace {

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

// Replay pages read in one OnDrained call at most when none of them has an
// article for the stream (a narrow filter over a long log): then a comment
// keeps the connection going and the next call reads on, so one stream
// never holds an event-loop thread for long.
constexpr int kMaxEmptyPagesPerPull = 8;
// Bytes of replayed events queued by one OnDrained call, well under the
// server's stream_max_queued_bytes.
constexpr std::size_t kMaxReplayBytes = 128 << 10;

}  // namespace

bool StreamFilter::Matches(const v1::Article& a) const {
  if (!lang.empty() && !EqualsIgnoreAsciiCase(lang, a.enrichment().language())) return false;
  if (!source.empty() && source != a.source().id()) return false;
  if (!tag_key.empty()) {
    const auto& tags = a.enrichment().tags();
    if (std::none_of(tags.begin(), tags.end(),
                     [this](const v1::Tag& t) { return IndexedTagKey(t) == tag_key; })) {
      return false;
    }
  }
  return true;
}

std::string ArticleEvent(const v1::Article& article) {
  // dump() escapes newlines inside strings, so the JSON is one line.
  return fmt::format(
      "id: {}\nevent: article\ndata: {}\n\n", article.sequence(),
      ArticleToJson(article, false).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

// One GET /v1/stream: replays the log after its start, then follows the hub.
class ArticleEventStream : public HttpStream {
 public:
  ArticleEventStream(EventHub& hub, StreamFilter filter, uint64_t after_seq)
      : hub_(hub), filter_(std::move(filter)), cursor_(after_seq) {}

  // A live article from the fan-out thread; `event` is ArticleEvent(article).
  void Deliver(const v1::Article& article, const std::string& event) {
    std::lock_guard lock(mu_);
    const uint64_t seq = article.sequence();
    if (seq <= cursor_) return;  // replayed already
    if (replaying_) {
      missed_ = std::max(missed_, seq);
      return;
    }
    if (!filter_.Matches(article)) {
      cursor_ = seq;
      return;
    }
    // A burst faster than the client reads: rather than queue it all (and
    // be dropped at queue_limit()), stop here and read the rest from the
    // log as the client drains, like a resynchronisation. The queue holds
    // data, so OnDrained runs once it is sent; the handover to live then
    // guarantees no gap or duplicate.
    const std::size_t unsent = unsent_bytes();
    if (unsent > 0 && unsent + event.size() > queue_limit() / 2) {
      replaying_ = true;
      missed_ = std::max(missed_, seq);
      return;
    }
    cursor_ = seq;
    if (Write(event)) hub_.events_sent_->fetch_add(1, std::memory_order_relaxed);
  }

  // The fan-out discarded live articles up to `seq`: read them from the log.
  void Resync(uint64_t seq) {
    std::lock_guard lock(mu_);
    if (seq <= cursor_) return;
    missed_ = std::max(missed_, seq);
    if (!replaying_) {
      replaying_ = true;
      // Resumes an idle stream, so that OnDrained reads the log.
      Write(": catching up\n\n");
    }
  }

 protected:
  void OnDrained() override {
    for (int empty_pages = 0; empty_pages < kMaxEmptyPagesPerPull; ++empty_pages) {
      uint64_t after = 0;
      {
        std::lock_guard lock(mu_);
        if (!replaying_) return;
        after = cursor_;
      }
      bool more = false;
      std::vector<std::pair<uint64_t, std::string>> deleted;
      absl::StatusOr<std::vector<v1::Article>> page =
          hub_.store_.Since(after, kStreamReplayPage, &more, &deleted);
      if (hub_.after_replay_read_) hub_.after_replay_read_();
      if (!page.ok()) {
        // The client reconnects with its Last-Event-ID and tries again.
        Close();
        return;
      }
      std::lock_guard lock(mu_);
      bool wrote = false;
      std::size_t bytes = 0;
      const std::size_t max_bytes = std::min(kMaxReplayBytes, queue_limit() / 4);
      // The first matching article left for the next call (the stream's
      // queue holds at most kMaxReplayBytes of a replay at a time).
      uint64_t cut = UINT64_MAX;
      for (const v1::Article& a : *page) {
        if (a.sequence() <= after) continue;
        if (filter_.Matches(a)) {
          if (bytes >= max_bytes) {
            cut = a.sequence();
            break;
          }
          std::string event = ArticleEvent(a);
          if (!Write(event)) return;
          bytes += event.size();
          hub_.events_sent_->fetch_add(1, std::memory_order_relaxed);
          wrote = true;
        }
        cursor_ = std::max(cursor_, a.sequence());
      }
      // Tombstones are skipped, but the cursor passes them, or a page of
      // tombstones alone would be read again and again.
      for (const auto& d : deleted) {
        if (d.first < cut) cursor_ = std::max(cursor_, d.first);
      }
      if (cut != UINT64_MAX) return;
      if (!more && missed_ <= cursor_) {
        replaying_ = false;  // caught up: live from here
        return;
      }
      if (wrote) return;  // sent; the next read continues when the client takes it
    }
    Write(": replaying\n\n");
  }

 private:
  EventHub& hub_;
  const StreamFilter filter_;
  std::mutex mu_;          // before HttpStream's own lock (Write)
  uint64_t cursor_;        // GUARDED_BY(mu_): the last sequence sent or passed over
  uint64_t missed_ = 0;    // GUARDED_BY(mu_): the newest live article not sent while replaying
  bool replaying_ = true;  // GUARDED_BY(mu_)
};

EventHub::EventHub(const ArticleStore& store) : store_(store), thread_([this] { Loop(); }) {}

EventHub::~EventHub() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

std::size_t EventHub::subscribers() const { return subscriber_count_.load(); }

void EventHub::Publish(std::vector<v1::Article> articles) {
  // No stream: nothing to do. A stream opening meanwhile replays these
  // from the log (they are committed before this call).
  if (articles.empty() || subscriber_count_.load() == 0) return;
  std::lock_guard lock(mu_);
  if (pending_.size() + articles.size() > kMaxPendingArticles) {
    pending_overflow_seq_ = std::max(pending_overflow_seq_, articles.back().sequence());
    pending_.clear();
  } else {
    for (v1::Article& a : articles) {
      a.clear_text();  // events carry the list fields only
      pending_.push_back(std::move(a));
    }
  }
  cv_.notify_one();
}

std::shared_ptr<HttpStream> EventHub::Open(const StreamFilter& filter, uint64_t after_seq) {
  auto stream = std::make_shared<ArticleEventStream>(*this, filter, after_seq);
  stream->Write(fmt::format("retry: {}\n\n", kStreamRetryMs));
  {
    std::lock_guard lock(mu_);
    std::erase_if(streams_, [](const auto& s) { return s->done(); });
    streams_.push_back(stream);
    subscriber_count_ = streams_.size();
  }
  return stream;
}

void EventHub::Loop() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stop_ || !pending_.empty() || pending_overflow_seq_ != 0; });
    if (stop_) return;
    std::vector<v1::Article> articles;
    articles.swap(pending_);
    const uint64_t overflow = std::exchange(pending_overflow_seq_, 0);
    std::erase_if(streams_, [](const auto& s) { return s->done(); });
    subscriber_count_ = streams_.size();
    std::vector<std::shared_ptr<ArticleEventStream>> streams = streams_;
    lock.unlock();
    if (overflow != 0) {
      for (const auto& s : streams)
        s->Resync(std::max(overflow, articles.empty() ? 0 : articles.back().sequence()));
    } else {
      for (const v1::Article& a : articles) {
        const std::string event = ArticleEvent(a);
        for (const auto& s : streams) s->Deliver(a, event);
      }
    }
    lock.lock();
  }
}

}  // namespace newsflow::store

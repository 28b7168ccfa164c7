#include "services/store/trending_publisher.h"

#include "common/delivery/envelope_codec.h"
#include "common/delivery/topics.h"
#include "common/log/logging.h"
#include "common/util/time.h"
#include "services/store/keys.h"
#include "services/store/trending.h"

namespace newsflow::store {
namespace {

// What makes two lists the same for publishing: their tags and counts.
std::string Identity(const v1::Trending& t) {
  std::string id;
  for (const v1::TrendingTag& tag : t.tags()) {
    id += tag.key();
    id += '\0';
    id += std::to_string(tag.count());
    id += '\0';
  }
  return id;
}

}  // namespace

TrendingPublisher::TrendingPublisher(ArticleStore& store, std::chrono::milliseconds interval,
                                     std::function<int64_t()> now)
    : store_(store), interval_(interval), now_(now ? std::move(now) : [] { return NowMs(); }) {
  thread_ = std::jthread([this](std::stop_token stop) { Loop(stop); });
}

TrendingPublisher::~TrendingPublisher() {
  thread_.request_stop();
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::vector<TrendingPublisher::Message> TrendingPublisher::Take() {
  std::lock_guard lock(mu_);
  std::vector<Message> out;
  out.swap(ready_);
  return out;
}

absl::Status TrendingPublisher::Round(int64_t now_ms) {
  const int64_t prune_before = HourOf(now_ms) - kTagHoursRetentionHours;
  if (prune_before > pruned_hour_) {
    if (absl::Status s = store_.PruneTagHours(prune_before); !s.ok()) return s;
    pruned_hour_ = prune_before;
  }
  auto scopes = store_.TagHourScopes();
  if (!scopes.ok()) return scopes.status();
  std::vector<std::string> langs{""};
  for (const std::string& scope : *scopes) {
    if (scope != kAllLanguagesScope) langs.push_back(scope);
  }
  std::vector<Message> changed;
  for (TrendWindow window : {TrendWindow::k1h, TrendWindow::k24h}) {
    for (const std::string& lang : langs) {
      auto trending = ComputeTrending(store_, {.lang = lang, .window = window, .now_ms = now_ms});
      if (!trending.ok()) return trending.status();
      const std::string topic = TrendingTopic(TrendWindowName(window), lang);
      std::string identity = Identity(*trending);
      auto [it, added] = last_.try_emplace(topic, identity);
      if (!added && it->second == identity) continue;
      // An empty list is news only when it empties a published one.
      if (added && trending->tags_size() == 0) continue;
      it->second = std::move(identity);
      v1::Envelope envelope = NewEnvelope();
      *envelope.mutable_trending() = *std::move(trending);
      changed.emplace_back(topic, EncodeEnvelope(envelope));
    }
  }
  std::lock_guard lock(mu_);
  for (Message& m : changed) ready_.push_back(std::move(m));
  return absl::OkStatus();
}

void TrendingPublisher::Loop(std::stop_token stop) {
  auto logger = MakeLogger("store.trending");
  RateLimitedLog error_log;
  while (!stop.stop_requested()) {
    if (absl::Status s = Round(now_()); !s.ok()) {
      errors_.fetch_add(1);
      uint64_t suppressed = 0;
      if (error_log.ShouldLog(&suppressed)) {
        logger->warn("trending round failed, retrying next round: {} suppressed={}", std::string(s.message()),
                     suppressed);
      }
    }
    rounds_.fetch_add(1);
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, stop, interval_, [] { return false; });
  }
}

}  // namespace newsflow::store

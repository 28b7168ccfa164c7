// The store's live feed for browsers and scripts: GET /v1/stream, one
// Server-Sent Event per stored article version (services/store/http_api.h
// documents the wire format).
//
// The writer calls EventHub::Publish() after each commit; a fan-out thread
// formats each article's event once and hands it to every open stream whose
// filter it matches (HttpStream::Write: a queue append and, for an idle
// stream, a resume). The writer never waits for a stream: Publish() only
// queues. A live stream whose unsent bytes would pass half its queue limit
// (HttpServerOptions::stream_max_queued_bytes) takes no more live events:
// it goes back to replaying from its last sequence (below), and the replay
// writes a page only when the client has taken the previous one. So a
// commit burst far larger than the queue reaches a client that reads,
// late rather than dropped, and a client that does not read holds at most
// that much until the server's idle timeout closes it.
//
// A stream starts after a sequence number (Last-Event-ID, ?since=, or the
// store's last sequence for "from now on") and replays the store's sequence
// log (ArticleStore::Since, the data of /v1/since) after it, page by page as
// the client reads, before it follows the live feed. The two meet without
// gap or duplicate:
//   - the stream subscribes to the live feed before its first replay read,
//     and every article the fan-out delivers is already committed (the
//     writer publishes after the commit), so a replay read made later sees it;
//   - while replaying, live events are not sent; the highest one seen is
//     remembered, and the stream goes live only when a replay read reached
//     the end of the log and nothing newer than the last replayed sequence
//     was delivered meanwhile (else it reads again);
//   - once live, events at or below the last sequence sent are dropped.
// Every sequence is thus sent once, in order. An article changed again
// before it is replayed is sent once, at its newest sequence (as /v1/since).
// Retention tombstones in the log are skipped (no event). If the fan-out
// falls far behind (kMaxPendingArticles), its queue is discarded and every
// live stream goes back to replaying from its last sequence: late, not lost.
//
// Thread-safe. The hub must outlive the HTTP server serving its streams
// (stop the server first).
#ifndef NEWSFLOW_SERVICES_STORE_EVENT_STREAM_H_
#define NEWSFLOW_SERVICES_STORE_EVENT_STREAM_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/transport/http_server.h"
#include "newsflow/v1/article.pb.h"
#include "services/store/article_store.h"

namespace newsflow::store {

// Articles sent in one replay read of the sequence log.
inline constexpr std::size_t kStreamReplayPage = 256;
// Articles the fan-out may have queued; past that it resynchronises (above).
inline constexpr std::size_t kMaxPendingArticles = 50000;
// The client's reconnection delay, sent as "retry:" when a stream opens.
inline constexpr int kStreamRetryMs = 3000;

// Which articles a stream carries; empty fields match everything, set ones
// must all match.
struct StreamFilter {
  std::string lang;     // language code, ASCII case-insensitive
  std::string tag_key;  // TagKey of the tag asked for (any case or form of its name)
  std::string source;   // source id

  bool Matches(const v1::Article& article) const;
};

// "id: SEQ\nevent: article\ndata: JSON\n\n": the list item JSON of
// /v1/articles (ArticleToJson without text) on one line.
std::string ArticleEvent(const v1::Article& article);

class ArticleEventStream;

class EventHub {
 public:
  explicit EventHub(const ArticleStore& store);
  ~EventHub();  // stops the fan-out thread; open streams get no more live events
  EventHub(const EventHub&) = delete;
  EventHub& operator=(const EventHub&) = delete;

  // Articles just committed (sequence set), oldest first; their text is not
  // needed. Called by the writer; cheap when no stream is open (the writer
  // may skip the call when subscribers() is 0). Never blocks on a stream.
  void Publish(std::vector<v1::Article> articles);

  // A new stream of the articles after `after_seq` that match `filter`,
  // replayed from the log and then live (see above). It starts with a
  // "retry:" line.
  std::shared_ptr<HttpStream> Open(const StreamFilter& filter, uint64_t after_seq);

  uint64_t events_sent() const { return events_sent_->load(); }
  // The same count, shared, for a metric that may outlive the hub.
  std::shared_ptr<const std::atomic<uint64_t>> events_sent_counter() const { return events_sent_; }
  // Test hook: runs after every replay read of the log, before its articles
  // are sent (to commit articles right in the window between the two).
  // Set before any stream opens.
  void TEST_SetAfterReplayRead(std::function<void()> hook) { after_replay_read_ = std::move(hook); }
  // Streams subscribed (open ones, and closed ones not yet forgotten).
  std::size_t subscribers() const;

 private:
  friend class ArticleEventStream;
  void Loop();

  const ArticleStore& store_;
  std::function<void()> after_replay_read_;
  const std::shared_ptr<std::atomic<uint64_t>> events_sent_ = std::make_shared<std::atomic<uint64_t>>(0);
  std::atomic<std::size_t> subscriber_count_{0};

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<v1::Article> pending_;                          // GUARDED_BY(mu_)
  uint64_t pending_overflow_seq_ = 0;                         // GUARDED_BY(mu_): newest discarded
  std::vector<std::shared_ptr<ArticleEventStream>> streams_;  // GUARDED_BY(mu_)
  bool stop_ = false;                                         // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace newsflow::store

#endif  // NEWSFLOW_SERVICES_STORE_EVENT_STREAM_H_

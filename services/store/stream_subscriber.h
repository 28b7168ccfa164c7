// StreamSubscriber: the client side of the store's stream with replay
// (DESIGN.md, sequence numbers). It subscribes to the PUB socket first, then
// fetches the backlog after `since` from the query socket, then continues on
// the live stream, dropping what it has already delivered. When a live event
// skips sequence numbers (dropped by a slow link, or published before the
// subscription took effect) and replay is on, the gap is fetched from the
// store, so nothing committed is missed.
//
// Filters: `tag` and `lang` (both optional; both must match). Articles are
// delivered in sequence order, each at most once.
// Not thread-safe; Run() owns its sockets on the calling thread.
#ifndef NEWSFLOW_SERVICES_STORE_STREAM_SUBSCRIBER_H_
#define NEWSFLOW_SERVICES_STORE_STREAM_SUBSCRIBER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>

#include <zmq.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "newsflow/v1/article.pb.h"

namespace newsflow::store {

struct SubscriberOptions {
  std::string publish_endpoint;   // store.publish
  std::string query_endpoint;     // store.query (needed for replay)
  std::string tag;                // "" = any
  std::string lang;               // "" = any
  std::optional<uint64_t> since;  // replay versions after this sequence
  std::chrono::milliseconds query_timeout{5000};
};

// Return false from the callback to stop.
using ArticleFn = std::function<bool(const v1::Article&)>;

class StreamSubscriber {
 public:
  StreamSubscriber(zmq::context_t& context, SubscriberOptions options);
  // Blocks until `stop`, the callback returns false, or an error (kDeadlineExceeded
  // when the store does not answer a replay query).
  absl::Status Run(std::stop_token stop, const ArticleFn& on_article);
  uint64_t bad_frames() const { return bad_frames_; }

 private:
  bool Matches(const v1::Article& a) const;
  // Replays (after, until) exclusive of until (0 = to the end). Returns false
  // if the callback asked to stop.
  absl::StatusOr<bool> Replay(uint64_t until, const ArticleFn& on_article);

  zmq::context_t& context_;
  SubscriberOptions options_;
  uint64_t last_seq_ = 0;
  bool have_position_ = false;
  uint64_t bad_frames_ = 0;
};

}  // namespace newsflow::store

#endif  // NEWSFLOW_SERVICES_STORE_STREAM_SUBSCRIBER_H_

// The ack path of the delivery contract (DESIGN.md): the store tells the
// ingest instance an article came from (Article.origin) that the article is
// durable, or that it failed, and that ingest deletes or dead-letters its
// outbox entry. Acks travel on the store's acks socket (store.acks, XPUB,
// bound) to every ingest instance's SUB (ingest.acks), each subscribed to
// its own topic AckTopic(instance_id), as [topic, Envelope{ack}].
//
//   // store, one thread:
//   AckPublisher acks;
//   RETURN_IF_ERROR(acks.Open(context, config.store.acks, 1000ms));
//   acks.ReadSubscriptions();                      // every loop pass
//   acks.Send(article.origin(), MakeAck(id, version, sequence, duplicate));
//
//   // ingest, one thread:
//   AckReceiver acks(logger, "ingest.acks");
//   RETURN_IF_ERROR(acks.Open(context, config.ingest.acks, instance_id));
//   // poll acks.socket(); then
//   RETURN_IF_ERROR(acks.Receive(1000, [&](const v1::Ack& ack) { outbox.OnAck(ack); }));
//
// Both classes are thread-compatible: the socket is created, used and closed
// on the thread that calls Open (STYLE.md B8); counters may be read from
// any thread.
#ifndef NEWSFLOW_COMMON_DELIVERY_ACK_H_
#define NEWSFLOW_COMMON_DELIVERY_ACK_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>
#include <zmq.hpp>

#include "absl/status/status.h"
#include "common/config/newsflow_config.h"
#include "common/delivery/envelope_codec.h"
#include "newsflow/v1/envelope.pb.h"

namespace newsflow {

// Longest failure reason an ack carries; longer ones are cut.
inline constexpr std::size_t kMaxAckFailureReasonBytes = 1024;

// The ack of a committed (or already stored, `duplicate`) article version.
v1::Envelope MakeAck(std::string_view article_id, std::string_view version, uint64_t sequence,
                     bool duplicate);
// The ack of an article that failed (`reason`, cut to
// kMaxAckFailureReasonBytes) at `worker` (an enrich worker, or "store"):
// its ingest dead-letters it instead of resending it. Both strings are made
// valid UTF-8.
v1::Envelope MakeFailureAck(std::string_view article_id, std::string_view version, std::string_view reason,
                            std::string_view worker);

// The store's side: an XPUB socket that knows which ack topics have a
// subscriber, so that an ack nobody hears (its ingest is away) is counted
// as unrouted, not sent.
class AckPublisher {
 public:
  enum class Outcome {
    kSent,      // a subscriber of the topic was connected
    kUnrouted,  // no subscriber: that ingest is away and resends later
    kDropped,   // the queue was full (high-water mark) or the socket failed
  };

  // Binds or connects the XPUB socket. Errors as OpenSocket.
  absl::Status Open(zmq::context_t& context, const EndpointConfig& endpoint,
                    std::chrono::milliseconds linger);
  // Closes the socket (on the thread that opened it). Idempotent.
  void Close() { socket_.reset(); }
  // REQUIRES: Open() succeeded.
  zmq::socket_t& socket() { return *socket_; }

  // Publishes `ack` on AckTopic(origin). Never blocks.
  Outcome Send(std::string_view origin, const v1::Envelope& ack);

  // Takes the subscription changes the socket reports (call once per loop
  // pass; never blocks). XPUB reports a topic's first subscription and its
  // last unsubscription, so the sets below are exact.
  void ReadSubscriptions();
  bool HasSubscriber(std::string_view topic) const { return subscribed_.contains(std::string(topic)); }
  // Subscriptions to document-frequency topics (IsTermCountsTopic) on this
  // socket: enrich workers configured, or built, before the gossip had its
  // own socket (store.term_counts). The store serves them here too.
  bool HasTermCountsSubscriber(std::string_view topic) const {
    return term_counts_subscribed_.contains(std::string(topic));
  }

 private:
  std::optional<zmq::socket_t> socket_;
  std::set<std::string, std::less<>> subscribed_;              // ack topics
  std::set<std::string, std::less<>> term_counts_subscribed_;  // "df.", "dfs.<n>:<origin>"
};

// Ingest's side: a SUB socket subscribed to the instance's ack topic, which
// decodes what arrives and reports the rest.
class AckReceiver {
 public:
  // `socket_name` names the socket in the rate-limited bad-input log.
  AckReceiver(std::shared_ptr<spdlog::logger> logger, std::string socket_name);

  // Opens the SUB socket and subscribes to AckTopic(instance_id).
  absl::Status Open(zmq::context_t& context, const EndpointConfig& endpoint, std::string_view instance_id);
  // Closes the socket (on the thread that opened it). Idempotent.
  void Close() { socket_.reset(); }
  // REQUIRES: Open() succeeded.
  zmq::socket_t& socket() { return *socket_; }

  // Receives up to `max_messages` queued messages without blocking and calls
  // `on_ack` with each well-formed one: [this instance's ack topic,
  // Envelope{ack}]. Anything else is counted (bad_messages()), logged
  // rate-limited and dropped. Returns kCancelled when the context is shut
  // down, another status when the socket fails.
  absl::Status Receive(int max_messages, const std::function<void(const v1::Ack&)>& on_ack);

  uint64_t bad_messages() const { return bad_input_.count(); }

 private:
  std::string topic_;
  std::optional<zmq::socket_t> socket_;
  BadInputReporter bad_input_;
};

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_DELIVERY_ACK_H_

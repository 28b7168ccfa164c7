#include "services/store/stream_subscriber.h"

#include <thread>

#include "common/delivery/envelope_codec.h"
#include "common/delivery/request_client.h"
#include "common/transport/zmq_socket.h"
#include "common/util/text.h"
#include "services/store/keys.h"
#include "services/store/topics.h"

namespace newsflow::store {

StreamSubscriber::StreamSubscriber(zmq::context_t& context, SubscriberOptions options)
    : context_(context), options_(std::move(options)) {
  if (options_.since) {
    last_seq_ = *options_.since;
    have_position_ = true;
  }
}

bool StreamSubscriber::Matches(const v1::Article& a) const {
  if (!options_.lang.empty() && a.enrichment().language() != options_.lang) return false;
  if (options_.tag.empty()) return true;
  std::string key = TagKey(options_.tag);
  for (const auto& t : a.enrichment().tags()) {
    if (IndexedTagKey(t) == key) return true;
  }
  return false;
}

absl::StatusOr<bool> StreamSubscriber::Replay(uint64_t until, const ArticleFn& on_article) {
  while (true) {
    v1::Envelope request = NewEnvelope();
    request.mutable_query()->set_since_seq(last_seq_);
    request.mutable_query()->set_limit(500);
    auto reply = Request(context_, options_.query_endpoint, request, options_.query_timeout);
    if (!reply.ok()) return reply.status();
    const v1::QueryResponse& r = reply->result();
    if (!r.ok()) return absl::InternalError("replay query failed: " + r.error());
    for (const v1::Article& a : r.articles()) {
      if (until != 0 && a.sequence() >= until) return true;
      last_seq_ = std::max(last_seq_, a.sequence());
      if (Matches(a) && !on_article(a)) return false;
    }
    if (!r.more() || r.articles_size() == 0) {
      // Entries superseded by newer versions are skipped by the store; jump
      // over them so the next gap check starts from the log's end.
      if (until == 0) last_seq_ = std::max(last_seq_, r.last_sequence());
      return true;
    }
  }
}

absl::Status StreamSubscriber::Run(std::stop_token stop, const ArticleFn& on_article) {
  EndpointConfig ep = MakeEndpoint(options_.publish_endpoint, false, 100000);
  auto sub = OpenSocket(context_, zmq::socket_type::sub, ep);
  if (!sub.ok()) return sub.status();
  std::string topic = !options_.tag.empty()    ? TagTopic(options_.tag)
                      : !options_.lang.empty() ? LangTopic(options_.lang)
                                               : std::string(kArticleTopic);
  sub->set(zmq::sockopt::subscribe, topic);
  const bool replay = options_.since.has_value() && !options_.query_endpoint.empty();
  if (replay) {
    // Let the subscription reach the publisher before reading the backlog, so
    // the live stream and the backlog overlap instead of leaving a hole.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto more = Replay(0, on_article);
    if (!more.ok()) return more.status();
    if (!*more) return absl::OkStatus();
  }
  std::vector<zmq::pollitem_t> items{{sub->handle(), 0, ZMQ_POLLIN, 0}};
  while (!stop.stop_requested()) {
    auto ready = Poll(items, std::chrono::milliseconds(100));
    if (!ready.ok()) return absl::IsCancelled(ready.status()) ? absl::OkStatus() : ready.status();
    if (*ready == 0) continue;
    auto frames = RecvFrames(*sub);
    if (!frames.ok()) return absl::IsCancelled(frames.status()) ? absl::OkStatus() : frames.status();
    if (!frames->has_value()) continue;
    const zmq::message_t& last = (**frames).back();
    auto envelope = DecodeEnvelope(last);
    if (!envelope.ok() || envelope->payload_case() != v1::Envelope::kArticle) {
      ++bad_frames_;
      continue;
    }
    const v1::Article& a = envelope->article();
    if (have_position_ && a.sequence() <= last_seq_) continue;  // already delivered
    // Unfiltered streams see every sequence number, so a skip is a real gap;
    // filtered streams skip by design and heal only when replay is on.
    bool gap = have_position_ && a.sequence() > last_seq_ + 1 &&
               (replay || (options_.tag.empty() && options_.lang.empty()));
    if (gap && !options_.query_endpoint.empty()) {
      auto more = Replay(a.sequence(), on_article);
      if (!more.ok()) return more.status();
      if (!*more) return absl::OkStatus();
    }
    last_seq_ = a.sequence();
    have_position_ = true;
    if (Matches(a) && !on_article(a)) return absl::OkStatus();
  }
  return absl::OkStatus();
}

}  // namespace newsflow::store

#include "common/delivery/ack.h"

#include <utility>

#include "common/delivery/topics.h"
#include "common/transport/zmq_socket.h"
#include "common/util/utf8.h"

namespace newsflow {

v1::Envelope MakeAck(std::string_view article_id, std::string_view version, uint64_t sequence,
                     bool duplicate) {
  v1::Envelope envelope = NewEnvelope();
  v1::Ack* ack = envelope.mutable_ack();
  ack->set_article_id(std::string(article_id));
  ack->set_version(std::string(version));
  ack->set_sequence(sequence);
  ack->set_duplicate(duplicate);
  return envelope;
}

v1::Envelope MakeFailureAck(std::string_view article_id, std::string_view version, std::string_view reason,
                            std::string_view worker) {
  v1::Envelope envelope = NewEnvelope();
  v1::Ack* ack = envelope.mutable_ack();
  ack->set_article_id(std::string(article_id));
  ack->set_version(std::string(version));
  ack->set_failure(ToValidUtf8(reason.substr(0, kMaxAckFailureReasonBytes)));
  ack->set_failed_worker(ToValidUtf8(worker));
  return envelope;
}

absl::Status AckPublisher::Open(zmq::context_t& context, const EndpointConfig& endpoint,
                                std::chrono::milliseconds linger) {
  auto socket = OpenSocket(context, zmq::socket_type::xpub, endpoint, linger);
  if (!socket.ok()) return socket.status();
  socket_ = std::move(*socket);
  return absl::OkStatus();
}

AckPublisher::Outcome AckPublisher::Send(std::string_view origin, const v1::Envelope& ack) {
  const std::string topic = AckTopic(origin);
  if (!SendFrames(*socket_, {topic, EncodeEnvelope(ack)}).ok()) return Outcome::kDropped;
  // A PUB socket drops what nobody subscribed to.
  return subscribed_.contains(topic) ? Outcome::kSent : Outcome::kUnrouted;
}

void AckPublisher::ReadSubscriptions() {
  for (int i = 0; i < 1000; ++i) {
    auto frames = RecvFrames(*socket_);
    if (!frames.ok() || !frames->has_value()) return;
    const zmq::message_t& m = (**frames).front();
    if (m.empty()) continue;
    const auto* data = static_cast<const char*>(m.data());
    std::string topic(data + 1, m.size() - 1);
    auto* topics = AckTopicInstance(topic)    ? &subscribed_
                   : IsTermCountsTopic(topic) ? &term_counts_subscribed_
                                              : nullptr;
    if (topics == nullptr) continue;
    if (data[0] == 1) {
      topics->insert(std::move(topic));
    } else if (data[0] == 0) {
      topics->erase(topic);
    }
  }
}

AckReceiver::AckReceiver(std::shared_ptr<spdlog::logger> logger, std::string socket_name)
    : bad_input_(std::move(logger), std::move(socket_name)) {}

absl::Status AckReceiver::Open(zmq::context_t& context, const EndpointConfig& endpoint,
                               std::string_view instance_id) {
  topic_ = AckTopic(instance_id);
  auto socket = OpenSocket(context, zmq::socket_type::sub, endpoint);
  if (!socket.ok()) return socket.status();
  try {
    socket->set(zmq::sockopt::subscribe, topic_);
  } catch (const zmq::error_t& e) {
    return FromZmqError(e, "subscribe");
  }
  socket_ = std::move(*socket);
  return absl::OkStatus();
}

absl::Status AckReceiver::Receive(int max_messages, const std::function<void(const v1::Ack&)>& on_ack) {
  for (int received = 0; received < max_messages; ++received) {
    auto frames = RecvFrames(*socket_);
    if (!frames.ok()) return frames.status();
    if (!frames->has_value()) break;
    auto& parts = **frames;
    if (parts.size() != 2 || parts[0].to_string_view() != topic_) {
      bad_input_.Report(&parts.back(), parts.size(),
                        absl::InvalidArgumentError("expected [ack topic, envelope]"));
      continue;
    }
    auto envelope = DecodeEnvelope(parts[1]);
    if (!envelope.ok() || envelope->payload_case() != v1::Envelope::kAck) {
      bad_input_.Report(&parts[1], parts.size(),
                        envelope.ok() ? absl::InvalidArgumentError("expected an ack") : envelope.status());
      continue;
    }
    on_ack(envelope->ack());
  }
  return absl::OkStatus();
}

}  // namespace newsflow

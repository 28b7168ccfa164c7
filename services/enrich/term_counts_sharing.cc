#include "services/enrich/term_counts_sharing.h"

#include <utility>

#include "common/delivery/envelope_codec.h"
#include "common/delivery/term_counts.h"
#include "common/log/logging.h"
#include "common/status/status_macros.h"
#include "common/transport/message_validation.h"
#include "common/transport/zmq_socket.h"

namespace newsflow::enrich {
namespace {

constexpr int64_t kTableRetryMs = 1000;
constexpr int64_t kTableGiveUpMs = 30'000;

}  // namespace

TermCountsSharing::TermCountsSharing(std::string origin, const EnrichConfig& config,
                                     DocumentFrequencies* table)
    : origin_(std::move(origin)),
      config_(config),
      table_(table),
      snapshot_topic_(TermCountsSnapshotTopic(origin_)),
      bad_input_(MakeLogger("enrich"), "enrich.term_counts.stream") {}

absl::Status TermCountsSharing::Open(zmq::context_t& context) {
  auto socket = OpenSocket(context, zmq::socket_type::sub, config_.term_counts_stream);
  if (!socket.ok()) return socket.status();
  socket->set(zmq::sockopt::subscribe, kTermCountsTopic);
  socket->set(zmq::sockopt::subscribe, snapshot_topic_);
  socket_ = std::move(*socket);
  return absl::OkStatus();
}

void TermCountsSharing::Receive() {
  if (!socket_) return;
  while (true) {
    auto frames = RecvFrames(*socket_);
    if (!frames.ok() || !frames->has_value()) return;
    auto& parts = **frames;
    if (parts.size() != 2) {
      bad_input_.Report(&parts.back(), parts.size(),
                        absl::InvalidArgumentError("expected [topic, envelope]"));
      continue;
    }
    auto envelope = DecodeEnvelope(parts[1]);
    if (!envelope.ok() || envelope->payload_case() != v1::Envelope::kTermCounts) {
      bad_input_.Report(
          &parts[1], parts.size(),
          envelope.ok() ? absl::InvalidArgumentError("expected term counts") : envelope.status());
      continue;
    }
    if (absl::Status valid = ValidateTermCounts(envelope->term_counts()); !valid.ok()) {
      bad_input_.Report(&parts[1], parts.size(), Annotate(valid, "term counts"));
      continue;
    }
    const v1::TermCounts& counts = envelope->term_counts();
    const std::string topic = parts[0].to_string();
    if (topic == snapshot_topic_) {
      if (table_received_) continue;  // an answer to a repeated request
      MergeTermCounts(counts, table_);
      table_received_ = true;
      continue;
    }
    // Reports published before the table was taken are already in it.
    if (!table_received_ && !gave_up_on_table_) continue;
    if (counts.origin() == origin_) continue;
    MergeTermCounts(counts, table_);
    ++reports_applied_;
  }
}

absl::Status TermCountsSharing::Send(zmq::socket_t& output, std::string payload) {
  absl::Status s = SendFrames(output, {payload});
  if (absl::IsUnavailable(s)) {
    pending_ = std::move(payload);  // the store's queue is full: next time
    return absl::OkStatus();
  }
  return s;
}

bool TermCountsSharing::SendPending(zmq::socket_t& output, absl::Status* status) {
  *status = absl::OkStatus();
  if (!pending_) return true;
  std::string payload = std::move(*pending_);
  pending_.reset();
  *status = Send(output, std::move(payload));
  return status->ok() && !pending_;
}

absl::Status TermCountsSharing::Tick(zmq::socket_t& output, int64_t now_ms, int articles) {
  if (articles > 0) {
    if (unreported_articles_ == 0) first_unreported_ms_ = now_ms;
    unreported_articles_ += articles;
  }
  absl::Status status;
  if (!SendPending(output, &status)) return status;
  if (!table_received_ && !gave_up_on_table_) {
    if (first_request_ms_ < 0) first_request_ms_ = now_ms;
    gave_up_on_table_ = now_ms - first_request_ms_ >= kTableGiveUpMs;
  }
  if (!table_received_ && !gave_up_on_table_) {
    if (last_request_ms_ < 0 || now_ms - last_request_ms_ >= kTableRetryMs) {
      last_request_ms_ = now_ms;
      v1::Envelope request = NewEnvelope();
      request.mutable_term_counts()->set_origin(origin_);
      request.mutable_term_counts()->set_want_snapshot(true);
      return Send(output, EncodeEnvelope(request));
    }
    // Own counts wait for the table, so that they are not in it twice.
    return absl::OkStatus();
  }
  const bool due =
      unreported_articles_ >= config_.term_counts_report_articles ||
      (unreported_articles_ > 0 && now_ms - first_unreported_ms_ >= config_.term_counts_report_interval_ms);
  if (!due) return absl::OkStatus();
  return Report(output);
}

absl::Status TermCountsSharing::Report(zmq::socket_t& output) {
  unreported_articles_ = 0;
  v1::Envelope report = NewEnvelope();
  v1::TermCounts* counts = report.mutable_term_counts();
  counts->set_origin(origin_);
  counts->set_documents(table_->TakeDelta(&terms_, &counts_));
  if (counts->documents() <= 0) return absl::OkStatus();
  counts->mutable_terms()->Add(terms_.begin(), terms_.end());
  counts->mutable_counts()->Add(counts_.begin(), counts_.end());
  ++reports_sent_;
  return Send(output, EncodeEnvelope(report));
}

absl::Status TermCountsSharing::Flush(zmq::socket_t& output) {
  if (!table_received_ && !gave_up_on_table_) return absl::OkStatus();
  absl::Status status;
  if (!SendPending(output, &status)) return status;
  return Report(output);
}

}  // namespace newsflow::enrich

// Envelope <-> frame codec and the accounting of frames that do not decode.
//
// Every ZeroMQ message newsflow sends is [routing/topic frames...] + one frame
// holding a serialised newsflow.v1.Envelope. Decode() accepts only envelopes
// of a schema version this build understands that carry a payload.
#ifndef NEWSFLOW_COMMON_DELIVERY_ENVELOPE_CODEC_H_
#define NEWSFLOW_COMMON_DELIVERY_ENVELOPE_CODEC_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>
#include <zmq.hpp>

#include "absl/status/statusor.h"
#include "common/log/logging.h"
#include "newsflow/v1/envelope.pb.h"

namespace newsflow {

inline constexpr uint32_t kSchemaVersion = 1;

// A fresh envelope: current schema version, random trace id, created_at now.
v1::Envelope NewEnvelope();

std::string EncodeEnvelope(const v1::Envelope& envelope);

// Errors: kInvalidArgument (not a protobuf Envelope, or no payload),
// kFailedPrecondition (schema version 0 or newer than kSchemaVersion).
absl::StatusOr<v1::Envelope> DecodeEnvelope(std::string_view bytes);
// The same, for a received frame.
inline absl::StatusOr<v1::Envelope> DecodeEnvelope(const zmq::message_t& frame) {
  return DecodeEnvelope(std::string_view(static_cast<const char*>(frame.data()), frame.size()));
}

// Counts undecodable input per socket and logs it rate-limited, naming the
// peer (when the transport knows it) and the frame size. Thread-safe.
class BadInputReporter {
 public:
  BadInputReporter(std::shared_ptr<spdlog::logger> logger, std::string socket_name);
  void Report(const zmq::message_t* frame, std::size_t frame_count, const absl::Status& why);
  uint64_t count() const { return count_.load(); }

 private:
  std::shared_ptr<spdlog::logger> logger_;
  std::string socket_name_;
  RateLimitedLog limiter_;
  std::atomic<uint64_t> count_{0};
};

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_DELIVERY_ENVELOPE_CODEC_H_

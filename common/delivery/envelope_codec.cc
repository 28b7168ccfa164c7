#include "common/delivery/envelope_codec.h"

#include <random>

#include <fmt/format.h>

#include "common/util/time.h"

namespace newsflow {

v1::Envelope NewEnvelope() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  v1::Envelope e;
  e.set_schema_version(kSchemaVersion);
  e.set_trace_id(fmt::format("{:016x}", rng()));
  e.set_created_at_ms(NowMs());
  return e;
}

std::string EncodeEnvelope(const v1::Envelope& envelope) { return envelope.SerializeAsString(); }

absl::StatusOr<v1::Envelope> DecodeEnvelope(std::string_view bytes) {
  v1::Envelope e;
  if (!e.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::InvalidArgumentError(fmt::format("not an Envelope ({} bytes)", bytes.size()));
  }
  if (e.schema_version() == 0 || e.schema_version() > kSchemaVersion) {
    return absl::FailedPreconditionError(fmt::format("unsupported schema_version {}", e.schema_version()));
  }
  if (e.payload_case() == v1::Envelope::PAYLOAD_NOT_SET) {
    return absl::InvalidArgumentError("envelope has no payload");
  }
  return e;
}

BadInputReporter::BadInputReporter(std::shared_ptr<spdlog::logger> logger, std::string socket_name)
    : logger_(std::move(logger)), socket_name_(std::move(socket_name)) {}

void BadInputReporter::Report(const zmq::message_t* frame, std::size_t frame_count, const absl::Status& why) {
  count_.fetch_add(1);
  uint64_t suppressed = 0;
  if (!limiter_.ShouldLog(&suppressed)) return;
  std::string peer = "unknown";
  std::size_t size = 0;
  if (frame != nullptr) {
    size = frame->size();
    try {
      const char* address = const_cast<zmq::message_t*>(frame)->gets("Peer-Address");
      if (address != nullptr) peer = address;
    } catch (const zmq::error_t&) {
      // Not every transport records the peer (inproc does not).
    }
  }
  logger_->warn("dropped bad message socket={} peer={} frames={} size={} error=\"{}\" suppressed={}",
                socket_name_, peer, frame_count, size, std::string(why.message()), suppressed);
}

}  // namespace newsflow

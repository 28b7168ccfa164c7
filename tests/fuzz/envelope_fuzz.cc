// libFuzzer target for the envelope codec: any byte string given to
// DecodeEnvelope is an envelope or an error, never a crash, a sanitizer
// report or a hang; an envelope it accepts encodes and decodes again to the
// same message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <google/protobuf/util/message_differencer.h>

#include <google/protobuf/stubs/logging.h>

#include "common/delivery/envelope_codec.h"

// Protobuf logs every string field that is not UTF-8; that is expected here.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto decoded = newsflow::DecodeEnvelope(input);
  if (!decoded.ok()) return 0;
  auto again = newsflow::DecodeEnvelope(newsflow::EncodeEnvelope(*decoded));
  if (!again.ok() || !google::protobuf::util::MessageDifferencer::Equals(*decoded, *again)) std::abort();
  return 0;
}

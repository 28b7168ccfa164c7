#include "common/util/hash.h"

#include <xxhash.h>

#include <fmt/format.h>

namespace newsflow {

uint64_t Hash64(std::string_view data) { return XXH3_64bits(data.data(), data.size()); }

std::string HashHex(std::string_view data) { return fmt::format("{:016x}", Hash64(data)); }

}  // namespace newsflow

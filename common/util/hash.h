// Stable content hashes used for identities (DESIGN.md: article id and
// version). XXH3-64 is stable across platforms and releases of xxhash.
#ifndef NEWSFLOW_COMMON_UTIL_HASH_H_
#define NEWSFLOW_COMMON_UTIL_HASH_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace newsflow {

uint64_t Hash64(std::string_view data);
// 16 lowercase hex digits of Hash64(data).
std::string HashHex(std::string_view data);

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_UTIL_HASH_H_

// Conversions from foreign error reports to absl::Status. Every place where
// an errno or a library error code turns into a Status goes through here, so
// the mapping to canonical codes (STYLE.md B3) lives in one file.
#ifndef NEWSFLOW_COMMON_STATUS_STATUS_ADAPTERS_H_
#define NEWSFLOW_COMMON_STATUS_STATUS_ADAPTERS_H_

#include <string_view>

#include "absl/status/status.h"

namespace newsflow {

// Maps an errno value to a Status: EAGAIN/EINTR/ENOSPC/EIO to kUnavailable,
// ENOENT to kNotFound, EACCES/EPERM to kPermissionDenied, EINVAL to
// kInvalidArgument, anything else to kInternal. The message is
// "<context>: <strerror>".
absl::Status FromErrno(int err, std::string_view context);

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_STATUS_STATUS_ADAPTERS_H_

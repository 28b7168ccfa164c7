#include "common/status/status_adapters.h"

#include <cerrno>
#include <cstring>

#include <string>

namespace newsflow {

absl::Status FromErrno(int err, std::string_view context) {
  std::string message = std::string(context) + ": " + std::strerror(err);
  switch (err) {
    case EAGAIN:
    case EINTR:
    case ENOSPC:
    case EIO:
      return absl::UnavailableError(message);
    case ENOENT:
      return absl::NotFoundError(message);
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(message);
    case EINVAL:
      return absl::InvalidArgumentError(message);
    default:
      return absl::InternalError(message);
  }
}

}  // namespace newsflow

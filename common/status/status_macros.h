// Status propagation helpers. Debian 12's Abseil (20220623) predates
// absl/status/status_macros.h, so newsflow carries its own two macros.
//
//   absl::StatusOr<Config> Load(const std::string& path) {
//     NF_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
//     NF_RETURN_IF_ERROR(Validate(text));
//     ...
//   }
#ifndef NEWSFLOW_COMMON_STATUS_STATUS_MACROS_H_
#define NEWSFLOW_COMMON_STATUS_STATUS_MACROS_H_

#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define NF_STATUS_CONCAT_INNER_(a, b) a##b
#define NF_STATUS_CONCAT_(a, b) NF_STATUS_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` (an absl::Status) is not ok.
#define NF_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::absl::Status nf_status_ = (expr);      \
    if (!nf_status_.ok()) return nf_status_; \
  } while (false)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status,
// otherwise moves the value into `lhs` (which may be a declaration).
#define NF_ASSIGN_OR_RETURN(lhs, rexpr) \
  NF_ASSIGN_OR_RETURN_IMPL_(NF_STATUS_CONCAT_(nf_statusor_, __LINE__), lhs, rexpr)

// `lhs` may be a declaration and `statusor` is a name: neither can be
// parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define NF_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                              \
  if (!statusor.ok()) return statusor.status();         \
  lhs = std::move(statusor).value()
// NOLINTEND(bugprone-macro-parentheses)

namespace newsflow {

// Note: Debian's Abseil is built with its own absl::string_view, distinct from
// std::string_view; pass std::string to Abseil APIs.

// Returns `status` with `context` prepended to its message ("context: detail"),
// keeping the code. An ok status is returned unchanged.
inline absl::Status Annotate(const absl::Status& status, std::string_view context) {
  if (status.ok()) return status;
  std::string message(context);
  message += ": ";
  message.append(status.message().data(), status.message().size());
  return absl::Status(status.code(), message);
}

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_STATUS_STATUS_MACROS_H_

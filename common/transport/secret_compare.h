// Comparison of secrets (bearer tokens) whose time does not depend on where
// the two first differ, so that a client timing its refusals cannot find a
// token byte by byte. Only the length may show.
#ifndef NEWSFLOW_COMMON_TRANSPORT_SECRET_COMPARE_H_
#define NEWSFLOW_COMMON_TRANSPORT_SECRET_COMPARE_H_

#include <cstddef>
#include <string_view>

namespace newsflow {

// a == b, reading every byte of both when their lengths match.
inline bool SecretEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i]);
  }
  return diff == 0;
}

// `authorization` (an Authorization header) is "Bearer <token>".
inline bool BearerMatches(std::string_view authorization, std::string_view token) {
  constexpr std::string_view kBearer = "Bearer ";
  return authorization.starts_with(kBearer) && SecretEquals(authorization.substr(kBearer.size()), token);
}

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_TRANSPORT_SECRET_COMPARE_H_

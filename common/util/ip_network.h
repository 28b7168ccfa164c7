// IP networks (CIDR blocks) and the address ranges that are not public.
//
// The fetch policy (services/ingest/fetcher.h) refuses to connect to any
// address that is not public unless the operator lists its network in
// ingest.fetch.allow_networks; this header holds the parsing and the
// classification, with no I/O. Every address is handled as 16 bytes: an IPv4
// address a.b.c.d is the IPv4-mapped ::ffff:a.b.c.d, and an IPv4 network of
// prefix p is the mapped network of prefix 96 + p. Values; thread-safe.
//
//   auto net = ParseIpNetwork("10.0.0.0/8");            // StatusOr<IpNetwork>
//   auto addr = ParseIpAddress("10.1.2.3");             // std::optional<IpAddress>
//   bool inside = net->Contains(*addr);                 // true
//   bool blocked = !IsPublicAddress(*addr);             // true (RFC 1918)
#ifndef NEWSFLOW_COMMON_UTIL_IP_NETWORK_H_
#define NEWSFLOW_COMMON_UTIL_IP_NETWORK_H_

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace newsflow {

using IpAddress = std::array<uint8_t, 16>;

struct IpNetwork {
  IpAddress base{};  // host bits zero
  int prefix = 0;    // 0..128, in the 16-byte space

  bool Contains(const IpAddress& address) const;
  bool operator==(const IpNetwork&) const = default;
};

// "192.0.2.1", "2001:db8::1" (no brackets, no zone). nullopt if neither.
std::optional<IpAddress> ParseIpAddress(std::string_view text);

// "a.b.c.d/p" (p 0..32) or "x::/p" (p 0..128); a bare address is a single
// host. kInvalidArgument for anything else, including host bits set below
// the prefix ("10.0.0.1/8"), which usually means a typo.
absl::StatusOr<IpNetwork> ParseIpNetwork(std::string_view cidr);

// The address of a socket address (AF_INET or AF_INET6); nullopt otherwise.
std::optional<IpAddress> AddressOf(const sockaddr* address, socklen_t length);

// Dotted quad for IPv4-mapped addresses, RFC 5952 text for the rest.
std::string FormatIpAddress(const IpAddress& address);

// The IPv4 address an IPv6 address carries in a well-known embedding
// (IPv4-mapped ::ffff:0:0/96, IPv4-compatible ::/96, NAT64 64:ff9b::/96,
// 6to4 2002::/16), as an IPv4-mapped address; the address itself otherwise.
IpAddress EmbeddedIpv4(const IpAddress& address);

// False for loopback, unspecified, link-local (169.254.0.0/16 with the cloud
// metadata address, fe80::/10), private (RFC 1918, 100.64.0.0/10 shared
// address space, fc00::/7, fec0::/10), multicast, broadcast, documentation,
// benchmarking, reserved and other IANA special-purpose ranges that are not
// globally reachable, and for IPv6 forms embedding any of those.
bool IsPublicAddress(const IpAddress& address);

// Whether a connection to `address` is allowed: public, or inside one of
// `allowed` (checked against the address and its embedded IPv4 form).
bool AddressAllowed(const IpAddress& address, const std::vector<IpNetwork>& allowed);

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_UTIL_IP_NETWORK_H_

#include "common/util/ip_network.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <cstring>

#include <fmt/format.h>

namespace newsflow {
namespace {

IpAddress Mapped(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d};
}

IpNetwork V4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, int prefix) {
  return {Mapped(a, b, c, d), 96 + prefix};
}

IpNetwork V6(std::initializer_list<uint8_t> leading, int prefix) {
  IpNetwork n;
  std::size_t i = 0;
  for (uint8_t byte : leading) n.base[i++] = byte;
  n.prefix = prefix;
  return n;
}

// IANA special-purpose registries (RFC 6890 and updates), plus multicast and
// the reserved class E, minus the blocks that are globally reachable.
const std::vector<IpNetwork>& NonPublicNetworks() {
  static const std::vector<IpNetwork> networks = {
      V4(0, 0, 0, 0, 8),        // "this network", 0.0.0.0 unspecified
      V4(10, 0, 0, 0, 8),       // RFC 1918
      V4(100, 64, 0, 0, 10),    // shared address space (CGNAT)
      V4(127, 0, 0, 0, 8),      // loopback
      V4(169, 254, 0, 0, 16),   // link-local, cloud metadata 169.254.169.254
      V4(172, 16, 0, 0, 12),    // RFC 1918
      V4(192, 0, 0, 0, 24),     // IETF protocol assignments
      V4(192, 0, 2, 0, 24),     // documentation (TEST-NET-1)
      V4(192, 88, 99, 0, 24),   // 6to4 relay anycast (deprecated)
      V4(192, 168, 0, 0, 16),   // RFC 1918
      V4(198, 18, 0, 0, 15),    // benchmarking
      V4(198, 51, 100, 0, 24),  // documentation (TEST-NET-2)
      V4(203, 0, 113, 0, 24),   // documentation (TEST-NET-3)
      V4(224, 0, 0, 0, 4),      // multicast
      V4(240, 0, 0, 0, 4),      // reserved, with broadcast 255.255.255.255
      V6({}, 128),              // :: unspecified
      V6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128),  // ::1 loopback
      V6({0x00, 0x64, 0xff, 0x9b, 0x00, 0x01}, 48),               // local-use NAT64 (RFC 8215)
      V6({0x01, 0x00}, 64),                                       // discard-only
      V6({0x20, 0x01, 0x00}, 23),                                 // IETF protocol assignments, Teredo
      V6({0x20, 0x01, 0x0d, 0xb8}, 32),                           // documentation
      V6({0x3f, 0xff}, 20),                                       // documentation
      V6({0x5f, 0x00}, 16),                                       // segment routing SIDs
      V6({0xfc}, 7),                                              // unique local
      V6({0xfe, 0x80}, 10),                                       // link-local
      V6({0xfe, 0xc0}, 10),                                       // site-local (deprecated)
      V6({0xff}, 8),                                              // multicast
  };
  return networks;
}

bool HasPrefix(const IpAddress& a, std::initializer_list<uint8_t> bytes) {
  std::size_t i = 0;
  for (uint8_t b : bytes) {
    if (a[i++] != b) return false;
  }
  return true;
}

}  // namespace

bool IpNetwork::Contains(const IpAddress& address) const {
  int bits = prefix;
  for (std::size_t i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((address[i] & mask) != base[i]) return false;
  }
  return true;
}

std::optional<IpAddress> ParseIpAddress(std::string_view text) {
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
  std::string s(text);
  in_addr v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    const auto* b = reinterpret_cast<const uint8_t*>(&v4.s_addr);
    return Mapped(b[0], b[1], b[2], b[3]);
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    IpAddress a;
    std::memcpy(a.data(), v6.s6_addr, 16);
    return a;
  }
  return std::nullopt;
}

absl::StatusOr<IpNetwork> ParseIpNetwork(std::string_view cidr) {
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        fmt::format("\"{}\" is not a network such as 10.0.0.0/8 or fd00::/8: {}", cidr, why));
  };
  std::size_t slash = cidr.find('/');
  std::string_view host = cidr.substr(0, slash);
  std::optional<IpAddress> address = ParseIpAddress(host);
  if (!address) return bad("not an IPv4 or IPv6 address");
  bool v4 = host.find(':') == std::string_view::npos;
  int max_prefix = v4 ? 32 : 128;
  int prefix = max_prefix;
  if (slash != std::string_view::npos) {
    std::string_view digits = cidr.substr(slash + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || prefix < 0 ||
        prefix > max_prefix) {
      return bad(fmt::format("the prefix length must be 0 to {}", max_prefix));
    }
  }
  IpNetwork network{*address, v4 ? 96 + prefix : prefix};
  IpNetwork masked = network;
  int bits = network.prefix;
  for (auto& byte : masked.base) {
    byte = bits >= 8 ? byte : bits <= 0 ? 0 : static_cast<uint8_t>(byte & (0xff << (8 - bits)));
    bits -= 8;
  }
  if (masked.base != network.base) return bad("host bits are set below the prefix");
  return network;
}

std::optional<IpAddress> AddressOf(const sockaddr* address, socklen_t length) {
  if (address == nullptr) return std::nullopt;
  if (address->sa_family == AF_INET && length >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(address);
    const auto* b = reinterpret_cast<const uint8_t*>(&in->sin_addr.s_addr);
    return Mapped(b[0], b[1], b[2], b[3]);
  }
  if (address->sa_family == AF_INET6 && length >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(address);
    IpAddress a;
    std::memcpy(a.data(), in6->sin6_addr.s6_addr, 16);
    return a;
  }
  return std::nullopt;
}

std::string FormatIpAddress(const IpAddress& address) {
  if (HasPrefix(address, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff})) {
    return fmt::format("{}.{}.{}.{}", address[12], address[13], address[14], address[15]);
  }
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(AF_INET6, address.data(), text, sizeof(text));
  return text;
}

IpAddress EmbeddedIpv4(const IpAddress& a) {
  static const IpNetwork kMapped = V6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, 96);
  static const IpNetwork kCompatible = V6({}, 96);
  static const IpNetwork kNat64 = V6({0x00, 0x64, 0xff, 0x9b}, 96);
  static const IpNetwork k6to4 = V6({0x20, 0x02}, 16);
  if (kMapped.Contains(a)) return a;
  // :: and ::1 come out as 0.0.0.0 and 0.0.0.1, which are not public either.
  if (kCompatible.Contains(a)) return Mapped(a[12], a[13], a[14], a[15]);
  if (kNat64.Contains(a)) return Mapped(a[12], a[13], a[14], a[15]);
  if (k6to4.Contains(a)) return Mapped(a[2], a[3], a[4], a[5]);
  return a;
}

bool IsPublicAddress(const IpAddress& address) {
  for (const IpAddress& a : {address, EmbeddedIpv4(address)}) {
    for (const IpNetwork& n : NonPublicNetworks()) {
      if (n.Contains(a)) return false;
    }
  }
  return true;
}

bool AddressAllowed(const IpAddress& address, const std::vector<IpNetwork>& allowed) {
  if (IsPublicAddress(address)) return true;
  const IpAddress embedded = EmbeddedIpv4(address);
  for (const IpNetwork& n : allowed) {
    if (n.Contains(address) || n.Contains(embedded)) return true;
  }
  return false;
}

}  // namespace newsflow

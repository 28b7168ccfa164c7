#include "common/util/ip_network.h"

#include <netinet/in.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace newsflow {
namespace {

IpAddress Addr(const char* text) {
  auto a = ParseIpAddress(text);
  EXPECT_TRUE(a.has_value()) << text;
  return a.value_or(IpAddress{});
}

TEST(IpNetworkTest, NonPublicAddressesAreRecognised) {
  for (const char* text :
       {"127.0.0.1", "127.255.255.254", "0.0.0.0", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
        "100.64.0.1", "100.127.255.255", "169.254.169.254", "169.254.0.1", "224.0.0.1", "239.255.255.250",
        "255.255.255.255", "240.0.0.1", "192.0.2.1", "198.18.0.1", "198.51.100.7", "203.0.113.9", "192.0.0.8",
        "::", "::1", "fe80::1", "fc00::1", "fd12:3456::1", "fec0::1", "ff02::1", "2001:db8::1", "2001::1",
        "100::1", "64:ff9b:1::1",
        // IPv6 forms that embed non-public IPv4 addresses.
        "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.0.0.1", "::127.0.0.1", "::10.0.0.1",
        "64:ff9b::127.0.0.1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::1", "2002:c0a8:101::1"}) {
    EXPECT_FALSE(IsPublicAddress(Addr(text))) << text;
  }
}

TEST(IpNetworkTest, PublicAddressesPass) {
  for (const char* text :
       {"93.184.216.34", "8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.0", "172.15.255.255",
        "172.32.0.0", "169.253.255.255", "223.255.255.255", "2606:4700::1111", "2a00:1450:4001::200e",
        "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"}) {
    EXPECT_TRUE(IsPublicAddress(Addr(text))) << text;
  }
}

TEST(IpNetworkTest, ParsesCidrsAndSingleHosts) {
  auto net = ParseIpNetwork("10.0.0.0/8");
  ASSERT_TRUE(net.ok()) << net.status();
  EXPECT_TRUE(net->Contains(Addr("10.200.1.1")));
  EXPECT_FALSE(net->Contains(Addr("11.0.0.1")));
  auto host = ParseIpNetwork("127.0.0.1");
  ASSERT_TRUE(host.ok());
  EXPECT_TRUE(host->Contains(Addr("127.0.0.1")));
  EXPECT_FALSE(host->Contains(Addr("127.0.0.2")));
  auto v6 = ParseIpNetwork("fd00::/8");
  ASSERT_TRUE(v6.ok());
  EXPECT_TRUE(v6->Contains(Addr("fd12::1")));
  EXPECT_FALSE(v6->Contains(Addr("fc00::1")));
  auto all = ParseIpNetwork("0.0.0.0/0");
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->Contains(Addr("203.0.113.1")));
  EXPECT_FALSE(all->Contains(Addr("fd00::1")));  // IPv4 networks hold IPv4 addresses only
}

TEST(IpNetworkTest, RejectsJunkNetworks) {
  for (const char* text : {"", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/8x", "fd00::/129",
                           "10.0.0.1/8", "example.com/8", "10.0.0/8", "2130706433", "10.0.0.0/08 "}) {
    EXPECT_FALSE(ParseIpNetwork(text).ok()) << text;
  }
}

TEST(IpNetworkTest, AllowListAdmitsListedNetworksAndTheirEmbeddings) {
  std::vector<IpNetwork> allowed = {*ParseIpNetwork("127.0.0.0/8"), *ParseIpNetwork("fd00::/8")};
  EXPECT_TRUE(AddressAllowed(Addr("127.0.0.1"), allowed));
  EXPECT_TRUE(AddressAllowed(Addr("::ffff:127.0.0.1"), allowed));
  EXPECT_TRUE(AddressAllowed(Addr("fd00::5"), allowed));
  EXPECT_TRUE(AddressAllowed(Addr("93.184.216.34"), allowed));
  EXPECT_FALSE(AddressAllowed(Addr("169.254.169.254"), allowed));
  EXPECT_FALSE(AddressAllowed(Addr("10.0.0.1"), allowed));
  EXPECT_FALSE(AddressAllowed(Addr("::1"), allowed));
  EXPECT_FALSE(AddressAllowed(Addr("10.0.0.1"), {}));
}

TEST(IpNetworkTest, SocketAddressesAndFormatting) {
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_addr.s_addr = htonl(0x7f000001);
  auto a = AddressOf(reinterpret_cast<const sockaddr*>(&in), sizeof(in));
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(FormatIpAddress(*a), "127.0.0.1");
  sockaddr_in6 in6{};
  in6.sin6_family = AF_INET6;
  in6.sin6_addr = in6addr_loopback;
  auto b = AddressOf(reinterpret_cast<const sockaddr*>(&in6), sizeof(in6));
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(FormatIpAddress(*b), "::1");
  EXPECT_FALSE(AddressOf(reinterpret_cast<const sockaddr*>(&in), 2).has_value());
}

}  // namespace
}  // namespace newsflow

// The kernel IPv6 route and address tables as the TLS stage reads them (core/net).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "net/ipv6_connectivity.hpp"

namespace bedrock_reach {
namespace {

constexpr const char* kIfInet6 =
    "00000000000000000000000000000001 01 80 10 80       lo\n"
    "fd000000000000000000000000000002 04 40 00 82     eth0\n"
    "fe8000000000000000fc00fffe000001 04 40 20 80     eth0\n";
constexpr const char* kRoutes =
    "fd000000000000000000000000000000 40 00000000000000000000000000000000 00 "
    "00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n"
    "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
    "fd000000000000000000000000000001 00000400 00000002 00000000 00000003     eth0\n"
    "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
    "00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n";
// The kernel's unreachable default on lo is present even without IPv6 connectivity.
constexpr const char* kRejectOnly =
    "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
    "00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n";

TEST(Ipv6Connectivity, ParsesKernelTables) {
  EXPECT_TRUE(parse_ipv6_connectivity(kIfInet6, kRoutes).ok());
  auto no_route = parse_ipv6_connectivity(kIfInet6, kRejectOnly);
  EXPECT_TRUE(no_route.has_global_address);
  EXPECT_FALSE(no_route.ok());
  EXPECT_EQ(no_route.reason(), "the host has no default IPv6 route");
  auto link_local_only = parse_ipv6_connectivity(
      "fe8000000000000000fc00fffe000001 04 40 20 80     eth0\n"
      "00000000000000000000000000000001 01 80 10 80       lo\n",
      kRoutes);
  EXPECT_FALSE(link_local_only.has_global_address);
  EXPECT_FALSE(link_local_only.ok());
  auto tentative =
      parse_ipv6_connectivity("20010db8000000000000000000000001 04 40 00 40 eth0\n", kRoutes);
  EXPECT_FALSE(tentative.has_global_address);
  EXPECT_FALSE(parse_ipv6_connectivity("", "").ok());
  EXPECT_FALSE(parse_ipv6_connectivity("garbage\n\n zz 1 2 3 4 5 6\n", "x y z\n").ok());
}

TEST(Ipv6Connectivity, MissingFilesMeanNoIpv6) {
  EXPECT_FALSE(host_has_ipv6_connectivity("/nonexistent/if_inet6", "/nonexistent/route"));
  std::string base = ::testing::TempDir() + "/br_tls_" + std::to_string(::getpid());
  std::ofstream(base + "_if_inet6") << kIfInet6;
  std::ofstream(base + "_ipv6_route") << kRoutes;
  EXPECT_TRUE(host_has_ipv6_connectivity(base + "_if_inet6", base + "_ipv6_route"));
  std::remove((base + "_if_inet6").c_str());
  std::remove((base + "_ipv6_route").c_str());
}

}  // namespace
}  // namespace bedrock_reach

// Route lookup: AWS sample tables (aws-reference.md §4.5), IPv4/IPv6 LPM cases, and a
// randomized comparison against a brute-force reference with a fixed seed.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "path/route_lookup.hpp"

namespace bedrock_reach {
namespace {

IpAddress ip(const char* text) { return IpAddress::parse(text).value(); }

Route cidr_route(std::string cidr, std::string gateway, std::string state = "active") {
  Route r;
  (cidr.find(':') != std::string::npos ? r.destination_ipv6_cidr : r.destination_cidr) = cidr;
  r.gateway_id = std::move(gateway);
  r.state = std::move(state);
  return r;
}

// rtb-0b2b0000000000002 from the DescribeRouteTables sample.
RouteTable sample_private_table() {
  RouteTable t;
  t.id = "rtb-0b2b0000000000002";
  t.vpc_id = "vpc-0123456789abcdef0";
  t.routes.push_back(cidr_route("10.0.0.0/16", "local"));
  Route nat;
  nat.destination_cidr = "0.0.0.0/0";
  nat.nat_gateway_id = "nat-0deadbeef00000000";
  nat.state = "blackhole";
  t.routes.push_back(nat);
  Route tgw;
  tgw.destination_cidr = "172.16.0.0/12";
  tgw.transit_gateway_id = "tgw-0123abcd4567ef890";
  tgw.state = "active";
  t.routes.push_back(tgw);
  Route pcx;
  pcx.destination_cidr = "192.168.0.0/16";
  pcx.vpc_peering_connection_id = "pcx-0a1b2c3d4e5f60718";
  pcx.state = "active";
  t.routes.push_back(pcx);
  Route eni;
  eni.destination_cidr = "10.99.0.0/16";
  eni.instance_id = "i-0f000000000000001";
  eni.network_interface_id = "eni-0f011111111111111";
  eni.state = "active";
  t.routes.push_back(eni);
  Route s3;
  s3.destination_prefix_list_id = "pl-63a5400a";
  s3.gateway_id = "vpce-0e5a3c00000000001";
  s3.state = "active";
  t.routes.push_back(s3);
  RouteTableAssociation assoc;
  assoc.id = "rtbassoc-0b2b2222222222222";
  assoc.subnet_id = "subnet-0aaa1111bbbb2222c";
  t.associations.push_back(assoc);
  return t;
}

RouteTable sample_main_table() {
  RouteTable t;
  t.id = "rtb-0a1a0000000000001";
  t.vpc_id = "vpc-0123456789abcdef0";
  t.routes.push_back(cidr_route("10.0.0.0/16", "local"));
  t.routes.push_back(cidr_route("0.0.0.0/0", "igw-0abc1234def567890"));
  RouteTableAssociation assoc;
  assoc.id = "rtbassoc-0a1a1111111111111";
  assoc.main = true;
  t.associations.push_back(assoc);
  return t;
}

struct LookupCase {
  const char* address;
  const char* kind;
  const char* target;
  const char* destination;
};

TEST(RouteLookup, AwsSamplePrivateTable) {
  const RouteTable table = sample_private_table();
  const LookupCase cases[] = {
      {"10.0.1.25", "local", "local", "10.0.0.0/16"},
      {"10.0.255.255", "local", "local", "10.0.0.0/16"},
      {"54.239.28.85", "blackhole", "nat-0deadbeef00000000", "0.0.0.0/0"},
      {"172.20.1.1", "transit-gateway", "tgw-0123abcd4567ef890", "172.16.0.0/12"},
      {"172.32.0.1", "blackhole", "nat-0deadbeef00000000", "0.0.0.0/0"},
      {"192.168.5.5", "peering", "pcx-0a1b2c3d4e5f60718", "192.168.0.0/16"},
      {"10.99.1.1", "network-interface", "eni-0f011111111111111", "10.99.0.0/16"},
      // The S3 prefix list's CIDRs are unknown here: it cannot match, 0/0 does.
      {"52.216.1.1", "blackhole", "nat-0deadbeef00000000", "0.0.0.0/0"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.address);
    RouteVerdict v = lookup_route(table, ip(c.address));
    EXPECT_EQ(v.kind, c.kind);
    EXPECT_EQ(v.target, c.target);
    EXPECT_EQ(v.destination, c.destination);
  }
}

TEST(RouteLookup, PrefixListDestinationMatchesWhenCidrsKnown) {
  const RouteTable table = sample_private_table();
  const std::vector<PrefixList> lists{{"pl-63a5400a", {"52.216.0.0/15", "3.5.0.0/19"}}};
  RouteVerdict v = lookup_route(table, ip("52.216.1.1"), lists);
  EXPECT_EQ(v.kind, "gateway-endpoint");
  EXPECT_EQ(v.target, "vpce-0e5a3c00000000001");
  EXPECT_EQ(v.destination, "pl-63a5400a");
  EXPECT_EQ(lookup_route(table, ip("3.5.31.255"), lists).kind, "gateway-endpoint");
  EXPECT_EQ(lookup_route(table, ip("3.5.32.0"), lists).kind, "blackhole");
  // Described by DescribeManagedPrefixLists: the destination names the list and its owner.
  const std::vector<PrefixList> named{
      {"pl-63a5400a", {"52.216.0.0/15"}, true, "com.amazonaws.us-east-1.s3", "AWS"}};
  EXPECT_EQ(lookup_route(table, ip("52.216.1.1"), named).destination,
            "pl-63a5400a (com.amazonaws.us-east-1.s3, AWS-managed)");
}

TEST(RouteLookup, CidrRouteBeatsPrefixListRouteOfEqualLength) {
  for (bool list_first : {true, false}) {
    RouteTable table;
    Route list;
    list.destination_prefix_list_id = "pl-1";
    list.gateway_id = "vpce-1";
    list.state = "active";
    Route cidr = cidr_route("52.0.0.0/8", "igw-1");
    table.routes = list_first ? std::vector<Route>{list, cidr} : std::vector<Route>{cidr, list};
    const std::vector<PrefixList> lists{{"pl-1", {"52.0.0.0/8"}}};
    EXPECT_EQ(lookup_route(table, ip("52.1.2.3"), lists).kind, "internet-gateway");
    // A longer prefix-list entry still wins by length.
    const std::vector<PrefixList> longer{{"pl-1", {"52.1.0.0/16"}}};
    EXPECT_EQ(lookup_route(table, ip("52.1.2.3"), longer).kind, "gateway-endpoint");
  }
}

TEST(RouteLookup, AwsSampleMainTable) {
  const RouteTable table = sample_main_table();
  EXPECT_EQ(lookup_route(table, ip("8.8.8.8")).kind, "internet-gateway");
  EXPECT_EQ(lookup_route(table, ip("8.8.8.8")).target, "igw-0abc1234def567890");
  EXPECT_EQ(lookup_route(table, ip("10.0.3.3")).kind, "local");
}

TEST(RouteLookup, LongerPrefixInsideVpcCidrWins) {
  RouteTable table;
  table.routes.push_back(cidr_route("10.0.0.0/16", "local"));
  Route firewall;
  firewall.destination_cidr = "10.0.5.0/24";
  firewall.network_interface_id = "eni-firewall";
  firewall.state = "active";
  table.routes.push_back(firewall);
  EXPECT_EQ(lookup_route(table, ip("10.0.5.9")).kind, "network-interface");
  EXPECT_EQ(lookup_route(table, ip("10.0.6.9")).kind, "local");
}

TEST(RouteLookup, Ipv6Routes) {
  RouteTable table;
  table.routes.push_back(cidr_route("10.0.0.0/16", "local"));
  table.routes.push_back(cidr_route("2600:1f18:aaaa:bb00::/56", "local"));
  Route eigw;
  eigw.destination_ipv6_cidr = "::/0";
  eigw.egress_only_internet_gateway_id = "eigw-0123";
  eigw.state = "active";
  table.routes.push_back(eigw);
  table.routes.push_back(cidr_route("64:ff9b::/96", "", "active"));
  table.routes.back().nat_gateway_id = "nat-dns64";
  const LookupCase cases[] = {
      {"2600:1f18:aaaa:bb01::25", "local", "local", "2600:1f18:aaaa:bb00::/56"},
      {"2600:1f18:aaaa:bc00::1", "egress-only-igw", "eigw-0123", "::/0"},
      {"2001:4860:4860::8888", "egress-only-igw", "eigw-0123", "::/0"},
      {"64:ff9b::3627:1c55", "nat-gateway", "nat-dns64", "64:ff9b::/96"},
      // An IPv4 address never matches an IPv6 route.
      {"8.8.8.8", "no-route", "", ""},
      // IPv4-mapped IPv6 is looked up as IPv4.
      {"::ffff:10.0.1.25", "local", "local", "10.0.0.0/16"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.address);
    RouteVerdict v = lookup_route(table, ip(c.address));
    EXPECT_EQ(v.kind, c.kind);
    EXPECT_EQ(v.target, c.target);
    EXPECT_EQ(v.destination, c.destination);
  }
}

TEST(RouteLookup, EmptyTableAndMalformedRoutes) {
  RouteTable table;
  EXPECT_EQ(lookup_route(table, ip("10.0.0.1")).kind, "no-route");
  table.routes.push_back(cidr_route("not-a-cidr", "igw-1"));
  table.routes.push_back(cidr_route("10.0.0.0/33", "igw-1"));
  EXPECT_EQ(lookup_route(table, ip("10.0.0.1")).kind, "no-route");
}

TEST(RouteLookup, BlackholeStateIsCaseInsensitive) {
  RouteTable table;
  table.routes.push_back(cidr_route("0.0.0.0/0", "igw-gone", "Blackhole"));
  RouteVerdict v = lookup_route(table, ip("1.1.1.1"));
  EXPECT_EQ(v.kind, "blackhole");
  EXPECT_EQ(v.target, "igw-gone");
}

TEST(RouteLookup, TargetKinds) {
  struct KindCase {
    Route route;
    const char* kind;
  };
  auto with = [](auto setter) {
    Route r;
    setter(r);
    return r;
  };
  const KindCase cases[] = {
      {with([](Route& r) { r.gateway_id = "local"; }), "local"},
      {with([](Route& r) { r.gateway_id = "igw-1"; }), "internet-gateway"},
      {with([](Route& r) { r.gateway_id = "vgw-1"; }), "virtual-gateway"},
      {with([](Route& r) { r.gateway_id = "vpce-1"; }), "gateway-endpoint"},
      {with([](Route& r) { r.egress_only_internet_gateway_id = "eigw-1"; }), "egress-only-igw"},
      {with([](Route& r) { r.nat_gateway_id = "nat-1"; }), "nat-gateway"},
      {with([](Route& r) { r.transit_gateway_id = "tgw-1"; }), "transit-gateway"},
      {with([](Route& r) { r.vpc_peering_connection_id = "pcx-1"; }), "peering"},
      {with([](Route& r) { r.instance_id = "i-1"; }), "network-interface"},
      {with([](Route& r) { r.local_gateway_id = "lgw-1"; }), "unknown"},
      {with([](Route& r) { r.carrier_gateway_id = "cagw-1"; }), "unknown"},
      {with([](Route& r) { r.core_network_arn = "arn:aws:networkmanager::1:core-network/x"; }),
       "unknown"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(route_target_kind(c.route), c.kind) << route_target_id(c.route);
  }
}

TEST(RouteTableForSubnet, ExplicitAssociationElseMain) {
  std::vector<RouteTable> tables{sample_main_table(), sample_private_table()};
  const std::string vpc = "vpc-0123456789abcdef0";
  EXPECT_EQ(route_table_for_subnet(tables, "subnet-0aaa1111bbbb2222c", vpc)->id,
            "rtb-0b2b0000000000002");
  EXPECT_EQ(route_table_for_subnet(tables, "subnet-0ddd3333eeee4444f", vpc)->id,
            "rtb-0a1a0000000000001");
  EXPECT_EQ(route_table_for_subnet(tables, "subnet-x", "")->id, "rtb-0a1a0000000000001");
  EXPECT_EQ(route_table_for_subnet(tables, "subnet-x", "vpc-other"), nullptr);
  EXPECT_EQ(route_table_for_subnet({}, "subnet-x", vpc), nullptr);
}

// ---- Randomized: LPM against brute force, IPv4 and IPv6 ----

struct Reference {
  std::optional<IpPrefix> best;
  size_t index = 0;
};

Reference brute_force(const std::vector<std::pair<IpPrefix, std::string>>& routes,
                      const IpAddress& address) {
  Reference ref;
  for (size_t i = 0; i < routes.size(); ++i) {
    const auto& prefix = routes[i].first;
    if (prefix.family() != address.family()) continue;
    // Bit-by-bit comparison, independent of IpPrefix::contains.
    bool inside = true;
    for (int b = 0; b < prefix.length() && inside; ++b) {
      inside = prefix.address().bit(b) == address.bit(b);
    }
    if (inside && (!ref.best || prefix.length() > ref.best->length())) {
      ref.best = prefix;
      ref.index = i;
    }
  }
  return ref;
}

IpAddress random_address(std::mt19937& rng, bool v4, const std::vector<IpAddress>& bases) {
  std::array<std::uint8_t, 16> bytes{};
  if (!bases.empty() && rng() % 4 != 0) {
    // Near a base address: shares a random-length prefix with it, so overlaps are common.
    const IpAddress& base = bases[rng() % bases.size()];
    bytes = base.bytes();
    int width = v4 ? 32 : 128;
    int keep = static_cast<int>(rng() % static_cast<unsigned>(width + 1));
    for (int b = keep; b < width; ++b) {
      auto index = static_cast<size_t>(b / 8);
      auto mask = static_cast<std::uint8_t>(0x80 >> (b % 8));
      if (rng() % 2) {
        bytes[index] = static_cast<std::uint8_t>(bytes[index] | mask);
      } else {
        bytes[index] = static_cast<std::uint8_t>(bytes[index] & ~mask);
      }
    }
  } else {
    for (auto& byte : bytes) byte = static_cast<std::uint8_t>(rng());
  }
  if (v4) {
    return IpAddress::v4((std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
                         (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]});
  }
  return IpAddress::v6(bytes);
}

TEST(RouteLookupRandomized, MatchesBruteForce) {
  std::mt19937 rng(20261128);
  size_t compared = 0;
  size_t matched_some = 0;
  for (int round = 0; round < 300; ++round) {
    std::vector<IpAddress> bases;
    for (int i = 0; i < 4; ++i) bases.push_back(random_address(rng, rng() % 2 == 0, {}));
    std::vector<std::pair<IpPrefix, std::string>> routes;
    std::set<IpPrefix> seen;
    RouteTable table;
    int count = 1 + static_cast<int>(rng() % 40);
    for (int i = 0; i < count; ++i) {
      bool v4 = rng() % 2 == 0;
      std::vector<IpAddress> family_bases;
      for (const auto& b : bases) {
        if (b.is_v4() == v4) family_bases.push_back(b);
      }
      IpAddress address = random_address(rng, v4, family_bases);
      int length = static_cast<int>(rng() % static_cast<unsigned>(address.bit_width() + 1));
      auto prefix = IpPrefix::make(address, length).value();
      if (!seen.insert(prefix).second) continue;  // unique destinations: no tie to break
      std::string target = "tgw-" + std::to_string(i);
      routes.emplace_back(prefix, target);
      Route route;
      (v4 ? route.destination_cidr : route.destination_ipv6_cidr) = prefix.to_string();
      route.transit_gateway_id = target;
      route.state = "active";
      table.routes.push_back(route);
    }
    for (int q = 0; q < 200; ++q) {
      bool v4 = rng() % 2 == 0;
      std::vector<IpAddress> family_bases;
      for (const auto& b : bases) {
        if (b.is_v4() == v4) family_bases.push_back(b);
      }
      IpAddress address = random_address(rng, v4, family_bases);
      Reference ref = brute_force(routes, address);
      RouteVerdict v = lookup_route(table, address);
      ++compared;
      if (!ref.best) {
        ASSERT_EQ(v.kind, "no-route") << address.to_string();
        continue;
      }
      ++matched_some;
      ASSERT_EQ(v.kind, "transit-gateway") << address.to_string();
      ASSERT_EQ(v.destination, ref.best->to_string()) << address.to_string();
      ASSERT_EQ(v.target, routes[ref.index].second) << address.to_string();
    }
  }
  EXPECT_EQ(compared, 60000u);
  // The generator must exercise real matches, not only misses.
  EXPECT_GT(matched_some, compared / 4);
}

}  // namespace
}  // namespace bedrock_reach

#pragma once
// Longest-prefix match in a VPC route table, IPv4 and IPv6. Pure: no I/O.
#include <span>
#include <string>
#include <vector>

#include "bedrock_reach/ip.hpp"
#include "bedrock_reach/report.hpp"
#include "bedrock_reach/topology.hpp"

namespace bedrock_reach {

/// A managed or customer prefix list (routes and SG rules may name one).
struct PrefixList {
  std::string id;  // pl-...
  std::vector<std::string> cidrs;
  bool entries_known = true;  // false: only its name is known (GetManagedPrefixListEntries failed)
  std::string name;           // DescribeManagedPrefixLists prefixListName, "" when not described
  std::string owner_id;       // "AWS" for AWS-managed lists, else the owning account
};

/// "pl-63a5400a (com.amazonaws.us-east-1.s3, AWS-managed)", "pl-0a1b... (app-subnets,
/// customer-managed, owner 123456789012)", or the bare ID when the list was not described.
std::string prefix_list_text(std::string_view id, std::span<const PrefixList> prefix_lists);

/// The route an address would take. kind is one of report.hpp's RouteVerdict kinds: "no-route"
/// when nothing matches, "blackhole" when the best match is blackholed (target names the deleted
/// target). A prefix-list route matches only when its CIDRs are given in `prefix_lists`. Among
/// routes of equal length a CIDR route wins over a prefix-list route (AWS route priority).
/// An IPv4-mapped IPv6 destination is looked up as IPv4.
RouteVerdict lookup_route(const RouteTable& table, const IpAddress& destination,
                          std::span<const PrefixList> prefix_lists = {});

/// The table explicitly associated with the subnet, else the main table of the VPC (any VPC
/// when vpc_id is empty); nullptr when neither is known.
const RouteTable* route_table_for_subnet(const std::vector<RouteTable>& tables,
                                         const std::string& subnet_id, const std::string& vpc_id);

/// The RouteVerdict kind for a route's target ("nat-gateway", "local", ...); "unknown" for
/// targets the agent does not classify (local gateway, carrier gateway, Cloud WAN).
std::string route_target_kind(const Route& route);
/// The target's ID ("nat-0abc", "local", "pcx-...").
std::string route_target_id(const Route& route);
/// The destination as written: CIDR, IPv6 CIDR or prefix-list ID.
std::string route_destination(const Route& route);

}  // namespace bedrock_reach

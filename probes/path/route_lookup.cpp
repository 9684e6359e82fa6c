#include "path/route_lookup.hpp"

#include <optional>

#include "bedrock_reach/strings.hpp"

namespace bedrock_reach {
namespace {

using strings::iequals;
using strings::starts_with;

// Length of the longest prefix of `route` that contains `destination`, or nullopt.
std::optional<int> match_length(const Route& route, const IpAddress& destination,
                                std::span<const PrefixList> prefix_lists) {
  const std::string& cidr =
      destination.is_v4() ? route.destination_cidr : route.destination_ipv6_cidr;
  if (!cidr.empty()) {
    auto prefix = IpPrefix::parse(cidr, /*allow_host_bits=*/true);
    if (prefix && prefix->family() == destination.family() && prefix->contains(destination)) {
      return prefix->length();
    }
    return std::nullopt;
  }
  if (route.destination_prefix_list_id.empty()) return std::nullopt;
  std::optional<int> best;
  for (const auto& list : prefix_lists) {
    if (list.id != route.destination_prefix_list_id) continue;
    for (const auto& entry : list.cidrs) {
      auto prefix = IpPrefix::parse(entry, true);
      if (prefix && prefix->family() == destination.family() && prefix->contains(destination) &&
          (!best || prefix->length() > *best)) {
        best = prefix->length();
      }
    }
  }
  return best;
}

}  // namespace

std::string route_target_kind(const Route& route) {
  const std::string& gw = route.gateway_id;
  if (!route.nat_gateway_id.empty()) return "nat-gateway";
  if (!route.transit_gateway_id.empty()) return "transit-gateway";
  if (!route.vpc_peering_connection_id.empty()) return "peering";
  if (!route.egress_only_internet_gateway_id.empty()) return "egress-only-igw";
  if (!route.network_interface_id.empty() || !route.instance_id.empty()) {
    return "network-interface";
  }
  if (iequals(gw, "local")) return "local";
  if (starts_with(gw, "igw-")) return "internet-gateway";
  if (starts_with(gw, "vgw-")) return "virtual-gateway";
  if (starts_with(gw, "vpce-")) return "gateway-endpoint";
  if (starts_with(gw, "eigw-")) return "egress-only-igw";
  return "unknown";
}

std::string route_target_id(const Route& route) {
  for (const std::string* id :
       {&route.nat_gateway_id, &route.transit_gateway_id, &route.vpc_peering_connection_id,
        &route.egress_only_internet_gateway_id, &route.network_interface_id, &route.instance_id,
        &route.gateway_id, &route.local_gateway_id, &route.carrier_gateway_id,
        &route.core_network_arn}) {
    if (!id->empty()) return *id;
  }
  return "";
}

std::string prefix_list_text(std::string_view id, std::span<const PrefixList> prefix_lists) {
  std::string out(id);
  for (const auto& list : prefix_lists) {
    if (list.id != id || list.name.empty()) continue;
    out += " (" + list.name.substr(0, 128) +
           (list.owner_id == "AWS"
                ? ", AWS-managed"
                : ", customer-managed" +
                      (list.owner_id.empty() ? std::string() : ", owner " + list.owner_id)) +
           ")";
    break;
  }
  return out;
}

std::string route_destination(const Route& route) {
  if (!route.destination_cidr.empty()) return route.destination_cidr;
  if (!route.destination_ipv6_cidr.empty()) return route.destination_ipv6_cidr;
  return route.destination_prefix_list_id;
}

RouteVerdict lookup_route(const RouteTable& table, const IpAddress& destination,
                          std::span<const PrefixList> prefix_lists) {
  IpAddress target = destination.unmapped_v4().value_or(destination);
  const Route* best = nullptr;
  int best_length = -1;
  bool best_is_list = false;
  for (const auto& route : table.routes) {
    auto length = match_length(route, target, prefix_lists);
    if (!length) continue;
    bool is_list = route.destination_cidr.empty() && route.destination_ipv6_cidr.empty();
    bool better = *length > best_length || (*length == best_length && best_is_list && !is_list);
    if (better) {
      best = &route;
      best_length = *length;
      best_is_list = is_list;
    }
  }
  RouteVerdict verdict;
  if (!best) {
    verdict.kind = "no-route";
    return verdict;
  }
  verdict.target = route_target_id(*best);
  verdict.destination = route_destination(*best);
  if (!best->destination_prefix_list_id.empty() && best->destination_cidr.empty() &&
      best->destination_ipv6_cidr.empty())
    verdict.destination = prefix_list_text(best->destination_prefix_list_id, prefix_lists);
  verdict.kind = iequals(best->state, "blackhole") ? "blackhole" : route_target_kind(*best);
  return verdict;
}

const RouteTable* route_table_for_subnet(const std::vector<RouteTable>& tables,
                                         const std::string& subnet_id, const std::string& vpc_id) {
  if (!subnet_id.empty()) {
    for (const auto& table : tables) {
      for (const auto& association : table.associations) {
        if (association.subnet_id == subnet_id) return &table;
      }
    }
  }
  for (const auto& table : tables) {
    if (!vpc_id.empty() && !table.vpc_id.empty() && table.vpc_id != vpc_id) continue;
    for (const auto& association : table.associations) {
      if (association.main) return &table;
    }
  }
  return nullptr;
}

}  // namespace bedrock_reach

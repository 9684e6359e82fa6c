#include "path/path_rules.hpp"

#include <algorithm>
#include <array>
#include <map>

#include "bedrock_reach/probe.hpp"
#include "bedrock_reach/strings.hpp"
#include "path/nacl_rules.hpp"
#include "path/sg_rules.hpp"

namespace bedrock_reach {
namespace {

using strings::iequals;
using strings::join;

// The inputs with IMDS fallbacks applied, and the route table the instance's subnet uses.
struct Resolved {
  const Topology* topology = nullptr;
  std::string vpc_id;
  std::string subnet_id;
  std::string az;
  std::string ip4;
  std::string ip6;
  std::vector<std::string> groups;
  std::vector<std::string> subnet_cidrs;
  RouteTable table;
  bool table_known = false;
  std::string table_note;
  const VpcEndpoint* endpoint = nullptr;
  std::optional<IpPrefix> source_range;  // audit: the subnet as the source
};

void add_local_routes(RouteTable& table, const std::vector<std::string>& cidrs) {
  for (const auto& cidr : cidrs) {
    bool v6 = cidr.find(':') != std::string::npos;
    bool present = std::any_of(table.routes.begin(), table.routes.end(), [&](const Route& r) {
      return (v6 ? r.destination_ipv6_cidr : r.destination_cidr) == cidr;
    });
    if (present) continue;
    // Every VPC CIDR has a local route that cannot be deleted; add it when the table as read
    // does not list it (partial data, or IMDS-only evidence).
    Route local;
    (v6 ? local.destination_ipv6_cidr : local.destination_cidr) = cidr;
    local.gateway_id = "local";
    local.state = "active";
    local.origin = "implied";
    table.routes.push_back(local);
  }
}

Resolved resolve(const ServicePathInput& in) {
  Resolved r;
  r.topology = in.topology;
  const MacInfo* primary = in.instance ? in.instance->primary() : nullptr;
  const Topology* topo = in.topology;
  std::vector<std::string> vpc_cidrs;
  if (topo && topo->vpc) {
    r.vpc_id = topo->vpc->id;
    vpc_cidrs = topo->vpc->ipv4_cidrs;
    vpc_cidrs.insert(vpc_cidrs.end(), topo->vpc->ipv6_cidrs.begin(), topo->vpc->ipv6_cidrs.end());
  } else if (primary) {
    r.vpc_id = primary->vpc_id;
    vpc_cidrs = primary->vpc_ipv4_cidrs;
    vpc_cidrs.insert(vpc_cidrs.end(), primary->vpc_ipv6_cidrs.begin(),
                     primary->vpc_ipv6_cidrs.end());
  }
  r.subnet_id = !in.instance_subnet_id.empty() ? in.instance_subnet_id
                : primary                      ? primary->subnet_id
                                               : "";
  r.az = !in.instance_az.empty() ? in.instance_az : in.instance ? in.instance->az : "";
  if (!in.instance_ip.empty()) {
    (in.instance_ip.find(':') != std::string::npos ? r.ip6 : r.ip4) = in.instance_ip;
  }
  if (r.ip4.empty() && primary && !primary->local_ipv4s.empty()) r.ip4 = primary->local_ipv4s[0];
  if (!in.instance_ipv6.empty()) r.ip6 = in.instance_ipv6;
  if (r.ip6.empty() && primary && !primary->ipv6s.empty()) r.ip6 = primary->ipv6s[0];
  r.groups = !in.instance_group_ids.empty() ? in.instance_group_ids
             : primary                      ? primary->security_group_ids
                                            : std::vector<std::string>{};

  bool subnet_found = false;
  if (topo) {
    for (const auto& subnet : topo->subnets) {
      if (subnet.id != r.subnet_id) continue;
      subnet_found = true;
      if (!subnet.cidr.empty()) r.subnet_cidrs.push_back(subnet.cidr);
      r.subnet_cidrs.insert(r.subnet_cidrs.end(), subnet.ipv6_cidrs.begin(),
                            subnet.ipv6_cidrs.end());
    }
  }
  if (!subnet_found && primary && primary->subnet_id == r.subnet_id) {
    if (!primary->subnet_ipv4_cidr.empty()) r.subnet_cidrs.push_back(primary->subnet_ipv4_cidr);
    r.subnet_cidrs.insert(r.subnet_cidrs.end(), primary->subnet_ipv6_cidrs.begin(),
                          primary->subnet_ipv6_cidrs.end());
  }

  if (!in.source_cidr.empty()) r.source_range = IpPrefix::parse(in.source_cidr, true);
  const RouteTable* table = nullptr;
  if (topo && topo->instance_route_table && in.source_cidr.empty()) {
    table = &*topo->instance_route_table;
    r.table_note = "route table " + table->id + " (the instance subnet's)";
  } else if (topo) {
    table = route_table_for_subnet(topo->route_tables, r.subnet_id, r.vpc_id);
    if (table) {
      bool explicit_assoc =
          std::any_of(table->associations.begin(), table->associations.end(),
                      [&](const RouteTableAssociation& a) { return a.subnet_id == r.subnet_id; });
      r.table_note = "route table " + table->id +
                     (explicit_assoc ? " (associated with " + r.subnet_id + ")"
                                     : " (main table of " + r.vpc_id + ")") +
                     (in.source_cidr.empty() ? "" : " for " + r.subnet_id);
    }
  }
  if (table) {
    r.table = *table;
    r.table_known = true;
  } else {
    r.table.id = "(local routes of the VPC CIDRs only)";
    r.table_note = "route table unknown: only the VPC's local routes are inferred";
  }
  add_local_routes(r.table, vpc_cidrs);
  if (topo) r.endpoint = find_interface_endpoint(*topo, in.service_name, r.vpc_id);
  return r;
}

// Completes the facts from the topology's ENI list when the DNS stage left them empty.
AddressFacts enrich(AddressFacts facts, const Topology* topo) {
  if (!topo) return facts;
  for (const auto& eni : topo->network_interfaces) {
    bool match = (!facts.eni_id.empty() && eni.id == facts.eni_id) ||
                 (facts.eni_id.empty() &&
                  (eni.private_ip == facts.ip || strings::contains(eni.private_ips, facts.ip) ||
                   strings::contains(eni.ipv6_addresses, facts.ip)));
    if (!match) continue;
    if (facts.eni_id.empty()) facts.eni_id = eni.id;
    if (facts.eni_subnet.empty()) facts.eni_subnet = eni.subnet_id;
    if (facts.eni_az.empty()) facts.eni_az = eni.availability_zone;
    if (facts.eni_groups.empty()) facts.eni_groups = eni.group_ids;
    break;
  }
  return facts;
}

const VpcEndpoint* endpoint_owning(const Topology* topo, const std::string& eni_id) {
  if (!topo || eni_id.empty()) return nullptr;
  for (const auto& endpoint : topo->endpoints) {
    if (strings::contains(endpoint.network_interface_ids, eni_id)) return &endpoint;
  }
  return nullptr;
}

std::string path_of(const RouteVerdict& route, bool is_this_endpoint) {
  const std::string& k = route.kind;
  if (k == "local" && is_this_endpoint) return "private-endpoint";
  if (k == "nat-gateway") return "nat-gateway";
  if (k == "appliance") return "inspection";
  if (k == "internet-gateway" || k == "egress-only-igw") return "internet-gateway";
  if (k == "transit-gateway") return "transit-gateway";
  if (k == "peering") return "peering";
  if (k == "virtual-gateway") return "virtual-gateway";
  if (k == "blackhole" || k == "no-route") return "no-route";
  return "unknown";
}

// Service path values, worst first: the service's path is its worst address's.
constexpr std::array<const char*, 9> kPathOrder{
    "nat-gateway", "internet-gateway", "inspection", "no-route",        "transit-gateway",
    "peering",     "virtual-gateway",  "unknown",    "private-endpoint"};

size_t path_rank(const std::string& path) {
  for (size_t i = 0; i < kPathOrder.size(); ++i) {
    if (path == kPathOrder[i]) return i;
  }
  return path_rank("unknown");
}

// Collects block descriptions per code so each address gets one finding per code.
class BlockCollector {
 public:
  void add(const std::string& code, std::string text, std::vector<std::string> evidence) {
    auto& entry = blocks_[code];
    entry.first.push_back(std::move(text));
    entry.second.insert(entry.second.end(), evidence.begin(), evidence.end());
  }
  void emit(const std::string& service, const std::string& address, std::vector<Finding>& out) {
    for (auto& [code, entry] : blocks_) {
      out.push_back(make_finding(code, service, address, join(entry.first, "; "), entry.second));
    }
    blocks_.clear();
  }

 private:
  std::map<std::string, std::pair<std::vector<std::string>, std::vector<std::string>>> blocks_;
};

// Addresses that take the same problematic route share one finding: Bedrock names resolve to
// several public addresses, and one "route 0.0.0.0/0 -> nat-..." line says it for all of them.
struct RouteIssue {
  std::string code;
  RouteVerdict route;
  std::vector<std::string> addresses;
  std::vector<std::string> evidence;
  bool any_public = false;
};

std::string route_code(const std::string& kind) {
  if (kind == "nat-gateway") return "ROUTE_VIA_NAT";
  if (kind == "appliance") return "ROUTE_VIA_APPLIANCE";
  if (kind == "internet-gateway" || kind == "egress-only-igw") return "ROUTE_VIA_IGW";
  if (kind == "transit-gateway") return "ROUTE_VIA_TGW";
  if (kind == "blackhole") return "ROUTE_BLACKHOLE";
  if (kind == "no-route") return "ROUTE_NONE";
  return "";
}

void collect_route_issue(const Resolved& r, const AddressFacts& facts, const RouteVerdict& route,
                         std::vector<RouteIssue>& issues) {
  std::string code = route_code(route.kind);
  if (code.empty()) return;
  auto it = std::find_if(issues.begin(), issues.end(), [&](const RouteIssue& issue) {
    return issue.code == code && issue.route.destination == route.destination &&
           issue.route.target == route.target && issue.route.kind == route.kind;
  });
  if (it == issues.end()) {
    issues.push_back({code, route, {}, {r.table_note}, false});
    it = std::prev(issues.end());
  }
  it->addresses.push_back(facts.ip);
  it->any_public = it->any_public || facts.klass == "public";
  it->evidence.push_back(route.destination.empty()
                             ? "no route matches " + facts.ip
                             : "longest match for " + facts.ip + ": " + route.destination + " -> " +
                                   route.target + " (" + route.kind + ")");
}

void emit_route_issues(const ServicePathInput& in, const Resolved& r,
                       const std::vector<RouteIssue>& issues, std::vector<Finding>& out) {
  for (const auto& issue : issues) {
    const RouteVerdict& route = issue.route;
    std::string via = "route " + route.destination + " -> " + route.target + " in " + r.table.id;
    std::string ips = join(issue.addresses, ", ");
    std::string message;
    if (issue.code == "ROUTE_VIA_NAT") {
      message = via + ": " + ips + " would leave through a NAT gateway";
    } else if (issue.code == "ROUTE_VIA_IGW") {
      message =
          via + ": " + ips + " would leave through an " +
          (route.kind == "egress-only-igw" ? "egress-only internet gateway" : "internet gateway");
    } else if (issue.code == "ROUTE_VIA_TGW") {
      message =
          via + ": " + ips + " goes through a transit gateway" +
          (issue.any_public ? " (public addresses: they likely leave through a central egress VPC)"
                            : " (expected when endpoints live in a hub VPC)");
    } else if (issue.code == "ROUTE_VIA_APPLIANCE") {
      message = via + ": " + ips + " goes through the inspection appliance behind " + route.target +
                " (a Gateway Load Balancer endpoint; AWS Network Firewall endpoints are of this "
                "type)" +
                (issue.any_public ? " and leaves the VPC" : "");
    } else if (issue.code == "ROUTE_BLACKHOLE") {
      message = via + " is a blackhole (its target was deleted): " + ips + " unreachable";
    } else {
      message = "no route in " + r.table.id + " matches " + ips;
    }
    // One address: the finding concerns it; several: the service as a whole.
    std::string address = issue.addresses.size() == 1 ? issue.addresses.front() : "";
    Finding finding = make_finding(issue.code, in.service, address, message, issue.evidence);
    // Critical when the answers leave the VPC through it; to private addresses it is a design.
    if (issue.code == "ROUTE_VIA_APPLIANCE" && !issue.any_public)
      finding.severity = Severity::warning;
    out.push_back(std::move(finding));
  }
}

// Audit: do the endpoint SGs admit TCP 443 from the whole subnet? By CIDR, or only from
// instances carrying a referenced group (then it depends on the instance's SG: a warning).
void subnet_ingress(const ServicePathInput& in, const Resolved& r, const AddressFacts& facts,
                    const std::vector<std::string>& eni_groups, const std::string& target,
                    std::vector<Finding>& out, std::optional<SourceAdmission>& admission) {
  const IpPrefix& range = *r.source_range;
  SgFlow flow{eni_groups, range.address(), {}, 443, false, range, true};
  SgVerdict v = check_security_groups(r.topology->security_groups, flow, in.prefix_lists);
  bool all_missing = v.undescribed_groups.size() == eni_groups.size();
  std::string verdict = v.result == RuleCheck::allowed   ? "allowed"
                        : v.result == RuleCheck::blocked ? "blocked"
                                                         : "unknown";
  if (!admission) admission = SourceAdmission{verdict, v.allowing_rule, {}, {}};
  SourceAdmission& a = *admission;
  if (verdict == "blocked" || (verdict == "unknown" && a.by_cidr == "allowed")) {
    a.by_cidr = verdict;
    a.cidr_rule.clear();
  }
  for (const auto& rule : v.group_rules)
    if (!strings::contains(a.group_rules, rule)) a.group_rules.push_back(rule);
  for (const auto& group : v.admitting_groups)
    if (!strings::contains(a.groups, group)) a.groups.push_back(group);
  std::string source = r.subnet_id + " (" + range.to_string() + ")";
  if (v.result == RuleCheck::blocked) {
    std::string message = "endpoint security groups " + join(eni_groups, ", ") + " of " + target +
                          " admit no TCP 443 from the CIDR of subnet " + source;
    auto f = make_finding("SG_INGRESS_BLOCKS", in.service, facts.ip, message, v.rules_seen);
    if (!v.admitting_groups.empty()) {
      // Only group references admit it: instances carrying one of them get through.
      f.severity = Severity::warning;
      f.message += "; only instances in " + join(v.admitting_groups, ", ") +
                   " are admitted (depends on the instance's SG)";
    }
    out.push_back(std::move(f));
  } else if (v.result == RuleCheck::unknown && !all_missing) {
    auto f =
        make_finding("SG_INGRESS_BLOCKS", in.service, facts.ip,
                     "could not check that endpoint security groups " + join(eni_groups, ", ") +
                         " admit TCP 443 from subnet " + source + ": " + v.why_unknown,
                     v.rules_seen);
    f.severity = Severity::warning;
    out.push_back(std::move(f));
  }
}

void sg_findings(const ServicePathInput& in, const Resolved& r, const AddressFacts& facts,
                 const IpAddress& address, bool endpoint_eni, std::vector<Finding>& out,
                 std::optional<SourceAdmission>& admission) {
  const Topology* topo = r.topology;
  if (!topo || topo->security_groups.empty()) return;
  std::string target = facts.ip + (facts.eni_id.empty() ? "" : " (" + facts.eni_id + ")");
  if (!r.groups.empty()) {
    SgFlow flow{r.groups, address, facts.eni_groups, 443, true};
    SgVerdict v = check_security_groups(topo->security_groups, flow, in.prefix_lists);
    bool all_missing = v.undescribed_groups.size() == r.groups.size();
    if (v.result == RuleCheck::blocked) {
      out.push_back(make_finding("SG_EGRESS_BLOCKS", in.service, facts.ip,
                                 "security groups " + join(r.groups, ", ") +
                                     " of the instance allow no TCP 443 egress to " + target,
                                 v.rules_seen));
    } else if (v.result == RuleCheck::unknown && !all_missing) {
      auto f = make_finding("SG_EGRESS_BLOCKS", in.service, facts.ip,
                            "could not check that security groups " + join(r.groups, ", ") +
                                " allow TCP 443 egress to " + target + ": " + v.why_unknown,
                            v.rules_seen);
      f.severity = Severity::warning;
      out.push_back(std::move(f));
    }
  }
  if (!endpoint_eni) return;
  std::vector<std::string> eni_groups = facts.eni_groups;
  if (eni_groups.empty() && r.endpoint) eni_groups = r.endpoint->group_ids;
  if (r.source_range) {
    if (!eni_groups.empty()) subnet_ingress(in, r, facts, eni_groups, target, out, admission);
    return;
  }
  const std::string& source_text = address.is_v4() ? r.ip4 : r.ip6;
  auto source = IpAddress::parse(source_text);
  if (eni_groups.empty() || !source) return;
  SgFlow flow{eni_groups, *source, r.groups, 443, false};
  SgVerdict v = check_security_groups(topo->security_groups, flow, in.prefix_lists);
  bool all_missing = v.undescribed_groups.size() == eni_groups.size();
  std::string instance = source_text + (r.groups.empty() ? "" : " (" + join(r.groups, ", ") + ")");
  if (v.result == RuleCheck::blocked) {
    out.push_back(make_finding("SG_INGRESS_BLOCKS", in.service, facts.ip,
                               "endpoint security groups " + join(eni_groups, ", ") + " of " +
                                   target + " allow no TCP 443 ingress from the instance " +
                                   instance,
                               v.rules_seen));
  } else if (v.result == RuleCheck::unknown && !all_missing) {
    auto f =
        make_finding("SG_INGRESS_BLOCKS", in.service, facts.ip,
                     "could not check that endpoint security groups " + join(eni_groups, ", ") +
                         " allow TCP 443 from " + instance + ": " + v.why_unknown,
                     v.rules_seen);
    f.severity = Severity::warning;
    out.push_back(std::move(f));
  }
}

bool in_any(const std::vector<std::string>& cidrs, const IpAddress& address) {
  for (const auto& cidr : cidrs) {
    auto prefix = IpPrefix::parse(cidr, true);
    if (prefix && prefix->family() == address.family() && prefix->contains(address)) return true;
  }
  return false;
}

void check_nacl_flow(const NetworkAcl& acl, const NaclFlow& flow, const std::string& code,
                     const std::string& subnet_role, BlockCollector& blocks) {
  NaclVerdict v = evaluate_nacl(acl, flow);
  if (v.all_allowed()) return;
  std::vector<std::string> evidence{acl.id + " is the NACL of the " + subnet_role};
  for (const auto& s : v.segments) {
    evidence.push_back(
        std::string(flow.egress ? "outbound" : "inbound") + " TCP " + std::to_string(s.port_from) +
        "-" + std::to_string(s.port_to) + ": rule " +
        (s.rule_number == kNaclDefaultRule ? std::string("*") : std::to_string(s.rule_number)) +
        (s.allowed ? " allows" : " denies"));
  }
  blocks.add(code, describe_nacl_block(v, flow), evidence);
}

void nacl_findings(const ServicePathInput& in, const Resolved& r, const AddressFacts& facts,
                   const IpAddress& address, std::vector<Finding>& out) {
  const Topology* topo = r.topology;
  if (!topo || topo->network_acls.empty()) return;
  // NACLs filter traffic only where it crosses a subnet boundary.
  bool same_subnet = (!facts.eni_subnet.empty() && facts.eni_subnet == r.subnet_id) ||
                     in_any(r.subnet_cidrs, address);
  if (same_subnet) return;
  BlockCollector blocks;
  int eph_from = in.ephemeral_port_from;
  int eph_to = in.ephemeral_port_to;
  if (const NetworkAcl* acl = nacl_for_subnet(topo->network_acls, r.subnet_id, r.vpc_id)) {
    std::string role = (r.source_range ? "subnet " : "instance subnet ") + r.subnet_id;
    check_nacl_flow(*acl, NaclFlow{true, address, 443, 443}, "NACL_BLOCKS_OUTBOUND", role, blocks);
    check_nacl_flow(*acl, NaclFlow{false, address, eph_from, eph_to}, "NACL_BLOCKS_RETURN", role,
                    blocks);
  }
  bool eni_subnet_in_vpc = !facts.eni_subnet.empty() &&
                           (facts.klass == "endpoint-eni" ||
                            std::any_of(topo->subnets.begin(), topo->subnets.end(),
                                        [&](const Subnet& s) { return s.id == facts.eni_subnet; }));
  auto source = IpAddress::parse(address.is_v4() ? r.ip4 : r.ip6);
  if (r.source_range) source = r.source_range->address();
  if (eni_subnet_in_vpc && source) {
    if (const NetworkAcl* acl = nacl_for_subnet(topo->network_acls, facts.eni_subnet, r.vpc_id)) {
      std::string role = "endpoint subnet " + facts.eni_subnet;
      check_nacl_flow(*acl, NaclFlow{false, *source, 443, 443, r.source_range},
                      "NACL_BLOCKS_OUTBOUND", role, blocks);
      check_nacl_flow(*acl, NaclFlow{true, *source, eph_from, eph_to, r.source_range},
                      "NACL_BLOCKS_RETURN", role, blocks);
    }
  }
  blocks.emit(in.service, facts.ip, out);
}

}  // namespace

ServicePathResult analyze_service_path(const ServicePathInput& input) {
  ServicePathResult result;
  Resolved r = resolve(input);
  const Topology* topo = input.topology;

  bool all_this_endpoint = !input.host_path_addresses.empty();
  bool all_hub = !input.host_path_addresses.empty();
  size_t worst = path_rank("private-endpoint");
  std::vector<RouteIssue> route_issues;
  for (const auto& raw : input.host_path_addresses) {
    AddressFacts facts = enrich(raw, topo);
    auto parsed = IpAddress::parse(facts.ip);
    if (!parsed) {
      result.routes.emplace_back(facts.ip, RouteVerdict{"unknown", "", ""});
      all_this_endpoint = all_hub = false;
      worst = std::min(worst, path_rank("unknown"));
      continue;
    }
    IpAddress address = parsed->unmapped_v4().value_or(*parsed);
    RouteVerdict route = lookup_route(r.table, address, input.prefix_lists);
    if (!r.table_known && route.kind == "no-route") route.kind = "unknown";
    // botocore's Route has no endpoint member: a route to a vpce- comes as gatewayId. Its type
    // decides the hop: a GatewayLoadBalancer endpoint (also what Network Firewall places) is an
    // inspection appliance, never a gateway endpoint.
    if (route.kind == "gateway-endpoint" && topo) {
      for (const auto& endpoint : topo->endpoints) {
        if (endpoint.id == route.target && iequals(endpoint.type, "GatewayLoadBalancer"))
          route.kind = "appliance";
      }
    }
    result.routes.emplace_back(facts.ip, route);

    const VpcEndpoint* owner = endpoint_owning(topo, facts.eni_id);
    bool endpoint_eni = facts.klass == "endpoint-eni";
    bool this_endpoint =
        endpoint_eni && (!owner || iequals(owner->service_name, input.service_name));
    all_this_endpoint = all_this_endpoint && this_endpoint;
    all_hub = all_hub && facts.klass == "private-outside-vpc" &&
              (route.kind == "transit-gateway" || route.kind == "peering");
    worst = std::min(worst, path_rank(path_of(route, this_endpoint)));

    collect_route_issue(r, facts, route, route_issues);
    if (route.kind == "blackhole" || route.kind == "no-route") continue;
    sg_findings(input, r, facts, address, this_endpoint, result.findings, result.admission);
    nacl_findings(input, r, facts, address, result.findings);
  }
  if (!input.host_path_addresses.empty()) {
    result.path = kPathOrder[worst];
  }
  // Route findings lead: they decide whether the filters matter at all.
  std::vector<Finding> route_findings;
  emit_route_issues(input, r, route_issues, route_findings);
  result.findings.insert(result.findings.begin(), route_findings.begin(), route_findings.end());

  if (r.endpoint && topo) result.endpoint = summarize_endpoint(*topo, *r.endpoint);
  if (topo) {
    EndpointCheckInput check{
        input.service, input.hostname, input.service_name, r.vpc_id,
        r.az,          all_hub,        all_this_endpoint,  input.endpoints_hidden};
    auto endpoint_out = endpoint_findings(*topo, r.endpoint, check);
    result.findings.insert(result.findings.end(), endpoint_out.begin(), endpoint_out.end());
  }
  return result;
}

}  // namespace bedrock_reach

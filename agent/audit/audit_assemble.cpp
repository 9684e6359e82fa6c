#include "audit/audit_assemble.hpp"

#include <algorithm>

#include "bedrock_reach/strings.hpp"
#include "classify/address_class.hpp"
#include "path/causes.hpp"
#include "path/endpoint_rules.hpp"
#include "path/subnet_audit.hpp"

namespace bedrock_reach {
namespace {

std::vector<std::string> vpc_cidrs(const Topology& topology) {
  std::vector<std::string> cidrs;
  if (!topology.vpc) return cidrs;
  cidrs = topology.vpc->ipv4_cidrs;
  cidrs.insert(cidrs.end(), topology.vpc->ipv6_cidrs.begin(), topology.vpc->ipv6_cidrs.end());
  return cidrs;
}

std::vector<const NetworkInterface*> endpoint_enis(const Topology& topology,
                                                   const VpcEndpoint& endpoint) {
  std::vector<const NetworkInterface*> out;
  for (const auto& eni : topology.network_interfaces) {
    if (strings::contains(endpoint.network_interface_ids, eni.id)) out.push_back(&eni);
  }
  return out;
}

std::vector<std::string> eni_ips(const std::vector<const NetworkInterface*>& enis) {
  std::vector<std::string> ips;
  for (const auto* eni : enis) {
    if (!eni->private_ip.empty()) ips.push_back(eni->private_ip);
    for (const auto& ip : eni->private_ips)
      if (!strings::contains(ips, ip)) ips.push_back(ip);
    for (const auto& ip : eni->ipv6_addresses) ips.push_back(ip);
  }
  return ips;
}

/// The Amazon resolver's addresses for the service, as asked from this host (every Amazon
/// resolver address answers for the same VPC; the first that answered is taken).
std::vector<std::string> measured_answer(const std::map<std::string, NameResolution>& measured,
                                         const std::string& service) {
  auto found = measured.find(service);
  if (found == measured.end()) return {};
  for (const auto& answer : found->second.answers) {
    if (answer.kind == ResolverSpec::Kind::amazon && answer.status == "ok") return answer.addresses;
  }
  return {};
}

/// Another VPC: what its resolver would answer follows from the endpoint's private DNS and the
/// VPC's DNS attributes (PrivateLink guide, "DNS hostnames"); public otherwise (addresses
/// unknown here).
std::vector<std::string> inferred_answer(const Topology& topology, const VpcEndpoint* endpoint) {
  if (endpoint == nullptr || !endpoint->private_dns_enabled) return {};
  if (topology.dns_attributes.enable_dns_support == false ||
      topology.dns_attributes.enable_dns_hostnames == false)
    return {};
  return eni_ips(endpoint_enis(topology, *endpoint));
}

bool subnet_before(const SubnetVerdict& a, const SubnetVerdict& b) {
  if (a.az != b.az) return a.az < b.az;
  auto pa = IpPrefix::parse(a.cidr, true);
  auto pb = IpPrefix::parse(b.cidr, true);
  if (pa && pb && *pa != *pb) return *pa < *pb;
  return a.id < b.id;
}

AuditVpc audit_vpc(const AuditFacts& facts, const AuditVpcFacts& in) {
  AuditVpc vpc{.id = in.vpc_id};
  if (in.topology != nullptr) vpc.gaps = in.topology->gaps;
  if (in.topology == nullptr) vpc.gaps.push_back("not discovered: no EC2 API evidence");
  if (in.topology == nullptr || !in.topology->vpc) {
    if (in.topology != nullptr) vpc.gaps.push_back("the EC2 API did not describe " + vpc.id);
    return vpc;
  }
  const Topology& topology = *in.topology;
  vpc.resolver_source = in.measured != nullptr ? "measured" : "inferred";
  std::vector<PrefixList> prefix_lists;
  for (const auto& list : topology.prefix_lists)
    prefix_lists.push_back(PrefixList{list.id, list.cidrs});

  std::vector<AuditServiceInput> services;
  for (const auto& target : *facts.targets) {
    std::string service_name = facts.region->privatelink_service_name(endpoint_service(target));
    const VpcEndpoint* endpoint = find_interface_endpoint(topology, service_name, vpc.id);
    std::vector<const NetworkInterface*> enis;
    if (endpoint != nullptr) enis = endpoint_enis(topology, *endpoint);
    for (const auto* eni : enis) {
      vpc.enis.push_back(AuditEni{target.service, endpoint->id, eni->id, eni->subnet_id,
                                  eni->availability_zone, eni->private_ip});
    }
    ClassifyInput classify;
    classify.vpc_cidrs = parse_cidrs(vpc_cidrs(topology));
    classify.endpoint_eni_ips = eni_ips(enis);
    classify.topology_known =
        endpoints_were_listed(topology) &&
        (endpoint == nullptr || topology.read_complete("DescribeNetworkInterfaces"));
    AuditServiceInput service{target.service, target.hostname, service_name, {}};
    if (endpoint != nullptr) {
      service.endpoint_id = endpoint->id;
      service.policy_document = endpoint->policy_document;
      if (takes_model_resource(target.service)) service.policy_resources = facts.model_resources;
    }
    std::vector<std::string> answer = in.measured != nullptr
                                          ? measured_answer(*in.measured, target.service)
                                          : inferred_answer(topology, endpoint);
    for (const auto& ip : answer) {
      service.answers.push_back(
          AddressFacts{.ip = ip, .klass = classify_address_text(ip, classify)});
    }
    vpc.answers.push_back(AuditAnswer{target.service, target.hostname, answer});
    services.push_back(std::move(service));
  }
  for (const auto& subnet : topology.subnets) {
    if (!subnet.vpc_id.empty() && subnet.vpc_id != vpc.id) continue;
    vpc.subnets.push_back(
        audit_subnet(topology, subnet, services, prefix_lists,
                     facts.policy_principal ? &*facts.policy_principal : nullptr));
    if (!strings::contains(vpc.azs, subnet.availability_zone))
      vpc.azs.push_back(subnet.availability_zone);
  }
  std::sort(vpc.azs.begin(), vpc.azs.end());
  std::sort(vpc.subnets.begin(), vpc.subnets.end(), subnet_before);
  return vpc;
}

}  // namespace

AuditReport assemble_audit(const AuditFacts& facts, Report check) {
  AuditReport report;
  report.region = check.region;
  report.evidence = check.evidence;
  report.host_subnet = facts.host_subnet;
  if (facts.policy_principal) {
    report.policy_judged = true;
    report.policy_principal = facts.policy_principal->principal_arn;
    report.policy_resources = facts.model_resources;
  }
  report.findings = facts.findings;
  bool any_subnet = false;
  bool vpc_unjudged = facts.vpcs.empty();
  Severity worst_subnet = Severity::ok;
  if (facts.region && facts.targets != nullptr) {
    for (const auto& in : facts.vpcs) {
      AuditVpc vpc = audit_vpc(facts, in);
      vpc_unjudged = vpc_unjudged || in.topology == nullptr || !in.topology->vpc;
      if (in.topology != nullptr && in.topology->vpc) {
        auto vpc_findings = analyze_vpc(*in.topology);
        report.findings.insert(report.findings.end(), vpc_findings.begin(), vpc_findings.end());
      }
      for (const auto& subnet : vpc.subnets) {
        any_subnet = true;
        worst_subnet = worst(worst_subnet, subnet.status);
      }
      report.vpcs.push_back(std::move(vpc));
    }
  }
  link_causes(report.findings);
  // The worst subnet decides; VPC-wide problems (DNS attributes, discovery) count too, and a VPC
  // that could not be judged (or no subnet at all) is unknown.
  report.status = any_subnet ? worst_subnet : Severity::unknown;
  if (vpc_unjudged) report.status = Severity::unknown;
  for (const auto& finding : report.findings) {
    if (finding.severity != Severity::info && any_subnet)
      report.status = worst(report.status, finding.severity);
  }
  report.check = std::move(check);
  return report;
}

}  // namespace bedrock_reach

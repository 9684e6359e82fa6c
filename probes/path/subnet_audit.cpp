#include "path/subnet_audit.hpp"

#include <algorithm>

#include "bedrock_reach/strings.hpp"
#include "path/causes.hpp"
#include "path/endpoint_rules.hpp"
#include "path/route_lookup.hpp"

namespace bedrock_reach {
namespace {

/// The endpoint policy with the subnet as the source (see audit_subnet).
std::vector<Finding> subnet_policy_findings(const PolicyRequest& principal,
                                            const std::string& vpc_id, const Subnet& subnet,
                                            const AuditServiceInput& service) {
  PolicyRequest request = principal;
  request.source_vpc = vpc_id;
  request.source_vpce = service.endpoint_id;
  request.source_ip.clear();
  // An IPv6-only subnet has no IPv4 CIDR: its clients' source is the IPv6 range.
  request.source_range =
      !subnet.cidr.empty() || subnet.ipv6_cidrs.empty() ? subnet.cidr : subnet.ipv6_cidrs.front();
  request.actions = required_actions(service.service_name);
  std::string who =
      principal.principal_arn.empty() ? "an unknown principal" : principal.principal_arn;
  std::vector<std::string> resources = service.policy_resources;
  if (resources.empty()) resources.push_back("*");
  std::vector<Finding> findings;
  for (const auto& resource : resources) {
    request.resource = resource;
    auto verdicts = evaluate_endpoint_policy(service.policy_document, request);
    for (auto& finding : policy_findings(service.service, service.endpoint_id, verdicts)) {
      if (resource != "*") finding.evidence.push_back("resource " + resource + " (--model)");
      finding.evidence.push_back("judged for " + who +
                                 " (the host's check principal) with aws:VpcSourceIp = the "
                                 "subnet " +
                                 request.source_range);
      findings.push_back(std::move(finding));
    }
  }
  return findings;
}

}  // namespace

SubnetVerdict audit_subnet(const Topology& topology, const Subnet& subnet,
                           const std::vector<AuditServiceInput>& services,
                           const std::vector<PrefixList>& prefix_lists,
                           const PolicyRequest* policy_principal) {
  SubnetVerdict verdict{.id = subnet.id,
                        .cidr = subnet.cidr,
                        .az = subnet.availability_zone,
                        .az_id = subnet.availability_zone_id};
  std::string vpc_id = topology.vpc ? topology.vpc->id : subnet.vpc_id;
  verdict.route_association = "unknown";
  if (const RouteTable* table = route_table_for_subnet(topology.route_tables, subnet.id, vpc_id)) {
    verdict.route_table = table->id;
    bool explicit_assoc =
        std::any_of(table->associations.begin(), table->associations.end(),
                    [&](const RouteTableAssociation& a) { return a.subnet_id == subnet.id; });
    verdict.route_association = explicit_assoc ? "explicit" : "main";
  }
  for (const auto& service : services) {
    ServicePathInput input;
    input.service = service.service;
    input.hostname = service.hostname;
    input.service_name = service.service_name;
    input.topology = &topology;
    input.host_path_addresses = service.answers;
    input.instance_subnet_id = subnet.id;
    input.instance_az = subnet.availability_zone;
    input.source_cidr = subnet.cidr;
    input.prefix_lists = prefix_lists;
    ServicePathResult path = analyze_service_path(input);

    SubnetServiceVerdict out{.name = service.service, .path = path.path};
    out.endpoint = path.endpoint;
    if (path.endpoint && !path.endpoint->azs.empty())
      out.endpoint_in_az = strings::contains(path.endpoint->azs, subnet.availability_zone);
    out.admission = path.admission;
    out.findings = std::move(path.findings);
    if (policy_principal != nullptr && !service.policy_document.empty()) {
      auto policy = subnet_policy_findings(*policy_principal, vpc_id, subnet, service);
      out.findings.insert(out.findings.end(), policy.begin(), policy.end());
    }
    link_causes(out.findings);
    for (const auto& finding : out.findings) {
      if (finding.severity != Severity::info) out.status = worst(out.status, finding.severity);
    }
    verdict.status = worst(verdict.status, out.status);
    verdict.services.push_back(std::move(out));
  }
  return verdict;
}

}  // namespace bedrock_reach

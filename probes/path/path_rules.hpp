#pragma once
// Per-service path verdict: for each address the host's resolver returns, which route it takes,
// whether security groups and NACLs pass TCP 443 both ways, and whether the service's endpoint
// is usable. Pure: everything comes in through ServicePathInput.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bedrock_reach/audit_report.hpp"
#include "bedrock_reach/report.hpp"
#include "bedrock_reach/topology.hpp"
#include "path/endpoint_rules.hpp"
#include "path/route_lookup.hpp"

namespace bedrock_reach {

/// One host-path answer with what the DNS stage learned about it.
struct AddressFacts {
  std::string ip;
  std::string klass;  // from classify_address: endpoint-eni|vpc-private|private-outside-vpc|...
  std::string eni_id;
  std::string eni_subnet;
  std::string eni_az;
  std::vector<std::string> eni_groups;
};

struct ServicePathInput {
  std::string service;                         // bedrock-runtime
  std::string hostname;                        // bedrock-runtime.us-east-1.amazonaws.com
  std::string service_name;                    // com.amazonaws.us-east-1.bedrock-runtime
  const InstanceIdentity* instance = nullptr;  // may be null (off EC2)
  const Topology* topology = nullptr;          // may be null (no API evidence)
  std::vector<AddressFacts> host_path_addresses;
  // Empty fields fall back to the instance's primary interface (IMDS).
  std::string instance_ip;
  std::vector<std::string> instance_group_ids;
  std::string instance_subnet_id;
  std::string instance_az;
  std::string instance_ipv6;  // source for IPv6 answers
  // Extras: prefix lists whose CIDRs are known, and the client's ephemeral port range
  // (Linux default net.ipv4.ip_local_port_range).
  std::vector<PrefixList> prefix_lists;
  int ephemeral_port_from = 32768;
  int ephemeral_port_to = 60999;
  // The VPC belongs to another account (shared VPC): its endpoints are not in the caller's list.
  bool endpoints_hidden = false;
  // Audit (issue 20): the source is every address of subnet instance_subnet_id, whose CIDR this
  // is, not one instance. The route table is that subnet's (never Topology::instance_route_table);
  // endpoint SGs and NACLs must admit the whole CIDR; SG rules that reference groups are
  // reported as "depends on the instance's SG" (ServicePathResult::admission); instance SG egress
  // is checked only when instance_group_ids is given.
  std::string source_cidr;
};

/// How the endpoint security groups admit a subnet (audit): by a CIDR rule covering the whole
/// subnet, or only by rules that reference groups its instances may or may not carry.
struct ServicePathResult {
  std::string path = "unknown";  // report.hpp ServiceResult::path values
  std::optional<EndpointSummary> endpoint;
  std::vector<std::pair<std::string, RouteVerdict>> routes;  // per ip, host-path order
  std::vector<Finding> findings;
  std::optional<SourceAdmission> admission;  // source_cidr set and an endpoint ENI was judged
};

/// Route, SG, NACL and endpoint findings for one service. `path` is "private-endpoint" only
/// when every answer is one of the service endpoint's ENIs reached by a local route.
ServicePathResult analyze_service_path(const ServicePathInput& input);

}  // namespace bedrock_reach

#pragma once
// Endpoint and VPC checks: does the service have a usable interface endpoint in this VPC, with
// private DNS, in the instance's AZ; are the VPC's DNS settings what private DNS needs.
#include <optional>
#include <string>
#include <vector>

#include "bedrock_reach/report.hpp"
#include "bedrock_reach/topology.hpp"

namespace bedrock_reach {

/// The interface endpoint for `service_name` (com.amazonaws.REGION.svc) in `vpc_id` (any VPC
/// when empty). Several candidates: private DNS on first, then available, then listing order.
const VpcEndpoint* find_interface_endpoint(const Topology& topology,
                                           const std::string& service_name,
                                           const std::string& vpc_id);

/// True when discovery really listed the VPC's endpoints (so "none found" means missing).
bool endpoints_were_listed(const Topology& topology);

/// id, state, private DNS, subnets and the AZs of its ENIs (or of its subnets when the ENIs
/// were not described).
EndpointSummary summarize_endpoint(const Topology& topology, const VpcEndpoint& endpoint);

struct EndpointCheckInput {
  std::string service;  // bedrock-runtime
  std::string hostname;
  std::string service_name;
  std::string vpc_id;
  std::string instance_az;
  // True when every host-path answer is a private address outside the VPC reached over a
  // transit gateway or peering: the supported hub-VPC design, where no local endpoint is fine.
  bool hub_design = false;
  // True when every host-path answer is one of this endpoint's ENIs.
  bool answers_are_endpoint = false;
  // True when the endpoint list cannot show this VPC's endpoints (a shared VPC owned by another
  // account): no endpoint found is then no evidence of no endpoint.
  bool endpoints_hidden = false;
};

/// ENDPOINT_MISSING, ENDPOINT_NOT_AVAILABLE, ENDPOINT_PRIVATE_DNS_DISABLED, ENDPOINT_SINGLE_AZ,
/// ENDPOINT_AZ_MISSING for one service (address empty).
std::vector<Finding> endpoint_findings(const Topology& topology, const VpcEndpoint* endpoint,
                                       const EndpointCheckInput& input);

/// VPC_DNS_ATTRIBUTES and DHCP_CUSTOM_DNS, check-wide (service ""). Unknown attributes are
/// not reported here (discovery reports what it could not read).
std::vector<Finding> analyze_vpc(const Topology& topology);

}  // namespace bedrock_reach

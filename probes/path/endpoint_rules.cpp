#include "path/endpoint_rules.hpp"

#include <algorithm>

#include "bedrock_reach/probe.hpp"
#include "bedrock_reach/strings.hpp"

namespace bedrock_reach {
namespace {

using strings::iequals;
using strings::join;

void add_unique(std::vector<std::string>& items, const std::string& value) {
  if (!value.empty() && !strings::contains(items, value)) items.push_back(value);
}

bool is_vpce_hostname(const std::string& hostname) {
  return hostname.find(".vpce.amazonaws.com") != std::string::npos ||
         hostname.find(".vpce.amazonaws.com.cn") != std::string::npos;
}

}  // namespace

bool endpoints_were_listed(const Topology& topology) {
  if (!topology.read_complete("DescribeVpcEndpoints")) return false;
  for (const auto& action : topology.denied_actions) {
    if (iequals(action, "ec2:DescribeVpcEndpoints")) return false;
  }
  return true;
}

const VpcEndpoint* find_interface_endpoint(const Topology& topology,
                                           const std::string& service_name,
                                           const std::string& vpc_id) {
  const VpcEndpoint* best = nullptr;
  auto rank = [](const VpcEndpoint& e) {
    return (e.private_dns_enabled ? 2 : 0) + (iequals(e.state, "available") ? 1 : 0);
  };
  for (const auto& endpoint : topology.endpoints) {
    if (!iequals(endpoint.service_name, service_name)) continue;
    if (!endpoint.type.empty() && !iequals(endpoint.type, "Interface")) continue;
    if (!vpc_id.empty() && !endpoint.vpc_id.empty() && endpoint.vpc_id != vpc_id) continue;
    if (!best || rank(endpoint) > rank(*best)) best = &endpoint;
  }
  return best;
}

EndpointSummary summarize_endpoint(const Topology& topology, const VpcEndpoint& endpoint) {
  EndpointSummary summary;
  summary.id = endpoint.id;
  summary.state = endpoint.state;
  summary.private_dns = endpoint.private_dns_enabled;
  summary.subnets = endpoint.subnet_ids;
  for (const auto& eni_id : endpoint.network_interface_ids) {
    for (const auto& eni : topology.network_interfaces) {
      if (eni.id != eni_id) continue;
      add_unique(summary.azs, eni.availability_zone);
      add_unique(summary.subnets, eni.subnet_id);
    }
  }
  if (summary.azs.empty()) {
    for (const auto& subnet_id : endpoint.subnet_ids) {
      for (const auto& subnet : topology.subnets) {
        if (subnet.id == subnet_id) add_unique(summary.azs, subnet.availability_zone);
      }
    }
  }
  std::sort(summary.azs.begin(), summary.azs.end());
  return summary;
}

std::vector<Finding> endpoint_findings(const Topology& topology, const VpcEndpoint* endpoint,
                                       const EndpointCheckInput& input) {
  std::vector<Finding> out;
  const std::string& svc = input.service;
  if (!endpoint) {
    // Endpoints centralised in a hub VPC are a supported design: no local endpoint is needed
    // (DNS_OUTSIDE_VPC and the route findings describe that path), so none is claimed missing.
    if (!endpoints_were_listed(topology) || input.endpoints_hidden || input.hub_design) return out;
    std::string where = input.vpc_id.empty() ? "this VPC" : input.vpc_id;
    out.push_back(
        make_finding("ENDPOINT_MISSING", svc, "",
                     "no interface endpoint for " + input.service_name + " in " + where,
                     {"DescribeVpcEndpoints listed " + std::to_string(topology.endpoints.size()) +
                      " endpoint(s), none for " + input.service_name}));
    return out;
  }

  std::vector<std::string> evidence{endpoint->id + " service " + endpoint->service_name +
                                    " state " + endpoint->state + " private DNS " +
                                    (endpoint->private_dns_enabled ? "on" : "off")};
  if (!iequals(endpoint->state, "available")) {
    out.push_back(make_finding(
        "ENDPOINT_NOT_AVAILABLE", svc, "",
        "endpoint " + endpoint->id + " for " + input.service_name + " is in state " +
            (endpoint->state.empty() ? "(empty)" : endpoint->state) + ", not available",
        evidence));
  }
  if (!endpoint->private_dns_enabled && !is_vpce_hostname(input.hostname)) {
    auto finding =
        make_finding("ENDPOINT_PRIVATE_DNS_DISABLED", svc, "",
                     "endpoint " + endpoint->id + " has private DNS off: " + input.hostname +
                         " does not resolve to its ENIs",
                     evidence);
    if (input.answers_are_endpoint) {
      // Something else (a private hosted zone, /etc/hosts) already points the name at the
      // ENIs; calls work, but nothing AWS-managed keeps that record right.
      finding.severity = Severity::warning;
      finding.message = "endpoint " + endpoint->id + " has private DNS off, but " + input.hostname +
                        " already resolves to its ENIs through another record";
    }
    out.push_back(std::move(finding));
  }

  EndpointSummary summary = summarize_endpoint(topology, *endpoint);
  std::vector<std::string> az_evidence{
      endpoint->id + " ENI AZs: " + (summary.azs.empty() ? "(unknown)" : join(summary.azs, ", "))};
  if (summary.azs.size() == 1) {
    out.push_back(make_finding(
        "ENDPOINT_SINGLE_AZ", svc, "",
        "endpoint " + endpoint->id + " has network interfaces only in " + summary.azs.front(),
        az_evidence));
  }
  if (!input.instance_az.empty() && !summary.azs.empty() &&
      !strings::contains(summary.azs, input.instance_az)) {
    az_evidence.push_back("instance AZ: " + input.instance_az);
    out.push_back(make_finding("ENDPOINT_AZ_MISSING", svc, "",
                               "endpoint " + endpoint->id + " has no network interface in " +
                                   input.instance_az + " (only " + join(summary.azs, ", ") +
                                   "): calls cross AZs",
                               az_evidence));
  }
  return out;
}

std::vector<Finding> analyze_vpc(const Topology& topology) {
  std::vector<Finding> out;
  std::string vpc = topology.vpc ? topology.vpc->id : std::string("the VPC");
  const auto& attrs = topology.dns_attributes;
  std::vector<std::string> off;
  if (attrs.enable_dns_support == false) off.push_back("enableDnsSupport");
  if (attrs.enable_dns_hostnames == false) off.push_back("enableDnsHostnames");
  if (!off.empty()) {
    auto state = [](const std::optional<bool>& v) {
      return v ? (*v ? std::string("true") : std::string("false")) : std::string("unknown");
    };
    out.push_back(make_finding(
        "VPC_DNS_ATTRIBUTES", "", "",
        join(off, " and ") + " off on " + vpc + ": private DNS for interface endpoints needs both",
        {"enableDnsSupport=" + state(attrs.enable_dns_support),
         "enableDnsHostnames=" + state(attrs.enable_dns_hostnames)}));
  }
  if (topology.dhcp_options) {
    std::vector<std::string> custom;
    bool amazon = false;
    for (const auto& server : topology.dhcp_options->domain_name_servers) {
      if (iequals(server, "AmazonProvidedDNS")) {
        amazon = true;
      } else {
        custom.push_back(server);
      }
    }
    if (!custom.empty()) {
      std::string message = "DHCP options " + topology.dhcp_options->id + " of " + vpc +
                            " use custom DNS servers " + join(custom, ", ");
      if (amazon) message += " alongside AmazonProvidedDNS (AWS warns this mix is unpredictable)";
      out.push_back(make_finding(
          "DHCP_CUSTOM_DNS", "", "", message,
          {"domain-name-servers=" + join(topology.dhcp_options->domain_name_servers, ",")}));
    }
  }
  return out;
}

}  // namespace bedrock_reach

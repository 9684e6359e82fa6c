#include "check/assemble.hpp"

#include <algorithm>
#include <map>

#include "bedrock_reach/probe.hpp"
#include "classify/address_class.hpp"
#include "dns/dns_rules.hpp"
#include "dns/targets.hpp"
#include "path/causes.hpp"
#include "path/endpoint_inference.hpp"
#include "path/endpoint_rules.hpp"
#include "path/path_rules.hpp"
#include "policy/policy_eval.hpp"

namespace bedrock_reach {
namespace {

void append(std::vector<Finding>& into, const std::vector<Finding>& from) {
  into.insert(into.end(), from.begin(), from.end());
}

std::vector<std::string> vpc_cidrs(const Topology* topology, const InstanceIdentity* identity) {
  std::vector<std::string> cidrs;
  if (topology != nullptr && topology->vpc) {
    cidrs = topology->vpc->ipv4_cidrs;
    cidrs.insert(cidrs.end(), topology->vpc->ipv6_cidrs.begin(), topology->vpc->ipv6_cidrs.end());
  } else if (identity != nullptr && identity->primary() != nullptr) {
    cidrs = identity->primary()->vpc_ipv4_cidrs;
    const auto& v6 = identity->primary()->vpc_ipv6_cidrs;
    cidrs.insert(cidrs.end(), v6.begin(), v6.end());
  }
  return cidrs;
}

std::vector<std::string> interface_ips(const NetworkInterface& eni) {
  std::vector<std::string> ips;
  if (!eni.private_ip.empty()) ips.push_back(eni.private_ip);
  for (const auto& ip : eni.private_ips) {
    if (std::find(ips.begin(), ips.end(), ip) == ips.end()) ips.push_back(ip);
  }
  ips.insert(ips.end(), eni.ipv6_addresses.begin(), eni.ipv6_addresses.end());
  return ips;
}

/// The ENIs by address, built once per report: scanning every ENI for every answer made assembly
/// quadratic in the targets. The first ENI (in the API's order) listing an address wins, as before.
using EniIndex = std::map<IpAddress, const NetworkInterface*>;

EniIndex index_enis(const Topology* topology) {
  EniIndex index;
  if (topology == nullptr) return index;
  for (const auto& eni : topology->network_interfaces) {
    for (const auto& candidate : interface_ips(eni)) {
      if (auto parsed = IpAddress::parse(candidate)) index.emplace(*parsed, &eni);
    }
  }
  return index;
}

const NetworkInterface* eni_with_ip(const EniIndex& enis, const std::string& ip) {
  auto wanted = IpAddress::parse(ip);
  if (!wanted) return nullptr;
  auto found = enis.find(*wanted);
  return found == enis.end() ? nullptr : found->second;
}

std::vector<std::string> endpoint_eni_ips(const Topology* topology, const VpcEndpoint* endpoint) {
  std::vector<std::string> ips;
  if (topology == nullptr || endpoint == nullptr) return ips;
  for (const auto& eni : topology->network_interfaces) {
    if (std::find(endpoint->network_interface_ids.begin(), endpoint->network_interface_ids.end(),
                  eni.id) == endpoint->network_interface_ids.end()) {
      continue;
    }
    for (const auto& ip : interface_ips(eni)) ips.push_back(ip);
  }
  return ips;
}

std::string family_of(const std::string& ip) {
  auto parsed = IpAddress::parse(ip);
  return parsed && !parsed->is_v4() ? "ipv6" : "ipv4";
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

/// A signed call refused by a policy that the local evaluation explains as scoped to some models
/// (POLICY_SCOPED) says nothing about the application's models: a warning, linked to the cause.
void soften_scoped_refusals(std::vector<Finding>& findings) {
  for (auto& finding : findings) {
    if (finding.code != "SIGNED_CALL_DENIED_POLICY" && finding.code != "SIGNED_CALL_DENIED_IAM")
      continue;
    bool scoped = std::any_of(findings.begin(), findings.end(), [&](const Finding& f) {
      return f.code == "POLICY_SCOPED" && f.service == finding.service;
    });
    bool explicit_deny = finding.message.find("explicit deny") != std::string::npos;
    if (!scoped || explicit_deny) continue;
    finding.severity = Severity::warning;
    finding.message +=
        " (the policy is scoped to some models and the probe's stand-in model is "
        "outside it: see POLICY_SCOPED)";
  }
}

/// Why the endpoint list cannot show this VPC's endpoint for the service, or "" when it can.
std::string endpoints_hidden_reason(const Topology* topology, const InstanceIdentity* identity,
                                    bool topology_known) {
  if (topology != nullptr && topology->vpc && identity != nullptr &&
      !topology->vpc->owner_id.empty() && !identity->account_id.empty() &&
      topology->vpc->owner_id != identity->account_id) {
    return "the VPC is owned by account " + topology->vpc->owner_id + ", not this instance's " +
           identity->account_id +
           " (shared VPC): DescribeVpcEndpoints lists only the caller's "
           "own endpoints";
  }
  if (topology_known) return "";
  if (topology == nullptr)
    return "no EC2 API evidence (no credentials, --no-api, or no instance metadata)";
  if (!topology->api_reachable) return "the EC2 API could not be reached";
  for (const char* action : {"ec2:DescribeVpcEndpoints", "ec2:DescribeNetworkInterfaces"}) {
    if (contains(topology->denied_actions, action))
      return std::string("the EC2 API denied ") + action;
  }
  return "the EC2 API did not list the VPC's endpoints";
}

AddressResult& address_entry(ServiceResult& service, const std::string& ip) {
  for (auto& entry : service.addresses) {
    if (entry.ip == ip) return entry;
  }
  service.addresses.push_back(AddressResult{.ip = ip, .family = family_of(ip)});
  return service.addresses.back();
}

void add_service(const CheckFacts& facts, const EniIndex& enis, const Target& target,
                 Report& report) {
  const InstanceIdentity* identity =
      facts.instance != nullptr && facts.instance->identity ? &*facts.instance->identity : nullptr;
  const Topology* topology = facts.topology;
  ServiceResult service{.name = target.service,
                        .hostname = target.hostname,
                        .hostname_source = target.hostname_source};
  // A FIPS host has its own PrivateLink service (com.amazonaws.REGION.bedrock-runtime-fips).
  std::string service_name = facts.region->privatelink_service_name(endpoint_service(target));
  const VpcEndpoint* endpoint =
      topology != nullptr
          ? find_interface_endpoint(*topology, service_name, topology->vpc ? topology->vpc->id : "")
          : nullptr;

  ClassifyInput classify;
  classify.vpc_cidrs = parse_cidrs(vpc_cidrs(topology, identity));
  classify.endpoint_eni_ips = endpoint_eni_ips(topology, endpoint);
  // An endpoint's addresses come from DescribeNetworkInterfaces: without that list nothing can
  // say an answer is not one of them.
  classify.topology_known =
      topology != nullptr && endpoints_were_listed(*topology) &&
      (endpoint == nullptr || topology->read_complete("DescribeNetworkInterfaces"));
  // No endpoint evidence is not evidence of no endpoint: a shared VPC's owner endpoints, or an
  // API that could not list them, hide it. Then the data plane decides (ENDPOINT_INFERRED).
  std::string hidden = endpoint == nullptr
                           ? endpoints_hidden_reason(topology, identity, classify.topology_known)
                           : "";
  if (!hidden.empty()) classify.topology_known = false;

  std::vector<AddressFacts> host_path;
  if (auto found = facts.resolutions->find(target.service); found != facts.resolutions->end()) {
    append(report.findings, dns_findings(found->second, classify, *facts.hosts));
    for (const auto& answer : found->second.answers) {
      for (const auto& ip : answer.addresses) {
        AddressResult& entry = address_entry(service, ip);
        entry.resolvers.push_back(answer.resolver);
        if (entry.klass.empty()) {
          entry.klass = classify_address_text(ip, classify);
          if (const NetworkInterface* eni = eni_with_ip(enis, ip)) {
            entry.eni = eni->id;
            entry.subnet = eni->subnet_id;
            entry.az = eni->availability_zone;
          }
        }
        if (answer.kind == ResolverSpec::Kind::host &&
            std::none_of(host_path.begin(), host_path.end(),
                         [&](const AddressFacts& a) { return a.ip == ip; })) {
          AddressFacts fact{.ip = ip,
                            .klass = entry.klass,
                            .eni_id = entry.eni,
                            .eni_subnet = entry.subnet,
                            .eni_az = entry.az};
          if (const NetworkInterface* eni = eni_with_ip(enis, ip)) fact.eni_groups = eni->group_ids;
          host_path.push_back(std::move(fact));
        }
      }
    }
  }

  if (identity != nullptr) {
    ServicePathInput input;
    input.service = target.service;
    input.hostname = target.hostname;
    input.service_name = service_name;
    input.instance = identity;
    input.topology = topology;
    input.host_path_addresses = host_path;
    input.endpoints_hidden = !hidden.empty();
    if (topology != nullptr) {
      for (const auto& list : topology->prefix_lists)
        input.prefix_lists.push_back(
            PrefixList{list.id, list.cidrs, list.entries_read, list.name, list.owner_id});
    }
    ServicePathResult path = analyze_service_path(input);
    service.path = path.path;
    service.endpoint = path.endpoint;
    for (const auto& [ip, verdict] : path.routes) address_entry(service, ip).route = verdict;
    append(report.findings, path.findings);
    const Principal* app =
        facts.principal && facts.principal->source != "iam-role" && !facts.principal->arn.empty()
            ? &*facts.principal
            : nullptr;
    if (endpoint != nullptr && !endpoint->policy_document.empty() &&
        ((!identity->iam_role.empty() && !identity->account_id.empty()) || app != nullptr)) {
      auto request = policy_request_for_instance(*identity, endpoint->vpc_id, endpoint->id,
                                                 required_actions(target.service));
      // The application's own role is what the endpoint policy sees, not the instance's.
      if (app != nullptr) apply_principal_arn(request, app->arn);
      // --model: judge the application's models, not "some model" (a scoped policy allows
      // exactly those).
      std::vector<std::string> resources{"*"};
      if (takes_model_resource(target.service) && !facts.config->models.empty()) {
        resources.clear();
        for (const auto& model : facts.config->models)
          resources.push_back(model_resource_arn(model, identity->partition, facts.region->name,
                                                 identity->account_id));
      }
      for (const auto& resource : resources) {
        request.resource = resource;
        auto verdicts = evaluate_endpoint_policy(endpoint->policy_document, request);
        auto found = policy_findings(target.service, endpoint->id, verdicts);
        for (auto& finding : found) {
          if (resource != "*") finding.evidence.push_back("resource " + resource + " (--model)");
        }
        append(report.findings, found);
      }
    }
  }

  for (const auto& fact : facts.tls) {
    if (fact.service != target.service || fact.output == nullptr) continue;
    append(report.findings, fact.output->findings);
    if (fact.via_proxy) {
      auto proxy = proxy_endpoint(proxy_for(*facts.proxy, target.hostname, 443).value_or(""));
      std::string host = proxy ? proxy->host : "proxy";
      AddressResult& entry = address_entry(service, host);
      entry.resolvers = {"proxy"};
      if (entry.klass.empty()) {
        auto parsed = IpAddress::parse(host);
        entry.klass = parsed ? classify_address(*parsed, classify) : "proxy";
      }
      entry.tls_via_proxy = fact.output->data;
    } else {
      address_entry(service, fact.address).tls = fact.output->data;
    }
  }
  bool proxied = facts.config->use_proxy && proxy_for(*facts.proxy, target.hostname, 443);
  if (!hidden.empty() && !proxied) {
    InferenceInput inference{target.service, target.hostname, hidden, {}};
    for (const auto& fact : host_path) address_entry(service, fact.ip);  // no growth below
    for (const auto& fact : host_path) {
      const AddressResult& entry = address_entry(service, fact.ip);
      inference.host_path.push_back(
          InferenceAddress{fact.ip, entry.klass, entry.tls ? &*entry.tls : nullptr});
    }
    if (auto inferred = infer_private_endpoint(inference)) {
      service.path = "private-endpoint";
      report.findings.push_back(std::move(*inferred));
    }
  }
  if (proxied) service.path = "proxy";
  report.services.push_back(std::move(service));
}

}  // namespace

namespace {

/// The application uses a dual-stack name (AWS_USE_DUALSTACK_ENDPOINT): AWS's Bedrock and
/// PrivateLink documentation does not say whether an interface endpoint's private DNS answers for
/// bedrock-runtime.REGION.api.aws as it does for the default name (aws-reference.md 1.5 only shows
/// such an entry for another service). The check resolves the name the application uses and judges
/// the answers; every finding of such a service says what could not be told and what the
/// endpoint's own DNS entries list.
void note_dualstack_names(Report& report, const Topology* topology) {
  for (const auto& service : report.services) {
    if (service.hostname_source.find("dualstack") == std::string::npos) continue;
    std::string listed = "not known (no endpoint described)";
    if (topology != nullptr && service.endpoint) {
      listed = "";
      for (const auto& endpoint : topology->endpoints) {
        if (endpoint.id != service.endpoint->id) continue;
        bool covers = false;
        for (const auto& entry : endpoint.dns_entries) {
          covers |= entry.dns_name == service.hostname;
          if (listed.size() < 400) listed += (listed.empty() ? "" : ", ") + entry.dns_name;
        }
        if (covers) listed += " (the dual-stack name is among them)";
      }
      if (listed.empty()) listed = "(none)";
    }
    const std::string note =
        "the application uses the dual-stack name " + service.hostname + " (" +
        service.hostname_source +
        "); AWS documentation does not state whether an interface endpoint's private DNS answers "
        "for it, so this check judges what DNS answered for that name; the endpoint's DNS "
        "entries: " +
        listed;
    for (auto& finding : report.findings) {
      if (finding.service == service.name) finding.evidence.push_back(note);
    }
  }
}

}  // namespace

Report assemble_report(const CheckFacts& facts) {
  Report report;
  if (facts.region) {
    report.region = facts.region->name;
    report.region_source = facts.region->source;
  }
  for (const auto& [phase, ms] : facts.timings) report.timings.push_back(PhaseTiming{phase, ms});
  report.runtime = facts.runtime;
  report.principal = facts.principal;
  append(report.findings, facts.clock_findings);
  if (facts.instance_findings != nullptr) append(report.findings, *facts.instance_findings);
  if (facts.config_findings != nullptr) append(report.findings, *facts.config_findings);
  if (facts.fatal != nullptr && !facts.fatal->empty()) {
    append(report.findings, *facts.fatal);
    compute_status(report);
    return report;
  }
  const InstanceIdentity* identity =
      facts.instance != nullptr && facts.instance->identity ? &*facts.instance->identity : nullptr;
  if (identity != nullptr) {
    InstanceSummary summary{
        .id = identity->instance_id, .az = identity->az, .az_id = identity->az_id};
    if (const MacInfo* mac = identity->primary()) {
      summary.vpc_id = mac->vpc_id;
      summary.subnet_id = mac->subnet_id;
    }
    report.instance = summary;
  }
  const Topology* topology = facts.topology;
  bool api = topology != nullptr && topology->api_reachable && topology->vpc.has_value();
  report.evidence = api ? "api" : identity != nullptr ? "imds" : "none";

  const EniIndex enis = index_enis(topology);
  for (const auto& target : *facts.targets) add_service(facts, enis, target, report);

  std::vector<ServiceName> names;
  for (const auto& target : *facts.targets)
    names.push_back(ServiceName{target.service, target.hostname});
  append(report.findings, proxy_findings(*facts.proxy, names));
  if (api) append(report.findings, analyze_vpc(*topology));
  if (facts.credentials != nullptr) append(report.findings, facts.credentials->findings);
  if (facts.topology_findings != nullptr) append(report.findings, *facts.topology_findings);
  if (!facts.cut_steps.empty()) {
    std::string steps;
    for (const auto& step : facts.cut_steps) steps += (steps.empty() ? "" : ", ") + step;
    report.findings.push_back(make_finding(
        "CHECK_DEADLINE", "", "",
        "the check's " + std::to_string(facts.config->timeout_ms) + " ms deadline ended: " + steps,
        facts.cut_steps));
  }
  soften_scoped_refusals(report.findings);
  note_dualstack_names(report, topology);
  link_causes(report.findings);
  compute_status(report);
  return report;
}

}  // namespace bedrock_reach

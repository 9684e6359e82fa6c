#pragma once
// From everything a check learned to one Report: classification, path, policy, TLS and context
// findings, cause links and statuses. Pure: no I/O, so it is table-testable and fuzzable.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "aws/credentials_chain.hpp"
#include "aws/imds.hpp"
#include "aws/region.hpp"
#include "bedrock_reach/report.hpp"
#include "bedrock_reach/topology.hpp"
#include "config/config.hpp"
#include "dns/dns_probe.hpp"
#include "dns/hosts_file.hpp"
#include "dns/targets.hpp"
#include "proxy/proxy_config.hpp"
#include "tls/tls_probe.hpp"

namespace bedrock_reach {

struct TlsFact {
  std::string service;
  std::string address;  // empty for a probe through the proxy (the proxy resolves the name)
  bool via_proxy = false;
  const ProbeOutcome<TlsResult>* output = nullptr;
};

struct CheckFacts {
  const Config* config = nullptr;
  std::optional<Region> region;  // nullopt: no Region (see `fatal`)
  const std::vector<Target>* targets = nullptr;
  const std::vector<Finding>* fatal = nullptr;
  const HostsFile* hosts = nullptr;
  const ProxyConfig* proxy = nullptr;
  const InstanceContext* instance = nullptr;
  const std::vector<Finding>* instance_findings = nullptr;
  const std::vector<Finding>* config_findings = nullptr;  // SDK_CONFIG_INVALID
  const CredentialsResult* credentials = nullptr;  // null: never resolved (IMDS did not finish)
  const Topology* topology = nullptr;              // null: discovery did not run
  const std::vector<Finding>* topology_findings = nullptr;
  const std::map<std::string, NameResolution>* resolutions = nullptr;  // by service
  std::vector<TlsFact> tls;
  std::vector<std::string> cut_steps;
  std::vector<Finding> clock_findings;  // CLOCK_SKEW, CLOCK_UNSYNCHRONIZED
  std::string runtime = "host";         // host|docker|ecs|kubernetes
  std::optional<Principal> principal;   // who signs the application's calls
  std::vector<std::pair<std::string, double>> timings;
};

Report assemble_report(const CheckFacts& facts);

}  // namespace bedrock_reach

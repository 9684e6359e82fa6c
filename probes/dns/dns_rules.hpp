#pragma once
// DNS findings for one name: pure rules over the per-resolver answers, the topology-derived
// classification input and /etc/hosts. Severity follows user impact: the host path is what
// applications use; other resolvers failing while it works are lowered and say why.
#include <vector>

#include "bedrock_reach/report.hpp"
#include "classify/address_class.hpp"
#include "dns/dns_probe.hpp"
#include "dns/hosts_file.hpp"

namespace bedrock_reach {

/// DNS_NXDOMAIN, DNS_SERVFAIL, DNS_TIMEOUT, DNS_PUBLIC_ANSWER, DNS_NOT_ENDPOINT,
/// DNS_RESOLVER_MISMATCH, DNS_HOSTS_OVERRIDE; causes come before the findings they explain.
std::vector<Finding> dns_findings(const NameResolution& resolution, const ClassifyInput& classify,
                                  const HostsFile& hosts);

/// Labels of the resolvers that returned `address` for this name, in resolver order (the
/// report's `resolvers` field).
std::vector<std::string> resolvers_for_address(const NameResolution& resolution,
                                               const std::string& address);

/// One evidence line per answer: "host: ok NOERROR [10.0.1.5, 10.0.2.7] ttl=60 12.3 ms".
std::string describe_answer(const ResolverAnswer& answer);

}  // namespace bedrock_reach

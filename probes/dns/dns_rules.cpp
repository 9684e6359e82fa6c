#include "dns/dns_rules.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include "bedrock_reach/probe.hpp"

namespace bedrock_reach {
namespace {

std::string join(const std::vector<std::string>& items, const char* separator = ", ") {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::set<std::string> address_set(const ResolverAnswer& answer) {
  return {answer.addresses.begin(), answer.addresses.end()};
}

bool failed(const ResolverAnswer& answer) { return answer.status != "ok"; }

/// The finding code for a failed answer.
const char* failure_code(const std::string& status) {
  if (status == "nxdomain" || status == "nodata") return "DNS_NXDOMAIN";
  if (status == "timeout") return "DNS_TIMEOUT";
  return "DNS_SERVFAIL";  // servfail, refused, error (connection refused, malformed, loops)
}

std::string failure_text(const ResolverAnswer& answer) {
  std::string text;
  if (answer.status == "nxdomain")
    text = "NXDOMAIN (the name does not exist)";
  else if (answer.status == "nodata")
    text = "no address records (NOERROR, empty answer)";
  else if (answer.status == "timeout")
    text = "no answer (timeout)";
  else if (answer.status == "servfail")
    text = "SERVFAIL";
  else if (answer.status == "refused")
    text = "REFUSED";
  else
    text = "an error";
  if (!answer.error.empty() && answer.status != "nxdomain" && answer.status != "servfail" &&
      answer.status != "refused")
    text += ": " + answer.error;
  return text;
}

std::string resolver_name(const ResolverAnswer& answer) {
  switch (answer.kind) {
    case ResolverSpec::Kind::host:
      return "the host resolver path";
    case ResolverSpec::Kind::nameserver:
      return "nameserver " + answer.resolver;
    case ResolverSpec::Kind::amazon:
      return "the Amazon resolver " + answer.resolver;
    case ResolverSpec::Kind::extra:
      return "resolver " + answer.resolver;
  }
  return answer.resolver;
}

std::string one_or_empty(const std::vector<std::string>& addresses) {
  return addresses.size() == 1 ? addresses.front() : std::string();
}

}  // namespace

std::vector<std::string> resolvers_for_address(const NameResolution& resolution,
                                               const std::string& address) {
  std::vector<std::string> labels;
  for (const auto& answer : resolution.answers) {
    if (answer.status == "ok" && std::find(answer.addresses.begin(), answer.addresses.end(),
                                           address) != answer.addresses.end())
      labels.push_back(answer.resolver);
  }
  return labels;
}

std::string describe_answer(const ResolverAnswer& answer) {
  std::string line = answer.resolver + " (" + to_string(answer.kind) + "): " + answer.status;
  if (!answer.rcode.empty()) line += " " + answer.rcode;
  if (answer.from_hosts_file) line += " from /etc/hosts";
  if (!answer.addresses.empty()) line += " [" + join(answer.addresses) + "]";
  if (!answer.cname_chain.empty()) line += " via " + join(answer.cname_chain, " -> ");
  if (answer.ttl) line += " ttl=" + std::to_string(*answer.ttl);
  char elapsed[32];
  std::snprintf(elapsed, sizeof elapsed, " %.1f ms", answer.elapsed_ms);
  line += elapsed;
  if (!answer.error.empty()) line += " (" + answer.error + ")";
  return line;
}

std::vector<Finding> dns_findings(const NameResolution& resolution, const ClassifyInput& classify,
                                  const HostsFile& hosts) {
  std::vector<Finding> findings;
  const std::string& service = resolution.target.service;
  const std::string& name = resolution.target.hostname;
  std::vector<std::string> all_evidence;
  for (const auto& answer : resolution.answers) all_evidence.push_back(describe_answer(answer));

  const ResolverAnswer* host = nullptr;
  std::vector<const ResolverAnswer*> amazon_ok;
  for (const auto& answer : resolution.answers) {
    if (answer.kind == ResolverSpec::Kind::host && host == nullptr) host = &answer;
    if (answer.kind == ResolverSpec::Kind::amazon && !failed(answer)) amazon_ok.push_back(&answer);
  }

  // /etc/hosts pins the name: the cause of whatever the host path then returns.
  auto pinned = hosts.lookup(name);
  bool hosts_in_effect = host != nullptr && host->from_hosts_file;
  if (!pinned.empty()) {
    auto evidence = hosts.evidence(name);
    std::string message = "/etc/hosts pins " + name + " to " + join(pinned);
    message += hosts_in_effect ? ": applications use these addresses, not DNS"
                               : ", but nsswitch consults DNS first, so it applies only when DNS "
                                 "fails";
    findings.push_back(make_finding("DNS_HOSTS_OVERRIDE", service, one_or_empty(pinned), message,
                                    std::move(evidence)));
  }

  // Disagreement with the Amazon resolver: a custom DNS server that does not forward (or split
  // horizon). Equal answers mean forwarding works, which is fine.
  std::vector<std::string> mismatch_codes;
  if (!amazon_ok.empty()) {
    const ResolverAnswer& reference = *amazon_ok.front();
    for (const auto& answer : resolution.answers) {
      if (answer.kind == ResolverSpec::Kind::amazon || answer.from_hosts_file) continue;
      bool definitive =
          answer.status == "ok" || answer.status == "nxdomain" || answer.status == "nodata";
      if (!definitive || address_set(answer) == address_set(reference)) continue;
      std::string theirs = answer.status == "ok" ? join(answer.addresses) : failure_text(answer);
      findings.push_back(make_finding(
          "DNS_RESOLVER_MISMATCH", service, "",
          resolver_name(answer) + " answers " + theirs + " for " + name + " but " +
              resolver_name(reference) + " answers " + join(reference.addresses) +
              (answer.kind == ResolverSpec::Kind::host ? ": applications do not get the Amazon "
                                                         "resolver's answer"
                                                       : ""),
          {describe_answer(answer), describe_answer(reference)}));
      if (answer.kind == ResolverSpec::Kind::host)
        mismatch_codes.push_back("DNS_RESOLVER_MISMATCH");
    }
  }

  if (host == nullptr) return findings;
  std::vector<std::string> host_causes;
  if (hosts_in_effect) host_causes.push_back("DNS_HOSTS_OVERRIDE");
  host_causes.insert(host_causes.end(), mismatch_codes.begin(), mismatch_codes.end());

  if (failed(*host)) {
    // Applications cannot resolve the name: critical whatever the other resolvers say.
    std::string message = "Applications cannot resolve " + name + ": the host resolver path got " +
                          failure_text(*host);
    if (!amazon_ok.empty())
      message += "; the Amazon resolver " + amazon_ok.front()->resolver + " answers " +
                 join(amazon_ok.front()->addresses) +
                 ", so the host's resolver configuration is "
                 "the problem";
    auto finding = make_finding(failure_code(host->status), service, "", message, all_evidence);
    finding.caused_by = host_causes;
    findings.push_back(std::move(finding));
  } else {
    // Classify what applications get.
    std::vector<std::string> public_addresses, foreign_private, in_vpc_not_eni, special;
    for (const auto& address : host->addresses) {
      auto klass = classify_address_text(address, classify);
      if (klass == kClassPublic)
        public_addresses.push_back(address);
      else if (klass == kClassPrivateOutsideVpc)
        foreign_private.push_back(address);
      else if (klass == kClassVpcPrivate)
        in_vpc_not_eni.push_back(address);
      else if (klass == kClassSpecial)
        special.push_back(address);
    }
    std::vector<std::string> evidence = all_evidence;
    for (const auto& address : host->addresses)
      evidence.push_back(address + " is " + classify_address_text(address, classify));

    if (!public_addresses.empty()) {
      auto finding =
          make_finding("DNS_PUBLIC_ANSWER", service, one_or_empty(public_addresses),
                       "Applications resolve " + name + " to public " + join(public_addresses) +
                           (hosts_in_effect ? " (from /etc/hosts)" : "") +
                           ": traffic leaves the VPC instead of using the interface endpoint",
                       evidence);
      finding.caused_by = host_causes;
      findings.push_back(std::move(finding));
    }
    if (!special.empty()) {
      // Loopback, link-local, documentation...: never a service address, whatever the topology.
      auto finding = make_finding("DNS_NOT_ENDPOINT", service, one_or_empty(special),
                                  name + " resolves to special-use " + join(special) +
                                      ", which can never be the service's endpoint",
                                  evidence);
      finding.caused_by = host_causes;
      findings.push_back(std::move(finding));
    }
    std::vector<std::string> private_not_eni = in_vpc_not_eni;
    private_not_eni.insert(private_not_eni.end(), foreign_private.begin(), foreign_private.end());
    // Without the endpoint's ENIs (no EC2 API evidence, or a shared VPC whose owner's endpoints
    // the caller cannot list) nothing says these answers are not the endpoint: DNS_NOT_ENDPOINT
    // means evidence that they are not, so it is not emitted. The report infers the endpoint from
    // TLS and the reply instead (ENDPOINT_INFERRED).
    if (!private_not_eni.empty() && classify.topology_known) {
      Finding finding;
      if (in_vpc_not_eni.empty()) {
        // Only private addresses outside this VPC: endpoints in a hub VPC (over TGW or peering)
        // or on premises are supported designs that this VPC's API cannot see, so this is not
        // evidence against them (DNS_NOT_ENDPOINT) but a could-not-confirm of its own.
        finding = make_finding(
            "DNS_OUTSIDE_VPC", service, one_or_empty(foreign_private),
            name + " resolves to " + join(foreign_private) +
                ", private addresses outside this VPC: a centralised endpoint in a hub VPC "
                "(reached over transit gateway or peering) or on premises, or a stale record; "
                "the TLS results to these addresses show whether they serve the name",
            evidence);
      } else {
        finding = make_finding(
            "DNS_NOT_ENDPOINT", service, one_or_empty(private_not_eni),
            name + " resolves to " + join(private_not_eni) + ", which " +
                (private_not_eni.size() == 1 ? "is" : "are") +
                " not this service's endpoint network interfaces" +
                (classify.endpoint_eni_ips.empty() ? " (this VPC has no endpoint for the service)"
                                                   : " (" + join(classify.endpoint_eni_ips) + ")"),
            evidence);
      }
      finding.caused_by = host_causes;
      findings.push_back(std::move(finding));
    }
  }

  // Other resolvers failing: the host path is what applications see, so these are lowered.
  for (const auto& answer : resolution.answers) {
    if (answer.kind == ResolverSpec::Kind::host || !failed(answer)) continue;
    if (answer.status == "nxdomain" || answer.status == "nodata") {
      if (!amazon_ok.empty() || answer.kind == ResolverSpec::Kind::amazon) {
        // Already a mismatch (or the Amazon resolver itself says no): report only once.
        if (answer.kind != ResolverSpec::Kind::amazon) continue;
      }
    }
    std::string message = resolver_name(answer) + " got " + failure_text(answer) + " for " + name;
    auto finding =
        make_finding(failure_code(answer.status), service, "", message, {describe_answer(answer)});
    if (!failed(*host)) {
      bool in_resolv_conf = answer.kind == ResolverSpec::Kind::nameserver;
      finding.severity = in_resolv_conf ? Severity::warning : Severity::info;
      finding.message += in_resolv_conf
                             ? "; applications still resolve the name through another server, "
                               "but queries that reach this one are delayed or fail"
                             : "; applications are not affected (the host resolver path works)";
    } else {
      // The host path's own finding is the critical one; this is its evidence.
      finding.severity = Severity::warning;
      finding.message += "; see the host resolver path's failure";
    }
    findings.push_back(std::move(finding));
  }
  return findings;
}

}  // namespace bedrock_reach

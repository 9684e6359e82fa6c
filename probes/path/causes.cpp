#include "path/causes.hpp"

#include <algorithm>
#include <numeric>

namespace bedrock_reach {
namespace {

bool contains(const std::vector<std::string>& items, std::string_view value) {
  return std::find(items.begin(), items.end(), value) != items.end();
}

void merge_duplicates(std::vector<Finding>& findings) {
  std::vector<Finding> merged;
  merged.reserve(findings.size());
  for (auto& finding : findings) {
    auto same = std::find_if(merged.begin(), merged.end(), [&](const Finding& kept) {
      return kept.code == finding.code && kept.service == finding.service &&
             kept.address == finding.address;
    });
    if (same == merged.end()) {
      merged.push_back(std::move(finding));
      continue;
    }
    same->severity = worst(same->severity, finding.severity);
    for (auto& line : finding.evidence) {
      if (!contains(same->evidence, line)) same->evidence.push_back(std::move(line));
    }
    for (auto& code : finding.caused_by) {
      if (!contains(same->caused_by, code)) same->caused_by.push_back(std::move(code));
    }
  }
  findings = std::move(merged);
}

bool explains(const CauseRule& rule, const Finding& cause, const Finding& effect) {
  if (cause.code != rule.cause || effect.code != rule.effect) return false;
  if (!rule.cause_service.empty()) return cause.service == rule.cause_service;
  if (!cause.service.empty() && cause.service != effect.service) return false;
  if (rule.same_address && !cause.address.empty() && cause.address != effect.address) {
    return false;
  }
  return true;
}

}  // namespace

std::vector<CauseRule> cause_rules() {
  std::vector<CauseRule> rules;
  auto add = [&](std::string_view cause, std::initializer_list<std::string_view> effects,
                 bool same_address) {
    for (auto effect : effects) rules.push_back({cause, effect, same_address});
  };
  // Drops on the way explain the TCP timeout to that address.
  for (auto drop : {"SG_EGRESS_BLOCKS", "SG_INGRESS_BLOCKS", "NACL_BLOCKS_OUTBOUND",
                    "NACL_BLOCKS_RETURN", "ROUTE_BLACKHOLE", "ROUTE_NONE"}) {
    add(drop, {"TLS_CONNECT_TIMEOUT"}, true);
  }
  // Why the name resolves to public addresses, and so why traffic leaves through NAT/IGW.
  for (auto dns_cause :
       {"ENDPOINT_MISSING", "ENDPOINT_PRIVATE_DNS_DISABLED", "VPC_DNS_ATTRIBUTES"}) {
    add(dns_cause,
        {"DNS_PUBLIC_ANSWER", "ROUTE_VIA_NAT", "ROUTE_VIA_IGW", "ROUTE_VIA_APPLIANCE",
         "ROUTE_NONE"},
        false);
  }
  add("DHCP_CUSTOM_DNS", {"DNS_RESOLVER_MISMATCH", "DNS_PUBLIC_ANSWER"}, false);
  add("DNS_RESOLVER_MISMATCH", {"DNS_PUBLIC_ANSWER", "DNS_NOT_ENDPOINT", "DNS_OUTSIDE_VPC"}, false);
  add("DNS_PUBLIC_ANSWER",
      {"ROUTE_VIA_NAT", "ROUTE_VIA_IGW", "ROUTE_VIA_APPLIANCE", "ROUTE_NONE",
       "TLS_CONNECT_TIMEOUT"},
      false);
  add("DNS_HOSTS_OVERRIDE",
      {"DNS_NOT_ENDPOINT", "DNS_OUTSIDE_VPC", "DNS_PUBLIC_ANSWER", "DNS_RESOLVER_MISMATCH",
       "TLS_CERT_NAME_MISMATCH", "TLS_CONNECT_TIMEOUT", "TLS_CONNECT_REFUSED", "HTTP_NOT_AWS"},
      false);
  for (auto wrong_answer : {"DNS_NOT_ENDPOINT", "DNS_OUTSIDE_VPC"}) {
    add(wrong_answer,
        {"TLS_CONNECT_TIMEOUT", "TLS_CONNECT_REFUSED", "TLS_CERT_NAME_MISMATCH", "HTTP_NOT_AWS"},
        true);
  }
  // An endpoint that is not available fails every connection to its ENIs.
  add("ENDPOINT_NOT_AVAILABLE",
      {"TLS_CONNECT_TIMEOUT", "TLS_CONNECT_REFUSED", "TLS_HANDSHAKE_FAILED", "HTTP_NOT_AWS",
       "DNS_NXDOMAIN", "DNS_PUBLIC_ANSWER"},
      false);
  add("POLICY_DENIES", {"SIGNED_CALL_DENIED_POLICY"}, false);
  add("POLICY_CONDITIONAL", {"SIGNED_CALL_DENIED_POLICY"}, false);
  // A clock more than 5 minutes off makes AWS refuse every signed call (SigV4 time window).
  add("CLOCK_SKEW",
      {"CREDENTIALS_INVALID", "API_UNREACHABLE", "API_ACCESS_DENIED", "SIGNED_CALL_DENIED_IAM"},
      false);
  // STS on the path: what breaks it breaks the application's credentials.
  for (auto sts_cause : {"TLS_CONNECT_TIMEOUT", "TLS_CONNECT_REFUSED", "TLS_HANDSHAKE_FAILED",
                         "TLS_CERT_NAME_MISMATCH", "TLS_CERT_EXPIRED", "DNS_NXDOMAIN",
                         "DNS_PUBLIC_ANSWER", "ENDPOINT_MISSING", "ENDPOINT_NOT_AVAILABLE",
                         "SG_INGRESS_BLOCKS", "NACL_BLOCKS_RETURN", "PROXY_INTERCEPTS"}) {
    rules.push_back({sts_cause, "CREDENTIAL_SOURCE_FAILED", false, "sts"});
  }
  add("CLOCK_SKEW", {"CREDENTIAL_SOURCE_FAILED"}, false);
  // Without the token the container has no instance credentials.
  add("IMDS_HOP_LIMIT", {"NO_CREDENTIALS"}, false);
  // A policy scoped to the application's models refuses the probe's stand-in model.
  add("POLICY_SCOPED", {"SIGNED_CALL_DENIED_POLICY", "SIGNED_CALL_DENIED_IAM"}, false);
  // An inspection appliance on the way explains a dropped connection.
  add("ROUTE_VIA_APPLIANCE", {"TLS_CONNECT_TIMEOUT", "TLS_CONNECT_REFUSED"}, false);
  return rules;
}

void link_causes(std::vector<Finding>& findings) {
  merge_duplicates(findings);
  const auto rules = cause_rules();
  const size_t n = findings.size();
  // explains_[c] lists the effects finding c explains.
  std::vector<std::vector<size_t>> effects_of(n);
  for (size_t e = 0; e < n; ++e) {
    for (size_t c = 0; c < n; ++c) {
      if (c == e) continue;
      bool linked = std::any_of(rules.begin(), rules.end(), [&](const CauseRule& rule) {
        return explains(rule, findings[c], findings[e]);
      });
      if (!linked) continue;
      effects_of[c].push_back(e);
      if (!contains(findings[e].caused_by, findings[c].code)) {
        findings[e].caused_by.push_back(findings[c].code);
      }
    }
  }
  // Rank: the worst severity reachable through "explains", and depth below the roots. The rule
  // graph is acyclic (tested), so n rounds of relaxation settle both.
  std::vector<Severity> rank(n);
  std::vector<size_t> depth(n, 0);
  for (size_t i = 0; i < n; ++i) rank[i] = findings[i].severity;
  for (size_t round = 0; round < n; ++round) {
    bool changed = false;
    for (size_t c = 0; c < n; ++c) {
      for (size_t e : effects_of[c]) {
        if (rank[e] > rank[c]) {
          rank[c] = rank[e];
          changed = true;
        }
        if (depth[e] < depth[c] + 1 && depth[c] + 1 <= n) {
          depth[e] = depth[c] + 1;
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (rank[a] != rank[b]) return rank[a] > rank[b];
    return depth[a] < depth[b];
  });
  std::vector<Finding> sorted;
  sorted.reserve(n);
  for (size_t i : order) sorted.push_back(std::move(findings[i]));
  findings = std::move(sorted);
}

}  // namespace bedrock_reach

#pragma once
// The report model: what one check found. Renderers turn it into text, JSON, Prometheus, EMF
// and HTML; docs/report.schema.json is the published JSON contract.
#include <optional>
#include <string>
#include <vector>

#include "bedrock_reach/severity.hpp"

namespace bedrock_reach {

struct Finding {
  std::string code;  // from the catalog
  Severity severity = Severity::info;
  std::string service;  // service name ("bedrock-runtime"), empty for check-wide findings
  std::string address;  // IP address it concerns, empty when none
  std::string message;  // one line, specific: names the resolver, rule number, statement...
  std::string remediation;
  std::vector<std::string> evidence;   // the facts it rests on, one per line, for --explain
  std::vector<std::string> caused_by;  // codes of findings (same service) that explain this one
};

struct RouteVerdict {
  std::string kind;  // local|nat-gateway|internet-gateway|egress-only-igw|transit-gateway|peering|
                     // virtual-gateway|network-interface|gateway-endpoint|appliance (GWLB / Network
                     // Firewall endpoint)|blackhole|no-route|unknown
  std::string target;       // e.g. nat-0abc..., or the matched destination
  std::string destination;  // the matched route's destination
};

struct TlsResult {
  bool ok = false;
  std::string error;    // finding code of the failure, empty when ok
  std::string detail;   // library message, e.g. "certificate has expired"
  std::string version;  // "TLSv1.3"
  std::string cipher;
  std::string subject;
  std::string issuer;
  std::vector<std::string> sans;
  std::optional<long> cert_days_left;
  std::optional<long long> cert_not_after;  // unix seconds
  double connect_ms = 0;
  double handshake_ms = 0;
  double first_byte_ms = 0;
  std::optional<int> http_status;
  std::string aws_request_id;
  std::string aws_error_type;
  bool via_proxy = false;
  bool probed = true;  // false when skipped (e.g. no IPv6 connectivity)
  std::string not_probed_reason;
  // The signed call (issue #7 item 3): allowed|denied-policy|denied-iam|credentials-invalid|
  // not-aws|inconclusive|failed, or "" when none was made (signed_skipped_reason says why).
  std::string signed_call;
  std::string signed_operation;  // ListFoundationModels, InvokeModel, ...
  std::optional<int> signed_status;
  std::string signed_error_type;
  std::string signed_skipped_reason;
};

struct AddressResult {
  std::string ip;
  std::string family;  // ipv4|ipv6
  std::string klass;   // endpoint-eni|vpc-private|private-outside-vpc|public|special
  std::string eni;     // eni-... when known
  std::string subnet;
  std::string az;
  std::vector<std::string> resolvers;  // which resolvers returned it ("host", "10.0.0.2", ...)
  std::optional<RouteVerdict> route;
  std::optional<TlsResult> tls;
  std::optional<TlsResult> tls_via_proxy;
};

struct EndpointSummary {
  std::string id;
  std::string state;
  bool private_dns = false;
  std::vector<std::string> subnets;
  std::vector<std::string> azs;
};

struct ServiceResult {
  std::string name;      // bedrock-runtime
  std::string hostname;  // bedrock-runtime.us-east-1.amazonaws.com
  /// The setting that chose the hostname: default|fips|dualstack|--endpoint-url|
  /// AWS_ENDPOINT_URL_<SERVICE>|AWS_ENDPOINT_URL|config [services NAME] ID.endpoint_url|
  /// config [profile P] endpoint_url
  std::string hostname_source = "default";
  Severity status = Severity::ok;
  std::string path = "unknown";  // private-endpoint|nat-gateway|internet-gateway|transit-gateway|
                                 // peering|virtual-gateway|proxy|no-route|unknown
  std::optional<EndpointSummary> endpoint;
  std::vector<AddressResult> addresses;
};

struct InstanceSummary {
  std::string id;
  std::string az;
  std::string az_id;
  std::string vpc_id;
  std::string subnet_id;
};

struct PhaseTiming {
  std::string phase;  // imds|discovery|dns|tls|total
  double ms = 0;
};

/// Who signs the application's calls (issue 16): botocore's name for the credential source
/// (env, assume-role, assume-role-with-web-identity, sso, shared-credentials-file, custom-process,
/// config-file, container-role, iam-role) and the role ARN when known. Never a secret.
struct Principal {
  std::string source;
  std::string arn;
  std::string profile;
};

struct Report {
  static constexpr int kSchemaVersion = 1;
  Severity status = Severity::ok;
  std::string region;
  std::string region_source;     // flag|AWS_REGION|AWS_DEFAULT_REGION|config|imds
  std::string runtime = "host";  // host|docker|ecs|kubernetes: where the check itself runs
  std::optional<Principal> principal;
  std::optional<InstanceSummary> instance;
  std::string evidence = "none";  // api|imds|none
  std::vector<ServiceResult> services;
  std::vector<Finding> findings;  // causes before effects
  std::vector<PhaseTiming> timings;
  std::string started_at;  // RFC 3339 UTC
  double duration_ms = 0;
  std::string version;
};

/// Worst finding severity per service and overall; info counts as ok.
void compute_status(Report& report);

}  // namespace bedrock_reach

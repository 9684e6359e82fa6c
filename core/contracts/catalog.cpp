#include "bedrock_reach/catalog.hpp"

#include <array>

namespace bedrock_reach {
namespace {

constexpr Severity C = Severity::critical;
constexpr Severity W = Severity::warning;
constexpr Severity I = Severity::info;

constexpr std::array kCatalog = {
    // DNS
    CatalogEntry{
        "DNS_NXDOMAIN", C, "dns", "The name does not exist or has no address records",
        "Check the Region and service name; if private DNS is expected, enable it on the endpoint"},
    CatalogEntry{
        "DNS_SERVFAIL", C, "dns", "The resolver failed to answer (SERVFAIL or refused)",
        "Check the resolver in /etc/resolv.conf and its forwarding to the Amazon resolver"},
    CatalogEntry{"DNS_TIMEOUT", C, "dns", "No DNS answer within the deadline",
                 "Check that UDP/TCP 53 to the resolver is allowed by security groups and NACLs"},
    CatalogEntry{
        "DNS_PUBLIC_ANSWER", C, "dns",
        "Applications resolve the service to public addresses: private DNS is not in effect",
        "Enable private DNS on the interface endpoint and enableDnsSupport/enableDnsHostnames on "
        "the VPC"},
    CatalogEntry{
        "DNS_NOT_ENDPOINT", C, "dns",
        "Private answers that are not this VPC's endpoint network interfaces",
        "Remove stale /etc/hosts pins or private hosted zones; point the name at the endpoint"},
    // Not DNS_NOT_ENDPOINT: from this VPC nothing proves or disproves a centralised endpoint.
    CatalogEntry{
        "DNS_OUTSIDE_VPC", W, "dns",
        "Private answers outside this VPC: an endpoint in a hub VPC or on premises, or a "
        "stale record, which this VPC's API cannot tell apart",
        "Hub design: route the hub's CIDR over the transit gateway or peering and admit "
        "this VPC in the hub endpoint's security group; otherwise remove the stale record"},
    CatalogEntry{"DNS_RESOLVER_MISMATCH", W, "dns",
                 "The host's resolver and the Amazon resolver return different answers",
                 "Make the custom DNS server forward amazonaws.com to the Amazon resolver (VPC+2)"},
    CatalogEntry{"DNS_HOSTS_OVERRIDE", W, "dns", "/etc/hosts pins the service name",
                 "Remove the /etc/hosts entry so the endpoint's private DNS answers"},
    // Endpoint and VPC
    CatalogEntry{"ENDPOINT_MISSING", C, "endpoint",
                 "No interface endpoint for the service in this VPC",
                 "Create an interface VPC endpoint for the service with private DNS enabled"},
    CatalogEntry{"ENDPOINT_NOT_AVAILABLE", C, "endpoint",
                 "The interface endpoint is not in the available state",
                 "Accept or repair the endpoint; wait until its state is available"},
    CatalogEntry{"ENDPOINT_PRIVATE_DNS_DISABLED", C, "endpoint",
                 "The endpoint exists but private DNS is off",
                 "Enable private DNS on the endpoint (modify-vpc-endpoint --private-dns-enabled)"},
    CatalogEntry{"ENDPOINT_SINGLE_AZ", W, "endpoint",
                 "The endpoint has network interfaces in only one AZ",
                 "Add a subnet in each AZ you run in to the endpoint"},
    CatalogEntry{"ENDPOINT_AZ_MISSING", W, "endpoint",
                 "The instance's AZ has no endpoint network interface: calls cross AZs",
                 "Add a subnet in the instance's AZ to the endpoint"},
    CatalogEntry{"ENDPOINT_INFERRED", I, "endpoint",
                 "The endpoint is not visible to the EC2 API but proven by the data plane",
                 "Nothing to fix; to see it, run with credentials of the VPC owner's account"},
    CatalogEntry{"VPC_DNS_ATTRIBUTES", C, "endpoint",
                 "enableDnsSupport or enableDnsHostnames is off",
                 "Turn on both VPC DNS attributes; private DNS needs them"},
    CatalogEntry{"DHCP_CUSTOM_DNS", I, "endpoint", "The VPC's DHCP options use custom DNS servers",
                 "Make sure the custom servers forward to the Amazon resolver (VPC+2)"},
    // Path
    CatalogEntry{"ROUTE_VIA_NAT", C, "path",
                 "Traffic to the service would leave through a NAT gateway",
                 "Use the interface endpoint: enable private DNS so the name resolves to its ENIs"},
    CatalogEntry{"ROUTE_VIA_IGW", C, "path",
                 "Traffic to the service would leave through an internet gateway",
                 "Use the interface endpoint: enable private DNS so the name resolves to its ENIs"},
    CatalogEntry{"ROUTE_VIA_TGW", W, "path",
                 "Traffic to the service goes through a transit gateway",
                 "Expected for a hub-VPC design; otherwise create the endpoint in this VPC"},
    CatalogEntry{"ROUTE_VIA_APPLIANCE", C, "path",
                 "Traffic to the service goes through an inspection appliance (Gateway Load "
                 "Balancer or Network Firewall endpoint) and leaves the VPC",
                 "Use the interface endpoint: enable private DNS so the name resolves to its ENIs"},
    CatalogEntry{"ROUTE_BLACKHOLE", C, "path", "The matching route is a blackhole",
                 "Replace the route whose target was deleted"},
    CatalogEntry{"ROUTE_NONE", C, "path", "No route matches the address",
                 "Add a route, or resolve the name to the endpoint ENIs inside the VPC"},
    CatalogEntry{"SG_EGRESS_BLOCKS", C, "path",
                 "The instance's security groups do not allow TCP 443 out to the ENI",
                 "Add an egress rule for TCP 443 to the endpoint subnets or its security group"},
    CatalogEntry{
        "SG_INGRESS_BLOCKS", C, "path",
        "The endpoint's security groups do not allow TCP 443 from the instance",
        "Add an ingress rule on the endpoint SG for TCP 443 from the VPC CIDR or the instance SG"},
    CatalogEntry{
        "NACL_BLOCKS_OUTBOUND", C, "path", "A network ACL drops TCP 443 toward the endpoint",
        "Allow TCP 443 in the named NACL (instance subnet egress, endpoint subnet ingress)"},
    CatalogEntry{"NACL_BLOCKS_RETURN", C, "path",
                 "A network ACL drops the return traffic on ephemeral ports",
                 "Allow TCP 1024-65535 for return traffic in the named NACL"},
    // Policy
    CatalogEntry{
        "POLICY_DENIES", C, "policy",
        "The endpoint policy denies a required action for this principal",
        "Allow the action for the instance role in the endpoint policy, or remove the deny"},
    CatalogEntry{"POLICY_SCOPED", W, "policy",
                 "The policy allows the service's actions only on some models or actions: the "
                 "probe's stand-in model is outside that scope",
                 "Run with --model ID (the models the application invokes) to check them"},
    CatalogEntry{"POLICY_CONDITIONAL", W, "policy",
                 "The endpoint policy allows only under conditions the agent cannot evaluate",
                 "Review the statement's conditions against the calling principal"},
    // TLS and HTTP
    CatalogEntry{"TLS_CONNECT_TIMEOUT", C, "tls", "TCP 443 to the address timed out",
                 "Look for a security group, NACL or firewall drop of TCP 443"},
    CatalogEntry{"TLS_CONNECT_REFUSED", C, "tls", "TCP 443 to the address was refused or reset",
                 "The address is not a working endpoint; check DNS and the endpoint state"},
    CatalogEntry{"TLS_HANDSHAKE_FAILED", C, "tls", "The TLS handshake failed",
                 "Check for TLS-intercepting middleboxes and the endpoint's health"},
    CatalogEntry{"TLS_CERT_UNTRUSTED", C, "tls", "The certificate chain is not trusted",
                 "A proxy or middlebox may intercept TLS; check the CA bundle (AWS_CA_BUNDLE)"},
    CatalogEntry{"TLS_CERT_NAME_MISMATCH", C, "tls",
                 "The certificate does not match the service name",
                 "The address does not serve this service: fix DNS or /etc/hosts"},
    CatalogEntry{"TLS_CERT_EXPIRED", C, "tls", "The certificate has expired (or is not yet valid)",
                 "Check the clock (chrony) and for intercepting middleboxes"},
    CatalogEntry{"TLS_CERT_EXPIRING", W, "tls", "The certificate expires soon",
                 "Check the clock and what serves this address"},
    CatalogEntry{"TLS_PROTOCOL_OLD", W, "tls",
                 "The connection negotiated a TLS version below 1.2 (critical when the listener "
                 "offers nothing at 1.2 or above)",
                 "Something other than the AWS endpoint answers; AWS requires TLS 1.2+"},
    CatalogEntry{
        "HTTP_NOT_AWS", C, "tls", "The HTTPS reply does not look like an AWS service",
        "Something other than the AWS endpoint answers: check DNS, proxies and middleboxes"},
    CatalogEntry{"SIGNED_CALL_DENIED_POLICY", C, "tls",
                 "A signed call was denied by the VPC endpoint policy",
                 "Allow the action for this principal in the endpoint policy"},
    CatalogEntry{"SIGNED_CALL_DENIED_IAM", W, "tls",
                 "A signed call was denied by IAM (network is fine)",
                 "Grant the instance role the Bedrock actions it needs"},
    CatalogEntry{"CREDENTIALS_INVALID", W, "tls",
                 "The service rejected the credentials or signature",
                 "Check the credentials, their expiry and the system clock"},
    // Proxy
    CatalogEntry{"PROXY_INTERCEPTS", C, "proxy",
                 "Applications would send the service's traffic to a proxy",
                 "Add the service names (or .amazonaws.com) to NO_PROXY"},
    CatalogEntry{"PROXY_IMDS_NOT_EXEMPT", W, "proxy",
                 "169.254.169.254 is not exempt from the proxy", "Add 169.254.169.254 to NO_PROXY"},
    // Context
    CatalogEntry{"IMDS_UNAVAILABLE", I, "context",
                 "Instance metadata is unavailable (not on EC2 or disabled)",
                 "Run on the instance with IMDS enabled for full evidence"},
    CatalogEntry{"IMDS_HOP_LIMIT", W, "context",
                 "The IMDSv2 token reply does not reach this container (PUT response hop limit)",
                 "aws ec2 modify-instance-metadata-options --instance-id ID "
                 "--http-put-response-hop-limit 2, or give the container its own credentials "
                 "(ECS task role, EKS Pod Identity, IRSA)"},
    CatalogEntry{"CLOCK_SKEW", C, "context",
                 "This host's clock differs from AWS's: signed calls are refused beyond 5 minutes",
                 "Synchronise the clock: chrony with the Amazon Time Sync Service "
                 "(server 169.254.169.123 prefer iburst)"},
    CatalogEntry{"CLOCK_UNSYNCHRONIZED", I, "context",
                 "The kernel reports its clock as not synchronised",
                 "Run chronyd (or another NTP client) with the Amazon Time Sync Service "
                 "(169.254.169.123)"},
    CatalogEntry{"CREDENTIAL_SOURCE_FAILED", C, "context",
                 "The application's credential source gave no credentials",
                 "Fix the named source (STS reachability, container endpoint, token file, "
                 "profile); the application fails the same way"},
    CatalogEntry{"SDK_CONFIG_INVALID", W, "context",
                 "The shared config file makes botocore refuse to create the application's clients",
                 "Add the [services NAME] section the profile names (with endpoint_url blocks), "
                 "or remove `services = NAME` from the profile"},
    CatalogEntry{"SSO_LOGIN_REQUIRED", I, "context",
                 "The SSO profile has no valid cached token: the principal was not evaluated",
                 "Run `aws sso login --profile NAME` as the application's user, then check again"},
    CatalogEntry{"NO_CREDENTIALS", I, "context",
                 "No AWS credentials: endpoints, routes and policies not verified",
                 "Attach an instance role with the permissions in packaging/iam-policy.json"},
    CatalogEntry{"API_ACCESS_DENIED", W, "context", "The EC2 API denied a read the check needs",
                 "Add the named action to the instance role (see packaging/iam-policy.json)"},
    CatalogEntry{"API_UNREACHABLE", W, "context", "The EC2 API could not be reached",
                 "Create an ec2 interface endpoint or allow a path to the EC2 API"},
    CatalogEntry{"REGION_UNKNOWN", Severity::unknown, "context",
                 "No valid Region: nothing could be checked",
                 "Pass --region, set AWS_REGION, or run on EC2 with instance metadata enabled"},
    CatalogEntry{"CHECK_DEADLINE", C, "context", "The check ran out of time before a step finished",
                 "Raise --timeout, or look at which step did not finish"},
    CatalogEntry{"HOST_CPU_STARVED", W, "context",
                 "A TLS step timed out while the host kept the agent waiting for a CPU: the "
                 "timeout says nothing about the endpoint",
                 "Look at the host's CPU (steal time, burstable credits, other processes) and run "
                 "the check again"},
};

}  // namespace

std::span<const CatalogEntry> finding_catalog() { return kCatalog; }

const CatalogEntry* find_catalog_entry(std::string_view code) {
  for (const auto& entry : kCatalog) {
    if (entry.code == code) return &entry;
  }
  return nullptr;
}

}  // namespace bedrock_reach

#include "bedrock_reach/probe.hpp"

namespace bedrock_reach {

Finding make_finding(std::string_view code, std::string service, std::string address,
                     std::string message, std::vector<std::string> evidence) {
  Finding f;
  f.code = std::string(code);
  const CatalogEntry* entry = find_catalog_entry(code);
  // An unknown code is a programming error; surface it as unknown rather than crash the check.
  f.severity = entry ? entry->severity : Severity::unknown;
  f.remediation = entry ? std::string(entry->remediation) : "";
  f.service = std::move(service);
  f.address = std::move(address);
  f.message = std::move(message);
  f.evidence = std::move(evidence);
  return f;
}

}  // namespace bedrock_reach

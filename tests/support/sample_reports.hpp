#pragma once
// Hand-built Reports for renderer, daemon and CLI tests: a healthy 4-service x 3-AZ check and
// broken ones, each with the findings and caused_by links the real rules would produce.
// Header-only so any test binary can include it without a build change.
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "bedrock_reach/probe.hpp"
#include "bedrock_reach/report.hpp"

namespace bedrock_reach::samples {

inline const std::vector<std::string>& service_names() {
  static const std::vector<std::string> names = {"bedrock", "bedrock-runtime", "bedrock-agent",
                                                 "bedrock-agent-runtime"};
  return names;
}

inline const std::vector<std::string>& zone_names() {
  static const std::vector<std::string> zones = {"us-east-1a", "us-east-1b", "us-east-1c"};
  return zones;
}

inline TlsResult tls_ok(double connect_ms, double handshake_ms) {
  TlsResult t;
  t.ok = true;
  t.version = "TLSv1.3";
  t.cipher = "TLS_AES_128_GCM_SHA256";
  t.subject = "CN=bedrock-runtime.us-east-1.amazonaws.com";
  t.issuer = "CN=Amazon RSA 2048 M02,O=Amazon,C=US";
  t.sans = {"bedrock-runtime.us-east-1.amazonaws.com", "*.bedrock-runtime.us-east-1.amazonaws.com"};
  t.cert_days_left = 211;
  t.cert_not_after = 1814054400;  // 2027-06-27T00:00:00Z, 211 days after started_at
  t.connect_ms = connect_ms;
  t.handshake_ms = handshake_ms;
  t.first_byte_ms = connect_ms + handshake_ms + 9.5;
  t.http_status = 404;
  t.aws_request_id = "3f1c2a9e-0000-4000-8000-00000000abcd";
  t.aws_error_type = "UnknownOperationException";
  return t;
}

inline TlsResult tls_failed(std::string code, std::string detail, double connect_ms) {
  TlsResult t;
  t.ok = false;
  t.error = std::move(code);
  t.detail = std::move(detail);
  t.connect_ms = connect_ms;
  return t;
}

/// The common frame: region, instance in us-east-1a, api evidence, timings.
inline Report base_report() {
  Report r;
  r.region = "us-east-1";
  r.region_source = "imds";
  r.instance = InstanceSummary{"i-0123456789abcdef0", "us-east-1a", "use1-az1",
                               "vpc-0a1b2c3d4e5f60718", "subnet-0aaa1111bbbb2222c"};
  r.evidence = "api";
  r.started_at = "2026-11-28T17:00:00.250Z";
  r.duration_ms = 842.5;
  r.version = "0.1.0";
  r.timings = {
      {"imds", 12.25}, {"discovery", 310.0}, {"dns", 41.5}, {"tls", 380.75}, {"total", 842.5}};
  return r;
}

/// One healthy service: an available endpoint with private DNS and one ENI per AZ.
inline ServiceResult healthy_service(const std::string& name, int index) {
  ServiceResult s;
  s.name = name;
  s.hostname = name + ".us-east-1.amazonaws.com";
  s.path = "private-endpoint";
  EndpointSummary e;
  e.id = "vpce-0" + std::to_string(index) + "1234567890abcde";
  e.state = "available";
  e.private_dns = true;
  for (size_t z = 0; z < zone_names().size(); ++z) {
    const std::string octet = std::to_string(10 + index);
    const std::string subnet_octet = std::to_string(z + 1);
    e.subnets.push_back("subnet-0" + subnet_octet + "00000000000000" + std::to_string(z));
    e.azs.push_back(zone_names()[z]);
    AddressResult a;
    a.ip = "10.0." + subnet_octet + "." + octet;
    a.family = "ipv4";
    a.klass = "endpoint-eni";
    a.eni = "eni-0" + std::to_string(index) + subnet_octet + "abcdef012345678";
    a.subnet = e.subnets.back();
    a.az = zone_names()[z];
    a.resolvers = {"host", "10.0.0.2"};
    a.route = RouteVerdict{"local", "local", "10.0.0.0/16"};
    a.tls = tls_ok(0.8 + z + index * 0.25, 11.5 + z * 2 + index);
    s.addresses.push_back(std::move(a));
  }
  s.endpoint = std::move(e);
  return s;
}

/// Healthy: 4 services x 3 AZs, all private, TLS ok, no findings; status ok.
inline Report healthy_report() {
  Report r = base_report();
  for (size_t i = 0; i < service_names().size(); ++i) {
    r.services.push_back(healthy_service(service_names()[i], static_cast<int>(i)));
  }
  compute_status(r);
  return r;
}

/// Private DNS off on the bedrock-runtime endpoint: public answers, the route leaves through a
/// NAT gateway. Root cause ENDPOINT_PRIVATE_DNS_DISABLED -> DNS_PUBLIC_ANSWER -> ROUTE_VIA_NAT.
inline Report nat_route_report() {
  Report r = healthy_report();
  ServiceResult& s = r.services[1];
  s.path = "nat-gateway";
  s.endpoint->private_dns = false;
  s.addresses.clear();
  for (const char* ip : {"52.94.134.10", "3.216.251.20"}) {
    AddressResult a;
    a.ip = ip;
    a.family = "ipv4";
    a.klass = "public";
    a.resolvers = {"host", "10.0.0.2"};
    a.route = RouteVerdict{"nat-gateway", "nat-0f00dfeedbeef0001", "0.0.0.0/0"};
    a.tls = tls_ok(21.5, 48.25);
    s.addresses.push_back(std::move(a));
  }
  // Effects listed before their causes on purpose: renderers must put causes first.
  Finding nat =
      make_finding("ROUTE_VIA_NAT", s.name, "52.94.134.10",
                   "52.94.134.10 is routed via nat-0f00dfeedbeef0001 (rtb-0123, 0.0.0.0/0)",
                   {"route table rtb-0123 of subnet-0aaa1111bbbb2222c",
                    "longest match 0.0.0.0/0 -> nat-0f00dfeedbeef0001"});
  nat.caused_by = {"DNS_PUBLIC_ANSWER"};
  Finding pub = make_finding(
      "DNS_PUBLIC_ANSWER", s.name, "",
      "bedrock-runtime.us-east-1.amazonaws.com resolves to public 52.94.134.10, 3.216.251.20",
      {"host resolver: A 52.94.134.10, 3.216.251.20 (TTL 60)",
       "Amazon resolver 10.0.0.2: A 52.94.134.10, 3.216.251.20"});
  pub.caused_by = {"ENDPOINT_PRIVATE_DNS_DISABLED"};
  Finding dns_off =
      make_finding("ENDPOINT_PRIVATE_DNS_DISABLED", s.name, "",
                   "vpce-011234567890abcde has PrivateDnsEnabled=false",
                   {"ec2:DescribeVpcEndpoints: vpce-011234567890abcde PrivateDnsEnabled=false"});
  r.findings = {nat, pub, dns_off};
  compute_status(r);
  return r;
}

/// The endpoint security group drops 443 from the instance: every bedrock-agent-runtime TLS
/// connect times out. Root cause SG_INGRESS_BLOCKS -> TLS_CONNECT_TIMEOUT per address.
inline Report sg_blocks_report() {
  Report r = healthy_report();
  ServiceResult& s = r.services[3];
  std::vector<Finding> effects;
  for (auto& a : s.addresses) {
    a.tls = tls_failed("TLS_CONNECT_TIMEOUT", "Connection timed out after 3000 milliseconds", 3000);
    Finding f = make_finding("TLS_CONNECT_TIMEOUT", s.name, a.ip,
                             "TCP connect to " + a.ip + ":443 timed out after 3000 ms",
                             {"connect " + a.ip + ":443 no SYN-ACK within 3000 ms"});
    f.caused_by = {"SG_INGRESS_BLOCKS"};
    effects.push_back(std::move(f));
  }
  Finding sg =
      make_finding("SG_INGRESS_BLOCKS", s.name, "",
                   "sg-0e11d00r of vpce-031234567890abcde allows 443 only from 10.9.0.0/16",
                   {"endpoint security group sg-0e11d00r ingress rule 1: tcp 443 from 10.9.0.0/16",
                    "instance address 10.0.1.50 is not in any ingress rule"});
  r.findings = {sg};
  r.findings.insert(r.findings.end(), effects.begin(), effects.end());
  r.findings.push_back(make_finding("ENDPOINT_AZ_MISSING", "bedrock", "",
                                    "vpce-001234567890abcde has no ENI in us-east-1a (use1-az1)",
                                    {"endpoint subnets: us-east-1b, us-east-1c"}));
  compute_status(r);
  return r;
}

/// A warning only: bedrock-runtime has no ENI in the instance's AZ (cross-AZ path).
inline Report az_gap_report() {
  Report r = healthy_report();
  ServiceResult& s = r.services[1];
  s.addresses.erase(s.addresses.begin());  // the us-east-1a ENI
  s.endpoint->subnets.erase(s.endpoint->subnets.begin());
  s.endpoint->azs.erase(s.endpoint->azs.begin());
  r.findings = {make_finding(
      "ENDPOINT_AZ_MISSING", s.name, "",
      "vpce-011234567890abcde has no ENI in us-east-1a (use1-az1)",
      {"endpoint subnets: us-east-1b, us-east-1c", "instance AZ: us-east-1a (use1-az1)"})};
  compute_status(r);
  return r;
}

/// Off EC2: no instance, no evidence, IPv6 not probed, info findings only.
inline Report off_ec2_report() {
  Report r;
  r.region = "eu-west-1";
  r.region_source = "AWS_REGION";
  r.evidence = "none";
  r.started_at = "2026-11-28T17:05:00Z";
  r.duration_ms = 120;
  r.version = "0.1.0";
  ServiceResult s;
  s.name = "bedrock-runtime";
  s.hostname = "bedrock-runtime.eu-west-1.amazonaws.com";
  s.path = "unknown";
  AddressResult v4;
  v4.ip = "54.239.1.1";
  v4.family = "ipv4";
  v4.klass = "public";
  v4.resolvers = {"host"};
  v4.tls = tls_ok(18, 40);
  AddressResult v6;
  v6.ip = "2600:1f18::1";
  v6.family = "ipv6";
  v6.klass = "public";
  v6.resolvers = {"host"};
  TlsResult skipped;
  skipped.probed = false;
  skipped.not_probed_reason = "no IPv6 route on this host";
  v6.tls = skipped;
  s.addresses = {v4, v6};
  r.services = {s};
  r.findings = {make_finding("IMDS_UNAVAILABLE", "", "", "No answer from instance metadata",
                             {"PUT /latest/api/token: connection refused"}),
                make_finding("NO_CREDENTIALS", "", "", "No AWS credentials found")};
  compute_status(r);
  return r;
}

/// Every string hostile: markup, quotes, backslashes, newlines, terminal escapes, invalid
/// UTF-8, a caused_by cycle and a dangling link. Renderers must stay well-formed.
inline Report hostile_report() {
  Report r = sg_blocks_report();
  r.region = "us-east-1\"} evil{x=\"1";
  r.instance->id = "i-<script>alert(1)</script>";
  r.version = "0.1.0\n# TYPE injected gauge";
  ServiceResult& s = r.services[0];
  s.hostname = "bedrock.\x1b[31mred\x1b[0m.example";
  s.addresses[0].resolvers = {"host\\path", "bad\xff\xfeutf8"};
  s.addresses[0].tls->subject = "CN=</svg><img src=x onerror=alert(1)>";
  s.addresses[0].tls->connect_ms =
      std::numeric_limits<double>::infinity();  // infinity must not reach any output
  Finding a = make_finding("DNS_HOSTS_OVERRIDE", s.name, "10.0.1.10",
                           "line 3 of /etc/hosts: \"10.0.1.10 bedrock\" & <b>bold</b>\r\n",
                           {"\x1b]0;title\x07", "tab\there", "\xc0\xaf overlong"});
  a.caused_by = {"DNS_RESOLVER_MISMATCH"};
  Finding b = make_finding("DNS_RESOLVER_MISMATCH", s.name, "", "mismatch 'quoted'");
  b.caused_by = {"DNS_HOSTS_OVERRIDE"};  // a cycle: both must still be rendered once
  Finding c = make_finding("DHCP_CUSTOM_DNS", "", "", "custom DNS \\ backslash");
  c.caused_by = {"NOT_PRESENT"};
  r.findings.push_back(a);
  r.findings.push_back(b);
  r.findings.push_back(c);
  compute_status(r);
  return r;
}

/// Nothing known: the check could not run (bad input or internal error). Status unknown,
/// no services, no start time.
inline Report unknown_report() {
  Report r;
  r.status = Severity::unknown;
  r.version = "0.1.0";
  return r;
}

/// Every fixture by name, for tests that check each format over all of them.
inline std::vector<std::pair<std::string, Report>> all_sample_reports() {
  return {{"healthy", healthy_report()},     {"nat_route", nat_route_report()},
          {"sg_blocks", sg_blocks_report()}, {"az_gap", az_gap_report()},
          {"off_ec2", off_ec2_report()},     {"hostile", hostile_report()},
          {"unknown", unknown_report()}};
}

}  // namespace bedrock_reach::samples

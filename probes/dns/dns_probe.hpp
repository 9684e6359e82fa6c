#pragma once
// The DNS probe: every target x resolver x {A, AAAA} at once on the check's EventLoop.
// Three paths: the host path as applications see it (nsswitch order, /etc/hosts, then DNS with
// resolv.conf's search list and ndots), each resolv.conf nameserver on its own, and the Amazon
// resolver directly. Pure helpers (answer interpretation, merging) are in dns_answer.hpp.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bedrock_reach/probe.hpp"
#include "dns/resolv_conf.hpp"
#include "dns/targets.hpp"

namespace bedrock_reach {

struct ResolverSpec {
  std::string label;  // "host", or the server address ("10.0.0.2", "169.254.169.253")
  enum class Kind { host, nameserver, amazon, extra } kind = Kind::host;
  std::string server;  // "10.0.0.2", "[::1]:5353", "127.0.0.1:5353"; empty for the host path
};

const char* to_string(ResolverSpec::Kind kind);

struct ResolverAnswer {
  std::string resolver;  // ResolverSpec::label
  ResolverSpec::Kind kind = ResolverSpec::Kind::host;
  std::string status;                    // ok|nxdomain|servfail|refused|timeout|nodata|error
  std::string rcode;                     // NOERROR, NXDOMAIN, ... ; empty when no reply arrived
  std::vector<std::string> addresses;    // A then AAAA, no duplicates
  std::vector<std::string> cname_chain;  // after the queried name
  std::optional<std::uint32_t> ttl;      // smallest TTL of the answer
  double elapsed_ms = 0;                 // slowest of the A/AAAA queries
  std::string error;                     // why, when not ok
  bool from_hosts_file = false;          // host path answered by /etc/hosts
};

struct NameResolution {
  Target target;
  std::vector<ResolverAnswer> answers;  // one per resolver, in resolver order
};

struct DnsPlanOptions {
  Millis per_try_timeout{1500};
  int tries{2};
  bool query_aaaa{true};
  std::string resolv_conf_path{"/etc/resolv.conf"}, hosts_path{"/etc/hosts"},
      nsswitch_path{"/etc/nsswitch.conf"};
  /// (name, resolver) pairs asked at once, each an A and an AAAA query: enough for the default
  /// names on every resolver in one round, and a bound for --service lists in the hundreds (a
  /// burst of a thousand UDP queries overruns resolvers' receive queues and rate limits).
  std::size_t max_names_in_flight{48};
  /// Port for resolv.conf nameservers and specs without one (tests point it at a fake).
  std::uint16_t dns_port{53};
};

/// host, then each resolv.conf nameserver, then the Amazon resolvers, then extras; a server
/// listed twice is queried once (an Amazon resolver in resolv.conf keeps kind amazon).
std::vector<ResolverSpec> default_resolvers(const ResolvConf& resolv_conf,
                                            const std::vector<std::string>& amazon_resolvers,
                                            const std::vector<std::string>& extra);

/// The Amazon resolver's addresses to query directly: 169.254.169.253, then the base of the
/// primary IPv4 CIDR plus two (10.0.0.0/16 -> 10.0.0.2) when the CIDR is known and valid.
std::vector<std::string> amazon_resolver_addresses(const std::vector<std::string>& vpc_ipv4_cidrs);

struct DnsProbeRequest {
  std::vector<Target> targets;
  std::vector<ResolverSpec> resolvers;
  DnsPlanOptions options;
  /// Optional: each name as soon as every resolver has answered it, so the caller can start work
  /// on it (TLS) while other names still wait, e.g. on a silent resolver's timeouts. Runs on the
  /// loop, never inside probe_dns(), at most once per name and before `done`; `done` still
  /// carries every name. Names cut by the deadline or the resolver budget come only in `done`.
  std::function<void(const NameResolution&)> on_name;
};

/// All queries at once on ctx.loop; `done` runs exactly once, on the loop: when every answer is
/// in, or at ctx.deadline (then unanswered ones are "timeout" and cut_by_deadline is true).
/// The outcome carries no findings: whether an answer is this VPC's endpoint needs the topology,
/// which arrives independently, so dns_findings() (dns_rules.hpp) judges the answers at assembly.
void probe_dns(ProbeContext& ctx, const DnsProbeRequest& request,
               ProbeCallback<std::vector<NameResolution>> done);

}  // namespace bedrock_reach

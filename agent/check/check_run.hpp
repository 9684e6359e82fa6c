#pragma once
// One check's state machine on one event loop. Independent work starts at once (IMDS and DNS);
// each later step starts the moment its inputs exist: EC2 discovery after the instance and its
// credentials are known, each TLS probe as soon as the host path returned its address. The loop
// and the HTTP client come in as interfaces, so a whole check runs in-process against fakes.
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "aws/clock_observer.hpp"
#include "aws/credential_fetch.hpp"
#include "aws/credential_plan.hpp"
#include "aws/credentials_chain.hpp"
#include "aws/imds.hpp"
#include "aws/topology_discovery.hpp"
#include "bedrock_reach/probe.hpp"
#include "check/check.hpp"
#include "dns/dns_probe.hpp"
#include "dns/hosts_file.hpp"
#include "dns/resolv_conf.hpp"
#include "dns/targets.hpp"
#include "http/limited_client.hpp"
#include "net/ipv6_connectivity.hpp"
#include "proxy/proxy_config.hpp"
#include "tls/tls_probe.hpp"

namespace bedrock_reach {

class CheckRun {
 public:
  /// `loop` and `http` (any HttpClient on that loop) must outlive the run; the run bounds its
  /// own concurrency on top of `http` (config max_concurrency).
  CheckRun(const CheckRequest& request, EventLoop& loop, HttpClient& http, spdlog::logger& log);
  Report run();

  // What the run learned, for the audit (valid after run()).
  const std::optional<Topology>& topology() const { return topology_; }
  const std::vector<Finding>& topology_findings() const { return topology_findings_; }
  /// Other VPCs' discoveries (CheckRequest::other_vpcs), by VPC id.
  const std::map<std::string, ProbeOutcome<Topology>>& other_topologies() const {
    return other_topologies_;
  }
  const std::map<std::string, NameResolution>& resolutions() const { return resolutions_; }
  const std::vector<Target>& targets() const { return targets_; }
  const std::optional<Region>& region() const { return region_; }
  const InstanceContext& instance() const { return instance_; }

 private:
  struct TlsKey {
    std::string service;
    std::string address;
    bool via_proxy = false;
    auto operator<=>(const TlsKey&) const = default;
  };

  void start();
  void on_instance(ProbeOutcome<InstanceContext> outcome);
  bool set_region(const Region& region);
  bool set_region_from_imds(const std::string& name);
  void on_region_from_imds(const std::string& region);
  void start_dns(const std::vector<ResolverSpec>& resolvers);
  /// `announced`: the names already merged (and probed) as they came in, through on_name.
  void on_dns(ProbeOutcome<std::vector<NameResolution>> outcome,
              const std::set<std::string>& announced);
  void merge_resolution(const NameResolution& resolution);
  void start_credentials();
  void on_credentials_ready();
  void start_topology();
  void start_other_topologies(const DiscoveryInput& base, const Ec2Options& options,
                              const ProbeContext& discovery_ctx);
  void start_tls_for_ready_answers();
  void start_tls(const Target& target, const std::string& address, bool via_proxy);
  bool finished() const;
  void finish_after_deadline();
  void report_progress();
  Report assemble();

  const CheckRequest& request_;
  spdlog::logger& log_;
  EventLoop& loop_;
  HttpClient& http_;
  ClockObserver clock_;  // AWS's clock from every AWS reply (CLOCK_SKEW)
  LimitedHttpClient limited_;
  ProbeContext ctx_;
  TimePoint started_;

  std::optional<Region> region_;
  std::vector<Target> targets_;
  std::vector<Finding> fatal_;            // REGION_UNKNOWN and the like: nothing else can run
  std::vector<Finding> config_findings_;  // SDK_CONFIG_INVALID: the shared config file
  ResolvConf resolv_conf_;
  HostsFile hosts_;
  ProxyConfig proxy_;
  bool ipv6_ok_ = false;
  std::string ipv6_reason_;
  std::string ca_bundle_;

  bool instance_done_ = false;
  InstanceContext instance_;
  std::vector<Finding> instance_findings_;
  double imds_ms_ = 0;
  std::optional<CredentialsResult> credentials_;
  CredentialPlan plan_;  // the application's credential source (issue 16)
  std::string config_text_, credentials_text_;
  bool credentials_pending_ = false;  // an STS / container / SSO / process source is running
  std::optional<Principal> principal_;

  std::set<std::string> queried_servers_;
  int dns_pending_ = 0;
  bool dns_started_ = false;
  std::map<std::string, NameResolution> resolutions_;  // by service
  double dns_ms_ = 0;

  bool topology_pending_ = false;
  bool topology_ran_ = false;
  std::optional<Topology> topology_;
  std::vector<Finding> topology_findings_;
  double discovery_ms_ = 0;
  std::map<std::string, ProbeOutcome<Topology>> other_topologies_;
  int other_topologies_pending_ = 0;

  std::map<TlsKey, ProbeOutcome<TlsResult>> tls_;
  std::set<TlsKey> tls_started_;
  int tls_pending_ = 0;
  double tls_ms_ = 0;

  std::vector<std::string> cut_steps_;  // steps the deadline ended early
};

}  // namespace bedrock_reach

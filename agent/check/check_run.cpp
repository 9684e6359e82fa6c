#include "check/check_run.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <ctime>

#include "aws/runtime.hpp"
#include "bedrock_reach/ip.hpp"
#include "check/assemble.hpp"
#include "fs/text_file.hpp"
#include "http/curl_client.hpp"
#include "loop/epoll_loop.hpp"
#include "version.hpp"

namespace bedrock_reach {
namespace {

/// An SDK config or credentials file (small by nature); empty when absent, unreadable or over
/// 1 MiB (the credential chain then says why).
std::string read_sdk_file(const std::string& path) {
  if (path.empty()) return "";
  return read_text_file(path, 1 << 20).value_or("");
}

double ms_since(TimePoint start) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
}

std::string utc_now_rfc3339() {
  std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return buffer;
}

}  // namespace

CheckRun::CheckRun(const CheckRequest& request, EventLoop& loop, HttpClient& http,
                   spdlog::logger& log)
    : request_(request),
      log_(log),
      loop_(loop),
      http_(http),
      clock_(http_),
      limited_(clock_, static_cast<std::size_t>(request.config.max_concurrency)),
      ctx_{loop_, SteadyClock::now() + Millis(request.config.timeout_ms), log},
      started_(SteadyClock::now()) {}

Report CheckRun::run() {
  start();
  if (request_.progress)
    loop_.add_timer(SteadyClock::now() + Millis(250), [this] { report_progress(); });
  if (!fatal_.empty()) return assemble();
  if (!loop_.run_until([this] { return finished(); }, ctx_.deadline)) finish_after_deadline();
  return assemble();
}

void CheckRun::start() {
  const Environment& env = request_.environment;
  if (auto resolv = load_resolv_conf(request_.resolv_conf_path)) resolv_conf_ = *resolv;
  if (auto hosts = load_hosts_file(request_.hosts_path)) hosts_ = *hosts;
  proxy_ = ProxyConfig::from_environment(env);
  ca_bundle_ = env.get("AWS_CA_BUNDLE").value_or("");
  // The application's credential source decides whether STS is on the path (a checked service).
  auto home = env.get("HOME");
  config_text_ = read_sdk_file(
      env.get("AWS_CONFIG_FILE").value_or(home ? *home + "/.aws/config" : std::string()));
  credentials_text_ =
      read_sdk_file(env.get("AWS_SHARED_CREDENTIALS_FILE")
                        .value_or(home ? *home + "/.aws/credentials" : std::string()));
  plan_ = plan_credentials(env, config_text_, credentials_text_);

  if (request_.region && !set_region(*request_.region)) return;
  ImdsRequest imds{ImdsOptions::from_environment(env), nullptr,
                   [this](const std::string& region) { on_region_from_imds(region); }};
  probe_imds(ctx_, http_, imds,
             [this](ProbeOutcome<InstanceContext> outcome) { on_instance(std::move(outcome)); });
  if (region_) {
    // The host path and resolv.conf servers need nothing from IMDS; VPC+2 joins when known.
    start_dns(
        default_resolvers(resolv_conf_, request_.amazon_resolvers, request_.config.resolvers));
  }
  // Only TLS needs this, and /proc/net reads take milliseconds in a namespace: on a later loop
  // turn than the first IMDS and DNS sends.
  loop_.add_timer(loop_.now(), [this] {
    auto v6 = read_ipv6_connectivity();
    ipv6_ok_ = v6.ok();
    ipv6_reason_ = v6.reason();
  });
}

bool CheckRun::set_region(const Region& region) {
  auto services = request_.config.services;
  for (const auto& extra : request_.config.extra_services) services.push_back(extra);
  // STS issues the application's credentials: check it like a Bedrock service.
  if (plan_.needs_sts() && std::find(services.begin(), services.end(), "sts") == services.end()) {
    if (services.empty()) services = default_services();
    services.push_back("sts");
  }
  EndpointSettings settings{
      [this](const std::string& name) { return request_.environment.get(name); }, config_text_,
      plan_.profile, request_.config.endpoint_urls};
  const std::string dualstack = dualstack_setting(settings);
  auto targets = build_targets(region, services, request_.config.fips, !dualstack.empty());
  if (!targets) {
    fatal_.push_back(make_finding("REGION_UNKNOWN", "", "",
                                  targets.error().message + " (from " + region.source + ")"));
    return false;
  }
  region_ = region;
  targets_ = std::move(*targets);
  // The host the application really calls (--endpoint-url, AWS_ENDPOINT_URL_<SERVICE>,
  // AWS_ENDPOINT_URL, the shared config file's services section and endpoint_url; e.g. an
  // endpoint-specific vpce-... name) is what is checked for that service. Otherwise, with
  // AWS_USE_DUALSTACK_ENDPOINT / use_dualstack_endpoint, the dual-stack name (*.api.aws). A
  // configured endpoint turns FIPS and dual-stack off, as botocore does (args.py
  // compute_endpoint_resolver_builtin_defaults: "SDK_ENDPOINT cannot be combined with
  // AWS_USE_FIPS / AWS_USE_DUALSTACK").
  std::vector<std::string> refused;  // services whose client botocore would not create
  std::string config_error;
  for (auto& target : targets_) {
    if (!dualstack.empty()) target.hostname_source += " (" + dualstack + ")";
    auto configured = configured_endpoint(target.service, settings);
    if (!configured.config_error.empty()) {
      refused.push_back(target.service);
      config_error = configured.config_error;
    }
    if (configured.source.empty()) continue;
    target.hostname_source = configured.source;
    if (!configured.host.empty()) target.hostname = configured.host;
  }
  config_findings_.clear();
  if (!refused.empty()) {
    std::string names;
    for (const auto& name : refused) names += (names.empty() ? "" : ", ") + name;
    config_findings_.push_back(make_finding(
        "SDK_CONFIG_INVALID", "", "",
        "The profile names a services section the config file lacks: botocore (boto3, the AWS "
        "CLI) refuses to create a client for " +
            names,
        {config_error,
         "botocore raises InvalidConfigError before any request (configprovider.py "
         "_get_services_config); other SDKs may ignore the setting",
         "the default host names were checked"}));
  }
  return true;
}

bool CheckRun::set_region_from_imds(const std::string& name) {
  auto region = make_region(name, "imds");
  if (!region) {
    fatal_.push_back(make_finding("REGION_UNKNOWN", "", "", region.error().message));
    return false;
  }
  return set_region(*region);
}

void CheckRun::start_dns(const std::vector<ResolverSpec>& resolvers) {
  std::vector<ResolverSpec> fresh;
  for (const auto& spec : resolvers) {
    std::string key = spec.kind == ResolverSpec::Kind::host ? "host" : spec.server;
    if (queried_servers_.insert(key).second) fresh.push_back(spec);
  }
  if (fresh.empty()) return;
  dns_started_ = true;
  ++dns_pending_;
  DnsPlanOptions options;
  options.resolv_conf_path = request_.resolv_conf_path;
  options.hosts_path = request_.hosts_path;
  options.nsswitch_path = request_.nsswitch_path;
  options.dns_port = request_.dns_port;
  // Each name is merged and its TLS probes start as soon as all its resolvers are in: a name that
  // waits on a silent resolver must not hold back the others' TLS until its timeout.
  auto announced = std::make_shared<std::set<std::string>>();
  auto on_name = [this, announced](const NameResolution& resolution) {
    announced->insert(resolution.target.service);
    merge_resolution(resolution);
    start_tls_for_ready_answers();
  };
  probe_dns(ctx_, DnsProbeRequest{targets_, std::move(fresh), std::move(options), on_name},
            [this, announced](ProbeOutcome<std::vector<NameResolution>> outcome) {
              on_dns(std::move(outcome), *announced);
            });
}

void CheckRun::merge_resolution(const NameResolution& resolution) {
  auto& merged = resolutions_[resolution.target.service];
  merged.target = resolution.target;
  for (const auto& answer : resolution.answers) merged.answers.push_back(answer);
}

void CheckRun::on_dns(ProbeOutcome<std::vector<NameResolution>> outcome,
                      const std::set<std::string>& announced) {
  --dns_pending_;
  dns_ms_ = ms_since(started_);
  if (outcome.cut_by_deadline) cut_steps_.push_back("dns");
  for (const auto& resolution : outcome.data) {
    if (announced.count(resolution.target.service) == 0) merge_resolution(resolution);
  }
  log_.debug("dns: {} names answered after {:.1f} ms", outcome.data.size(), dns_ms_);
  start_tls_for_ready_answers();
}

void CheckRun::on_region_from_imds(const std::string& region) {
  // The names depend on the Region alone: resolve them while the rest of IMDS is still read.
  if (region_ || !fatal_.empty()) return;
  if (!set_region_from_imds(region)) return;
  start_dns(default_resolvers(resolv_conf_, request_.amazon_resolvers, request_.config.resolvers));
}

void CheckRun::on_instance(ProbeOutcome<InstanceContext> outcome) {
  instance_done_ = true;
  imds_ms_ = ms_since(started_);
  if (outcome.cut_by_deadline) cut_steps_.push_back("instance metadata");
  instance_ = std::move(outcome.data);
  instance_findings_ = std::move(outcome.findings);
  const InstanceIdentity* identity = instance_.identity ? &*instance_.identity : nullptr;
  log_.debug("imds: {} after {:.1f} ms", identity ? identity->instance_id : "unavailable",
             imds_ms_);

  if (!fatal_.empty()) return;  // e.g. IMDS named a Region we cannot check
  if (!region_) {
    if (identity == nullptr || identity->region.empty()) {
      fatal_.push_back(make_finding("REGION_UNKNOWN", "", "",
                                    "no Region: pass --region or set AWS_REGION (instance metadata "
                                    "is unavailable)"));
      return;
    }
    if (!set_region_from_imds(identity->region)) return;
    start_dns(
        default_resolvers(resolv_conf_, request_.amazon_resolvers, request_.config.resolvers));
  }
  if (request_.amazon_resolver_at_vpc_base && identity != nullptr &&
      identity->primary() != nullptr) {
    // VPC base + 2 of the primary CIDR: where EC2 places the Amazon resolver.
    std::vector<ResolverSpec> amazon;
    for (const auto& address : amazon_resolver_addresses(identity->primary()->vpc_ipv4_cidrs)) {
      amazon.push_back(ResolverSpec{address, ResolverSpec::Kind::amazon, address});
    }
    start_dns(amazon);
  }
  start_credentials();
}

void CheckRun::start_credentials() {
  const CredentialStep* last = plan_.final_step();
  bool simple = last == nullptr ||
                (plan_.steps.size() == 1 && (last->kind == CredentialStep::Kind::environment ||
                                             last->kind == CredentialStep::Kind::static_keys ||
                                             last->kind == CredentialStep::Kind::instance_role));
  const InstanceIdentity* identity = instance_.identity ? &*instance_.identity : nullptr;
  std::string role_arn;
  if (identity != nullptr && !identity->iam_role.empty() && !identity->account_id.empty()) {
    role_arn = "arn:" + region_->partition.id + ":iam::" + identity->account_id + ":role/" +
               identity->iam_role;
  }
  if (simple) {
    credentials_ = resolve_credentials(request_.environment, instance_.role_credentials,
                                       std::chrono::system_clock::now());
    if (credentials_->credentials) {
      const std::string& source = credentials_->credentials->source;
      Principal p;
      p.source = source == "environment"                ? "env"
                 : source.rfind("shared-file:", 0) == 0 ? "shared-credentials-file"
                 : source.rfind("config-file:", 0) == 0 ? "config-file"
                                                        : "iam-role";
      if (p.source == "iam-role") p.arn = role_arn;
      principal_ = p;
    }
    return on_credentials_ready();
  }
  CredentialInputs inputs;
  inputs.plan = plan_;
  inputs.env = request_.environment;
  inputs.config_text = config_text_;
  inputs.credentials_text = credentials_text_;
  inputs.instance_role = instance_.role_credentials;
  inputs.instance_role_arn = role_arn;
  inputs.region = region_->name;
  inputs.dns_suffix = region_->partition.dns_suffix;
  inputs.ca_bundle = ca_bundle_;
  credentials_pending_ = true;
  probe_credentials(ctx_, limited_, std::move(inputs), [this](ProbeOutcome<AppCredentials> r) {
    credentials_pending_ = false;
    if (r.cut_by_deadline) cut_steps_.push_back("credentials");
    CredentialsResult result;
    result.credentials = std::move(r.data.credentials);
    result.findings = std::move(r.findings);
    result.notes = std::move(r.data.notes);
    credentials_ = std::move(result);
    principal_ = std::move(r.data.principal);
    log_.debug("credentials: {} ({})", principal_->source,
               credentials_->credentials ? "obtained" : "failed");
    on_credentials_ready();
  });
}

void CheckRun::on_credentials_ready() {
  start_topology();
  start_tls_for_ready_answers();
}

void CheckRun::start_topology() {
  const InstanceIdentity* identity = instance_.identity ? &*instance_.identity : nullptr;
  if (!request_.config.use_ec2_api || identity == nullptr || identity->primary() == nullptr ||
      !credentials_ || !credentials_->credentials) {
    return;
  }
  DiscoveryInput input;
  input.identity = *identity;
  input.vpc_wide = request_.vpc_wide_discovery;
  for (const auto& target : targets_) {
    input.service_names.push_back(region_->privatelink_service_name(endpoint_service(target)));
  }
  topology_pending_ = true;
  topology_ran_ = true;
  auto options = Ec2Options::from_environment(request_.environment, *region_);
  // Discovery is context for the verdict, not the data path: it stops a little before the
  // check's deadline and a slow API becomes API_UNREACHABLE (what could not be read stays
  // "could not check"), instead of CHECK_DEADLINE cutting the whole check.
  Millis reserve = std::clamp(Millis(request_.config.timeout_ms / 10), Millis(50), Millis(300));
  ProbeContext discovery_ctx{loop_, ctx_.deadline - reserve, log_};
  start_other_topologies(input, options, discovery_ctx);
  probe_topology(
      discovery_ctx, limited_, TopologyRequest{options, *credentials_->credentials, input},
      [this](ProbeOutcome<Topology> outcome) {
        topology_pending_ = false;
        discovery_ms_ = ms_since(started_);
        topology_ = std::move(outcome.data);
        topology_findings_ = std::move(outcome.findings);
        if (outcome.cut_by_deadline) {
          bool said = std::any_of(topology_findings_.begin(), topology_findings_.end(),
                                  [](const Finding& f) { return f.code == "API_UNREACHABLE"; });
          if (!said) {
            topology_findings_.push_back(
                make_finding("API_UNREACHABLE", "", "",
                             "The EC2 API did not answer every read within the check's " +
                                 std::to_string(request_.config.timeout_ms) +
                                 " ms deadline; what it did not answer was not checked",
                             topology_->gaps));
          }
        }
        log_.debug("discovery: done after {:.1f} ms", discovery_ms_);
      });
}

void CheckRun::start_other_topologies(const DiscoveryInput& base, const Ec2Options& options,
                                      const ProbeContext& discovery_ctx) {
  const MacInfo* mac = base.identity.primary();
  for (const auto& vpc_id : request_.other_vpcs) {
    if ((mac != nullptr && vpc_id == mac->vpc_id) || other_topologies_.count(vpc_id) != 0) continue;
    DiscoveryInput input = base;
    input.vpc_id = vpc_id;
    input.vpc_wide = true;
    other_topologies_[vpc_id] = ProbeOutcome<Topology>{};
    ++other_topologies_pending_;
    ProbeContext ctx = discovery_ctx;
    probe_topology(ctx, limited_, TopologyRequest{options, *credentials_->credentials, input},
                   [this, vpc_id](ProbeOutcome<Topology> outcome) {
                     --other_topologies_pending_;
                     other_topologies_[vpc_id] = std::move(outcome);
                   });
  }
}

void CheckRun::start_tls_for_ready_answers() {
  // Signed calls need the credentials chain, which needs IMDS to have answered (or given up).
  if (!instance_done_ || !region_ || credentials_pending_) return;
  for (const auto& target : targets_) {
    auto found = resolutions_.find(target.service);
    if (found == resolutions_.end()) continue;
    std::vector<std::string> addresses;
    for (const auto& answer : found->second.answers) {
      bool wanted = answer.kind == ResolverSpec::Kind::host || request_.config.all_resolvers;
      if (!wanted) continue;
      for (const auto& address : answer.addresses) addresses.push_back(address);
    }
    for (const auto& address : addresses) start_tls(target, address, false);
    if (request_.config.use_proxy && proxy_for(proxy_, target.hostname, 443)) {
      start_tls(target, "", true);
    }
  }
}

void CheckRun::start_tls(const Target& target, const std::string& address, bool via_proxy) {
  TlsKey key{target.service, address, via_proxy};
  if (!tls_started_.insert(key).second) return;
  auto parsed = IpAddress::parse(address);
  // IPv6 answers are probed only where the host can reach them; asking the kernel for a route
  // sends nothing, so a host without IPv6 gets "not probed" instead of a false timeout.
  if (!via_proxy && parsed && !parsed->is_v4() && !ipv6_ok_ && !route_exists(*parsed)) {
    tls_[key] = not_probed("no IPv6 route on this host: " + ipv6_reason_);
    return;
  }
  TlsProbeRequest probe;
  probe.service = target.service;
  probe.hostname = target.hostname;
  probe.signing_name = target.signing_name;
  probe.region = region_->name;
  probe.address = address;
  probe.ca_bundle = ca_bundle_;
  probe.credentials =
      credentials_ && credentials_->credentials ? &*credentials_->credentials : nullptr;
  probe.signed_call = request_.config.signed_calls;
  if (!request_.config.models.empty()) probe.model = request_.config.models.front();
  probe.cert_expiry_warning_days = request_.config.cert_expiry_warning_days;
  probe.port = request_.tls_port;
  if (via_proxy) probe.proxy_url = proxy_for(proxy_, target.hostname, 443);
  ++tls_pending_;
  probe_tls(ctx_, limited_, probe, [this, key](ProbeOutcome<TlsResult> output) {
    --tls_pending_;
    tls_ms_ = ms_since(started_);
    if (output.cut_by_deadline) cut_steps_.push_back("TLS " + key.service + " " + key.address);
    tls_[key] = std::move(output);
  });
}

void CheckRun::report_progress() {
  std::string_view phase = !instance_done_     ? "instance metadata"
                           : dns_pending_ > 0  ? "dns"
                           : topology_pending_ ? "EC2 discovery"
                                               : "tls";
  request_.progress(phase, ms_since(started_), tls_.size(), tls_started_.size());
  if (!finished()) loop_.add_timer(SteadyClock::now() + Millis(250), [this] { report_progress(); });
}

bool CheckRun::finished() const {
  if (!fatal_.empty()) return true;
  return instance_done_ && !credentials_pending_ && dns_started_ && dns_pending_ == 0 &&
         !topology_pending_ && other_topologies_pending_ == 0 && tls_pending_ == 0;
}

void CheckRun::finish_after_deadline() {
  if (!instance_done_) cut_steps_.push_back("instance metadata");
  if (dns_pending_ > 0) cut_steps_.push_back("dns");
  if (topology_pending_ || other_topologies_pending_ > 0) cut_steps_.push_back("EC2 discovery");
  // Cancelling completes every outstanding exchange through its callback; probes with their own
  // deadline timers fire on the next iterations, so give the loop a short grace to settle.
  limited_.cancel_all();
  http_.cancel_all();
  loop_.run_until([this] { return finished(); }, SteadyClock::now() + Millis(200));
  if (tls_pending_ > 0) cut_steps_.push_back(std::to_string(tls_pending_) + " TLS probes");
}

Report CheckRun::assemble() {
  CheckFacts facts;
  facts.config = &request_.config;
  facts.region = region_;
  facts.targets = &targets_;
  facts.fatal = &fatal_;
  facts.hosts = &hosts_;
  facts.proxy = &proxy_;
  facts.instance = &instance_;
  facts.instance_findings = &instance_findings_;
  facts.config_findings = &config_findings_;
  facts.credentials = credentials_ ? &*credentials_ : nullptr;
  facts.topology = topology_ ? &*topology_ : nullptr;
  facts.topology_findings = &topology_findings_;
  facts.resolutions = &resolutions_;
  for (const auto& [key, output] : tls_) {
    facts.tls.push_back(TlsFact{key.service, key.address, key.via_proxy, &output});
  }
  facts.cut_steps = cut_steps_;
  facts.clock_findings = clock_findings(
      clock_.samples(), clock_.refused_without_time(),
      request_.kernel_clock_unsynchronised ? request_.kernel_clock_unsynchronised() : std::nullopt);
  facts.runtime = detect_runtime(
      request_.environment, request_.runtime_files ? request_.runtime_files() : RuntimeFiles{});
  facts.principal = principal_;
  facts.timings = {{"imds", imds_ms_},
                   {"dns", dns_ms_},
                   {"discovery", discovery_ms_},
                   {"tls", tls_ms_},
                   {"total", ms_since(started_)}};
  Report report = assemble_report(facts);
  report.version = kVersion;
  report.started_at = utc_now_rfc3339();
  report.duration_ms = ms_since(started_);
  return report;
}

Report run_check(const CheckRequest& request, spdlog::logger& log) {
  EpollLoop loop;
  CurlClient curl(loop, request.http_shared);
  CheckRun run(request, loop, curl, log);
  return run.run();
}

}  // namespace bedrock_reach

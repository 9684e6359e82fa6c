#include <chrono>

#include "audit/audit.hpp"
#include "audit/audit_assemble.hpp"
#include "check/check_run.hpp"
#include "http/curl_client.hpp"
#include "loop/epoll_loop.hpp"
#include "version.hpp"

namespace bedrock_reach {

AuditReport run_audit(const AuditRequest& request, spdlog::logger& log) {
  auto started = SteadyClock::now();
  CheckRequest check = request.check;
  check.vpc_wide_discovery = true;
  check.other_vpcs = request.vpc_ids;
  EpollLoop loop;
  CurlClient curl(loop);
  CheckRun run(check, loop, curl, log);
  Report host = run.run();

  const InstanceIdentity* identity = run.instance().identity ? &*run.instance().identity : nullptr;
  const MacInfo* mac = identity != nullptr ? identity->primary() : nullptr;
  std::string own_vpc = mac != nullptr ? mac->vpc_id : "";
  AuditFacts facts;
  facts.region = run.region();
  facts.targets = &run.targets();
  facts.host_subnet = mac != nullptr ? mac->subnet_id : "";
  facts.findings = run.topology_findings();
  // The endpoint policies are judged for the check's principal, as check judges its own: the
  // instance role's session, or the application's principal when it signs with another one.
  const Principal* app =
      host.principal && host.principal->source != "iam-role" && !host.principal->arn.empty()
          ? &*host.principal
          : nullptr;
  if (identity != nullptr &&
      ((!identity->iam_role.empty() && !identity->account_id.empty()) || app != nullptr)) {
    facts.policy_principal = policy_request_for_instance(*identity, "", "", {});
    if (app != nullptr) apply_principal_arn(*facts.policy_principal, app->arn);
    // --model: the application's models, as check judges its own endpoint's policy.
    for (const auto& model : request.check.config.models) {
      facts.model_resources.push_back(model_resource_arn(model, identity->partition,
                                                         facts.region ? facts.region->name : "",
                                                         identity->account_id));
    }
  }
  std::vector<std::string> vpc_ids = request.vpc_ids;
  if (vpc_ids.empty() && !own_vpc.empty()) vpc_ids.push_back(own_vpc);
  for (const auto& vpc_id : vpc_ids) {
    AuditVpcFacts vpc{.vpc_id = vpc_id};
    if (vpc_id == own_vpc) {
      vpc.topology = run.topology() ? &*run.topology() : nullptr;
      vpc.measured = &run.resolutions();
    } else if (auto found = run.other_topologies().find(vpc_id);
               found != run.other_topologies().end()) {
      vpc.topology = &found->second.data;
      facts.findings.insert(facts.findings.end(), found->second.findings.begin(),
                            found->second.findings.end());
    }
    facts.vpcs.push_back(vpc);
  }
  AuditReport report = assemble_audit(facts, std::move(host));
  report.version = kVersion;
  report.started_at = report.check.started_at;
  report.duration_ms =
      std::chrono::duration<double, std::milli>(SteadyClock::now() - started).count();
  return report;
}

}  // namespace bedrock_reach

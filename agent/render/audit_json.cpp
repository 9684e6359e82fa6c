// The audit's JSON contract (issue 20, docs/audit.schema.json): fields may be added, never
// removed or renamed.
#include <nlohmann/json.hpp>

#include "bedrock_reach/strings.hpp"
#include "render/audit_render.hpp"
#include "render/json_util.hpp"
#include "render/render_util.hpp"

namespace bedrock_reach {
namespace {

using nlohmann::json;
using render_detail::text_list;
using render_detail::text_or_null;
using render_detail::valid_utf8;

json policy_resources_json(const AuditReport& report) {
  return report.policy_resources.empty() ? json::array({"*"}) : text_list(report.policy_resources);
}

json findings_json(const std::vector<Finding>& findings) {
  json out = json::array();
  for (const auto& ordered : render_detail::order_findings(findings))
    out.push_back(finding_to_json(*ordered.finding));
  return out;
}

json service_json(const SubnetServiceVerdict& s) {
  json endpoint = nullptr;
  if (s.endpoint) {
    endpoint = json{{"id", valid_utf8(s.endpoint->id)},
                    {"state", valid_utf8(s.endpoint->state)},
                    {"private_dns", s.endpoint->private_dns},
                    {"azs", text_list(s.endpoint->azs)},
                    {"eni_in_az", s.endpoint_in_az ? json(*s.endpoint_in_az) : json(nullptr)}};
  }
  json admission = nullptr;
  if (s.admission) {
    admission = json{{"by_cidr", s.admission->by_cidr},
                     {"cidr_rule", text_or_null(s.admission->cidr_rule)},
                     {"by_security_groups", text_list(s.admission->groups)},
                     {"group_rules", text_list(s.admission->group_rules)},
                     {"depends_on_instance_sg",
                      s.admission->by_cidr != "allowed" && !s.admission->groups.empty()}};
  }
  return json{{"name", valid_utf8(s.name)},
              {"status", std::string(status_name(s.status))},
              {"path", valid_utf8(s.path)},
              {"root_cause", text_or_null(s.root_cause())},
              {"endpoint", endpoint},
              {"sg_admission", admission},
              {"findings", findings_json(s.findings)}};
}

json subnet_json(const AuditVpc& vpc, const SubnetVerdict& s, const std::string& host_subnet) {
  json services = json::array();
  for (const auto& service : s.services) services.push_back(service_json(service));
  return json{{"id", valid_utf8(s.id)},
              {"vpc_id", valid_utf8(vpc.id)},
              {"cidr", valid_utf8(s.cidr)},
              {"az", text_or_null(s.az)},
              {"az_id", text_or_null(s.az_id)},
              {"route_table", text_or_null(s.route_table)},
              {"route_association", s.route_association},
              {"status", std::string(status_name(s.status))},
              {"host", s.id == host_subnet},
              {"services", services}};
}

}  // namespace

json audit_to_json(const AuditReport& report) {
  json subnets = json::array();
  json vpcs = json::array();
  for (const auto& vpc : report.vpcs) {
    json answers = json::array();
    for (const auto& a : vpc.answers) {
      answers.push_back(json{{"service", valid_utf8(a.service)},
                             {"hostname", valid_utf8(a.hostname)},
                             {"addresses", text_list(a.addresses)}});
    }
    json enis = json::array();
    for (const auto& e : vpc.enis) {
      enis.push_back(json{{"service", valid_utf8(e.service)},
                          {"endpoint", valid_utf8(e.endpoint_id)},
                          {"eni", valid_utf8(e.eni_id)},
                          {"subnet", text_or_null(e.subnet_id)},
                          {"az", text_or_null(e.az)},
                          {"ip", text_or_null(e.ip)}});
    }
    vpcs.push_back(json{{"id", valid_utf8(vpc.id)},
                        {"resolver", json{{"source", vpc.resolver_source}, {"answers", answers}}},
                        {"azs", text_list(vpc.azs)},
                        {"endpoint_enis", enis},
                        {"gaps", text_list(vpc.gaps)}});
    for (const auto& subnet : vpc.subnets)
      subnets.push_back(subnet_json(vpc, subnet, report.host_subnet));
  }
  json check = report_to_json(report.check);
  return json{{"schema_version", AuditReport::kSchemaVersion},
              {"kind", "audit"},
              {"status", std::string(status_name(report.status))},
              {"exit_code", exit_code(report.status)},
              {"version", text_or_null(report.version)},
              {"started_at", text_or_null(report.started_at)},
              {"duration_ms", render_detail::finite_or_zero(report.duration_ms)},
              {"region", text_or_null(report.region)},
              {"vpc_id", report.vpcs.empty() ? json(nullptr) : json(valid_utf8(report.vpcs[0].id))},
              {"evidence", report.evidence},
              {"plane", "configuration"},
              {"note", render_detail::audit_plane_note(report)},
              {"host_subnet", text_or_null(report.host_subnet)},
              {"endpoint_policy", json{{"judged", report.policy_judged},
                                       {"principal", text_or_null(report.policy_principal)},
                                       {"resources", policy_resources_json(report)},
                                       {"source", "subnet_cidr"}}},
              {"vpcs", vpcs},
              {"subnets", subnets},
              {"findings", findings_json(report.findings)},
              {"check", check}};
}

std::vector<std::string> audit_format_names() { return {"text", "json", "prometheus", "html"}; }

std::string render_audit(const AuditReport& report, OutputFormat format,
                         const RenderOptions& options) {
  switch (format) {
    case OutputFormat::json:
      return audit_to_json(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
             "\n";
    case OutputFormat::prometheus:
      return render_detail::render_audit_prometheus(report, options);
    case OutputFormat::html:
      return render_detail::render_audit_html(report, options);
    default:
      return render_detail::render_audit_text(report, options);
  }
}

namespace render_detail {

std::string audit_plane_note(const AuditReport& report) {
  std::string note =
      "Configuration-plane analysis: no packet was sent from the other subnets; each is judged "
      "from the EC2 configuration (route table, NACLs, endpoint security groups, endpoint ENIs "
      "per AZ) with the same rules as check. Instances' own security groups (egress, and SG "
      "references in endpoint rules) depend on each instance and are named, not judged.";
  bool measured = false, inferred = false;
  for (const auto& vpc : report.vpcs) {
    measured = measured || vpc.resolver_source == "measured";
    inferred = inferred || vpc.resolver_source == "inferred";
  }
  if (measured)
    note +=
        " The Amazon resolver answers the same for every subnet of a VPC, so it was asked once, "
        "from this host.";
  if (inferred)
    note +=
        " For a VPC other than this host's, the resolver's answer is inferred from the "
        "endpoints' private DNS and the VPC's DNS attributes.";
  if (report.policy_judged) {
    note += " Endpoint policies are judged for " +
            (report.policy_principal.empty() ? std::string("an unknown principal")
                                             : report.policy_principal) +
            " (this host's check principal; the role instances elsewhere use is not in the EC2 "
            "configuration), with each subnet's CIDR as aws:VpcSourceIp";
    if (!report.policy_resources.empty())
      note +=
          ", bedrock-runtime's for " + strings::join(report.policy_resources, ", ") + " (--model)";
    note += ".";
  } else {
    note += " Endpoint policies are not judged: no principal is known.";
  }
  if (!report.host_subnet.empty())
    note += " This host's subnet " + report.host_subnet +
            " was also checked on the data plane (check), shown beside it.";
  return note;
}

}  // namespace render_detail
}  // namespace bedrock_reach

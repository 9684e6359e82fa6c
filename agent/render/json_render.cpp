// The JSON contract: design.md "Report contract" and docs/report.schema.json. Fields may be
// added, never removed or renamed. Unknown values are null rather than "".
#include <nlohmann/json.hpp>

#include "render/json_util.hpp"
#include "render/render.hpp"
#include "render/render_util.hpp"
#include "render/renderers.hpp"

namespace bedrock_reach {
namespace {

using nlohmann::json;
using render_detail::finite_or_zero;
using render_detail::text_list;
using render_detail::text_or_null;
using render_detail::valid_utf8;

json text(std::string_view value) { return valid_utf8(value); }

json tls_to_json(const TlsResult& tls) {
  return json{
      {"ok", tls.ok},
      {"error", text_or_null(tls.error)},
      {"detail", text_or_null(tls.detail)},
      {"version", text_or_null(tls.version)},
      {"cipher", text_or_null(tls.cipher)},
      {"subject", text_or_null(tls.subject)},
      {"issuer", text_or_null(tls.issuer)},
      {"sans", text_list(tls.sans)},
      {"cert_days_left", tls.cert_days_left ? json(*tls.cert_days_left) : json(nullptr)},
      {"cert_not_after", tls.cert_not_after ? json(*tls.cert_not_after) : json(nullptr)},
      {"connect_ms", finite_or_zero(tls.connect_ms)},
      {"handshake_ms", finite_or_zero(tls.handshake_ms)},
      {"first_byte_ms", finite_or_zero(tls.first_byte_ms)},
      {"http_status", tls.http_status ? json(*tls.http_status) : json(nullptr)},
      {"aws_request_id", text_or_null(tls.aws_request_id)},
      {"aws_error_type", text_or_null(tls.aws_error_type)},
      {"via_proxy", tls.via_proxy},
      {"probed", tls.probed},
      {"not_probed_reason", text_or_null(tls.not_probed_reason)},
  };
}

json address_to_json(const AddressResult& a) {
  json route = nullptr;
  if (a.route) {
    route = json{{"kind", text(a.route->kind)},
                 {"target", text_or_null(a.route->target)},
                 {"destination", text_or_null(a.route->destination)}};
  }
  return json{
      {"ip", text(a.ip)},
      {"family", text(a.family)},
      {"class", text(a.klass)},
      {"eni", text_or_null(a.eni)},
      {"subnet", text_or_null(a.subnet)},
      {"az", text_or_null(a.az)},
      {"resolvers", text_list(a.resolvers)},
      {"route", route},
      {"tls", a.tls ? tls_to_json(*a.tls) : json(nullptr)},
      {"tls_via_proxy", a.tls_via_proxy ? tls_to_json(*a.tls_via_proxy) : json(nullptr)},
  };
}

json service_to_json(const ServiceResult& s) {
  json endpoint = nullptr;
  if (s.endpoint) {
    endpoint = json{{"id", text(s.endpoint->id)},
                    {"state", text(s.endpoint->state)},
                    {"private_dns", s.endpoint->private_dns},
                    {"subnets", text_list(s.endpoint->subnets)},
                    {"azs", text_list(s.endpoint->azs)}};
  }
  json addresses = json::array();
  for (const auto& a : s.addresses) addresses.push_back(address_to_json(a));
  return json{{"name", text(s.name)},
              {"hostname", text(s.hostname)},
              {"hostname_source", text(s.hostname_source)},
              {"status", std::string(status_name(s.status))},
              {"exit_code", exit_code(s.status)},
              {"path", text(s.path)},
              {"endpoint", endpoint},
              {"addresses", addresses}};
}

}  // namespace

json finding_to_json(const Finding& f) {
  return json{{"code", text(f.code)},
              {"severity", std::string(severity_name(f.severity))},
              {"service", text_or_null(f.service)},
              {"address", text_or_null(f.address)},
              {"message", text(f.message)},
              {"remediation", text(f.remediation)},
              {"evidence", text_list(f.evidence)},
              {"caused_by", text_list(f.caused_by)}};
}

json report_to_json(const Report& report) { return report_to_json(report, true); }

json report_to_json(const Report& report, bool with_services) {
  json instance = nullptr;
  if (report.instance) {
    const auto& i = *report.instance;
    instance = json{{"id", text(i.id)},
                    {"az", text_or_null(i.az)},
                    {"az_id", text_or_null(i.az_id)},
                    {"vpc_id", text_or_null(i.vpc_id)},
                    {"subnet_id", text_or_null(i.subnet_id)}};
  }
  json principal = nullptr;
  if (report.principal) {
    principal = json{{"source", text(report.principal->source)},
                     {"arn", text_or_null(report.principal->arn)},
                     {"profile", text_or_null(report.principal->profile)}};
  }
  json services = json::array();
  if (with_services) {
    for (const auto& s : report.services) services.push_back(service_to_json(s));
  }
  json findings = json::array();
  for (const auto& ordered : render_detail::order_findings(report.findings)) {
    findings.push_back(finding_to_json(*ordered.finding));
  }
  json timings = json::object();
  for (const auto& t : report.timings) timings[valid_utf8(t.phase)] = finite_or_zero(t.ms);
  return json{
      {"schema_version", Report::kSchemaVersion},
      {"status", std::string(status_name(report.status))},
      {"exit_code", exit_code(report.status)},
      {"version", text_or_null(report.version)},
      {"started_at", text_or_null(report.started_at)},
      {"duration_ms", finite_or_zero(report.duration_ms)},
      {"region", text_or_null(report.region)},
      {"region_source", text_or_null(report.region_source)},
      {"runtime", text(report.runtime)},
      {"principal", principal},
      {"instance", instance},
      {"evidence", text(report.evidence)},
      {"services", services},
      {"findings", findings},
      {"timings", timings},
  };
}

namespace render_detail {

std::string render_json(const Report& report) {
  // The same text as report_to_json(report).dump(2), built one service at a time into one
  // buffer: with a thousand addresses the whole document as a JSON tree, plus the copies of a
  // growing string, cost ~5 MiB more than the text itself.
  constexpr auto kReplace = json::error_handler_t::replace;  // strings are valid UTF-8 already
  std::string head = report_to_json(report, false).dump(2, ' ', false, kReplace) + "\n";
  const std::string placeholder = "\n  \"services\": []";
  auto at = head.find(placeholder);
  if (report.services.empty() || at == std::string::npos) {
    return report.services.empty() ? head
                                   : report_to_json(report).dump(2, ' ', false, kReplace) + "\n";
  }
  std::string out;
  out.append(head, 0, at);
  out += "\n  \"services\": [";
  for (std::size_t i = 0; i < report.services.size(); ++i) {
    std::string element = service_to_json(report.services[i]).dump(2, ' ', false, kReplace);
    if (i == 0) out.reserve(head.size() + (element.size() + 64) * report.services.size() * 11 / 10);
    out += i == 0 ? "\n    " : ",\n    ";
    for (char c : element) {
      out.push_back(c);
      if (c == '\n') out += "    ";
    }
  }
  out += "\n  ]";
  out.append(head, at + placeholder.size(), std::string::npos);
  return out;
}

}  // namespace render_detail
namespace render_detail {

json text_or_null(std::string_view value) {
  return value.empty() ? json(nullptr) : json(valid_utf8(value));
}

json text_list(const std::vector<std::string>& values) {
  json out = json::array();
  for (const auto& v : values) out.push_back(valid_utf8(v));
  return out;
}

}  // namespace render_detail
}  // namespace bedrock_reach

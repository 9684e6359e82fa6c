// The audit as Prometheus text: bedrock_reach_audit_subnet_status{vpc,subnet,az,service} (0 ok,
// 1 warning, 2 critical, 3 unknown: the exit-code scale), one series per subnet and service,
// unique by construction; plus the overall status and the subnet count.
#include <string>

#include "render/audit_render.hpp"
#include "render/render_util.hpp"

namespace bedrock_reach::render_detail {

std::string render_audit_prometheus(const AuditReport& report, const RenderOptions& options) {
  const std::string p = prometheus_name_prefix(options.metric_prefix);
  auto label = [](std::string_view value) { return prometheus_label_escape(value); };
  std::string out;
  out += "# HELP " + p +
         "audit_subnet_status Configuration-plane verdict per subnet and service (0 ok, 1 "
         "warning, 2 critical, 3 unknown)\n";
  out += "# TYPE " + p + "audit_subnet_status gauge\n";
  std::size_t subnets = 0;
  for (const auto& vpc : report.vpcs) {
    for (const auto& subnet : vpc.subnets) {
      ++subnets;
      for (const auto& service : subnet.services) {
        out += p + "audit_subnet_status{vpc=\"" + label(vpc.id) + "\",subnet=\"" +
               label(subnet.id) + "\",az=\"" + label(subnet.az.empty() ? "none" : subnet.az) +
               "\",service=\"" + label(service.name) + "\"} " +
               std::to_string(exit_code(service.status)) + "\n";
      }
    }
  }
  out += "# HELP " + p + "audit_status Worst subnet (0 ok, 1 warning, 2 critical, 3 unknown)\n";
  out += "# TYPE " + p + "audit_status gauge\n";
  out += p + "audit_status " + std::to_string(exit_code(report.status)) + "\n";
  out += "# HELP " + p + "audit_subnets Subnets judged\n";
  out += "# TYPE " + p + "audit_subnets gauge\n";
  out += p + "audit_subnets " + std::to_string(subnets) + "\n";
  return out;
}

}  // namespace bedrock_reach::render_detail

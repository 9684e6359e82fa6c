// The audit for people: a matrix subnet x service, the root cause in each failing cell, then
// one line per problem and the host's own data-plane verdict beside it.
#include <algorithm>

#include "render/audit_render.hpp"
#include "render/render_util.hpp"

namespace bedrock_reach::render_detail {
namespace {

std::string pad(const std::string& text, std::size_t width) {
  return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

std::string cell(const SubnetServiceVerdict& s) {
  if (s.status == Severity::ok) return "ok";
  std::string code = s.root_cause();
  return code.empty() ? status_upper(s.status) : code;
}

void append_table(std::string& out, const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i)
      line += i + 1 == row.size() ? row[i] : pad(row[i], widths[i] + 2);
    out += line + "\n";
  }
}

}  // namespace

std::string render_audit_text(const AuditReport& report, const RenderOptions& options) {
  (void)options;
  std::string out;
  std::size_t subnet_count = 0;
  for (const auto& vpc : report.vpcs) subnet_count += vpc.subnets.size();
  out += "bedrock-reach audit: " + status_upper(report.status) + "  " +
         terminal_safe(report.region) + "  " + std::to_string(report.vpcs.size()) + " VPC(s), " +
         std::to_string(subnet_count) + " subnet(s), evidence " + report.evidence + "\n";
  out += terminal_safe(audit_plane_note(report)) + "\n";
  for (const auto& vpc : report.vpcs) {
    out += "\n" + terminal_safe(vpc.id) + " (resolver answer " + vpc.resolver_source + ")\n";
    for (const auto& gap : vpc.gaps) out += "  not read: " + terminal_safe(gap) + "\n";
    if (vpc.subnets.empty()) {
      out += "  no subnets judged\n";
      continue;
    }
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> head{"SUBNET", "AZ", "CIDR", "ROUTE TABLE"};
    for (const auto& service : vpc.subnets.front().services) head.push_back(service.name);
    head.push_back("STATUS");
    rows.push_back(head);
    for (const auto& subnet : vpc.subnets) {
      std::vector<std::string> row{
          terminal_safe(subnet.id) + (subnet.id == report.host_subnet ? " (this host)" : ""),
          terminal_safe(subnet.az), terminal_safe(subnet.cidr),
          subnet.route_table.empty()
              ? "unknown"
              : terminal_safe(subnet.route_table) + " (" + subnet.route_association + ")"};
      for (const auto& service : subnet.services) row.push_back(cell(service));
      row.push_back(status_upper(subnet.status));
      rows.push_back(row);
    }
    append_table(out, rows);
  }
  // One line per subnet and root-cause code: the services it hits and the first message.
  std::string problems;
  for (const auto& vpc : report.vpcs) {
    for (const auto& subnet : vpc.subnets) {
      std::vector<std::pair<const Finding*, std::vector<std::string>>> causes;
      for (const auto& service : subnet.services) {
        for (const auto& f : service.findings) {
          if (f.severity != Severity::warning && f.severity != Severity::critical) continue;
          if (!f.caused_by.empty()) continue;  // the root cause speaks for its effects
          auto same = std::find_if(causes.begin(), causes.end(), [&](const auto& c) {
            return c.first->code == f.code && c.first->severity == f.severity;
          });
          if (same == causes.end()) {
            causes.push_back({&f, {service.name}});
          } else if (same->second.back() != service.name) {
            same->second.push_back(service.name);
          }
        }
      }
      for (const auto& [f, names] : causes) {
        std::string list;
        for (const auto& name : names) list += (list.empty() ? "" : ", ") + terminal_safe(name);
        problems += "  " + terminal_safe(subnet.id) + " " + f->code + " [" +
                    std::string(severity_name(f->severity)) + "] " + list + ": " +
                    terminal_safe(f->message) + "\n";
      }
    }
  }
  if (!problems.empty()) out += "\nProblems (root causes per subnet and service)\n" + problems;
  if (!report.findings.empty()) {
    out += "\nFindings (VPC-wide)\n";
    for (const auto& ordered : order_findings(report.findings)) {
      const Finding& f = *ordered.finding;
      out += "  " + f.code + " [" + std::string(severity_name(f.severity)) +
             "]: " + terminal_safe(f.message) + "\n";
    }
  }
  const Report& check = report.check;
  out += "\nThis host's data plane (check";
  if (check.instance) out += " from " + terminal_safe(check.instance->id);
  out += "): " + status_upper(check.status);
  for (const auto& ordered : order_findings(check.findings)) {
    const Finding& f = *ordered.finding;
    if (f.severity == Severity::warning || f.severity == Severity::critical) {
      out += ", first cause " + f.code;
      break;
    }
  }
  out += "\n";
  for (const auto& service : check.services) {
    out += "  " + terminal_safe(service.name) + ": " + status_upper(service.status) + ", path " +
           service.path + "\n";
  }
  return out;
}

}  // namespace bedrock_reach::render_detail

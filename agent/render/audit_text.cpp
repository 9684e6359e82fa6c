// The audit for people: a matrix subnet x service, the root cause in each failing cell, then
// one line per problem and the host's own data-plane verdict beside it. On a terminal narrower
// than the matrix (~170 columns with four services) a compact layout: one row per subnet, its
// root causes on lines under it, every line wrapped to the width.
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

using Rows = std::vector<std::vector<std::string>>;

std::vector<std::size_t> column_widths(const Rows& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  return widths;
}

std::size_t table_width(const Rows& rows) {
  std::size_t width = 0;
  for (auto w : column_widths(rows)) width += w + 2;
  return width == 0 ? 0 : width - 2;
}

std::string table_line(const std::vector<std::string>& row,
                       const std::vector<std::size_t>& widths) {
  std::string line;
  for (std::size_t i = 0; i < row.size(); ++i)
    line += i + 1 == row.size() ? row[i] : pad(row[i], widths[i] + 2);
  return line;
}

void append_table(std::string& out, const Rows& rows) {
  auto widths = column_widths(rows);
  for (const auto& row : rows) out += table_line(row, widths) + "\n";
}

std::string subnet_name(const SubnetVerdict& subnet, const std::string& host_subnet) {
  return terminal_safe(subnet.id) + (subnet.id == host_subnet ? " (this host)" : "");
}

Rows wide_rows(const AuditVpc& vpc, const std::string& host_subnet) {
  Rows rows;
  std::vector<std::string> head{"SUBNET", "AZ", "CIDR", "ROUTE TABLE"};
  for (const auto& service : vpc.subnets.front().services) head.push_back(service.name);
  head.push_back("STATUS");
  rows.push_back(head);
  for (const auto& subnet : vpc.subnets) {
    std::vector<std::string> row{
        subnet_name(subnet, host_subnet), terminal_safe(subnet.az), terminal_safe(subnet.cidr),
        subnet.route_table.empty()
            ? "unknown"
            : terminal_safe(subnet.route_table) + " (" + subnet.route_association + ")"};
    for (const auto& service : subnet.services) row.push_back(cell(service));
    row.push_back(status_upper(subnet.status));
    rows.push_back(row);
  }
  return rows;
}

/// Narrow terminals: subnet, AZ, CIDR, route association and status per row; under a row with
/// failing services one line per root cause naming them (the route table IDs are in JSON).
void append_compact(std::string& out, const AuditVpc& vpc, const std::string& host_subnet,
                    std::size_t columns) {
  Rows rows{{"SUBNET", "AZ", "CIDR", "ROUTES", "STATUS"}};
  for (const auto& subnet : vpc.subnets) {
    rows.push_back({subnet_name(subnet, host_subnet), terminal_safe(subnet.az),
                    terminal_safe(subnet.cidr), subnet.route_association,
                    status_upper(subnet.status)});
  }
  auto widths = column_widths(rows);
  out += table_line(rows.front(), widths) + "\n";
  for (std::size_t i = 0; i < vpc.subnets.size(); ++i) {
    out += table_line(rows[i + 1], widths) + "\n";
    std::vector<std::pair<std::string, std::vector<std::string>>> causes;  // cell -> services
    for (const auto& service : vpc.subnets[i].services) {
      if (service.status == Severity::ok) continue;
      std::string code = cell(service);
      auto same = std::find_if(causes.begin(), causes.end(),
                               [&](const auto& c) { return c.first == code; });
      if (same == causes.end()) {
        causes.push_back({code, {terminal_safe(service.name)}});
      } else {
        same->second.push_back(terminal_safe(service.name));
      }
    }
    for (const auto& [code, names] : causes) {
      std::string list;
      for (const auto& name : names) list += (list.empty() ? "" : ", ") + name;
      for (const auto& line : wrap(code + ": " + list, columns, "    ", "      "))
        out += line + "\n";
    }
  }
}

void append_wrapped(std::string& out, const std::string& text, std::size_t columns,
                    const std::string& first, const std::string& rest) {
  for (const auto& line : wrap(text, columns, first, rest)) out += line + "\n";
}

}  // namespace

std::string render_audit_text(const AuditReport& report, const RenderOptions& options) {
  const auto columns = static_cast<std::size_t>(std::max(options.columns, 0));
  std::string out;
  std::size_t subnet_count = 0;
  for (const auto& vpc : report.vpcs) subnet_count += vpc.subnets.size();
  out += "bedrock-reach audit: " + status_upper(report.status) + "  " +
         terminal_safe(report.region) + "  " + std::to_string(report.vpcs.size()) + " VPC(s), " +
         std::to_string(subnet_count) + " subnet(s), evidence " + report.evidence + "\n";
  append_wrapped(out, terminal_safe(audit_plane_note(report)), columns, "", "");
  for (const auto& vpc : report.vpcs) {
    out += "\n" + terminal_safe(vpc.id) + " (resolver answer " + vpc.resolver_source + ")\n";
    for (const auto& gap : vpc.gaps)
      append_wrapped(out, "not read: " + terminal_safe(gap), columns, "  ", "    ");
    if (vpc.subnets.empty()) {
      out += "  no subnets judged\n";
      continue;
    }
    Rows rows = wide_rows(vpc, report.host_subnet);
    if (columns == 0 || table_width(rows) <= columns) {
      append_table(out, rows);
    } else {
      append_compact(out, vpc, report.host_subnet, columns);
    }
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
        append_wrapped(problems,
                       terminal_safe(subnet.id) + " " + f->code + " [" +
                           std::string(severity_name(f->severity)) + "] " + list + ": " +
                           terminal_safe(f->message),
                       columns, "  ", "    ");
      }
    }
  }
  if (!problems.empty()) out += "\nProblems (root causes per subnet and service)\n" + problems;
  if (!report.findings.empty()) {
    out += "\nFindings (VPC-wide)\n";
    for (const auto& ordered : order_findings(report.findings)) {
      const Finding& f = *ordered.finding;
      append_wrapped(
          out,
          f.code + " [" + std::string(severity_name(f.severity)) + "]: " + terminal_safe(f.message),
          columns, "  ", "    ");
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

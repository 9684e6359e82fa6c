// The audit as one self-contained HTML page: each VPC drawn as a grid, AZs as columns and
// subnets as rows, every subnet in its AZ's column with its verdict per service, and the
// endpoints' ENIs placed in the subnets (and AZs) that hold them. No scripts, no assets.
#include <string>

#include "render/audit_render.hpp"
#include "render/render_util.hpp"

namespace bedrock_reach::render_detail {
namespace {

constexpr std::string_view kStyle = R"css(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2327;background:#fafafa}
main{max-width:1400px;margin:0 auto;padding:0 20px 40px}
header{padding:18px 24px;color:#fff}header h1{margin:0;font-size:26px}header p{margin:4px 0 0}
.status-ok{background:#2e7d32}.status-warning{background:#b26a00}.status-critical{background:#c62828}
.status-unknown{background:#616161}
table.vpc{border-collapse:separate;border-spacing:6px;width:100%}
table.vpc th{background:#eceff1;padding:6px;text-align:left}
table.vpc td{vertical-align:top;padding:0;min-width:150px}
div.subnet{background:#fff;border:1px solid #cfd8dc;border-left:6px solid #9e9e9e;padding:6px 8px;border-radius:4px}
div.subnet.sev-ok{border-left-color:#2e7d32}div.subnet.sev-warning{border-left-color:#b26a00}
div.subnet.sev-critical{border-left-color:#c62828}div.subnet.host{box-shadow:0 0 0 2px #1565c0}
span.cell{display:inline-block;margin:2px 4px 0 0;padding:0 6px;border-radius:8px;color:#fff;font-size:12px}
span.eni{display:inline-block;margin:2px 4px 0 0;padding:0 6px;border:1px dashed #1565c0;border-radius:8px;font-size:12px;color:#1565c0}
span.id{white-space:nowrap}
code{font-family:ui-monospace,Menlo,Consolas,monospace;white-space:nowrap}
p.note{color:#37474f}
)css";

std::string sev(Severity s) {
  return std::string(status_name(s == Severity::info ? Severity::ok : s));
}

void append_subnet(std::string& out, const AuditVpc& vpc, const SubnetVerdict& subnet,
                   const std::string& host) {
  out += "<div class=\"subnet sev-" + sev(subnet.status) + (subnet.id == host ? " host" : "") +
         "\"><code>" + html_escape(subnet.id) + "</code>" +
         (subnet.id == host ? " <b>this host</b>" : "") + "<br><code>" + html_escape(subnet.cidr) +
         "</code> &middot; " +
         (subnet.route_table.empty() ? std::string("route table unknown")
                                     : "<code>" + html_escape(subnet.route_table) + "</code> (" +
                                           subnet.route_association + ")") +
         "<br>";
  for (const auto& service : subnet.services) {
    std::string code = service.root_cause();
    out += "<span class=\"cell status-" + sev(service.status) + "\" title=\"" +
           html_escape(service.name) + "\">" + html_escape(service.name) +
           (code.empty() ? "" : ": " + html_escape(code)) + "</span>";
  }
  for (const auto& eni : vpc.enis) {
    if (eni.subnet_id != subnet.id) continue;
    out += "<span class=\"eni\" title=\"" + html_escape(eni.endpoint_id) + "\">ENI " +
           html_escape(eni.service) + " " + html_escape(eni.ip) + "</span>";
  }
  out += "</div>";
}

void append_vpc(std::string& out, const AuditVpc& vpc, const std::string& host) {
  out += "<h2><code>" + html_escape(vpc.id) + "</code>" +
         "</h2>\n<p>Resolver answer: " + html_escape(vpc.resolver_source) + "</p>\n";
  for (const auto& gap : vpc.gaps) out += "<p>Not read: " + html_text(gap) + "</p>\n";
  out += "<table class=\"vpc\"><thead><tr>";
  for (const auto& az : vpc.azs) {
    std::size_t enis = 0;
    for (const auto& eni : vpc.enis) enis += eni.az == az ? 1 : 0;
    out += "<th>" + html_escape(az) + "<br><small>" + std::to_string(enis) +
           " endpoint ENI(s)</small></th>";
  }
  out += "</tr></thead><tbody>\n";
  for (const auto& subnet : vpc.subnets) {
    out += "<tr>";
    for (const auto& az : vpc.azs) {
      out += "<td>";
      if (az == subnet.az) append_subnet(out, vpc, subnet, host);
      out += "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody></table>\n";
}

}  // namespace

std::string render_audit_html(const AuditReport& report, const RenderOptions& options) {
  (void)options;
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>bedrock-reach audit: " +
      status_upper(report.status) + " " + html_escape(report.region) + "</title><style>";
  out += kStyle;
  out += "</style></head>\n<body>\n<header class=\"status-" + sev(report.status) +
         "\" id=\"audit\"><h1>bedrock-reach audit: " + status_upper(report.status) + "</h1><p>" +
         html_escape(report.region) +
         ", this host's data plane (check): " + status_upper(report.check.status) +
         "</p></header>\n<main>\n<p class=\"note\">" + html_text(audit_plane_note(report)) +
         "</p>\n";
  for (const auto& vpc : report.vpcs) append_vpc(out, vpc, report.host_subnet);
  if (!report.findings.empty()) {
    out += "<h2>VPC-wide findings</h2>\n<ul>\n";
    for (const auto& ordered : order_findings(report.findings)) {
      const Finding& f = *ordered.finding;
      out += "<li><code>" + html_escape(f.code) + "</code> [" +
             std::string(severity_name(f.severity)) + "] " + html_text(f.message) + "</li>\n";
    }
    out += "</ul>\n";
  }
  out += "</main>\n</body></html>\n";
  return out;
}

}  // namespace bedrock_reach::render_detail

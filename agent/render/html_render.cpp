// One self-contained HTML page: verdict, context, per-service path pictures and address
// tables, findings (causes first, evidence in <details>). No scripts, no external assets; a
// Content-Security-Policy says so to the browser too.
#include <algorithm>
#include <string>
#include <vector>

#include "render/path_picture.hpp"
#include "render/render_util.hpp"
#include "render/renderers.hpp"

namespace bedrock_reach::render_detail {
namespace {

constexpr std::string_view kStyle = R"css(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2327;background:#fafafa}
main{max-width:1100px;margin:0 auto;padding:0 20px 40px}
header#verdict{padding:18px 24px;color:#fff}
header#verdict h1{margin:0;font-size:26px}
header#verdict p{margin:4px 0 0}
header.status-ok{background:#2e7d32}header.status-warning{background:#b26a00}
header.status-critical{background:#c62828}header.status-unknown{background:#616161}
h2{margin:28px 0 8px;font-size:19px}
table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e0e0e0;vertical-align:top}
th{background:#eceff1;font-weight:600}
.badge{display:inline-block;padding:1px 7px;border-radius:9px;font-size:12px;font-weight:700;color:#fff}
.badge.status-ok{background:#2e7d32}.badge.status-info{background:#00838f}
.badge.status-warning{background:#b26a00}.badge.status-critical{background:#c62828}
.badge.status-unknown{background:#616161}
section.service{background:#fff;border:1px solid #e0e0e0;border-radius:6px;padding:4px 16px 12px;margin:14px 0}
svg.path{display:block;max-width:100%;height:auto;margin:8px 0}
svg.path text{font:12px system-ui,sans-serif;fill:#1d2327}
svg.path text.head{font-weight:700}svg.path text.column{fill:#546e7a;font-weight:600}
svg.path .node rect{stroke-width:2}
svg.path .status-ok rect{fill:#e8f5e9;stroke:#2e7d32}svg.path .status-warning rect{fill:#fff8e1;stroke:#b26a00}
svg.path .status-critical rect{fill:#ffebee;stroke:#c62828}svg.path .status-unknown rect{fill:#f5f5f5;stroke:#757575}
svg.path path.edge{fill:none;stroke-width:2.5}
svg.path path.edge.status-ok{stroke:#2e7d32}svg.path path.edge.status-warning{stroke:#b26a00}
svg.path path.edge.status-critical{stroke:#c62828}svg.path path.edge.status-unknown{stroke:#9e9e9e}
svg.path .arrowhead{fill:#546e7a}
ol.findings{list-style:none;padding:0}
ol.findings li{background:#fff;border:1px solid #e0e0e0;border-left:5px solid #9e9e9e;padding:8px 12px;margin:8px 0}
ol.findings li.status-critical{border-left-color:#c62828}ol.findings li.status-warning{border-left-color:#b26a00}
ol.findings li.status-info{border-left-color:#00838f}
ol.findings li.effect{margin-left:calc(var(--depth,1)*28px)}
.code{font-family:ui-monospace,Menlo,Consolas,monospace;font-weight:700}
.fix{color:#37474f}.cause{color:#546e7a;font-style:italic}
code{font-family:ui-monospace,Menlo,Consolas,monospace;white-space:nowrap}
span.id{white-space:nowrap}
div.scroll{overflow-x:auto;max-width:100%}
svg.path .blocker rect{fill:#c62828;stroke:#7f0000}
svg.path .blocker text{fill:#fff;font-weight:700;font-size:10px}
table.addresses{table-layout:auto}table.addresses td{overflow-wrap:normal;word-break:keep-all}
table.addresses td:nth-child(-n+3){white-space:nowrap}
header#verdict .code{font-weight:700}
)css";

std::string css_status(Severity s) {
  return s == Severity::info ? "info" : std::string(status_name(s));
}

std::string badge(Severity s) {
  const std::string name = s == Severity::info ? "INFO" : status_upper(s);
  return "<span class=\"badge status-" + css_status(s) + "\">" + name + "</span>";
}

std::string dash(std::string_view text) { return text.empty() ? "&#8211;" : html_escape(text); }

// IDs in <code>, which never wraps: an ID broken across lines reads as two.
std::string code_or_dash(std::string_view text) {
  return text.empty() ? "&#8211;" : "<code>" + html_escape(text) + "</code>";
}

// An id from a service name: [a-z0-9-] only, so it is always a valid fragment.
std::string element_id(std::string_view name, size_t index) {
  std::string id = "service-" + std::to_string(index) + "-";
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    id += ok ? c : (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : '-';
  }
  return id;
}

std::string tls_text(const AddressResult& a) {
  if (!a.tls) return "&#8211;";
  const TlsResult& t = *a.tls;
  if (!t.probed) return "skipped " + html_escape(t.not_probed_reason);
  char ms[64];
  std::snprintf(ms, sizeof ms, " %.0f ms", finite_or_zero(t.connect_ms + t.handshake_ms));
  if (!t.ok) {
    return "<span class=\"code\">" + dash(t.error) + "</span> " + html_text(t.detail);
  }
  std::string out = "ok " + html_escape(t.version) + ms;
  if (t.cert_days_left) out += ", cert " + std::to_string(*t.cert_days_left) + " days";
  return out;
}

void append_verdict(std::string& out, const Report& report) {
  size_t failing = 0;
  for (const auto& s : report.services) failing += s.status >= Severity::warning ? 1 : 0;
  out += "<header id=\"verdict\" class=\"status-" + css_status(report.status) +
         "\" data-status=\"" + css_status(report.status) + "\"><h1>" + status_upper(report.status) +
         "</h1><p>" + std::to_string(report.services.size() - failing) + " of " +
         std::to_string(report.services.size()) + " services ok, " +
         std::to_string(report.findings.size()) + " findings &#183; region " + dash(report.region) +
         " &#183; evidence " + dash(report.evidence) + "</p>";
  const auto ordered = order_findings(report.findings);
  if (!ordered.empty() && ordered.front().finding->severity >= Severity::warning) {
    const Finding& root = *ordered.front().finding;
    out += "<p id=\"root-cause\">Root cause: <span class=\"code\">" + html_escape(root.code) +
           "</span>" + (root.service.empty() ? "" : " (" + html_escape(root.service) + ")") +
           " &#8212; " + html_text(root.message) + "</p>";
  }
  out += "</header>\n";
}

void append_context(std::string& out, const Report& report) {
  out += "<h2>Context</h2><table id=\"context\"><tbody>";
  auto row = [&](std::string_view k, const std::string& v) {
    out += "<tr><th>" + std::string(k) + "</th><td>" + v + "</td></tr>";
  };
  row("Region",
      dash(report.region) +
          (report.region_source.empty() ? "" : " (" + html_escape(report.region_source) + ")"));
  if (report.instance) {
    const auto& i = *report.instance;
    row("Instance", code_or_dash(i.id));
    row("Availability Zone",
        dash(i.az) + " " + (i.az_id.empty() ? "" : "(" + html_escape(i.az_id) + ")"));
    row("VPC / subnet", code_or_dash(i.vpc_id) + " / " + code_or_dash(i.subnet_id));
  } else {
    row("Instance", "not on EC2 (no instance metadata)");
  }
  row("Evidence", dash(report.evidence));
  row("Started", dash(report.started_at));
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.0f ms", finite_or_zero(report.duration_ms));
  row("Duration", ms);
  row("Version", dash(report.version));
  out += "</tbody></table>\n";
}

void append_service(std::string& out, const Report& report, const ServiceResult& s, size_t index) {
  out += "<section class=\"service\" id=\"" + element_id(s.name, index) + "\" data-service=\"" +
         html_escape(s.name) + "\" data-status=\"" + css_status(s.status) + "\">";
  out += "<h2>" + badge(s.status) + " " + html_escape(s.name) + " <small><code>" +
         html_escape(s.hostname) + "</code> &#8594; " + dash(s.path) + "</small></h2>";
  if (s.endpoint) {
    const auto& e = *s.endpoint;
    std::string azs;
    for (const auto& az : e.azs) azs += (azs.empty() ? "" : ", ") + html_escape(az);
    out += "<p>Endpoint " + code_or_dash(e.id) + ", " + dash(e.state) + ", private DNS " +
           (e.private_dns ? "on" : "<strong>off</strong>") + ", AZs " +
           (azs.empty() ? "&#8211;" : azs) + "</p>";
  } else {
    out += "<p>No interface endpoint known for this service.</p>";
  }
  out += path_picture_svg(report, s, index);
  // Wide tables scroll inside their section instead of running off the page.
  out +=
      "<div class=\"scroll\"><table "
      "class=\"addresses\"><thead><tr><th>AZ</th><th>Address</th><th>Class</th>"
      "<th>ENI</th><th>Subnet</th><th>Resolvers</th><th>Route</th><th>TLS</th></tr></thead><tbody>";
  for (const auto& a : s.addresses) {
    std::string resolvers;
    for (const auto& r : a.resolvers) resolvers += (resolvers.empty() ? "" : ", ") + html_escape(r);
    std::string route = "&#8211;";
    if (a.route) {
      route = html_escape(a.route->kind);
      if (!a.route->target.empty() && a.route->target != a.route->kind) {
        route += " <code>" + html_escape(a.route->target) + "</code>";
      }
      if (!a.route->destination.empty()) route += " (" + html_escape(a.route->destination) + ")";
    }
    out += "<tr class=\"status-" + css_status(address_severity(a, s.path)) + "\"><td>" +
           dash(a.az) + "</td><td><code>" + dash(a.ip) + "</code></td><td>" + dash(a.klass) +
           "</td><td>" + code_or_dash(a.eni) + "</td><td>" + code_or_dash(a.subnet) + "</td><td>" +
           (resolvers.empty() ? "&#8211;" : resolvers) + "</td><td>" + route + "</td><td>" +
           tls_text(a) + "</td></tr>";
  }
  if (s.addresses.empty()) out += "<tr><td colspan=\"8\">No addresses resolved.</td></tr>";
  out += "</tbody></table></div></section>\n";
}

void append_findings(std::string& out, const Report& report, const RenderOptions& options) {
  out += "<h2>Findings</h2>";
  if (report.findings.empty()) {
    out += "<p id=\"no-findings\">No findings.</p>\n";
    return;
  }
  out += "<ol class=\"findings\" id=\"findings\">";
  // As in the text report: a finding repeated per address is one item listing the addresses.
  for (const auto& group : group_findings(order_findings(report.findings))) {
    const Finding& f = *group.members.front();
    out += "<li class=\"finding status-" + css_status(f.severity) +
           (group.depth > 0 ? " effect\" style=\"--depth:" + std::to_string(group.depth)
                            : std::string()) +
           "\" data-code=\"" + html_escape(f.code) + "\" data-service=\"" + html_escape(f.service) +
           "\" data-count=\"" + std::to_string(group.members.size()) + "\">" + badge(f.severity) +
           " <span class=\"code\">" + html_escape(f.code) + "</span>";
    if (!f.service.empty()) out += " &#183; " + html_escape(f.service);
    if (!group.addresses.empty()) {
      out += " &#183; <span class=\"addresses\">";
      for (size_t i = 0; i < group.addresses.size(); ++i) {
        out +=
            (i ? ", " : "") + std::string("<code>") + html_escape(group.addresses[i]) + "</code>";
      }
      out += "</span>";
    }
    if (group.cause) {
      out += " <span class=\"cause\">caused by " + html_escape(group.cause->code) + "</span>";
    }
    out += "<div class=\"message\">" + html_text(f.message) + "</div>";
    if (group.members.size() > 1 && !group.same_message()) {
      out += "<details class=\"each\"><summary>Each address</summary><ul>";
      for (const Finding* member : group.members) {
        out += "<li>" + html_text(member->message) + "</li>";
      }
      out += "</ul></details>";
    }
    if (!f.remediation.empty()) {
      out += "<div class=\"fix\">Fix: " + html_text(f.remediation) + "</div>";
    }
    std::vector<std::string> evidence;
    for (const Finding* member : group.members) {
      for (const auto& e : member->evidence) {
        if (std::find(evidence.begin(), evidence.end(), e) == evidence.end()) evidence.push_back(e);
      }
    }
    if (!evidence.empty()) {
      out += std::string("<details") + (options.explain ? " open" : "") +
             "><summary>Evidence</summary><ul>";
      for (const auto& e : evidence) out += "<li>" + html_text(e) + "</li>";
      out += "</ul></details>";
    }
    out += "</li>";
  }
  out += "</ol>\n";
}

void append_timings(std::string& out, const Report& report) {
  if (report.timings.empty()) return;
  out += "<h2>Timings</h2><table id=\"timings\"><tbody>";
  for (const auto& t : report.timings) {
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.1f ms", finite_or_zero(t.ms));
    out += "<tr><th>" + html_escape(t.phase) + "</th><td>" + ms + "</td></tr>";
  }
  out += "</tbody></table>\n";
}

}  // namespace

std::string render_html(const Report& report, const RenderOptions& options) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>bedrock-reach: " +
      status_upper(report.status) + " " + html_escape(report.region) + "</title><style>";
  out += kStyle;
  out += "</style></head>\n<body>\n";
  append_verdict(out, report);
  out += "<main>\n";
  // What to fix first, then the evidence per service, then where the check ran.
  append_findings(out, report, options);
  out += "<div id=\"services\">\n";
  // Broken services first (worst status first, report order within a status); the element ids
  // keep the report's index, so links stay stable.
  std::vector<size_t> order(report.services.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&report](size_t a, size_t b) {
    return report.services[a].status > report.services[b].status;
  });
  for (size_t i : order) append_service(out, report, report.services[i], i);
  out += "</div>\n";
  append_context(out, report);
  append_timings(out, report);
  out += "</main>\n</body></html>\n";
  return out;
}

}  // namespace bedrock_reach::render_detail

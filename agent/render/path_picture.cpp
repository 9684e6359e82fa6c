#include "render/path_picture.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <vector>

#include "render/render_util.hpp"

namespace bedrock_reach::render_detail {
namespace {

constexpr int kBoxWidth = 222;
constexpr int kBoxHeight = 52;
constexpr int kRowPitch = 64;
constexpr int kColumnX[] = {12, 290, 568};
constexpr int kWidth = 802;
constexpr int kTop = 30;

// The report status names double as CSS classes (info shows as ok).
std::string css_class(Severity s) { return std::string(status_name(s)); }

constexpr size_t kLineFits = 29;  // code points that fit a box line at the normal size

size_t code_points(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// A box line. Never cut (an ID with an ellipsis is no ID): a line too long for the box is
// condensed to the box's width by the browser (textLength), whole and selectable.
std::string text_line(int x, int y, std::string_view text, bool head, int width) {
  const std::string valid = valid_utf8(text);
  std::string out = "<text x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(y) + "\"" +
                    (head ? " class=\"head\"" : "");
  if (code_points(valid) > kLineFits) {
    out += " textLength=\"" + std::to_string(width) + "\" lengthAdjust=\"spacingAndGlyphs\"";
  }
  return out + ">" + html_escape(valid) + "</text>";
}

// The security group or network ACL IDs that block, from the finding's own wording: an SG
// finding names the blocking groups before " of " ("endpoint security groups sg-a, sg-b of
// 10.0.1.31 ... from the instance 10.0.1.10 (sg-c)": sg-c is the source, not the block); a
// NACL finding's evidence names the ACL ("acl-x is the NACL of the ...").
std::vector<std::string> blocking_ids(const Finding& f) {
  std::vector<std::string> ids;
  auto scan = [&ids](std::string_view text, std::string_view prefix) {
    for (size_t at = text.find(prefix); at != std::string_view::npos;
         at = text.find(prefix, at + 1)) {
      if (at > 0 && std::isalnum(static_cast<unsigned char>(text[at - 1])) != 0) continue;
      size_t end = at + prefix.size();
      while (end < text.size() && std::isalnum(static_cast<unsigned char>(text[end])) != 0) ++end;
      std::string id(text.substr(at, end - at));
      if (id.size() > prefix.size() && std::find(ids.begin(), ids.end(), id) == ids.end()) {
        ids.push_back(id);
      }
    }
  };
  if (f.code.rfind("SG_", 0) == 0) {
    const std::string_view message = f.message;
    scan(message.substr(0, message.find(" of ")), "sg-");
  } else {
    scan(f.message, "acl-");
    for (const auto& e : f.evidence) scan(e, "acl-");
  }
  return ids;
}

bool is_blocking_code(const std::string& code) {
  return code == "SG_INGRESS_BLOCKS" || code == "SG_EGRESS_BLOCKS" ||
         code == "NACL_BLOCKS_OUTBOUND" || code == "NACL_BLOCKS_RETURN";
}

// What blocks traffic to `address`: the blocking findings of the service that name it or no
// address at all (a service-wide block).
const Finding* blocker_of(const Report& report, const ServiceResult& service,
                          const AddressResult& address) {
  for (const auto& f : report.findings) {
    // Only a verdict of "blocked" (critical); "could not check" (warning) draws no wall.
    if (!is_blocking_code(f.code) || f.service != service.name) continue;
    if (f.severity != Severity::critical) continue;
    if (f.address.empty() || f.address == address.ip) return &f;
  }
  return nullptr;
}

void box(std::string& svg, int x, int y, Severity s, const std::string& kind,
         const std::vector<std::string>& lines, const std::string& title, const std::string& data) {
  svg += "<g class=\"node " + kind + " status-" + css_class(s) + "\"" + data + ">";
  svg += "<title>" + html_escape(title) + "</title>";
  svg += "<rect x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(y) + "\" width=\"" +
         std::to_string(kBoxWidth) + "\" height=\"" + std::to_string(kBoxHeight) + "\" rx=\"6\"/>";
  int line_y = y + 18;
  for (size_t i = 0; i < lines.size() && i < 3; ++i, line_y += 15) {
    svg += text_line(x + 8, line_y, lines[i], i == 0, kBoxWidth - 16);
  }
  svg += "</g>";
}

void edge(std::string& svg, int from_row, int to_row, int column, Severity s,
          const std::string& arrow_id) {
  const int x1 = kColumnX[column] + kBoxWidth;
  const int x2 = kColumnX[column + 1];
  const int y1 = kTop + from_row * kRowPitch + kBoxHeight / 2;
  const int y2 = kTop + to_row * kRowPitch + kBoxHeight / 2;
  svg += "<path class=\"edge status-" + css_class(s) + "\" d=\"M" + std::to_string(x1) + " " +
         std::to_string(y1) + " C" + std::to_string((x1 + x2) / 2) + " " + std::to_string(y1) +
         " " + std::to_string((x1 + x2) / 2) + " " + std::to_string(y2) + " " +
         std::to_string(x2 - 4) + " " + std::to_string(y2) + "\" marker-end=\"url(#" + arrow_id +
         ")\"/>";
}

std::string route_label(const AddressResult& a) {
  if (!a.route) return "route not checked";
  return a.route->kind +
         (a.route->target.empty() || a.route->target == a.route->kind ? "" : " " + a.route->target);
}

}  // namespace

Severity route_severity(const std::string& kind) {
  if (kind == "local" || kind == "network-interface") return Severity::ok;
  if (kind == "transit-gateway" || kind == "peering" || kind == "virtual-gateway") {
    return Severity::warning;
  }
  if (kind == "nat-gateway" || kind == "internet-gateway" || kind == "egress-only-igw" ||
      kind == "appliance" || kind == "blackhole" || kind == "no-route") {
    return Severity::critical;
  }
  return Severity::unknown;
}

Severity address_severity(const AddressResult& a, std::string_view service_path) {
  Severity s = Severity::ok;
  bool inferred_endpoint = service_path == "private-endpoint" && a.klass == "vpc-private";
  if (a.klass == "public") s = worst(s, Severity::critical);
  if ((a.klass == "vpc-private" && !inferred_endpoint) || a.klass == "private-outside-vpc")
    s = worst(s, Severity::warning);
  if (a.route) {
    const Severity r = route_severity(a.route->kind);
    if (r != Severity::unknown) s = worst(s, r);
  }
  if (!a.tls || !a.tls->probed) return s == Severity::ok ? Severity::unknown : s;
  if (!a.tls->ok) s = worst(s, Severity::critical);
  return s;
}

std::string path_picture_svg(const Report& report, const ServiceResult& service, size_t index) {
  const std::string arrow_id = "arrow-" + std::to_string(index);
  // Column 2: distinct routes, in first-seen order; column 3: the addresses, by AZ.
  std::vector<const AddressResult*> addresses;
  for (const auto& a : service.addresses) addresses.push_back(&a);
  std::stable_sort(addresses.begin(), addresses.end(),
                   [](const auto* x, const auto* y) { return x->az < y->az; });
  std::vector<std::string> routes;
  std::map<std::string, Severity> route_state;
  for (const auto* a : addresses) {
    const std::string label = route_label(*a);
    if (std::find(routes.begin(), routes.end(), label) == routes.end()) routes.push_back(label);
    const Severity r = a->route ? route_severity(a->route->kind) : Severity::unknown;
    route_state[label] = r;
  }
  const int rows = static_cast<int>(std::max<size_t>({addresses.size(), routes.size(), 1}));
  const int height = kTop + rows * kRowPitch + 4;

  std::string svg =
      "<svg class=\"path\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"" +
      std::to_string(kWidth) + "\" height=\"" + std::to_string(height) + "\" viewBox=\"0 0 " +
      std::to_string(kWidth) + " " + std::to_string(height) + "\" aria-label=\"" +
      html_escape("Network path of " + service.name) + "\">";
  svg += "<defs><marker id=\"" + arrow_id +
         "\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
         "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0 0L10 5L0 10z\" "
         "class=\"arrowhead\"/></marker></defs>";
  const char* headings[] = {"Instance and subnet", "Route", "Endpoint ENI per AZ / egress"};
  for (int c = 0; c < 3; ++c) {
    svg += "<text class=\"column\" x=\"" + std::to_string(kColumnX[c]) + "\" y=\"16\">" +
           headings[c] + "</text>";
  }

  // The instance: one box, vertically centred on the rows.
  const int instance_row = (rows - 1) / 2;
  std::vector<std::string> instance_lines;
  if (report.instance) {
    instance_lines = {
        "instance " + report.instance->id, report.instance->subnet_id,
        report.instance->az +
            (report.instance->az_id.empty() ? "" : " (" + report.instance->az_id + ")")};
  } else {
    instance_lines = {"this host", "not on EC2 / no metadata", ""};
  }
  box(svg, kColumnX[0], kTop + instance_row * kRowPitch, Severity::ok, "instance", instance_lines,
      instance_lines[0], "");

  for (size_t r = 0; r < routes.size(); ++r) {
    const Severity s = route_state[routes[r]];
    edge(svg, instance_row, static_cast<int>(r), 0, s, arrow_id);
    // Kind and target on their own lines, so an ID gets a line of its own.
    std::vector<std::string> lines;
    const auto space = routes[r].find(' ');
    lines.push_back(routes[r].substr(0, space));
    if (space != std::string::npos) lines.push_back(routes[r].substr(space + 1));
    lines.push_back(s == Severity::ok ? "stays in the VPC" : css_class(s));
    box(svg, kColumnX[1], kTop + static_cast<int>(r) * kRowPitch, s, "route", lines, routes[r],
        " data-route=\"" + html_escape(routes[r]) + "\"");
  }

  for (size_t i = 0; i < addresses.size(); ++i) {
    const AddressResult& a = *addresses[i];
    const Severity s = address_severity(a, service.path);
    const auto route_row = std::find(routes.begin(), routes.end(), route_label(a)) - routes.begin();
    edge(svg, static_cast<int>(route_row), static_cast<int>(i), 1, s, arrow_id);
    std::string head = a.klass == "endpoint-eni" ? (a.eni.empty() ? "endpoint ENI" : a.eni)
                       : service.path == "private-endpoint" && a.klass == "vpc-private"
                           ? "endpoint (inferred)"
                           : a.klass + " address";
    std::string tls = !a.tls           ? "TLS not tried"
                      : !a.tls->probed ? "TLS skipped"
                      : a.tls->ok      ? "TLS ok " + a.tls->version
                                       : a.tls->error;
    const int row_y = kTop + static_cast<int>(i) * kRowPitch;
    std::string blocked_by;
    if (const Finding* blocker = blocker_of(report, service, a)) {
      // The blocking security group or NACL, drawn as a wall on the edge into the address and
      // named in full in the box.
      const auto ids = blocking_ids(*blocker);
      const bool nacl = blocker->code.rfind("NACL", 0) == 0;
      std::string names;
      for (const auto& id : ids) names += (names.empty() ? "" : " ") + id;
      if (names.empty()) names = nacl ? "network ACL" : "security group";
      blocked_by = names;
      const int wall_x = kColumnX[2] - 30;
      svg += "<g class=\"blocker " + std::string(nacl ? "nacl" : "sg") + "\" data-blocked-by=\"" +
             html_escape(names) + "\" data-code=\"" + html_escape(blocker->code) + "\"><title>" +
             html_escape(blocker->code + ": " + names) + "</title><rect x=\"" +
             std::to_string(wall_x) + "\" y=\"" + std::to_string(row_y + 6) +
             "\" width=\"22\" height=\"" + std::to_string(kBoxHeight - 12) +
             "\" rx=\"3\"/><text x=\"" + std::to_string(wall_x + 11) + "\" y=\"" +
             std::to_string(row_y + kBoxHeight / 2 + 4) + "\" text-anchor=\"middle\">" +
             (nacl ? "ACL" : "SG") + "</text></g>";
      tls = "blocked by " + names;
    }
    box(svg, kColumnX[2], row_y, s, "address",
        {head, a.ip + (a.az.empty() ? "" : "  " + a.az), tls}, a.ip + " " + a.klass + " " + tls,
        " data-ip=\"" + html_escape(a.ip) + "\" data-status=\"" + css_class(s) + "\"" +
            (blocked_by.empty() ? "" : " data-blocked-by=\"" + html_escape(blocked_by) + "\""));
  }
  if (addresses.empty()) {
    box(svg, kColumnX[1], kTop, Severity::critical, "route",
        {"no addresses", "name did not resolve"}, "no addresses", "");
  }
  svg += "</svg>";
  return svg;
}

}  // namespace bedrock_reach::render_detail

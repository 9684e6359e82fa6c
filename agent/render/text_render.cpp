// The human report: a summary line, a per-service x per-AZ table, then findings with fixes,
// root causes first. ASCII only (besides what the report itself holds), so it greps and pipes
// well; colours only when the caller asks (a TTY without --no-color).
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "render/render_util.hpp"
#include "render/renderers.hpp"

namespace bedrock_reach::render_detail {
namespace {

constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kBold = "\x1b[1m";

std::string_view severity_colour(Severity s) {
  switch (s) {
    case Severity::ok:
      return "\x1b[32m";  // green
    case Severity::info:
      return "\x1b[36m";  // cyan
    case Severity::warning:
      return "\x1b[33m";  // yellow
    case Severity::critical:
      return "\x1b[1;31m";  // bold red
    case Severity::unknown:
      return "\x1b[35m";  // magenta
  }
  return "";
}

// Code points, which is what a terminal advances by for the text we print.
size_t display_width(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string ms_text(double ms) {
  ms = finite_or_zero(ms);
  char buf[32];
  if (ms >= 1000) {
    std::snprintf(buf, sizeof buf, "%.1f s", ms / 1000);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f ms", ms);
  }
  return buf;
}

// A cell: its text and the severity that colours it (nullopt: uncoloured).
struct Cell {
  std::string text;
  std::optional<Severity> tint;
};

class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void add(std::vector<Cell> row) { rows_.push_back(std::move(row)); }

  std::string render(bool color) const {
    std::vector<size_t> width(header_.size(), 0);
    for (size_t c = 0; c < header_.size(); ++c) width[c] = display_width(header_[c]);
    for (const auto& row : rows_) {
      for (size_t c = 0; c < row.size() && c < width.size(); ++c) {
        width[c] = std::max(width[c], display_width(row[c].text));
      }
    }
    std::string out;
    std::vector<Cell> header_cells;
    for (const auto& h : header_) header_cells.push_back({h, std::nullopt});
    append_row(out, header_cells, width, color, true);
    for (const auto& row : rows_) append_row(out, row, width, color, false);
    return out;
  }

 private:
  static void append_row(std::string& out, const std::vector<Cell>& row,
                         const std::vector<size_t>& width, bool color, bool header) {
    std::string line = "  ";
    for (size_t c = 0; c < row.size() && c < width.size(); ++c) {
      const bool last = c + 1 == row.size();
      std::string cell = row[c].text;
      if (!last) cell.append(width[c] - display_width(cell) + 2, ' ');
      if (color && header) {
        line.append(kBold).append(cell).append(kReset);
      } else if (color && row[c].tint) {
        // Colour the text, not the padding, so columns stay aligned.
        const size_t len = row[c].text.size();
        line.append(severity_colour(*row[c].tint))
            .append(cell.substr(0, len))
            .append(kReset)
            .append(cell.substr(len));
      } else {
        line += cell;
      }
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }

  std::vector<std::string> header_;
  std::vector<std::vector<Cell>> rows_;
};

std::string dash_if_empty(std::string_view text) {
  return text.empty() ? "-" : terminal_safe(text);
}

Cell tls_cell(const AddressResult& a) {
  if (!a.tls) return {"-", std::nullopt};
  const TlsResult& t = *a.tls;
  if (!t.probed) {
    return {
        "skipped" + (t.not_probed_reason.empty() ? "" : ": " + terminal_safe(t.not_probed_reason)),
        Severity::unknown};
  }
  if (!t.ok) return {terminal_safe(t.error.empty() ? "failed" : t.error), Severity::critical};
  std::string text = "ok";
  if (!t.version.empty()) text += " " + terminal_safe(t.version);
  text += " " + ms_text(t.connect_ms + t.handshake_ms);
  if (t.cert_days_left) text += ", cert " + std::to_string(*t.cert_days_left) + " d";
  return {text, Severity::ok};
}

std::string route_text(const AddressResult& a) {
  if (!a.route) return "-";
  std::string text = terminal_safe(a.route->kind);
  if (!a.route->target.empty() && a.route->target != a.route->kind) {
    text += " " + terminal_safe(a.route->target);
  }
  return text;
}

void append_summary(std::string& out, const Report& report, bool color) {
  size_t counts[5] = {0, 0, 0, 0, 0};
  for (const auto& s : report.services) ++counts[static_cast<int>(s.status)];
  const std::string status = status_upper(report.status);
  out += "bedrock-reach: ";
  if (color) {
    out.append(severity_colour(report.status)).append(status).append(kReset);
  } else {
    out += status;
  }
  const size_t total = report.services.size();
  const size_t ok = counts[0] + counts[1];
  out += " - " + std::to_string(ok) + " of " + std::to_string(total) + " services ok";
  if (counts[3]) out += ", " + std::to_string(counts[3]) + " critical";
  if (counts[2]) out += ", " + std::to_string(counts[2]) + " warning";
  if (counts[4]) out += ", " + std::to_string(counts[4]) + " unknown";
  out += " | region " + dash_if_empty(report.region);
  if (!report.region_source.empty()) out += " (" + terminal_safe(report.region_source) + ")";
  if (report.instance) {
    const auto& i = *report.instance;
    out += ", instance " + dash_if_empty(i.id);
    if (!i.az.empty()) out += " in " + terminal_safe(i.az);
    if (!i.az_id.empty()) out += " (" + terminal_safe(i.az_id) + ")";
  } else {
    out += ", not on EC2";
  }
  out += ", evidence " + dash_if_empty(report.evidence);
  if (report.duration_ms > 0) out += ", " + ms_text(report.duration_ms);
  out += "\n";
}

void append_table(std::string& out, const Report& report, bool color) {
  if (report.services.empty()) return;
  Table table({"SERVICE", "STATUS", "PATH", "AZ", "ADDRESS", "CLASS", "ROUTE", "TLS"});
  for (const auto& s : report.services) {
    std::vector<const AddressResult*> rows;
    for (const auto& a : s.addresses) rows.push_back(&a);
    std::stable_sort(rows.begin(), rows.end(), [](const auto* x, const auto* y) {
      return std::tie(x->az, x->family, x->ip) < std::tie(y->az, y->family, y->ip);
    });
    Cell name{terminal_safe(s.name), std::nullopt};
    Cell status{status_upper(s.status), s.status};
    Cell path{terminal_safe(s.path), s.path == "private-endpoint" ? Severity::ok : s.status};
    if (rows.empty()) {
      table.add(
          {name, status, path, {"-", {}}, {"(no addresses)", {}}, {"-", {}}, {"-", {}}, {"-", {}}});
      continue;
    }
    std::string previous_az = "\x01";
    for (size_t k = 0; k < rows.size(); ++k) {
      const AddressResult& a = *rows[k];
      const bool first = k == 0;
      Cell az{a.az == previous_az ? "" : dash_if_empty(a.az), std::nullopt};
      previous_az = a.az;
      Severity class_tint = a.klass == "endpoint-eni" ? Severity::ok
                            : a.klass == "public"     ? Severity::critical
                                                      : Severity::warning;
      table.add({first ? name : Cell{},
                 first ? status : Cell{},
                 first ? path : Cell{},
                 az,
                 {terminal_safe(a.ip), std::nullopt},
                 {dash_if_empty(a.klass), class_tint},
                 {route_text(a), std::nullopt},
                 tls_cell(a)});
    }
  }
  out += "\n" + table.render(color);
}

void append_findings(std::string& out, const Report& report, const RenderOptions& options) {
  out += "\n";
  if (report.findings.empty()) {
    out += "No findings.\n";
    return;
  }
  out += "Findings (root causes first):\n";
  for (const auto& of : order_findings(report.findings)) {
    const Finding& f = *of.finding;
    const std::string indent(2 + static_cast<size_t>(of.depth) * 4, ' ');
    std::string head = indent;
    if (of.depth > 0) head.replace(head.size() - 3, 3, "`- ");
    const std::string label = f.severity == Severity::info ? "INFO" : status_upper(f.severity);
    if (options.color) {
      head.append(severity_colour(f.severity)).append(label).append(kReset);
    } else {
      head += label;
    }
    head += " " + terminal_safe(f.code);
    if (!f.service.empty()) head += "  " + terminal_safe(f.service);
    if (!f.address.empty()) head += " " + terminal_safe(f.address);
    if (of.cause) head += "  (caused by " + terminal_safe(of.cause->code) + ")";
    out += head + "\n";
    const std::string body(indent.size() + 4, ' ');
    if (!f.message.empty()) out += body + terminal_safe(f.message) + "\n";
    if (!f.remediation.empty()) out += body + "fix: " + terminal_safe(f.remediation) + "\n";
    if (options.explain) {
      if (f.evidence.empty()) {
        out += body + "evidence: (none recorded)\n";
      } else {
        out += body + "evidence:\n";
        for (const auto& e : f.evidence) out += body + "  - " + terminal_safe(e) + "\n";
      }
    }
  }
}

void append_timings(std::string& out, const Report& report) {
  if (report.timings.empty()) return;
  out += "\nTimings:";
  for (const auto& t : report.timings)
    out += " " + terminal_safe(t.phase) + " " + ms_text(t.ms) + ";";
  out.back() = '\n';
}

}  // namespace

std::string render_text(const Report& report, const RenderOptions& options) {
  std::string out;
  append_summary(out, report, options.color);
  append_table(out, report, options.color);
  append_findings(out, report, options);
  if (options.explain) append_timings(out, report);
  return out;
}

}  // namespace bedrock_reach::render_detail

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
  explicit Table(std::vector<std::string> header, size_t indent = 2)
      : header_(std::move(header)), indent_(indent) {}
  void add(std::vector<Cell> row) { rows_.push_back(std::move(row)); }

  // Width of the widest line, unwrapped.
  size_t width() const {
    size_t total = indent_;
    for (size_t w : column_widths()) total += w + 2;
    return total - 2;
  }

  // Where the last column begins.
  size_t last_column_start() const {
    auto widths = column_widths();
    size_t start = indent_;
    for (size_t c = 0; c + 1 < widths.size(); ++c) start += widths[c] + 2;
    return start;
  }

  // max_width > 0: the last column wraps (at spaces) onto continuation lines under itself.
  std::string render(bool color, size_t max_width = 0) const {
    std::vector<size_t> width = column_widths();
    std::string out;
    std::vector<Cell> header_cells;
    for (const auto& h : header_) header_cells.push_back({h, std::nullopt});
    append_row(out, header_cells, width, color, true, max_width);
    for (const auto& row : rows_) append_row(out, row, width, color, false, max_width);
    return out;
  }

 private:
  std::vector<size_t> column_widths() const {
    std::vector<size_t> width(header_.size(), 0);
    for (size_t c = 0; c < header_.size(); ++c) width[c] = display_width(header_[c]);
    for (const auto& row : rows_) {
      for (size_t c = 0; c < row.size() && c < width.size(); ++c) {
        width[c] = std::max(width[c], display_width(row[c].text));
      }
    }
    return width;
  }

  void append_row(std::string& out, const std::vector<Cell>& row, const std::vector<size_t>& width,
                  bool color, bool header, size_t max_width) const {
    std::string line(indent_, ' ');
    std::vector<std::string> continuation;
    for (size_t c = 0; c < row.size() && c < width.size(); ++c) {
      const bool last = c + 1 == row.size();
      std::string text = row[c].text;
      if (last && max_width > 0 && display_width(line) + display_width(text) > max_width) {
        // Too narrow for the last cell: wrap it under its own column, or under a deeper
        // indent on the next lines when the column starts too far right to be useful.
        const size_t column = display_width(line);
        const bool under = max_width > column + 16;
        const std::string pad(under ? column : indent_ + 4, ' ');
        auto parts = wrap(text, max_width, under ? "" : pad, pad);
        if (under) {
          text = parts.front();
          continuation.assign(parts.begin() + 1, parts.end());
        } else {
          text.clear();
          continuation = parts;
        }
      }
      std::string cell = text;
      if (!last) cell.append(width[c] - display_width(cell) + 2, ' ');
      if (color && header) {
        line.append(kBold).append(cell).append(kReset);
      } else if (color && row[c].tint && !text.empty()) {
        // Colour the text, not the padding, so columns stay aligned.
        const size_t len = text.size();
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
    for (const auto& more : continuation) out += more + "\n";
  }

  std::vector<std::string> header_;
  size_t indent_;
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

// "bedrock-runtime SG_INGRESS_BLOCKS", or the code with its services when several share it.
// `with_services` false: the codes alone, for a narrow terminal.
std::vector<std::string> cause_labels(const std::vector<const FindingGroup*>& causes,
                                      bool with_services) {
  std::vector<std::pair<std::string, std::vector<std::string>>> by_code;
  for (const FindingGroup* group : causes) {
    const Finding& f = *group->members.front();
    auto it = std::find_if(by_code.begin(), by_code.end(),
                           [&f](const auto& item) { return item.first == f.code; });
    if (it == by_code.end()) it = by_code.insert(by_code.end(), {f.code, {}});
    if (!f.service.empty()) it->second.push_back(f.service);
  }
  std::vector<std::string> labels;
  for (const auto& [code, services] : by_code) {
    const std::string safe_code = terminal_safe(code);
    if (services.empty() || !with_services) {
      labels.push_back(safe_code);
    } else if (services.size() == 1) {
      labels.push_back(terminal_safe(services.front()) + " " + safe_code);
    } else {
      labels.push_back(safe_code + " (" + std::to_string(services.size()) + " services)");
    }
  }
  return labels;
}

// The Nagios plugin status line: "bedrock-reach: STATUS - root causes | perfdata", the
// performance data as 'label'=value[UOM];warn;crit;min (Nagios plugin guidelines). Fitted to
// `columns` by naming fewer causes ("+N more") and shorter performance data.
std::string status_line(const Report& report, const std::vector<FindingGroup>& groups,
                        size_t columns, bool color) {
  size_t counts[5] = {0, 0, 0, 0, 0};
  for (const auto& s : report.services) ++counts[static_cast<int>(s.status)];
  const std::string status = status_upper(report.status);
  const std::string head = "bedrock-reach: " + status + " - ";
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.2fs", finite_or_zero(report.duration_ms) / 1000);
  auto perf = [&](const char* label, size_t value) {
    return std::string("'") + label + "'=" + std::to_string(value) + ";;;0";
  };
  const std::string perf_duration = std::string("'duration'=") + duration + ";;;0";
  const std::vector<std::string> perfs = {
      perf_duration + " " + perf("critical", counts[3]) + " " + perf("warning", counts[2]) + " " +
          perf("unknown", counts[4]) + " " + perf("ok", counts[0] + counts[1]),
      perf_duration + " " + perf("critical", counts[3]),
      std::string("duration=") + duration + " critical=" + std::to_string(counts[3]),
      std::string("duration=") + duration,
      std::string(),  // a very narrow terminal: the status and cause alone (perfdata is optional)
  };
  const auto causes = headline_causes(groups, report.status);
  std::vector<std::vector<std::string>> variants = {cause_labels(causes, true),
                                                    cause_labels(causes, false)};
  if (causes.empty()) {
    std::string counted = std::to_string(counts[0] + counts[1]) + " of " +
                          std::to_string(report.services.size()) + " services ok";
    if (counts[3]) counted += ", " + std::to_string(counts[3]) + " critical";
    if (counts[2]) counted += ", " + std::to_string(counts[2]) + " warning";
    if (counts[4]) counted += ", " + std::to_string(counts[4]) + " unknown";
    variants = {{counted}};
  }
  // Most informative first: services with the codes, then fuller performance data, then
  // more causes; the codes alone only when nothing with services fits.
  std::string chosen;
  for (const auto& labels : variants) {
    for (const auto& perfdata : perfs) {
      for (size_t k = labels.size(); k >= 1 && chosen.empty(); --k) {
        std::string text;
        for (size_t i = 0; i < k; ++i) text += (i ? ", " : "") + labels[i];
        if (k < labels.size()) text += " +" + std::to_string(labels.size() - k) + " more";
        const std::string tail = perfdata.empty() ? "" : " | " + perfdata;
        if (columns == 0 || display_width(head + text + tail) <= columns) chosen = text + tail;
      }
      if (!chosen.empty()) break;
    }
    if (!chosen.empty()) break;
  }
  if (chosen.empty()) {
    const auto& labels = variants.back();
    chosen = labels.front() +
             (labels.size() > 1 ? " +" + std::to_string(labels.size() - 1) + " more" : "");
  }
  std::string out = "bedrock-reach: ";
  if (color) {
    out.append(severity_colour(report.status)).append(status).append(kReset);
  } else {
    out += status;
  }
  return out + " - " + chosen + "\n";
}

void append_summary(std::string& out, const Report& report, const std::vector<FindingGroup>& groups,
                    const RenderOptions& options) {
  const auto columns = static_cast<size_t>(std::max(options.columns, 0));
  out += status_line(report, groups, columns, options.color);
  size_t counts[5] = {0, 0, 0, 0, 0};
  for (const auto& s : report.services) ++counts[static_cast<int>(s.status)];
  std::string context = std::to_string(counts[0] + counts[1]) + " of " +
                        std::to_string(report.services.size()) + " services ok";
  if (counts[3]) context += ", " + std::to_string(counts[3]) + " critical";
  if (counts[2]) context += ", " + std::to_string(counts[2]) + " warning";
  if (counts[4]) context += ", " + std::to_string(counts[4]) + " unknown";
  context += "; region " + dash_if_empty(report.region);
  if (!report.region_source.empty()) context += " (" + terminal_safe(report.region_source) + ")";
  if (report.instance) {
    const auto& i = *report.instance;
    context += ", instance " + dash_if_empty(i.id);
    if (!i.az.empty()) context += " in " + terminal_safe(i.az);
    if (!i.az_id.empty()) context += " (" + terminal_safe(i.az_id) + ")";
  } else if (std::any_of(report.findings.begin(), report.findings.end(),
                         [](const Finding& f) { return f.code == "IMDS_HOP_LIMIT"; })) {
    context += ", instance metadata one hop too far";  // on EC2, but not reachable from here
  } else {
    context += ", not on EC2";
  }
  context += ", evidence " + dash_if_empty(report.evidence);
  if (report.runtime != "host") context += ", runs in " + terminal_safe(report.runtime);
  if (report.principal && report.principal->source != "iam-role") {
    context += ", signs as " + terminal_safe(report.principal->source);
    if (!report.principal->arn.empty()) context += " " + terminal_safe(report.principal->arn);
  }
  if (report.duration_ms > 0) context += ", " + ms_text(report.duration_ms);
  for (const auto& line : wrap(context, columns, "", "  ")) out += line + "\n";
}

std::vector<const AddressResult*> sorted_addresses(const ServiceResult& s) {
  std::vector<const AddressResult*> rows;
  for (const auto& a : s.addresses) rows.push_back(&a);
  std::stable_sort(rows.begin(), rows.end(), [](const auto* x, const auto* y) {
    return std::tie(x->az, x->family, x->ip) < std::tie(y->az, y->family, y->ip);
  });
  return rows;
}

Severity class_tint(const AddressResult& a) {
  return a.klass == "endpoint-eni" ? Severity::ok
         : a.klass == "public"     ? Severity::critical
                                   : Severity::warning;
}

Table wide_table(const Report& report) {
  Table table({"SERVICE", "STATUS", "PATH", "AZ", "ADDRESS", "CLASS", "ROUTE", "TLS"});
  for (const auto& s : report.services) {
    const auto rows = sorted_addresses(s);
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
      table.add({first ? name : Cell{},
                 first ? status : Cell{},
                 first ? path : Cell{},
                 az,
                 {terminal_safe(a.ip), std::nullopt},
                 {dash_if_empty(a.klass), class_tint(a)},
                 {route_text(a), std::nullopt},
                 tls_cell(a)});
    }
  }
  return table;
}

// Narrow terminals: each service on its own line, then its addresses in a small table whose
// last column (TLS) wraps; ROUTE is left out when even that does not fit.
void append_compact_tables(std::string& out, const Report& report, bool color, size_t columns) {
  for (const auto& s : report.services) {
    std::string line = "  " + terminal_safe(s.name) + "  ";
    if (color) {
      line.append(severity_colour(s.status)).append(status_upper(s.status)).append(kReset);
    } else {
      line += status_upper(s.status);
    }
    out += "\n" + line + "  " + terminal_safe(s.path) + "\n";
    const auto rows = sorted_addresses(s);
    if (rows.empty()) {
      out += "    (no addresses)\n";
      continue;
    }
    for (const bool with_route : {true, false}) {
      std::vector<std::string> header = {"AZ", "ADDRESS", "CLASS"};
      if (with_route) header.push_back("ROUTE");
      header.push_back("TLS");
      Table table(header, 4);
      for (const auto* a : rows) {
        std::vector<Cell> row = {{dash_if_empty(a->az), std::nullopt},
                                 {terminal_safe(a->ip), std::nullopt},
                                 {dash_if_empty(a->klass), class_tint(*a)}};
        if (with_route) row.push_back({route_text(*a), std::nullopt});
        row.push_back(tls_cell(*a));
        table.add(std::move(row));
      }
      // Keep ROUTE when it leaves TLS at least 16 columns before it has to wrap.
      if (!with_route || table.width() <= columns || table.last_column_start() + 16 <= columns) {
        out += table.render(color, columns);
        break;
      }
    }
  }
}

// The hosts a setting chose instead of the default name (AWS_ENDPOINT_URL..., --endpoint-url,
// the config file's services section, dual-stack): which host was checked and why.
void append_configured_hosts(std::string& out, const Report& report, size_t columns) {
  for (const auto& s : report.services) {
    if (s.hostname_source == "default") continue;
    const std::string line = "  " + terminal_safe(s.name) + ": checked " +
                             terminal_safe(s.hostname) + " (from " +
                             terminal_safe(s.hostname_source) + ")";
    for (const auto& wrapped : wrap(line, columns, "", "    ")) out += wrapped + "\n";
  }
}

void append_table(std::string& out, const Report& report, bool color, size_t columns) {
  if (report.services.empty()) return;
  Table table = wide_table(report);
  if (columns == 0 || table.width() <= columns) {
    out += "\n" + table.render(color);
  } else {
    append_compact_tables(out, report, color, columns);
  }
  append_configured_hosts(out, report, columns);
}

void append_findings(std::string& out, const std::vector<FindingGroup>& groups,
                     const RenderOptions& options) {
  const auto columns = static_cast<size_t>(std::max(options.columns, 0));
  out += "\n";
  if (groups.empty()) {
    out += "No findings.\n";
    return;
  }
  out += "Findings (root causes first):\n";
  for (const auto& group : groups) {
    const Finding& f = *group.members.front();
    const std::string indent(2 + static_cast<size_t>(group.depth) * 4, ' ');
    std::string lead = indent;
    if (group.depth > 0) lead.replace(lead.size() - 3, 3, "`- ");
    const std::string label = f.severity == Severity::info ? "INFO" : status_upper(f.severity);
    std::string head = label + " " + terminal_safe(f.code);
    if (!f.service.empty()) head += "  " + terminal_safe(f.service);
    for (size_t i = 0; i < group.addresses.size(); ++i) {
      head += (i ? ", " : " ") + terminal_safe(group.addresses[i]);
    }
    if (group.cause) head += "  (caused by " + terminal_safe(group.cause->code) + ")";
    const std::string body(indent.size() + 4, ' ');
    auto lines = wrap(head, columns, lead, body);
    if (options.color) {
      // Colour the severity word on the first line only; wrapping never splits it.
      lines.front().replace(lead.size(), label.size(),
                            std::string(severity_colour(f.severity)) + label + std::string(kReset));
    }
    for (const auto& line : lines) out += line + "\n";
    auto paragraph = [&](const std::string& text, const std::string& first,
                         const std::string& rest) {
      for (const auto& line : wrap(text, columns, first, rest)) out += line + "\n";
    };
    if (!f.message.empty()) paragraph(terminal_safe(f.message), body, body);
    if (!group.same_message() && group.members.size() > 1) {
      const std::string others = std::to_string(group.members.size() - 1);
      if (options.explain) {
        for (size_t i = 1; i < group.members.size(); ++i) {
          paragraph(terminal_safe(group.members[i]->message), body, body);
        }
      } else {
        paragraph("(likewise for the other " + others + "; --explain shows each)", body, body);
      }
    }
    if (!f.remediation.empty()) {
      paragraph("fix: " + terminal_safe(f.remediation), body, body + "     ");
    }
    if (options.explain) {
      std::vector<std::string> evidence;
      for (const Finding* member : group.members) {
        for (const auto& e : member->evidence) {
          if (std::find(evidence.begin(), evidence.end(), e) == evidence.end())
            evidence.push_back(e);
        }
      }
      if (evidence.empty()) {
        out += body + "evidence: (none recorded)\n";
      } else {
        out += body + "evidence:\n";
        for (const auto& e : evidence) paragraph(terminal_safe(e), body + "  - ", body + "    ");
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
  const auto groups = group_findings(order_findings(report.findings));
  append_summary(out, report, groups, options);
  append_table(out, report, options.color, static_cast<size_t>(std::max(options.columns, 0)));
  append_findings(out, groups, options);
  if (options.explain) append_timings(out, report);
  return out;
}

}  // namespace bedrock_reach::render_detail

// CloudWatch Embedded Metric Format: one JSON object per line, for the CloudWatch agent to
// turn into metrics. One line for the check (dimension Region), one per service (Region,
// Service), one per service x AZ (Region, Service, AZ), one per phase (Region, Phase).
// Dimension values are non-empty strings; metric values finite numbers; units from the
// CloudWatch list; non-metric context (path, finding codes) rides along as plain members.
#include <algorithm>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>

#include "render/render_util.hpp"
#include "render/renderers.hpp"

namespace bedrock_reach::render_detail {
namespace {

using nlohmann::json;

struct Metric {
  std::string name;
  std::string unit;  // Count|Milliseconds|None|...
  double value = 0;
};

// The CloudWatch limits for a dimension value: 1..1024 characters, not only whitespace.
std::string dimension_value(std::string_view text) {
  std::string value = valid_utf8(text.substr(0, 1024));
  if (value.find_first_not_of(" \t\r\n") == std::string::npos) value = "unknown";
  return value;
}

class EmfWriter {
 public:
  EmfWriter(std::string ns, long long timestamp_ms)
      : namespace_(valid_utf8(ns.empty() ? "BedrockReach" : ns.substr(0, 255))),
        timestamp_ms_(timestamp_ms) {}

  // `context` holds extra, non-metric members (merged first, so metrics and dimensions win).
  void line(const std::vector<std::pair<std::string, std::string>>& dimensions,
            const std::vector<Metric>& metrics, json context = json::object()) {
    if (metrics.empty()) return;
    json doc = std::move(context);
    json dimension_set = json::array();
    for (const auto& [key, value] : dimensions) {
      doc[key] = dimension_value(value);
      dimension_set.push_back(key);
    }
    json definitions = json::array();
    for (const auto& m : metrics) {
      doc[m.name] = finite_or_zero(m.value);
      definitions.push_back({{"Name", m.name}, {"Unit", m.unit}});
    }
    doc["_aws"] = {{"Timestamp", timestamp_ms_},
                   {"CloudWatchMetrics", json::array({{{"Namespace", namespace_},
                                                       {"Dimensions", json::array({dimension_set})},
                                                       {"Metrics", definitions}}})}};
    out_ += doc.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  }

  std::string str() const { return out_; }

 private:
  std::string namespace_;
  long long timestamp_ms_;
  std::string out_;
};

long long report_timestamp_ms(const Report& report) {
  if (auto parsed = parse_rfc3339_ms(report.started_at)) return *parsed;
  // No start time in the report: "now" is the honest fallback for a metric timestamp.
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

json finding_codes(const Report& report, const std::string& service) {
  json codes = json::array();
  for (const auto& f : report.findings) {
    if (f.service == service) codes.push_back(valid_utf8(f.code));
  }
  return codes;
}

}  // namespace

std::string render_emf(const Report& report, const RenderOptions& options) {
  EmfWriter w(options.emf_namespace, report_timestamp_ms(report));
  const std::string region = report.region;

  double critical = 0, warning = 0, info = 0;
  for (const auto& f : report.findings) {
    critical += f.severity == Severity::critical ? 1 : 0;
    warning += f.severity == Severity::warning ? 1 : 0;
    info += f.severity == Severity::info ? 1 : 0;
  }
  json check_context = {{"status", std::string(status_name(report.status))},
                        {"evidence", valid_utf8(report.evidence)},
                        {"findings", finding_codes(report, "")}};
  if (report.instance) check_context["instance_id"] = valid_utf8(report.instance->id);
  if (!report.version.empty()) check_context["version"] = valid_utf8(report.version);
  w.line({{"Region", region}},
         {{"Status", "None", static_cast<double>(exit_code(report.status))},
          {"CheckDuration", "Milliseconds", report.duration_ms},
          {"CriticalFindings", "Count", critical},
          {"WarningFindings", "Count", warning},
          {"InfoFindings", "Count", info}},
         check_context);

  for (const auto& t : report.timings) {
    w.line({{"Region", region}, {"Phase", t.phase}}, {{"PhaseDuration", "Milliseconds", t.ms}});
  }

  for (const auto& s : report.services) {
    double addresses = 0, tls_ok = 0, tls_failed = 0;
    std::optional<long> cert_days;
    struct Zone {
      int probed = 0, ok = 0;
      double connect_ms = 0, handshake_ms = 0;
    };
    std::map<std::string, Zone> zones;
    for (const auto& a : s.addresses) {
      ++addresses;
      if (!a.tls || !a.tls->probed) continue;
      const TlsResult& t = *a.tls;
      (t.ok ? tls_ok : tls_failed) += 1;
      if (t.cert_days_left)
        cert_days = std::min(cert_days.value_or(*t.cert_days_left), *t.cert_days_left);
      Zone& z = zones[a.az.empty() ? "none" : a.az];
      ++z.probed;
      z.ok += t.ok ? 1 : 0;
      // Latency only from completed probes: no success, no latency value (never a 0).
      if (t.ok) {
        z.connect_ms = std::max(z.connect_ms, finite_or_zero(t.connect_ms));
        z.handshake_ms = std::max(z.handshake_ms, finite_or_zero(t.handshake_ms));
      }
    }
    std::vector<Metric> metrics = {
        {"ServiceStatus", "None", static_cast<double>(exit_code(s.status))},
        {"PrivatePath", "None", s.path == "private-endpoint" ? 1.0 : 0.0},
        {"Addresses", "Count", addresses},
        {"TlsSuccesses", "Count", tls_ok},
        {"TlsFailures", "Count", tls_failed}};
    if (cert_days) metrics.push_back({"CertDaysLeft", "None", static_cast<double>(*cert_days)});
    w.line({{"Region", region}, {"Service", s.name}}, metrics,
           {{"path", valid_utf8(s.path)},
            {"status", std::string(status_name(s.status))},
            {"findings", finding_codes(report, s.name)}});

    for (const auto& [az, z] : zones) {
      std::vector<Metric> zone_metrics = {{"TlsSuccess", "None", z.ok == z.probed ? 1.0 : 0.0}};
      if (z.ok > 0) {
        zone_metrics.push_back({"ConnectTime", "Milliseconds", z.connect_ms});
        zone_metrics.push_back({"HandshakeTime", "Milliseconds", z.handshake_ms});
      }
      w.line({{"Region", region}, {"Service", s.name}, {"AZ", az}}, zone_metrics);
    }
  }
  return w.str();
}

}  // namespace bedrock_reach::render_detail

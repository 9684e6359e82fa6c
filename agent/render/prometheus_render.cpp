// Prometheus text exposition for the node_exporter textfile collector (and the agent's
// /metrics). Labels stay bounded: service, AZ, family, path, phase, finding code; addresses
// only when the user opts in (RenderOptions::address_labels). Seconds and Unix times as base
// units, so `promtool check metrics` has nothing to say.
#include <algorithm>
#include <charconv>
#include <map>
#include <string>
#include <vector>

#include "render/render_util.hpp"
#include "render/renderers.hpp"

namespace bedrock_reach::render_detail {
namespace {

using Labels = std::vector<std::pair<std::string, std::string>>;

std::string number(double value) {
  value = finite_or_zero(value);
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  return ec == std::errc() ? std::string(buf, end) : "0";
}

class Exposition {
 public:
  explicit Exposition(std::string prefix) : prefix_(std::move(prefix)) {}

  // Declares a gauge family; samples added later are printed under its HELP and TYPE.
  void family(const std::string& name, std::string help) {
    order_.push_back(name);
    families_[name].help = std::move(help);
  }

  void sample(const std::string& name, const Labels& labels, double value) {
    std::string line = prefix_ + name;
    if (!labels.empty()) {
      line += "{";
      for (size_t i = 0; i < labels.size(); ++i) {
        if (i) line += ",";
        line += labels[i].first + "=\"" + prometheus_label_escape(labels[i].second) + "\"";
      }
      line += "}";
    }
    auto& lines = families_[name].lines;
    if (std::find_if(lines.begin(), lines.end(), [&](const auto& l) { return l.first == line; }) !=
        lines.end()) {
      return;  // one series once: a duplicate would make the whole file invalid
    }
    lines.emplace_back(std::move(line), number(value));
  }

  std::string str() const {
    std::string out;
    for (const auto& name : order_) {
      const auto& f = families_.at(name);
      if (f.lines.empty()) continue;
      out += "# HELP " + prefix_ + name + " " + f.help + "\n";
      out += "# TYPE " + prefix_ + name + " gauge\n";
      for (const auto& [series, value] : f.lines) out += series + " " + value + "\n";
    }
    return out;
  }

 private:
  struct Family {
    std::string help;
    std::vector<std::pair<std::string, std::string>> lines;
  };
  std::string prefix_;
  std::vector<std::string> order_;
  std::map<std::string, Family> families_;
};

constexpr const char* kPaths[] = {
    "private-endpoint", "nat-gateway", "internet-gateway", "transit-gateway", "peering",
    "virtual-gateway",  "proxy",       "no-route",         "unknown",         "inspection"};

std::string zone_label(const std::string& az) { return az.empty() ? "none" : az; }

// TLS facts of one group of addresses (a service x AZ x family, or one address).
struct TlsGroup {
  int probed = 0;
  int ok = 0;
  double connect_ms = 0;    // worst
  double handshake_ms = 0;  // worst
  std::optional<long long> earliest_not_after;
};

void add_to_group(TlsGroup& g, const TlsResult& t) {
  if (!t.probed) return;
  ++g.probed;
  if (!t.ok) return;
  // Latency only from probes that completed: a timeout's "connect time" is the timeout, and
  // a 0 would read as the fastest endpoint on a dashboard. No success, no latency sample.
  ++g.ok;
  g.connect_ms = std::max(g.connect_ms, finite_or_zero(t.connect_ms));
  g.handshake_ms = std::max(g.handshake_ms, finite_or_zero(t.handshake_ms));
  if (t.cert_not_after && (!g.earliest_not_after || *t.cert_not_after < *g.earliest_not_after)) {
    g.earliest_not_after = t.cert_not_after;
  }
}

void declare_families(Exposition& e) {
  e.family("status",
           "Overall check status as the exit code: 0 ok, 1 warning, 2 critical, 3 unknown.");
  e.family("info", "The check's context (version, region, evidence level, instance); always 1.");
  e.family("check_duration_seconds", "Wall time of the whole check.");
  e.family("last_check_timestamp_seconds", "Unix time the check started.");
  e.family("phase_duration_seconds", "Wall time of each phase of the check.");
  e.family("service_status", "Per-service status: 0 ok, 1 warning, 2 critical, 3 unknown.");
  e.family("service_path", "The path a service's traffic takes: 1 for the current path, else 0.");
  e.family("service_addresses", "Addresses a service resolves to, by AZ and address class.");
  e.family("tls_success", "1 when every probed address in the group completed TLS, else 0.");
  e.family("tls_connect_seconds",
           "Slowest TCP connect among the group's successful probes (absent when none succeeded).");
  e.family(
      "tls_handshake_seconds",
      "Slowest TLS handshake among the group's successful probes (absent when none succeeded).");
  e.family("cert_expiry_timestamp_seconds", "Earliest certificate notAfter seen, as Unix time.");
  e.family("findings", "Findings of the check by service, code and severity.");
}

}  // namespace

std::string render_prometheus(const Report& report, const RenderOptions& options) {
  Exposition e(prometheus_name_prefix(options.metric_prefix));
  declare_families(e);
  e.sample("status", {}, exit_code(report.status));
  Labels info = {
      {"version", report.version}, {"region", report.region}, {"evidence", report.evidence}};
  if (report.instance) {
    info.emplace_back("instance_id", report.instance->id);
    info.emplace_back("az", report.instance->az);
  }
  e.sample("info", info, 1);
  e.sample("check_duration_seconds", {}, report.duration_ms / 1000);
  if (auto started = parse_rfc3339_ms(report.started_at)) {
    e.sample("last_check_timestamp_seconds", {}, static_cast<double>(*started) / 1000);
  }
  for (const auto& t : report.timings) {
    e.sample("phase_duration_seconds", {{"phase", t.phase}}, t.ms / 1000);
  }

  for (const auto& s : report.services) {
    e.sample("service_status", {{"service", s.name}}, exit_code(s.status));
    bool known_path = false;
    for (const char* p : kPaths) {
      known_path = known_path || s.path == p;
      e.sample("service_path", {{"service", s.name}, {"path", p}}, s.path == p ? 1 : 0);
    }
    if (!known_path) e.sample("service_path", {{"service", s.name}, {"path", s.path}}, 1);

    std::map<std::pair<std::string, std::string>, int> per_class;
    std::map<Labels, TlsGroup> groups;  // ordered, so output is stable
    for (const auto& a : s.addresses) {
      ++per_class[{zone_label(a.az), a.klass}];
      if (!a.tls) continue;
      Labels key = {{"service", s.name}, {"az", zone_label(a.az)}, {"family", a.family}};
      if (options.address_labels) key.emplace_back("address", a.ip);
      add_to_group(groups[key], *a.tls);
    }
    for (const auto& [zone_class, count] : per_class) {
      e.sample("service_addresses",
               {{"service", s.name}, {"az", zone_class.first}, {"class", zone_class.second}},
               count);
    }
    for (const auto& [labels, g] : groups) {
      if (g.probed == 0) continue;
      e.sample("tls_success", labels, g.ok == g.probed ? 1 : 0);
      if (g.ok > 0) {
        e.sample("tls_connect_seconds", labels, g.connect_ms / 1000);
        e.sample("tls_handshake_seconds", labels, g.handshake_ms / 1000);
      }
      if (g.earliest_not_after) {
        e.sample("cert_expiry_timestamp_seconds", labels,
                 static_cast<double>(*g.earliest_not_after));
      }
    }
  }

  std::map<Labels, int> finding_counts;
  for (const auto& f : report.findings) {
    ++finding_counts[{{"service", f.service},
                      {"code", f.code},
                      {"severity", std::string(severity_name(f.severity))}}];
  }
  for (const auto& [labels, count] : finding_counts) e.sample("findings", labels, count);
  return e.str();
}

}  // namespace bedrock_reach::render_detail

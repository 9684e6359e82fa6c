#include "bedrock_reach/severity.hpp"

#include "bedrock_reach/result.hpp"

namespace bedrock_reach {

int exit_code(Severity status) {
  switch (status) {
    case Severity::ok:
    case Severity::info:
      return 0;
    case Severity::warning:
      return 1;
    case Severity::critical:
      return 2;
    case Severity::unknown:
      return 3;
  }
  return 3;
}

std::string_view status_name(Severity status) {
  switch (status) {
    case Severity::ok:
    case Severity::info:
      return "ok";
    case Severity::warning:
      return "warning";
    case Severity::critical:
      return "critical";
    case Severity::unknown:
      return "unknown";
  }
  return "unknown";
}

std::string_view severity_name(Severity severity) {
  if (severity == Severity::info) return "info";
  return status_name(severity);
}

std::optional<Severity> parse_severity(std::string_view name) {
  if (name == "ok") return Severity::ok;
  if (name == "info") return Severity::info;
  if (name == "warning") return Severity::warning;
  if (name == "critical") return Severity::critical;
  if (name == "unknown") return Severity::unknown;
  return std::nullopt;
}

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::timeout:
      return "timeout";
    case ErrorKind::refused:
      return "refused";
    case ErrorKind::unreachable:
      return "unreachable";
    case ErrorKind::dns:
      return "dns";
    case ErrorKind::tls:
      return "tls";
    case ErrorKind::protocol:
      return "protocol";
    case ErrorKind::http_status:
      return "http_status";
    case ErrorKind::parse:
      return "parse";
    case ErrorKind::too_large:
      return "too_large";
    case ErrorKind::access_denied:
      return "access_denied";
    case ErrorKind::not_found:
      return "not_found";
    case ErrorKind::invalid_input:
      return "invalid_input";
    case ErrorKind::io:
      return "io";
    case ErrorKind::cancelled:
      return "cancelled";
    case ErrorKind::internal:
      return "internal";
  }
  return "internal";
}

}  // namespace bedrock_reach

#include "bedrock_reach/report.hpp"

namespace bedrock_reach {

void compute_status(Report& report) {
  Severity overall = Severity::ok;
  for (auto& service : report.services) {
    Severity s = Severity::ok;
    for (const auto& f : report.findings) {
      if (f.service == service.name) s = worst(s, f.severity);
    }
    service.status = s == Severity::info ? Severity::ok : s;
    overall = worst(overall, service.status);
  }
  for (const auto& f : report.findings) overall = worst(overall, f.severity);
  report.status = overall == Severity::info ? Severity::ok : overall;
}

}  // namespace bedrock_reach

#pragma once
// Helpers every renderer shares: making hostile strings safe for each output, and the
// causes-before-effects order of findings.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bedrock_reach/report.hpp"

namespace bedrock_reach::render_detail {

/// Valid UTF-8: each invalid byte becomes U+FFFD.
std::string valid_utf8(std::string_view text);
/// For a terminal: valid UTF-8 with control characters (ESC, CR, ...) shown as \xNN.
std::string terminal_safe(std::string_view text);
/// For HTML text and attribute values: valid UTF-8 with & < > " ' escaped.
std::string html_escape(std::string_view text);
/// For a Prometheus label value: valid UTF-8 with \ " and newline escaped.
std::string prometheus_label_escape(std::string_view text);
/// A metric name prefix with every character outside [a-zA-Z0-9_:] replaced by '_'
/// (and a leading digit prefixed with '_').
std::string prometheus_name_prefix(std::string_view prefix);

/// "2026-11-28T17:21:31Z" or with fractional seconds / numeric offset -> unix milliseconds.
std::optional<long long> parse_rfc3339_ms(std::string_view text);

/// Finite value, or 0 (NaN and infinities never reach an output).
double finite_or_zero(double value);

/// One finding in display order: root causes first, each followed by the effects it explains.
struct OrderedFinding {
  const Finding* finding = nullptr;
  const Finding* cause = nullptr;  // the finding it hangs under, nullptr for a root
  int depth = 0;                   // 0 for roots
};

/// Depth-first order over caused_by links. A cause matches by code, in the same service (or a
/// check-wide cause), preferring the same address. Roots are ordered worst severity
/// first (stable); links that point nowhere or form cycles leave the finding a root.
std::vector<OrderedFinding> order_findings(const std::vector<Finding>& findings);

/// "OK" | "WARNING" | "CRITICAL" | "UNKNOWN" for a service or report status.
std::string status_upper(Severity status);

}  // namespace bedrock_reach::render_detail

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
/// html_escape, with every AWS ID (vpce-..., eni-..., sg-..., i-...) in a no-wrap
/// <span class="id">, so it never breaks at its hyphen.
std::string html_text(std::string_view text);
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

/// Findings that repeat per address, merged for people: one per service, code, severity and
/// place in the cause tree, listing the addresses. Text and HTML show these; JSON keeps one
/// finding per address (its contract).
struct FindingGroup {
  std::vector<const Finding*> members;  // in display order; members.front() speaks for all
  const Finding* cause = nullptr;       // as in OrderedFinding, of the first member
  int depth = 0;
  std::vector<std::string> addresses;  // distinct, in order; empty for address-less findings
  /// True when every member says the same (so one message covers them all).
  bool same_message() const;
};

/// Groups order_findings() output, keeping its order (each group where its first member was).
/// Members match when service, code, severity, depth and the chain of their causes' codes match.
std::vector<FindingGroup> group_findings(const std::vector<OrderedFinding>& ordered);

/// The root causes the summary line names: groups at depth 0 whose severity is the report's
/// status (or, for an ok report, none).
std::vector<const FindingGroup*> headline_causes(const std::vector<FindingGroup>& groups,
                                                 Severity status);

/// "OK" | "WARNING" | "CRITICAL" | "UNKNOWN" for a service or report status.
std::string status_upper(Severity status);

/// Code points, which is what a terminal advances by for the text we print.
size_t display_width(std::string_view text);

/// Words of `text` in lines of at most `width` columns: the first line after `first`, the rest
/// after `rest` (both counted in the width). A word longer than a line stays whole: IDs and
/// addresses are never cut. width 0: one line.
std::vector<std::string> wrap(std::string_view text, size_t width, const std::string& first,
                              const std::string& rest);

}  // namespace bedrock_reach::render_detail

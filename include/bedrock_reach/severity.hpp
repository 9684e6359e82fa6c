#pragma once
#include <optional>
#include <string_view>

namespace bedrock_reach {

/// Ordered from best to worst; the worst severity of a report decides its status and exit code.
enum class Severity { ok = 0, info = 1, warning = 2, critical = 3, unknown = 4 };

/// Nagios convention: 0 ok, 1 warning, 2 critical, 3 unknown. Info counts as ok.
int exit_code(Severity status);
/// Report status name: ok|warning|critical|unknown (info reports as ok).
std::string_view status_name(Severity status);
/// Finding severity name: info|warning|critical (ok and unknown as themselves).
std::string_view severity_name(Severity severity);
std::optional<Severity> parse_severity(std::string_view name);
inline Severity worst(Severity a, Severity b) { return a < b ? b : a; }

}  // namespace bedrock_reach

#pragma once
// Renderers of an AuditReport (issue 20): text matrix, JSON (docs/audit.schema.json),
// Prometheus, HTML picture. Pure, like render.hpp's.
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "bedrock_reach/audit_report.hpp"
#include "render/render.hpp"

namespace bedrock_reach {

/// text, json, prometheus and html (EMF has no audit form).
std::vector<std::string> audit_format_names();
/// The whole document, ending with a newline. `format` must be one of audit_format_names().
std::string render_audit(const AuditReport& report, OutputFormat format,
                         const RenderOptions& options);
nlohmann::json audit_to_json(const AuditReport& report);

namespace render_detail {
std::string render_audit_text(const AuditReport& report, const RenderOptions& options);
std::string render_audit_prometheus(const AuditReport& report, const RenderOptions& options);
std::string render_audit_html(const AuditReport& report, const RenderOptions& options);
/// The note every form carries: a configuration-plane analysis, no packet sent from other
/// subnets; the resolver answer is VPC-wide.
std::string audit_plane_note(const AuditReport& report);
}  // namespace render_detail

}  // namespace bedrock_reach

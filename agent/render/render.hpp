#pragma once
// Renderers: one Report in, one document out, in each output format. All pure: no I/O, no clock
// (except EMF's timestamp fallback when the report has no started_at).
#include <array>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bedrock_reach/report.hpp"

namespace bedrock_reach {

enum class OutputFormat { text, json, prometheus, emf, html };

/// The one list of output formats, in the order help and errors name them. Config validation,
/// the CLI's --format, /report?format= and render_report() all go through it.
struct OutputFormatName {
  OutputFormat format;
  std::string_view name;
};
inline constexpr std::array<OutputFormatName, 5> kOutputFormats{{
    {OutputFormat::text, "text"},
    {OutputFormat::json, "json"},
    {OutputFormat::prometheus, "prometheus"},
    {OutputFormat::emf, "emf"},
    {OutputFormat::html, "html"},
}};

/// A name from kOutputFormats; nullopt for anything else.
std::optional<OutputFormat> parse_output_format(std::string_view name);
std::string_view output_format_name(OutputFormat format);
/// "text, json, prometheus, emf, html" for help texts and error messages.
std::string output_format_list();
/// The names alone, for the CLI's choice check (and so the generated completions).
std::vector<std::string> output_format_names();

struct RenderOptions {
  bool color = false;           // text: ANSI colours (the caller decides: TTY and not --no-color)
  bool explain = false;         // text/html: each finding's evidence chain
  bool address_labels = false;  // prometheus: per-address series with an `address` label
  int columns = 0;  // text: fit lines to this width (compact layout below ~120); 0: no limit
  std::string metric_prefix = "bedrock_reach_";  // prometheus; invalid characters become '_'
  std::string emf_namespace = "BedrockReach";    // CloudWatch namespace for EMF
};

/// The whole document in `format`, ending with a newline.
std::string render_report(const Report& report, OutputFormat format, const RenderOptions& options);

/// The JSON contract (design.md, docs/report.schema.json). Every string is valid UTF-8, so
/// dump() never throws; non-finite numbers become 0.
nlohmann::json report_to_json(const Report& report);
/// One finding as the JSON contract writes it (also the audit's).
nlohmann::json finding_to_json(const Finding& finding);
/// Without `services` (an empty array) when with_services is false: render_json streams them.
nlohmann::json report_to_json(const Report& report, bool with_services);

}  // namespace bedrock_reach

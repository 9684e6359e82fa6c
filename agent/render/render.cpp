#include "render/render.hpp"

#include <nlohmann/json.hpp>

#include "render/renderers.hpp"

namespace bedrock_reach {

std::optional<OutputFormat> parse_output_format(std::string_view name) {
  if (name == "text") return OutputFormat::text;
  if (name == "json") return OutputFormat::json;
  if (name == "prometheus") return OutputFormat::prometheus;
  if (name == "emf") return OutputFormat::emf;
  if (name == "html") return OutputFormat::html;
  return std::nullopt;
}

std::string_view output_format_name(OutputFormat format) {
  switch (format) {
    case OutputFormat::text:
      return "text";
    case OutputFormat::json:
      return "json";
    case OutputFormat::prometheus:
      return "prometheus";
    case OutputFormat::emf:
      return "emf";
    case OutputFormat::html:
      return "html";
  }
  return "text";
}

std::string render_report(const Report& report, OutputFormat format, const RenderOptions& options) {
  switch (format) {
    case OutputFormat::text:
      return render_detail::render_text(report, options);
    case OutputFormat::json:
      return render_detail::render_json(report);
    case OutputFormat::prometheus:
      return render_detail::render_prometheus(report, options);
    case OutputFormat::emf:
      return render_detail::render_emf(report, options);
    case OutputFormat::html:
      return render_detail::render_html(report, options);
  }
  return render_detail::render_text(report, options);
}

}  // namespace bedrock_reach

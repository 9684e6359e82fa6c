#include "render/render.hpp"

#include <nlohmann/json.hpp>

#include "render/renderers.hpp"

namespace bedrock_reach {

std::optional<OutputFormat> parse_output_format(std::string_view name) {
  for (const auto& entry : kOutputFormats) {
    if (entry.name == name) return entry.format;
  }
  return std::nullopt;
}

std::string_view output_format_name(OutputFormat format) {
  for (const auto& entry : kOutputFormats) {
    if (entry.format == format) return entry.name;
  }
  return "text";
}

std::vector<std::string> output_format_names() {
  std::vector<std::string> names;
  for (const auto& entry : kOutputFormats) names.emplace_back(entry.name);
  return names;
}

std::string output_format_list() {
  std::string out;
  for (const auto& entry : kOutputFormats) {
    if (!out.empty()) out += ", ";
    out += entry.name;
  }
  return out;
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

#pragma once
// One function per output format; render_report() dispatches to them.
#include <string>

#include "render/render.hpp"

namespace bedrock_reach::render_detail {

std::string render_text(const Report& report, const RenderOptions& options);
std::string render_json(const Report& report);
std::string render_prometheus(const Report& report, const RenderOptions& options);
std::string render_emf(const Report& report, const RenderOptions& options);
std::string render_html(const Report& report, const RenderOptions& options);

}  // namespace bedrock_reach::render_detail

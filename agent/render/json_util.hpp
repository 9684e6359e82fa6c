#pragma once
// JSON helpers the check's and the audit's renderers share: hostile strings made valid UTF-8,
// unknown values null rather than "".
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace bedrock_reach::render_detail {

/// null for "", else the text as valid UTF-8.
nlohmann::json text_or_null(std::string_view value);
/// Each item as valid UTF-8.
nlohmann::json text_list(const std::vector<std::string>& values);

}  // namespace bedrock_reach::render_detail

#include "policy/policy_match.hpp"

#include <array>
#include <cctype>

namespace bedrock_reach {
namespace {

bool same_char(char a, char b, bool ignore_case) {
  if (!ignore_case) return a == b;
  return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
}

// Splits into the five fixed ARN segments plus the resource; false when there are fewer.
bool split_arn(std::string_view text, std::array<std::string_view, 6>& parts) {
  for (size_t i = 0; i < 5; ++i) {
    auto colon = text.find(':');
    if (colon == std::string_view::npos) return false;
    parts[i] = text.substr(0, colon);
    text.remove_prefix(colon + 1);
  }
  parts[5] = text;
  return true;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view value, bool ignore_case) {
  // Greedy match with one backtrack point: linear in practice, O(n*m) worst case, which the
  // 20,480-character policy cap keeps small.
  size_t p = 0;
  size_t v = 0;
  size_t star = std::string_view::npos;
  size_t resume = 0;
  while (v < value.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || same_char(pattern[p], value[v], ignore_case))) {
      ++p;
      ++v;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = v;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      v = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool arn_match(std::string_view pattern, std::string_view arn) {
  if (pattern == "*") return true;
  std::array<std::string_view, 6> want{};
  std::array<std::string_view, 6> have{};
  if (!split_arn(pattern, want) || !split_arn(arn, have)) {
    return glob_match(pattern, arn, /*ignore_case=*/false);
  }
  for (size_t i = 0; i < want.size(); ++i) {
    if (!glob_match(want[i], have[i], false)) return false;
  }
  return true;
}

}  // namespace bedrock_reach

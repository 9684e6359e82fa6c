#include "loop/schedstat.hpp"

#include <charconv>
#include <cstdint>

namespace bedrock_reach {

std::optional<std::chrono::nanoseconds> parse_schedstat_wait(std::string_view text) {
  if (text.size() > 256) return std::nullopt;
  std::uint64_t fields[2] = {0, 0};
  const char* at = text.data();
  const char* end = text.data() + text.size();
  for (auto& field : fields) {
    while (at < end && *at == ' ') ++at;
    auto [next, error] = std::from_chars(at, end, field);
    if (error != std::errc() || next == at) return std::nullopt;
    at = next;
    if (at < end && *at != ' ' && *at != '\n') return std::nullopt;
  }
  // Nanoseconds as an unsigned 64-bit count: keep within what a signed duration holds.
  if (fields[1] > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
  return std::chrono::nanoseconds(static_cast<std::int64_t>(fields[1]));
}

}  // namespace bedrock_reach

#include "policy/policy_range.hpp"

#include <algorithm>
#include <optional>

namespace bedrock_reach {
namespace {

/// The two halves of a prefix shorter than its family's width.
std::pair<IpPrefix, IpPrefix> halves(const IpPrefix& prefix) {
  const int length = prefix.length() + 1;
  const IpAddress& low = prefix.address();
  IpAddress high;
  if (low.is_v4()) {
    high = IpAddress::v4(low.v4_host_order() | (1u << (32 - length)));
  } else {
    auto bytes = low.bytes();
    bytes[prefix.length() / 8] |= static_cast<std::uint8_t>(0x80u >> (prefix.length() % 8));
    high = IpAddress::v6(bytes);
  }
  return {*IpPrefix::make(low, length), *IpPrefix::make(high, length)};
}

/// True when `inside` (prefixes strictly inside `range`, none containing it) cover all of it.
/// Each level passes down only the prefixes of its half, so the work is bounded by
/// inside.size() x prefix length.
bool covers_all(const IpPrefix& range, const std::vector<IpPrefix>& inside) {
  if (inside.empty()) return false;
  if (std::any_of(inside.begin(), inside.end(), [&](const IpPrefix& p) { return p == range; }))
    return true;
  if (range.length() >= range.address().bit_width()) return false;
  auto [low, high] = halves(range);
  std::vector<IpPrefix> in_low, in_high;
  for (const auto& p : inside) (low.contains(p) ? in_low : in_high).push_back(p);
  return covers_all(low, in_low) && covers_all(high, in_high);
}

}  // namespace

RangeCover range_cover(const IpPrefix& range, const std::vector<std::string>& cidrs) {
  RangeCover out;
  std::vector<IpPrefix> inside;
  for (const auto& text : cidrs) {
    auto prefix = IpPrefix::parse(text, /*allow_host_bits=*/true);
    if (!prefix) {
      out.malformed.push_back(text);
      continue;
    }
    if (prefix->contains(range)) {
      out.kind = RangeCover::all;
    } else if (range.contains(*prefix) &&
               std::find(inside.begin(), inside.end(), *prefix) == inside.end()) {
      inside.push_back(*prefix);
    }
    // Otherwise another family or disjoint: two prefixes either nest or do not meet.
  }
  if (out.kind == RangeCover::all || covers_all(range, inside)) {
    out.kind = RangeCover::all;
    out.covered = {range};
    return out;
  }
  if (inside.empty()) return out;
  // Only the outermost parts: a prefix inside another one adds nothing to the picture.
  std::sort(inside.begin(), inside.end(),
            [](const IpPrefix& a, const IpPrefix& b) { return a.length() < b.length(); });
  for (const auto& p : inside) {
    bool nested = std::any_of(out.covered.begin(), out.covered.end(),
                              [&](const IpPrefix& outer) { return outer.contains(p); });
    if (!nested) out.covered.push_back(p);
  }
  std::sort(out.covered.begin(), out.covered.end());
  out.kind = RangeCover::part;
  return out;
}

}  // namespace bedrock_reach

#pragma once
// The finding catalog: every stable code, its default severity and the fix, in one place.
// docs/findings.md documents each code; a test keeps the two in step. Codes are never renamed.
#include <span>
#include <string_view>

#include "bedrock_reach/severity.hpp"

namespace bedrock_reach {

struct CatalogEntry {
  std::string_view code;         // UPPER_SNAKE, stable
  Severity severity;             // default; rules may lower it where the architecture is supported
  std::string_view area;         // dns|endpoint|path|policy|tls|proxy|context
  std::string_view title;        // one line: what it means
  std::string_view remediation;  // one line: how to fix
};

std::span<const CatalogEntry> finding_catalog();
/// nullptr for an unknown code.
const CatalogEntry* find_catalog_entry(std::string_view code);

}  // namespace bedrock_reach

// docs/findings.md and the catalog in code must name exactly the same codes.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "bedrock_reach/catalog.hpp"

namespace bedrock_reach {
namespace {

std::set<std::string> documented_codes() {
  std::ifstream in(std::string(BR_SOURCE_DIR) + "/docs/findings.md");
  std::stringstream text;
  text << in.rdbuf();
  std::set<std::string> codes;
  std::regex heading(R"(^## `?([A-Z][A-Z0-9_]+)`?\s*$)");
  std::string line;
  while (std::getline(text, line)) {
    std::smatch match;
    if (std::regex_match(line, match, heading)) codes.insert(match[1]);
  }
  return codes;
}

TEST(CatalogDoc, EveryCodeDocumentedAndNoUnknownCodes) {
  auto documented = documented_codes();
  ASSERT_FALSE(documented.empty()) << "docs/findings.md has no '## CODE' sections";
  std::set<std::string> in_code;
  for (const auto& entry : finding_catalog()) {
    in_code.insert(std::string(entry.code));
    EXPECT_TRUE(documented.count(std::string(entry.code)))
        << entry.code << " missing from docs/findings.md";
  }
  for (const auto& code : documented) {
    EXPECT_TRUE(in_code.count(code)) << "docs/findings.md names unknown code " << code;
  }
}

TEST(CatalogDoc, CodesAreUpperSnakeAndUnique) {
  std::set<std::string_view> seen;
  std::regex upper_snake("^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$");
  for (const auto& entry : finding_catalog()) {
    EXPECT_TRUE(seen.insert(entry.code).second) << "duplicate " << entry.code;
    EXPECT_TRUE(std::regex_match(std::string(entry.code), upper_snake)) << entry.code;
    EXPECT_FALSE(entry.remediation.empty()) << entry.code;
  }
}

}  // namespace
}  // namespace bedrock_reach

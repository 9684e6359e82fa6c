// The shipped files agree with the code: the packaged config is the defaults, and every finding
// code the runbook names exists in the catalog.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "bedrock_reach/catalog.hpp"
#include "config/config.hpp"

namespace bedrock_reach {
namespace {

std::string read_source_file(const std::string& relative) {
  std::ifstream in(std::string(BR_SOURCE_DIR) + "/" + relative);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(DaemonDocs, PackagedConfigIsValidAndStatesTheDefaults) {
  std::string text = read_source_file("packaging/config.toml");
  ASSERT_FALSE(text.empty());
  Config packaged = parse_config(text, "packaging/config.toml");
  EXPECT_EQ(config_to_toml(packaged), config_to_toml(Config{}));
}

TEST(DaemonDocs, RunbookNamesOnlyCatalogCodes) {
  std::string text = read_source_file("docs/runbook.md");
  ASSERT_FALSE(text.empty());
  // Environment variables and the journal fields share the UPPER_SNAKE look; they are not
  // finding codes.
  const std::set<std::string> not_codes = {"HTTPS_PROXY",         "NO_PROXY",
                                           "AWS_REGION",          "BEDROCK_REACH_STATUS",
                                           "BEDROCK_REACH_CODES", "BEDROCK_REACH_SERVICES",
                                           "BEDROCK_REACH_REGION"};
  std::regex code("`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(_\\*)?`");
  int checked = 0;
  for (std::sregex_iterator it(text.begin(), text.end(), code), end; it != end; ++it) {
    std::string name = (*it)[1];
    if (not_codes.count(name)) continue;
    ++checked;
    if ((*it)[2].matched) {  // NACL_BLOCKS_*: some code must start with the prefix
      bool any = false;
      for (const auto& entry : finding_catalog()) any |= entry.code.rfind(name + "_", 0) == 0;
      EXPECT_TRUE(any) << "no catalog code starts with " << name;
    } else {
      EXPECT_NE(find_catalog_entry(name), nullptr) << name << " is not in the catalog";
    }
  }
  EXPECT_GT(checked, 20);
}

}  // namespace
}  // namespace bedrock_reach

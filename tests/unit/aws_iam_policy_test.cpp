// packaging/iam-policy.json grants exactly what the agent calls: the EC2 reads of discovery and
// the Bedrock actions of the signed probes, nothing more.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "aws/topology_discovery.hpp"

namespace bedrock_reach {
namespace {

TEST(AwsIamPolicy, GrantsExactlyTheActionsTheAgentCalls) {
  std::ifstream in(std::string(BR_SOURCE_DIR) + "/packaging/iam-policy.json");
  std::stringstream text;
  text << in.rdbuf();
  auto policy = nlohmann::json::parse(text.str(), nullptr, false);
  ASSERT_TRUE(policy.is_object());
  EXPECT_EQ(policy["Version"], "2012-10-17");
  std::set<std::string> granted;
  for (const auto& statement : policy["Statement"]) {
    EXPECT_EQ(statement["Effect"], "Allow");
    for (const auto& action : statement["Action"]) {
      std::string a = action.get<std::string>();
      EXPECT_EQ(a.find('*'), std::string::npos) << "no wildcards: " << a;
      granted.insert(a);
    }
  }
  std::set<std::string> used = {"bedrock:ListFoundationModels", "bedrock:InvokeModel"};
  for (const auto& action : discovery_ec2_actions()) used.insert("ec2:" + action);
  EXPECT_EQ(granted, used);
}

}  // namespace
}  // namespace bedrock_reach

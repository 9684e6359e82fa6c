// Glob and ARN pattern matching of the IAM policy language.
#include <gtest/gtest.h>

#include "policy/policy_match.hpp"

namespace bedrock_reach {
namespace {

TEST(GlobMatch, Table) {
  struct Case {
    const char* pattern;
    const char* value;
    bool ignore_case;
    bool want;
  };
  const Case cases[] = {
      {"*", "", false, true},
      {"*", "anything/at:all", false, true},
      {"", "", false, true},
      {"", "x", false, false},
      {"bedrock:*", "bedrock:InvokeModel", false, true},
      {"bedrock:Invoke*", "bedrock:InvokeModelWithResponseStream", false, true},
      {"bedrock:Invoke*", "bedrock:ListAgents", false, false},
      {"bedrock:*Model", "bedrock:InvokeModel", false, true},
      {"bedrock:*Model", "bedrock:InvokeModelWithResponseStream", false, false},
      {"bedrock:*Model*", "bedrock:InvokeModelWithResponseStream", false, true},
      {"bedrock:InvokeMode?", "bedrock:InvokeModel", false, true},
      {"bedrock:InvokeModel?", "bedrock:InvokeModel", false, false},
      {"BEDROCK:invokemodel", "bedrock:InvokeModel", true, true},
      {"BEDROCK:invokemodel", "bedrock:InvokeModel", false, false},
      {"a*b*c", "aXXbYYc", false, true},
      {"a*b*c", "aXXbYY", false, false},
      {"**", "abc", false, true},
      {"*a", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbba", false, true},
      {"?", "", false, false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(glob_match(c.pattern, c.value, c.ignore_case), c.want)
        << c.pattern << " vs " << c.value;
  }
}

TEST(ArnMatch, Table) {
  struct Case {
    const char* pattern;
    const char* arn;
    bool want;
  };
  const Case cases[] = {
      {"*", "arn:aws:bedrock:us-east-1::foundation-model/x", true},
      {"arn:aws:bedrock:*::foundation-model/*", "arn:aws:bedrock:us-east-1::foundation-model/a.b",
       true},
      {"arn:aws:bedrock:us-east-1::foundation-model/anthropic.*",
       "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0", true},
      {"arn:aws:bedrock:us-east-1::foundation-model/anthropic.*",
       "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text", false},
      {"arn:aws:bedrock:us-east-1:*:inference-profile/*",
       "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.x", true},
      // Each fixed segment on its own: "*" matches an empty region, "?" one account digit.
      {"arn:aws:iam:*:123456789012:role/x", "arn:aws:iam::123456789012:role/x", true},
      {"arn:aws:iam::12345678901?:role/x", "arn:aws:iam::123456789012:role/x", true},
      {"arn:aws:iam::*:role/x", "arn:aws:iam::123456789012:role/y", false},
      // A colon inside the resource part is part of the resource.
      {"arn:aws:bedrock:us-east-1::foundation-model/*:0",
       "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2:0", true},
      {"arn:aws:iam::*:role/app-*", "arn:aws:iam::123456789012:role/app-role", true},
      {"arn:aws:iam::123456789012:role/*", "arn:aws:iam::123456789012:role/path/app-role", true},
      // Case-sensitive.
      {"arn:aws:iam::123456789012:role/App-Role", "arn:aws:iam::123456789012:role/app-role", false},
      // Not an ARN on either side: plain glob.
      {"app-*", "app-role", true},
      {"arn:aws:iam::123456789012:role/x", "not-an-arn", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(arn_match(c.pattern, c.arn), c.want) << c.pattern << " vs " << c.arn;
  }
}

}  // namespace
}  // namespace bedrock_reach

#pragma once
// Endpoint policy document -> plain statements. Validates shape and types; does not evaluate.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "bedrock_reach/result.hpp"

namespace bedrock_reach {

struct PolicyCondition {
  std::string op;                   // as written, e.g. "ForAnyValue:StringLikeIfExists"
  std::string key;                  // as written, e.g. "aws:PrincipalArn"
  std::vector<std::string> values;  // strings, or JSON booleans/numbers as text
};

struct PolicyStatement {
  size_t index = 0;
  std::string sid;
  bool deny = false;
  bool has_principal = false;  // Principal or NotPrincipal present
  bool not_principal = false;
  bool principal_everyone = false;            // "*" or {"AWS": "*"}
  std::vector<std::string> aws_principals;    // account IDs and ARNs under "AWS"
  std::vector<std::string> other_principals;  // "Service:...", "Federated:..." entries
  bool not_action = false;
  std::vector<std::string> actions;
  bool not_resource = false;
  std::vector<std::string> resources;  // ["*"] when neither Resource nor NotResource is given
  std::vector<PolicyCondition> conditions;
};

struct ParsedPolicy {
  std::string version;  // empty when absent (treated as 2008-10-17: no policy variables)
  std::vector<PolicyStatement> statements;
};

/// Caps: kMaxPolicyChars characters (too_large), JSON nesting depth 32 (parse).
Result<ParsedPolicy> parse_endpoint_policy(std::string_view policy_json);

}  // namespace bedrock_reach

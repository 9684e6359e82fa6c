#pragma once
// Internal to the endpoint-policy engine (not a contract): three-valued matching, the caller as
// the evaluator sees it, request context keys, policy variables and Condition operators.
#include <optional>
#include <string>
#include <string_view>

#include "bedrock_reach/strings.hpp"
#include "policy/policy_eval.hpp"
#include "policy/policy_parse.hpp"

namespace bedrock_reach::policy_detail {

/// Does a statement part apply: no, yes, or cannot tell (→ "conditional", never a guessed allow).
enum class Tri { no, yes, maybe };
Tri both(Tri a, Tri b);
Tri negate(Tri t);

using strings::iequals;
using strings::lower;
bool istarts_with(std::string_view text, std::string_view prefix);
bool iends_with(std::string_view text, std::string_view suffix);
/// Keeps hostile policy text out of messages beyond a short, printable excerpt.
std::string excerpt(std::string_view text);

struct ArnParts {
  std::string partition;
  std::string service;
  std::string account;
  std::string resource;
};
std::optional<ArnParts> split_arn(std::string_view arn);

/// The caller as the evaluator sees it.
struct Caller {
  std::string session_arn;  // arn:aws:sts::A:assumed-role/R/S (empty if not known)
  std::string role_arn;     // arn:aws:iam::A:role/R
  std::string account;
  std::string role_name;
  bool assumed_role = false;
  bool role_path_known = true;  // false: role_arn may lack the role's path (role/PATH/NAME)
};
Caller make_caller(const PolicyRequest& request);

/// A request context value: known, absent from the request, or unknown to the agent.
struct ContextValue {
  enum Kind { known, absent, unknown } kind = unknown;
  std::string value;
};
ContextValue context_value(std::string_view key, const PolicyRequest& request,
                           const Caller& caller);

/// Substitutes ${key} policy variables (only when `variables`, i.e. Version 2012-10-17);
/// nullopt when one is not known.
std::optional<std::string> substitute(const std::string& text, bool variables,
                                      const PolicyRequest& request, const Caller& caller);

/// One Condition operator/key pair; `note` says what was compared or why it is unknown.
/// `partial_source` (when given) is set when it is undecided only because an aws:VpcSourceIp
/// condition covers part of the request's source range.
Tri condition_holds(const PolicyCondition& c, const PolicyRequest& request, const Caller& caller,
                    bool variables, std::string& note, bool* partial_source = nullptr);

}  // namespace bedrock_reach::policy_detail

#include "policy/policy_context.hpp"

#include <cctype>

#include "bedrock_reach/ip.hpp"
#include "bedrock_reach/strings.hpp"
#include "policy/policy_match.hpp"
#include "policy/policy_range.hpp"

namespace bedrock_reach::policy_detail {

Tri both(Tri a, Tri b) {
  if (a == Tri::no || b == Tri::no) return Tri::no;
  if (a == Tri::maybe || b == Tri::maybe) return Tri::maybe;
  return Tri::yes;
}

Tri negate(Tri t) { return t == Tri::yes ? Tri::no : t == Tri::no ? Tri::yes : Tri::maybe; }

bool istarts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

bool iends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && iequals(text.substr(text.size() - suffix.size()), suffix);
}

std::string excerpt(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 80)) out += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
  if (text.size() > 80) out += "...";
  return out;
}

std::optional<ArnParts> split_arn(std::string_view arn) {
  ArnParts parts;
  std::string_view rest = arn;
  std::string_view fields[5];
  for (auto& field : fields) {
    auto colon = rest.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    field = rest.substr(0, colon);
    rest.remove_prefix(colon + 1);
  }
  if (fields[0] != "arn") return std::nullopt;
  parts.partition = fields[1];
  parts.service = fields[2];
  parts.account = fields[4];
  parts.resource = rest;
  return parts;
}

Caller make_caller(const PolicyRequest& request) {
  Caller caller;
  caller.account = request.principal_account;
  caller.role_arn = request.role_arn;
  caller.role_path_known = request.role_path_known;
  if (auto arn = split_arn(request.principal_arn)) {
    if (caller.account.empty()) caller.account = arn->account;
    if (arn->service == "sts" && istarts_with(arn->resource, "assumed-role/")) {
      caller.assumed_role = true;
      caller.session_arn = request.principal_arn;
      std::string_view rest = std::string_view(arn->resource).substr(13);
      caller.role_name = std::string(rest.substr(0, rest.find('/')));
      if (caller.role_arn.empty()) {
        caller.role_arn =
            "arn:" + arn->partition + ":iam::" + arn->account + ":role/" + caller.role_name;
      }
    } else if (arn->service == "iam" && istarts_with(arn->resource, "role/")) {
      if (caller.role_arn.empty()) caller.role_arn = request.principal_arn;
    }
  }
  if (caller.role_name.empty()) {
    if (auto arn = split_arn(caller.role_arn)) {
      auto slash = arn->resource.rfind('/');
      if (slash != std::string::npos) caller.role_name = arn->resource.substr(slash + 1);
    }
  }
  return caller;
}

ContextValue context_value(std::string_view key, const PolicyRequest& request,
                           const Caller& caller) {
  auto known_or_unknown = [](const std::string& v) {
    return v.empty() ? ContextValue{ContextValue::unknown, ""}
                     : ContextValue{ContextValue::known, v};
  };
  std::string k = lower(key);
  // aws:PrincipalArn of a role session is the role ARN with its path (role/service-role/NAME);
  // instance metadata gives only the name, so a condition on it cannot be decided.
  if (k == "aws:principalarn")
    return caller.role_path_known ? known_or_unknown(caller.role_arn) : ContextValue{};
  if (k == "aws:principalaccount") return known_or_unknown(caller.account);
  if (k == "aws:sourcevpc") return known_or_unknown(request.source_vpc);
  if (k == "aws:sourcevpce") return known_or_unknown(request.source_vpce);
  // A source range (the audit's subnet) is not one value: unknown as a policy variable.
  if (k == "aws:vpcsourceip")
    return known_or_unknown(request.source_range.empty() ? request.source_ip : "");
  // Requests through a VPC endpoint carry no aws:SourceIp.
  if (k == "aws:sourceip") return {ContextValue::absent, ""};
  if (k == "aws:securetransport") return {ContextValue::known, "true"};
  if (k == "aws:principaltype" && caller.assumed_role) return {ContextValue::known, "AssumedRole"};
  return {};
}

// Substitutes ${key} policy variables (2012-10-17 only); nullopt when one is not known.
std::optional<std::string> substitute(const std::string& text, bool variables,
                                      const PolicyRequest& request, const Caller& caller) {
  if (!variables || text.find("${") == std::string::npos) return text;
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    auto open = text.find("${", pos);
    if (open == std::string::npos) {
      out += text.substr(pos);
      break;
    }
    auto close = text.find('}', open);
    if (close == std::string::npos) return std::nullopt;
    out += text.substr(pos, open - pos);
    std::string name = text.substr(open + 2, close - open - 2);
    if (name == "*" || name == "?" || name == "$") {
      out += name;  // escapes for literal wildcard characters
    } else {
      auto value = context_value(name, request, caller);
      if (value.kind != ContextValue::known) return std::nullopt;
      out += value.value;
    }
    pos = close + 1;
  }
  return out;
}

namespace {

// --- Condition ---
enum class Op {
  string_equals,
  string_equals_ci,
  string_like,
  arn_like,
  boolean,
  null,
  ip_address,
  unsupported
};

struct ParsedOp {
  Op op = Op::unsupported;
  bool negated = false;
  bool if_exists = false;
};

ParsedOp parse_op(std::string_view text) {
  ParsedOp out;
  // Every key the agent knows is single-valued, where ForAnyValue/ForAllValues reduce to the
  // plain operator (for a present key; all such keys are present or unknown here).
  for (std::string_view set_prefix : {"ForAnyValue:", "ForAllValues:"}) {
    if (istarts_with(text, set_prefix)) text.remove_prefix(set_prefix.size());
  }
  if (iends_with(text, "IfExists")) {
    out.if_exists = true;
    text.remove_suffix(8);
  }
  struct Name {
    std::string_view name;
    Op op;
    bool negated;
  };
  static constexpr Name kNames[] = {
      {"StringEquals", Op::string_equals, false},
      {"StringNotEquals", Op::string_equals, true},
      {"StringEqualsIgnoreCase", Op::string_equals_ci, false},
      {"StringNotEqualsIgnoreCase", Op::string_equals_ci, true},
      {"StringLike", Op::string_like, false},
      {"StringNotLike", Op::string_like, true},
      {"ArnEquals", Op::arn_like, false},
      {"ArnLike", Op::arn_like, false},
      {"ArnNotEquals", Op::arn_like, true},
      {"ArnNotLike", Op::arn_like, true},
      {"Bool", Op::boolean, false},
      {"Null", Op::null, false},
      {"IpAddress", Op::ip_address, false},
      {"NotIpAddress", Op::ip_address, true},
  };
  for (const auto& name : kNames) {
    if (iequals(text, name.name)) {
      out.op = name.op;
      out.negated = name.negated;
    }
  }
  if (out.op == Op::null && out.if_exists) out.op = Op::unsupported;
  return out;
}

bool value_matches(Op op, const std::string& pattern, const std::string& value) {
  switch (op) {
    case Op::string_equals:
      return pattern == value;
    case Op::string_equals_ci:
      return iequals(pattern, value);
    case Op::string_like:
      return glob_match(pattern, value, false);
    case Op::arn_like:
      return arn_match(pattern, value);
    case Op::boolean:
      return iequals(pattern, value);
    case Op::ip_address: {
      auto prefix = IpPrefix::parse(pattern, /*allow_host_bits=*/true);
      auto address = IpAddress::parse(value);
      return prefix && address && prefix->family() == address->family() &&
             prefix->contains(*address);
    }
    case Op::null:
    case Op::unsupported:
      return false;
  }
  return false;
}

/// aws:VpcSourceIp when the source is a subnet: IpAddress holds for the whole range, none of it,
/// or part of it (conditional: some instances of the subnet are allowed, others not).
Tri range_condition_holds(const ParsedOp& op, const PolicyCondition& c,
                          const PolicyRequest& request, const Caller& caller, bool variables,
                          std::string& note, bool* partial_source) {
  std::string what = excerpt(c.op) + " " + excerpt(c.key);
  auto range = IpPrefix::parse(request.source_range, /*allow_host_bits=*/true);
  if (!range) {
    note = "the source range " + excerpt(request.source_range) + " is not a CIDR";
    return Tri::maybe;
  }
  const std::string source = "the source subnet " + range->to_string();
  if (op.op == Op::null) {
    bool want_absent = !c.values.empty() && iequals(c.values.front(), "true");
    note = what + " (key present)";
    return want_absent ? Tri::no : Tri::yes;
  }
  if (op.op != Op::ip_address) {
    note = what + " compares one address; " + source + " has many";
    return Tri::maybe;
  }
  std::vector<std::string> cidrs;
  for (const auto& raw : c.values) {
    auto pattern = substitute(raw, variables, request, caller);
    if (!pattern) {
      note = "policy variable in " + what + " is not known to the agent";
      return Tri::maybe;
    }
    cidrs.push_back(*pattern);
  }
  RangeCover cover = range_cover(*range, cidrs);
  std::string ignored;
  for (const auto& bad : cover.malformed) ignored += (ignored.empty() ? "" : ", ") + excerpt(bad);
  if (!ignored.empty()) ignored = " (not a CIDR, matches nothing: " + ignored + ")";
  switch (cover.kind) {
    case RangeCover::all:
      note = what + " covers all of " + source + ignored;
      return op.negated ? Tri::no : Tri::yes;
    case RangeCover::none:
      note = what + " covers none of " + source + ignored;
      return op.negated ? Tri::yes : Tri::no;
    case RangeCover::part:
      break;
  }
  std::string parts;
  for (const auto& p : cover.covered) parts += (parts.empty() ? "" : ", ") + p.to_string();
  note = what + " covers only " + parts + " of " + source + ignored;
  if (partial_source != nullptr) *partial_source = true;
  return Tri::maybe;
}

}  // namespace

Tri condition_holds(const PolicyCondition& c, const PolicyRequest& request, const Caller& caller,
                    bool variables, std::string& note, bool* partial_source) {
  ParsedOp op = parse_op(c.op);
  std::string what = excerpt(c.op) + " " + excerpt(c.key);
  if (op.op == Op::unsupported) {
    note = "operator " + excerpt(c.op) + " is not evaluated by the agent";
    return Tri::maybe;
  }
  if (iequals(c.key, "aws:VpcSourceIp") && !request.source_range.empty())
    return range_condition_holds(op, c, request, caller, variables, note, partial_source);
  ContextValue value = context_value(c.key, request, caller);
  if (value.kind == ContextValue::unknown) {
    note = "condition key " + excerpt(c.key) + " is not known to the agent";
    return Tri::maybe;
  }
  if (op.op == Op::null) {
    bool want_absent = !c.values.empty() && iequals(c.values.front(), "true");
    bool absent = value.kind == ContextValue::absent;
    note = what + (absent ? " (key absent)" : " (key present)");
    return want_absent == absent ? Tri::yes : Tri::no;
  }
  if (value.kind == ContextValue::absent) {
    // Absent key: no value matches, so a negated operator holds; IfExists holds either way.
    note = what + ": key absent from requests through the endpoint";
    return (op.if_exists || op.negated) ? Tri::yes : Tri::no;
  }
  bool hit = false;
  for (const auto& raw : c.values) {
    auto pattern = substitute(raw, variables, request, caller);
    if (!pattern) {
      note = "policy variable in " + what + " is not known to the agent";
      return Tri::maybe;
    }
    if (value_matches(op.op, *pattern, value.value)) hit = true;
  }
  note = what + " is " + excerpt(value.value);
  return hit != op.negated ? Tri::yes : Tri::no;
}

}  // namespace bedrock_reach::policy_detail

#include "policy/policy_parse.hpp"

#include <nlohmann/json.hpp>

#include "policy/policy_eval.hpp"

namespace bedrock_reach {
namespace {

using nlohmann::json;

constexpr int kMaxDepth = 32;

size_t utf8_chars(std::string_view text) {
  size_t count = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

// Rejects nesting deeper than kMaxDepth before the JSON parser sees it.
bool depth_ok(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxDepth) return false;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

tl::unexpected<Error> bad(const std::string& where, const std::string& what) {
  return make_error(ErrorKind::parse, "endpoint policy: " + where + ": " + what);
}

// A string or an array of strings; JSON booleans and numbers become text when `scalars`.
bool string_list(const json& value, std::vector<std::string>& out, bool scalars = false) {
  auto one = [&](const json& item) {
    if (item.is_string()) {
      out.push_back(item.get<std::string>());
      return true;
    }
    if (scalars && (item.is_boolean() || item.is_number())) {
      out.push_back(item.dump());
      return true;
    }
    return false;
  };
  if (value.is_array()) {
    for (const auto& item : value) {
      if (!one(item)) return false;
    }
    return true;
  }
  return one(value);
}

Result<PolicyStatement> parse_statement(const json& node, size_t index) {
  std::string where = "Statement[" + std::to_string(index) + "]";
  if (!node.is_object()) return bad(where, "not an object");
  PolicyStatement st;
  st.index = index;
  if (auto it = node.find("Sid"); it != node.end()) {
    if (!it->is_string()) return bad(where, "Sid is not a string");
    st.sid = it->get<std::string>();
  }
  auto effect = node.find("Effect");
  if (effect == node.end() || !effect->is_string()) return bad(where, "Effect missing");
  std::string effect_text = effect->get<std::string>();
  if (effect_text == "Deny") {
    st.deny = true;
  } else if (effect_text != "Allow") {
    return bad(where, "Effect is neither Allow nor Deny");
  }

  auto principal = node.find("Principal");
  auto not_principal = node.find("NotPrincipal");
  if (principal != node.end() && not_principal != node.end()) {
    return bad(where, "both Principal and NotPrincipal");
  }
  const json* who = principal != node.end()       ? &*principal
                    : not_principal != node.end() ? &*not_principal
                                                  : nullptr;
  if (who) {
    st.has_principal = true;
    st.not_principal = not_principal != node.end();
    if (who->is_string()) {
      if (who->get<std::string>() != "*") return bad(where, "Principal string other than \"*\"");
      st.principal_everyone = true;
    } else if (who->is_object()) {
      for (const auto& [type, ids] : who->items()) {
        std::vector<std::string> list;
        if (!string_list(ids, list)) return bad(where, "Principal values are not strings");
        for (auto& id : list) {
          if (type == "AWS") {
            if (id == "*") st.principal_everyone = true;
            st.aws_principals.push_back(std::move(id));
          } else {
            st.other_principals.push_back(type + ":" + id);
          }
        }
      }
    } else {
      return bad(where, "Principal is neither \"*\" nor an object");
    }
  }

  auto action = node.find("Action");
  auto not_action = node.find("NotAction");
  if ((action == node.end()) == (not_action == node.end())) {
    return bad(where, "needs exactly one of Action and NotAction");
  }
  st.not_action = not_action != node.end();
  if (!string_list(st.not_action ? *not_action : *action, st.actions) || st.actions.empty()) {
    return bad(where, "Action is not a string or a non-empty array of strings");
  }

  auto resource = node.find("Resource");
  auto not_resource = node.find("NotResource");
  if (resource != node.end() && not_resource != node.end()) {
    return bad(where, "both Resource and NotResource");
  }
  if (resource == node.end() && not_resource == node.end()) {
    st.resources = {"*"};
  } else {
    st.not_resource = not_resource != node.end();
    if (!string_list(st.not_resource ? *not_resource : *resource, st.resources) ||
        st.resources.empty()) {
      return bad(where, "Resource is not a string or a non-empty array of strings");
    }
  }

  if (auto cond = node.find("Condition"); cond != node.end()) {
    if (!cond->is_object()) return bad(where, "Condition is not an object");
    for (const auto& [op, keys] : cond->items()) {
      if (!keys.is_object()) return bad(where, "Condition operator " + op + " is not an object");
      for (const auto& [key, values] : keys.items()) {
        PolicyCondition c{op, key, {}};
        if (!string_list(values, c.values, /*scalars=*/true)) {
          return bad(where, "Condition values under " + op + " are not strings");
        }
        st.conditions.push_back(std::move(c));
      }
    }
  }
  return st;
}

}  // namespace

Result<ParsedPolicy> parse_endpoint_policy(std::string_view policy_json) {
  size_t chars = utf8_chars(policy_json);
  if (chars > kMaxPolicyChars) {
    return make_error(ErrorKind::too_large, "endpoint policy has " + std::to_string(chars) +
                                                " characters; AWS allows at most " +
                                                std::to_string(kMaxPolicyChars));
  }
  if (!depth_ok(policy_json)) return bad("document", "nested too deeply");
  json doc = json::parse(policy_json.begin(), policy_json.end(), nullptr,
                         /*allow_exceptions=*/false);
  if (doc.is_discarded()) return bad("document", "not valid JSON");
  if (!doc.is_object()) return bad("document", "not a JSON object");
  ParsedPolicy policy;
  if (auto version = doc.find("Version"); version != doc.end()) {
    if (!version->is_string()) return bad("Version", "not a string");
    policy.version = version->get<std::string>();
  }
  auto statements = doc.find("Statement");
  if (statements == doc.end()) return bad("document", "no Statement");
  if (statements->is_object()) {
    auto st = parse_statement(*statements, 0);
    if (!st) return tl::unexpected(st.error());
    policy.statements.push_back(std::move(*st));
  } else if (statements->is_array()) {
    size_t index = 0;
    for (const auto& node : *statements) {
      auto st = parse_statement(node, index++);
      if (!st) return tl::unexpected(st.error());
      policy.statements.push_back(std::move(*st));
    }
  } else {
    return bad("Statement", "neither an object nor an array");
  }
  return policy;
}

}  // namespace bedrock_reach

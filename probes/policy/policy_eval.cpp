#include "policy/policy_eval.hpp"

#include <algorithm>
#include <cctype>

#include "bedrock_reach/probe.hpp"
#include "policy/policy_context.hpp"
#include "policy/policy_match.hpp"
#include "policy/policy_parse.hpp"

namespace bedrock_reach {
namespace {

using policy_detail::both;
using policy_detail::Caller;
using policy_detail::condition_holds;
using policy_detail::excerpt;
using policy_detail::iends_with;
using policy_detail::iequals;
using policy_detail::istarts_with;
using policy_detail::lower;
using policy_detail::make_caller;
using policy_detail::negate;
using policy_detail::split_arn;
using policy_detail::substitute;
using policy_detail::Tri;

// --- Principal ---
Tri principal_entry_matches(const std::string& entry, const Caller& caller) {
  if (entry == "*") return Tri::yes;
  bool is_account = entry.size() == 12 && std::all_of(entry.begin(), entry.end(), [](char c) {
                      return std::isdigit(static_cast<unsigned char>(c));
                    });
  if (is_account) {
    if (caller.account.empty()) return Tri::maybe;
    return entry == caller.account ? Tri::yes : Tri::no;
  }
  auto arn = split_arn(entry);
  if (!arn) return Tri::no;
  if (caller.account.empty()) return Tri::maybe;
  if (arn->account != caller.account) return Tri::no;
  if (arn->service == "iam" && arn->resource == "root") return Tri::yes;
  if (arn->service == "iam" && istarts_with(arn->resource, "role/")) {
    // A role ARN names every session of the role. Role names are unique per account
    // regardless of path (and case-insensitively), so compare the last path segment.
    if (caller.role_name.empty()) return Tri::maybe;
    auto slash = arn->resource.rfind('/');
    return iequals(arn->resource.substr(slash + 1), caller.role_name) ? Tri::yes : Tri::no;
  }
  if (arn->service == "sts" && istarts_with(arn->resource, "assumed-role/")) {
    if (caller.session_arn.empty()) return Tri::maybe;
    auto mine = split_arn(caller.session_arn);
    return mine && mine->resource == arn->resource ? Tri::yes : Tri::no;
  }
  return Tri::no;  // users, federated users: not the instance role
}

Tri principal_matches(const PolicyStatement& st, const Caller& caller, std::string& note) {
  if (!st.has_principal) {
    note = "it has no Principal";
    return Tri::maybe;
  }
  Tri any = Tri::no;
  if (st.principal_everyone) {
    any = Tri::yes;
  } else {
    for (const auto& entry : st.aws_principals) {
      Tri t = principal_entry_matches(entry, caller);
      if (t == Tri::yes) {
        any = Tri::yes;
        break;
      }
      if (t == Tri::maybe) any = Tri::maybe;
    }
  }
  if (any == Tri::maybe) note = "the caller's account or role is not known";
  return st.not_principal ? negate(any) : any;
}

// --- Action and Resource ---
Tri action_matches(const PolicyStatement& st, const std::string& action) {
  bool hit = std::any_of(st.actions.begin(), st.actions.end(), [&](const std::string& pattern) {
    return glob_match(pattern, action, /*ignore_case=*/true);
  });
  return (hit != st.not_action) ? Tri::yes : Tri::no;
}

Tri resource_matches(const PolicyStatement& st, const PolicyRequest& request, bool variables,
                     const Caller& caller, std::string& note) {
  Tri any = Tri::no;
  for (const auto& raw : st.resources) {
    auto pattern = substitute(raw, variables, request, caller);
    Tri t;
    if (!pattern) {
      t = Tri::maybe;
    } else if (*pattern == "*") {
      t = Tri::yes;
    } else if (request.resource == "*") {
      t = Tri::maybe;  // limited to some resources; the caller's resource is not known
    } else {
      t = arn_match(*pattern, request.resource) ? Tri::yes : Tri::no;
    }
    if (t == Tri::yes) {
      any = Tri::yes;
      break;
    }
    if (t == Tri::maybe) any = Tri::maybe;
  }
  if (any == Tri::maybe) {
    note = std::string(st.not_resource ? "NotResource" : "Resource") + " limits it to " +
           excerpt(st.resources.front()) + (st.resources.size() > 1 ? " and others" : "");
  }
  return st.not_resource ? negate(any) : any;
}

struct StatementMatch {
  Tri result = Tri::no;
  std::string note;  // why it applies, or why it is uncertain
  // Uncertain only because Resource limits it to some resources (a scoped policy) while the
  // request's resource is "*": the principal and every condition hold.
  bool resource_only = false;
  // Uncertain only because aws:VpcSourceIp conditions cover part of the source range.
  bool source_partial = false;
};

StatementMatch match_statement(const PolicyStatement& st, const std::string& action,
                               const PolicyRequest& request, const Caller& caller, bool variables) {
  StatementMatch m;
  if (action_matches(st, action) == Tri::no) return m;
  std::string principal_note;
  Tri principal = principal_matches(st, caller, principal_note);
  if (principal == Tri::no) return m;
  std::string resource_note;
  Tri resource = resource_matches(st, request, variables, caller, resource_note);
  if (resource == Tri::no) return m;
  Tri result = both(principal, resource);
  std::vector<std::string> notes;
  if (principal == Tri::maybe) notes.push_back(principal_note);
  if (resource == Tri::maybe) notes.push_back(resource_note);
  std::vector<std::string> held;
  size_t partial = 0;
  for (const auto& condition : st.conditions) {
    std::string note;
    bool partial_source = false;
    Tri t = condition_holds(condition, request, caller, variables, note, &partial_source);
    if (t == Tri::no) return m;
    if (t == Tri::maybe) notes.push_back(note);
    if (t == Tri::maybe && partial_source) ++partial;
    if (t == Tri::yes) held.push_back(note);
    result = both(result, t);
  }
  m.result = result;
  if (result == Tri::maybe) {
    std::string joined;
    for (const auto& n : notes) joined += (joined.empty() ? "" : "; ") + n;
    m.note = joined;
    m.resource_only = resource == Tri::maybe && notes.size() == 1;
    m.source_partial = partial > 0 && partial == notes.size();
  } else {
    std::string joined;
    for (const auto& n : held) joined += (joined.empty() ? "" : "; ") + n;
    m.note = held.empty() ? "" : "condition holds: " + joined;
  }
  return m;
}

std::string statement_name(const PolicyStatement& st) {
  std::string name = "Statement[" + std::to_string(st.index) + "]";
  if (!st.sid.empty()) name += " (Sid " + excerpt(st.sid) + ")";
  return name;
}

}  // namespace

const char* to_string(PolicyDecision decision) {
  switch (decision) {
    case PolicyDecision::allow:
      return "allow";
    case PolicyDecision::explicit_deny:
      return "explicit deny";
    case PolicyDecision::implicit_deny:
      return "implicit deny";
    case PolicyDecision::conditional:
      return "conditional";
  }
  return "unknown";
}

Result<std::vector<ActionVerdict>> evaluate_endpoint_policy(std::string_view policy_json,
                                                            const PolicyRequest& request) {
  bool blank = std::all_of(policy_json.begin(), policy_json.end(),
                           [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
  auto parsed = parse_endpoint_policy(
      blank ? R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]})"
            : policy_json);
  if (!parsed) return tl::unexpected(parsed.error());
  const bool variables = parsed->version == "2012-10-17";
  const Caller caller = make_caller(request);
  const std::string who = request.principal_arn.empty() ? "the caller" : request.principal_arn;

  std::vector<ActionVerdict> verdicts;
  for (const auto& action : request.actions) {
    const PolicyStatement* deny_yes = nullptr;
    const PolicyStatement* deny_maybe = nullptr;
    const PolicyStatement* allow_yes = nullptr;
    const PolicyStatement* allow_maybe = nullptr;
    std::string deny_yes_note, deny_maybe_note, allow_yes_note, allow_maybe_note;
    bool allow_maybe_scoped = false;
    bool allow_maybe_partial = false;
    bool deny_maybe_partial = false;
    for (const auto& st : parsed->statements) {
      StatementMatch m = match_statement(st, action, request, caller, variables);
      if (m.result == Tri::no) continue;
      const PolicyStatement*& slot = st.deny ? (m.result == Tri::yes ? deny_yes : deny_maybe)
                                             : (m.result == Tri::yes ? allow_yes : allow_maybe);
      std::string& note = st.deny ? (m.result == Tri::yes ? deny_yes_note : deny_maybe_note)
                                  : (m.result == Tri::yes ? allow_yes_note : allow_maybe_note);
      if (!slot) {
        slot = &st;
        note = m.note;
        if (!st.deny && m.result == Tri::maybe) allow_maybe_scoped = m.resource_only;
        if (!st.deny && m.result == Tri::maybe) allow_maybe_partial = m.source_partial;
        if (st.deny && m.result == Tri::maybe) deny_maybe_partial = m.source_partial;
      }
    }
    ActionVerdict v;
    v.action = action;
    auto with_note = [](const std::string& text, const std::string& note) {
      return note.empty() ? text : text + ": " + note;
    };
    if (blank) {
      v.decision = PolicyDecision::allow;
      v.statement_index = 0;
      v.reason = "no endpoint policy attached: the default policy allows full access";
    } else if (deny_yes) {
      v.decision = PolicyDecision::explicit_deny;
      v.statement_index = deny_yes->index;
      v.reason =
          with_note(statement_name(*deny_yes) + " denies " + action + " for " + who, deny_yes_note);
    } else if (allow_yes && deny_maybe) {
      v.decision = PolicyDecision::conditional;
      v.statement_index = deny_maybe->index;
      v.partial_source = deny_maybe_partial;
      if (v.partial_source) v.source_note = deny_maybe_note;
      v.reason = with_note(statement_name(*allow_yes) + " allows " + action + ", but " +
                               statement_name(*deny_maybe) + " may deny it",
                           deny_maybe_note);
    } else if (allow_yes) {
      v.decision = PolicyDecision::allow;
      v.statement_index = allow_yes->index;
      v.reason = with_note(statement_name(*allow_yes) + " allows " + action + " for " + who,
                           allow_yes_note);
    } else if (allow_maybe) {
      v.decision = PolicyDecision::conditional;
      v.resource_scoped = allow_maybe_scoped;
      v.partial_source = allow_maybe_partial;
      if (v.partial_source) v.source_note = allow_maybe_note;
      v.statement_index = allow_maybe->index;
      v.reason = with_note(statement_name(*allow_maybe) + " allows " + action +
                               " only under conditions the agent cannot check",
                           allow_maybe_note);
    } else {
      v.decision = PolicyDecision::implicit_deny;
      v.reason = "no statement allows " + action + " for " + who;
    }
    verdicts.push_back(std::move(v));
  }
  return verdicts;
}

std::vector<std::string> required_actions(std::string_view service) {
  auto dot = service.rfind('.');
  if (dot != std::string_view::npos) service.remove_prefix(dot + 1);
  std::string name = lower(service);
  if (iends_with(name, "-fips")) name.resize(name.size() - 5);
  if (name == "bedrock-runtime") {
    return {"bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"};
  }
  if (name == "bedrock") return {"bedrock:ListFoundationModels"};
  if (name == "bedrock-agent-runtime") {
    return {"bedrock:InvokeAgent", "bedrock:Retrieve", "bedrock:RetrieveAndGenerate"};
  }
  if (name == "bedrock-agent") return {"bedrock:ListAgents"};
  return {};
}

bool takes_model_resource(std::string_view service) {
  return service == "bedrock-runtime" || service == "bedrock-runtime-fips";
}

std::string model_resource_arn(const std::string& model, const std::string& partition,
                               const std::string& region, const std::string& account) {
  if (model.rfind("arn:", 0) == 0) return model;
  std::string p = partition.empty() ? "aws" : partition;
  for (const char* prefix : {"us.", "eu.", "apac.", "us-gov.", "ca.", "jp.", "au.", "global."}) {
    if (model.rfind(prefix, 0) == 0)
      return "arn:" + p + ":bedrock:" + region + ":" + account + ":inference-profile/" + model;
  }
  return "arn:" + p + ":bedrock:" + region + "::foundation-model/" + model;
}

PolicyRequest policy_request_for_instance(const InstanceIdentity& instance, std::string source_vpc,
                                          std::string source_vpce,
                                          std::vector<std::string> actions) {
  PolicyRequest request;
  std::string partition = instance.partition.empty() ? "aws" : instance.partition;
  request.principal_account = instance.account_id;
  if (!instance.iam_role.empty() && !instance.account_id.empty()) {
    request.principal_arn = "arn:" + partition + ":sts::" + instance.account_id + ":assumed-role/" +
                            instance.iam_role + "/" + instance.instance_id;
    request.role_arn =
        "arn:" + partition + ":iam::" + instance.account_id + ":role/" + instance.iam_role;
    request.role_path_known = false;  // IMDS names the role, never its path
  }
  request.source_vpc = std::move(source_vpc);
  request.source_vpce = std::move(source_vpce);
  if (const MacInfo* primary = instance.primary(); primary && !primary->local_ipv4s.empty()) {
    request.source_ip = primary->local_ipv4s.front();
  }
  request.actions = std::move(actions);
  return request;
}

void apply_principal_arn(PolicyRequest& request, const std::string& arn) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    auto colon = arn.find(':', start);
    if (colon == std::string::npos) return;
    parts.push_back(arn.substr(start, colon - start));
    start = colon + 1;
  }
  const std::string& partition = parts[1];
  const std::string& account = parts[4];
  std::string resource = arn.substr(start);
  if (parts[0] != "arn" || account.empty()) return;
  request.principal_account = account;
  if (parts[2] == "iam" && resource.rfind("role/", 0) == 0) {
    std::string name = resource.substr(resource.rfind('/') + 1);
    request.role_arn = arn;
    request.principal_arn =
        "arn:" + partition + ":sts::" + account + ":assumed-role/" + name + "/application";
  } else if (parts[2] == "sts" && resource.rfind("assumed-role/", 0) == 0) {
    std::string rest = resource.substr(13);
    std::string name = rest.substr(0, rest.find('/'));
    request.principal_arn = arn;
    request.role_arn = "arn:" + partition + ":iam::" + account + ":role/" + name;
  }
}

std::vector<Finding> policy_findings(std::string_view service, const std::string& endpoint_id,
                                     const Result<std::vector<ActionVerdict>>& verdicts) {
  std::vector<Finding> out;
  std::string svc(service);
  std::string policy = "endpoint policy of " + (endpoint_id.empty() ? svc : endpoint_id);
  if (!verdicts) {
    out.push_back(make_finding("POLICY_CONDITIONAL", svc, "",
                               "could not evaluate the " + policy + ": " + verdicts.error().message,
                               {std::string("error: ") + to_string(verdicts.error().kind)}));
    return out;
  }
  std::vector<std::string> denied, denied_evidence, conditional, conditional_evidence, scoped,
      scoped_evidence;
  bool all_partial = true;  // every conditional action only because of a partial source range
  std::string source_note;
  for (const auto& v : *verdicts) {
    std::string where = v.statement_index ? "Statement[" + std::to_string(*v.statement_index) + "]"
                                          : "no statement";
    std::string line = v.action + ": " + to_string(v.decision) + " (" + where + "): " + v.reason;
    if (v.decision == PolicyDecision::explicit_deny ||
        v.decision == PolicyDecision::implicit_deny) {
      denied.push_back(v.action + " (" +
                       (v.decision == PolicyDecision::explicit_deny
                            ? "explicit deny in " + where
                            : std::string("no statement allows it")) +
                       ")");
      denied_evidence.push_back(line);
    } else if (v.decision == PolicyDecision::conditional && v.resource_scoped) {
      scoped.push_back(v.action + " (" + where + ")");
      scoped_evidence.push_back(line);
    } else if (v.decision == PolicyDecision::conditional) {
      conditional.push_back(v.action + " (" + where + ")");
      all_partial = all_partial && v.partial_source;
      if (source_note.empty()) source_note = v.source_note;
      conditional_evidence.push_back(line);
    }
  }
  auto join = [](const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
    return text;
  };
  if (!denied.empty()) {
    out.push_back(make_finding("POLICY_DENIES", svc, "",
                               "the " + policy + " denies " + join(denied), denied_evidence));
  }
  if (!scoped.empty()) {
    // Least privilege: allowed on the application's models only. The probe's stand-in model is
    // outside that scope, so its refusal says nothing about the application (--model checks it).
    out.push_back(make_finding("POLICY_SCOPED", svc, "",
                               "the " + policy + " allows " + join(scoped) +
                                   " only on some resources; the probe's stand-in model is "
                                   "outside that scope: run with --model ID to check the "
                                   "models the application invokes",
                               scoped_evidence));
  }
  if (!conditional.empty()) {
    std::string why = all_partial ? " only from part of the source subnet (" + source_note + ")"
                                  : " only under conditions the agent cannot evaluate";
    out.push_back(make_finding("POLICY_CONDITIONAL", svc, "",
                               "the " + policy + " allows " + join(conditional) + why,
                               conditional_evidence));
  }
  return out;
}

}  // namespace bedrock_reach

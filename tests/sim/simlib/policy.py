"""Endpoint-policy evaluation (aws-reference.md section 7): explicit deny > allow > implicit deny.

A Principal naming a role ARN matches any session of that role (documented assumption)."""
import fnmatch
import ipaddress


def _list(v):
    return v if isinstance(v, list) else [v]


def _glob(pattern, value, ci):
    if ci:
        pattern, value = pattern.lower(), value.lower()
    return fnmatch.fnmatchcase(value, pattern)


def principal_matches(p, ctx):
    if p == "*":
        return True
    if isinstance(p, dict):
        vals = []
        for k, v in p.items():
            if k == "AWS":
                vals += _list(v)
        p = vals
    for v in _list(p):
        if v == "*" or v == ctx["account"] or v == "arn:aws:iam::%s:root" % ctx["account"]:
            return True
        if v in (ctx["role_arn"], ctx["principal_arn"]):
            return True
    return False


def _in_cidrs(address, cidrs):
    """IpAddress: the address lies in one of the CIDRs; a value that is not a CIDR matches nothing (IAM user guide,
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress)."""
    try:
        addr = ipaddress.ip_address(address)
    except ValueError:
        return False
    for c in cidrs:
        try:
            net = ipaddress.ip_network(c, strict=False)
        except ValueError:
            continue
        if net.version == addr.version and addr in net:
            return True
    return False


def condition_matches(cond, ctx):
    keys = {k.lower(): v for k, v in ctx["keys"].items()}
    for op, block in (cond or {}).items():
        base = op.split(":")[-1]
        if_exists = base.endswith("IfExists")
        base = base[:-8] if if_exists else base
        for key, want in block.items():
            have = keys.get(key.lower())
            want = [str(w) for w in _list(want)]
            if base == "Null":
                if (have is None) != (want[0].lower() == "true"):
                    return False
                continue
            if have is None:
                if if_exists:
                    continue
                if base.startswith("StringNot") or base.startswith("ArnNot") or base == "NotIpAddress":
                    continue
                return False
            hv = [str(h) for h in _list(have)]
            if base in ("StringEquals", "ArnEquals"):
                ok = any(h == w for h in hv for w in want)
            elif base == "StringEqualsIgnoreCase":
                ok = any(h.lower() == w.lower() for h in hv for w in want)
            elif base in ("StringLike", "ArnLike"):
                ok = any(_glob(w, h, False) for h in hv for w in want)
            elif base in ("StringNotEquals", "ArnNotEquals"):
                ok = all(h != w for h in hv for w in want)
            elif base in ("StringNotLike", "ArnNotLike"):
                ok = not any(_glob(w, h, False) for h in hv for w in want)
            elif base == "IpAddress":
                ok = any(_in_cidrs(h, want) for h in hv)
            elif base == "NotIpAddress":
                ok = not any(_in_cidrs(h, want) for h in hv)
            elif base == "Bool":
                ok = any(h.lower() == w.lower() for h in hv for w in want)
            else:
                return False  # unsupported operator: never matches
            if not ok:
                return False
    return True


def statement_matches(st, action, resource, ctx):
    if "Principal" in st and not principal_matches(st["Principal"], ctx):
        return False
    if "NotPrincipal" in st and principal_matches(st["NotPrincipal"], ctx):
        return False
    if "Action" in st and not any(_glob(a, action, True) for a in _list(st["Action"])):
        return False
    if "NotAction" in st and any(_glob(a, action, True) for a in _list(st["NotAction"])):
        return False
    if "Resource" in st and not any(_glob(r, resource, False) for r in _list(st["Resource"])):
        return False
    if "NotResource" in st and any(_glob(r, resource, False) for r in _list(st["NotResource"])):
        return False
    return condition_matches(st.get("Condition"), ctx)


def evaluate(policy, action, resource, ctx):
    """-> "allow" | "explicit-deny" | "implicit-deny"."""
    stmts = _list(policy.get("Statement", []))
    if any(s.get("Effect") == "Deny" and statement_matches(s, action, resource, ctx) for s in stmts):
        return "explicit-deny"
    if any(s.get("Effect") == "Allow" and statement_matches(s, action, resource, ctx) for s in stmts):
        return "allow"
    return "implicit-deny"

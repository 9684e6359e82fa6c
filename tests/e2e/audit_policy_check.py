#!/usr/bin/env python3
"""End-to-end (issue 20): the endpoint policy judged per subnet in the vpc-audit-policy scenario. The
bedrock-runtime endpoint policy denies every source outside 10.0.1.0/24, 10.0.2.0/24 and 10.0.5.0/25: the
audit must find POLICY_DENIES (critical) in the subnets outside, POLICY_CONDITIONAL naming the covered half in
main-nat, nothing in a and b; exit code = the worst subnet. The host's own check agrees: from a (allowed) its
signed call is authorized; moved into c (denied), its check reports POLICY_DENIES and the data plane's real
denial, and the audit marks c, now the host's subnet, the same. In scoped-policy (bedrock-runtime's endpoint
allows only anthropic.claude-* models) --model decides, as for check: any model POLICY_SCOPED in every subnet,
a Claude model nothing, a Llama model POLICY_DENIES. Exit 0 pass, 1 fail, 77 skip.

Usage: audit_policy_check.py BINARY
"""
import json
import os
import sys
import tempfile

import simname
from audit_check import sim, validate

SCENARIO = "vpc-audit-policy"
PRINCIPAL = "arn:aws:sts::123456789012:assumed-role/bedrock-reach-test-role/i-0123456789abcdef0"
RT = "bedrock-runtime"
# subnet id -> (subnet status, bedrock-runtime's policy code or None)
SUBNETS = {
    "subnet-0aaa1111bbbb2222c": ("ok", None),                        # a 10.0.1.0/24, allowed
    "subnet-0ddd3333eeee4444f": ("ok", None),                        # b 10.0.2.0/24, allowed
    "subnet-0fff5555aaaa6666b": ("critical", "POLICY_DENIES"),       # c 10.0.3.0/24
    "subnet-0d4d1111aaaa0004d": ("critical", "POLICY_DENIES"),       # d, also ENDPOINT_AZ_MISSING
    "subnet-0e5e2222bbbb0005e": ("warning", "POLICY_CONDITIONAL"),   # main-nat, half covered
    "subnet-0f6f3333cccc0006f": ("critical", "POLICY_DENIES"),       # nacl-deny
    "subnet-0a7a4444dddd0007a": ("critical", "POLICY_DENIES"),       # sg-outside
}
SUBNET_C = "subnet-0fff5555aaaa6666b"


def audit(inst, tmp, name):
    out = os.path.join(tmp, name + ".json")
    run = sim("exec", inst, "--", BINARY, "audit", "--format", "json", "-o", out, check=False)
    if not os.path.exists(out):
        return run, None
    return run, json.load(open(out))


def policy_codes(svc):
    return [f["code"] for f in svc["findings"] if f["code"].startswith("POLICY_")]


def check_subnets(report, expected):
    failures = []
    by_id = {s["id"]: s for s in report["subnets"]}
    for subnet_id, (status, code) in expected.items():
        s = by_id.get(subnet_id)
        if s is None:
            failures.append(f"{subnet_id} missing")
            continue
        if s["status"] != status:
            failures.append(f"{subnet_id} status {s['status']}, want {status}")
        for svc in s["services"]:
            codes = policy_codes(svc)
            want = [code] if code and svc["name"] == RT else []
            if codes != want:
                failures.append(f"{subnet_id} {svc['name']} policy findings {codes}, want {want}")
            for f in svc["findings"]:
                if f["code"].startswith("POLICY_") and not any(PRINCIPAL in e for e in f["evidence"]):
                    failures.append(f"{subnet_id} {f['code']} evidence does not name the principal")
    main_nat = by_id.get("subnet-0e5e2222bbbb0005e", {"services": []})
    conditional = [f for svc in main_nat["services"] for f in svc["findings"] if f["code"] == "POLICY_CONDITIONAL"]
    if not conditional or not any("covers only 10.0.5.0/25 of the source subnet 10.0.5.0/24" in e
                                  for e in conditional[0]["evidence"]):
        failures.append(f"main-nat's POLICY_CONDITIONAL does not name the covered part: {conditional}")
    return failures


def check_from_a(inst, tmp):
    failures = []
    run, report = audit(inst, tmp, "audit")
    if report is None:
        return [f"no audit written (exit {run.returncode}): {run.stderr}"]
    print(f"exit {run.returncode} status {report['status']} duration {report['duration_ms']:.0f} ms")
    if run.returncode != 2 or report["status"] != "critical":
        failures.append(f"exit {run.returncode} {report['status']}, want 2 critical")
    failures += check_subnets(report, SUBNETS)
    pol = report.get("endpoint_policy") or {}
    if not pol.get("judged") or pol.get("principal") != PRINCIPAL or PRINCIPAL not in report["note"]:
        failures.append(f"endpoint_policy {pol} / note do not name the principal")
    check = report["check"]
    if check["status"] != "ok" or [f["code"] for f in check["findings"] if f["code"].startswith("POLICY_")]:
        failures.append(f"host check in a: {check['status']}, want ok without policy findings")
    failures += validate("audit-json", os.path.join(tmp, "audit.json"))
    text = sim("exec", inst, "--", BINARY, "audit", "--format", "text", check=False)
    print(text.stdout)
    row = next((l for l in text.stdout.splitlines() if l.startswith(SUBNET_C)), "")
    if "POLICY_DENIES" not in row or "CRITICAL" not in row:
        failures.append(f"text matrix row for c: {row!r}")
    if PRINCIPAL not in text.stdout:
        failures.append("text output does not name the principal the policy was judged for")
    narrow = sim("exec", inst, "--", "env", "COLUMNS=100", BINARY, "audit", check=False).stdout
    long_lines = [l for l in narrow.splitlines() if len(l) > 100]
    if long_lines or "    POLICY_DENIES: bedrock-runtime" not in narrow.splitlines():
        failures.append(f"COLUMNS=100: compact matrix wanted, lines over 100: {long_lines}")
    prom = sim("exec", inst, "--", BINARY, "audit", "--format", "prometheus", check=False)
    want = ('bedrock_reach_audit_subnet_status{vpc="vpc-0a1b2c3d4e5f60718",subnet="%s",az="us-east-1c",'
            'service="bedrock-runtime"} 2' % SUBNET_C)
    if want not in prom.stdout.splitlines():
        failures.append(f"prometheus lacks {want}")
    return failures


def check_from_c(inst, tmp):
    """The host moved into c: its data plane is denied with AWS's message, and audit and check agree."""
    failures = []
    up = sim("up", SCENARIO, "--as", inst, "--set", "instance.subnet=c", "--set", "instance.ip=10.0.3.10",
             check=False)
    if up.returncode != 0:
        return [f"up in c failed: {up.stderr}"]
    run, report = audit(inst, tmp, "audit-c")
    if report is None:
        return [f"no audit written from c (exit {run.returncode})"]
    if report["host_subnet"] != SUBNET_C:
        failures.append(f"host subnet {report['host_subnet']}, want c")
    failures += check_subnets(report, {SUBNET_C: SUBNETS[SUBNET_C]})
    check = report["check"]
    codes = [f["code"] for f in check["findings"]]
    if check["status"] != "critical" or "POLICY_DENIES" not in codes:
        failures.append(f"host check in c: {check['status']} {codes}, want critical with POLICY_DENIES")
    denied = [f for f in check["findings"] if f["code"] == "SIGNED_CALL_DENIED_POLICY"]
    if not denied or not all("denied by the VPC endpoint policy (explicit deny)" in f["message"] and
                             "x-amzn-ErrorType AccessDeniedException" in f["evidence"] for f in denied):
        failures.append(f"host check in c: no data-plane denial by the endpoint policy: {codes}")
    return failures


MODEL_CASES = [  # --model arguments -> (exit, bedrock-runtime's policy code in every subnet)
    ([], 1, "POLICY_SCOPED"),
    (["--model", "anthropic.claude-3-haiku-20240307-v1:0"], 0, None),
    (["--model", "anthropic.claude-3-haiku-20240307-v1:0", "--model", "meta.llama3-8b-instruct-v1:0"], 2,
     "POLICY_DENIES"),
]


def check_models(tmp):
    inst = simname.instance("audit-models")  # its own instance: e2e.scoped-policy* may run beside it
    failures = []
    try:
        up = sim("up", "scoped-policy", "--as", inst, check=False)
        if up.returncode != 0:
            return [f"scoped-policy up failed: {up.stderr}"]
        for i, (args, want_exit, code) in enumerate(MODEL_CASES):
            out = os.path.join(tmp, f"models{i}.json")
            run = sim("exec", inst, "--", BINARY, "audit", "--format", "json", "-o", out, *args, check=False)
            if not os.path.exists(out):
                failures.append(f"{args}: no audit written (exit {run.returncode})")
                continue
            report = json.load(open(out))
            print(f"{args or 'no --model'}: exit {run.returncode}, resources {report['endpoint_policy'].get('resources')}")
            if run.returncode != want_exit:
                failures.append(f"{args}: exit {run.returncode}, want {want_exit}")
            for s in report["subnets"]:
                for svc in s["services"]:
                    want = [code] if code and svc["name"] == RT else []
                    if policy_codes(svc) != want:
                        failures.append(f"{args}: {s['id']} {svc['name']} {policy_codes(svc)}, want {want}")
            resources = report["endpoint_policy"].get("resources")
            if args and (len(resources) != len(args) // 2 or not all("foundation-model/" in r for r in resources)):
                failures.append(f"{args}: endpoint_policy.resources {resources}")
            if not args and resources != ["*"]:
                failures.append(f"no --model: endpoint_policy.resources {resources}, want ['*']")
            failures += validate("audit-json", out)
    finally:
        sim("down", inst, check=False)
    return failures


def main():
    global BINARY
    BINARY = sys.argv[1]
    if os.geteuid() != 0:
        print("SKIP: end-to-end scenarios need root for network namespaces")
        return 77
    inst = simname.instance(SCENARIO)
    failures = []
    try:
        up = sim("up", SCENARIO, "--as", inst, check=False)
        if up.returncode != 0:
            print(up.stdout, up.stderr)
            if "namespace" in up.stderr.lower() and "permission" in up.stderr.lower():
                print("SKIP: cannot create network namespaces here")
                return 77
            return 1
        with tempfile.TemporaryDirectory() as tmp:
            failures += check_from_a(inst, tmp)
            failures += check_from_c(inst, tmp)
            failures += check_models(tmp)
    finally:
        sim("down", inst, check=False)
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

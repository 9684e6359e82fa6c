#!/usr/bin/env python3
"""End-to-end (issue 20): `bedrock-reach audit` in the vpc-audit scenarios. Every subnet must be
present with its status and root-cause codes, the exit code is the worst subnet's, every output
format validates, and the simulator's events.log shows each EC2 action read a bounded number of
times (pagination only, never per subnet). Exit 0 pass, 1 fail, 77 skip (not root / no netns).

Usage: audit_check.py BINARY SCENARIO        SCENARIO: vpc-audit | vpc-audit-500
"""
import json
import math
import os
import subprocess
import sys
import tempfile

import simname

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VPCSIM = os.path.join(ROOT, "tests", "sim", "vpcsim")
VALIDATE = os.path.join(ROOT, "scripts", "validate-output")
SERVICES = ["bedrock", "bedrock-runtime", "bedrock-agent", "bedrock-agent-runtime"]

# vpc-audit's subnets (tests/sim/scenarios/vpc-audit.json): id -> (status, root cause per service or None,
# extra checks). A dict of causes names services whose cause differs from the default.
SUBNETS = {
    "subnet-0aaa1111bbbb2222c": ("ok", None, {"host": True, "route_association": "explicit"}),
    "subnet-0ddd3333eeee4444f": ("ok", None, {}),
    "subnet-0fff5555aaaa6666b": ("ok", None, {}),
    "subnet-0d4d1111aaaa0004d": ("warning", "ENDPOINT_AZ_MISSING", {"eni_in_az": False}),
    "subnet-0e5e2222bbbb0005e": ("ok", None, {"route_association": "main", "route_table": "rtb-0a1a0000000000001"}),
    "subnet-0f6f3333cccc0006f": ("critical", "NACL_BLOCKS_OUTBOUND", {}),
    "subnet-0a7a4444dddd0007a": ("critical", "SG_INGRESS_BLOCKS", {"depends_on_sg": "bedrock-agent-runtime"}),
}
APP_SG = "sg-0a990000000000001"
PAGE_SIZE = {"vpc-audit": 1000, "vpc-audit-500": 100}
SUBNET_COUNT = {"vpc-audit": 7, "vpc-audit-500": 500}


def sim(*args, check=True):
    return subprocess.run([VPCSIM, *args], capture_output=True, text=True, timeout=180, check=check)


def ec2_calls(instance, since):
    """{action: [first calls, further pages]} from events.log lines after `since`."""
    path = os.path.join(simname.state_root(), instance, "events.log")
    calls = {}
    with open(path) as f:
        for line in f.readlines()[since:]:
            event = json.loads(line)[1:]
            if event[0] == "ec2":
                counts = calls.setdefault(event[1], [0, 0])
                counts[0 if event[2] == "first" else 1] += 1
    return calls


def event_lines(instance):
    path = os.path.join(simname.state_root(), instance, "events.log")
    return sum(1 for _ in open(path)) if os.path.exists(path) else 0


def validate(kind, path):
    if not os.path.exists(VALIDATE):
        return []
    run = subprocess.run([VALIDATE, kind, path], capture_output=True, text=True, timeout=120)
    if run.returncode == 77:
        print(f"note: {kind} validator unavailable: {run.stderr.strip()}")
        return []
    return [] if run.returncode == 0 else [f"{kind} invalid: {run.stdout}{run.stderr}"]


def check_subnets(report):
    failures = []
    by_id = {s["id"]: s for s in report["subnets"]}
    for subnet_id, (status, cause, extra) in SUBNETS.items():
        s = by_id.get(subnet_id)
        if s is None:
            failures.append(f"{subnet_id} missing")
            continue
        if s["status"] != status:
            failures.append(f"{subnet_id} status {s['status']}, want {status}")
        services = {x["name"]: x for x in s["services"]}
        if sorted(services) != sorted(SERVICES):
            failures.append(f"{subnet_id} services {sorted(services)}")
        for name, svc in services.items():
            want = cause
            if name == extra.get("depends_on_sg"):
                # Admitted by an SG reference to the app tier only: a warning naming the group.
                adm = svc.get("sg_admission") or {}
                if svc["status"] != "warning" or not adm.get("depends_on_instance_sg") or \
                        APP_SG not in adm.get("by_security_groups", []) or adm.get("by_cidr") != "blocked":
                    failures.append(f"{subnet_id} {name}: want a warning depending on {APP_SG}, got "
                                    f"{svc['status']} {adm}")
            if svc["root_cause"] != want:
                failures.append(f"{subnet_id} {name} root cause {svc['root_cause']}, want {want}")
            if want is None and svc["path"] != "private-endpoint":
                failures.append(f"{subnet_id} {name} path {svc['path']}")
            if "eni_in_az" in extra and (svc.get("endpoint") or {}).get("eni_in_az") != extra["eni_in_az"]:
                failures.append(f"{subnet_id} {name} eni_in_az {(svc.get('endpoint') or {}).get('eni_in_az')}")
        for key in ("route_association", "route_table", "host"):
            if key in extra and s.get(key) != extra[key]:
                failures.append(f"{subnet_id} {key} {s.get(key)}, want {extra[key]}")
    return failures


def check_calls(calls, scenario):
    """Each action: one first call (two for DescribeVpcAttribute, one per attribute; prefix lists none here)
    and no more further pages than its items need: a bounded number, never one per subnet."""
    failures = []
    pages_max = math.ceil(SUBNET_COUNT[scenario] / PAGE_SIZE[scenario])
    for action, (first, pages) in sorted(calls.items()):
        first_max = 2 if action == "DescribeVpcAttribute" else 1
        if first > first_max:
            failures.append(f"{action} read {first} times (want at most {first_max}: once per VPC)")
        if first + pages > first_max + pages_max - 1:
            failures.append(f"{action}: {first + pages} calls, more than its pages need ({pages_max})")
    for action in ("DescribeSubnets", "DescribeRouteTables", "DescribeNetworkAcls", "DescribeVpcEndpoints"):
        if action not in calls:
            failures.append(f"{action} never called")
    return failures


def check_other_vpc(inst, binary, tmp):
    """--vpc-id: a VPC the API does not know is reported unread (exit 3, unknown), beside the instance's own."""
    out = os.path.join(tmp, "two.json")
    run = sim("exec", inst, "--", binary, "audit", "--vpc-id", "vpc-0ffff000011112222", "--vpc-id",
              "vpc-0a1b2c3d4e5f60718", "--service", "bedrock-runtime", "--format", "json", "-o", out, check=False)
    if not os.path.exists(out):
        return [f"--vpc-id run wrote nothing (exit {run.returncode})"]
    report = json.load(open(out))
    vpcs = {v["id"]: v for v in report["vpcs"]}
    failures = []
    if run.returncode != 3 or report["status"] != "unknown":
        failures.append(f"--vpc-id with an unknown VPC: exit {run.returncode} {report['status']}, want 3 unknown")
    unknown = vpcs.get("vpc-0ffff000011112222", {})
    if not any("InvalidVpcID.NotFound" in g for g in unknown.get("gaps", [])):
        failures.append(f"unknown VPC's gaps do not say why: {unknown.get('gaps')}")
    own = [s for s in report["subnets"] if s["vpc_id"] == "vpc-0a1b2c3d4e5f60718"]
    if len(own) != 7 or vpcs.get("vpc-0a1b2c3d4e5f60718", {}).get("resolver", {}).get("source") != "measured":
        failures.append(f"--vpc-id own VPC: {len(own)} subnets")
    return failures + validate("audit-json", out)


def main():
    binary, scenario = sys.argv[1], sys.argv[2]
    if os.geteuid() != 0:
        print("SKIP: end-to-end scenarios need root for network namespaces")
        return 77
    inst = simname.instance(scenario)
    failures = []
    try:
        up = sim("up", scenario, "--as", inst, check=False)
        if up.returncode != 0:
            print(up.stdout, up.stderr)
            if "namespace" in up.stderr.lower() and "permission" in up.stderr.lower():
                print("SKIP: cannot create network namespaces here")
                return 77
            return 1
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "audit.json")
            before = event_lines(inst)
            # The check's default timeout: the audit must finish inside it with every read answered.
            run = sim("exec", inst, "--", binary, "audit", "--format", "json", "--output", out, check=False)
            calls = ec2_calls(inst, before)
            print("ec2 calls (first, further pages):", calls)
            if run.stderr:
                print("stderr:", run.stderr)
            if not os.path.exists(out):
                print("FAIL: no audit written; exit", run.returncode)
                return 1
            report = json.load(open(out))
            print(f"exit {run.returncode} status {report['status']} subnets {len(report['subnets'])} "
                  f"duration {report['duration_ms']:.0f} ms")
            if run.returncode != 2 or report["status"] != "critical" or report["exit_code"] != 2:
                failures.append(f"exit {run.returncode} status {report['status']}, want 2 critical")
            if len(report["subnets"]) != SUBNET_COUNT[scenario]:
                failures.append(f"{len(report['subnets'])} subnets, want {SUBNET_COUNT[scenario]}")
            failures += check_subnets(report)
            failures += check_calls(calls, scenario)
            if report["plane"] != "configuration" or "no packet was sent" not in report["note"]:
                failures.append("the report does not say it is a configuration-plane analysis")
            if report["vpcs"][0]["resolver"]["source"] != "measured":
                failures.append("resolver answer not measured from the host")
            if report["check"]["status"] != "ok" or report["host_subnet"] != "subnet-0aaa1111bbbb2222c":
                failures.append(f"host check {report['check']['status']} in {report['host_subnet']}, want ok in a")
            cut = [f["code"] for f in report["findings"] + report["check"]["findings"]
                   if f["code"] in ("CHECK_DEADLINE", "API_UNREACHABLE", "API_ACCESS_DENIED")]
            if cut:
                failures.append(f"reads not all answered within the default timeout: {cut}")
            failures += validate("audit-json", out)

            text = sim("exec", inst, "--", binary, "audit", "--format", "text", check=False)
            if scenario == "vpc-audit":
                print(text.stdout)
            if text.returncode != run.returncode:
                failures.append(f"text run exited {text.returncode}")
            for subnet_id, (status, cause, _) in SUBNETS.items():
                line = next((l for l in text.stdout.splitlines() if l.startswith(subnet_id)), "")
                if not line or (cause and cause not in line) or status.upper() not in line:
                    failures.append(f"text matrix row for {subnet_id}: {line!r}")
            if scenario == "vpc-audit":
                failures += check_other_vpc(inst, binary, tmp)
            for fmt in ("prometheus", "html"):
                path = os.path.join(tmp, "audit." + fmt)
                r = sim("exec", inst, "--", binary, "audit", "--format", fmt, "-o", path, check=False)
                if r.returncode != run.returncode or not os.path.exists(path):
                    failures.append(f"{fmt} run exited {r.returncode}")
                    continue
                body = open(path).read()
                if fmt == "prometheus":
                    series = [l for l in body.splitlines() if l.startswith("bedrock_reach_audit_subnet_status{")]
                    if len(series) != SUBNET_COUNT[scenario] * len(SERVICES):
                        failures.append(f"{len(series)} audit_subnet_status series")
                    failures += validate("prometheus", path)
                elif scenario == "vpc-audit":
                    for needle in ["us-east-1a", "us-east-1d", "subnet-0d4d1111aaaa0004d", "ENI bedrock-runtime 10.0.3.31"]:
                        if needle not in body:
                            failures.append(f"html lacks {needle}")
                    failures += validate("audit-html", path)
    finally:
        sim("down", inst, check=False)
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

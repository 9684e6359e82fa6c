#!/usr/bin/env python3
"""Fault matrix: every fault the simulated VPC offers (DNS, IMDS, EC2 API, TLS, firewall, proxy), one
`bedrock-reach check` each. Each must end in a report inside --timeout (the report's own duration; the
whole process gets a looser bound that still catches hangs), with the expected finding codes and exit
code, and without a sanitizer report when the binary is an ASan build.
Exit 0 pass, 1 fail, 77 skip (not root / no namespaces).

Usage: fault_matrix.py BINARY CASE      one case (ctest runs each as faults.CASE)
       fault_matrix.py BINARY --list    the case names
       fault_matrix.py BINARY --survey  run every case and print what the agent said (no assertions)
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import simname

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VPCSIM = os.path.join(ROOT, "tests", "sim", "vpcsim")
VALIDATE = os.path.join(ROOT, "scripts", "validate-output")
RUNTIME = "bedrock-runtime"
RUNTIME_NAME = "bedrock-runtime.us-east-1.amazonaws.com"

# The check itself (the report's duration_ms) must end within --timeout plus a little for assembling
# the report after the deadline. The agent's whole process (ASan start-up, output, exit; timed by
# bash inside the namespace, so vpcsim's own Python start-up under load is not counted: at load 8-10
# it once added 8 s) gets a looser bound that still catches a hang: the sim's slow faults last 10 s
# to 300 s.
REPORT_GRACE_MS = 300
PROCESS_GRACE_S = 5.0
TIMED_MARK = "fault-matrix-agent-wall"
TIMED = 'TIMEFORMAT="%s %%3R"; time "$@"' % TIMED_MARK


def dns(kind, **extra):
    return {"dns.faults": [dict(name=RUNTIME_NAME, kind=kind, server="*", **extra)]}


def tls(**fault):
    return {"tls.faults": {RUNTIME: fault}}


def ec2(**knobs):
    return {"ec2_api.%s" % k: v for k, v in knobs.items()}


# A failed or unanswered EC2 read must leave its part "not checked", never "there is none".
NO_GUESSING = ["ENDPOINT_MISSING", "DNS_NOT_ENDPOINT"]

# case -> scenario (default healthy), knobs for --set, agent --timeout, exit code, codes that must
# appear, codes that must not appear as a warning or critical, extra agent arguments. ok=True: no warning or critical finding.
CASES = {
    # DNS: the Amazon resolver (resolv.conf's 10.0.0.2 and 169.254.169.253) misbehaves for one name.
    "dns-nxdomain": dict(set=dns("nxdomain"), exit=2, must=["DNS_NXDOMAIN"]),
    "dns-servfail": dict(set=dns("servfail"), exit=2, must=["DNS_SERVFAIL"]),
    "dns-refused": dict(set=dns("refused"), exit=2, must=["DNS_SERVFAIL"]),
    "dns-silence": dict(set=dns("silence"), timeout=4, exit=2, must=["DNS_TIMEOUT"], must_not=["CHECK_DEADLINE"]),
    "dns-truncate": dict(set=dns("truncate"), exit=0, ok=True),
    "dns-delay": dict(set=dns("delay", delay_ms=400), exit=0, ok=True),
    "dns-cname-chain": dict(set=dns("cname", chain=["vpce-0abc.bedrock-runtime.us-east-1.vpce.amazonaws.com"]),
                            exit=0, ok=True),
    "dns-all-slow": dict(set={"dns.delay_ms": 300}, exit=0, ok=True),
    # IMDS: without it nothing names the Region, so those runs pass --region as a user would.
    "imds-down": dict(set={"imds.fault": "down"}, exit=0, must=["IMDS_UNAVAILABLE"], args=["--region", "us-east-1"]),
    "imds-down-no-region": dict(set={"imds.fault": "down"}, exit=3, must=["REGION_UNKNOWN"]),
    "imds-slow": dict(set={"imds.fault": "slow"}, timeout=4, exit=0, must=["IMDS_UNAVAILABLE"],
                      args=["--region", "us-east-1"]),
    "imds-always-401": dict(set={"imds.fault": "always-401"}, exit=0, must=["IMDS_UNAVAILABLE"],
                            args=["--region", "us-east-1"]),
    "imds-creds-error": dict(set={"imds.fault": "creds-error"}, exit=0, must=["NO_CREDENTIALS"]),
    "imds-disabled": dict(set={"imds.enabled": False}, exit=0, must=["IMDS_UNAVAILABLE"],
                          args=["--region", "us-east-1"]),
    "imds-slow-replies": dict(set={"imds.delay_ms": 300}, exit=0, ok=True),
    # EC2 API: discovery degrades to "could not check", never to a wrong verdict.
    "ec2-500": dict(set=ec2(fault="500"), exit=1, must=["API_UNREACHABLE"], must_not=NO_GUESSING),
    "ec2-garbage": dict(set=ec2(fault="garbage"), exit=1, must=["API_UNREACHABLE"], must_not=NO_GUESSING),
    "ec2-slow": dict(set=ec2(fault="slow", slow_ms=30000), timeout=4, exit=1, must=["API_UNREACHABLE"],
                     must_not=NO_GUESSING + ["CHECK_DEADLINE"]),
    "ec2-oversized": dict(set=ec2(fault="oversized"), exit=1, must=["API_UNREACHABLE"], must_not=NO_GUESSING),
    "ec2-throttled-always": dict(set=ec2(throttle_first=100000), timeout=6, exit=1, must=["API_UNREACHABLE"],
                                 must_not=NO_GUESSING + ["CHECK_DEADLINE"]),
    "ec2-throttled-once": dict(set=ec2(throttle_first_per_action=1), exit=0, ok=True),
    "ec2-unauthorized": dict(set=ec2(unauthorized=["DescribeVpcEndpoints"]), exit=1, must=["API_ACCESS_DENIED"],
                             must_not=NO_GUESSING),
    "ec2-paged": dict(set=ec2(page_size=1), exit=0, ok=True),
    # TLS on bedrock-runtime's listeners.
    "tls-expired": dict(set=tls(cert="expired"), exit=2, must=["TLS_CERT_EXPIRED"]),
    "tls-expiring": dict(set=tls(cert="expiring", expiring_days=5), exit=1, must=["TLS_CERT_EXPIRING"]),
    "tls-wrong-name": dict(set=tls(cert="wrong-name"), exit=2, must=["TLS_CERT_NAME_MISMATCH"]),
    "tls-self-signed": dict(set=tls(cert="self-signed"), exit=2, must=["TLS_CERT_UNTRUSTED"]),
    "tls-old-versions": dict(set=tls(versions="old"), exit=2, must=["TLS_PROTOCOL_OLD"]),
    "tls-1.2-only": dict(set=tls(versions="tls1.2"), exit=0, ok=True),
    "tls-1.3-only": dict(set=tls(versions="tls1.3"), exit=0, ok=True),
    "tls-stall": dict(set=tls(stall=True), timeout=5, exit=2, must=["TLS_HANDSHAKE_FAILED"]),
    "tls-reset": dict(set=tls(reset=True), exit=2, must=["TLS_HANDSHAKE_FAILED"]),
    "tls-slow-first-flight": dict(set=tls(first_flight_delay_ms=400), exit=0, ok=True),
    # Packets dropped inside the namespace (what an SG or NACL does on the wire).
    "firewall-inbound": dict(set={"firewall": [{"match": RUNTIME, "direction": "inbound", "port": 443}]},
                             timeout=5, exit=2, must=["TLS_CONNECT_TIMEOUT"]),
    "firewall-return": dict(set={"firewall": [{"match": RUNTIME, "direction": "return", "port": 443}]},
                            timeout=5, exit=2, must=["TLS_CONNECT_TIMEOUT"]),
    # Proxies: one that intercepts, one that is configured but not there.
    "proxy-intercepts": dict(scenario="proxy-env", exit=2, must=["PROXY_INTERCEPTS"]),
    "proxy-not-listening": dict(set={"env": {"HTTPS_PROXY": "http://10.0.3.80:3128",
                                             "NO_PROXY": "169.254.169.254"}},
                                exit=2, must=["PROXY_INTERCEPTS"]),
}

SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:", "UndefinedBehaviorSanitizer")
EXIT_STATUS = {0: "ok", 1: "warning", 2: "critical", 3: "unknown"}


def sim(*args, check=True, timeout=120):
    return subprocess.run([VPCSIM, *args], capture_output=True, text=True, timeout=timeout, check=check)


def run_case(binary, name, case):
    """Returns (report or None, exit code, the agent process' wall seconds, stderr)."""
    inst = simname.instance("fm-" + name)
    sim("down", inst, check=False)
    sets = []
    for key, value in case.get("set", {}).items():
        sets += ["--set", "%s=%s" % (key, json.dumps(value))]
    up = sim("up", case.get("scenario", "healthy"), "--as", inst, *sets, check=False)
    if up.returncode != 0:
        raise RuntimeError("vpcsim up failed: " + up.stdout + up.stderr)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "report.json")
            timeout = case.get("timeout", 8)
            env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0",
                       UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
            start = time.monotonic()
            run = subprocess.run([VPCSIM, "exec", inst, "--", "bash", "-c", TIMED, "timed", binary, "check",
                                  "--format", "json", "--output", out, "--timeout", str(timeout),
                                  *case.get("args", [])],
                                 capture_output=True, text=True, timeout=timeout + 60, env=env)
            timed = re.findall(r"^%s ([0-9.]+)$" % TIMED_MARK, run.stderr, re.M)
            wall = float(timed[-1]) if timed else time.monotonic() - start
            report = json.load(open(out)) if os.path.exists(out) else None
            if report is not None and os.path.exists(VALIDATE):
                valid = subprocess.run([VALIDATE, "json", out], capture_output=True, text=True)
                if valid.returncode != 0:
                    report["_schema_error"] = valid.stdout + valid.stderr
            return report, run.returncode, wall, run.stderr
    finally:
        sim("down", inst, check=False)


def check_case(name, case, report, code, wall, stderr):
    failures = []
    timeout = case.get("timeout", 8)
    if wall > timeout + PROCESS_GRACE_S:
        failures.append("the process took %.2f s, beyond --timeout %d s + %.1f s" % (wall, timeout, PROCESS_GRACE_S))
    for mark in SANITIZER_MARKS:
        if mark in stderr:
            failures.append("sanitizer: " + mark)
    if report is None:
        return failures + ["no report written (exit %d)" % code]
    codes = [f["code"] for f in report["findings"]]
    if report["duration_ms"] > timeout * 1000 + REPORT_GRACE_MS:
        failures.append("the check took %.0f ms, beyond --timeout %d s" % (report["duration_ms"], timeout))
    if code != case["exit"]:
        failures.append("exit %d, want %d" % (code, case["exit"]))
    if EXIT_STATUS.get(code) != report["status"]:
        failures.append("status %s disagrees with exit %d" % (report["status"], code))
    for want in case.get("must", []):
        if want not in codes:
            failures.append("missing " + want)
    # must_not: not as a problem; an informational "could not verify" is what we want then.
    problems = [f["code"] for f in report["findings"] if f["severity"] in ("warning", "critical")]
    for unwanted in case.get("must_not", []):
        if unwanted in problems:
            failures.append("unexpected problem " + unwanted)
    if case.get("ok"):
        bad = [f["code"] for f in report["findings"] if f["severity"] in ("warning", "critical")]
        if bad:
            failures.append("unexpected problems %s" % bad)
    if "CHECK_DEADLINE" in codes and case.get("timeout", 8) >= 8:
        failures.append("CHECK_DEADLINE with the default timeout: a step did not bound itself")
    if "_schema_error" in report:
        failures.append("JSON schema: " + report["_schema_error"])
    return failures


def summary(report):
    if report is None:
        return "no report"
    return " ".join("%s(%s)" % (f["code"], f["severity"][0]) for f in report["findings"])


def main():
    binary, what = sys.argv[1], sys.argv[2]
    if what == "--list":
        print("\n".join(CASES))
        return 0
    if os.geteuid() != 0:
        print("SKIP: the fault matrix needs root for network namespaces")
        return 77
    names = list(CASES) if what == "--survey" else [what]
    failed = False
    for name in names:
        case = CASES[name]
        for attempt in (1, 2):
            report, code, wall, stderr = run_case(binary, name, case)
            # The check's own duration against its budget: the margin REPORT_GRACE_MS is judged on.
            budget = "" if report is None else "  check %.0f of %d ms" % (
                report["duration_ms"], case.get("timeout", 8) * 1000)
            print("%-22s exit %d  %.2f s%s  %s" % (name, code, wall, budget, summary(report)))
            shown = re.sub(r"^%s .*$" % TIMED_MARK, "", stderr, flags=re.M).strip()
            if shown:
                print("  stderr:", shown[:2000])
            if what == "--survey":
                break
            failures = check_case(name, case, report, code, wall, stderr)
            # The agent itself says a timeout of its was this machine's doing (HOST_CPU_STARVED: its
            # thread waited for a CPU), so this run cannot judge the case's verdict: run it once more.
            # Sanitizers, the deadline and the hang bound are judged on every run.
            starved = report is not None and "HOST_CPU_STARVED" in [f["code"] for f in report["findings"]]
            if starved and attempt == 1 and "HOST_CPU_STARVED" not in case.get("must", []):
                for failure in failures:
                    if failure.startswith(("sanitizer:", "the process took", "the check took")):
                        print("FAIL:", failure)
                        failed = True
                print("  the agent reported HOST_CPU_STARVED: this machine was too busy for the run to "
                      "judge the case; running it again")
                continue
            for failure in failures:
                print("FAIL:", failure)
                failed = True
            break
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""End-to-end: run `bedrock-reach check` inside one simulated-VPC scenario and hold the report to
what the scenario is known to contain. Exit 0 pass, 1 fail, 77 skip (not root / no namespaces).

Usage: scenario_check.py BINARY SCENARIO
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import simname

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VPCSIM = os.path.join(ROOT, "tests", "sim", "vpcsim")
VALIDATE = os.path.join(ROOT, "scripts", "validate-output")

# scenario -> exit code, codes that must appear, codes that must not, allowed first (root) codes,
# extra flags. "no_problems" means no warning or critical finding at all.
EXPECT = {
    "healthy": dict(exit=0, no_problems=True, all_private=True),
    "dual-stack": dict(exit=0, no_problems=True, all_private=True, want_v6=True),
    "throttled-api": dict(exit=0, no_problems=True, all_private=True),
    "private-dns-off": dict(exit=2, must=["ENDPOINT_PRIVATE_DNS_DISABLED", "DNS_PUBLIC_ANSWER", "TLS_CONNECT_TIMEOUT"],
                            first=["ENDPOINT_PRIVATE_DNS_DISABLED", "VPC_DNS_ATTRIBUTES"]),
    "endpoint-missing": dict(exit=2, must=["ENDPOINT_MISSING"], first=["ENDPOINT_MISSING"]),
    "az-gap": dict(exit=1, must=["ENDPOINT_AZ_MISSING"], first=["ENDPOINT_AZ_MISSING"]),
    "sg-blocks-443": dict(exit=2, must=["SG_INGRESS_BLOCKS", "TLS_CONNECT_TIMEOUT"],
                          first=["SG_INGRESS_BLOCKS"], caused=("TLS_CONNECT_TIMEOUT", "SG_INGRESS_BLOCKS")),
    "nacl-blocks-return": dict(exit=2, must=["NACL_BLOCKS_RETURN"], first=["NACL_BLOCKS_RETURN"]),
    "endpoint-pending": dict(exit=2, must=["ENDPOINT_NOT_AVAILABLE"], first=["ENDPOINT_NOT_AVAILABLE"]),
    "policy-denies-invoke": dict(exit=2, must=["POLICY_DENIES", "SIGNED_CALL_DENIED_POLICY"],
                                 first=["POLICY_DENIES"],
                                 caused=("SIGNED_CALL_DENIED_POLICY", "POLICY_DENIES")),
    "custom-dns-not-forwarding": dict(exit=2, must=["DNS_RESOLVER_MISMATCH", "DHCP_CUSTOM_DNS"]),
    "proxy-env": dict(exit=2, must=["PROXY_INTERCEPTS"], first=["PROXY_INTERCEPTS"]),
    "hosts-override": dict(exit=2, must=["DNS_HOSTS_OVERRIDE"], first=["DNS_HOSTS_OVERRIDE"]),
    "no-iam-role": dict(exit=0, must=["NO_CREDENTIALS"], evidence="imds"),
    # With IMDS off nothing tells the Region: a user passes it, as the SDKs require.
    "imds-disabled": dict(exit=0, must=["IMDS_UNAVAILABLE", "NO_CREDENTIALS"], evidence="none",
                          args=["--region", "us-east-1"]),
    "tls-expired": dict(exit=2, must=["TLS_CERT_EXPIRED"], first=["TLS_CERT_EXPIRED"]),
    "tls-wrong-name": dict(exit=2, must=["TLS_CERT_NAME_MISMATCH"], first=["TLS_CERT_NAME_MISMATCH"]),
    # Issue 16: where applications run. `principal`: the report's principal source (botocore's method names) and
    # a piece of its ARN; `sim_events`: events.log entries the check must have caused; `root_only`: every other
    # warning/critical finding is explained by that code; `first_service`: the first finding's service.
    "container-hop-limit": dict(exit=1, must=["IMDS_HOP_LIMIT"], must_not=["IMDS_UNAVAILABLE"],
                                first=["IMDS_HOP_LIMIT"], args=["--region", "us-east-1"], runtime="docker",
                                data_path=True),
    "ecs-task-role": dict(exit=0, no_problems=True, runtime="ecs",
                          principal=("container-role", ":role/ecs/tasks/bedrock-task-role"),
                          sim_events=[["creds", "ecs", "issued"]]),
    "eks-pod-identity": dict(exit=0, no_problems=True, runtime="kubernetes",
                             principal=("container-role", "bedrock-pod-role"),
                             sim_events=[["creds", "pod-identity", "issued"]]),
    "irsa": dict(exit=0, no_problems=True, runtime="kubernetes",
                 principal=("assume-role-with-web-identity", ":role/eks/irsa/bedrock-irsa-role"),
                 sim_events=[["sts", "AssumeRoleWithWebIdentity", "ok"]]),
    "profile-assume-role": dict(exit=0, no_problems=True, principal=("assume-role", ":role/app/bedrock-app-role"),
                                sim_events=[["sts", "AssumeRole", "ok"]]),
    "sso-profile": dict(exit=0, no_problems=True, principal=("sso", "AWSReservedSSO_BedrockUser_0a1b2c3d4e5f6a7b"),
                        sim_events=[["sso", "issued"]]),
    "credential-process": dict(exit=0, no_problems=True, principal=("custom-process", "bedrock-vault-role")),
    "sts-unreachable": dict(exit=2, first_service="sts", runtime="kubernetes"),
    "clock-skew": dict(exit=2, must=["CLOCK_SKEW"], first=["CLOCK_SKEW"], root_only="CLOCK_SKEW"),
    # Issue 15 (real estates). A key "SCENARIO@variant" runs SCENARIO with the variant's args.
    # max_exit: the highest exit allowed; must_not: codes that must not appear; paths: service -> path ("*" = all);
    # hostnames: service -> the hostname the report must have checked; within: seconds the run may take.
    "shared-vpc": dict(max_exit=1, must_not=["ENDPOINT_MISSING", "DNS_NOT_ENDPOINT"],
                       paths={"*": "private-endpoint"}),
    "no-ec2-endpoint": dict(exit=1, must=["API_UNREACHABLE"], must_not=["ENDPOINT_MISSING", "DNS_NOT_ENDPOINT"],
                            paths={"*": "private-endpoint"}, within=6.0),
    "scoped-policy": dict(max_exit=1, must=["POLICY_SCOPED"],
                          must_not=["POLICY_DENIES", "SIGNED_CALL_DENIED_POLICY"]),
    # A model ID with ':' is sent (%3A) and signed by the agent itself; the simulator verifies the signature
    # (simlib/sigv4.py) and logs the authorized call, refused before any model runs (ValidationException).
    "scoped-policy@in-scope": dict(exit=0, args=["--model", "anthropic.claude-3-haiku-20240307-v1:0"],
                                   must_not=["POLICY_SCOPED", "POLICY_DENIES", "SIGNED_CALL_DENIED_POLICY"],
                                   sim_events=[["bedrock", "bedrock-runtime", "signature-ok", "bedrock:InvokeModel",
                                                "arn:aws:bedrock:us-east-1::foundation-model/"
                                                "anthropic.claude-3-haiku-20240307-v1:0", "ValidationException"]]),
    "scoped-policy@profile-arn": dict(
        exit=0, args=["--model", "arn:aws:bedrock:us-east-1:123456789012:inference-profile/"
                                 "us.anthropic.claude-3-5-sonnet-20240620-v1:0"],
        must_not=["POLICY_SCOPED", "POLICY_DENIES", "SIGNED_CALL_DENIED_POLICY"],
        sim_events=[["bedrock", "bedrock-runtime", "signature-ok", "bedrock:InvokeModel",
                     "arn:aws:bedrock:us-east-1:123456789012:inference-profile/"
                     "us.anthropic.claude-3-5-sonnet-20240620-v1:0", "ValidationException"]]),
    "scoped-policy@out-of-scope": dict(exit=2, args=["--model", "meta.llama3-8b-instruct-v1:0"],
                                       must=["POLICY_DENIES"],
                                       sim_events=[["bedrock", "bedrock-runtime", "signature-ok",
                                                    "bedrock:InvokeModel",
                                                    "arn:aws:bedrock:us-east-1::foundation-model/"
                                                    "meta.llama3-8b-instruct-v1:0", "denied"]]),
    "fips": dict(exit=0, args=["--fips"], no_problems=True, paths={"*": "private-endpoint"},
                 hostnames={"bedrock": "bedrock-fips.us-east-1.amazonaws.com",
                            "bedrock-runtime": "bedrock-runtime-fips.us-east-1.amazonaws.com"}),
    "pathed-role": dict(max_exit=1, must_not=["POLICY_DENIES", "SIGNED_CALL_DENIED_POLICY"]),
    "inspection-route": dict(exit=2, must=["ROUTE_VIA_APPLIANCE"], paths={"bedrock-runtime": "inspection"}),
    "prefix-lists": dict(exit=0, no_problems=True, all_private=True, must_not=["SG_INGRESS_BLOCKS"],
                         sim_events=[["ec2", "DescribeManagedPrefixLists", "first"]]),
    # Without ec2:DescribeManagedPrefixLists the lists are unnamed but their entries still decide; the
    # could-not-check finding names the missing action.
    "prefix-lists-unnamed": dict(exit=1, all_private=True, must=["API_ACCESS_DENIED"],
                                 must_not=["SG_INGRESS_BLOCKS", "SG_EGRESS_BLOCKS"],
                                 message_has={"API_ACCESS_DENIED": "ec2:DescribeManagedPrefixLists"}),
    "app-endpoint-url": dict(exit=0, paths={"bedrock-runtime": "private-endpoint"},
                             hostnames={"bedrock-runtime": "vpce-0b1a2c3d4e5f60002-k4l5m6n7.bedrock-runtime."
                                                           "us-east-1.vpce.amazonaws.com"},
                             host_sources={"bedrock-runtime": "AWS_ENDPOINT_URL_BEDROCK_RUNTIME"}),
    # The same host from the shared config file's services section, and from --endpoint-url (which wins).
    "app-endpoint-config": dict(exit=0, paths={"bedrock-runtime": "private-endpoint"},
                                hostnames={"bedrock-runtime": "vpce-0b1a2c3d4e5f60002-k4l5m6n7.bedrock-runtime."
                                                              "us-east-1.vpce.amazonaws.com"},
                                host_sources={"bedrock-runtime":
                                              "config [services bedrock-app] bedrock_runtime.endpoint_url"}),
    # The profile names a services section the file lacks: botocore refuses to create the client. The network is
    # healthy, so the verdict is that finding alone, at warning (the application's SDK is not known).
    "app-config-missing-services": dict(exit=1, must=["SDK_CONFIG_INVALID"],
                                        paths={s: "private-endpoint" for s in ("bedrock", "bedrock-runtime")},
                                        evidence_has={"SDK_CONFIG_INVALID": "[services bedrock-app]"}),
    # AWS_USE_DUALSTACK_ENDPOINT: the api.aws names are what is checked; they answer public addresses here, and
    # the findings say that AWS does not document whether private DNS covers them.
    "dual-stack-names": dict(exit=2, must=["DNS_PUBLIC_ANSWER"],
                             hostnames={"bedrock-runtime": "bedrock-runtime.us-east-1.api.aws"},
                             host_sources={"bedrock-runtime": "dualstack (AWS_USE_DUALSTACK_ENDPOINT)"},
                             evidence_has={"DNS_PUBLIC_ANSWER": "AWS documentation does not state whether"}),
    "private-dns-off@endpoint-url-flag": dict(
        exit=0, paths={"bedrock-runtime": "private-endpoint"},
        args=["--service", "bedrock-runtime", "--endpoint-url",
              "bedrock-runtime=https://vpce-0b1a2c3d4e5f60002-k4l5m6n7.bedrock-runtime.us-east-1.vpce.amazonaws.com"],
        hostnames={"bedrock-runtime": "vpce-0b1a2c3d4e5f60002-k4l5m6n7.bedrock-runtime.us-east-1.vpce.amazonaws.com"},
        host_sources={"bedrock-runtime": "--endpoint-url"}),
    # Hub VPC endpoint over a transit gateway: a supported design the spoke's API cannot see. Not DNS_NOT_ENDPOINT
    # (no evidence against it) nor ENDPOINT_MISSING (no local endpoint is needed); a warning that says so.
    "hub-endpoint": dict(exit=1, must=["DNS_OUTSIDE_VPC", "ROUTE_VIA_TGW"],
                         must_not=["ENDPOINT_MISSING", "DNS_NOT_ENDPOINT", "TLS_CONNECT_TIMEOUT"],
                         paths={"bedrock-runtime": "transit-gateway"}),
}
EXIT_STATUS = {0: "ok", 1: "warning", 2: "critical", 3: "unknown"}


def sim(*args, check=True):
    return subprocess.run([VPCSIM, *args], capture_output=True, text=True, timeout=120, check=check)


def main():
    binary, key = sys.argv[1], sys.argv[2]
    if os.geteuid() != 0:
        print("SKIP: end-to-end scenarios need root for network namespaces")
        return 77
    expect = EXPECT[key]
    scenario = key.split("@")[0]
    failures = []
    # simname's prefix (BRSIM_PREFIX / the e2e environment) keeps manual runs apart from ctest's;
    # a "SCENARIO@variant" key gets its own instance.
    inst = simname.instance(key.replace("@", "-"))
    try:
        up = sim("up", scenario, "--as", inst, check=False)
        if up.returncode != 0:
            print(up.stdout, up.stderr)
            if "namespace" in up.stderr.lower() and "permission" in up.stderr.lower():
                print("SKIP: cannot create network namespaces here")
                return 77
            return 1
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "report.json")
            args = expect.get("args", [])
            started = time.monotonic()
            run = sim("exec", inst, "--", binary, "check", "--format", "json", "--output", out,
                      "--timeout", "8", *args, check=False)
            took = time.monotonic() - started
            text = sim("exec", inst, "--", binary, "check", "--format", "text", "--no-color",
                       "--timeout", "8", *args, check=False)
            print(text.stdout)
            if run.stderr:
                print("stderr:", run.stderr)
            if not os.path.exists(out):
                print("FAIL: no report written; exit", run.returncode)
                return 1
            report = json.load(open(out))
            codes = [f["code"] for f in report["findings"]]
            print("exit", run.returncode, "status", report["status"], "codes", codes)
            if "exit" in expect and run.returncode != expect["exit"]:
                failures.append(f"exit {run.returncode}, want {expect['exit']}")
            if "max_exit" in expect and not 0 <= run.returncode <= expect["max_exit"]:
                failures.append(f"exit {run.returncode}, want at most {expect['max_exit']}")
            for code in expect.get("must_not", []):
                if code in codes:
                    failures.append(f"unexpected {code}")
            for service in report["services"]:
                want = expect.get("paths", {}).get(service["name"], expect.get("paths", {}).get("*"))
                if want and service["path"] != want:
                    failures.append(f"{service['name']} path {service['path']}, want {want}")
            names = {s["name"]: s["hostname"] for s in report["services"]}
            for service, host in expect.get("hostnames", {}).items():
                if host not in names.values():
                    failures.append(f"{host} not checked (services: {names})")
            for service in report["services"]:
                want = expect.get("host_sources", {}).get(service["name"])
                if want and service.get("hostname_source") != want:
                    failures.append(f"{service['name']} hostname_source {service.get('hostname_source')}, want {want}")
            # The report's own duration (the process around it also pays for namespace entry).
            if "within" in expect and report["duration_ms"] / 1000.0 > expect["within"]:
                failures.append(f"took {report['duration_ms']} ms, want under {expect['within']} s "
                                f"(wall {took:.1f} s)")
            if EXIT_STATUS.get(run.returncode) != report["status"]:
                failures.append(f"status {report['status']} disagrees with exit {run.returncode}")
            if text.returncode != run.returncode:
                failures.append(f"text run exited {text.returncode}, json run {run.returncode}")
            for code in expect.get("must", []):
                if code not in codes:
                    failures.append(f"missing {code}")
            if expect.get("no_problems"):
                bad = [f["code"] for f in report["findings"] if f["severity"] in ("warning", "critical")]
                if bad:
                    failures.append(f"unexpected problems {bad}")
            if expect.get("first") and (not codes or codes[0] not in expect["first"]):
                failures.append(f"first finding {codes[:1]}, want one of {expect['first']}")
            if "caused" in expect:
                effect, cause = expect["caused"]
                if not any(f["code"] == effect and cause in f.get("caused_by", []) for f in report["findings"]):
                    failures.append(f"{effect} not linked to cause {cause}")
            if "evidence" in expect and report["evidence"] != expect["evidence"]:
                failures.append(f"evidence {report['evidence']}, want {expect['evidence']}")
            if expect.get("all_private"):
                if report["evidence"] != "api":
                    failures.append(f"evidence {report['evidence']}, want api")
                for service in report["services"]:
                    if service["path"] != "private-endpoint":
                        failures.append(f"{service['name']} path {service['path']}")
                    for address in service["addresses"]:
                        if address["class"] != "endpoint-eni":
                            failures.append(f"{service['name']} {address['ip']} class {address['class']}")
                        if not (address.get("tls") or {}).get("ok"):
                            failures.append(f"{service['name']} {address['ip']} TLS not ok")
            for code, piece in expect.get("evidence_has", {}).items():
                if not any(f["code"] == code and any(piece in e for e in f["evidence"]) for f in report["findings"]):
                    failures.append(f"no {code} whose evidence has {piece!r}")
            for code, piece in expect.get("message_has", {}).items():
                if not any(f["code"] == code and piece in f["message"] for f in report["findings"]):
                    failures.append(f"no {code} whose message has {piece!r}")
            if expect.get("want_v6"):
                if not any(a["family"] == "ipv6" for s in report["services"] for a in s["addresses"]):
                    failures.append("no IPv6 address in a dual-stack VPC")
            if first_line_problem(text.stdout, codes):
                failures.append(first_line_problem(text.stdout, codes))
            failures += app_checks(expect, report, inst)
            if os.path.exists(VALIDATE):
                valid = subprocess.run([VALIDATE, "json", out], capture_output=True, text=True)
                if valid.returncode != 0:
                    failures.append("JSON schema: " + valid.stdout + valid.stderr)
    finally:
        sim("down", inst, check=False)
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


def app_checks(expect, report, instance):
    """Issue 16 expectations (runtime, principal, simulator events, root cause)."""
    out = []
    codes = [f["code"] for f in report["findings"]]
    if "runtime" in expect and report.get("runtime") != expect["runtime"]:
        out.append(f"runtime {report.get('runtime')}, want {expect['runtime']}")
    if "principal" in expect:
        source, arn = expect["principal"]
        got = report.get("principal") or {}
        if got.get("source") != source or arn not in (got.get("arn") or ""):
            out.append(f"principal {got}, want source {source} and an ARN with {arn}")
    if expect.get("sim_events"):
        path = os.path.join(os.environ.get("BRSIM_STATE", "/run/brsim"), instance, "events.log")
        seen = [json.loads(line)[1:] for line in open(path)] if os.path.exists(path) else []
        for want in expect["sim_events"]:
            if not any(e[:len(want)] == want for e in seen):
                out.append(f"simulator logged no {want}")
    if expect.get("first_service"):
        first = report["findings"][0] if report["findings"] else {}
        if first.get("service") != expect["first_service"]:
            out.append(f"first finding {first.get('code')} on {first.get('service')}, want the root cause on "
                       f"{expect['first_service']}")
    if expect.get("root_only"):
        root = expect["root_only"]
        for f in report["findings"]:
            if f["code"] != root and f["severity"] in ("warning", "critical") and root not in f.get("caused_by", []):
                out.append(f"{f['code']} ({f['service']}) is not explained by {root}")
    if expect.get("data_path"):
        for service in report["services"]:
            if not any((a.get("tls") or {}).get("ok") for a in service["addresses"]):
                out.append(f"{service['name']}: data path not judged (no address with TLS ok)")
    return out


def first_line_problem(text, codes):
    """The text report must name the root cause in its first finding line."""
    if not codes:
        return None
    lines = text.splitlines()
    # Findings follow the table; the table's TLS column may name codes too.
    start = next((i for i, line in enumerate(lines) if line.startswith("Findings")), None)
    if start is None:
        return "text report has no Findings section"
    for line in lines[start + 1:]:
        for code in codes:
            if code in line:
                return None if code == codes[0] else f"text's first finding line names {code}, not {codes[0]}"
    return f"text report names no finding code (want {codes[0]})"


if __name__ == "__main__":
    sys.exit(main())

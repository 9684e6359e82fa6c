#!/usr/bin/env python3
"""CLI behaviour that needs no simulated VPC: bad input exits 3 with one clear line, and a check
off EC2 (an empty network namespace: no IMDS, no resolver, no route) still produces a valid
report quickly. Never touches the host's network: every check runs under `unshare --net`.
Exit 0 pass, 1 fail, 77 skip (not root).

Usage: cli_check.py BINARY
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VALIDATE = os.path.join(ROOT, "scripts", "validate-output")


def isolated(binary, *args, env=None, timeout=30):
    """The binary inside a fresh, empty network namespace (only a down loopback)."""
    full_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/nonexistent"}
    full_env.update(env or {})
    return subprocess.run(["unshare", "--net", binary, *args], capture_output=True, text=True,
                          timeout=timeout, env=full_env)


def main():
    binary = sys.argv[1]
    if os.geteuid() != 0:
        print("SKIP: needs root for an empty network namespace (unshare --net)")
        return 77
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        bad_value = os.path.join(tmp, "bad-value.toml")
        with open(bad_value, "w") as f:
            f.write("[check]\ntimeout_ms = -5\n")
        bad_type = os.path.join(tmp, "bad-type.toml")
        with open(bad_type, "w") as f:
            f.write("[check]\nfips = \"yes\"\n")
        unknown_key = os.path.join(tmp, "unknown.toml")
        with open(unknown_key, "w") as f:
            f.write("[check]\nregoin = \"us-east-1\"\n")
        good = os.path.join(tmp, "good.toml")
        with open(good, "w") as f:
            f.write("[check]\nregion = \"eu-central-1\"\ntimeout_ms = 3000\n")

        # (arguments, environment, text the one stderr line must contain)
        cases = [
            (["check", "--region", "mars-north-7"], {}, "mars-north-7"),
            (["check"], {"AWS_REGION": "not a region"}, "AWS_REGION"),
            (["check", "--region", "us-east-1", "--service", "bad name!"], {}, "bad name!"),
            (["check", "--region", "us-east-1", "--timeout", "0"], {}, "--timeout"),
            (["check", "--region", "us-east-1", "--timeout", "nan"], {}, "--timeout"),
            (["check", "--region", "us-east-1", "--max-concurrency", "0"], {}, "--max-concurrency"),
            (["check", "--region", "us-east-1", "--format", "xml"], {}, "format"),
            (["--config", bad_value, "check"], {}, "timeout_ms"),
            (["config", "validate", "--config", bad_type], {}, "fips"),
            (["config", "validate", "--config", unknown_key], {}, "regoin"),
            (["config", "validate", "--config", os.path.join(tmp, "missing.toml")], {}, "missing.toml"),
            (["check", "--region", "us-east-1", "--timeout", "2", "--output", "/proc/nope/report.txt"], {},
             "/proc/nope/report.txt"),
        ]
        for args, env, needle in cases:
            result = isolated(binary, *args, env=env)
            lines = [line for line in result.stderr.splitlines() if line.strip()]
            label = " ".join(args)
            if result.returncode != 3:
                failures.append(f"{label}: exit {result.returncode}, want 3 ({result.stderr.strip()[:200]})")
            elif len(lines) != 1 or needle not in lines[0]:
                failures.append(f"{label}: want one stderr line naming {needle!r}, got {lines!r}")
            elif "terminate called" in result.stderr or "Traceback" in result.stderr:
                failures.append(f"{label}: crashed: {result.stderr[:200]}")

        result = isolated(binary, "config", "validate", "--config", good)
        if result.returncode != 0:
            failures.append(f"config validate good file: exit {result.returncode} {result.stderr}")

        # Off EC2: IMDS unavailable within about a second, DNS fails, the report still validates.
        out = os.path.join(tmp, "offline.json")
        started = time.monotonic()
        result = isolated(binary, "check", "--region", "us-east-1", "--format", "json", "--output", out,
                          "--timeout", "4")
        elapsed = time.monotonic() - started
        print(f"offline check: exit {result.returncode} in {elapsed:.2f} s")
        if not os.path.exists(out):
            failures.append(f"offline check wrote no report: {result.stderr}")
        else:
            report = json.load(open(out))
            codes = [f["code"] for f in report["findings"]]
            status = {0: "ok", 1: "warning", 2: "critical", 3: "unknown"}.get(result.returncode)
            if report["status"] != status:
                failures.append(f"offline: status {report['status']} vs exit {result.returncode}")
            if "IMDS_UNAVAILABLE" not in codes:
                failures.append(f"offline: no IMDS_UNAVAILABLE in {codes}")
            if report["evidence"] != "none":
                failures.append(f"offline: evidence {report['evidence']}")
            if os.path.exists(VALIDATE):
                valid = subprocess.run([VALIDATE, "json", out], capture_output=True, text=True)
                if valid.returncode != 0:
                    failures.append("offline JSON fails the schema: " + valid.stdout + valid.stderr)

        # The agent refuses a listen address that is already taken, with one line and exit 3.
        holder = socket.socket()
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = subprocess.run(["unshare", "--net", "sh", "-c",
                                 f"ip link set lo up; python3 -c \"import socket,subprocess,sys;"
                                 f"s=socket.socket();s.bind(('127.0.0.1',{port}));s.listen();"
                                 f"r=subprocess.run(['{binary}','agent','--region','us-east-1','--listen','127.0.0.1:{port}'],"
                                 f"capture_output=True,text=True,timeout=20);"
                                 f"print(r.returncode);print(r.stderr,file=sys.stderr)\""],
                                capture_output=True, text=True, timeout=30)
        holder.close()
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        if result.stdout.strip() != "3" or len(lines) != 1 or str(port) not in lines[0]:
            failures.append(f"agent with a taken port: exit {result.stdout.strip()}, stderr {lines!r}")

    for failure in failures:
        print("FAIL:", failure)
    print(f"{len(cases) + 3} CLI cases, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

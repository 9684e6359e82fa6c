#!/usr/bin/env python3
"""Soak: `bedrock-reach agent` at a 100 ms interval in the simulated VPC while faults switch on and off
(nftables inside the namespace: DNS refused or silent, TLS reset or dropped, IMDS refused, EC2 API refused).
Resident memory and open descriptors are sampled once the agent is warm and again at the end; the agent
then gets SIGTERM and must exit 0. Under ASan LeakSanitizer runs then and must stay quiet, and RSS is only
reported (ASan's allocator caches make it no leak signal); other builds must keep RSS within a margin.
Exit 0 pass, 1 fail, 77 skip (not root).

Usage: soak.py BINARY [--checks N] [--toggle-seconds S] [--rss-margin-mib M] [--json FILE]
CI runs a short soak (ctest soak.short, ASan build); scripts/soak runs the full 10,000 checks.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VPCSIM = os.path.join(ROOT, "tests", "sim", "vpcsim")
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")

# name -> nft rules (output hook inside the namespace). The agent uses 10.0.0.2 and 169.254.169.253 for
# DNS, 169.254.169.254:80 for IMDS, 10.0.0.10:443 for the EC2 API and the ENIs' :443 for Bedrock.
FAULTS = [
    ("none", []),
    ("dns-refused", ["udp dport 53 reject", "tcp dport 53 reject with tcp reset"]),
    ("tls-reset", ["ip daddr != 10.0.0.10 tcp dport 443 reject with tcp reset"]),
    ("none", []),
    ("imds-refused", ["ip daddr 169.254.169.254 tcp dport 80 reject with tcp reset"]),
    ("ec2-api-refused", ["ip daddr 10.0.0.10 tcp dport 443 reject with tcp reset"]),
    ("none", []),
    ("dns-silent", ["udp dport 53 drop", "tcp dport 53 drop"]),
    ("tls-dropped", ["ip daddr != 10.0.0.10 tcp dport 443 drop"]),
]


def sim(*args, check=True):
    return subprocess.run([VPCSIM, *args], capture_output=True, text=True, timeout=120, check=check)


class Namespace:
    def __init__(self, name):
        self.netns = "brsim-" + name

    def run(self, *cmd, check=False, timeout=30):
        return subprocess.run(["ip", "netns", "exec", self.netns, *cmd], capture_output=True, text=True,
                              timeout=timeout, check=check)

    def set_fault(self, rules):
        self.run("nft", "delete", "table", "inet", "brsoak")
        if not rules:
            return
        script = "table inet brsoak {\n chain out {\n  type filter hook output priority 0;\n"
        script += "".join("  %s\n" % r for r in rules) + " }\n}\n"
        result = subprocess.run(["ip", "netns", "exec", self.netns, "nft", "-f", "-"], input=script,
                                capture_output=True, text=True, timeout=30)
        if result.returncode != 0:
            raise RuntimeError("nft: " + result.stderr)


def checks_done(ns, port):
    out = ns.run("curl", "-s", "--max-time", "2", "http://127.0.0.1:%d/metrics" % port).stdout
    for line in out.splitlines():
        if line.startswith("bedrock_reach_agent_checks_total "):
            return int(float(line.split()[1]))
    return None


def sample_once(pid):
    rss_kib = 0
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss_kib = int(line.split()[1])
    return rss_kib / 1024.0, len(os.listdir("/proc/%d/fd" % pid))


def sample(pid, count=20, every=0.05):
    """The agent is mid-check most of the time at a 100 ms interval: the smallest of several readings
    is its baseline between checks, for memory and descriptors alike."""
    readings = []
    for _ in range(count):
        readings.append(sample_once(pid))
        time.sleep(every)
    return {"rss_mib": round(min(r[0] for r in readings), 2), "rss_max_mib": round(max(r[0] for r in readings), 2),
            "fds": min(r[1] for r in readings)}


def is_asan_build(binary):
    """ASan's allocator keeps freed memory in per-size-class caches and its quarantine, so RSS says little
    about leaks there: LeakSanitizer at exit is the judge; RSS is reported, not judged."""
    with open(binary, "rb") as f:
        return b"__asan_init" in f.read()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("binary")
    p.add_argument("--checks", type=int, default=200)
    p.add_argument("--warmup", type=int, default=0, help="checks before the first sample (default: checks/10)")
    p.add_argument("--toggle-seconds", type=float, default=2.0)
    p.add_argument("--rss-margin-mib", type=float, default=2.0)
    p.add_argument("--fd-margin", type=int, default=2)
    p.add_argument("--name", default="soak")
    p.add_argument("--json")
    a = p.parse_args()
    if os.geteuid() != 0:
        print("SKIP: the soak needs root for network namespaces")
        return 77
    warmup = a.warmup or max(20, a.checks // 10)
    ns = Namespace(a.name)
    port = 9751
    failures = []
    agent = None
    tmp = tempfile.mkdtemp(prefix="br-soak-")
    result = {"checks_wanted": a.checks}
    sim("down", a.name, check=False)
    try:
        sim("up", "healthy", "--as", a.name)
        config = os.path.join(tmp, "config.toml")
        with open(config, "w") as f:
            # A short check timeout keeps checks under a silent fault near the interval.
            f.write('[check]\nregion = "us-east-1"\ntimeout_ms = 1500\n[agent]\ninterval_ms = 100\n')
        env = dict(os.environ)
        env.update({
            "AWS_CA_BUNDLE": "/run/brsim/%s/pki/ca.pem" % a.name,
            "AWS_ENDPOINT_URL_EC2": "https://ec2.us-east-1.amazonaws.com",
            "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            # Small quarantine: ASan's default 256 MiB would read as growth.
            "ASAN_OPTIONS": "detect_leaks=1:quarantine_size_mb=8:halt_on_error=1",
        })
        for key in list(env):
            if key.startswith("AWS_ACCESS") or key.startswith("AWS_SECRET") or key == "AWS_SESSION_TOKEN":
                del env[key]
        log_path = os.path.join(tmp, "agent.log")
        log = open(log_path, "w")
        agent = subprocess.Popen(["ip", "netns", "exec", ns.netns, a.binary, "--config", config, "agent",
                                  "--listen", "127.0.0.1:%d" % port], env=env, stdout=log, stderr=subprocess.STDOUT)
        start = time.monotonic()
        fault_index, next_toggle = 0, time.monotonic() + a.toggle_seconds
        first = None
        toggles = 0
        done = 0
        while done < a.checks:
            if agent.poll() is not None:
                failures.append("agent exited early with %s" % agent.returncode)
                break
            if time.monotonic() > start + 60 + a.checks * 2.0:
                failures.append("only %d of %d checks in time" % (done, a.checks))
                break
            if time.monotonic() >= next_toggle:
                fault_index = (fault_index + 1) % len(FAULTS)
                ns.set_fault(FAULTS[fault_index][1])
                toggles += 1
                next_toggle = time.monotonic() + a.toggle_seconds
            done = checks_done(ns, port) or 0
            if first is None and done >= warmup and toggles >= len(FAULTS):
                # Warm = every fault's code has run once (its pages are resident); sample in a healthy
                # phase, as the end sample is.
                ns.set_fault([])
                time.sleep(2.0)  # past any check started under a fault (1.5 s check timeout)
                first = dict(sample(agent.pid, count=40), checks=checks_done(ns, port))
                print("warm sample:", first, flush=True)
            time.sleep(0.25)
        ns.set_fault([])
        # Let a check that started under the last fault finish and two clean ones run, so no fault's
        # in-flight state is counted; then sample over 2 s to catch the gaps between checks.
        settle_from = checks_done(ns, port) or 0
        settle_until = time.monotonic() + 10
        while (checks_done(ns, port) or 0) < settle_from + 3 and time.monotonic() < settle_until:
            time.sleep(0.1)
        if agent.poll() is None:
            last = dict(sample(agent.pid, count=40), checks=checks_done(ns, port))
            print("end sample: ", last, flush=True)
            result.update(warm=first, end=last, toggles=toggles, seconds=round(time.monotonic() - start, 1))
            asan = is_asan_build(a.binary)
            result["asan"] = asan
            if first:
                if not asan and last["rss_mib"] > first["rss_mib"] + a.rss_margin_mib:
                    failures.append("RSS grew from %.2f to %.2f MiB" % (first["rss_mib"], last["rss_mib"]))
                if last["fds"] > first["fds"] + a.fd_margin:
                    failures.append("descriptors grew from %d to %d" % (first["fds"], last["fds"]))
            agent.send_signal(signal.SIGTERM)
            try:
                code = agent.wait(timeout=30)
            except subprocess.TimeoutExpired:
                agent.kill()
                code = "killed after 30 s"
            result["exit"] = code
            if code != 0:
                failures.append("agent exit %s after SIGTERM" % code)
        log.close()
        text = open(log_path, errors="replace").read()
        for mark in SANITIZER_MARKS:
            if mark in text:
                failures.append("sanitizer: " + mark)
                print(text[-4000:])
        result["failures"] = failures
        print(json.dumps(result))
        if a.json:
            with open(a.json, "w") as f:
                json.dump(result, f, indent=2)
    finally:
        if agent is not None and agent.poll() is None:
            agent.kill()
            agent.wait()
        sim("down", a.name, check=False)
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

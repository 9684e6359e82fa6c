#!/usr/bin/env python3
"""End-to-end: `bedrock-reach agent` inside the simulated VPC under a test NOTIFY_SOCKET.
READY arrives after the first check; /metrics passes promtool; /healthz turns 503 when an
nftables drop of TCP 443 breaks the VPC while it runs, and 200 again when it heals; SIGHUP with a
broken config keeps it running on the old one; SIGTERM ends it with exit 0 within a second.
Exit 0 pass, 1 fail, 77 skip (not root).

Usage: agent_check.py BINARY
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import simname

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VPCSIM = os.path.join(ROOT, "tests", "sim", "vpcsim")
NAME = simname.instance("e2e-agent")
NETNS = "brsim-" + NAME
PORT = 9750


def sim(*args, check=True):
    return subprocess.run([VPCSIM, *args], capture_output=True, text=True, timeout=120, check=check)


def inside(*cmd, check=False):
    return subprocess.run(["ip", "netns", "exec", NETNS, *cmd], capture_output=True, text=True,
                          timeout=30, check=check)


def healthz():
    result = inside("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2",
                    f"http://127.0.0.1:{PORT}/healthz")
    return result.stdout.strip()


def wait_for(predicate, seconds, what, failures):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    failures.append(f"timed out waiting for {what}")
    return False


def main():
    binary = sys.argv[1]
    if os.geteuid() != 0:
        print("SKIP: the agent end-to-end test needs root for network namespaces")
        return 77
    failures = []
    tmp = tempfile.mkdtemp(prefix="br-agent-e2e-")
    agent = None
    try:
        sim("up", "healthy", "--as", NAME)
        notify_path = os.path.join(tmp, "notify.sock")
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify.bind(notify_path)
        notify.settimeout(0.2)
        config = os.path.join(tmp, "config.toml")
        with open(config, "w") as f:
            f.write("[check]\ntimeout_ms = 3000\n[agent]\ninterval_ms = 1000\n")
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "NOTIFY_SOCKET": notify_path,
            "AWS_CA_BUNDLE": os.path.join(simname.state_root(), NAME, "pki", "ca.pem"),
            "AWS_ENDPOINT_URL_EC2": "https://ec2.us-east-1.amazonaws.com",
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        }
        agent = subprocess.Popen(["ip", "netns", "exec", NETNS, binary, "--config", config, "agent",
                                  "--listen", f"127.0.0.1:{PORT}"],
                                 env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        messages = []

        def ready():
            try:
                messages.append(notify.recv(4096).decode())
            except socket.timeout:
                pass
            return any("READY=1" in m for m in messages)

        if wait_for(ready, 30, "READY=1", failures):
            print("notify:", [m.replace("\n", " ") for m in messages])
            if healthz() != "200":
                failures.append(f"/healthz {healthz()} after READY on a healthy VPC")
            metrics = inside("curl", "-s", f"http://127.0.0.1:{PORT}/metrics").stdout
            promtool = shutil.which("promtool")
            if promtool:
                check = subprocess.run([promtool, "check", "metrics"], input=metrics, capture_output=True, text=True)
                if check.returncode != 0:
                    failures.append("promtool: " + check.stdout + check.stderr)
            if "bedrock_reach_agent_checks_total" not in metrics:
                failures.append("/metrics lacks the agent counters")

            # Break the VPC: drop TCP 443 as a security group would. The agent must notice.
            inside("nft", "add", "table", "inet", "brtest", check=True)
            inside("nft", "add", "chain", "inet", "brtest", "out",
                   "{ type filter hook output priority 0 ; }", check=True)
            inside("nft", "add", "rule", "inet", "brtest", "out", "tcp", "dport", "443", "drop", check=True)
            wait_for(lambda: healthz() == "503", 30, "/healthz 503 after the drop", failures)
            inside("nft", "delete", "table", "inet", "brtest", check=True)
            wait_for(lambda: healthz() == "200", 30, "/healthz 200 after healing", failures)

            # A broken config on SIGHUP keeps the agent on the old one.
            with open(config, "w") as f:
                f.write("[check]\nnot_a_key = 1\n")
            agent.send_signal(signal.SIGHUP)
            time.sleep(2)
            if agent.poll() is not None:
                failures.append(f"agent exited {agent.returncode} after SIGHUP with a broken config")
            elif healthz() != "200":
                failures.append(f"/healthz {healthz()} after a rejected reload")

            # What a reload rejects, `config validate` rejects, with the same line and key.
            with open(config, "w") as f:
                f.write("[check]\n# a Region that cannot exist\nregion = \"BAD\"\n")
            agent.send_signal(signal.SIGHUP)
            time.sleep(2)
            validate = subprocess.run([binary, "--config", config, "config", "validate"],
                                      capture_output=True, text=True, timeout=10)
            if validate.returncode != 3 or "config.toml:3: config key 'check.region'" not in validate.stderr:
                failures.append(f"config validate on the reload-rejected file: exit {validate.returncode} "
                                f"{validate.stderr.strip()!r}")
            if agent.poll() is not None or healthz() != "200":
                failures.append("a reload with region = \"BAD\" was not rejected")

        # The agent sends STATUS= after every check; a datagram socket nobody reads fills up
        # and then blocks the sender (systemd always reads). Read what queued up.
        notify.setblocking(False)
        try:
            while True:
                messages.append(notify.recv(4096).decode())
        except (BlockingIOError, socket.timeout):
            pass
        started = time.monotonic()
        agent.send_signal(signal.SIGTERM)
        try:
            code = agent.wait(timeout=5)
            elapsed = time.monotonic() - started
            print(f"SIGTERM to exit: {elapsed * 1000:.0f} ms, exit {code}")
            if code != 0:
                failures.append(f"exit {code} after SIGTERM")
            if elapsed > 1.0:
                failures.append(f"SIGTERM took {elapsed:.2f} s")
        except subprocess.TimeoutExpired:
            failures.append("agent did not stop within 5 s of SIGTERM")
            agent.kill()
        log = agent.stdout.read()
        print(log[-3000:])
        if "not_a_key" not in log:
            failures.append("the rejected reload was not logged with its reason")
        if "config.toml:3: config key 'check.region'" not in log:
            failures.append("the reload rejecting region = \"BAD\" did not name the line and key")
    finally:
        if agent and agent.poll() is None:
            agent.kill()
        sim("down", NAME, check=False)
        shutil.rmtree(tmp, ignore_errors=True)
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""The text report in a terminal, in the sg-blocks-443 scenario: with COLUMNS=80 no line is over
80 columns, the first line is a Nagios status line naming SG_INGRESS_BLOCKS with performance
data, and the SG finding appears once listing its three addresses. TERM=dumb on a pseudo-terminal
gets neither colour nor the \\r progress line. Exit 0 pass, 1 fail, 77 skip (not root).

Usage: terminal_check.py BINARY
"""
import os
import pty
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VPCSIM = os.path.join(ROOT, "tests", "sim", "vpcsim")
NAME = "e2e-term80"


def sim(*args, check=True, env=None):
    return subprocess.run([VPCSIM, *args], capture_output=True, text=True, timeout=120, check=check,
                          env=env)


def in_pty(argv, env):
    """Runs argv with stdout and stderr on a pseudo-terminal; returns (exit code, bytes seen)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(argv[0], argv, env)
    seen = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), seen


def main():
    binary = sys.argv[1]
    if os.geteuid() != 0:
        print("SKIP: needs root for network namespaces")
        return 77
    failures = []
    try:
        up = sim("up", "sg-blocks-443", "--as", NAME, check=False)
        if up.returncode != 0:
            print(up.stdout, up.stderr)
            return 1
        env = dict(os.environ, COLUMNS="80")
        run = sim("exec", NAME, "--", "env", "COLUMNS=80", binary, "check", "--timeout", "8",
                  check=False, env=env)
        text = run.stdout
        print(text)
        lines = text.splitlines()
        if run.returncode != 2:
            failures.append(f"exit {run.returncode}, want 2; stderr {run.stderr[:300]}")
        wide = [line for line in lines if len(line) > 80]
        if wide:
            failures.append(f"{len(wide)} lines over 80 columns, e.g. {wide[0]!r}")
        first = lines[0] if lines else ""
        if not re.match(r"bedrock-reach: CRITICAL - .*SG_INGRESS_BLOCKS.* \| .*'?duration'?=[0-9.]+s",
                        first):
            failures.append(f"first line is not a Nagios line naming SG_INGRESS_BLOCKS: {first!r}")
        findings = text[text.find("Findings"):]
        heads = [line for line in findings.splitlines() if "SG_INGRESS_BLOCKS " in line + " "
                 and ("CRITICAL" in line)]
        if len(heads) != 1:
            failures.append(f"SG finding heads {heads!r}, want exactly one")
        else:
            # The head may wrap: the addresses follow it before the message.
            block = findings[findings.find(heads[0]):]
            addresses = set(re.findall(r"10\.0\.\d+\.\d+", block.split("fix:")[0]))
            addresses.discard("10.0.1.10")  # the instance, named in the message
            if len(addresses) != 3:
                failures.append(f"SG finding lists {sorted(addresses)}, want three addresses")

        # TERM=dumb on a terminal: no ANSI escapes, no carriage returns.
        code, seen = in_pty([VPCSIM, "exec", NAME, "--", "env", "TERM=dumb", binary, "check",
                             "--timeout", "8"], dict(os.environ, TERM="dumb"))
        body = seen.replace(b"\r\n", b"\n")
        if b"\x1b[" in body or b"\r" in body:
            failures.append(f"TERM=dumb output has escapes or \\r: {body[:200]!r}")
        if b"SG_INGRESS_BLOCKS" not in body:
            failures.append(f"TERM=dumb run printed no report (exit {code})")
        code, seen = in_pty([VPCSIM, "exec", NAME, "--", "env", "TERM=xterm", binary, "check",
                             "--timeout", "8"], dict(os.environ, TERM="xterm"))
        if b"\x1b[" not in seen:
            failures.append("TERM=xterm on a terminal shows no colour (the test cannot see colour)")
    finally:
        sim("down", NAME, check=False)
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

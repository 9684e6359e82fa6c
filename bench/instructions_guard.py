#!/usr/bin/env python3
"""Instruction-count guard (issue 19, goal 6): one healthy check in the simulated VPC under callgrind,
against the committed budget in bench/instructions-budget.json. Instruction counts hardly depend on
the machine's load, so a regression shows on a noisy CI machine where wall time could not tell.

    sudo bench/instructions_guard.py BINARY [--update]

Prints the figure and the budget; exits 1 when the check costs more than the budget by more than
the tolerance (10 %), 0 otherwise, 77 (skip) without root or valgrind. --update writes the measured
figure as the new budget (after a deliberate change; commit it with the reason).

The count covers the whole process (start-up, OpenSSL's initialisation, every handshake) with the
simulator's one-certificate CA bundle and --max-concurrency 1 (under valgrind 64 concurrent handshakes
overrun the probes' fixed 2 s connect timeout; the bound does not change the work done). It depends on
Debian's libcurl and OpenSSL too: a library update that moves it past the tolerance needs --update.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
import simname  # noqa: E402

VPCSIM = os.path.join(ROOT, "tests", "sim", "vpcsim")
BUDGET = os.path.join(HERE, "instructions-budget.json")
SCENARIO = "healthy"


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    update = "--update" in sys.argv[1:]
    if len(args) != 1:
        print(__doc__)
        return 2
    binary = os.path.abspath(args[0])
    if os.geteuid() != 0:
        print("SKIP: the instruction guard needs root (the simulated VPC does)")
        return 77
    if not shutil.which("valgrind"):
        print("SKIP: valgrind is not installed (scripts/install-deps test installs it)")
        return 77
    with open(BUDGET) as f:
        budget = json.load(f)
    name = simname.instance("igrd")
    subprocess.run([VPCSIM, "down", name], capture_output=True)
    up = subprocess.run([VPCSIM, "up", SCENARIO, "--as", name], capture_output=True, text=True)
    if up.returncode != 0:
        print("FAIL: cannot bring up the simulated VPC:\n" + up.stderr[-2000:])
        return 1
    try:
        with tempfile.TemporaryDirectory(prefix="br-igrd-") as tmp:
            os.chmod(tmp, 0o755)
            out_file = os.path.join(tmp, "callgrind.out")
            argv = [VPCSIM, "exec", name, "--", "valgrind", "--tool=callgrind",
                    "--callgrind-out-file=" + out_file, binary, "check", "--format", "json",
                    "--timeout", "120", "--max-concurrency", "1"]
            run = subprocess.run(argv, capture_output=True, text=True, timeout=300)
            try:
                report = json.loads(run.stdout)
            except ValueError:
                report = {}
            problems = [f.get("code") for f in report.get("findings", [])
                        if f.get("severity") in ("warning", "critical")]
            if run.returncode != 0 or problems or not os.path.exists(out_file):
                # A check that failed does different work: its count would compare nothing.
                print("FAIL: the healthy check under valgrind did not come back healthy (exit %d, %s):\n%s" % (
                    run.returncode, problems, run.stderr[-2000:]))
                return 1
            total = None
            with open(out_file) as f:
                for line in f:
                    if line.startswith(("summary:", "totals:")):
                        total = int(line.split()[1])
    finally:
        subprocess.run([VPCSIM, "down", name], capture_output=True)
    if total is None:
        print("FAIL: callgrind wrote no total")
        return 1
    limit = budget["healthy_check_ir"] * (1 + budget["tolerance"])
    print("instructions of one healthy check: %s (budget %s, fails above %s; %+.1f%% against the budget)" % (
        format(total, ","), format(budget["healthy_check_ir"], ","), format(int(limit), ","),
        100.0 * (total / budget["healthy_check_ir"] - 1)))
    if update:
        budget["healthy_check_ir"] = total
        with open(BUDGET, "w") as f:
            json.dump(budget, f, indent=1)
            f.write("\n")
        print("budget updated in %s" % os.path.relpath(BUDGET, ROOT))
        return 0
    if total > limit:
        print("FAIL: more than %d%% over the budget: profile it (callgrind_annotate) before raising the budget" %
              round(100 * budget["tolerance"]))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

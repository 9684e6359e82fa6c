"""Teardown is complete: after `vpcsim down` (also after a crash or a killed `up`) no namespace, process,
/etc/netns entry or state directory of the instance remains. Several instances run side by side."""
import os
import signal
import subprocess
import time
import unittest

from simtest import VPCSIM, main, prefixed, up, vpcsim


def leftovers(name):
    ns = "brsim-" + name
    found = []
    if ns in subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout.split():
        found.append("netns " + ns)
    for path in ("/etc/netns/" + ns, "/run/brsim/" + name):
        if os.path.exists(path):
            found.append(path)
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
            with open("/proc/%s/stat" % pid) as f:
                zombie = f.read().rsplit(")", 1)[1].split()[0] == "Z"
        except OSError:
            continue
        if ("/run/brsim/%s " % name in cmd + " " or "netns exec %s " % ns in cmd) and not zombie:
            found.append("process %s: %s" % (pid, cmd.strip()))
    return found


def ns_pids(name):
    r = subprocess.run(["ip", "netns", "pids", "brsim-" + name], capture_output=True, text=True)
    return [int(p) for p in r.stdout.split()]


class Teardown(unittest.TestCase):
    def test_crash_then_down(self):
        name = prefixed("t-crash")
        sc = up(name, "healthy")
        bg = subprocess.Popen(VPCSIM + ["exec", name, "--", "sleep", "300"])
        deadline = time.time() + 10
        while len(ns_pids(name)) < 2 and time.time() < deadline:
            time.sleep(0.1)
        self.assertGreaterEqual(len(ns_pids(name)), 2)
        with open(os.path.join(sc["state_dir"], "daemon.pid")) as f:
            daemon = int(f.read())
        os.kill(daemon, signal.SIGKILL)
        time.sleep(0.3)
        self.assertIn("broken", vpcsim("list").stdout)
        vpcsim("down", name)
        self.assertEqual(bg.wait(timeout=10), -signal.SIGTERM)
        self.assertEqual(leftovers(name), [])

    def test_killed_up_then_down(self):
        name = prefixed("t-killed")
        p = subprocess.Popen(VPCSIM + ["up", "healthy", "--as", name], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        deadline = time.time() + 15  # kill it mid-way: once the namespace exists, before it is ready
        while time.time() < deadline and not os.path.exists("/etc/netns/brsim-" + name):
            time.sleep(0.02)
        p.kill()
        p.wait()
        vpcsim("down", name)
        self.assertEqual(leftovers(name), [])
        vpcsim("down", name)  # idempotent
        self.assertEqual(leftovers(name), [])

    def test_side_by_side(self):
        a, b = prefixed("t-side-a"), prefixed("t-side-b")
        try:
            up(a, "healthy")
            up(b, "private-dns-off")
            host = "bedrock-runtime.us-east-1.amazonaws.com"
            dig = ["dig", "+short", "+time=5", "+tries=2", host]
            ra = vpcsim("exec", a, "--", *dig).stdout.split()
            rb = vpcsim("exec", b, "--", *dig).stdout.split()
            self.assertEqual(sorted(ra), ["10.0.1.31", "10.0.2.31", "10.0.3.31"])
            self.assertEqual(sorted(rb), ["44.213.112.71", "54.164.53.122"])
            vpcsim("down", a)
            self.assertEqual(leftovers(a), [])
            self.assertEqual(sorted(vpcsim("exec", b, "--", *dig).stdout.split()), sorted(rb))
            self.assertEqual(vpcsim("exec", b, "--", "false", check=False).returncode, 1)  # exit code passed through
        finally:
            vpcsim("down", a, b, check=False)
        self.assertEqual(leftovers(b), [])


if __name__ == "__main__":
    main()

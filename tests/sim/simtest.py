"""Shared helpers for the simulator fidelity tests (ctest label `sim`). Exit code 77 = skipped."""
import json
import os
import shutil
import subprocess
import sys
import unittest

SIM = os.path.dirname(os.path.abspath(__file__))
VPCSIM = [sys.executable, os.path.join(SIM, "vpcsim")]
INNER = [sys.executable, os.path.join(SIM, "inner.py")]
TOOLS = ["ip", "nft", "dig", "curl", "openssl"]


def skip_reason():
    if os.geteuid() != 0:
        return "needs root (creates network namespaces); run ctest as root"
    missing = [t for t in TOOLS if not shutil.which(t)]
    if missing:
        return "missing tools %s (scripts/install-deps installs them)" % " ".join(missing)
    r = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True)
    if r.returncode != 0:
        return "`ip netns` unavailable: %s" % r.stderr.strip()
    try:
        import botocore  # noqa: F401
    except ImportError:
        return "botocore not importable by %s" % sys.executable
    return None


def main():
    """unittest main; `--shard I/N` keeps every N-th test class (sorted by name) so ctest can run shards in parallel."""
    reason = skip_reason()
    if reason:
        print("SKIP: " + reason)
        sys.exit(77)
    if len(sys.argv) == 3 and sys.argv[1] == "--shard":
        i, n = (int(x) for x in sys.argv[2].split("/"))
        module = sys.modules["__main__"]
        classes = sorted((c for c in vars(module).values()
                          if isinstance(c, type) and issubclass(c, unittest.TestCase) and c is not SimCase),
                         key=lambda c: c.__name__)
        suite = unittest.TestSuite(unittest.defaultTestLoader.loadTestsFromTestCase(c)
                                   for k, c in enumerate(classes) if k % n == i)
        ok = unittest.TextTestRunner(verbosity=2).run(suite).wasSuccessful()
        sys.exit(0 if ok else 1)
    unittest.main(verbosity=2)


def vpcsim(*args, check=True, timeout=120):
    r = subprocess.run(VPCSIM + list(args), capture_output=True, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise AssertionError("vpcsim %s failed (%d): %s%s" % (" ".join(args), r.returncode, r.stdout, r.stderr))
    return r


def prefixed(name):
    """The instance name a test uses: PREFIX + name, where PREFIX is $BRSIM_PREFIX, else the legacy
    $BRSIM_TEST_PREFIX, else $BRSIM_TREE_PREFIX (set by CMake per build tree, tests/e2e/sim_env.cmake), so
    fidelity tests from two checkouts, or beside scripts/flaky, never share a namespace."""
    return (os.environ.get("BRSIM_PREFIX") or os.environ.get("BRSIM_TEST_PREFIX")
            or os.environ.get("BRSIM_TREE_PREFIX", "")) + name


def up(name, scenario, *sets):
    args = ["up", scenario, "--as", name]
    for s in sets:
        args += ["--set", s]
    vpcsim(*args)
    return json.loads(vpcsim("show", name).stdout)


class SimCase(unittest.TestCase):
    SCENARIO = "healthy"
    NAME = None
    SETS = ()

    @classmethod
    def setUpClass(cls):
        cls.name = prefixed(cls.NAME or "t-" + cls.SCENARIO)
        cls.sc = up(cls.name, cls.SCENARIO, *cls.SETS)
        cls.ca = cls.sc["env"]["AWS_CA_BUNDLE"]

    @classmethod
    def tearDownClass(cls):
        vpcsim("down", cls.name, check=False)

    def run_in(self, *cmd, timeout=60, env=None):
        pre = ["env"] + ["%s=%s" % kv for kv in (env or {}).items()] if env else []
        return subprocess.run(VPCSIM + ["exec", self.name, "--"] + pre + list(cmd), capture_output=True, text=True,
                              timeout=timeout)

    def out(self, *cmd, **kw):
        r = self.run_in(*cmd, **kw)
        self.assertEqual(r.returncode, 0, "%s -> %d: %s %s" % (cmd, r.returncode, r.stdout, r.stderr))
        return r.stdout

    def batch(self, cmds, workers=4):
        """Run many argv lists inside the namespace in one exec; -> [{rc, out, err}]."""
        return self.inner("batch", json.dumps([list(c) for c in cmds]), str(workers))

    def digs(self, queries):
        """queries: [(name, qtype, [opts])] -> [sorted answers]."""
        res = self.batch([["dig", "+short", "+time=5", "+tries=2", qt, n] + list(o) for n, qt, o in queries], 8)
        return [sorted(x for x in r["out"].split() if x) for r in res]

    def dig(self, name, *opts, qtype="A"):
        out = self.out("dig", "+short", "+time=5", "+tries=2", qtype, name, *opts)
        return sorted(line for line in out.split() if line)

    def aws(self, *args, env=None):
        out = self.out("aws", "--region", self.sc["region"], "--output", "json", *args, env=env)
        return json.loads(out) if out.strip() else None

    def inner(self, *args):
        return json.loads(self.out(*(INNER + list(args))))

    def curl_argv(self, host, ip=None, *extra):
        cmd = ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", self.ca]
        if ip:
            cmd += ["--resolve", "%s:443:%s" % (host, ip if ":" not in ip else "[%s]" % ip)]
        return cmd + list(extra) + ["https://%s/" % host]

    def curl(self, host, ip=None, *extra, timeout=20):
        """-> (rc, http_code, stderr) for https://host/ (pinned to ip when given)."""
        r = self.run_in(*self.curl_argv(host, ip, *extra), timeout=timeout)
        return r.returncode, r.stdout.strip(), r.stderr

    def curls(self, targets, *extra):
        """targets: [(host, ip)] -> [(rc, http_code, stderr)], run in parallel."""
        res = self.batch([self.curl_argv(h, ip, *extra) for h, ip in targets], 8)
        return [(r["rc"], r["out"].strip(), r["err"]) for r in res]

    def awss(self, calls):
        """Many aws-cli calls in parallel: calls = [[args...]] -> [parsed JSON]."""
        base = ["--region", self.sc["region"], "--output", "json", "--endpoint-url",
                "https://" + self.sc["addresses"]["ec2_api_host"], "--ca-bundle", self.ca]
        res = self.inner("awscli", json.dumps([base + list(c) for c in calls]))
        for c, r in zip(calls, res):
            self.assertEqual(r["rc"], 0, (c, r["err"]))
        return [json.loads(r["out"]) if r["out"].strip() else None for r in res]

    def ips(self, service, key="ip"):
        return sorted(e[key] for e in self.sc["enis"] if e["service"] == service and e.get(key))

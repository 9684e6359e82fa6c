#!/usr/bin/env python3
"""Benchmark steps that run INSIDE a simulated VPC (`vpcsim exec NAME -- python3 bench/inner.py STEP ...`).

Each step prints one JSON object on stdout. Timing is taken here, inside the namespace, so the cost of
`vpcsim exec` itself is never counted. CPU time and peak RSS come from wait4() rusage of each child.
Every address used is inside the namespace (whose only interface is its own lo).
"""
import argparse
import concurrent.futures
import ipaddress
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

TICK = os.sysconf("SC_CLK_TCK")
TIME = "/usr/bin/time"
SYSTEM_CAS = "/etc/ssl/certs/ca-certificates.crt"


def run_measured(argv, stdin=subprocess.DEVNULL, timeout=120, fd_pid_probe=False, sim_pid=None, server_pid=None):
    """Run argv; return dict(wall_s, cpu_s, maxrss_kib, rc, stdout, stderr[, max_fds, sim_cpu_s, server_cpu_s]).
    server_pid: a native TLS server beside the simulator (tls.native), whose CPU is counted apart."""
    sim_before = proc_cpu(sim_pid) if sim_pid else None
    server_before = proc_cpu(server_pid) if server_pid else None
    tcp_before = tcp_counters()
    # GNU time forks the command from a small process: ru_maxrss of a child forked straight from this Python
    # process would start at Python's own RSS (Linux keeps the pre-exec high-water mark).
    rss_fd, rss_path = tempfile.mkstemp(prefix="bench-rss-")
    os.close(rss_fd)
    t0 = time.perf_counter()
    p = subprocess.Popen([TIME, "-f", "%M", "-o", rss_path] + argv, stdin=stdin, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    fds = {"max": 0}
    stop = threading.Event()
    if fd_pid_probe:
        def sample():
            child = None
            while not stop.is_set():
                try:
                    if child is None:
                        with open("/proc/%d/task/%d/children" % (p.pid, p.pid)) as f:
                            child = int(f.read().split()[0])
                    fds["max"] = max(fds["max"], len(os.listdir("/proc/%d/fd" % child)))
                except (OSError, IndexError, ValueError):
                    if child is not None:
                        return
                time.sleep(0.002)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
    out_chunks, err_chunks = [], []
    readers = [threading.Thread(target=lambda s=s, c=c: c.append(s.read()), daemon=True)
               for s, c in ((p.stdout, out_chunks), (p.stderr, err_chunks))]
    for r in readers:
        r.start()
    killer = threading.Timer(timeout, p.kill)
    killer.start()
    _, status, usage = os.wait4(p.pid, 0)  # blocking: the measuring side costs no CPU meanwhile
    wall = time.perf_counter() - t0
    killer.cancel()
    stop.set()
    for r in readers:
        r.join()
    p.returncode = os.waitstatus_to_exitcode(status)
    try:
        with open(rss_path) as f:
            maxrss = int(f.read().split()[-1])
    except (OSError, ValueError, IndexError):
        maxrss = None
    os.unlink(rss_path)
    # wait4's rusage covers GNU time and the command it waited for: CPU is the command's plus ~1 ms.
    res = {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "user_s": usage.ru_utime,
           "sys_s": usage.ru_stime, "maxrss_kib": maxrss, "rc": p.returncode,
           "stdout": b"".join(out_chunks).decode(errors="replace"),
           "stderr": b"".join(err_chunks).decode(errors="replace")}
    tcp_after = tcp_counters()
    res["listen_overflows"] = tcp_after["ListenOverflows"] - tcp_before["ListenOverflows"]
    res["syn_retrans"] = tcp_after["TCPSynRetrans"] - tcp_before["TCPSynRetrans"]
    res["udp_drops"] = tcp_after["UdpRcvbufErrors"] - tcp_before["UdpRcvbufErrors"]
    if fd_pid_probe:
        res["max_fds"] = fds["max"]
    if sim_pid:
        res["sim_cpu_s"] = proc_cpu(sim_pid) - sim_before
    if server_pid:
        res["server_cpu_s"] = proc_cpu(server_pid) - server_before
    return res


def tcp_counters():
    """TcpExt counters of this network namespace: listen-queue overflows in the simulator show up here."""
    with open("/proc/self/net/netstat") as f:
        lines = f.read().splitlines()
    out = {}
    for head, vals in zip(lines[::2], lines[1::2]):
        if head.startswith("TcpExt:"):
            out.update(zip(head.split()[1:], map(int, vals.split()[1:])))
    with open("/proc/self/net/snmp") as f:
        lines = f.read().splitlines()
    for head, vals in zip(lines[::2], lines[1::2]):
        if head.startswith("Udp:"):
            out.update(("Udp" + k, int(v)) for k, v in zip(head.split()[1:], vals.split()[1:]))
    return {k: out.get(k, 0) for k in ("ListenOverflows", "TCPSynRetrans", "UdpRcvbufErrors")}


def proc_cpu(pid):
    """utime+stime of a live process (all threads), seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def smaps_rollup(pid, key):
    """A field of /proc/PID/smaps_rollup in KiB (Pss, Anonymous, ...), or None."""
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def proc_status(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def reach_findings(report):
    """Finding codes above info, sorted, from a bedrock-reach JSON report."""
    out = []
    for f in report.get("findings", []):
        if str(f.get("severity", "")).lower() not in ("info", "ok"):
            out.append(f.get("code", "?"))
    return sorted(out)


# ---- bedrock-reach check ---------------------------------------------------------------------

def step_check(a):
    runs = []
    for _ in range(a.runs):
        argv = [a.binary, "check", "--format", "json", "--timeout", str(a.timeout)] + json.loads(a.extra_json)
        r = run_measured(argv, timeout=a.timeout + 30, fd_pid_probe=a.fds, sim_pid=a.sim_pid,
                         server_pid=a.server_pid)
        try:
            report = json.loads(r["stdout"])
        except ValueError:
            report = {}
        r.update(duration_ms=report.get("duration_ms"), timings=report.get("timings"),
                 findings=reach_findings(report), status=report.get("status"),
                 finding_samples=sorted({f.get("code", "") + ": " + f.get("message", "")[:160]
                                         for f in report.get("findings", [])})[:3],
                 tls_probed=sum(1 for s in report.get("services", []) for ad in s.get("addresses", [])
                                if (ad.get("tls") or {}).get("probed")),
                 tls_ok=sum(1 for s in report.get("services", []) for ad in s.get("addresses", [])
                            if (ad.get("tls") or {}).get("ok")))
        r["stderr"] = r["stderr"][-400:]
        del r["stdout"]
        runs.append(r)
    print(json.dumps({"runs": runs}))


# ---- the runbook, as a person types it ------------------------------------------------------

def step_runbook(a):
    ca = os.environ.get("AWS_CA_BUNDLE", "")
    vpc = ipaddress.ip_network(a.vpc_cidr)
    names = a.names
    found = set()
    cmds = []

    def run(argv, **kw):
        r = run_measured(argv, **kw)
        cmds.append({"argv": " ".join(argv[:4]), "wall_s": r["wall_s"], "cpu_s": r["cpu_s"],
                     "maxrss_kib": r["maxrss_kib"], "rc": r["rc"]})
        return r

    t0 = time.perf_counter()
    answers = {}
    for name in names:
        local = run(["dig", "+short", "+time=2", "+tries=1", name, "A"])
        direct = run(["dig", "+short", "+time=2", "+tries=1", "@169.254.169.253", name, "A"])
        ips = [l for l in local["stdout"].split() if re.fullmatch(r"[0-9.]+", l)]
        ips253 = [l for l in direct["stdout"].split() if re.fullmatch(r"[0-9.]+", l)]
        answers[name] = ips
        if not ips:
            found.add("no answer for %s" % name)
        if any(ipaddress.ip_address(i) not in vpc for i in ips):
            found.add("%s resolves outside the VPC" % name)
        if sorted(ips) != sorted(ips253):
            found.add("resolv.conf and 169.254.169.253 disagree on %s" % name)
    for name in names:
        for ip in answers[name]:
            r = run(["openssl", "s_client", "-connect", ip + ":443", "-servername", name, "-verify_return_error",
                     "-verify_hostname", name, "-CAfile", ca, "-brief"], timeout=15)
            # Read it as a person does: s_client often exits 1 after a verified handshake (the server closes
            # on EOF), so the verdict is the "Verification: OK" line, not the exit code.
            if "Verification: OK" not in r["stdout"] + r["stderr"]:
                found.add("TLS verify failed %s@%s" % (name, ip))
    for name in names:
        for ip in answers[name]:
            r = run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10", "--cacert", ca,
                     "--resolve", "%s:443:%s" % (name, ip), "https://%s/" % name], timeout=15)
            if r["rc"] != 0 or r["stdout"].strip() in ("", "000"):
                found.add("HTTPS failed %s@%s" % (name, ip))
    aws = [a.aws, "ec2", "--region", a.region, "--output", "json"]
    eps = run(aws + ["describe-vpc-endpoints"], timeout=60)
    try:
        endpoints = json.loads(eps["stdout"]).get("VpcEndpoints", [])
    except ValueError:
        endpoints, _ = [], found.add("describe-vpc-endpoints failed")
    enis = [e for ep in endpoints for e in ep.get("NetworkInterfaceIds", [])]
    groups = sorted({g["GroupId"] for ep in endpoints for g in ep.get("Groups", [])})
    vpc_id = endpoints[0]["VpcId"] if endpoints else a.vpc_id
    for name in names:
        svc = "com.amazonaws.%s.%s" % (a.region, name.split(".")[0])
        ep = [e for e in endpoints if e.get("ServiceName") == svc]
        if not ep:
            found.add("no endpoint for %s" % svc)
        elif ep[0].get("State", "").lower() != "available":
            found.add("endpoint %s is %s" % (svc, ep[0].get("State")))
        elif not ep[0].get("PrivateDnsEnabled"):
            found.add("private DNS off for %s" % svc)
    if enis:
        run(aws + ["describe-network-interfaces", "--network-interface-ids"] + enis, timeout=60)
    run(aws + ["describe-route-tables", "--filters", "Name=vpc-id,Values=" + vpc_id], timeout=60)
    if groups:
        run(aws + ["describe-security-groups", "--group-ids"] + groups, timeout=60)
    run(aws + ["describe-network-acls", "--filters", "Name=vpc-id,Values=" + vpc_id], timeout=60)
    for c in cmds:
        if c["argv"].startswith(a.aws) and c["rc"] != 0:
            found.add("aws call failed: " + c["argv"])
    wall = time.perf_counter() - t0
    print(json.dumps({"wall_s": wall, "cpu_s": sum(c["cpu_s"] for c in cmds),
                      "maxrss_kib": max(c["maxrss_kib"] or 0 for c in cmds), "commands": len(cmds),
                      "found": sorted(found), "cmds": cmds}))


# ---- blackbox_exporter ----------------------------------------------------------------------

def blackbox_config(names, servers, addresses, ca):
    """Modules: one dns module per name, one tcp+tls module per name (server_name is per module)."""
    lines = ["modules:"]
    probes = []
    for name in names:
        key = name.split(".")[0].replace("-", "_")
        lines += ["  dns_%s:" % key, "    prober: dns", "    timeout: 5s", "    dns:",
                  "      query_name: %s" % name, "      query_type: A", "      preferred_ip_protocol: ip4",
                  "      ip_protocol_fallback: false",
                  "  tls_%s:" % key, "    prober: tcp", "    timeout: 5s", "    tcp:",
                  "      preferred_ip_protocol: ip4", "      ip_protocol_fallback: false", "      tls: true",
                  "      tls_config:", "        ca_file: %s" % ca, "        server_name: %s" % name]
        probes += [("dns_" + key, s) for s in servers]
        probes += [("tls_" + key, ip + ":443") for ip in addresses.get(name, [])]
    return "\n".join(lines) + "\n", probes


class Blackbox:
    def __init__(self, a, port=9115):
        ca = os.environ.get("AWS_CA_BUNDLE", "")
        addresses = json.loads(a.addresses)
        text, self.probes = blackbox_config(a.names, a.servers, addresses, ca)
        self.dir = tempfile.mkdtemp(prefix="bench-bbe-")
        conf = os.path.join(self.dir, "blackbox.yml")
        with open(conf, "w") as f:
            f.write(text)
        self.base = "http://127.0.0.1:%d" % port
        self.proc = subprocess.Popen([a.exporter, "--config.file=" + conf, "--web.listen-address=127.0.0.1:%d" % port,
                                      "--log.level=warn"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(500):
            try:
                urllib.request.urlopen(self.base + "/-/healthy", timeout=1).read()
                break
            except OSError:
                time.sleep(0.02)
        else:
            raise SystemExit("blackbox_exporter did not start")

    def probe(self, module, target):
        url = "%s/probe?module=%s&target=%s" % (self.base, module, target)
        body = urllib.request.urlopen(url, timeout=15).read().decode()
        m = re.search(r"^probe_success (\S+)", body, re.M)
        return m is not None and float(m.group(1)) == 1.0

    def round(self, parallel):
        t0 = time.perf_counter()
        if parallel:
            with concurrent.futures.ThreadPoolExecutor(len(self.probes)) as pool:
                ok = list(pool.map(lambda p: self.probe(*p), self.probes))
        else:
            ok = [self.probe(*p) for p in self.probes]
        failed = ["%s %s" % p for p, good in zip(self.probes, ok) if not good]
        return time.perf_counter() - t0, failed

    def cpu(self):
        return proc_cpu(self.proc.pid)

    def rss(self):
        return proc_status(self.proc.pid, "VmRSS"), proc_status(self.proc.pid, "VmHWM")

    def close(self):
        self.proc.terminate()
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def step_blackbox(a):
    bb = Blackbox(a)
    try:
        bb.round(False)  # warm-up: the exporter's first probe loads the CA file and code pages
        out = {"probes": len(bb.probes)}
        for mode, parallel in (("sequential", False), ("parallel", True)):
            walls, cpus, failed = [], [], []
            for _ in range(a.runs):
                c0 = bb.cpu()
                wall, failed = bb.round(parallel)
                walls.append(wall)
                cpus.append(bb.cpu() - c0)
            out[mode] = {"walls_s": walls, "cpus_s": cpus, "found": failed}
        out["rss_kib"], out["hwm_kib"] = bb.rss()
    finally:
        bb.close()
    print(json.dumps(out))


# ---- agent footprint ------------------------------------------------------------------------

def metric(text, name):
    m = re.search(r"^%s(?:\{[^}]*\})? (\S+)" % re.escape(name), text, re.M)
    return float(m.group(1)) if m else None


def step_footprint(a):
    port = 9750
    agent = subprocess.Popen([a.binary, "agent", "--interval", "1", "--listen", "127.0.0.1:%d" % port],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    bb = Blackbox(a)
    samples = []
    checks = 0
    t_start = time.monotonic()
    cpu_first = None
    try:
        while checks < a.checks and time.monotonic() - t_start < a.checks * 3 + 60:
            time.sleep(1.0)
            bb.round(True)  # the exporter probes the same targets once a second
            try:
                text = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5).read().decode()
            except OSError:
                continue
            checks = int(metric(text, "bedrock_reach_agent_checks_total") or 0)
            if checks >= 1 and cpu_first is None:
                cpu_first = (proc_cpu(agent.pid), checks)  # start-up and the first check excluded
            samples.append({"checks": checks, "agent_rss_kib": proc_status(agent.pid, "VmRSS"),
                            "agent_anon_kib": proc_status(agent.pid, "RssAnon"),
                            "agent_file_kib": proc_status(agent.pid, "RssFile"),
                            "agent_pss_kib": smaps_rollup(agent.pid, "Pss"),
                            "agent_smaps_anon_kib": smaps_rollup(agent.pid, "Anonymous"),
                            "bbe_pss_kib": smaps_rollup(bb.proc.pid, "Pss"),
                            "bbe_rss_kib": proc_status(bb.proc.pid, "VmRSS")})
        cpu_end = proc_cpu(agent.pid)
        out = {"checks": checks, "elapsed_s": time.monotonic() - t_start,
               "agent_hwm_kib": proc_status(agent.pid, "VmHWM"), "bbe_hwm_kib": proc_status(bb.proc.pid, "VmHWM"),
               "agent_cpu_total_s": cpu_end,
               "agent_cpu_per_check_s": (cpu_end - cpu_first[0]) / max(1, checks - cpu_first[1]) if cpu_first else None,
               "probes": len(bb.probes)}
        steady = [s for s in samples if s["checks"] >= max(1, checks // 10)] or samples
        out["agent_rss_steady_kib"] = statistics.median(s["agent_rss_kib"] for s in steady)
        out["agent_rss_max_kib"] = max(s["agent_rss_kib"] for s in samples)
        out["agent_anon_steady_kib"] = statistics.median(s["agent_anon_kib"] for s in steady)
        out["agent_file_steady_kib"] = statistics.median(s["agent_file_kib"] for s in steady)
        out["bbe_rss_steady_kib"] = statistics.median(s["bbe_rss_kib"] for s in steady)
        for key in ("agent_pss_kib", "agent_smaps_anon_kib", "bbe_pss_kib"):
            values = [s[key] for s in steady if s[key] is not None]
            out[key.replace("_kib", "_steady_kib")] = statistics.median(values) if values else None
        out["bbe_rss_max_kib"] = max(s["bbe_rss_kib"] for s in samples)
        out["agent_rss_first_kib"] = steady[0]["agent_rss_kib"]
        out["agent_rss_last_kib"] = steady[-1]["agent_rss_kib"]
    finally:
        agent.terminate()
        agent.wait()
        bb.close()
    print(json.dumps(out))


# ---- callgrind ------------------------------------------------------------------------------

# Inclusive costs worth watching: the check itself, TLS handshakes and reads, certificate decoding, start-up.
INCLUSIVE_OF_INTEREST = ["bedrock_reach::run_check(", "bedrock_reach::EpollLoop::run_once", "SSL_connect",
                         "SSL_read", "d2i_X509", "SSL_CTX_load_verify", "X509_STORE_load", "ares_",
                         "bedrock_reach::assemble_report", "bedrock_reach::render", "_dl_start",
                         "_dl_relocate_object"]


def step_callgrind(a):
    out_file = tempfile.mktemp(prefix="bench-callgrind-", suffix=".out")
    bundle = None
    if a.system_cas:
        # What a real host verifies against: the system bundle (plus the simulator CA, so the check still passes).
        fd, bundle = tempfile.mkstemp(prefix="bench-cas-", suffix=".pem")
        with os.fdopen(fd, "w") as f:
            f.write(open(SYSTEM_CAS).read() + open(os.environ["AWS_CA_BUNDLE"]).read())
        os.environ["AWS_CA_BUNDLE"] = bundle
    # One exchange at a time: under valgrind 64 concurrent handshakes overrun the probes' fixed 2 s connect
    # timeout. Instruction counts measure work, which the concurrency bound does not change.
    argv = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out_file, a.binary, "check", "--format",
            "json", "--timeout", "120", "--max-concurrency", "1"]
    r = run_measured(argv, timeout=300)
    total = None
    with open(out_file) as f:
        for line in f:
            if line.startswith(("summary:", "totals:")):
                total = int(line.split()[1])
    ann = subprocess.run(["callgrind_annotate", "--threshold=100", out_file], capture_output=True, text=True).stdout
    top = []
    for line in ann.splitlines():
        m = re.match(r"\s*([\d,]+)\s+\(\s*([\d.]+)%\)\s+(.*)", line)
        if m and "PROGRAM TOTALS" not in line:
            top.append({"ir": int(m.group(1).replace(",", "")), "pct": float(m.group(2)), "fn": m.group(3)[:120]})
        if len(top) >= a.top:
            break
    inc = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", out_file],
                         capture_output=True, text=True).stdout
    inclusive = []
    for pattern in INCLUSIVE_OF_INTEREST:
        for line in inc.splitlines():
            m = re.match(r"\s*([\d,]+)\s+\(\s*([\d.]+)%\)\s+(.*)", line)
            if m and pattern in m.group(3):
                inclusive.append({"what": pattern, "ir": int(m.group(1).replace(",", "")),
                                  "pct": float(m.group(2))})
                break
    if a.keep:
        shutil.copy(out_file, a.keep)
    os.unlink(out_file)
    if bundle:
        timed = run_measured([a.binary, "check", "--format", "json", "--timeout", "30"])
        os.unlink(bundle)
    try:
        report = json.loads(r["stdout"])
    except ValueError:
        report = {}
    extra = {"check_cpu_s": timed["cpu_s"], "check_wall_s": timed["wall_s"]} if bundle else {}
    print(json.dumps({**extra, "ir_total": total, "top": top, "inclusive": inclusive, "rc": r["rc"], "findings": reach_findings(report),
                      "wall_s": r["wall_s"]}))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="step", required=True)
    c = sub.add_parser("check")
    c.add_argument("--binary", required=True)
    c.add_argument("--runs", type=int, default=5)
    c.add_argument("--timeout", type=float, default=10)
    c.add_argument("--fds", action="store_true")
    c.add_argument("--sim-pid", type=int)
    c.add_argument("--server-pid", type=int, help="the native TLS server's pid (tls.native): its CPU per run")
    c.add_argument("--extra-json", default="[]", help="JSON list of extra check arguments")
    rb = sub.add_parser("runbook")
    rb.add_argument("--names", nargs="+", required=True)
    rb.add_argument("--region", default="us-east-1")
    rb.add_argument("--vpc-cidr", required=True)
    rb.add_argument("--vpc-id", required=True)
    rb.add_argument("--aws", default="aws")
    for name in ("blackbox", "footprint"):
        b = sub.add_parser(name)
        b.add_argument("--exporter", default="/usr/bin/prometheus-blackbox-exporter")
        b.add_argument("--names", nargs="+", required=True)
        b.add_argument("--servers", nargs="+", required=True)
        b.add_argument("--addresses", required=True, help="JSON name -> [ip]")
        b.add_argument("--runs", type=int, default=5)
        b.add_argument("--binary")
        b.add_argument("--checks", type=int, default=300)
    cg = sub.add_parser("callgrind")
    cg.add_argument("--binary", required=True)
    cg.add_argument("--top", type=int, default=8)
    cg.add_argument("--keep")
    cg.add_argument("--system-cas", action="store_true", help="verify against the system CA bundle too")
    a = p.parse_args()
    {"check": step_check, "runbook": step_runbook, "blackbox": step_blackbox, "footprint": step_footprint,
     "callgrind": step_callgrind}[a.step](a)


if __name__ == "__main__":
    sys.exit(main())

"""Knob `tls.native`: the scenario's Bedrock-shaped TLS front ends served by one nginx process (Debian's nginx)
instead of the Python listeners, so that at 1,000 targets the simulator's CPU does not swamp the agent's.

    "tls": {"native": {"server": "nginx", "services": ["bsvc-*"]}}     # services: globs, default ["*"]

nginx answers every request the way bedrock.BedrockHandler answers an unsigned one (aws-reference.md 6.3, the
captured unsigned reply): 403, `x-amzn-RequestId` (a UUID), `x-amzn-ErrorType: AccessDeniedException:<coral ns>`,
body `{"Message":"Authorization header is missing"}`; `bedrock_http.unsigned_get_root: 404` gives the
UnknownOperationException reply for `/`. nginx cannot verify SigV4, so:
* the services with signed routes (bedrock.route: the four Bedrock APIs and their -fips hosts) and STS stay on
  the Python front end whatever `services` says;
* a signed request (Authorization header) that reaches nginx gets 501 with no AWS headers, never an AWS-shaped
  answer the simulator did not compute.
Listeners with faults nginx cannot model (`stall`, `reset`, `first_flight_delay_ms`, `versions: old`) stay on
Python too. nginx adds `Server: nginx` and `Connection: keep-alive`, which the Python front end does not send.
Certificates: the same chain files per service (pki.cert_for), chosen by listening address as the Python listener
does, so a client sending any SNI gets the address's service certificate.
Its config, pid file and error log live in STATE_DIR/nginx/; it runs as one process (master_process off), a
child of the simulator daemon, stopped with it (and killed with the namespace by `vpcsim down`).
"""
import fnmatch
import json
import os
import shutil
import subprocess
import time

from . import bedrock, pki, sts

SIGNED_APIS = ("bedrock", "bedrock-runtime", "bedrock-agent", "bedrock-agent-runtime")  # bedrock.route's services
NGINX_VERSIONS = {"default": "TLSv1.2 TLSv1.3", "tls1.2": "TLSv1.2", "tls1.3": "TLSv1.3"}
# Python's uuid.uuid4() text shape from nginx's $request_id (32 random hex digits): version 4, variant 8.
REQUEST_ID_MAP = ('map $request_id $brsim_request_id {\n'
                  '  "~^(?<a>.{8})(?<b>.{4}).(?<c>.{3}).(?<d>.{3})(?<e>.{12})$" "$a-$b-4$c-8$d-$e";\n}\n')


def nginx_string(text):
    """A single-quoted nginx string; the bodies here hold no `$` (nginx would expand it)."""
    assert "$" not in text
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def json_text(obj):
    return json.dumps(obj, separators=(",", ":"))  # what BedrockHandler._reply writes


def serves(service, fault, globs):
    """True when nginx can answer this listener as the Python front end would."""
    if service in SIGNED_APIS or service.endswith("-fips") and service[:-5] in SIGNED_APIS:
        return False
    if sts.handler_for(service) is not None:
        return False
    if fault.get("stall") or fault.get("reset") or fault.get("first_flight_delay_ms"):
        return False
    if fault.get("versions", "default") not in NGINX_VERSIONS:
        return False
    return any(fnmatch.fnmatchcase(service, g) for g in globs)


def server_block(ips, service, chain, key, versions, sc):
    region = sc["region"]
    lines = ["server {"]
    for ip in ips:
        lines.append("  listen %s:443 ssl;" % ("[%s]" % ip if ":" in ip else ip))
    lines += ["  server_name %s;" % " ".join(pki.service_names(service, region)),
              "  ssl_certificate %s;" % chain, "  ssl_certificate_key %s;" % key,
              "  ssl_protocols %s;" % NGINX_VERSIONS[versions],
              # nginx cannot verify SigV4: say so, without AWS headers (the agent then reports HTTP_NOT_AWS).
              "  if ($http_authorization) {",
              "    return 501 %s;" % nginx_string(json_text(
                  {"message": "vpcsim: signed requests are not served by the native front end (tls.native)"})),
              "  }",
              "  location / {",
              "    add_header x-amzn-RequestId $brsim_request_id always;",
              "    add_header x-amzn-ErrorType %s always;" % nginx_string(
                  "AccessDeniedException:" + bedrock.CORAL),
              "    return 403 %s;" % nginx_string(json_text({"Message": "Authorization header is missing"})),
              "  }"]
    if sc.get("bedrock_http", {}).get("unsigned_get_root") == 404:
        lines += ["  location = / {",
                  "    add_header x-amzn-RequestId $brsim_request_id always;",
                  "    return 404 %s;" % nginx_string(json_text(
                      {"Output": {"__type": "com.amazon.coral.service#UnknownOperationException"},
                       "Version": "1.0"})),
                  "  }"]
    return "\n".join(lines + ["}", ""])


def config(sc, groups, key, run_dir):
    """groups: {(service, chain, versions): [ip]} -> nginx.conf text."""
    temp = "\n".join("  %s_temp_path %s;" % (k, os.path.join(run_dir, "tmp", k))
                     for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    head = ("master_process off;\ndaemon off;\npid %s;\nerror_log %s warn;\n"
            "events {\n  worker_connections 8192;\n}\n"
            "http {\n  access_log off;\n  server_tokens off;\n  default_type application/json;\n"
            "  keepalive_timeout 30s;\n%s\n" % (os.path.join(run_dir, "nginx.pid"),
                                                os.path.join(run_dir, "error.log"), temp))
    body = REQUEST_ID_MAP
    for (service, chain, versions), ips in sorted(groups.items()):
        body += server_block(ips, service, chain, key, versions, sc)
    return head + "".join("  " + line + "\n" if line else "\n" for line in body.splitlines()) + "}\n"


class NativeFront:
    """One nginx serving `ips`; start() returns once its sockets listen."""

    def __init__(self, sc, state_dir, ca, targets, fault_of):
        native = sc["tls"]["native"]
        if native.get("server", "nginx") != "nginx":
            raise ValueError("tls.native.server: only nginx is supported, got %r" % native.get("server"))
        self.binary = native.get("binary") or shutil.which("nginx") or "/usr/sbin/nginx"
        if not os.access(self.binary, os.X_OK):
            raise RuntimeError("tls.native: no nginx at %s (scripts/install-deps bench installs it)" % self.binary)
        globs = native.get("services") or ["*"]
        self.run_dir = os.path.join(state_dir, "nginx")
        groups = {}
        for ip, service in targets:
            f = fault_of(service, ip)
            if serves(service, f, globs):
                chain = pki.cert_for(ca, service, sc["region"], f.get("cert", "good"), f.get("expiring_days"))
                groups.setdefault((service, chain, f.get("versions", "default")), []).append(ip)
        self.ips = {ip for ips in groups.values() for ip in ips}
        self.services = sorted({k[0] for k in groups})
        self.key = ca.key
        self.groups = groups
        self.sc = sc
        self.proc = None

    def start(self, timeout=30):
        if not self.ips:
            return
        for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            os.makedirs(os.path.join(self.run_dir, "tmp", k), exist_ok=True)
        conf = os.path.join(self.run_dir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(config(self.sc, self.groups, self.key, self.run_dir))
        err = os.path.join(self.run_dir, "error.log")
        pidfile = os.path.join(self.run_dir, "nginx.pid")
        # -e: the error log before the config is read (else nginx opens /var/log/nginx/error.log).
        self.proc = subprocess.Popen([self.binary, "-p", self.run_dir, "-e", err, "-c", conf],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(self.run_dir, "stderr.log"), "w"))
        deadline = time.time() + timeout
        # nginx writes its pid file after every listening socket is bound and listening.
        while not os.path.exists(pidfile):
            if self.proc.poll() is not None or time.time() > deadline:
                self.stop()
                log = open(err).read() if os.path.exists(err) else ""
                raise RuntimeError("nginx (tls.native) did not start:\n" + log[-2000:])
            time.sleep(0.02)
        with open(os.path.join(os.path.dirname(self.run_dir), "native-tls.json"), "w") as f:
            json.dump({"server": "nginx", "version": self.version(), "pid": self.proc.pid,
                       "addresses": len(self.ips), "services": len(self.services)}, f)

    def version(self):
        r = subprocess.run([self.binary, "-v"], capture_output=True, text=True)
        return (r.stderr or r.stdout).strip().rsplit("/", 1)[-1]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM: nginx's fast shutdown
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

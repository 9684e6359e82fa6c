"""The simulator process: runs inside the namespace and serves DNS, IMDS, the EC2 API, TLS endpoints and the proxy.

Usage (by the driver): ip netns exec brsim-NAME python3 -m simlib.daemon STATE_DIR
Writes STATE_DIR/ready when every socket is bound, or STATE_DIR/failed with the error."""
import json
import os
import signal
import socket
import sys
import threading
import time
import traceback

from . import bedrock, clock, container, credendpoints, dnsserver, ec2api, imds, nativetls, pki, principals, proxy, scenario, sts, tlsfront
from .creds import RoleCreds


class App:
    def __init__(self, sc, state_dir):
        self.sc = sc
        self.state_dir = state_dir
        role = sc["instance"].get("role")
        self.creds = RoleCreds(role, sc["name"], start=clock.now().replace(microsecond=0)) if role else None
        self.keyring = principals.Keyring(sc, self.creds)  # instance role + application principals
        self._lock = threading.Lock()
        self._events = open(os.path.join(state_dir, "events.log"), "a", buffering=1)
        self.ec2 = ec2api.Ec2App(sc, self.keyring, self.log_event)
        self.sts = sts.StsApp(sc, self.keyring, self.log_event)
        self.native = None  # nativetls.NativeFront when the scenario sets tls.native

    def lookup_secret(self, akid):
        return self.keyring.lookup(akid)

    def log_event(self, *fields):
        with self._lock:
            self._events.write(json.dumps([round(time.time(), 3)] + [str(f) for f in fields]) + "\n")


def tls_fault(sc, service, ip):
    t = sc.get("tls") or {}
    f = {"first_flight_delay_ms": t.get("first_flight_delay_ms", 0)}
    faults = t.get("faults") or {}
    f.update(faults.get(service) or {})
    f.update(faults.get(ip) or {})
    return f


def start(sc, state_dir):
    clock.install(sc)
    app = App(sc, state_dir)
    container.register_static(app)
    servers = credendpoints.start(app)
    ca = pki.Pki(os.path.join(state_dir, "pki"))
    region = sc["region"]
    # DNS
    dns = sc["dns"]
    amazon = dnsserver.Resolver("amazon", scenario.amazon_records(sc), dns.get("faults", []), dns.get("ttl", 60),
                                dns.get("delay_ms", 0), silent=not sc["vpc"].get("enable_dns_support", True))
    for ip in sc["addresses"]["amazon_dns"]:
        servers += dnsserver.serve(ip, amazon)
    cd = sc.get("custom_dns")
    if cd:
        fwd = dnsserver.forwarder(sc["vpc"]["dns_server"]) if cd.get("forward") else None
        recs = {} if cd.get("forward") else scenario.public_records(sc)
        custom = dnsserver.Resolver("custom", recs, dns.get("faults", []), dns.get("ttl", 60),
                                    cd.get("delay_ms", 0), forward=fwd)
        servers += dnsserver.serve(cd["ip"], custom)
    # IMDS
    if sc["imds"].get("fault") != "down":
        st = imds.ImdsState(sc, app.creds)
        for ip in sc["addresses"]["imds"]:
            fam = socket.AF_INET6 if ":" in ip else socket.AF_INET
            srv = imds.ImdsServer((ip, 80), st, fam)
            threading.Thread(target=srv.serve_forever, daemon=True).start()
            servers.append(srv)
    # EC2 API
    ec2_host = sc["addresses"]["ec2_api_host"]
    chain = ca.cert("ec2", [ec2_host])
    for ip in filter(None, [sc["ec2_api"]["ip"], sc["ec2_api"].get("public_ip")]):
        tlsfront.TlsListener(ip, 443, tlsfront.make_context(chain, ca.key), ec2api.Ec2Handler, app,
                             {"service": "ec2", "ip": ip}, None)
    # Bedrock listeners: ENIs of available endpoints, and public addresses
    targets = []
    for e in sc["enis"]:
        ep = sc["endpoints"][e["service"]]
        if ep["state"] != "available":
            continue
        for ip in [e["ip"], e.get("ipv6")]:
            if ip:
                targets.append((ip, e["service"], {"endpoint_id": ep["id"], "policy": ep.get("policy")}))
    for svc, ips in list(sc.get("public_addresses", {}).items()) + list(sc.get("public_addresses_v6", {}).items()):
        for ip in ips:
            targets.append((ip, svc, {}))
    # A hub VPC's endpoint ENIs (scenario "hub_endpoints"), reached over the transit gateway route.
    for svc, hub in (sc.get("hub_endpoints") or {}).items():
        for ip in hub["ips"]:
            targets.append((ip, svc, {"endpoint_id": hub["id"], "vpc_id": hub["vpc_id"], "policy": hub.get("policy")}))
    native_ips = set()
    if (sc.get("tls") or {}).get("native"):
        app.native = nativetls.NativeFront(sc, state_dir, ca, [(ip, svc) for ip, svc, _ in targets],
                                           lambda svc, ip: tls_fault(sc, svc, ip))
        app.native.start()
        native_ips = app.native.ips
    for ip, svc, extra in targets:
        if ip in native_ips:
            continue
        f = tls_fault(sc, svc, ip)
        chain = pki.cert_for(ca, svc, region, f.get("cert", "good"), f.get("expiring_days"))
        ctx = tlsfront.make_context(chain, ca.key, f.get("versions", "default"))
        info = dict(extra, service=svc, ip=ip)
        tlsfront.TlsListener(ip, 443, ctx, sts.handler_for(svc) or bedrock.BedrockHandler, app, info, f)
    # Proxy
    px = sc.get("proxy")
    if px:
        proxy.Proxy(px["ip"], int(px.get("port", 3128)), scenario.public_records(sc), app, px.get("allow_private", False))
    return app, servers


def main():
    state_dir = sys.argv[1]
    with open(os.path.join(state_dir, "scenario.json")) as f:
        sc = json.load(f)
    stop = {signal.SIGTERM, signal.SIGINT, signal.SIGHUP}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop)  # server threads inherit the mask; main thread waits below
    app = None
    try:
        app, _ = start(sc, state_dir)
    except Exception:
        with open(os.path.join(state_dir, "failed"), "w") as f:
            f.write(traceback.format_exc())
        os._exit(1)
    with open(os.path.join(state_dir, "ready"), "w") as f:
        f.write(str(os.getpid()))
    signal.sigwait(stop)
    if app.native:
        app.native.stop()
    os._exit(0)


if __name__ == "__main__":
    main()

"""A small authoritative-looking recursive resolver for the simulated VPC (UDP and TCP, port 53).

Views: "amazon" (Route 53 Resolver at VPC+2 / 169.254.169.253), "public" (what the internet answers),
"custom" (a DHCP-configured server: forwards to the Amazon resolver, or answers the public view).
Faults (scenario["dns"]["faults"], first match wins), each {"name": glob, "kind": ..., "server": amazon|custom|*}:
  nxdomain | servfail | refused | silence | truncate (UDP gets TC=1, TCP the answer) | delay (delay_ms) |
  cname (chain: [names]; the last name carries the original records).
"""
import fnmatch
import socket
import socketserver
import struct
import threading
import time

QTYPES = {1: "A", 28: "AAAA", 5: "CNAME"}
RCODES = {"NOERROR": 0, "SERVFAIL": 2, "NXDOMAIN": 3, "REFUSED": 5}


def parse_query(msg):
    if len(msg) < 12:
        raise ValueError("short")
    qid, flags, qd, an, ns, ar = struct.unpack("!6H", msg[:12])
    pos, labels = 12, []
    while True:
        n = msg[pos]
        pos += 1
        if n == 0:
            break
        labels.append(msg[pos:pos + n].decode("ascii", "replace"))
        pos += n
    qtype, qclass = struct.unpack("!HH", msg[pos:pos + 4])
    qend = pos + 4
    udp_size, edns = 512, False
    if ar and len(msg) >= qend + 11 and msg[qend] == 0 and struct.unpack("!H", msg[qend + 1:qend + 3])[0] == 41:
        udp_size, edns = max(512, struct.unpack("!H", msg[qend + 3:qend + 5])[0]), True
    return {"id": qid, "rd": flags & 0x0100, "name": ".".join(labels), "qtype": qtype, "qclass": qclass,
            "question": msg[12:qend], "edns": edns, "udp_size": udp_size}


def encode_name(name):
    out = b""
    for label in [p for p in name.rstrip(".").split(".") if p]:
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def rr(name, rtype, ttl, rdata):
    return encode_name(name) + struct.pack("!HHIH", rtype, 1, ttl, len(rdata)) + rdata


def build_reply(q, rcode, answers, tc=False):
    flags = 0x8000 | q["rd"] | 0x0080 | rcode | (0x0200 if tc else 0)
    opt = b"\0" + struct.pack("!HHIH", 41, 1232, 0, 0) if q["edns"] else b""
    head = struct.pack("!6H", q["id"], flags, 1, len(answers), 0, 1 if opt else 0)
    return head + q["question"] + b"".join(answers) + opt


def addr_rdata(rtype, ip):
    return socket.inet_pton(socket.AF_INET if rtype == 1 else socket.AF_INET6, ip)


class Resolver:
    """Answers from a records map name -> {"A": [...], "AAAA": [...]} plus faults."""

    def __init__(self, server, records, faults, ttl, delay_ms, silent=False, forward=None):
        self.server, self.records, self.faults = server, records, faults
        self.ttl, self.delay_ms, self.silent, self.forward = ttl, delay_ms, silent, forward
        self.cnames = {}
        for f in faults:
            if f.get("kind") == "cname" and "*" not in f["name"]:
                chain = [f["name"]] + f.get("chain", [])
                for a, b in zip(chain, chain[1:]):
                    self.cnames[a.lower()] = b.lower()
                self.records.setdefault(chain[-1].lower(), self.records.get(f["name"].lower(), {"A": [], "AAAA": []}))
        self.log = []

    def fault_for(self, name):
        for f in self.faults:
            if f.get("server", "*") not in ("*", self.server):
                continue
            if fnmatch.fnmatch(name, f.get("name", "*").lower()):
                return f
        return None

    def answer(self, raw, transport):
        """-> reply bytes or None (silence)."""
        q = parse_query(raw)
        name = q["name"].lower().rstrip(".")
        self.log.append((transport, name, q["qtype"]))
        f = self.fault_for(name)
        kind = f.get("kind") if f else None
        delay = self.delay_ms + (f.get("delay_ms", 0) if f else 0)
        if delay:
            time.sleep(delay / 1000.0)
        if self.silent or kind == "silence":
            return None
        if kind in ("nxdomain", "servfail", "refused"):
            return build_reply(q, RCODES[kind.upper()], [])
        if kind == "truncate" and transport == "udp":
            return build_reply(q, 0, [], tc=True)
        if self.forward and name not in self.records and name not in self.cnames:
            return self.forward(raw)
        answers, cur, seen = [], name, set()
        while cur in self.cnames and cur not in seen:
            seen.add(cur)
            answers.append(rr(cur, 5, self.ttl, encode_name(self.cnames[cur])))
            cur = self.cnames[cur]
        rec = self.records.get(cur)
        if rec is None and not answers:
            if self.forward:
                return self.forward(raw)
            return build_reply(q, RCODES["NXDOMAIN"], [])
        want = QTYPES.get(q["qtype"])
        for ip in (rec or {}).get(want, []) if want in ("A", "AAAA") else []:
            answers.append(rr(cur, q["qtype"], self.ttl, addr_rdata(q["qtype"], ip)))
        reply = build_reply(q, 0, answers)
        if transport == "udp" and len(reply) > q["udp_size"]:
            return build_reply(q, 0, [], tc=True)
        return reply


def forwarder(target, timeout=2.0):
    def fwd(raw):
        fam = socket.AF_INET6 if ":" in target else socket.AF_INET
        with socket.socket(fam, socket.SOCK_DGRAM) as s:
            s.settimeout(timeout)
            try:
                s.sendto(raw, (target, 53))
                data, _ = s.recvfrom(65535)
                if data[2] & 0x02:  # truncated: retry over TCP
                    with socket.create_connection((target, 53), timeout=timeout) as t:
                        t.sendall(struct.pack("!H", len(raw)) + raw)
                        n = struct.unpack("!H", _recv(t, 2))[0]
                        data = _recv(t, n)
                return data
            except OSError:
                q = parse_query(raw)
                return build_reply(q, RCODES["SERVFAIL"], [])
    return fwd


def _recv(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise OSError("eof")
        buf += chunk
    return buf


class UdpHandler(socketserver.BaseRequestHandler):
    def handle(self):
        data, sock = self.request
        try:
            reply = self.server.resolver.answer(data, "udp")
        except Exception:
            return
        if reply:
            sock.sendto(reply, self.client_address)


class TcpHandler(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.settimeout(10)
        try:
            while True:
                n = struct.unpack("!H", _recv(self.request, 2))[0]
                reply = self.server.resolver.answer(_recv(self.request, n), "tcp")
                if reply:
                    self.request.sendall(struct.pack("!H", len(reply)) + reply)
        except (OSError, ValueError, struct.error):
            pass


class UdpServer(socketserver.ThreadingUDPServer):
    daemon_threads = True
    allow_reuse_address = True


class TcpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # many TCP fallbacks at once must not wait for SYN retransmits


def serve(ip, resolver):
    """Start UDP+TCP servers on ip:53 in background threads; returns the servers."""
    fam = socket.AF_INET6 if ":" in ip else socket.AF_INET
    out = []
    for cls, handler in ((UdpServer, UdpHandler), (TcpServer, TcpHandler)):
        cls.address_family = fam
        srv = cls((ip, 53), handler)
        srv.resolver = resolver
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        out.append(srv)
    return out

"""IMDSv2 on 169.254.169.254:80 (aws-reference.md section 3.1).

Scenario knobs (scenario["imds"]): enabled (false -> 403 everywhere), v2_required, delay_ms,
fault: null | "down" (nothing listens) | "slow" (delay_ms, default 3000) | "always-401" | "creds-error".
"""
import http.server
import json
import secrets
import socket
import threading
import time

from . import frontend

from .creds import iso

ERR_PAGE = ('<?xml version="1.0" encoding="iso-8859-1"?>\n'
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"\n'
            '\t"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
            '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">\n'
            ' <head>\n  <title>{code} - {text}</title>\n </head>\n'
            ' <body>\n  <h1>{code} - {text}</h1>\n </body>\n</html>\n')
REASONS = {400: "Missing or Invalid Parameters", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           405: "Method Not Allowed"}


def pretty(obj):
    return json.dumps(obj, indent=2, separators=(",", " : "))


def build_tree(sc, creds):
    """Nested dict; leaves are strings or callables returning (status, body)."""
    inst, vpc = sc["instance"], sc["vpc"]
    sn = sc["subnets"][inst["subnet"]]
    sgs = [sc["security_groups"][k] for k in inst["security_groups"]]
    mac = {
        "device-number": "0", "interface-id": inst["eni"], "local-hostname": inst["hostname"],
        "local-ipv4s": inst["ip"], "mac": inst["mac"], "owner-id": sc["account"],
        "security-group-ids": "\n".join(g["id"] for g in sgs), "security-groups": "\n".join(g["name"] for g in sgs),
        "subnet-id": sn["id"], "subnet-ipv4-cidr-block": sn["cidr"], "vpc-id": vpc["id"],
        "vpc-ipv4-cidr-block": vpc["cidrs"][0], "vpc-ipv4-cidr-blocks": "\n".join(vpc["cidrs"]),
    }
    if inst.get("ipv6"):
        mac["ipv6s"] = inst["ipv6"]
        mac["subnet-ipv6-cidr-blocks"] = sn["ipv6_cidr"]
        mac["vpc-ipv6-cidr-blocks"] = "\n".join(vpc["ipv6_cidrs"])
    md = {
        "ami-id": inst.get("ami", "ami-0c02fb55956c7d316"), "hostname": inst["hostname"],
        "instance-id": inst["id"], "instance-type": inst.get("instance_type", "m6i.large"),
        "local-hostname": inst["hostname"], "local-ipv4": inst["ip"], "mac": inst["mac"],
        "placement": {"availability-zone": inst["az"], "availability-zone-id": inst["az_id"],
                      "region": sc["region"]},
        "network": {"interfaces": {"macs": {inst["mac"]: mac}}},
        "security-groups": "\n".join(g["name"] for g in sgs),
        "services": {"domain": "amazonaws.com", "partition": "aws"},
    }
    if inst.get("ipv6"):
        md["ipv6"] = inst["ipv6"]
    role = inst.get("role")
    fault = sc["imds"].get("fault")
    if role:
        def info():
            return 200, pretty({"Code": "Success", "LastUpdated": iso(creds.start),
                                "InstanceProfileArn": role["instance_profile_arn"],
                                "InstanceProfileId": "AIPA" + inst["id"][2:].upper()[:17]})

        def cred_doc():
            if fault == "creds-error":
                return 200, pretty({"Code": "AssumeRoleUnauthorizedAccess",
                                    "Message": "EC2 cannot assume the role %s.  Please see documentation at "
                                               "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html#roles-usingrole-ec2instance-roles." % role["name"],
                                    "LastUpdated": iso(creds.start)})
            c = creds.current()
            return 200, pretty({"Code": "Success", "LastUpdated": iso(c["Issued"]), "Type": "AWS-HMAC",
                                "AccessKeyId": c["AccessKeyId"], "SecretAccessKey": c["SecretAccessKey"],
                                "Token": c["Token"], "Expiration": iso(c["Expiration"])})
        md["iam"] = {"info": info, "security-credentials": {role["name"]: cred_doc}}
    ident = pretty({"accountId": sc["account"], "architecture": "x86_64", "availabilityZone": inst["az"],
                    "billingProducts": None, "devpayProductCodes": None, "marketplaceProductCodes": None,
                    "imageId": md["ami-id"], "instanceId": inst["id"], "instanceType": md["instance-type"],
                    "kernelId": None, "pendingTime": "2026-01-05T08:00:00Z", "privateIp": inst["ip"],
                    "ramdiskId": None, "region": sc["region"], "version": "2017-09-30"})
    return {"meta-data": md, "dynamic": {"instance-identity": {"document": ident}}}


def lookup(tree, path):
    """-> (status, body). Directories list children (sub-dirs with '/'); trailing slash tolerated."""
    node = tree
    for part in [p for p in path.split("/") if p]:
        if not isinstance(node, dict) or part not in node:
            return 404, None
        node = node[part]
    if isinstance(node, dict):
        return 200, "\n".join(k + "/" if isinstance(v, dict) else k for k, v in node.items())
    if callable(node):
        return node()
    return 200, node


class ImdsState:
    def __init__(self, sc, creds):
        self.sc = sc
        self.cfg = sc["imds"]
        self.tree = build_tree(sc, creds)
        self.tokens = {}
        self.lock = threading.Lock()
        self.log = []

    def new_token(self, ttl):
        tok = secrets.token_urlsafe(42)[:56]
        with self.lock:
            self.tokens[tok] = time.time() + ttl
        return tok

    def token_ok(self, tok):
        with self.lock:
            exp = self.tokens.get(tok)
        return exp is not None and exp > time.time()


class ImdsHandler(frontend.AwsHandler):
    server_version = "EC2ws"

    def _send(self, code, body, extra=None, ctype="text/plain"):
        if body is None:
            body = ERR_PAGE.format(code=code, text=REASONS.get(code, "Error"))
            ctype = "text/html"
        data = body.encode()
        self.send_response(code, REASONS.get(code))
        self.send_header("Content-Type", ctype)
        self.send_header("Accept-Ranges", "none")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _pre(self):
        st = self.server.st
        st.log.append((self.command, self.path))
        cfg = st.cfg
        delay = cfg.get("delay_ms", 0) or (3000 if cfg.get("fault") == "slow" else 0)
        if delay:
            time.sleep(delay / 1000.0)
        if self.headers.get("Content-Length"):
            self.rfile.read(int(self.headers["Content-Length"]))
        if not cfg.get("enabled", True):
            self._send(403, None)
            return None
        return st

    def do_PUT(self):
        st = self._pre()
        if not st:
            return
        path = self.path.split("?")[0]
        if path.rstrip("/") != "/latest/api/token":
            return self._send(403 if path.endswith("/api/token") else 404, None)
        if self.headers.get("X-Forwarded-For"):
            return self._send(403, None)
        ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds", "")
        if not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
            return self._send(400, None)
        tok = st.new_token(int(ttl))
        if self.connection.family == socket.AF_INET:
            # like EC2: the token reply leaves with IP TTL = HttpPutResponseHopLimit (imds.put_hop_limit, default 1),
            # https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-existing-instances.html
            self.connection.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, int(st.cfg.get("put_hop_limit", 1)))
        self._send(200, tok, {"X-aws-ec2-metadata-token-ttl-seconds": ttl})

    def do_GET(self):
        st = self._pre()
        if not st:
            return
        tok = self.headers.get("X-aws-ec2-metadata-token")
        if st.cfg.get("fault") == "always-401":
            return self._send(401, None)
        if tok is not None and not st.token_ok(tok):
            return self._send(401, None)
        if tok is None and st.cfg.get("v2_required", True):
            return self._send(401, None)
        path = self.path.split("?")[0]
        if path in ("/", ""):
            return self._send(200, "latest")
        if not path.startswith("/latest"):
            return self._send(404, None)
        rest = path[len("/latest"):]
        if rest.strip("/") == "":
            return self._send(200, "dynamic\nmeta-data")
        code, body = lookup(st.tree, rest)
        extra = {"X-aws-ec2-metadata-token-ttl-seconds": "21600"} if tok else None
        self._send(code, body, extra)

    do_HEAD = do_GET

    def do_POST(self):
        self._pre()
        self._send(405, None)


class ImdsServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog of 5 drops the SYNs of a client that opens ten connections
    # at once (the agent does); each then waits for a 1 s retransmit. Real IMDS does not.
    request_queue_size = 128

    def __init__(self, addr, st, family):
        self.address_family = family
        self.st = st
        super().__init__(addr, ImdsHandler)

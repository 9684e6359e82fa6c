"""EC2 Query API (2016-11-15) over HTTPS: SigV4, filters, id lists, paging, AWS-shaped XML and errors.

Scenario knobs (scenario["ec2_api"]): delay_ms, page_size, throttle_first (first N calls -> 503
RequestLimitExceeded), throttle_first_per_action (first N calls of each action -> 503), unauthorized [actions] (403), fault null|"500"|"garbage"|"slow"|"oversized"
(fault_actions [] = every action; slow_ms, oversize_bytes), action_faults {Action: fault} (wins over fault).
"""
import base64
import fnmatch
import json
import threading
import time
import urllib.parse
import uuid
from xml.sax.saxutils import escape

from . import accounts, appliances, bedrock, ec2model, prefixlists, sigv4
from . import frontend

NS = "http://ec2.amazonaws.com/doc/2016-11-15/"
# action -> (resources fn, list element, id parameter, NotFound code, id noun, MaxResults bounds)
ACTIONS = {
    "DescribeVpcEndpoints": (ec2model.endpoints, "vpcEndpointSet", "VpcEndpointId", "InvalidVpcEndpointId.NotFound",
                             "VpcEndpoint Id", (1, 1000)),
    "DescribeNetworkInterfaces": (ec2model.network_interfaces, "networkInterfaceSet", "NetworkInterfaceId",
                                  "InvalidNetworkInterfaceID.NotFound", "networkInterface ID", (5, 1000)),
    "DescribeRouteTables": (ec2model.route_tables, "routeTableSet", "RouteTableId", "InvalidRouteTableID.NotFound",
                            "routeTable ID", (5, 100)),
    "DescribeSecurityGroups": (ec2model.security_groups, "securityGroupInfo", "GroupId", "InvalidGroup.NotFound",
                               "security group", (5, 1000)),
    "DescribeNetworkAcls": (ec2model.network_acls, "networkAclSet", "NetworkAclId", "InvalidNetworkAclID.NotFound",
                            "networkAcl ID", (5, 1000)),
    "DescribeSubnets": (ec2model.subnets, "subnetSet", "SubnetId", "InvalidSubnetID.NotFound", "subnet ID", (5, 1000)),
    "DescribeVpcs": (ec2model.vpcs, "vpcSet", "VpcId", "InvalidVpcID.NotFound", "vpc ID", (5, 1000)),
    "DescribeDhcpOptions": (ec2model.dhcp_options, "dhcpOptionsSet", "DhcpOptionsId", "InvalidDhcpOptionID.NotFound",
                            "dhcp option ID", (5, 1000)),
    # Managed prefix lists (prefixlists.py); GetManagedPrefixListEntries is handled apart (one id, no filters).
    "DescribeManagedPrefixLists": (prefixlists.managed_prefix_lists, "prefixListSet", "PrefixListId",
                                   "InvalidPrefixListID.NotFound", "prefix list ID", (1, 100)),
}
VPC_ATTRS = {"enableDnsSupport": "enable_dns_support", "enableDnsHostnames": "enable_dns_hostnames",
             "enableNetworkAddressUsageMetrics": "enable_network_address_usage_metrics"}


class ApiError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def render(tag, v, ind):
    pad = "    " * ind
    if v is None:
        return ""
    if isinstance(v, bool):
        return "%s<%s>%s</%s>\n" % (pad, tag, "true" if v else "false", tag)
    if isinstance(v, (int, str)):
        return "%s<%s>%s</%s>\n" % (pad, tag, escape(str(v)), tag)
    if isinstance(v, list):
        if not v:
            return "%s<%s/>\n" % (pad, tag)
        body = "".join(render("item", it, ind + 1) for it in v)
    else:
        body = "".join(render(k, vv, ind + 1) for k, vv in v.items())
    return "%s<%s>\n%s%s</%s>\n" % (pad, tag, body, pad, tag)


def document(action, body_dict, request_id):
    inner = "    <requestId>%s</requestId>\n" % request_id
    inner += "".join(render(k, v, 1) for k, v in body_dict.items())
    return '<?xml version="1.0" encoding="UTF-8"?>\n<%sResponse xmlns="%s">\n%s</%sResponse>' % (
        action, NS, inner, action)


def error_xml(code, message, request_id):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>%s</Code><Message>%s</Message>'
            '</Error></Errors><RequestID>%s</RequestID></Response>' % (code, escape(message), request_id))


def parse_params(params):
    filters, ids = {}, {}
    for k, v in params.items():
        parts = k.split(".")
        if parts[0] == "Filter" and len(parts) >= 3:
            f = filters.setdefault(parts[1], {"name": None, "values": []})
            if parts[2] == "Name":
                f["name"] = v
            elif parts[2] == "Value":
                f["values"].append((int(parts[3]) if len(parts) > 3 and parts[3].isdigit() else 0, v))
        elif len(parts) == 2 and parts[1].isdigit():
            ids.setdefault(parts[0], []).append((int(parts[1]), v))
    flist = [(f["name"], [v for _, v in sorted(f["values"])]) for _, f in sorted(filters.items(), key=lambda kv: int(kv[0]) if kv[0].isdigit() else 0)]
    return flist, {k: [v for _, v in sorted(vs)] for k, vs in ids.items()}


def matches(res, name, values):
    if name.startswith("tag:"):
        have = [res.tags.get(name[4:])] if name[4:] in res.tags else []
    elif name == "tag-key":
        have = list(res.tags)
    else:
        have = res.fv.get(name)
        if have is None:
            raise ApiError(400, "InvalidParameterValue", "The filter '%s' is invalid" % name)
    return any(fnmatch.fnmatchcase(h, v) for h in have for v in values)


class Ec2App:
    def __init__(self, sc, creds, log_event=None):
        self.sc = sc
        # Every call reaches events.log as ["ec2", Action, "first"|"page"] (a NextToken call is a further page):
        # tests count the reads per action.
        self.log_event = log_event or (lambda *fields: None)
        self.cfg = sc["ec2_api"]
        self.creds = creds
        self.calls = 0
        self.per_action = {}
        self.lock = threading.Lock()
        self.log = []

    def lookup_secret(self, akid):
        return self.creds.lookup(akid) if self.creds else None

    def handle(self, method, target, headers, body):
        """-> (status, body_bytes, content_type)."""
        rid = str(uuid.uuid4())
        try:
            return 200, self._handle(method, target, headers, body, rid).encode(), "text/xml;charset=UTF-8"
        except ApiError as e:
            return e.status, error_xml(e.code, e.message, rid).encode(), "text/xml;charset=UTF-8"

    def _handle(self, method, target, headers, body, rid):
        cfg = self.cfg
        if cfg.get("delay_ms"):
            time.sleep(cfg["delay_ms"] / 1000.0)
        query = target.partition("?")[2]
        params = dict(urllib.parse.parse_qsl(body.decode() if method == "POST" else query, keep_blank_values=True))
        action = params.get("Action", "")
        self.log.append(action)
        self.log_event("ec2", action, "page" if params.get("NextToken") else "first")
        with self.lock:
            self.calls += 1
            n = self.calls
            self.per_action[action] = k = self.per_action.get(action, 0) + 1
        try:
            akid = sigv4.verify(method, target, headers, body, self.sc["region"], "ec2", self.lookup_secret)
        except sigv4.SigError as e:
            if e.kind == "skew":
                raise ApiError(400, "RequestExpired", "Request has expired.")
            if e.kind == "expired":
                raise ApiError(400, "RequestExpired", "Request has expired.")
            raise ApiError(401, "AuthFailure", "AWS was not able to validate the provided access credentials")
        if n <= int(cfg.get("throttle_first", 0)) or k <= int(cfg.get("throttle_first_per_action", 0)):
            raise ApiError(503, "RequestLimitExceeded", "Request limit exceeded.")
        if action not in ACTIONS and action not in ("DescribeVpcAttribute", "GetManagedPrefixListEntries"):
            raise ApiError(400, "InvalidAction", "The action %s is not valid for this web service." % action)
        role = self.creds.principal(akid) or self.sc["instance"].get("role") or {}
        allowed = any(fnmatch.fnmatch("ec2:" + action.lower(), a.lower()) or a == "*" for a in role.get("allow", []))
        if action in cfg.get("unauthorized", []) or not allowed:
            raise ApiError(403, "UnauthorizedOperation",
                           "You are not authorized to perform this operation. User: %s is not authorized to perform: "
                           "ec2:%s because no identity-based policy allows the ec2:%s action"
                           % (role.get("session_arn", "anonymous"), action, action))
        fault = (cfg.get("action_faults") or {}).get(action)
        if not fault and (not cfg.get("fault_actions") or action in cfg["fault_actions"]):
            fault = cfg.get("fault")
        if fault:
            if fault == "500":
                raise ApiError(500, "InternalError", "An internal error has occurred")
            if fault == "garbage":
                return "<html><body>\x00\x17 upstream connect error or disconnect/reset before headers" * 3
            if fault == "slow":
                time.sleep(cfg.get("slow_ms", 10000) / 1000.0)
        if params.get("DryRun") == "true":
            raise ApiError(412, "DryRunOperation", "Request would have succeeded, but DryRun flag is set.")
        if action == "DescribeVpcAttribute":
            doc = self._vpc_attribute(params, rid)
        elif action == "GetManagedPrefixListEntries":
            visible = {r.id for r in accounts.view(self.sc, "DescribeManagedPrefixLists",
                                                   prefixlists.managed_prefix_lists(self.sc))}
            doc = document(action, prefixlists.entries_doc(self.sc, params, visible, ApiError), rid)
        else:
            doc = self._describe(action, params, rid)
        if fault == "oversized":
            pad = int(cfg.get("oversize_bytes", 16 * 1024 * 1024))
            doc = doc.replace("<requestId>", "<!-- %s -->\n    <requestId>" % ("x" * pad), 1)
        return doc

    def _vpc_attribute(self, params, rid):
        vpc = self.sc["vpc"]
        if "VpcId" not in params:
            raise ApiError(400, "MissingParameter", "The request must contain the parameter vpcId")
        attr = params.get("Attribute")
        if not attr:
            raise ApiError(400, "MissingParameter", "The request must contain the parameter attribute")
        if attr not in VPC_ATTRS:
            raise ApiError(400, "InvalidParameterValue", "Value (%s) for parameter attribute is invalid. "
                           "Unknown attribute." % attr)
        if params["VpcId"] != vpc["id"]:
            raise ApiError(400, "InvalidVpcID.NotFound", "The vpc ID '%s' does not exist" % params["VpcId"])
        return document("DescribeVpcAttribute", {"vpcId": vpc["id"], attr: {"value": bool(vpc.get(VPC_ATTRS[attr]))}}, rid)

    def _describe(self, action, params, rid):
        fn, list_tag, id_param, nf_code, noun, (lo, hi) = ACTIONS[action]
        filters, ids = parse_params(params)
        # the caller's view: appliance (GWLB) endpoints added, other accounts' resources removed (accounts.py)
        items = accounts.view(self.sc, action, fn(self.sc) + appliances.extra(self.sc, action))
        want = ids.get(id_param, [])
        if action == "DescribeSecurityGroups" and ids.get("GroupName"):
            names = ids["GroupName"]
            items = [r for r in items if r.xml["groupName"] in names]
        if want:
            have = {r.id for r in items}
            missing = [w for w in want if w not in have]
            if missing:
                raise ApiError(400, nf_code, "The %s '%s' does not exist" % (noun, missing[0]))
            items = [r for r in items if r.id in want]
        for name, values in filters:
            if not name:
                raise ApiError(400, "InvalidParameterValue", "The filter 'null' is invalid")
            items = [r for r in items if matches(r, name, values)]
        mr = params.get("MaxResults")
        if mr is not None:
            if action == "DescribeNetworkInterfaces" and want:
                raise ApiError(400, "InvalidParameterCombination",
                               "The parameter NetworkInterfaceIds cannot be used with the parameter MaxResults")
            if not mr.isdigit() or not lo <= int(mr) <= max(hi, int(mr) if action == "DescribeVpcEndpoints" else hi):
                raise ApiError(400, "InvalidParameterValue", "Value ( %s ) for parameter maxResults is invalid. "
                               "Parameter must be between %d and %d." % (mr, lo, hi))
        size = min(int(self.cfg.get("page_size") or 1000), int(mr) if mr else 1000, 1000)
        start = 0
        if params.get("NextToken"):
            try:
                tok = json.loads(base64.b64decode(params["NextToken"]))
                assert tok["a"] == action
                start = int(tok["o"])
            except Exception:
                raise ApiError(400, "InvalidParameterValue", "The token '%s' is invalid." % params["NextToken"])
        page = items[start:start + size]
        out = {list_tag: [r.xml for r in page]}
        if start + size < len(items):
            out["nextToken"] = base64.b64encode(json.dumps({"v": 1, "a": action, "o": start + size}).encode()).decode()
        return document(action, out, rid)


class Ec2Handler(frontend.AwsHandler):
    server_version = "AmazonEC2"

    def _serve(self):
        body = bedrock.read_body(self)
        status, data, ctype = self.server.app.ec2.handle(self.command, self.path, list(self.headers.items()), body)
        self.send_response(status)
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.send_header("Content-Type", ctype)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Vary", "accept-encoding")
        self.end_headers()
        # 1 MiB chunks: each write hands OpenSSL a large buffer with the GIL released. In 64 KiB
        # pieces an oversized reply (16 MiB, ten at once) kept this process' other front ends
        # (the Bedrock listeners) waiting for the GIL, and their handshakes looked slow to the agent.
        # Chunk sizes are the server's choice (RFC 9112 section 7.1); clients must take any.
        view = memoryview(data)
        for i in range(0, len(data), 1 << 20):
            chunk = view[i:i + (1 << 20)]
            self.wfile.write(b"%x\r\n" % len(chunk))
            self.wfile.write(chunk)
            self.wfile.write(b"\r\n")
        self.wfile.write(b"0\r\n\r\n")

    do_GET = do_POST = _serve

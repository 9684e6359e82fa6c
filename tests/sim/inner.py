"""Checks that run INSIDE a simulator namespace (via `vpcsim exec NAME -- python3 inner.py CMD`), printing JSON.

They use botocore as an independent AWS client: credentials from IMDS, EC2 endpoint from AWS_ENDPOINT_URL_EC2,
trust from AWS_CA_BUNDLE."""
import datetime
import json
import os
import ssl
import sys
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

REGION = os.environ.get("SIM_REGION", "us-east-1")
EC2_URL = os.environ.get("AWS_ENDPOINT_URL_EC2", "https://ec2.%s.amazonaws.com" % REGION)
_session = None


def session():
    global _session
    if _session is None:
        import botocore.session
        _session = botocore.session.get_session()
    return _session


def creds():
    c = session().get_credentials()
    return c.get_frozen_credentials() if c else None


def Credentials(*a):
    from botocore.credentials import Credentials as C
    return C(*a)


def send(url, method="POST", body=b"", service="ec2", region=REGION, cred=None, skew=0, headers=None):
    """Sign with botocore SigV4 (unless cred is False) and send; -> (status, headers, body bytes)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    hdrs = dict(headers or {})
    if method == "POST" and service == "ec2":
        hdrs.setdefault("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
    req = AWSRequest(method=method, url=url, data=body, headers=hdrs)
    if cred is not False:
        c = cred or creds()
        auth = SigV4Auth(Credentials(c.access_key, c.secret_key, c.token), service, region)
        if skew:
            import botocore.auth as ba
            old = ba.get_current_datetime
            ba.get_current_datetime = lambda *a: old(*a) + datetime.timedelta(seconds=skew)
            try:
                auth.add_auth(req)
            finally:
                ba.get_current_datetime = old
        else:
            auth.add_auth(req)
    p = req.prepare()
    ctx = ssl.create_default_context(cafile=os.environ["AWS_CA_BUNDLE"])
    r = urllib.request.Request(p.url, data=p.body or None, method=method, headers=dict(p.headers.items()))
    try:
        with urllib.request.urlopen(r, context=ctx, timeout=20) as resp:
            return resp.status, dict(resp.headers.items()), resp.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers.items()), e.read()


def walk(e, shape, path, errs, shapes):
    sh = shapes[shape]
    t = sh["type"]
    tag = lambda x: x.tag.split("}")[-1]  # noqa: E731
    if t == "structure":
        names = {mv.get("locationName", mn): mv["shape"] for mn, mv in sh["members"].items()}
        for c in e:
            if tag(c) not in names:
                errs.append("%s/%s not in %s" % (path, tag(c), shape))
            else:
                walk(c, names[tag(c)], path + "/" + tag(c), errs, shapes)
    elif t == "list":
        ln = sh["member"].get("locationName", "member")
        for c in e:
            if tag(c) != ln:
                errs.append("%s/%s expected %s" % (path, tag(c), ln))
            else:
                walk(c, sh["member"]["shape"], path + "/" + ln, errs, shapes)
    else:
        if len(list(e)):
            errs.append(path + " scalar has children")
        if "enum" in sh and e.text not in sh["enum"] and e.text.lower() not in [x.lower() for x in sh["enum"]]:
            errs.append("%s=%r not in enum" % (path, e.text))


CALLS = {
    "DescribeVpcEndpoints": "", "DescribeNetworkInterfaces": "", "DescribeRouteTables": "",
    "DescribeSecurityGroups": "", "DescribeNetworkAcls": "", "DescribeSubnets": "", "DescribeVpcs": "",
    "DescribeDhcpOptions": "", "DescribeVpcAttribute": "&VpcId=%s&Attribute=enableDnsSupport",
    "DescribeManagedPrefixLists": "",
}


def cmd_strict(vpc_id):
    """Raw XML of every action: element names vs the model, botocore parse, envelope."""
    from botocore import parsers
    out = {}
    parser = parsers.create_parser("ec2")
    om = session().get_service_model("ec2")
    model = session().get_service_data("ec2")
    shapes = model["shapes"]
    for action, extra in CALLS.items():
        extra = extra % vpc_id if "%s" in extra else extra
        status, hdrs, body = send(EC2_URL + "/", body=("Action=%s&Version=2016-11-15%s" % (action, extra)).encode())
        errs = []
        root = ET.fromstring(body)
        if root.tag != "{http://ec2.amazonaws.com/doc/2016-11-15/}%sResponse" % action:
            errs.append("root " + root.tag)
        out_shape = model["operations"][action]["output"]["shape"]
        names = {mv.get("locationName", mn): mv["shape"] for mn, mv in shapes[out_shape]["members"].items()}
        for c in root:
            t = c.tag.split("}")[-1]
            if t == "requestId":
                continue
            if t not in names:
                errs.append("top " + t)
            else:
                walk(c, names[t], t, errs, shapes)
        parsed = parser.parse({"status_code": status, "headers": hdrs, "body": body},
                              om.operation_model(action).output_shape)
        out[action] = {"status": status, "errors": errs, "server": hdrs.get("Server"),
                       "request_id": parsed.get("ResponseMetadata", {}).get("RequestId"),
                       "keys": sorted(k for k in parsed if k != "ResponseMetadata")}
    print(json.dumps(out))


def cmd_sig():
    """Mis-signed EC2 requests: each must be refused."""
    c = creds()
    body = b"Action=DescribeVpcs&Version=2016-11-15"
    wrong = Credentials(c.access_key, "x" * 40, c.token)
    res = {}
    for name, kw in {"good": {}, "wrong-secret": {"cred": wrong}, "wrong-region": {"region": "us-west-2"},
                     "wrong-service": {"service": "bedrock"}, "skew": {"skew": 900}, "unsigned": {"cred": False},
                     "unknown-key": {"cred": Credentials("ASIAAAAAAAAAAAAAAAAA", c.secret_key, c.token)}}.items():
        st, h, b = send(EC2_URL + "/", body=body, **kw)
        code = None
        if st != 200:
            root = ET.fromstring(b)
            code = root.findtext("Errors/Error/Code")
            assert root.findtext("RequestID"), b
        res[name] = {"status": st, "code": code}
    print(json.dumps(res))


def cmd_bedrock(*urls):
    """Signed and unsigned calls to Bedrock URLs: 'METHOD URL'."""
    res = []
    for spec in urls:
        method, url = spec.split(" ", 1)
        body = b"{}" if method == "POST" else b""
        hdr = {"Content-Type": "application/json"} if body else {}
        for signed in (False, True):
            st, h, b = send(url, method=method, body=body, service="bedrock", cred=None if signed else False,
                            headers=hdr)
            h = {k.lower(): v for k, v in h.items()}
            res.append({"url": url, "signed": signed, "status": st, "request_id": h.get("x-amzn-requestid"),
                        "error_type": h.get("x-amzn-errortype"), "body": json.loads(b or b"null")})
    print(json.dumps(res))


def send_from(source, url, method="POST", body=b"{}"):
    """A botocore-signed Bedrock call from a chosen source address (an instance in another subnet); "" binds
    none (the instance itself). -> {"source", "status", "error_type", "message"}."""
    import http.client
    import urllib.parse
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    c = creds()
    req = AWSRequest(method=method, url=url, data=body, headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials(c.access_key, c.secret_key, c.token), "bedrock", REGION).add_auth(req)
    p = req.prepare()
    parts = urllib.parse.urlsplit(p.url)
    ctx = ssl.create_default_context(cafile=os.environ["AWS_CA_BUNDLE"])
    conn = http.client.HTTPSConnection(parts.hostname, 443, context=ctx, timeout=20,
                                       source_address=(source, 0) if source else None)
    try:
        conn.request(method, parts.path + ("?" + parts.query if parts.query else ""), body=p.body,
                     headers=dict(p.headers.items()))
        resp = conn.getresponse()
        data = json.loads(resp.read() or b"null") or {}
        return {"source": source, "status": resp.status, "error_type": resp.getheader("x-amzn-ErrorType"),
                "message": data.get("message") or data.get("Message")}
    finally:
        conn.close()


def cmd_bedrock_from(spec, *sources):
    """The same signed call ('METHOD URL') from each source address ("-": none bound, the instance's own)."""
    method, url = spec.split(" ", 1)
    body = b"{}" if method == "POST" else b""
    print(json.dumps([send_from("" if src == "-" else src, url, method, body) for src in sources]))


def cmd_awscli(spec):
    """Run several aws-cli command lines in ONE process (the CLI's model loading dominates its run time);
    print [{rc, out, err}]."""
    import contextlib
    import io
    from awscli.clidriver import create_clidriver
    driver = create_clidriver()
    res = []
    for argv in json.loads(spec):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                rc = driver.main(list(argv))
            except SystemExit as e:
                rc = e.code
        res.append({"rc": rc, "out": out.getvalue(), "err": err.getvalue()})
    print(json.dumps(res))


def cmd_raw(*calls):
    """Each arg is a form body ('Action=...&...'); print [{status, code, bytes, next, items, seconds, xml_ok}]."""
    import time
    res = []
    for body in calls:
        if body.startswith("PAGES:"):  # follow nextToken; one entry per page
            body, token = body[6:], None
            while True:
                page = json.loads(_capture(cmd_raw, body + ("&NextToken=" + token if token else "")))[0]
                res.append(page)
                token = page["next"]
                if not token or len(res) > 100:
                    break
            continue
        if "Version=" not in body:
            body += "&Version=2016-11-15"
        t0 = time.time()
        st, h, b = send(EC2_URL + "/", body=body.encode())
        item = {"status": st, "bytes": len(b), "seconds": round(time.time() - t0, 2), "code": None,
                "next": None, "items": None, "xml_ok": True}
        try:
            root = ET.fromstring(b)
            item["code"] = root.findtext("Errors/Error/Code")
            item["message"] = root.findtext("Errors/Error/Message")
            ns = "{http://ec2.amazonaws.com/doc/2016-11-15/}"
            item["next"] = root.findtext(ns + "nextToken")
            sets = [c for c in root if c.tag.endswith("Set") or c.tag.endswith("Info")]
            if sets:
                item["items"] = [x.findtext("*") for x in sets[0]]
        except ET.ParseError:
            item["xml_ok"] = False
        res.append(item)
    print(json.dumps(res))


def cmd_tls(ip, host, spec):
    """HTTPS requests on ONE connection to ip with SNI/Host `host`, verified against AWS_CA_BUNDLE (hostname too).
    spec: JSON [[method, path, {headers}]]. Prints the handshake (version, cipher, peer certificate) and, per
    request, status, reason, the header list as sent (names' case kept) and the body."""
    import http.client
    import socket
    ctx = ssl.create_default_context(cafile=os.environ["AWS_CA_BUNDLE"])
    tls = ctx.wrap_socket(socket.create_connection((ip, 443), timeout=10), server_hostname=host)
    cert = tls.getpeercert()
    out = {"version": tls.version(), "cipher": tls.cipher()[0],
           "subject": [list(x[0]) for x in cert["subject"]], "issuer": [list(x[0]) for x in cert["issuer"]],
           "san": [v for k, v in cert.get("subjectAltName", ()) if k == "DNS"], "replies": []}
    conn = http.client.HTTPConnection(host)
    conn.sock = tls  # the verified connection, pinned to ip
    for method, path, headers in json.loads(spec):
        conn.request(method, path, headers=headers)
        r = conn.getresponse()
        out["replies"].append({"status": r.status, "reason": r.reason, "headers": r.getheaders(),
                               "body": r.read().decode(errors="replace")})
    conn.close()
    print(json.dumps(out))


def _capture(fn, *args):
    import contextlib
    import io
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        fn(*args)
    return buf.getvalue()


def cmd_batch(spec, workers="4"):
    """Run a JSON list of argv lists (in parallel); print [{rc, out, err}] in order."""
    import subprocess
    from concurrent.futures import ThreadPoolExecutor

    def run(argv):
        r = subprocess.run(argv, capture_output=True, text=True, timeout=120)
        return {"rc": r.returncode, "out": r.stdout, "err": r.stderr}
    with ThreadPoolExecutor(int(workers)) as ex:
        print(json.dumps(list(ex.map(run, json.loads(spec)))))


if __name__ == "__main__":
    {"strict": cmd_strict, "sig": cmd_sig, "bedrock": cmd_bedrock, "bedrock_from": cmd_bedrock_from, "batch": cmd_batch,
     "awscli": cmd_awscli, "raw": cmd_raw, "tls": cmd_tls}[sys.argv[1]](*sys.argv[2:])

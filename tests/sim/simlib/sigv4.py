"""SigV4 verification as AWS does it (header auth only)."""
import datetime
import hashlib
import hmac
import re
import urllib.parse

from . import clock

AUTH_RE = re.compile(r"AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})")
MAX_SKEW = datetime.timedelta(minutes=5)


class SigError(Exception):
    """kind: missing | malformed | unknown-key | bad-token | signature | scope-region | scope-service | skew | expired"""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


def _enc(s, safe="-_.~"):
    return urllib.parse.quote(s, safe=safe)


def canonical_query(raw):
    pairs = []
    for part in raw.split("&") if raw else []:
        if not part:
            continue
        k, _, v = part.partition("=")
        pairs.append((_enc(urllib.parse.unquote(k)), _enc(urllib.parse.unquote(v))))
    return "&".join("%s=%s" % kv for kv in sorted(pairs))


def canonical_path(raw_path):
    # Non-S3 services encode each segment once more (so '%' -> '%25').
    return _enc(raw_path or "/", safe="/-_.~")


def verify(method, raw_target, headers, body, region, service, lookup_secret, now=None):
    """headers: list of (name, value) as received. lookup_secret(akid) -> (secret, token, expiration) or None.
    Returns the access key id on success, raises SigError otherwise."""
    hmap = {}
    for k, v in headers:
        hmap.setdefault(k.lower(), []).append(v)
    auth = (hmap.get("authorization") or [None])[0]
    if not auth:
        raise SigError("missing", "Authorization header is missing")
    m = AUTH_RE.match(auth.strip())
    if not m:
        raise SigError("malformed", "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'")
    cred, signed, sig = m.groups()
    parts = cred.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request":
        raise SigError("malformed", "Credential should be of the form AKID/date/region/service/aws4_request")
    akid, cdate, cregion, cservice, _ = parts
    amz_date = (hmap.get("x-amz-date") or [""])[0]
    try:
        t = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        raise SigError("malformed", "X-Amz-Date header is missing or malformed")
    now = now or clock.now()  # the AWS side's clock (clock.aws_offset_s)
    if abs(now - t) > MAX_SKEW:
        raise SigError("skew", "Signature expired: %s is now earlier than %s (%s - 5 min.)" % (
            amz_date, (now - MAX_SKEW).strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%dT%H%M%SZ")))
    if cdate != amz_date[:8]:
        raise SigError("scope-date", "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP")
    if cregion != region:
        raise SigError("scope-region", "Credential should be scoped to a valid region. ")
    if cservice != service:
        raise SigError("scope-service", "Credential should be scoped to correct service: '%s'. " % service)
    found = lookup_secret(akid)
    if not found:
        raise SigError("unknown-key", "The security token included in the request is invalid.")
    secret, token, expiration = found
    sent_token = (hmap.get("x-amz-security-token") or [None])[0]
    if token and sent_token != token:
        raise SigError("bad-token", "The security token included in the request is invalid.")
    if expiration and now > expiration:
        raise SigError("expired", "The security token included in the request is expired")
    path, _, query = raw_target.partition("?")
    names = signed.split(";")
    canon_headers = ""
    for n in names:
        vals = hmap.get(n)
        if vals is None:
            raise SigError("signature", "signed header %s not present" % n)
        canon_headers += "%s:%s\n" % (n, ",".join(" ".join(v.split()) for v in vals))
    payload_hash = (hmap.get("x-amz-content-sha256") or [hashlib.sha256(body or b"").hexdigest()])[0]
    creq = "\n".join([method, canonical_path(path), canonical_query(query), canon_headers, signed, payload_hash])
    scope = "/".join(parts[1:])
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(creq.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for p in (cdate, cregion, cservice, "aws4_request"):
        key = hmac.new(key, p.encode(), hashlib.sha256).digest()
    want = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(want, sig):
        raise SigError("signature", "The request signature we calculated does not match the signature you provided. "
                       "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
    return akid

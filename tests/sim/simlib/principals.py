"""Application principals: the roles an application uses instead of the instance role.

scenario["app_roles"] = {KEY: {"name", "path" ("/" default), "allow": [action globs], "trust": [principal ARNs
or "oidc"], "cred_lifetime_s"}}. Role ARNs carry the path (arn:aws:iam::ACCT:role/PATH/NAME); assumed-role
session ARNs do not (arn:aws:sts::ACCT:assumed-role/NAME/SESSION), as IAM documents:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns

Keyring holds every credential set the simulated AWS has issued (instance role, container endpoints, STS,
SSO, credential_process), so that the EC2 API, Bedrock and STS accept them and know whose they are.
"""
import base64
import datetime
import hashlib
import threading

from . import clock


def _h(*parts):
    return hashlib.sha256("/".join(str(p) for p in parts).encode()).digest()


def role_arn(sc, role):
    path = role.get("path") or "/"
    return "arn:aws:iam::%s:role%s%s" % (sc["account"], path if path.endswith("/") else path + "/", role["name"])


def resolve_roles(sc):
    """Fill arn, role_id for each app role (called by scenario preparation; idempotent)."""
    for key, r in (sc.get("app_roles") or {}).items():
        r["key"] = key
        r.setdefault("path", "/")
        r["arn"] = role_arn(sc, r)
        r["role_id"] = "AROA" + base64.b32encode(_h("roleid", r["arn"])[:10]).decode()[:17]
        r.setdefault("allow", ["bedrock:*", "ec2:Describe*"])
        r.setdefault("trust", [])
    return sc


def session_principal(sc, role, session):
    """The role dict as the Bedrock and EC2 fakes use it (name, arn, session_arn, allow)."""
    return {"name": role["name"], "arn": role["arn"], "allow": role.get("allow", []),
            "session_arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (sc["account"], role["name"], session),
            "user_id": "%s:%s" % (role["role_id"], session)}


class Keyring:
    """akid -> (secret, token, expiration, principal). The instance role's rotating keys come from RoleCreds."""

    def __init__(self, sc, instance_creds):
        self.sc = sc
        self.instance_creds = instance_creds
        self._issued = {}
        self._lock = threading.Lock()

    def issue(self, principal, source, lifetime_s=3600, long_term=False):
        """A fresh credential set for principal (dict from session_principal); returns its fields."""
        with self._lock:
            n = len(self._issued)
            raw = _h(self.sc["name"], principal.get("session_arn") or principal["arn"], source, n)
            akid = ("AKIA" if long_term else "ASIA") + base64.b32encode(raw[:10]).decode()[:16]
            secret = base64.b64encode(_h("secret", raw)).decode()[:40]
            token = None if long_term else base64.b64encode(b"IQoJb3JpZ2luX2VjE" + _h("token", raw) * 8).decode()
            issued = clock.now().replace(microsecond=0)
            exp = None if long_term else issued + datetime.timedelta(seconds=int(lifetime_s))
            self._issued[akid] = (secret, token, exp, principal)
        return {"AccessKeyId": akid, "SecretAccessKey": secret, "Token": token, "Issued": issued, "Expiration": exp}

    def register(self, creds, principal, expiration=None):
        with self._lock:
            self._issued[creds["AccessKeyId"]] = (creds["SecretAccessKey"], creds.get("Token"), expiration, principal)

    def lookup(self, akid, now=None):
        with self._lock:
            got = self._issued.get(akid)
        if got:
            return got[:3]
        return self.instance_creds.lookup(akid) if self.instance_creds else None

    def principal(self, akid):
        """The app principal for akid, or None (instance role or unknown)."""
        with self._lock:
            got = self._issued.get(akid)
        return got[3] if got else None


def static_creds(sc, key, source):
    """Deterministic credentials for sources whose secret must exist before the daemon runs (credential_process)."""
    raw = _h(sc["name"], key, source)
    return {"AccessKeyId": "ASIA" + base64.b32encode(raw[:10]).decode()[:16],
            "SecretAccessKey": base64.b64encode(_h("secret", raw)).decode()[:40],
            "Token": base64.b64encode(b"IQoJb3JpZ2luX2VjE" + _h("token", raw) * 8).decode()}

"""Role credentials that rotate like EC2's: a new set appears refresh_margin_s before the old one expires."""
import base64
import datetime
import hashlib

UTC = datetime.timezone.utc


def _h(*parts):
    return hashlib.sha256("/".join(str(p) for p in parts).encode()).digest()


class RoleCreds:
    def __init__(self, role, seed, start=None):
        self.role = role
        self.seed = seed
        self.start = start or datetime.datetime.now(UTC).replace(microsecond=0)
        self.lifetime = int(role.get("cred_lifetime_s", 21600))
        self.step = max(1, self.lifetime - int(role.get("refresh_margin_s", 900)))

    def generation(self, now=None):
        now = now or datetime.datetime.now(UTC)
        return max(0, int((now - self.start).total_seconds() // self.step))

    def creds(self, g):
        raw = _h(self.seed, self.role["name"], g)
        akid = "ASIA" + base64.b32encode(raw[:10]).decode()[:16]
        secret = base64.b64encode(_h("secret", self.seed, g)).decode()[:40]
        token = base64.b64encode(b"IQoJb3JpZ2luX2VjE" + _h("token", self.seed, g) * 8).decode()
        issued = self.start + datetime.timedelta(seconds=g * self.step)
        return {"AccessKeyId": akid, "SecretAccessKey": secret, "Token": token,
                "Issued": issued, "Expiration": issued + datetime.timedelta(seconds=self.lifetime)}

    def current(self, now=None):
        return self.creds(self.generation(now))

    def lookup(self, akid, now=None):
        """-> (secret, token, expiration) for any generation issued so far (recent ones), else None."""
        g = self.generation(now)
        for k in range(g, max(-1, g - 50), -1):
            c = self.creds(k)
            if c["AccessKeyId"] == akid:
                return c["SecretAccessKey"], c["Token"], c["Expiration"]
        return None


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")

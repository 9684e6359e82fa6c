"""Simulator CA and server certificates, made with the openssl CLI (`openssl ca` sets exact dates)."""
import datetime
import os
import subprocess

CA_CONF = """[ca]
default_ca = sim
[sim]
dir = {d}
database = {d}/index.txt
new_certs_dir = {d}/newcerts
serial = {d}/serial
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
[anything]
commonName = supplied
"""


def _run(args, cwd):
    subprocess.run(args, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _stamp(dt):
    return dt.strftime("%Y%m%d%H%M%SZ")


class Pki:
    def __init__(self, d):
        self.d = d
        os.makedirs(os.path.join(d, "newcerts"), exist_ok=True)
        self.ca_cert = os.path.join(d, "ca.pem")
        self.ca_key = os.path.join(d, "ca.key")
        self.key = os.path.join(d, "server.key")
        if not os.path.exists(self.ca_cert):
            self._init()

    def _init(self):
        d = self.d
        open(os.path.join(d, "index.txt"), "w").close()
        with open(os.path.join(d, "serial"), "w") as f:
            f.write("1000\n")
        with open(os.path.join(d, "ca.cnf"), "w") as f:
            f.write(CA_CONF.format(d=d))
        _run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
              "-keyout", self.ca_key, "-out", self.ca_cert, "-days", "3650",
              "-subj", "/O=bedrock-reach simulator/CN=bedrock-reach simulator CA",
              "-addext", "basicConstraints=critical,CA:TRUE",
              "-addext", "keyUsage=critical,keyCertSign,cRLSign"], d)
        _run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", self.key], d)

    def cert(self, label, names, not_before=None, not_after=None, self_signed=False):
        """Issue (once) a certificate for DNS names; returns the chain PEM path (leaf + CA unless self-signed)."""
        chain = os.path.join(self.d, label + ".chain.pem")
        if os.path.exists(chain):
            return chain
        now = datetime.datetime.now(datetime.timezone.utc)
        nb = not_before or now - datetime.timedelta(days=30)
        na = not_after or now + datetime.timedelta(days=365)
        ext = os.path.join(self.d, label + ".ext")
        with open(ext, "w") as f:
            f.write("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                    "extendedKeyUsage=serverAuth\nsubjectAltName=%s\n" % ",".join("DNS:" + n for n in names))
        leaf = os.path.join(self.d, label + ".pem")
        subj = "/CN=" + names[0]
        if self_signed:
            days = max(1, (na - now).days)
            _run(["openssl", "req", "-x509", "-key", self.key, "-out", leaf, "-days", str(days), "-subj", subj,
                  "-addext", "subjectAltName=" + ",".join("DNS:" + n for n in names)], self.d)
            with open(chain, "w") as f:
                f.write(open(leaf).read())
            return chain
        csr = os.path.join(self.d, "server.csr")  # one request for every leaf; `openssl ca -subj` sets the name
        if not os.path.exists(csr):
            _run(["openssl", "req", "-new", "-key", self.key, "-out", csr, "-subj", "/CN=bedrock-reach-sim"], self.d)
        _run(["openssl", "ca", "-batch", "-config", os.path.join(self.d, "ca.cnf"), "-cert", self.ca_cert,
              "-keyfile", self.ca_key, "-in", csr, "-out", leaf, "-notext", "-extfile", ext, "-subj", subj,
              "-startdate", _stamp(nb), "-enddate", _stamp(na)], self.d)
        with open(chain, "w") as f:
            f.write(open(leaf).read() + open(self.ca_cert).read())
        return chain


def service_names(svc, region):
    return ["%s.%s.amazonaws.com" % (svc, region), "*.%s.%s.vpce.amazonaws.com" % (svc, region),
            "%s.%s.api.aws" % (svc, region)]


def cert_for(pki, svc, region, variant="good", expiring_days=None):
    """variant: good | expired | expiring | wrong-name | self-signed."""
    now = datetime.datetime.now(datetime.timezone.utc)
    names = service_names(svc, region)
    if variant == "good":
        return pki.cert(svc, names)
    if variant == "expired":
        return pki.cert(svc + "-expired", names, now - datetime.timedelta(days=400), now - datetime.timedelta(days=2))
    if variant == "expiring":
        n = int(expiring_days if expiring_days is not None else 7)
        return pki.cert("%s-expiring%d" % (svc, n), names, now - datetime.timedelta(days=300),
                        now + datetime.timedelta(days=n, hours=1))
    if variant == "wrong-name":
        return pki.cert(svc + "-wrongname", ["s3.%s.amazonaws.com" % region, "*.s3.%s.amazonaws.com" % region])
    if variant == "self-signed":
        return pki.cert(svc + "-selfsigned", names, self_signed=True)
    raise ValueError("unknown certificate variant %r" % variant)

"""Where the application runs: a container one routed hop from the instance, and the files and environment an
application's credential source needs (profiles, web identity token, SSO cache, credential_process).

Topology (scenario["container"] = {"kind": "docker"|"ecs"|"eks", "exec": true}), as Docker's default bridge:

    brsimc-NAME (container)        brsimr-NAME (the host's forwarding)       brsim-NAME (instance, all AWS services)
    eth0 172.17.0.2/16  ------  docker0 172.17.0.1/16 | uplink 100.64.255.2/30 ------ dkr0 100.64.255.1/30
    default via 172.17.0.1         ip_forward=1, masquerade out of uplink         services on lo

Docker NATs container traffic out of the host's interface (https://docs.docker.com/engine/network/packet-filtering-firewalls/).
The instance's own address space lives on lo of brsim-NAME, so the host's forwarding is its own namespace:
every reply to the container is forwarded once, and its IP TTL decremented once. IMDS sends the token PUT reply
with IP TTL = HttpPutResponseHopLimit (default 1), so that reply dies here, while TCP connects (the SYN-ACK
leaves before the TTL is set) - exactly what the IMDS docs describe for containers:
https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html#imds-considerations
("In a container environment, if the hop limit is 1, the IMDSv2 response does not return because going to the
container is considered an additional network hop").
"""
import base64
import hashlib
import json
import os
import shutil
import signal
import time

from . import credendpoints, principals
from .shell import sh

C_PREFIX, R_PREFIX = "brsimc-", "brsimr-"
NETNS_ETC = "/etc/netns"
DOCKER_NET = ("172.17.0.1", "172.17.0.2", 16)
UPLINK = ("100.64.255.1", "100.64.255.2", 30)




def c_ns(inst):
    return C_PREFIX + inst


def r_ns(inst):
    return R_PREFIX + inst


def exec_netns(sc, where=None):
    """The namespace `vpcsim exec` runs in: the container when the scenario says so (or where == "container")."""
    c = sc.get("container") or {}
    if where == "host" or not c:
        return sc["netns"]
    if where == "container" or c.get("exec", True):
        return c_ns(sc["instance_name"])
    return sc["netns"]


def _b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def _jwt(claims, seed):
    # A JWT's shape (header.payload.signature); the fake STS compares the whole token, it does not check RS256.
    head = _b64url(json.dumps({"alg": "RS256", "kid": hashlib.sha1(seed.encode()).hexdigest()}).encode())
    body = _b64url(json.dumps(claims, separators=(",", ":")).encode())
    sig = _b64url(hashlib.sha512(("sig" + seed).encode()).digest() * 4)
    return "%s.%s.%s" % (head, body, sig)


def _write(path, text, mode=0o600):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def prepare(sc):
    """Resolve app roles and write the files the scenario's credential sources read; extend sc["env"].
    Runs in the driver before scenario.json is written. Secrets generated here are test data."""
    sd = sc["state_dir"]
    fd = os.path.join(sd, "files")
    sub = lambda s: s.replace("${STATE}", sd) if isinstance(s, str) else s
    principals.resolve_roles(sc)
    env = {k: sub(v) for k, v in sc["env"].items()}
    region, acct = sc["region"], sc["account"]
    roles = sc.get("app_roles") or {}
    config = sub(sc.get("aws_config") or "")
    seed = "%s/%s" % (sc["name"], sc.get("instance_name", ""))
    if sc.get("container") or sc.get("web_identity") or sc.get("container_credentials"):
        # What ECS and the EKS webhook inject alongside credentials.
        env.setdefault("AWS_REGION", region)
        env.setdefault("AWS_DEFAULT_REGION", region)
    kind = (sc.get("container") or {}).get("kind")
    if kind == "ecs":
        env["ECS_CONTAINER_METADATA_URI_V4"] = "http://169.254.170.2/v4/0f1e2d3c4b5a69788-1234567890"
        env["AWS_EXECUTION_ENV"] = "AWS_ECS_EC2"
    if kind == "eks":
        env["KUBERNETES_SERVICE_HOST"], env["KUBERNETES_SERVICE_PORT"] = "172.20.0.1", "443"
    wi = sc.get("web_identity")
    if wi:
        # IRSA: https://docs.aws.amazon.com/eks/latest/userguide/pod-configuration.html (the webhook sets AWS_ROLE_ARN,
        # AWS_WEB_IDENTITY_TOKEN_FILE and AWS_STS_REGIONAL_ENDPOINTS=regional)
        wi.setdefault("iss", "https://oidc.eks.%s.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE" % region)
        wi.setdefault("aud", "sts.amazonaws.com")
        wi.setdefault("sub", "system:serviceaccount:default:bedrock-app")
        wi["token"] = _jwt({"aud": [wi["aud"]], "iss": wi["iss"], "sub": wi["sub"], "exp": 4102444800}, seed + "wi")
        path = os.path.join(fd, "eks.amazonaws.com", "serviceaccount", "token")
        _write(path, wi["token"])
        env.update(AWS_ROLE_ARN=roles[wi["role"]]["arn"], AWS_WEB_IDENTITY_TOKEN_FILE=path)
        env.setdefault("AWS_STS_REGIONAL_ENDPOINTS", "regional")
    cc = sc.get("container_credentials")
    if cc:
        if cc["kind"] == "ecs":
            cc["relative_uri"] = "/v2/credentials/" + hashlib.sha256((seed + "ecs").encode()).hexdigest()[:8] + \
                "-0f1e-2d3c-4b5a-69788abcdef0"
            env["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = cc["relative_uri"]
        else:
            cc["token"] = _jwt({"aud": ["pods.eks.amazonaws.com"], "sub": "system:serviceaccount:default:bedrock-app",
                                "exp": 4102444800}, seed + "pod")
            path = os.path.join(fd, "pods.eks.amazonaws.com", "serviceaccount", "eks-pod-identity-token")
            _write(path, cc["token"])
            env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://169.254.170.23/v1/credentials"
            env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = path
    sso = sc.get("sso")
    if sso:
        # sso-session profile + cached token: botocore utils.SSOTokenLoader keys the cache by sha1(session name).
        sso.setdefault("session", "corp")
        sso.setdefault("start_url", "https://d-9067c0a1b2.awsapps.com/start")
        sso["access_token"] = "aoa" + _b64url(hashlib.sha512((seed + "sso").encode()).digest())
        home = os.path.join(fd, "home")
        cache = {"startUrl": sso["start_url"], "region": region, "accessToken": sso["access_token"],
                 "expiresAt": "2099-01-01T00:00:00Z"}
        if not sso.get("no_cached_token"):
            _write(os.path.join(home, ".aws", "sso", "cache", hashlib.sha1(sso["session"].encode()).hexdigest() + ".json"),
                   json.dumps(cache))
        config += ("[profile %s]\nsso_session = %s\nsso_account_id = %s\nsso_role_name = %s\nregion = %s\n\n"
                   "[sso-session %s]\nsso_start_url = %s\nsso_region = %s\nsso_registration_scopes = sso:account:access\n\n"
                   % (sso.get("profile", "dev"), sso["session"], acct, sso["role_name"], region, sso["session"],
                      sso["start_url"], region))
        env["HOME"] = home
        env.setdefault("AWS_PROFILE", sso.get("profile", "dev"))
    cp = sc.get("credential_process")
    if cp:
        c = principals.static_creds(sc, cp["role"], "process")
        cp.update(c)
        doc = {"Version": 1, "AccessKeyId": c["AccessKeyId"], "SecretAccessKey": c["SecretAccessKey"],
               "SessionToken": c["Token"], "Expiration": "2099-01-01T00:00:00Z"}
        # https://docs.aws.amazon.com/sdkref/latest/guide/feature-process-credentials.html (output format)
        script = os.path.join(fd, "bin", "corp-credentials")
        _write(script, "#!/bin/sh\n# an external credential helper (e.g. a vault client)\ncat <<'JSON'\n%s\nJSON\n"
               % json.dumps(doc, indent=2), 0o700)
        config += "[profile %s]\ncredential_process = %s --profile bedrock\nregion = %s\n\n" % (
            cp.get("profile", "vault"), script, region)
        env.setdefault("AWS_PROFILE", cp.get("profile", "vault"))
    if sc.get("container") or wi or cc or sso or cp or config:
        # A fresh container (or user) has its own HOME: aws-cli caches assumed-role credentials in ~/.aws/cli/cache,
        # which must not leak between instances or from the machine running the tests.
        env.setdefault("HOME", os.path.join(fd, "home"))
        os.makedirs(env["HOME"], exist_ok=True)
    if config:
        path = os.path.join(fd, "aws-config")
        _write(path, config, 0o644)
        env["AWS_CONFIG_FILE"] = path
    sc["env"] = env
    return sc


def register_static(app):
    """Credentials that exist before the daemon (credential_process output) become known to the fakes."""
    sc = app.sc
    cp = sc.get("credential_process")
    if cp:
        p = principals.session_principal(sc, sc["app_roles"][cp["role"]], "vault-session")
        app.keyring.register(cp, p)


def build(sc):
    """After the instance namespace exists, before the daemon starts."""
    ns, inst = sc["netns"], sc["instance_name"]
    extra = credendpoints.addresses(sc)
    if extra:
        sh("ip", "-n", ns, "-batch", "-", input="".join("addr add %s/32 dev lo\n" % a for a in extra))
    c = sc.get("container")
    if not c:
        return
    cn, rn = c_ns(inst), r_ns(inst)
    for n in (cn, rn):
        sh("ip", "netns", "add", n)
    gw, cip, dlen = DOCKER_NET
    up_i, up_r, ulen = UPLINK
    sh("ip", "-n", ns, "link", "add", "dkr0", "type", "veth", "peer", "name", "uplink", "netns", rn)
    sh("ip", "-n", rn, "link", "add", "docker0", "type", "veth", "peer", "name", "eth0", "netns", cn)
    sh("ip", "-n", ns, "-batch", "-", input="addr add %s/%d dev dkr0\nlink set dkr0 up\n" % (up_i, ulen))
    sh("ip", "-n", rn, "-batch", "-", input="link set lo up\naddr add %s/%d dev uplink\nlink set uplink up\n"
        "addr add %s/%d dev docker0\nlink set docker0 up\nroute add default via %s\n" % (up_r, ulen, gw, dlen, up_i))
    sh("ip", "-n", cn, "-batch", "-", input="link set lo up\naddr add %s/%d dev eth0\nlink set eth0 up\n"
        "route add default via %s\n" % (cip, dlen, gw))
    sh("ip", "netns", "exec", rn, "sysctl", "-qw", "net.ipv4.ip_forward=1")
    sh("ip", "netns", "exec", rn, "nft", "-f", "-", input=(
        "table ip brsim_nat {\n chain post {\n  type nat hook postrouting priority 100; policy accept;\n"
        "  ip saddr 172.17.0.0/16 oifname \"uplink\" masquerade\n }\n}\n"))
    # The instance's simulated security groups and NACLs drop on its output hook (netns.firewall_rules); the
    # container's packets arrive from outside, so the inbound drops apply on the input hook too.
    from .netns import firewall_rules
    inbound = [r for r in firewall_rules(sc) if " daddr " in r]
    if inbound:
        sh("ip", "netns", "exec", ns, "nft", "-f", "-", input=(
            "table inet brsim_c {\n chain input {\n  type filter hook input priority 0; policy accept;\n"
            + "".join("  iifname \"dkr0\" %s\n" % r for r in inbound) + " }\n}\n"))
    etc = os.path.join(NETNS_ETC, cn)
    os.makedirs(etc, exist_ok=True)
    # Docker's default bridge copies the host's resolv.conf (no loopback servers) and writes its own hosts file.
    from .netns import resolv_conf
    _write(os.path.join(etc, "resolv.conf"), resolv_conf(sc), 0o644)
    _write(os.path.join(etc, "hosts"), "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
           "%s\t3f4e5d6c7b8a\n" % cip, 0o644)


def _pids(n):
    r = sh("ip", "netns", "pids", n, check=False)
    return [int(x) for x in r.stdout.split() if x.isdigit()]


def down(inst):
    """Remove the container and forwarding namespaces and end every process in them (what `exec` started)."""
    names = [l.split()[0] for l in sh("ip", "netns", "list", check=False).stdout.splitlines() if l.strip()]
    for n in (c_ns(inst), r_ns(inst)):
        if n in names:
            for attempt in range(30):
                pids = [p for p in _pids(n) if _alive(p)]
                if not pids:
                    break
                for p in pids:
                    try:
                        os.kill(p, signal.SIGTERM if attempt < 10 else signal.SIGKILL)
                    except OSError:
                        pass
                time.sleep(0.1)
            sh("ip", "netns", "del", n, check=False)
        shutil.rmtree(os.path.join(NETNS_ETC, n), ignore_errors=True)


def _alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def orphans():
    """Instance names that only a container or forwarding namespace is left of."""
    out = set()
    for line in sh("ip", "netns", "list", check=False).stdout.splitlines():
        n = line.split()[0] if line.strip() else ""
        for p in (C_PREFIX, R_PREFIX):
            if n.startswith(p):
                out.add(n[len(p):])
    return out

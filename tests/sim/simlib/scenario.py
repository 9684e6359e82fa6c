"""Scenario files: load (with "extends"), apply --set overrides, resolve derived facts.

A scenario is JSON. "extends": "healthy" deep-merges this file over another one; a null value deletes a key.
The resolved scenario (what `vpcsim show` prints) adds ids, ENIs, addresses and expected DNS answers.
"""
import copy
import hashlib
import ipaddress
import json
import os

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENARIO_DIR = os.path.join(HERE, "scenarios")
NS_PREFIX = "brsim-"
AMAZON_DNS_LINK_LOCAL = "169.254.169.253"
IMDS_V4 = "169.254.169.254"
AMAZON_DNS_V6 = "fd00:ec2::253"
IMDS_V6 = "fd00:ec2::254"


def hid(prefix, key, n=17):
    """Deterministic AWS-style id: prefix-0 + hex."""
    return prefix + "-0" + hashlib.sha256(key.encode()).hexdigest()[: n - 1]


def deep_merge(base, over):
    out = copy.deepcopy(base)
    for k, v in over.items():
        if v is None:
            out.pop(k, None)
        elif isinstance(v, dict) and isinstance(out.get(k), dict) and v:
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def scenario_path(name):
    if name.endswith(".json") or os.sep in name:
        return name
    return os.path.join(SCENARIO_DIR, name + ".json")


def load_raw(name, _depth=0):
    path = scenario_path(name)
    with open(path) as f:
        data = json.load(f)
    base = data.pop("extends", None)
    if base:
        if _depth > 5:
            raise ValueError("scenario extends chain too deep")
        data = deep_merge(load_raw(base, _depth + 1), data)
    return data


def parse_value(text):
    try:
        return json.loads(text)
    except ValueError:
        return text


def apply_sets(data, sets):
    for item in sets or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError("--set needs key=value, got %r" % item)
        node = data
        parts = key.split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = parse_value(value)
    return data


def _v6_host(prefix_cidr, v4):
    """The IPv4 address's last octet, read as hex digits, inside the subnet's /64 (10.0.1.31 -> prefix::31)."""
    net = ipaddress.ip_network(prefix_cidr)
    return str(net.network_address + int(v4.split(".")[-1], 16))


def _mac(key):
    h = hashlib.sha256(("mac" + key).encode()).hexdigest()
    return "0e:" + ":".join(h[i:i + 2] for i in range(0, 10, 2))


def fill_subnets(data):
    """Scenario knob "subnet_fill": {"count": N, "cidr": "10.0.32.0/19", "prefixlen": 28, "route_table": KEY|null,
    "nacl": KEY}: N more subnets carved in order out of "cidr" (inside the VPC's CIDRs and clear of the other
    subnets, which must not overlap; /28 is the smallest subnet AWS allows: EC2 API reference, CreateSubnet,
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html), spread over
    the AZs of the scenario's own subnets, with deterministic ids. Each is associated with the NACL "nacl" (AWS
    associates every subnet with exactly one network ACL, the default one unless another is chosen: VPC user guide,
    "Control subnet traffic with network access control lists",
    https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html) and, when "route_table" is set, explicitly
    with that route table; otherwise the main table applies (VPC user guide, "Subnet route tables",
    https://docs.aws.amazon.com/vpc/latest/userguide/subnet-route-tables.html). For audits of large VPCs."""
    fill = data.get("subnet_fill")
    if not fill:
        return
    zones = []
    for sn in data["subnets"].values():
        if (sn["az"], sn["az_id"]) not in zones:
            zones.append((sn["az"], sn["az_id"]))
    nets = ipaddress.ip_network(fill["cidr"]).subnets(new_prefix=int(fill.get("prefixlen", 28)))
    for i in range(int(fill["count"])):
        key = "fill%04d" % i
        az, az_id = zones[i % len(zones)]
        data["subnets"][key] = {"id": hid("subnet", key), "az": az, "az_id": az_id, "cidr": str(next(nets))}
        if fill.get("route_table"):
            data["route_tables"][fill["route_table"]].setdefault("subnets", []).append(key)
        data["nacls"][fill.get("nacl", "default")].setdefault("subnets", []).append(key)


def service_host(svc, region):
    return "%s.%s.amazonaws.com" % (svc, region)


def dualstack_host(svc, region):
    """The dual-stack name an SDK uses with AWS_USE_DUALSTACK_ENDPOINT: botocore
    data/bedrock-runtime/2023-09-30/endpoint-rule-set-1.json (UseDualStack ->
    https://bedrock-runtime.{Region}.{PartitionResult#dualStackDnsSuffix}; partitions.json: api.aws)."""
    return "%s.%s.api.aws" % (svc, region)


def dualstack_records(data):
    """Dual-stack names answer the service's public addresses, also inside the VPC. AWS documents no private-DNS
    record for Bedrock's api.aws names (the PrivateLink guide's private DNS covers "the default public DNS name for
    the service for the Region"; aws-reference.md 1.5-1.6), so the simulator gives none; "dualstack_private_dns":
    true in a scenario would model the opposite assumption (answers from the endpoint's ENIs)."""
    recs = {}
    for svc in data["services"]:
        ep = data["endpoints"].get(svc)
        if data.get("dualstack_private_dns") and private_dns_active(data, ep):
            enis = [e for e in data["enis"] if e["service"] == svc]
            recs[dualstack_host(svc, data["region"])] = {"A": [e["ip"] for e in enis],
                                                         "AAAA": [e["ipv6"] for e in enis if e["ipv6"]]}
        else:
            recs[dualstack_host(svc, data["region"])] = public_record(data, svc)
    return recs


def resolve(name, sets=None):
    """Load scenario NAME (or a path), apply --set items, return the resolved dict."""
    data = apply_sets(load_raw(name), sets)
    base_name = os.path.basename(name)[:-5] if name.endswith(".json") else name
    data["name"] = data.get("name") or base_name
    region = data["region"]
    vpc = data["vpc"]
    dual = bool(vpc.get("ipv6_cidrs"))
    vpc["dns_server"] = str(ipaddress.ip_network(vpc["cidrs"][0]).network_address + 2)
    fill_subnets(data)
    for key, sn in data["subnets"].items():
        sn["key"] = key
        sn.setdefault("ipv6_cidr", None)
    inst = data["instance"]
    isub = data["subnets"][inst["subnet"]]
    inst["subnet_id"], inst["az"], inst["az_id"] = isub["id"], isub["az"], isub["az_id"]
    if dual and isub.get("ipv6_cidr") and not inst.get("ipv6"):
        inst["ipv6"] = _v6_host(isub["ipv6_cidr"], inst["ip"])
    inst.setdefault("ipv6", None)
    inst["hostname"] = "ip-%s.%s" % (inst["ip"].replace(".", "-"), _domain(data))
    sgs = data["security_groups"]
    for key, sg in sgs.items():
        sg["key"] = key
    inst["security_group_ids"] = [sgs[k]["id"] for k in inst["security_groups"]]
    role = inst.get("role")
    if role:
        # A role's ARN carries its path (role/service-role/NAME); the assumed-role session ARN does not
        # (IAM user guide, "IAM identifiers": arn:aws:iam::ACCOUNT:role/PATH/NAME, arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION).
        path = role.get("path") or "/"
        role["arn"] = "arn:aws:iam::%s:role%s%s" % (data["account"], path if path.endswith("/") else path + "/",
                                                   role["name"])
        role["session_arn"] = "arn:aws:sts::%s:assumed-role/%s/%s" % (data["account"], role["name"], inst["id"])
        role["instance_profile_arn"] = "arn:aws:iam::%s:instance-profile/%s" % (data["account"], role["name"])
        role.setdefault("allow", ["bedrock:*", "ec2:Describe*"])
    enis = []
    for svc, ep in data["endpoints"].items():
        ep["service"] = svc
        ep["service_name"] = "com.amazonaws.%s.%s" % (region, svc)
        ep["hostname"] = service_host(svc, region)
        ep.setdefault("id", hid("vpce", svc))
        ep.setdefault("dns_suffix", hashlib.sha256(svc.encode()).hexdigest()[:8])
        ep.setdefault("state", "available")
        ep.setdefault("private_dns", True)
        ep.setdefault("dns_record_ip_type", "dualstack" if dual else "ipv4")
        ep.setdefault("ip_address_type", "dualstack" if ep["dns_record_ip_type"] != "ipv4" else "ipv4")
        ep.setdefault("security_groups", ["endpoints"])
        ep["security_group_ids"] = [sgs[k]["id"] for k in ep["security_groups"]]
        ep["regional_dns_name"] = "%s-%s.%s.%s.vpce.amazonaws.com" % (ep["id"], ep["dns_suffix"], svc, region)
        ep["eni_ids"] = []
        for skey, ip in ep["subnets"].items():
            sn = data["subnets"][skey]
            eni = {
                "id": (ep.get("eni_ids_override") or {}).get(skey) or hid("eni", svc + "/" + skey),
                "endpoint_id": ep["id"], "service": svc, "subnet": skey, "subnet_id": sn["id"],
                "az": sn["az"], "az_id": sn["az_id"], "ip": ip, "mac": _mac(svc + skey),
                "ipv6": _v6_host(sn["ipv6_cidr"], ip) if (sn.get("ipv6_cidr") and ep["ip_address_type"] != "ipv4") else None,
                "zonal_dns_name": "%s-%s-%s.%s.%s.vpce.amazonaws.com" % (ep["id"], ep["dns_suffix"], sn["az"], svc, region),
                "security_group_ids": ep["security_group_ids"],
            }
            ep["eni_ids"].append(eni["id"])
            enis.append(eni)
    data["enis"] = enis
    data["services"] = sorted(set(data["endpoints"]) | set(data.get("public_addresses", {})))
    data["addresses"] = {
        "amazon_dns": [vpc["dns_server"], AMAZON_DNS_LINK_LOCAL] + ([AMAZON_DNS_V6] if dual else []),
        "imds": [IMDS_V4] + ([IMDS_V6] if dual else []),
        "ec2_api": data["ec2_api"]["ip"],
        "ec2_api_host": "ec2.%s.amazonaws.com" % region,
    }
    data["resolv_conf_nameservers"] = _nameservers(data)
    data["expected"] = expected_answers(data)
    data["env"] = exec_env(data)
    return data


def _domain(data):
    dom = (data.get("dhcp_options") or {}).get("domain_name")
    return dom or ("ec2.internal" if data["region"] == "us-east-1" else data["region"] + ".compute.internal")


def _nameservers(data):
    out = []
    for ns in data["dhcp_options"].get("domain_name_servers", ["AmazonProvidedDNS"]):
        out.append(data["vpc"]["dns_server"] if ns == "AmazonProvidedDNS" else ns)
    return out


def private_dns_active(data, ep):
    vpc = data["vpc"]
    return bool(ep and ep.get("private_dns") and ep.get("state") == "available"
                and vpc.get("enable_dns_support") and vpc.get("enable_dns_hostnames"))


def amazon_records(data):
    """name -> {"A": [...], "AAAA": [...]} as the Amazon resolver answers (before DNS faults)."""
    recs = {}
    region = data["region"]
    for svc in data["services"]:
        ep = data["endpoints"].get(svc)
        host = service_host(svc, region)
        if private_dns_active(data, ep):
            enis = [e for e in data["enis"] if e["service"] == svc]
            rt = ep["dns_record_ip_type"]
            recs[host] = {"A": [e["ip"] for e in enis] if rt != "ipv6" else [],
                          "AAAA": [e["ipv6"] for e in enis if e["ipv6"]] if rt != "ipv4" else []}
        else:
            recs[host] = public_record(data, svc)
    # Centralised endpoints (scenario "hub_endpoints": {service: [hub ENI ips]}): the endpoint lives in a hub
    # VPC with private DNS off, and a Route 53 private hosted zone for the full service name, associated with
    # this VPC, answers the hub endpoint's addresses. AWS: "Centralized access to VPC private endpoints",
    # https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/
    # centralized-access-to-vpc-private-endpoints.html (the hosts must use the VPC's Route 53 Resolver).
    for svc, hub in (data.get("hub_endpoints") or {}).items():
        recs[service_host(svc, region)] = {"A": list(hub["ips"]), "AAAA": []}
    recs.update(vpce_records(data))
    recs.update(dualstack_records(data))
    api = data["ec2_api"]
    # Without an ec2 interface endpoint ("interface_endpoint": false) the Amazon resolver answers the public
    # address, as for any service without private DNS (aws-reference.md 1.6).
    ip = api["ip"] if api.get("interface_endpoint", True) else (api.get("public_ip") or api["ip"])
    recs[data["addresses"]["ec2_api_host"]] = {"A": [ip], "AAAA": []}
    inst = data["instance"]
    recs[inst["hostname"]] = {"A": [inst["ip"]], "AAAA": []}
    return recs


def public_record(data, svc):
    return {"A": list(data.get("public_addresses", {}).get(svc, [])),
            "AAAA": list(data.get("public_addresses_v6", {}).get(svc, []))}


def vpce_records(data):
    recs = {}
    for ep in data["endpoints"].values():
        enis = [e for e in data["enis"] if e["endpoint_id"] == ep["id"]]
        v6 = ep["dns_record_ip_type"] != "ipv4"
        recs[ep["regional_dns_name"]] = {"A": [e["ip"] for e in enis],
                                         "AAAA": [e["ipv6"] for e in enis if e["ipv6"] and v6]}
        for e in enis:
            recs[e["zonal_dns_name"]] = {"A": [e["ip"]], "AAAA": [e["ipv6"]] if (e["ipv6"] and v6) else []}
    return recs


def public_records(data):
    """What a resolver on the internet answers: public service IPs, vpce names, the EC2 API."""
    recs = {service_host(s, data["region"]): public_record(data, s) for s in data["services"]}
    recs.update(vpce_records(data))
    recs.update({dualstack_host(s, data["region"]): public_record(data, s) for s in data["services"]})
    api = data["ec2_api"]
    recs[data["addresses"]["ec2_api_host"]] = {"A": [api.get("public_ip") or api["ip"]], "AAAA": []}
    return recs


def expected_answers(data):
    """Expected answers per resolver (ignoring per-name DNS faults, which are listed separately)."""
    amazon = amazon_records(data)
    cd = data.get("custom_dns")
    resolv = amazon
    if cd and not cd.get("forward"):
        resolv = public_records(data)
    hosts = {}
    for line in data.get("hosts", []):
        parts = line.split()
        for n in parts[1:]:
            hosts.setdefault(n.lower(), []).append(parts[0])
    return {"amazon_dns": amazon, "resolv_conf": resolv, "hosts": hosts,
            "dns_faults": data["dns"].get("faults", []),
            "amazon_dns_silent": not data["vpc"].get("enable_dns_support", True)}


def exec_env(data):
    env = {
        # the driver sets the final path under the instance's state dir (the instance name may differ)
        "AWS_CA_BUNDLE": os.path.join(os.environ.get("BRSIM_STATE", "/run/brsim"), data["name"], "pki", "ca.pem"),
        "AWS_ENDPOINT_URL_EC2": "https://%s" % data["addresses"]["ec2_api_host"],
    }
    env.update(data.get("env") or {})
    return env

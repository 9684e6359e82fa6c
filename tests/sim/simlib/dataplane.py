"""A data plane that agrees with the route tables: addresses outside the VPC that the instance's subnet has no way
to reach are dropped (nftables in the namespace), so a TCP connect times out as it does in a VPC.

How a packet from the instance to an address outside the VPC is routed (VPC user guide, "Configure route tables",
https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html): the subnet's route table (its explicit
association, else the main table) is searched by longest prefix match; prefix-list destinations count with their
entries. Targets:
  * no matching route, or a route in state blackhole -> dropped;
  * igw-... -> leaves only if the instance has a public IPv4 address ("instance.public_ip"); an instance with only a
    private address needs a NAT device ("Enable internet access ... instances need a public IP address",
    https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html); for IPv6, igw and eigw both work;
  * nat-, tgw-, pcx-, vgw-, eni- (an appliance instance), cagw-, lgw- -> forwarded (reachable);
  * vpce-... of a Gateway Load Balancer / Network Firewall endpoint (appliances.py) -> the appliance forwards the
    packet with the route table of its own subnet (looked up again, at most 3 hops).
Scenario knobs: "dataplane": {"enforce": true, "unreachable_targets": ["tgw-..."] (targets that lead nowhere)}.
The proxy (proxy.py) sits outside the VPC: its own connections are not subject to these routes.
"""
import ipaddress

from . import appliances, prefixlists

FORWARDING = ("nat-", "tgw-", "pcx-", "vgw-", "eni-", "cagw-", "lgw-", "i-")


def route_table(sc, subnet_key):
    main = None
    for rt in sc["route_tables"].values():
        if subnet_key in rt.get("subnets", []):
            return rt
        if rt.get("main"):
            main = rt
    return main


def _dests(sc, route):
    dst = route["dst"]
    if dst.startswith("pl-"):
        return [ipaddress.ip_network(c) for c in prefixlists.cidrs(sc, dst)]
    return [ipaddress.ip_network(dst)]


def lookup(sc, subnet_key, ip):
    """Longest-prefix-match route of the subnet's table for ip, or None."""
    rt = route_table(sc, subnet_key)
    addr = ipaddress.ip_address(ip)
    best, best_len = None, -1
    for r in (rt or {}).get("routes", []):
        for net in _dests(sc, r):
            if net.version == addr.version and addr in net and net.prefixlen > best_len:
                best, best_len = r, net.prefixlen
    if best is None and addr.version == 6:
        for c in sc["vpc"].get("ipv6_cidrs", []):
            if addr in ipaddress.ip_network(c):
                return {"dst": c, "target": "local"}
    return best


def reachable(sc, ip, subnet_key=None, depth=0):
    """-> (bool, reason) for a packet from the instance (or an appliance in subnet_key) to ip."""
    subnet_key = subnet_key or sc["instance"]["subnet"]
    r = lookup(sc, subnet_key, ip)
    if r is None:
        return False, "no route"
    if r.get("state") == "blackhole":
        return False, "blackhole route to " + r["target"]
    t = r["target"]
    if t in (sc.get("dataplane") or {}).get("unreachable_targets", []):
        return False, "route to %s leads nowhere" % t
    if t == "local":
        return True, "local"
    if t.startswith("igw-"):
        v6 = ":" in ip
        if v6 or sc["instance"].get("public_ip"):
            return True, "internet gateway"
        return False, "internet gateway, but the instance has no public IPv4 address"
    if t.startswith("eigw-"):
        return (":" in ip), "egress-only internet gateway"
    if t.startswith(FORWARDING):
        return True, "forwarded by " + t
    if t.startswith("vpce-"):
        ap = appliances.find(sc, t)
        if ap and depth < 3:
            ok, why = reachable(sc, ip, ap["subnet"], depth + 1)
            return ok, "appliance %s, then %s" % (t, why)
        return False, "route to %s (not an appliance endpoint)" % t
    return False, "unknown target " + t


def outside_addresses(sc):
    """Addresses the simulation places outside the VPC: the services' public addresses and the EC2 API's."""
    out = []
    for ips in list(sc.get("public_addresses", {}).values()) + list(sc.get("public_addresses_v6", {}).values()):
        out += ips
    if sc["ec2_api"].get("public_ip"):
        out.append(sc["ec2_api"]["public_ip"])
    return out


def unreachable(sc):
    """[(ip, reason)] of outside addresses the instance cannot reach."""
    if not (sc.get("dataplane") or {}).get("enforce", True):
        return []
    out = []
    for ip in outside_addresses(sc):
        ok, why = reachable(sc, ip)
        if not ok:
            out.append((ip, why))
    return out


def nft_rules(sc):
    """Drop rules for unreachable outside addresses; the proxy's own connections (bound to its address) pass."""
    rules = []
    px = sc.get("proxy")
    for ip, _ in unreachable(sc):
        fam = "ip6" if ":" in ip else "ip"
        exempt = ""
        if px and (":" in px["ip"]) == (":" in ip):
            exempt = "%s saddr != %s " % (fam, px["ip"])
        rules.append("%s daddr %s %sdrop" % (fam, ip, exempt))
    return rules

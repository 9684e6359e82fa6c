"""Every scenario file resolves and is self-consistent (no root needed)."""
import glob
import ipaddress
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simlib import netns, scenario  # noqa: E402

NAMES = sorted(os.path.basename(p)[:-5] for p in glob.glob(os.path.join(scenario.SCENARIO_DIR, "*.json")))
REQUIRED = ["healthy", "private-dns-off", "endpoint-missing", "az-gap", "sg-blocks-443", "nacl-blocks-return",
            "endpoint-pending", "policy-denies-invoke", "custom-dns-not-forwarding", "proxy-env", "hosts-override",
            "no-iam-role", "imds-disabled", "throttled-api", "tls-expired", "tls-wrong-name", "dual-stack"]


class ScenarioFiles(unittest.TestCase):
    def test_required_present(self):
        self.assertEqual([n for n in REQUIRED if n not in NAMES], [])

    def test_consistent(self):
        for name in NAMES:
            with self.subTest(scenario=name):
                sc = scenario.resolve(name)
                addrs = netns.addresses(sc)
                self.assertEqual(len(addrs), len(set(addrs)), "duplicate address")
                for e in sc["enis"]:
                    sn = sc["subnets"][e["subnet"]]
                    self.assertIn(ipaddress.ip_address(e["ip"]), ipaddress.ip_network(sn["cidr"]))
                    self.assertRegex(e["id"], r"^eni-[0-9a-f]{17}$")
                    if e["ipv6"]:
                        self.assertIn(ipaddress.ip_address(e["ipv6"]), ipaddress.ip_network(sn["ipv6_cidr"]))
                for ep in sc["endpoints"].values():
                    self.assertRegex(ep["id"], r"^vpce-[0-9a-f]{17}$")
                    azs = [sc["subnets"][s]["az"] for s in ep["subnets"]]
                    self.assertEqual(len(azs), len(set(azs)), "one subnet per AZ")
                for ip in [a for ips in sc.get("public_addresses", {}).values() for a in ips]:
                    self.assertTrue(ipaddress.ip_address(ip).is_global, ip)
                self.assertTrue(sc["description"])
                self.assertEqual(sc["instance"]["az"], "us-east-1a")
                self.assertTrue(re.match(r"^https://ec2\.", sc["env"]["AWS_ENDPOINT_URL_EC2"]))
                # Subnets: unique ids and CIDRs inside the VPC that never overlap ("A subnet CIDR block must not
                # overlap the CIDR block of an existing subnet in the VPC": EC2 API reference, CreateSubnet,
                # https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html); every subnet in at
                # most one NACL and one route table.
                nets = [ipaddress.ip_network(sn["cidr"]) for sn in sc["subnets"].values()]
                vpc_nets = [ipaddress.ip_network(c) for c in sc["vpc"]["cidrs"]]
                self.assertEqual(len({sn["id"] for sn in sc["subnets"].values()}), len(nets))
                for net in nets:
                    self.assertTrue(any(net.subnet_of(v) for v in vpc_nets), str(net))
                ordered = sorted(nets)
                for a, b in zip(ordered, ordered[1:]):
                    self.assertFalse(a.overlaps(b), f"{a} overlaps {b}")
                for kind in ("nacls", "route_tables"):
                    listed = [k for t in sc[kind].values() for k in t.get("subnets", [])]
                    self.assertEqual(len(listed), len(set(listed)), f"a subnet in two {kind}")

    def test_vpc_audit_scenarios(self):
        """Issue 20: vpc-audit's four AZs (one without endpoint ENIs) and the 500-subnet variant."""
        sc = scenario.resolve("vpc-audit")
        self.assertEqual(len(sc["subnets"]), 7)
        self.assertEqual(sorted({sn["az"] for sn in sc["subnets"].values()}),
                         ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"])
        self.assertNotIn("us-east-1d", {e["az"] for e in sc["enis"]})
        big = scenario.resolve("vpc-audit-500")
        self.assertEqual(len(big["subnets"]), 500)
        self.assertEqual(big["ec2_api"]["page_size"], 100)
        self.assertEqual(len(big["nacls"]["default"]["subnets"]), 499)  # all but nacl-deny

    def test_healthy_facts(self):
        sc = scenario.resolve("healthy")
        self.assertEqual((sc["region"], sc["account"], sc["vpc"]["id"]), ("us-east-1", "123456789012",
                                                                       "vpc-0a1b2c3d4e5f60718"))
        self.assertEqual(sc["expected"]["amazon_dns"]["bedrock-runtime.us-east-1.amazonaws.com"]["A"],
                         ["10.0.1.31", "10.0.2.31", "10.0.3.31"])
        self.assertEqual(sc["resolv_conf_nameservers"], ["10.0.0.2"])
        self.assertEqual(sc["addresses"]["amazon_dns"], ["10.0.0.2", "169.254.169.253"])
        self.assertEqual(len(sc["enis"]), 12)


if __name__ == "__main__":
    unittest.main(verbosity=2)

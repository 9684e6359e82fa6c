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

"""Fault knobs: DNS, TLS, EC2 API (paging, throttling, errors), IMDS, credential rotation."""
import datetime
import json
import re
import time

from simtest import SimCase, main, up, vpcsim

DNS_FAULTS = [
    {"name": "bedrock-agent.us-east-1.amazonaws.com", "kind": "cname",
     "chain": ["bedrock-agent.us-east-1.prod.sim-edge.internal", "edge-1.sim-edge.internal"]},
    {"name": "bedrock-agent-runtime.us-east-1.amazonaws.com", "kind": "servfail"},
    {"name": "*.bedrock-agent-runtime.us-east-1.vpce.amazonaws.com", "kind": "nxdomain"},
    {"name": "bedrock.us-east-1.amazonaws.com", "kind": "truncate"},
    {"name": "bedrock-runtime-fips.us-east-1.amazonaws.com", "kind": "silence"},
    {"name": "bedrock-runtime.us-east-1.amazonaws.com", "kind": "delay", "delay_ms": 800},
]
TLS_FAULTS = {
    "10.0.1.41": {"stall": True}, "10.0.2.41": {"reset": True}, "10.0.3.41": {"first_flight_delay_ms": 1200},
    "10.0.1.51": {"cert": "self-signed"}, "10.0.2.51": {"cert": "expiring", "expiring_days": 10},
    "10.0.3.51": {"versions": "old"}, "10.0.1.21": {"versions": "tls1.2"},
}
EC2 = {"page_size": 2, "throttle_first": 2, "unauthorized": ["DescribeNetworkAcls"], "slow_ms": 2500,
       "oversize_bytes": 3000000, "action_faults": {"DescribeSubnets": "500", "DescribeVpcs": "garbage",
                                                    "DescribeDhcpOptions": "oversized", "DescribeRouteTables": "slow"}}
AGENT = "bedrock-agent.us-east-1.amazonaws.com"
AGENT_RT = "bedrock-agent-runtime.us-east-1.amazonaws.com"


class Faults(SimCase):
    NAME = "t-faults"
    SETS = ("dns.faults=" + json.dumps(DNS_FAULTS), "tls.faults=" + json.dumps(TLS_FAULTS),
            "ec2_api=" + json.dumps(dict(EC2, ip="10.0.0.10")))

    def test_0_throttle_first_n_then_paging(self):
        r = self.inner("raw", "Action=DescribeVpcs", "Action=DescribeVpcs", "PAGES:Action=DescribeNetworkInterfaces")
        self.assertEqual([(x["status"], x["code"]) for x in r[:2]], [(503, "RequestLimitExceeded")] * 2)
        pages = r[2:]
        self.assertEqual([p["status"] for p in pages], [200] * 7)
        self.assertEqual([len(p["items"]) for p in pages], [2] * 6 + [1])
        ids = [i for p in pages for i in p["items"]]
        self.assertEqual(sorted(ids), sorted([e["id"] for e in self.sc["enis"]] + [self.sc["instance"]["eni"]]))
        cli = self.awss([["ec2", "describe-network-interfaces"]])[0]["NetworkInterfaces"]
        self.assertEqual(len(cli), 13)

    def test_ec2_errors(self):
        acl, sub, vpc, dh, rt, combo, bad = self.inner(
            "raw", "Action=DescribeNetworkAcls", "Action=DescribeSubnets", "Action=DescribeVpcs",
            "Action=DescribeDhcpOptions", "Action=DescribeRouteTables",
            "Action=DescribeNetworkInterfaces&NetworkInterfaceId.1=%s&MaxResults=5" % self.sc["instance"]["eni"],
            "Action=DescribeRouteTables&MaxResults=500")
        self.assertEqual((acl["status"], acl["code"]), (403, "UnauthorizedOperation"))
        self.assertIn("ec2:DescribeNetworkAcls", acl["message"])
        self.assertEqual((sub["status"], sub["code"]), (500, "InternalError"))
        self.assertEqual((vpc["status"], vpc["xml_ok"]), (200, False))
        self.assertEqual(dh["status"], 200)
        self.assertGreater(dh["bytes"], 3000000)
        self.assertTrue(dh["xml_ok"])
        self.assertGreaterEqual(rt["seconds"], 2.4)
        self.assertEqual((combo["status"], combo["code"]), (400, "InvalidParameterCombination"))
        self.assertEqual((bad["status"], bad["code"]), (400, "InvalidParameterValue"))

    def test_dns_faults(self):
        res = self.batch([
            ["dig", "+short", AGENT], ["dig", "+time=5", "+tries=2", AGENT_RT],
            ["dig", "+time=5", "+tries=2", self.sc["endpoints"]["bedrock-agent-runtime"]["regional_dns_name"]],
            ["dig", "+ignore", "+noedns", "+time=5", "+tries=2", "bedrock.us-east-1.amazonaws.com"],
            ["dig", "+short", "+time=5", "+tries=2", "bedrock.us-east-1.amazonaws.com"],
            ["dig", "+time=1", "+tries=1", "bedrock-runtime-fips.us-east-1.amazonaws.com"],
            ["dig", "+time=5", "+tries=1", "bedrock-runtime.us-east-1.amazonaws.com"],
        ], 8)
        cname = res[0]["out"].split()
        self.assertEqual(cname[:2], ["bedrock-agent.us-east-1.prod.sim-edge.internal.", "edge-1.sim-edge.internal."])
        self.assertEqual(sorted(cname[2:]), self.ips("bedrock-agent"))
        self.assertIn("status: SERVFAIL", res[1]["out"])
        self.assertIn("status: NXDOMAIN", res[2]["out"])
        self.assertRegex(res[3]["out"], r"flags: qr tc")
        self.assertIn("ANSWER: 0", res[3]["out"])
        self.assertEqual(sorted(res[4]["out"].split()), self.ips("bedrock"))  # dig retried over TCP
        self.assertNotEqual(res[5]["rc"], 0)
        self.assertIn("timed out", res[5]["out"])
        ms = int(re.search(r"Query time: (\d+) msec", res[6]["out"]).group(1))
        self.assertGreaterEqual(ms, 790)

    def test_tls_faults(self):
        A, ART, B = AGENT, AGENT_RT, "bedrock.us-east-1.amazonaws.com"
        res = self.batch([
            self.curl_argv(A, "10.0.1.41", "--max-time", "2"),
            self.curl_argv(A, "10.0.2.41", "--max-time", "5"),
            self.curl_argv(A, "10.0.3.41", "-w", "%{http_code} %{time_appconnect}"),
            self.curl_argv(ART, "10.0.1.51"),
            self.curl_argv(ART, "10.0.2.51"),
            self.curl_argv(ART, "10.0.3.51"),
            ["sh", "-c", "echo | openssl s_client -connect 10.0.2.51:443 -servername %s 2>/dev/null "
                         "| openssl x509 -noout -enddate" % ART],
            ["sh", "-c", "echo | openssl s_client -tls1_1 -cipher DEFAULT@SECLEVEL=0 -connect 10.0.3.51:443 "
                         "-servername %s 2>&1 | grep -E '^ *Protocol'" % ART],
            ["sh", "-c", "echo | openssl s_client -connect 10.0.1.21:443 -servername %s 2>&1 "
                         "| grep -o 'New, TLSv1..'; echo | openssl s_client -connect 10.0.2.21:443 -servername %s 2>&1"
                         " | grep -o 'New, TLSv1..'" % (B, B)],
        ], 9)
        self.assertEqual(res[0]["rc"], 28)  # stalled handshake
        self.assertIn(res[1]["rc"], (35, 56))  # reset
        code, t = res[2]["out"].split()
        self.assertEqual(code, "403")
        self.assertGreaterEqual(float(t), 1.15)
        self.assertEqual(res[3]["rc"], 60)  # self-signed
        self.assertEqual((res[4]["rc"], res[4]["out"]), (0, "403"))
        end = datetime.datetime.strptime(res[6]["out"].strip().split("=", 1)[1], "%b %d %H:%M:%S %Y %Z")
        days = (end - datetime.datetime.utcnow()).total_seconds() / 86400
        self.assertTrue(10 <= days < 11, days)
        self.assertEqual(res[5]["rc"], 35)  # TLS 1.0/1.1 only: modern client refuses
        self.assertIn("TLSv1.1", res[7]["out"])
        self.assertEqual(res[8]["out"].split(), ["New,", "TLSv1.2", "New,", "TLSv1.3"])  # tls1.2-only vs default


IMDS_SCRIPT = r'''
B=http://169.254.169.254
T=$(curl -s --max-time 5 -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 60" $B/latest/api/token); echo "put=$?"
curl -s --max-time 5 -o /dev/null -w "get=%{http_code} %{time_total}\n" -H "X-aws-ec2-metadata-token: $T" $B/latest/meta-data/instance-id
echo "creds=$(curl -s --max-time 5 -H "X-aws-ec2-metadata-token: $T" $B/latest/meta-data/iam/security-credentials/bedrock-reach-test-role | tr -d '\n ')"
'''


class ImdsFaults(SimCase):
    NAME = "t-imds"

    @classmethod
    def setUpClass(cls):
        cls.name = cls.NAME  # each test brings the instance up with its own --set knobs

    def imds(self, *sets):
        self.sc = up(self.name, "healthy", *sets)
        out = self.out("sh", "-c", IMDS_SCRIPT)
        return dict(line.split("=", 1) for line in out.splitlines())

    def test_imds_faults(self):
        kv = self.imds("imds.fault=always-401")
        self.assertEqual((kv["put"], kv["get"].split()[0]), ("0", "401"))
        kv = self.imds("imds.fault=creds-error")
        self.assertIn('"Code":"AssumeRoleUnauthorizedAccess"', kv["creds"])
        kv = self.imds("imds.delay_ms=700")
        self.assertGreaterEqual(float(kv["get"].split()[1]), 0.69)
        kv = self.imds("imds.fault=down")
        self.assertEqual(kv["put"], "7")  # connection refused

    def test_credential_rotation(self):
        self.sc = up(self.name, "healthy", "instance.role.cred_lifetime_s=6", "instance.role.refresh_margin_s=3")
        first = json.loads(self.imds_creds())
        deadline = time.time() + 10
        while time.time() < deadline:
            time.sleep(0.5)
            nxt = json.loads(self.imds_creds())
            if nxt["AccessKeyId"] != first["AccessKeyId"]:
                break
        self.assertNotEqual(nxt["AccessKeyId"], first["AccessKeyId"])
        self.assertGreater(nxt["Expiration"], first["Expiration"])
        self.assertLess(nxt["LastUpdated"], first["Expiration"])  # new set before the old one expired

    def imds_creds(self):
        return self.out("sh", "-c", 'T=$(curl -s -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 60" '
                        'http://169.254.169.254/latest/api/token); curl -s -H "X-aws-ec2-metadata-token: $T" '
                        'http://169.254.169.254/latest/meta-data/iam/security-credentials/bedrock-reach-test-role')

    @classmethod
    def tearDownClass(cls):
        vpcsim("down", cls.name, check=False)


if __name__ == "__main__":
    main()

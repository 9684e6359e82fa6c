"""Each shipped scenario builds and shows the behaviour it promises (DNS, API, TLS, IMDS)."""
import json

from simtest import SimCase, main

RT = "bedrock-runtime.us-east-1.amazonaws.com"
RT_PUBLIC = ["44.213.112.71", "54.164.53.122"]


class PrivateDnsOff(SimCase):
    SCENARIO = "private-dns-off"

    def test_public_answers_and_api(self):
        rt, br = self.digs([(RT, "A", []), ("bedrock.us-east-1.amazonaws.com", "A", [])])
        self.assertEqual(rt, RT_PUBLIC)
        self.assertEqual(br, self.ips("bedrock"))
        ep = self.awss([["ec2", "describe-vpc-endpoints", "--vpc-endpoint-ids",
                         self.sc["endpoints"]["bedrock-runtime"]["id"]]])[0]["VpcEndpoints"][0]
        self.assertFalse(ep["PrivateDnsEnabled"])
        self.assertNotIn(RT, [d["DnsName"] for d in ep["DnsEntries"]])
        # no route leads out of the VPC: the public addresses are unreachable (dataplane.py)
        self.assertEqual(self.curl(RT, None, "--connect-timeout", "2")[0], 28)


class EndpointMissing(SimCase):
    SCENARIO = "endpoint-missing"

    def test_missing(self):
        self.assertEqual(self.dig(RT), RT_PUBLIC)
        eps = self.awss([["ec2", "describe-vpc-endpoints"]])[0]["VpcEndpoints"]
        self.assertEqual(sorted(e["ServiceName"].split(".")[-1] for e in eps),
                         ["bedrock", "bedrock-agent", "bedrock-agent-runtime"])


class AzGap(SimCase):
    SCENARIO = "az-gap"

    def test_no_eni_in_instance_az(self):
        self.assertEqual(self.dig(RT), ["10.0.2.31", "10.0.3.31"])
        self.assertNotIn("us-east-1a", [e["az"] for e in self.sc["enis"] if e["service"] == "bedrock-runtime"])
        self.assertEqual(self.sc["instance"]["az"], "us-east-1a")


class SgBlocks443(SimCase):
    SCENARIO = "sg-blocks-443"

    def test_runtime_dropped_others_fine(self):
        res = self.curls([(RT, "10.0.1.31"), (RT, "10.0.3.31"), ("bedrock.us-east-1.amazonaws.com", "10.0.1.21")],
                         "--connect-timeout", "2")
        self.assertEqual(res[0][0], 28)  # connect timeout
        self.assertEqual(res[1][0], 28)
        self.assertEqual(res[2][:2], (0, "403"))
        sgs = self.awss([["ec2", "describe-security-groups", "--group-ids", "sg-0c5e6f7a8b9c0d1e2"]])[0]
        cidrs = [r["CidrIp"] for r in sgs["SecurityGroups"][0]["IpPermissions"][0]["IpRanges"]]
        self.assertEqual(cidrs, ["10.0.2.0/24", "10.0.3.0/24"])


class NaclBlocksReturn(SimCase):
    SCENARIO = "nacl-blocks-return"

    def test_return_dropped_in_b_and_c(self):
        res = self.curls([(RT, "10.0.1.31"), (RT, "10.0.2.31"), ("bedrock.us-east-1.amazonaws.com", "10.0.3.21")],
                         "--connect-timeout", "2")
        self.assertEqual(res[0][:2], (0, "403"))
        self.assertEqual(res[1][0], 28)
        self.assertEqual(res[2][0], 28)
        acls = self.awss([["ec2", "describe-network-acls", "--filters",
                           "Name=association.subnet-id,Values=" + self.sc["subnets"]["b"]["id"]]])[0]["NetworkAcls"]
        deny = [e for e in acls[0]["Entries"] if e["RuleNumber"] == 90]
        self.assertEqual((deny[0]["Egress"], deny[0]["RuleAction"], deny[0]["PortRange"]),
                         (True, "deny", {"From": 1024, "To": 65535}))
        strict = self.inner("strict", self.sc["vpc"]["id"])
        self.assertEqual({k: v["errors"] for k, v in strict.items() if v["errors"]}, {})


class EndpointPending(SimCase):
    SCENARIO = "endpoint-pending"

    def test_pending(self):
        self.assertEqual(self.dig(RT), RT_PUBLIC)
        ep = self.awss([["ec2", "describe-vpc-endpoints", "--filters",
                         "Name=service-name,Values=com.amazonaws.us-east-1.bedrock-runtime"]])[0]["VpcEndpoints"][0]
        self.assertEqual(ep["State"], "pending")
        self.assertIn("ZONEIDPENDING", [d["HostedZoneId"] for d in ep["DnsEntries"]])
        self.assertEqual(self.curl(RT, "10.0.1.31", "--connect-timeout", "2")[0], 7)  # refused


class PolicyDeniesInvoke(SimCase):
    SCENARIO = "policy-denies-invoke"

    def test_signed_invoke_denied(self):
        res = self.inner("bedrock", "POST https://%s/model/bedrock-reach-probe-nonexistent/invoke" % RT,
                         "GET https://bedrock.us-east-1.amazonaws.com/foundation-models")
        inv = [r for r in res if r["signed"] and "invoke" in r["url"]][0]
        self.assertEqual(inv["status"], 403)
        self.assertTrue(inv["error_type"].startswith("AccessDeniedException:"))
        self.assertIn("is not authorized to perform: bedrock:InvokeModel", inv["body"]["message"])
        self.assertIn("with an explicit deny in a VPC endpoint policy", inv["body"]["message"])
        lfm = [r for r in res if r["signed"] and "foundation-models" in r["url"]][0]
        self.assertEqual(lfm["status"], 200)
        ep = self.awss([["ec2", "describe-vpc-endpoints", "--filters",
                         "Name=service-name,Values=com.amazonaws.us-east-1.bedrock-runtime"]])[0]["VpcEndpoints"][0]
        self.assertEqual(json.loads(ep["PolicyDocument"])["Statement"][1]["Effect"], "Deny")


class CustomDnsNotForwarding(SimCase):
    SCENARIO = "custom-dns-not-forwarding"

    def test_custom_server_answers_public(self):
        self.assertIn("nameserver 10.0.2.53", self.out("cat", "/etc/resolv.conf"))
        via_resolv, via_amazon, via_ll = self.digs([(RT, "A", []), (RT, "A", ["@10.0.0.2"]),
                                                    (RT, "A", ["@169.254.169.253"])])
        self.assertEqual(via_resolv, RT_PUBLIC)
        self.assertEqual(via_amazon, self.ips("bedrock-runtime"))
        self.assertEqual(via_ll, self.ips("bedrock-runtime"))
        dh = self.awss([["ec2", "describe-dhcp-options"]])[0]["DhcpOptions"][0]
        conf = {c["Key"]: [v["Value"] for v in c["Values"]] for c in dh["DhcpConfigurations"]}
        self.assertEqual(conf["domain-name-servers"], ["10.0.2.53"])


class CustomDnsForwarding(SimCase):
    SCENARIO = "custom-dns-forwarding"

    def test_forwards(self):
        self.assertEqual(self.digs([(RT, "A", []), (RT, "A", ["@10.0.2.53", "+tcp"])]),
                         [self.ips("bedrock-runtime")] * 2)


class ProxyEnv(SimCase):
    SCENARIO = "proxy-env"

    def test_proxy_reaches_public(self):
        env = self.out("env")
        self.assertIn("HTTPS_PROXY=http://10.0.3.80:3128", env)
        self.assertIn("NO_PROXY=169.254.169.254", env)
        r = self.run_in("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", self.ca, "https://%s/" % RT)
        self.assertEqual(r.stdout, "403", r.stderr)
        with open(self.sc["state_dir"] + "/events.log") as f:
            events = f.read()
        self.assertIn("CONNECT %s:443" % RT, events)
        self.assertRegex(events, r'"tcp", "(44\.213\.112\.71|54\.164\.53\.122)"')
        tok = self.run_in("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT", "-H",
                          "X-aws-ec2-metadata-token-ttl-seconds: 60", "http://169.254.169.254/latest/api/token")
        self.assertEqual(tok.stdout, "200")


class HostsOverride(SimCase):
    SCENARIO = "hosts-override"

    def test_hosts_pin(self):
        self.assertEqual(self.out("getent", "hosts", RT).split()[0], "10.0.2.199")
        self.assertEqual(self.dig(RT), self.ips("bedrock-runtime"))
        self.assertEqual(self.curl(RT, None, "--connect-timeout", "2")[0], 28)


class NoIamRole(SimCase):
    SCENARIO = "no-iam-role"

    def test_no_role(self):
        script = ('T=$(curl -s -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 60" '
                  'http://169.254.169.254/latest/api/token); for p in iam/security-credentials/ iam/info; do '
                  'curl -s -o /dev/null -w "%{http_code} " -H "X-aws-ec2-metadata-token: $T" '
                  'http://169.254.169.254/latest/meta-data/$p; done')
        self.assertEqual(self.out("sh", "-c", script).split(), ["404", "404"])


class ImdsDisabled(SimCase):
    SCENARIO = "imds-disabled"

    def test_forbidden(self):
        r = self.run_in("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT", "-H",
                        "X-aws-ec2-metadata-token-ttl-seconds: 60", "http://169.254.169.254/latest/api/token")
        self.assertEqual(r.stdout, "403")


class ThrottledApi(SimCase):
    SCENARIO = "throttled-api"

    def test_throttled_once_per_action(self):
        r = self.inner("raw", "Action=DescribeVpcs", "Action=DescribeVpcs", "Action=DescribeSubnets")
        self.assertEqual([(x["status"], x["code"]) for x in r],
                         [(503, "RequestLimitExceeded"), (200, None), (503, "RequestLimitExceeded")])
        cli = self.inner("awscli", json.dumps([["--region", "us-east-1", "ec2", "describe-route-tables"]]))[0]
        self.assertEqual(cli["rc"], 0, cli["err"])  # the CLI retries throttling
        r = self.run_in("sh", "-c", "AWS_MAX_ATTEMPTS=1 aws --region us-east-1 ec2 describe-network-acls")
        self.assertIn("RequestLimitExceeded", r.stderr)


class TlsExpired(SimCase):
    SCENARIO = "tls-expired"

    def test_expired(self):
        bad, good = self.curls([(RT, None), ("bedrock.us-east-1.amazonaws.com", None)])
        self.assertEqual(bad[0], 60)
        self.assertIn("expired", bad[2])
        self.assertEqual(good[:2], (0, "403"))


class TlsWrongName(SimCase):
    SCENARIO = "tls-wrong-name"

    def test_wrong_name(self):
        rc, _, err = self.curl(RT)
        self.assertEqual(rc, 60)
        self.assertIn("subject name", err)


class DualStack(SimCase):
    SCENARIO = "dual-stack"

    def test_a_and_aaaa(self):
        a, aaaa, v6srv = self.digs([(RT, "A", []), (RT, "AAAA", []), (RT, "AAAA", ["@fd00:ec2::253"])])
        self.assertEqual(a, self.ips("bedrock-runtime"))
        self.assertEqual(aaaa, self.ips("bedrock-runtime", "ipv6"))
        self.assertEqual(v6srv, aaaa)
        self.assertEqual(len(aaaa), 3)
        res = self.curls([(RT, ip) for ip in aaaa])
        self.assertEqual([r[:2] for r in res], [(0, "403")] * 3)
        ip6 = self.run_in("curl", "-s", "-H", "X-aws-ec2-metadata-token: x", "-o", "/dev/null", "-w", "%{http_code}",
                          "http://[fd00:ec2::254]/latest/meta-data/")
        self.assertEqual(ip6.stdout, "401")
        strict = self.inner("strict", self.sc["vpc"]["id"])  # IPv6 elements match the EC2 model too
        self.assertEqual({k: v["errors"] for k, v in strict.items() if v["errors"]}, {})


class DnsHostnamesOff(SimCase):
    SCENARIO = "dns-hostnames-off"

    def test_all_public(self):
        rt, br, vpce = self.digs([(RT, "A", []), ("bedrock.us-east-1.amazonaws.com", "A", []),
                                  (self.sc["endpoints"]["bedrock-runtime"]["regional_dns_name"], "A", [])])
        self.assertEqual((rt, br, vpce), (RT_PUBLIC, ["3.225.58.14", "52.4.212.37"], self.ips("bedrock-runtime")))
        attr = self.awss([["ec2", "describe-vpc-attribute", "--vpc-id", self.sc["vpc"]["id"], "--attribute",
                           "enableDnsHostnames"]])[0]
        self.assertFalse(attr["EnableDnsHostnames"]["Value"])


class RouteViaNat(SimCase):
    SCENARIO = "route-via-nat"

    def test_nat_route(self):
        self.assertEqual(self.dig(RT), RT_PUBLIC)
        rts = self.awss([["ec2", "describe-route-tables", "--filters",
                          "Name=association.subnet-id,Values=" + self.sc["instance"]["subnet_id"]]])[0]["RouteTables"]
        self.assertIn({"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-0f1e2d3c4b5a69788",
                       "Origin": "CreateRoute", "State": "active"}, rts[0]["Routes"])


class SingleAz(SimCase):
    SCENARIO = "single-az"

    def test_one_eni(self):
        self.assertEqual(self.dig(RT), ["10.0.1.31"])


class ApiAccessDenied(SimCase):
    SCENARIO = "api-access-denied"

    def test_unauthorized(self):
        r = self.inner("raw", "Action=DescribeVpcEndpoints")[0]
        self.assertEqual((r["status"], r["code"]), (403, "UnauthorizedOperation"))
        self.assertIn("ec2:DescribeVpcEndpoints because no identity-based policy allows", r["message"])
        lfm = [x for x in self.inner("bedrock", "GET https://bedrock.us-east-1.amazonaws.com/foundation-models")
               if x["signed"]][0]
        self.assertEqual(lfm["status"], 200)


if __name__ == "__main__":
    main()

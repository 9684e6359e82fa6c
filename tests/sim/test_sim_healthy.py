"""Fidelity of the healthy scenario: DNS, IMDSv2, EC2 API (aws-cli + botocore), TLS, Bedrock HTTP layer."""
import json

from simtest import SimCase, main

SERVICES = ["bedrock", "bedrock-runtime", "bedrock-agent", "bedrock-agent-runtime"]


class Healthy(SimCase):
    SCENARIO = "healthy"

    # --- DNS -------------------------------------------------------------------------------------------------
    def test_done_criterion_three_enis(self):
        self.assertEqual(self.dig("bedrock-runtime.us-east-1.amazonaws.com"),
                         ["10.0.1.31", "10.0.2.31", "10.0.3.31"])

    def test_dns_every_service_every_server(self):
        queries, want = [], []
        for svc in SERVICES:
            host = "%s.us-east-1.amazonaws.com" % svc
            for server in ([], ["@10.0.0.2"], ["@169.254.169.253"], ["@169.254.169.253", "+tcp"], ["@10.0.0.2", "+tcp"]):
                queries.append((host, "A", server))
                want.append(self.ips(svc))
        self.assertEqual(self.digs(queries), want)

    def test_dns_vpce_names_and_ec2(self):
        queries, want = [], []
        for ep in self.sc["endpoints"].values():
            queries.append((ep["regional_dns_name"], "A", []))
            want.append(self.ips(ep["service"]))
        for e in self.sc["enis"]:
            queries.append((e["zonal_dns_name"], "A", []))
            want.append([e["ip"]])
        queries += [("ec2.us-east-1.amazonaws.com", "A", []), ("bedrock-runtime.us-east-1.amazonaws.com", "AAAA", [])]
        want += [["10.0.0.10"], []]
        self.assertEqual(self.digs(queries), want)
        r = self.out("dig", "+time=2", "nonexistent.example.com")
        self.assertIn("NXDOMAIN", r)

    def test_resolv_conf_and_hosts(self):
        rc = self.out("cat", "/etc/resolv.conf")
        self.assertIn("nameserver 10.0.0.2", rc)
        self.assertIn("search ec2.internal", rc)
        self.assertNotIn("bedrock", self.out("cat", "/etc/hosts"))

    # --- IMDSv2 ----------------------------------------------------------------------------------------------
    def test_imds_token_dance(self):
        script = r'''
set -e
B=http://169.254.169.254
H=$(mktemp)
T=$(curl -sf -X PUT -D $H -H "X-aws-ec2-metadata-token-ttl-seconds: 123" $B/latest/api/token)
grep -i "^x-aws-ec2-metadata-token-ttl-seconds: 123" $H >/dev/null
echo "notoken=$(curl -s -o /dev/null -w %{http_code} $B/latest/meta-data/instance-id)"
echo "badtoken=$(curl -s -o /dev/null -w %{http_code} -H "X-aws-ec2-metadata-token: nope" $B/latest/meta-data/instance-id)"
echo "nottl=$(curl -s -o /dev/null -w %{http_code} -X PUT $B/latest/api/token)"
echo "xff=$(curl -s -o /dev/null -w %{http_code} -X PUT -H "X-Forwarded-For: 1.2.3.4" -H "X-aws-ec2-metadata-token-ttl-seconds: 60" $B/latest/api/token)"
g() { curl -s -H "X-aws-ec2-metadata-token: $T" "$B/latest/$1"; }
echo "id=[$(g meta-data/instance-id)]"
echo "idslash=[$(g meta-data/instance-id/)]"
echo "az=[$(g meta-data/placement/availability-zone/)]"
echo "azid=[$(g meta-data/placement/availability-zone-id)]"
echo "region=[$(g meta-data/placement/region)]"
echo "mac=[$(g meta-data/mac)]"
M=$(g meta-data/mac)
echo "vpc=[$(g meta-data/network/interfaces/macs/$M/vpc-id)]"
echo "subnet=[$(g meta-data/network/interfaces/macs/$M/subnet-id)]"
echo "cidrs=[$(g meta-data/network/interfaces/macs/$M/vpc-ipv4-cidr-blocks)]"
echo "role=[$(g meta-data/iam/security-credentials)]"
echo "ext=$(curl -s -o /dev/null -w %{http_code} -H "X-aws-ec2-metadata-token: $T" $B/latest/meta-data/iam/security-credentials-extended/)"
echo "bytes=$(g meta-data/instance-id | wc -c)"
g meta-data/ > /tmp/listing.$$; echo "listing=[$(tr '\n' ' ' < /tmp/listing.$$)]"
g meta-data/iam/security-credentials/bedrock-reach-test-role > /tmp/creds.$$
python3 -c "import json;d=json.load(open('/tmp/creds.$$'));print('creds='+json.dumps(d))"
'''
        out = self.out("sh", "-c", script)
        kv = dict(line.split("=", 1) for line in out.splitlines())
        inst = self.sc["instance"]
        self.assertEqual(kv["notoken"], "401")
        self.assertEqual(kv["badtoken"], "401")
        self.assertEqual(kv["nottl"], "400")
        self.assertEqual(kv["xff"], "403")
        self.assertEqual(kv["id"], "[i-0123456789abcdef0]")
        self.assertEqual(kv["idslash"], "[i-0123456789abcdef0]")
        self.assertEqual(kv["az"], "[us-east-1a]")
        self.assertEqual(kv["azid"], "[use1-az1]")
        self.assertEqual(kv["region"], "[us-east-1]")
        self.assertEqual(kv["vpc"], "[vpc-0a1b2c3d4e5f60718]")
        self.assertEqual(kv["subnet"], "[%s]" % inst["subnet_id"])
        self.assertEqual(kv["cidrs"], "[10.0.0.0/16]")
        self.assertEqual(kv["role"], "[bedrock-reach-test-role]")
        self.assertEqual(kv["ext"], "404")
        self.assertEqual(kv["bytes"], str(len("i-0123456789abcdef0")))  # no trailing newline
        self.assertIn("placement/ ", kv["listing"])
        self.assertIn("iam/", kv["listing"].split("[")[1].rstrip("]").split())
        creds = json.loads(kv["creds"])
        self.assertEqual(creds["Code"], "Success")
        self.assertTrue(creds["AccessKeyId"].startswith("ASIA"))
        for k in ("SecretAccessKey", "Token", "Expiration", "LastUpdated", "Type"):
            self.assertIn(k, creds)

    # --- EC2 API ---------------------------------------------------------------------------------------------
    def test_aws_cli_lists_exactly_the_scenario(self):
        sc = self.sc
        isub = sc["instance"]["subnet_id"]
        (eps, flt, enis, allnis, rts, byassoc, sgs, allsg, acls, subs, sup, hosts, vpcs, dhcp) = self.awss([
            ["ec2", "describe-vpc-endpoints"],
            ["ec2", "describe-vpc-endpoints", "--filters", "Name=service-name,Values=com.amazonaws.us-east-1.bedrock-runtime"],
            ["ec2", "describe-network-interfaces", "--network-interface-ids"] + [e["id"] for e in sc["enis"]],
            ["ec2", "describe-network-interfaces"],
            ["ec2", "describe-route-tables"],
            ["ec2", "describe-route-tables", "--filters", "Name=association.subnet-id,Values=" + isub],
            ["ec2", "describe-security-groups", "--group-ids", "sg-0be4d12345678abcd"],
            ["ec2", "describe-security-groups"],
            ["ec2", "describe-network-acls", "--filters", "Name=association.subnet-id,Values=" + isub],
            ["ec2", "describe-subnets"],
            ["ec2", "describe-vpc-attribute", "--vpc-id", sc["vpc"]["id"], "--attribute", "enableDnsSupport"],
            ["ec2", "describe-vpc-attribute", "--vpc-id", sc["vpc"]["id"], "--attribute", "enableDnsHostnames"],
            ["ec2", "describe-vpcs"],
            ["ec2", "describe-dhcp-options"],
        ])
        eps = eps["VpcEndpoints"]
        self.assertEqual(sorted(e["VpcEndpointId"] for e in eps), sorted(e["id"] for e in sc["endpoints"].values()))
        for e in eps:
            want = sc["endpoints"][e["ServiceName"].split(".")[-1]]
            self.assertEqual(e["State"], "available")
            self.assertTrue(e["PrivateDnsEnabled"])
            self.assertEqual(sorted(e["NetworkInterfaceIds"]), sorted(want["eni_ids"]))
            self.assertIn(want["hostname"], [d["DnsName"] for d in e["DnsEntries"]])
            self.assertIn(want["regional_dns_name"], [d["DnsName"] for d in e["DnsEntries"]])
            self.assertEqual(json.loads(e["PolicyDocument"])["Statement"][0]["Effect"], "Allow")
        self.assertEqual([e["VpcEndpointId"] for e in flt["VpcEndpoints"]], [sc["endpoints"]["bedrock-runtime"]["id"]])
        got = sorted((n["NetworkInterfaceId"], n["PrivateIpAddress"], n["SubnetId"], n["AvailabilityZone"])
                     for n in enis["NetworkInterfaces"])
        self.assertEqual(got, sorted((e["id"], e["ip"], e["subnet_id"], e["az"]) for e in sc["enis"]))
        self.assertEqual(len(allnis["NetworkInterfaces"]), len(sc["enis"]) + 1)
        self.assertEqual(sorted(r["RouteTableId"] for r in rts["RouteTables"]),
                         sorted(r["id"] for r in sc["route_tables"].values()))
        self.assertEqual([r["RouteTableId"] for r in byassoc["RouteTables"]], ["rtb-0b2b0000000000002"])
        perm = sgs["SecurityGroups"][0]["IpPermissions"][0]
        self.assertEqual((perm["FromPort"], perm["IpRanges"][0]["CidrIp"]), (443, "10.0.0.0/16"))
        self.assertEqual(sorted(g["GroupId"] for g in allsg["SecurityGroups"]),
                         sorted(g["id"] for g in sc["security_groups"].values()))
        acls = acls["NetworkAcls"]
        self.assertEqual([a["NetworkAclId"] for a in acls], ["acl-0d0fa017000000001"])
        self.assertIn(32767, [e["RuleNumber"] for e in acls[0]["Entries"]])
        self.assertEqual(sorted((s["SubnetId"], s["AvailabilityZone"], s["AvailabilityZoneId"], s["CidrBlock"])
                                for s in subs["Subnets"]),
                         sorted((s["id"], s["az"], s["az_id"], s["cidr"]) for s in sc["subnets"].values()))
        self.assertEqual(sup["EnableDnsSupport"]["Value"], True)
        self.assertEqual(hosts["EnableDnsHostnames"]["Value"], True)
        self.assertEqual([(v["VpcId"], v["CidrBlock"], v["DhcpOptionsId"]) for v in vpcs["Vpcs"]],
                         [(sc["vpc"]["id"], "10.0.0.0/16", sc["dhcp_options"]["id"])])
        dh = dhcp["DhcpOptions"][0]
        conf = {c["Key"]: [v["Value"] for v in c["Values"]] for c in dh["DhcpConfigurations"]}
        self.assertEqual(conf["domain-name-servers"], ["AmazonProvidedDNS"])

    def test_xml_matches_model_and_botocore_parses(self):
        res = self.inner("strict", self.sc["vpc"]["id"])
        for action, r in res.items():
            self.assertEqual(r["status"], 200, action)
            self.assertEqual(r["errors"], [], action)
            self.assertEqual(r["server"], "AmazonEC2")
            self.assertTrue(r["request_id"], action)

    def test_sigv4_refusals(self):
        res = self.inner("sig")
        self.assertEqual(res["good"]["status"], 200)
        for case in ("wrong-secret", "wrong-region", "wrong-service", "unsigned", "unknown-key"):
            self.assertEqual((res[case]["status"], res[case]["code"]), (401, "AuthFailure"), case)
        self.assertEqual((res["skew"]["status"], res["skew"]["code"]), (400, "RequestExpired"))

    def test_errors_for_unknown_ids_and_filters(self):
        base = ["--region", "us-east-1", "ec2", "describe-subnets"]
        r1, r2 = self.inner("awscli", json.dumps([base + ["--subnet-ids", "subnet-0000000000000000f"],
                                                  base + ["--filters", "Name=bogus,Values=x"]]))
        self.assertIn("InvalidSubnetID.NotFound", r1["err"])
        self.assertIn("InvalidParameterValue", r2["err"])

    # --- TLS + Bedrock HTTP ----------------------------------------------------------------------------------
    def test_tls_to_every_eni(self):
        # Public addresses are not reachable here: healthy's route table leads nowhere outside the VPC and the
        # data plane follows the routes (simlib/dataplane.py; test_sim_estates covers the drop, and the
        # custom-dns-not-forwarding e2e reaches public answers through its NAT route).
        targets = []
        for e in self.sc["enis"]:
            targets += [("%s.us-east-1.amazonaws.com" % e["service"], e["ip"]), (e["zonal_dns_name"], e["ip"]),
                        (self.sc["endpoints"][e["service"]]["regional_dns_name"], e["ip"])]
        for t, (rc, code, err) in zip(targets, self.curls(targets)):
            self.assertEqual((rc, code), (0, "403"), (t, err))

    def test_bedrock_http_layer(self):
        res = self.inner("bedrock", "GET https://bedrock.us-east-1.amazonaws.com/foundation-models",
                         "POST https://bedrock-runtime.us-east-1.amazonaws.com/model/bedrock-reach-probe-nonexistent/invoke")
        unsigned = [r for r in res if not r["signed"]]
        for r in unsigned:
            self.assertEqual(r["status"], 403)
            self.assertTrue(r["request_id"])
            self.assertTrue(r["error_type"].startswith("AccessDeniedException:"))
            self.assertEqual(r["body"], {"Message": "Authorization header is missing"})
        lfm, inv = [r for r in res if r["signed"]]
        self.assertEqual(lfm["status"], 200)
        self.assertTrue(lfm["body"]["modelSummaries"])
        self.assertEqual(inv["status"], 400)
        self.assertTrue(inv["error_type"].startswith("ValidationException:"))


if __name__ == "__main__":
    main()

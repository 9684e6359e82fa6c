"""Real-estate scenarios (issue 15): shared VPC, no EC2 endpoint, scoped and pathed policies, FIPS, inspection
routes, prefix lists, endpoint-specific names, a hub VPC's endpoint, and a data plane that follows the routes. Real clients (aws-cli,
botocore, dig, curl) read what the simulator serves."""
import json
import os
import sys

from simtest import SimCase, main

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

RT = "bedrock-runtime.us-east-1.amazonaws.com"
BR = "bedrock.us-east-1.amazonaws.com"
OWNER = "111122223333"
CALLER = "123456789012"
PROBE = "bedrock-reach-probe-nonexistent"
CLAUDE = "anthropic.claude-3-haiku-20240307-v1:0"


def signed(res, fragment):
    return [r for r in res if r["signed"] and fragment in r["url"]][0]


class SharedVpc(SimCase):
    SCENARIO = "shared-vpc"

    def test_participant_view(self):
        vpc_id = self.sc["vpc"]["id"]
        eps, vpcs, subnets, enis, sgs, rts = self.awss([
            ["ec2", "describe-vpc-endpoints"], ["ec2", "describe-vpcs"], ["ec2", "describe-subnets"],
            ["ec2", "describe-network-interfaces"], ["ec2", "describe-security-groups"],
            ["ec2", "describe-route-tables"]])
        self.assertEqual(eps["VpcEndpoints"], [])  # the owner's endpoints are not the participant's
        self.assertEqual([(v["VpcId"], v["OwnerId"]) for v in vpcs["Vpcs"]], [(vpc_id, OWNER)])
        self.assertEqual({s["OwnerId"] for s in subnets["Subnets"]}, {OWNER})
        self.assertTrue(all(":%s:subnet/" % OWNER in s["SubnetArn"] for s in subnets["Subnets"]))
        self.assertEqual([(n["NetworkInterfaceId"], n["OwnerId"]) for n in enis["NetworkInterfaces"]],
                         [(self.sc["instance"]["eni"], CALLER)])
        self.assertEqual([g["GroupName"] for g in sgs["SecurityGroups"]], ["app-tier"])
        self.assertEqual({r["OwnerId"] for r in rts["RouteTables"]}, {OWNER})
        ep_sg = self.sc["security_groups"]["endpoints"]["id"]
        eni = self.sc["enis"][0]["id"]
        raw = self.inner("raw", "Action=DescribeSecurityGroups&GroupId.1=" + ep_sg,
                         "Action=DescribeNetworkInterfaces&NetworkInterfaceId.1=" + eni,
                         "Action=DescribeVpcEndpoints&VpcEndpointId.1=" + self.sc["endpoints"]["bedrock"]["id"],
                         "Action=GetManagedPrefixListEntries&PrefixListId=pl-0a1b2c3d4e5f60001")
        self.assertEqual([r["code"] for r in raw], ["InvalidGroup.NotFound", "InvalidNetworkInterfaceID.NotFound",
                                                    "InvalidVpcEndpointId.NotFound", "UnauthorizedOperation"])
        strict = self.inner("strict", vpc_id)
        self.assertEqual({k: v["errors"] for k, v in strict.items() if v["errors"]}, {})

    def test_data_plane_and_identity(self):
        self.assertEqual(self.dig(RT), self.ips("bedrock-runtime"))
        self.assertEqual(self.curl(RT)[:2], (0, "403"))
        tok = self.out("curl", "-sS", "-X", "PUT", "-H", "X-aws-ec2-metadata-token-ttl-seconds: 60",
                       "http://169.254.169.254/latest/api/token")
        doc = json.loads(self.out("curl", "-sS", "-H", "X-aws-ec2-metadata-token: " + tok,
                                  "http://169.254.169.254/latest/dynamic/instance-identity/document"))
        self.assertEqual(doc["accountId"], CALLER)


class SharedVpcOwnerEnisVisible(SimCase):
    """participant_view.owner_enis: the alternative reading, where the endpoint ENIs are listed with the owner's id."""
    SCENARIO = "shared-vpc"
    NAME = "t-shared-vpc-enis"
    SETS = ('participant_view={"owner_enis": true}',)

    def test_enis(self):
        enis = self.awss([["ec2", "describe-network-interfaces", "--filters",
                           "Name=interface-type,Values=vpc_endpoint"]])[0]["NetworkInterfaces"]
        self.assertEqual(len(enis), 12)
        self.assertEqual({(n["OwnerId"], n["RequesterManaged"], n["RequesterId"]) for n in enis},
                         {(OWNER, True, "727180483921")})


class NoEc2Endpoint(SimCase):
    SCENARIO = "no-ec2-endpoint"

    def test_api_unreachable_bedrock_fine(self):
        api_host = self.sc["addresses"]["ec2_api_host"]
        self.assertEqual(self.dig(api_host), ["52.46.154.17"])
        api, rt = self.curls([(api_host, None), (RT, None)], "--connect-timeout", "2")
        self.assertEqual(api[0], 28)  # no route out: the SYN is dropped
        self.assertEqual(rt[:2], (0, "403"))


class PrivateDnsOffNoRoute(SimCase):
    SCENARIO = "private-dns-off"
    NAME = "t-pdo-dataplane"

    def test_public_unreachable(self):
        self.assertEqual(self.curl(RT, None, "--connect-timeout", "2")[0], 28)
        self.assertEqual(self.curl(BR)[:2], (0, "403"))


class ScopedPolicy(SimCase):
    SCENARIO = "scoped-policy"

    def test_scope(self):
        res = self.inner("bedrock", "POST https://%s/model/%s/invoke" % (RT, PROBE),
                         "POST https://%s/model/%s/invoke" % (RT, CLAUDE),
                         "POST https://%s/model/us.%s/converse" % (RT, CLAUDE),
                         "POST https://%s/model/meta.llama3-8b-instruct-v1:0/invoke" % RT,
                         "GET https://%s/foundation-models" % BR)
        probe = signed(res, PROBE)
        self.assertEqual(probe["status"], 403)
        self.assertTrue(probe["error_type"].startswith("AccessDeniedException:"))
        self.assertEqual(probe["body"]["message"],
                         "User: arn:aws:sts::%s:assumed-role/bedrock-reach-test-role/i-0123456789abcdef0 is not "
                         "authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1::"
                         "foundation-model/%s because no identity-based policy allows the bedrock:InvokeModel "
                         "action" % (CALLER, PROBE))
        self.assertEqual(signed(res, "/model/" + CLAUDE)["status"], 400)  # authorized; fails validation
        self.assertEqual(signed(res, "/model/us." + CLAUDE)["status"], 400)  # inference profile in scope
        self.assertEqual(signed(res, "llama3")["status"], 403)
        self.assertEqual(signed(res, "foundation-models")["status"], 200)


class ScopedEndpointPolicyOnly(SimCase):
    """The identity allows bedrock:*; only the endpoint policy is scoped: its own message."""
    SCENARIO = "scoped-policy"
    NAME = "t-scoped-endpoint"
    SETS = ("instance.role.policy=null", 'instance.role.allow=["bedrock:*", "ec2:Describe*"]')

    def test_endpoint_message(self):
        res = self.inner("bedrock", "POST https://%s/model/%s/invoke" % (RT, PROBE),
                         "POST https://%s/model/%s/invoke" % (RT, CLAUDE))
        self.assertIn("because no VPC endpoint policy allows the bedrock:InvokeModel action",
                      signed(res, PROBE)["body"]["message"])
        self.assertEqual(signed(res, CLAUDE)["status"], 400)


class Fips(SimCase):
    SCENARIO = "fips"

    def test_fips_names(self):
        host = "bedrock-runtime-fips.us-east-1.amazonaws.com"
        rt, br = self.digs([(host, "A", []), ("bedrock-fips.us-east-1.amazonaws.com", "A", [])])
        self.assertEqual(rt, self.ips("bedrock-runtime-fips"))
        self.assertEqual(br, self.ips("bedrock-fips"))
        eps = self.awss([["ec2", "describe-vpc-endpoints", "--filters",
                          "Name=service-name,Values=com.amazonaws.us-east-1.bedrock-runtime-fips"]])[0]
        ep = eps["VpcEndpoints"][0]
        self.assertTrue(ep["PrivateDnsEnabled"])
        self.assertIn(host, [d["DnsName"] for d in ep["DnsEntries"]])
        self.assertEqual(sorted(ep["NetworkInterfaceIds"]), sorted(e["id"] for e in self.sc["enis"]
                                                                  if e["service"] == "bedrock-runtime-fips"))
        res = self.inner("bedrock", "POST https://%s/model/%s/invoke" % (host, PROBE))
        self.assertEqual(signed(res, PROBE)["status"], 400)  # SigV4 name bedrock, verified; no model runs


class PathedRole(SimCase):
    SCENARIO = "pathed-role"

    def test_path_in_principal_arn(self):
        self.assertEqual(self.sc["instance"]["role"]["arn"], "arn:aws:iam::%s:role/service-role/bedrock-app" % CALLER)
        tok = self.out("curl", "-sS", "-X", "PUT", "-H", "X-aws-ec2-metadata-token-ttl-seconds: 60",
                       "http://169.254.169.254/latest/api/token")
        names = self.out("curl", "-sS", "-H", "X-aws-ec2-metadata-token: " + tok,
                         "http://169.254.169.254/latest/meta-data/iam/security-credentials/")
        self.assertEqual(names, "bedrock-app")  # IMDS gives the name only, never the path
        res = self.inner("bedrock", "POST https://%s/model/%s/invoke" % (RT, PROBE), "GET https://%s/foundation-models" % BR)
        self.assertEqual(signed(res, PROBE)["status"], 400)
        self.assertEqual(signed(res, "foundation-models")["status"], 200)


class PathedRoleWithoutPath(SimCase):
    """The same policies against a role without the path: the condition no longer matches."""
    SCENARIO = "pathed-role"
    NAME = "t-pathless-role"
    SETS = ("instance.role.path=/",)

    def test_denied(self):
        res = self.inner("bedrock", "POST https://%s/model/%s/invoke" % (RT, PROBE))
        self.assertIn("because no VPC endpoint policy allows", signed(res, PROBE)["body"]["message"])


class InspectionRoute(SimCase):
    SCENARIO = "inspection-route"

    def test_appliance_hop(self):
        vpce = "vpce-0f1a2b3c4d5e6f789"
        rts, eps, enis = self.awss([
            ["ec2", "describe-route-tables", "--route-table-ids", "rtb-0b2b0000000000002"],
            ["ec2", "describe-vpc-endpoints", "--vpc-endpoint-ids", vpce],
            ["ec2", "describe-network-interfaces", "--filters",
             "Name=interface-type,Values=gateway_load_balancer_endpoint"]])
        default = [r for r in rts["RouteTables"][0]["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"][0]
        self.assertEqual(default["GatewayId"], vpce)  # botocore's Route has no endpoint member
        ep = eps["VpcEndpoints"][0]
        self.assertEqual((ep["VpcEndpointType"], ep["RequesterManaged"], ep["State"]),
                         ("GatewayLoadBalancer", True, "available"))
        self.assertTrue(ep["ServiceName"].startswith("com.amazonaws.vpce.us-east-1.vpce-svc-"))
        self.assertEqual([n["Description"] for n in enis["NetworkInterfaces"]], ["VPC Endpoint Interface " + vpce])
        self.assertEqual(self.dig(RT), ["44.213.112.71", "54.164.53.122"])
        self.assertEqual(self.curl(RT)[:2], (0, "403"))  # through the appliance and the NAT
        strict = self.inner("strict", self.sc["vpc"]["id"])
        self.assertEqual({k: v["errors"] for k, v in strict.items() if v["errors"]}, {})


class InspectionBlackhole(SimCase):
    """The appliance's subnet has no way out: the public addresses are unreachable."""
    SCENARIO = "inspection-route"
    NAME = "t-inspection-nowhere"
    SETS = ('route_tables.firewall.routes=[{"dst": "10.0.0.0/16", "target": "local"}]',)

    def test_dropped(self):
        self.assertEqual(self.curl(RT, None, "--connect-timeout", "2")[0], 28)


class PrefixLists(SimCase):
    SCENARIO = "prefix-lists"

    def test_lists_and_rules(self):
        pls, entries, sgs = self.awss([
            ["ec2", "describe-managed-prefix-lists"],
            ["ec2", "get-managed-prefix-list-entries", "--prefix-list-id", "pl-0a1b2c3d4e5f60001"],
            ["ec2", "describe-security-groups", "--group-ids", self.sc["security_groups"]["endpoints"]["id"]]])
        by_id = {p["PrefixListId"]: p for p in pls["PrefixLists"]}
        self.assertEqual(by_id["pl-63a5400a"]["OwnerId"], "AWS")
        self.assertEqual(by_id["pl-0a1b2c3d4e5f60001"]["OwnerId"], CALLER)
        self.assertEqual(by_id["pl-0a1b2c3d4e5f60001"]["PrefixListArn"],
                         "arn:aws:ec2:us-east-1:%s:prefix-list/pl-0a1b2c3d4e5f60001" % CALLER)
        self.assertEqual([e["Cidr"] for e in entries["Entries"]], ["10.0.1.0/24", "10.0.2.0/24"])
        rule = sgs["SecurityGroups"][0]["IpPermissions"][0]
        self.assertEqual(([p["PrefixListId"] for p in rule["PrefixListIds"]], rule["IpRanges"]),
                         (["pl-0a1b2c3d4e5f60001"], []))
        raw = self.inner("raw", "Action=GetManagedPrefixListEntries&PrefixListId=pl-0ffffffffffffffff",
                         "Action=GetManagedPrefixListEntries", "PAGES:Action=GetManagedPrefixListEntries"
                         "&PrefixListId=pl-63a5400a&MaxResults=3")
        self.assertEqual([r["code"] for r in raw[:2]], ["InvalidPrefixListID.NotFound", "MissingParameter"])
        self.assertEqual(len(raw) - 2, 2)  # 4 entries, 3 per page
        self.assertEqual(self.curl(RT, "10.0.1.31")[:2], (0, "403"))  # the rule admits the instance


class AppEndpointUrl(SimCase):
    SCENARIO = "app-endpoint-url"

    def test_vpce_name(self):
        ep = self.sc["endpoints"]["bedrock-runtime"]
        zonal = [e["zonal_dns_name"] for e in self.sc["enis"] if e["service"] == "bedrock-runtime" and e["subnet"] == "a"][0]
        regional, zone_a, default = self.digs([(ep["regional_dns_name"], "A", []), (zonal, "A", []), (RT, "A", [])])
        self.assertEqual(regional, self.ips("bedrock-runtime"))
        self.assertEqual(zone_a, ["10.0.1.31"])
        self.assertEqual(default, ["44.213.112.71", "54.164.53.122"])
        self.assertIn("AWS_ENDPOINT_URL_BEDROCK_RUNTIME=https://" + ep["regional_dns_name"], self.out("env"))
        self.assertEqual(self.curl(ep["regional_dns_name"])[:2], (0, "403"))
        self.assertEqual(self.curl(RT, None, "--connect-timeout", "2")[0], 28)
        # botocore reads AWS_ENDPOINT_URL_BEDROCK_RUNTIME and reaches an ENI (a ValidationException, not a timeout)
        r = self.run_in("aws", "--region", "us-east-1", "--cli-connect-timeout", "3", "bedrock-runtime",
                        "invoke-model", "--model-id", PROBE, "--body", "e30=", "/dev/null", timeout=60)
        self.assertIn("ValidationException", r.stderr)
        with open(self.sc["state_dir"] + "/events.log") as f:
            self.assertRegex(f.read(), r'"http", "10\.0\.[123]\.31", "POST", "/model/%s/invoke"' % PROBE)


class HubEndpoint(SimCase):
    """bedrock-runtime's endpoint in a hub VPC: a private hosted zone answers its ENIs, a TGW route leads there, and
    this VPC's DescribeVpcEndpoints does not list it."""
    SCENARIO = "hub-endpoint"

    def test_hub_answers_route_and_api(self):
        hub = self.sc["hub_endpoints"]["bedrock-runtime"]
        self.assertEqual(sorted(self.dig(RT)), sorted(hub["ips"]))
        eps, rts = self.awss([["ec2", "describe-vpc-endpoints"], ["ec2", "describe-route-tables"]])
        self.assertNotIn("com.amazonaws.us-east-1.bedrock-runtime", [e["ServiceName"] for e in eps["VpcEndpoints"]])
        tgw = [r for t in rts["RouteTables"] for r in t["Routes"] if r.get("TransitGatewayId")]
        self.assertEqual([(r["DestinationCidrBlock"], r["TransitGatewayId"]) for r in tgw],
                         [("10.50.0.0/16", "tgw-0a1b2c3d4e5f60789")])
        for ip in hub["ips"]:
            self.assertEqual(self.curl(RT, ip)[:2], (0, "403"))  # the hub endpoint serves the name


class AppEndpointConfig(SimCase):
    SCENARIO = "app-endpoint-config"

    def test_services_section(self):
        # The aws CLI (botocore's ConfiguredEndpointProvider) reads the [services] section of AWS_CONFIG_FILE and
        # reaches an ENI through the endpoint-specific name; without the section it would time out on the public
        # default name (private DNS off, no route out).
        env = self.out("env")
        self.assertNotIn("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", env)
        self.assertNotIn("AWS_ENDPOINT_URL=", env)
        r = self.run_in("aws", "--cli-connect-timeout", "3", "bedrock-runtime", "invoke-model",
                        "--model-id", PROBE, "--body", "e30=", "/dev/null", timeout=60)
        self.assertIn("ValidationException", r.stderr)
        with open(self.sc["state_dir"] + "/events.log") as f:
            self.assertRegex(f.read(), r'"http", "10\.0\.[123]\.31", "POST", "/model/%s/invoke", '
                                       r'"vpce-0b1a2c3d4e5f60002-k4l5m6n7' % PROBE)



class AppConfigMissingServices(SimCase):
    SCENARIO = "app-config-missing-services"

    def test_botocore_refuses_the_client(self):
        # The aws CLI (botocore) stops before any request: the profile names a services section the file lacks.
        r = self.run_in("aws", "--cli-connect-timeout", "3", "bedrock-runtime", "invoke-model",
                        "--model-id", PROBE, "--body", "e30=", "/dev/null", timeout=60)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('the "bedrock-app" services configuration does not exist', r.stderr)
        with open(self.sc["state_dir"] + "/events.log") as f:
            self.assertNotIn('"POST", "/model/', f.read())

if __name__ == "__main__":
    main()

"""Where applications run (issue 16): the container hop, container credential endpoints, STS, SSO,
credential_process and the AWS clock offset, proven with aws-cli/botocore and curl."""
import datetime
import email.utils
import json
import os
import re

from simtest import SimCase, main

STS_ENDPOINT = {"id": "vpce-0b1a2c3d4e5f60005", "dns_suffix": "s7t8u9v0", "state": "available", "private_dns": True,
                "subnets": {"a": "10.0.1.61"}, "security_groups": ["endpoints"], "dns_record_ip_type": "ipv4"}
# A DNS query to the Amazon resolver; prints the IP TTL its reply arrived with (64 sent, one forward).
RECV_TTL = """import socket,struct
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.settimeout(3)
s.setsockopt(socket.IPPROTO_IP,12,1)  # IP_RECVTTL
s.sendto(bytes.fromhex('abcd01000001000000000000')+b'\\x03sts\\x00\\x00\\x01\\x00\\x01',('10.0.0.2',53))
d,anc,f,a=s.recvmsg(512,64);print(struct.unpack('i',anc[0][2][:4])[0] if len(anc[0][2])>=4 else anc[0][2][0])"""
PUT = ["curl", "-sS", "-m", "3", "-o", "/dev/null", "-w", "%{http_code} %{time_connect}", "-X", "PUT",
       "-H", "X-aws-ec2-metadata-token-ttl-seconds: 60", "http://169.254.169.254/latest/api/token"]


def events(case, kind):
    with open(os.path.join("/run/brsim", case.name, "events.log")) as f:
        return [json.loads(line)[2:] for line in f if json.loads(line)[1] == kind]


class AppCase(SimCase):
    def caller(self):
        return self.aws("sts", "get-caller-identity")

    def cli_error(self, *args):
        r = self.run_in("aws", "--region", "us-east-1", *args)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        return r.stderr


class ContainerHopLimit(AppCase):
    SCENARIO = "container-hop-limit"
    NAME = "t-hop"

    def test_put_connects_but_reply_dies_one_hop_away(self):
        r = self.run_in(*PUT)
        self.assertEqual(r.returncode, 28, (r.stdout, r.stderr))  # curl: operation timed out
        code, connect = r.stdout.split()
        self.assertEqual(code, "000")
        self.assertGreater(float(connect), 0.0)  # the TCP handshake completed
        # IMDSv1 replies are not hop-limited: 401 because the instance requires IMDSv2
        self.assertEqual(self.out("curl", "-s", "-m", "3", "-o", "/dev/null", "-w", "%{http_code}",
                                  "http://169.254.169.254/latest/meta-data/"), "401")

    def test_host_gets_a_token(self):
        r = self.run_in_host(*PUT)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith("200 "))

    def test_container_network_is_a_routed_hop(self):
        self.assertIn("default via 172.17.0.1", self.out("ip", "route"))
        # the TTL a reply arrives with is one less than it left with
        self.assertEqual(self.out("python3", "-c", RECV_TTL).strip(), "63")
        # Amazon DNS answers the container through the NAT
        self.assertEqual(self.dig("bedrock-runtime.us-east-1.amazonaws.com"), self.ips("bedrock-runtime"))

    def test_aws_cli_in_container_has_no_credentials(self):
        err = self.cli_error("--cli-read-timeout", "2", "--cli-connect-timeout", "2", "bedrock", "list-foundation-models")
        self.assertIn("Unable to locate credentials", err)

    def run_in_host(self, *cmd):
        import subprocess
        from simtest import VPCSIM
        return subprocess.run(VPCSIM + ["exec", "--on", "host", self.name, "--"] + list(cmd), capture_output=True,
                              text=True, timeout=60)


class ContainerTeardown(SimCase):
    SCENARIO = "container-hop-limit"
    NAME = "t-hopdown"

    def test_down_removes_container_namespaces_and_processes(self):
        import subprocess
        import time
        from simtest import VPCSIM, vpcsim
        p = subprocess.Popen(VPCSIM + ["exec", self.name, "--", "sleep", "300"])
        for _ in range(50):
            if subprocess.run(["ip", "netns", "pids", "brsimc-" + self.name], capture_output=True, text=True).stdout:
                break
            time.sleep(0.1)
        vpcsim("down", self.name)
        self.assertEqual(p.wait(timeout=10), -15)  # SIGTERM from the teardown
        names = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        self.assertNotIn("brsimc-" + self.name, names)
        self.assertNotIn("brsimr-" + self.name, names)
        self.assertFalse(os.path.exists("/etc/netns/brsimc-" + self.name))


class EcsTaskRole(AppCase):
    SCENARIO = "ecs-task-role"
    NAME = "t-ecs"

    def test_aws_cli_uses_the_task_role(self):
        out = self.out("aws", "configure", "list")
        self.assertRegex(out, r"access_key\s+\*+\w{4}\s+container-role")
        models = self.aws("bedrock", "list-foundation-models")["modelSummaries"]
        self.assertTrue(models)
        issued = [e for e in events(self, "creds") if e[:2] == ["ecs", "issued"]]
        self.assertTrue(issued)
        self.assertIn("assumed-role/bedrock-task-role/", issued[-1][2])

    def test_endpoint_document_and_bad_id(self):
        doc = json.loads(self.out("sh", "-c", "curl -s http://169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"))
        self.assertEqual(doc["RoleArn"], "arn:aws:iam::123456789012:role/ecs/tasks/bedrock-task-role")
        self.assertEqual(set(doc), {"AccessKeyId", "Expiration", "RoleArn", "SecretAccessKey", "Token"})
        self.assertEqual(self.out("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                                  "http://169.254.170.2/v2/credentials/nope"), "400")

    def test_hop_limit_two_reaches_the_container(self):
        self.assertTrue(self.out(*PUT).startswith("200 "))


class EksPodIdentity(AppCase):
    SCENARIO = "eks-pod-identity"
    NAME = "t-podid"

    def test_aws_cli_gets_pod_identity_credentials(self):
        out = self.out("aws", "configure", "list")
        self.assertRegex(out, r"container-role")
        me = self.caller()
        self.assertEqual(me["Arn"].split("/")[:2], ["arn:aws:sts::123456789012:assumed-role", "bedrock-pod-role"])
        self.assertTrue(any(e[:2] == ["pod-identity", "issued"] for e in events(self, "creds")))

    def test_token_required(self):
        url = "http://169.254.170.23/v1/credentials"
        self.assertEqual(self.out("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", url), "400")
        self.assertEqual(self.out("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: x",
                                  url), "403")
        self.assertIn("KUBERNETES_SERVICE_HOST=", self.out("env"))


class Irsa(AppCase):
    SCENARIO = "irsa"
    NAME = "t-irsa"

    def test_web_identity_through_the_sts_endpoint(self):
        self.assertEqual(self.dig("sts.us-east-1.amazonaws.com"), self.ips("sts"))
        me = self.caller()
        self.assertIn(":assumed-role/bedrock-irsa-role/", me["Arn"])
        self.assertTrue(me["UserId"].startswith("AROA"))
        sts = events(self, "sts")
        self.assertTrue(any(e[:2] == ["AssumeRoleWithWebIdentity", "ok"] for e in sts), sts)
        self.assertTrue(any(e[:2] == ["GetCallerIdentity", "ok"] and "bedrock-irsa-role" in e[2] for e in sts))

    def test_bad_token_and_response_fields(self):
        role = "arn:aws:iam::123456789012:role/eks/irsa/bedrock-irsa-role"
        err = self.cli_error("sts", "assume-role-with-web-identity", "--role-arn", role, "--role-session-name", "xy",
                             "--web-identity-token", "eyJhbGciOiJSUzI1NiJ9.e30.bad")
        self.assertIn("(InvalidIdentityToken)", err)
        tok = self.out("sh", "-c", "cat $AWS_WEB_IDENTITY_TOKEN_FILE")
        r = self.aws("sts", "assume-role-with-web-identity", "--role-arn", role, "--role-session-name", "s1",
                     "--web-identity-token", tok)
        self.assertEqual(r["AssumedRoleUser"]["Arn"], "arn:aws:sts::123456789012:assumed-role/bedrock-irsa-role/s1")
        self.assertEqual(r["SubjectFromWebIdentityToken"], "system:serviceaccount:default:bedrock-app")
        self.assertEqual(r["Audience"], "sts.amazonaws.com")
        self.assertTrue(r["Credentials"]["SessionToken"])


class ProfileAssumeRole(AppCase):
    SCENARIO = "profile-assume-role"
    NAME = "t-profile"

    def test_profile_assumes_the_pathed_role(self):
        self.assertRegex(self.out("aws", "configure", "list"), r"assume-role")
        me = self.caller()
        self.assertEqual(me["Arn"], "arn:aws:sts::123456789012:assumed-role/bedrock-app-role/bedrock-app")
        calls = [e for e in events(self, "sts") if e[0] == "AssumeRole"]
        self.assertEqual(calls[0][1:], ["ok", "arn:aws:sts::123456789012:assumed-role/bedrock-reach-test-role/"
                                        "i-0123456789abcdef0", me["Arn"]])

    def test_untrusted_role_and_bad_signature(self):
        err = self.cli_error("sts", "assume-role", "--role-arn", "arn:aws:iam::123456789012:role/other",
                             "--role-session-name", "xy")
        self.assertIn("(AccessDenied)", err)
        self.assertIn("is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/other",
                      err)
        err = self.cli_error("sts", "get-caller-identity", env={"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
                                                                "AWS_SECRET_ACCESS_KEY": "x" * 40})
        self.assertIn("(InvalidClientTokenId)", err)

    def cli_error(self, *args, env=None):
        r = self.run_in("aws", "--region", "us-east-1", *args, env=env)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        return r.stderr


class SsoProfile(AppCase):
    SCENARIO = "sso-profile"
    NAME = "t-sso"

    def test_cached_token_gives_the_permission_set_role(self):
        self.assertRegex(self.out("aws", "configure", "list"), r"\ssso\s")
        me = self.caller()
        self.assertIn(":assumed-role/AWSReservedSSO_BedrockUser_0a1b2c3d4e5f6a7b/", me["Arn"])
        self.assertTrue(any(e[0] == "issued" for e in events(self, "sso")))

    def test_bad_token_is_unauthorized(self):
        r = self.run_in("curl", "-s", "--cacert", self.ca, "-H", "x-amz-sso_bearer_token: nope", "-w", " %{http_code}",
                        "https://portal.sso.us-east-1.amazonaws.com/federation/credentials?role_name=BedrockUser"
                        "&account_id=123456789012")
        self.assertTrue(r.stdout.endswith(" 401"), r.stdout)


class CredentialProcess(AppCase):
    SCENARIO = "credential-process"
    NAME = "t-proc"

    def test_process_credentials_are_the_vault_role(self):
        self.assertRegex(self.out("aws", "configure", "list"), r"custom-process")
        self.assertIn(":assumed-role/bedrock-vault-role/", self.caller()["Arn"])
        self.assertTrue(self.aws("bedrock", "list-foundation-models")["modelSummaries"])


class StsUnreachable(AppCase):
    SCENARIO = "sts-unreachable"
    NAME = "t-stsun"

    def test_sts_resolves_public_and_times_out(self):
        self.assertEqual(self.dig("sts.us-east-1.amazonaws.com"), sorted(self.sc["public_addresses"]["sts"]))
        err = self.cli_error("--cli-connect-timeout", "2", "sts", "get-caller-identity")
        self.assertIn("Connect timeout", err)


class ClockSkew(AppCase):
    SCENARIO = "clock-skew"
    NAME = "t-skew"
    SETS = ("endpoints.sts=" + json.dumps(STS_ENDPOINT),)

    def test_date_headers_are_aws_time(self):
        hdrs = self.out("curl", "-sS", "-D", "-", "-o", "/dev/null", "--cacert", self.ca,
                        "https://bedrock.us-east-1.amazonaws.com/foundation-models")
        date = email.utils.parsedate_to_datetime(re.search(r"(?im)^date: (.+?)\r?$", hdrs).group(1))
        ahead = (date - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
        self.assertTrue(1190 < ahead < 1210, ahead)

    def test_signed_calls_refused_with_aws_error_codes(self):
        self.assertIn("(RequestExpired)", self.cli_error("ec2", "describe-vpcs"))
        err = self.cli_error("bedrock", "list-foundation-models")
        self.assertRegex(err, r"\(InvalidSignatureException\).*Signature expired: \d{8}T\d{6}Z is now earlier than")
        err = self.cli_error("sts", "get-caller-identity")
        self.assertRegex(err, r"\(SignatureDoesNotMatch\).*Signature expired")

    def test_imds_credentials_carry_aws_time(self):
        tok = self.out("curl", "-s", "-X", "PUT", "-H", "X-aws-ec2-metadata-token-ttl-seconds: 60",
                       "http://169.254.169.254/latest/api/token")
        doc = json.loads(self.out("curl", "-s", "-H", "X-aws-ec2-metadata-token: " + tok,
                                  "http://169.254.169.254/latest/meta-data/iam/security-credentials/"
                                  "bedrock-reach-test-role"))
        exp = datetime.datetime.strptime(doc["Expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
        left = (exp - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
        self.assertTrue(6 * 3600 + 1100 < left < 6 * 3600 + 1210, left)


if __name__ == "__main__":
    main()

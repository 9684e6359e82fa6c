"""Knob tls.native (simlib/nativetls.py): nginx serves the Bedrock-shaped front ends and answers a real client
(Python's ssl + http.client, inside the namespace) as the Python front end does: certificate names, TLS version,
status, headers and body. nginx starts and stops with the instance. Skips (77) without nginx."""
import json
import os
import re
import shutil
import subprocess
import sys
import time

from simtest import SimCase, main, vpcsim

UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
# nginx always sends these two; the Python front end (frontend.AwsHandler) sends neither.
NGINX_ONLY = {"server", "connection"}
UNSIGNED = [["GET", "/", {}], ["POST", "/model/x/invoke", {"Content-Type": "application/json"}]]


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class NativeCase(SimCase):
    def tls(self, ip, service, requests=UNSIGNED):
        host = "%s.%s.amazonaws.com" % (service, self.sc["region"])
        return self.inner("tls", ip, host, json.dumps(requests))

    def native(self):
        with open(os.path.join(self.sc["state_dir"], "native-tls.json")) as f:
            return json.load(f)

    def assert_same_reply(self, py, ng):
        """A reply from nginx (ng) reads like the Python front end's (py) to the same request."""
        self.assertEqual((ng["status"], ng["reason"]), (py["status"], py["reason"]))
        self.assertEqual(ng["body"], py["body"])
        py_h = {k.lower(): v for k, v in py["headers"]}
        ng_h = {k.lower(): v for k, v in ng["headers"]}
        self.assertEqual(set(ng_h) - set(py_h), NGINX_ONLY)
        self.assertEqual(set(py_h) - set(ng_h), set())
        for k in py_h:
            if k not in ("date", "x-amzn-requestid"):
                self.assertEqual(ng_h[k], py_h[k], k)
        self.assertRegex(ng_h["x-amzn-requestid"], UUID4)
        self.assertRegex(py_h["x-amzn-requestid"], UUID4)
        # The names as written on the wire, for a client that compares them case-sensitively.
        self.assertIn("x-amzn-RequestId", [k for k, _ in ng["headers"]])


class ServedLikePython(NativeCase):
    """bsvc-nat on nginx (the knob's services glob), bsvc-py on Python: same reply shape."""
    NAME = "t-native"
    SETS = ("tls.native.server=nginx", 'tls.native.services=["bsvc-n*"]',
            'endpoints.bsvc-nat={"subnets":{"a":"10.0.1.22","b":"10.0.2.22"}}',
            'endpoints.bsvc-py={"subnets":{"a":"10.0.1.23"}}')

    def test_nginx_runs_in_the_namespace_with_its_files_in_the_run_dir(self):
        info = self.native()
        self.assertEqual((info["server"], info["addresses"], info["services"]), ("nginx", 2, 1))
        pids = subprocess.run(["ip", "netns", "pids", self.sc["netns"]], capture_output=True, text=True).stdout
        self.assertIn(str(info["pid"]), pids.split())
        run = os.path.join(self.sc["state_dir"], "nginx")
        with open(os.path.join(run, "nginx.pid")) as f:
            self.assertEqual(int(f.read()), info["pid"])
        self.assertTrue(os.path.exists(os.path.join(run, "error.log")))

    def test_same_certificate_shape_tls_and_replies(self):
        py = self.tls("10.0.1.23", "bsvc-py")
        for ip in ("10.0.1.22", "10.0.2.22"):
            ng = self.tls(ip, "bsvc-nat")
            self.assertEqual(ng["san"], ["bsvc-nat.us-east-1.amazonaws.com", "*.bsvc-nat.us-east-1.vpce.amazonaws.com",
                                         "bsvc-nat.us-east-1.api.aws"])
            self.assertEqual(ng["subject"], [["commonName", "bsvc-nat.us-east-1.amazonaws.com"]])
            self.assertEqual(py["san"], [n.replace("bsvc-nat", "bsvc-py") for n in ng["san"]])
            self.assertEqual(ng["issuer"], py["issuer"])
            self.assertEqual((ng["version"], ng["cipher"]), (py["version"], py["cipher"]))
            # Two requests on one connection: both front ends keep it open, as the agent's probes expect.
            self.assertEqual(len(ng["replies"]), len(UNSIGNED))
            for p, n in zip(py["replies"], ng["replies"]):
                self.assert_same_reply(p, n)
            self.assertEqual(ng["replies"][0]["status"], 403)
            self.assertEqual(json.loads(ng["replies"][0]["body"]), {"Message": "Authorization header is missing"})
        ids = [dict((k.lower(), v) for k, v in r["headers"])["x-amzn-requestid"] for r in ng["replies"]]
        self.assertEqual(len(set(ids)), len(ids))

    def test_tls12_only_listener(self):
        vpcsim("up", "healthy", "--as", self.name + "-12", *sum((["--set", s] for s in self.SETS), []),
               "--set", 'tls.faults={"bsvc-nat":{"versions":"tls1.2"},"bsvc-py":{"versions":"tls1.2"}}')
        try:
            name, self.name = self.name, self.name + "-12"
            py, ng = self.tls("10.0.1.23", "bsvc-py"), self.tls("10.0.1.22", "bsvc-nat")
            self.assertEqual((ng["version"], py["version"]), ("TLSv1.2", "TLSv1.2"))
            self.assertEqual(ng["cipher"], py["cipher"])
        finally:
            self.name = name
            vpcsim("down", name + "-12", check=False)

    def test_signed_request_is_refused_without_aws_headers(self):
        ng = self.tls("10.0.1.22", "bsvc-nat", [["GET", "/", {"Authorization": "AWS4-HMAC-SHA256 Credential=x"}]])
        reply = ng["replies"][0]
        self.assertEqual(reply["status"], 501)
        self.assertFalse({k.lower() for k, _ in reply["headers"]} & {"x-amzn-requestid", "x-amzn-errortype"})


class SignedServicesStayOnPython(NativeCase):
    """services default ["*"]: the four Bedrock APIs still verify SigV4 on Python; `/` answers 404 with the knob."""
    NAME = "t-native-all"
    SETS = ("tls.native.server=nginx", "bedrock_http.unsigned_get_root=404",
            'endpoints.bsvc-nat={"subnets":{"a":"10.0.1.22"}}')

    def test_bedrock_services_on_python_and_root_404_alike(self):
        self.assertEqual(self.native()["addresses"], 1)
        py = self.tls(self.ips("bedrock-runtime")[0], "bedrock-runtime", [["GET", "/", {}]])
        ng = self.tls("10.0.1.22", "bsvc-nat", [["GET", "/", {}]])
        self.assertNotIn("server", {k.lower() for k, _ in py["replies"][0]["headers"]})  # Python answered
        self.assertEqual(ng["replies"][0]["status"], 404)
        self.assert_same_reply(py["replies"][0], ng["replies"][0])
        self.assertEqual(self.inner("bedrock", "GET https://bedrock.us-east-1.amazonaws.com/foundation-models")[1][
            "status"], 200)  # signed, verified and routed by the Python front end

    def test_z_down_stops_nginx(self):
        pid = self.native()["pid"]
        self.assertTrue(alive(pid))
        vpcsim("down", self.name)
        deadline = time.time() + 10
        while alive(pid) and time.time() < deadline:
            time.sleep(0.05)
        self.assertFalse(alive(pid))
        self.assertFalse(os.path.exists(self.sc["state_dir"]))


if __name__ == "__main__":
    if os.geteuid() == 0 and not shutil.which("nginx"):
        print("SKIP: nginx not installed (scripts/install-deps test installs it)")
        sys.exit(77)
    main()

"""The HTTP layer behind each Bedrock TLS listener: answers like the Bedrock front end (aws-reference.md section 6)."""
import json
import re
import urllib.parse
import uuid

from . import policy, sigv4
from . import frontend

CORAL = "http://internal.amazon.com/coral/com.amazon.coral.service/"
BEDROCK_NS = "http://internal.amazon.com/coral/com.amazon.bedrock/"
MODELS = [
    ("amazon.titan-text-express-v1", "Titan Text G1 - Express", "Amazon"),
    ("anthropic.claude-3-haiku-20240307-v1:0", "Claude 3 Haiku", "Anthropic"),
    ("meta.llama3-8b-instruct-v1:0", "Llama 3 8B Instruct", "Meta"),
]
SIG_ERRORS = {"malformed": "IncompleteSignatureException", "unknown-key": "UnrecognizedClientException",
              "bad-token": "UnrecognizedClientException", "expired": "ExpiredTokenException"}


def read_body(handler):
    """Request body by Content-Length or chunked transfer encoding."""
    if "chunked" in (handler.headers.get("Transfer-Encoding") or "").lower():
        out = b""
        while True:
            size = int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while handler.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return out
            out += handler.rfile.read(size)
            handler.rfile.readline()
    n = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(n) if n else b""


# Cross-Region inference profile ids start with a geography prefix (Bedrock user guide, "Supported Regions and
# models for inference profiles": us., eu., apac., us-gov., ca., jp., au., global.).
PROFILE_PREFIXES = ("us.", "eu.", "apac.", "us-gov.", "ca.", "jp.", "au.", "global.")


def model_resource(model_id, region, account):
    """The resource ARN IAM sees for a model id in a runtime path (Service Authorization Reference, Amazon Bedrock
    resource types foundation-model arn:aws:bedrock:R::foundation-model/ID and inference-profile
    arn:aws:bedrock:R:ACCOUNT:inference-profile/ID); an ARN in the path is used as it is."""
    if model_id.startswith("arn:"):
        return model_id
    if model_id.startswith(PROFILE_PREFIXES):
        return "arn:aws:bedrock:%s:%s:inference-profile/%s" % (region, account, model_id)
    return "arn:aws:bedrock:%s::foundation-model/%s" % (region, model_id)


def route(service, method, path, region, account="123456789012"):
    """-> (action, resource) or None."""
    if service.endswith("-fips"):  # the FIPS hosts serve the same API (aws-reference.md 1.1)
        service = service[:-5]
    p = urllib.parse.unquote(path.split("?")[0])
    fm = "arn:aws:bedrock:%s::foundation-model/" % region
    if service == "bedrock":
        if method == "GET" and p.rstrip("/") == "/foundation-models":
            return "bedrock:ListFoundationModels", "*"
        m = re.fullmatch(r"/foundation-models/([^/]+)", p)
        if method == "GET" and m:
            return "bedrock:GetFoundationModel", fm + m.group(1)
    if service == "bedrock-runtime" and method == "POST":
        # The modelId label is one percent-encoded segment (botocore serialize.py _render_uri_template encodes
        # '/' as %2F, so an inference-profile ARN arrives as arn%3A...%3Ainference-profile%2F...): split the raw
        # path first, then decode the segment.
        m = re.fullmatch(r"/model/([^/]+)/(invoke|invoke-with-response-stream|converse|converse-stream|count-tokens)",
                         path.split("?")[0])
        if m:
            act = {"invoke": "InvokeModel", "converse": "InvokeModel", "count-tokens": "CountTokens"}.get(
                m.group(2), "InvokeModelWithResponseStream")
            return "bedrock:" + act, model_resource(urllib.parse.unquote(m.group(1)), region, account)
    if service == "bedrock-agent" and p.rstrip("/") in ("/agents", "/knowledgebases"):
        return ("bedrock:ListAgents" if "agents" in p else "bedrock:ListKnowledgeBases"), "*"
    if service == "bedrock-agent-runtime" and method == "POST":
        m = re.fullmatch(r"/knowledgebases/([^/]+)/retrieve", p)
        if m:
            return "bedrock:Retrieve", "arn:aws:bedrock:%s:*:knowledge-base/%s" % (region, m.group(1))
        if re.fullmatch(r"/agents/[^/]+/agentAliases/[^/]+/sessions/[^/]+/text", p):
            return "bedrock:InvokeAgent", "*"
    if service == "bedrock-agent-runtime" and method == "GET":
        m = re.fullmatch(r"/sessions/([^/]+)/?", p)
        if m:
            return "bedrock:GetSession", "arn:aws:bedrock:%s:*:session/%s" % (region, m.group(1))
    return None


def success(action, resource, region):
    """Allowed request: what Bedrock answers (no model can run here)."""
    if action == "bedrock:ListFoundationModels":
        return 200, {"modelSummaries": [{
            "modelArn": "arn:aws:bedrock:%s::foundation-model/%s" % (region, mid), "modelId": mid,
            "modelName": name, "providerName": prov, "inputModalities": ["TEXT"], "outputModalities": ["TEXT"],
            "responseStreamingSupported": True, "customizationsSupported": [], "inferenceTypesSupported": ["ON_DEMAND"],
            "modelLifecycle": {"status": "ACTIVE"}} for mid, name, prov in MODELS]}, None
    if action == "bedrock:GetFoundationModel":
        return 404, {"message": "The model specified in the request is not found."}, "ResourceNotFoundException"
    if action in ("bedrock:ListAgents", "bedrock:ListKnowledgeBases"):
        key = "agentSummaries" if action == "bedrock:ListAgents" else "knowledgeBaseSummaries"
        return 200, {key: []}, None
    if action in ("bedrock:Retrieve", "bedrock:InvokeAgent", "bedrock:GetSession"):
        return 404, {"message": "The requested resource was not found."}, "ResourceNotFoundException"
    return 400, {"message": "The provided model identifier is invalid."}, "ValidationException"


def vpc_source_ip(handler, info, sc):
    """The client's address. Every address lives on the namespace's lo, so a client that does not bind a source
    (the agent, a plain curl) connects from the ENI's own address: that is the instance's primary address. A client
    bound to another address (curl --interface) stands for an instance in that address's subnet."""
    peer = handler.client_address[0]
    if peer.startswith("::ffff:"):
        peer = peer[7:]
    if peer == info["ip"]:
        inst = sc["instance"]
        return inst.get("ipv6") if ":" in peer and inst.get("ipv6") else inst["ip"]
    return peer


class BedrockHandler(frontend.AwsHandler):

    def _reply(self, status, body, error_type=None, ns=CORAL):
        data = json.dumps(body, separators=(",", ":")).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        if error_type:
            self.send_header("x-amzn-ErrorType", "%s:%s" % (error_type, ns))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _serve(self):
        srv = self.server
        app, info = srv.app, srv.info
        sc = app.sc
        body = read_body(self)
        app.log_event("http", info["ip"], self.command, self.path, self.headers.get("Host"))
        if not self.headers.get("Authorization"):
            if self.path.split("?")[0] == "/" and sc.get("bedrock_http", {}).get("unsigned_get_root") == 404:
                return self._reply(404, {"Output": {"__type": "com.amazon.coral.service#UnknownOperationException"},
                                         "Version": "1.0"})
            return self._reply(403, {"Message": "Authorization header is missing"}, "AccessDeniedException")
        try:
            akid = sigv4.verify(self.command, self.path, list(self.headers.items()), body, sc["region"], "bedrock",
                                app.lookup_secret)
        except sigv4.SigError as e:
            app.log_event("bedrock", info["service"], "signature-" + e.kind, self.command, self.path)
            return self._reply(403, {"message": str(e)}, SIG_ERRORS.get(e.kind, "InvalidSignatureException"))
        r = route(info["service"], self.command, self.path, sc["region"], sc["account"])
        if not r:
            return self._reply(404, {"Output": {"__type": "com.amazon.coral.service#UnknownOperationException"},
                                     "Version": "1.0"})
        action, resource = r
        role = app.keyring.principal(akid) or sc["instance"].get("role") or {}
        who = role.get("session_arn", "arn:aws:sts::%s:assumed-role/unknown/%s" % (sc["account"], akid))
        ctx = {"account": sc["account"], "role_arn": role.get("arn"), "principal_arn": who,
               "keys": {"aws:PrincipalAccount": sc["account"], "aws:PrincipalArn": role.get("arn"),
                        # Through a hub VPC's endpoint the request comes from that VPC.
                        "aws:SourceVpc": (info.get("vpc_id") or sc["vpc"]["id"]) if info.get("endpoint_id") else None,
                        "aws:SourceVpce": info.get("endpoint_id"), "aws:PrincipalType": "AssumedRole",
                        # aws:VpcSourceIp: the client's address, present only through a VPC endpoint (IAM user guide,
                        # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-vpcsourceip).
                        "aws:VpcSourceIp": vpc_source_ip(self, info, sc) if info.get("endpoint_id") else None}}
        ctx["keys"] = {k: v for k, v in ctx["keys"].items() if v is not None}
        res_txt = resource if resource != "*" else "*"
        denied = None
        ep_pol = info.get("policy")
        verdict = policy.evaluate(ep_pol, action, resource, ctx) if ep_pol else "allow"
        # The identity side: instance.role.policy (an IAM policy document, resource-scoped) when given, else the
        # role's action allow-list. Messages: IAM user guide, "Troubleshoot access denied error messages"
        # ("... with an explicit deny in an identity-based policy", "... because no identity-based policy allows").
        if role.get("policy"):
            ident = policy.evaluate(role["policy"], action, resource, ctx)
        else:
            ident = "allow" if any(policy._glob(a, action, True) for a in role.get("allow", [])) else "implicit-deny"
        if verdict == "explicit-deny":
            denied = "with an explicit deny in a VPC endpoint policy"
        elif ident == "explicit-deny":
            denied = "with an explicit deny in an identity-based policy"
        elif ident != "allow":
            denied = "because no identity-based policy allows the %s action" % action
        elif verdict == "implicit-deny":
            denied = "because no VPC endpoint policy allows the %s action" % action
        if denied:
            app.log_event("bedrock", info["service"], "signature-ok", action, resource, "denied")
            msg = "User: %s is not authorized to perform: %s on resource: %s %s" % (who, action, res_txt, denied)
            return self._reply(403, {"message": msg}, "AccessDeniedException", BEDROCK_NS)
        status, out, etype = success(action, resource, sc["region"])
        app.log_event("bedrock", info["service"], "signature-ok", action, resource, etype or status)
        self._reply(status, out, etype, BEDROCK_NS)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _serve

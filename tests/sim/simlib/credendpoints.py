"""Container credential endpoints, served on the instance (as the ECS agent and the EKS Pod Identity Agent are).

ECS task role: GET http://169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI -> JSON AccessKeyId, Expiration,
RoleArn, SecretAccessKey, Token (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html,
"Task IAM role" credential request). Unknown id -> 400 (the agent answers "invalid credential ID").
EKS Pod Identity: GET http://169.254.170.23/v1/credentials with the projected service account token as the
Authorization header (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) -> JSON AccessKeyId, SecretAccessKey, Token,
AccountId, Expiration (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-how-it-works.html). No token ->
400, a token the agent cannot exchange -> 403.
botocore (credentials.py ContainerProvider, ContainerMetadataFetcher._ALLOWED_HOSTS) only uses these two hosts
(and fd00:ec2::23, loopback) for a FULL_URI.

scenario["container_credentials"] = {"kind": "ecs"|"pod-identity", "role": APP_ROLE_KEY, ...}; the driver
(container.prepare) fills relative_uri / token and the exec environment.
"""
import http.server
import json
import threading

from . import principals
from .creds import iso

ECS_IP = "169.254.170.2"
POD_IDENTITY_IP = "169.254.170.23"


def addresses(sc):
    cc = sc.get("container_credentials")
    if not cc:
        return []
    return [ECS_IP if cc["kind"] == "ecs" else POD_IDENTITY_IP]


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        pass

    def _json(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        app, cc = self.server.app, self.server.cc
        sc = app.sc
        role = sc["app_roles"][cc["role"]]
        path = self.path.split("?")[0]
        if cc["kind"] == "ecs":
            app.log_event("creds", "ecs", path)
            if path != cc["relative_uri"]:
                return self._json(400, {"code": "InvalidIdentifier", "message": "CredentialsV2Request: invalid credential ID",
                                        "HTTPErrorCode": 400})
            p = principals.session_principal(sc, role, cc.get("task_id", "0f1e2d3c4b5a69788"))
            c = app.keyring.issue(p, "ecs", int(cc.get("cred_lifetime_s", 21600)))
            app.log_event("creds", "ecs", "issued", p["session_arn"])
            return self._json(200, {"AccessKeyId": c["AccessKeyId"], "Expiration": iso(c["Expiration"]),
                                    "RoleArn": role["arn"], "SecretAccessKey": c["SecretAccessKey"], "Token": c["Token"]})
        tok = self.headers.get("Authorization")
        app.log_event("creds", "pod-identity", path, "token" if tok else "no-token")
        if path != "/v1/credentials":
            return self._json(404, {"message": "Not Found"})
        if not tok:
            return self._json(400, {"message": "Service account token cannot be empty"})
        if tok.strip() != cc["token"]:
            return self._json(403, {"message": "Error calling AssumeRoleForPodIdentity: AccessDeniedException"})
        p = principals.session_principal(sc, role, cc.get("session", "eks-bedrock-a-bedrock-ap-0f1e2d3c"))
        c = app.keyring.issue(p, "pod-identity", int(cc.get("cred_lifetime_s", 21600)))
        app.log_event("creds", "pod-identity", "issued", p["session_arn"])
        return self._json(200, {"AccessKeyId": c["AccessKeyId"], "SecretAccessKey": c["SecretAccessKey"],
                                "Token": c["Token"], "AccountId": sc["account"], "Expiration": iso(c["Expiration"])})


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


def start(app):
    """Serve the scenario's container credential endpoint (if any) on port 80 of its link-local address."""
    cc = app.sc.get("container_credentials")
    out = []
    for ip in addresses(app.sc):
        srv = _Server((ip, 80), _Handler)
        srv.app, srv.cc = app, cc
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        out.append(srv)
    return out

"""STS (Query API, 2011-06-15) and the IAM Identity Center portal (GetRoleCredentials), behind TLS listeners.

STS: AssumeRole, AssumeRoleWithWebIdentity, GetCallerIdentity. Shapes and error codes follow
botocore/data/sts/2011-06-15/service-2.json (AssumeRoleResponse, AssumeRoleWithWebIdentityResponse,
GetCallerIdentityResponse, Credentials, AssumedRoleUser; InvalidIdentityTokenException = InvalidIdentityToken 400).
XML as the STS API reference writes it (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
"Examples"; errors as <ErrorResponse><Error><Type>Sender</Type><Code>..</Code><Message>..</Message></Error>
<RequestId>..</RequestId></ErrorResponse>, https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html).
SigV4 with signing name "sts" (AssumeRoleWithWebIdentity is unsigned: smithy.api#noAuth in the model). A request
outside the 5-minute window gets 403 SignatureDoesNotMatch "Signature expired: ..." (what STS answers a skewed clock).

Portal: GET /federation/credentials?role_name=&account_id= with x-amz-sso_bearer_token
(botocore/data/sso/2019-06-10/service-2.json GetRoleCredentials; UnauthorizedException 401).
"""
import json
import urllib.parse
import uuid
from xml.sax.saxutils import escape

from . import bedrock, clock, principals, sigv4
from . import frontend
from .creds import iso

NS = "https://sts.amazonaws.com/doc/2011-06-15/"


def handler_for(service):
    """The HTTP handler class for a TLS listener of `service`, or None for the Bedrock front end."""
    return {"sts": StsHandler, "portal.sso": SsoPortalHandler}.get(service)


class StsError(Exception):
    def __init__(self, status, code, message, kind="Sender"):
        super().__init__(message)
        self.status, self.code, self.message, self.kind = status, code, message, kind


def _xml(tag, v):
    if isinstance(v, dict):
        return "<%s>%s</%s>" % (tag, "".join(_xml(k, x) for k, x in v.items() if x is not None), tag)
    return "<%s>%s</%s>" % (tag, escape(str(v)), tag)


def response_xml(action, result, rid):
    return ('<%sResponse xmlns="%s">\n  %s\n  <ResponseMetadata>\n    <RequestId>%s</RequestId>\n'
            '  </ResponseMetadata>\n</%sResponse>\n' % (action, NS, _xml(action + "Result", result), rid, action))


def error_xml(e, rid):
    return ('<ErrorResponse xmlns="%s">\n  <Error>\n    <Type>%s</Type>\n    <Code>%s</Code>\n    <Message>%s</Message>\n'
            '  </Error>\n  <RequestId>%s</RequestId>\n</ErrorResponse>\n' % (NS, e.kind, e.code, escape(e.message), rid))


def _cred_xml(c):
    return {"AccessKeyId": c["AccessKeyId"], "SecretAccessKey": c["SecretAccessKey"], "SessionToken": c["Token"],
            "Expiration": iso(c["Expiration"])}


def _find_role(sc, arn):
    for r in (sc.get("app_roles") or {}).values():
        if r["arn"] == arn:
            return r
    return None


class StsApp:
    def __init__(self, sc, keyring, log_event):
        self.sc, self.keyring, self.log_event = sc, keyring, log_event

    def caller(self, akid):
        p = self.keyring.principal(akid)
        if p:
            return p
        role = self.sc["instance"].get("role") or {}
        return {"name": role.get("name"), "arn": role.get("arn"), "session_arn": role.get("session_arn"),
                "user_id": "AROA%s:%s" % (self.sc["instance"]["id"][2:].upper()[:17], self.sc["instance"]["id"])}

    def handle(self, method, target, headers, body):
        rid = str(uuid.uuid4())
        query = target.partition("?")[2]
        params = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace") if method == "POST" else query,
                                             keep_blank_values=True))
        action = params.get("Action", "")
        try:
            result = self._dispatch(method, target, headers, body, params, action)
            self.log_event("sts", action, "ok", result.pop("_who", ""), result.pop("_as", ""))
            return 200, response_xml(action, result, rid)
        except StsError as e:
            self.log_event("sts", action or "?", e.code, params.get("RoleArn", ""))
            return e.status, error_xml(e, rid)

    def _verify(self, method, target, headers, body):
        try:
            return sigv4.verify(method, target, headers, body, self.sc["region"], "sts", self.keyring.lookup)
        except sigv4.SigError as e:
            if e.kind == "missing":
                raise StsError(403, "MissingAuthenticationToken", "Request is missing Authentication Token")
            if e.kind == "malformed":
                raise StsError(400, "IncompleteSignature", str(e))
            if e.kind in ("unknown-key", "bad-token"):
                raise StsError(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
            if e.kind == "expired":
                raise StsError(400, "ExpiredToken", "The security token included in the request is expired")
            raise StsError(403, "SignatureDoesNotMatch", str(e))

    def _dispatch(self, method, target, headers, body, params, action):
        sc = self.sc
        if action == "AssumeRoleWithWebIdentity":
            return self._web_identity(params)
        akid = self._verify(method, target, headers, body)
        who = self.caller(akid)
        if action == "GetCallerIdentity":
            return {"Arn": who["session_arn"], "UserId": who["user_id"], "Account": sc["account"],
                    "_who": who["session_arn"]}
        if action == "AssumeRole":
            arn, session = params.get("RoleArn", ""), params.get("RoleSessionName", "")
            if not arn or not session:
                raise StsError(400, "ValidationError", "1 validation error detected: Value null at '%s' failed to satisfy "
                               "constraint: Member must not be null" % ("roleArn" if not arn else "roleSessionName"))
            role = _find_role(sc, arn)
            if not role or who["arn"] not in role["trust"]:
                raise StsError(403, "AccessDenied", "User: %s is not authorized to perform: sts:AssumeRole on resource: %s"
                               % (who["session_arn"], arn))
            return self._issue(role, session, params, who["session_arn"])
        raise StsError(400, "InvalidAction", "Could not find operation %s for version 2011-06-15" % action)

    def _web_identity(self, params):
        sc = self.sc
        arn, session, token = params.get("RoleArn", ""), params.get("RoleSessionName", ""), params.get("WebIdentityToken", "")
        wi = sc.get("web_identity") or {}
        if not token or token != wi.get("token"):
            raise StsError(400, "InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider,"
                           "  please reference AssumeRoleWithWebIdentity documentation for requirements")
        role = _find_role(sc, arn)
        if not role or "oidc" not in role["trust"]:
            raise StsError(403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
        out = self._issue(role, session, params, wi["sub"])
        out.update({"SubjectFromWebIdentityToken": wi["sub"], "Audience": wi["aud"],
                    "Provider": wi["iss"].replace("https://", "")})
        return out

    def _issue(self, role, session, params, caller):
        p = principals.session_principal(self.sc, role, session)
        dur = int(params.get("DurationSeconds") or 3600)
        if not 900 <= dur <= 43200:
            raise StsError(400, "ValidationError", "1 validation error detected: Value '%d' at 'durationSeconds' failed "
                           "to satisfy constraint: Member must have value greater than or equal to 900" % dur)
        c = self.keyring.issue(p, "sts", dur)
        return {"Credentials": _cred_xml(c), "AssumedRoleUser": {"AssumedRoleId": p["user_id"], "Arn": p["session_arn"]},
                "PackedPolicySize": None, "_who": caller, "_as": p["session_arn"]}


class _Base(frontend.AwsHandler):

    def _out(self, status, text, ctype, extra=None):
        data = text.encode()
        self.send_response(status)
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


class StsHandler(_Base):
    def _serve(self):
        app = self.server.app
        body = bedrock.read_body(self)
        app.log_event("http", self.server.info["ip"], self.command, self.path, self.headers.get("Host"))
        status, text = app.sts.handle(self.command, self.path, list(self.headers.items()), body)
        self._out(status, text, "text/xml")

    do_GET = do_POST = _serve


class SsoPortalHandler(_Base):
    def _serve(self):
        app = self.server.app
        sc = app.sc
        bedrock.read_body(self)
        path, _, query = self.path.partition("?")
        q = dict(urllib.parse.parse_qsl(query))
        sso = sc.get("sso") or {}
        app.log_event("sso", "GetRoleCredentials", q.get("role_name", ""), q.get("account_id", ""))
        if path != "/federation/credentials" or self.command != "GET":
            return self._out(404, json.dumps({"message": "Not Found"}), "application/json",
                             {"x-amzn-ErrorType": "ResourceNotFoundException"})
        if self.headers.get("x-amz-sso_bearer_token") != sso.get("access_token"):
            return self._out(401, json.dumps({"message": "Session token not found or invalid"}), "application/json",
                             {"x-amzn-ErrorType": "UnauthorizedException"})
        role = (sc.get("app_roles") or {}).get(sso.get("role"))
        # role_name is the permission set's name; the role behind it is AWSReservedSSO_<set>_<hash> under the
        # path /aws-reserved/sso.amazonaws.com/ (https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html)
        if not role or q.get("role_name") != sso.get("role_name") or q.get("account_id") != sc["account"]:
            return self._out(403, json.dumps({"message": "No access"}), "application/json",
                             {"x-amzn-ErrorType": "ForbiddenException"})
        p = principals.session_principal(sc, role, sso.get("user", "developer@example.com"))
        c = app.keyring.issue(p, "sso", 3600)
        app.log_event("sso", "issued", p["session_arn"])
        out = {"roleCredentials": {"accessKeyId": c["AccessKeyId"], "secretAccessKey": c["SecretAccessKey"],
                                   "sessionToken": c["Token"], "expiration": int(c["Expiration"].timestamp() * 1000)}}
        self._out(200, json.dumps(out), "application/json")

    do_GET = do_POST = _serve

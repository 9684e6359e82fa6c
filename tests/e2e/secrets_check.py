#!/usr/bin/env python3
"""Secrets never leave the process: run every output format, --explain and debug logs, and the
agent's HTTP endpoints, with canary credentials from the environment, a shared credentials file
and the instance role, and assert that no secret key, session token or signature appears.
Exit 0 pass, 1 fail, 77 skip (not root).

Usage: secrets_check.py BINARY
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

import simname

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VPCSIM = os.path.join(ROOT, "tests", "sim", "vpcsim")
SCENARIO = "healthy"
INST = simname.instance("secrets")
FORMATS = ["text", "json", "prometheus", "emf", "html"]

ENV_CANARY = {
    "AWS_ACCESS_KEY_ID": "AKIACANARYENV0000001",
    "AWS_SECRET_ACCESS_KEY": "envCanarySecretKey/DoNotPrint+0000000000001",
    "AWS_SESSION_TOKEN": "envCanarySessionTokenDoNotPrint0000000000000000000000000000000001",
}
FILE_CANARY_SECRET = "fileCanarySecretKey/DoNotPrint+000000000002"
FILE_CANARY_TOKEN = "fileCanarySessionTokenDoNotPrint000000000000000000000000000000002"
# Issue 16: the application's other credential sources.
WEB_IDENTITY_CANARY = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ3ZWJJZGVudGl0eUNhbmFyeSJ9.webIdentityCanaryDoNotPrint003"
CONTAINER_TOKEN_CANARY = "containerAuthTokenCanaryDoNotPrint0000000000000004"
PROCESS_SECRET_CANARY = "processCanarySecretKey/DoNotPrint+00000000005"
PROCESS_TOKEN_CANARY = "processCanarySessionTokenDoNotPrint00000000000000000000000000000006"
SSO_TOKEN_CANARY = "aoaSsoAccessTokenCanaryDoNotPrint0000000000000000007"


def sim(*args, env=None, check=True, timeout=120):
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run([VPCSIM, *args], capture_output=True, text=True, timeout=timeout,
                          check=check, env=full_env)


def role_secrets():
    """The simulated instance role's secret key and token, read the way an SDK reads them."""
    script = (
        "t=$(curl -s -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' http://169.254.169.254/latest/api/token);"
        "r=$(curl -s -H \"X-aws-ec2-metadata-token: $t\" http://169.254.169.254/latest/meta-data/iam/security-credentials/);"
        "curl -s -H \"X-aws-ec2-metadata-token: $t\" http://169.254.169.254/latest/meta-data/iam/security-credentials/$r")
    out = sim("exec", INST, "--", "sh", "-c", script).stdout
    creds = json.loads(out)
    return [creds["SecretAccessKey"], creds["Token"]]


def run_formats(binary, env, label, outputs):
    for fmt in FORMATS:
        for extra in ([], ["--explain"]) if fmt == "text" else ([],):
            cmd = ["exec", INST, "--", "env"] + [f"{k}={v}" for k, v in env.items()] + \
                  [binary, "check", "-v", "--format", fmt, "--timeout", "8", *extra]
            result = sim(*cmd, check=False)
            outputs.append((f"{label} {fmt} {' '.join(extra)}", result.stdout + result.stderr))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def agent_outputs(binary, outputs):
    """The agent's /metrics, /report and /healthz and its debug log, inside the namespace."""
    port = free_port()
    agent = subprocess.Popen(
        [VPCSIM, "exec", INST, "--", binary, "agent", "-v", "--interval", "1",
         "--listen", f"127.0.0.1:{port}", "--timeout", "5"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.time() + 30
        body = {}
        while time.time() < deadline and len(body) < 3:
            for path in ("/metrics", "/report", "/healthz"):
                fetch = sim("exec", INST, "--", "curl", "-s", f"http://127.0.0.1:{port}{path}", check=False)
                if fetch.returncode == 0 and fetch.stdout:
                    body[path] = fetch.stdout
            time.sleep(0.5)
        for path, text in body.items():
            outputs.append((f"agent {path}", text))
        missing = {"/metrics", "/report", "/healthz"} - set(body)
        if missing:
            outputs.append(("agent endpoints missing", ",".join(sorted(missing))))
    finally:
        agent.send_signal(signal.SIGTERM)
        try:
            log, _ = agent.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            agent.kill()
            log, _ = agent.communicate()
        outputs.append(("agent log", log))


def app_source_runs(binary, tmp, outputs):
    """Web identity token, container authorization token (variable and file), credential_process
    output and the IAM Identity Center cached token: healthy has no STS, container or portal
    endpoint, so these exercise the failure paths too."""
    token = os.path.join(tmp, "token")
    with open(token, "w") as f:
        f.write(WEB_IDENTITY_CANARY)
    run_formats(binary, {"AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/eks/canary",
                         "AWS_WEB_IDENTITY_TOKEN_FILE": token}, "web-identity", outputs)
    container_token = os.path.join(tmp, "container-token")
    with open(container_token, "w") as f:
        f.write(CONTAINER_TOKEN_CANARY)
    full_uri = "http://169.254.170.23/v1/credentials"
    run_formats(binary, {"AWS_CONTAINER_CREDENTIALS_FULL_URI": full_uri,
                         "AWS_CONTAINER_AUTHORIZATION_TOKEN": CONTAINER_TOKEN_CANARY}, "container-token", outputs)
    run_formats(binary, {"AWS_CONTAINER_CREDENTIALS_FULL_URI": full_uri,
                         "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": container_token}, "container-token-file", outputs)
    for label, version in (("process", 1), ("process-bad-version", 7)):
        script = os.path.join(tmp, label)
        with open(script, "w") as f:
            f.write("#!/bin/sh\ncat <<'EOF'\n" + json.dumps(
                {"Version": version, "AccessKeyId": "ASIACANARYPROCESS005", "SecretAccessKey": PROCESS_SECRET_CANARY,
                 "SessionToken": PROCESS_TOKEN_CANARY, "Expiration": "2099-01-01T00:00:00Z"}) + "\nEOF\n")
        os.chmod(script, 0o755)
        config = os.path.join(tmp, label + ".config")
        with open(config, "w") as f:
            f.write(f"[profile vault]\ncredential_process = {script} --secret-arg {PROCESS_SECRET_CANARY}\n")
        run_formats(binary, {"AWS_CONFIG_FILE": config, "AWS_PROFILE": "vault"}, label, outputs)
    # IAM Identity Center: the cached access token is sent to the portal as a bearer token.
    home = os.path.join(tmp, "sso-home")
    os.makedirs(os.path.join(home, ".aws", "sso", "cache"))
    with open(os.path.join(home, ".aws", "sso", "cache", "canary.json"), "w") as f:
        json.dump({"startUrl": "https://canary.awsapps.com/start", "region": "us-east-1",
                   "accessToken": SSO_TOKEN_CANARY, "expiresAt": "2099-01-01T00:00:00Z"}, f)
    config = os.path.join(tmp, "sso.config")
    with open(config, "w") as f:
        f.write("[profile dev]\nsso_start_url = https://canary.awsapps.com/start\nsso_region = us-east-1\n"
                "sso_account_id = 123456789012\nsso_role_name = BedrockUser\n")
    run_formats(binary, {"AWS_CONFIG_FILE": config, "AWS_PROFILE": "dev", "HOME": home}, "sso-token", outputs)


def main():
    binary = sys.argv[1]
    if os.geteuid() != 0:
        print("SKIP: the secrets test runs in the simulated VPC and needs root")
        return 77
    failures = []
    try:
        sim("up", SCENARIO, "--as", INST)
        secrets = role_secrets() + [ENV_CANARY["AWS_SECRET_ACCESS_KEY"], ENV_CANARY["AWS_SESSION_TOKEN"],
                                    FILE_CANARY_SECRET, FILE_CANARY_TOKEN, WEB_IDENTITY_CANARY,
                                    CONTAINER_TOKEN_CANARY, PROCESS_SECRET_CANARY, PROCESS_TOKEN_CANARY,
                                    SSO_TOKEN_CANARY]
        outputs = []
        run_formats(binary, {}, "instance-role", outputs)
        run_formats(binary, ENV_CANARY, "environment", outputs)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "credentials")
            with open(path, "w") as f:
                f.write("[canary]\naws_access_key_id = AKIACANARYFILE000002\n"
                        f"aws_secret_access_key = {FILE_CANARY_SECRET}\naws_session_token = {FILE_CANARY_TOKEN}\n")
            run_formats(binary, {"AWS_SHARED_CREDENTIALS_FILE": path, "AWS_PROFILE": "canary"}, "shared-file", outputs)
            app_source_runs(binary, tmp, outputs)
        agent_outputs(binary, outputs)
        signature = re.compile(r"Signature=[0-9a-f]{16,}|X-Amz-Security-Token|Credential=AKIA|Credential=ASIA")
        for label, text in outputs:
            if label == "agent endpoints missing":
                failures.append(f"agent did not serve {text}")
            for secret in secrets:
                if secret and secret in text:
                    failures.append(f"{label}: contains a secret ({secret[:4]}...)")
            if signature.search(text):
                failures.append(f"{label}: contains a signature or token header")
        print(f"checked {len(outputs)} outputs for {len(secrets)} secrets")
    finally:
        sim("down", INST, check=False)
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

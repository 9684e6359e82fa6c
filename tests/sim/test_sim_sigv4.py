"""The simulator's SigV4 verifier (simlib/sigv4.py) and Bedrock routing against botocore, the AWS SDK's own
signer: InvokeModel for model IDs with ':' and inference-profile ARNs (modelId percent-encoded as one path
segment, botocore serialize.py _render_uri_template; canonical URI encoded once more for non-S3 services,
botocore auth.py SigV4Auth._normalize_url_path). No root needed; keys are AWS's documented examples."""
import datetime
import os
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simlib import bedrock, sigv4  # noqa: E402

try:
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError:  # pragma: no cover
    print("SKIP: botocore is not installed")
    sys.exit(77)

AKID, SECRET, TOKEN = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "example-session-token"
HOST = "bedrock-runtime.us-east-1.amazonaws.com"
MODELS = ["anthropic.claude-3-5-sonnet-20240620-v1:0",
          "us.anthropic.claude-3-5-sonnet-20240620-v1:0",
          "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0"]


def botocore_signed(model, secret=SECRET):
    path = "/model/%s/invoke" % urllib.parse.quote(model, safe="-._~")  # as botocore serializes the label
    request = AWSRequest(method="POST", url="https://%s%s" % (HOST, path), data=b"{}",
                         headers={"Content-Type": "application/json"})
    botocore.auth.SigV4Auth(Credentials(AKID, secret, TOKEN), "bedrock", "us-east-1").add_auth(request)
    headers = [(k, v) for k, v in request.headers.items()] + [("Host", HOST)]
    return path, headers


def lookup(akid):
    return (SECRET, TOKEN, None) if akid == AKID else None


class SimSigV4(unittest.TestCase):
    def test_botocore_signatures_verify(self):
        now = datetime.datetime.now(datetime.timezone.utc)
        for model in MODELS:
            with self.subTest(model=model):
                path, headers = botocore_signed(model)
                self.assertIn("%3A", path)
                self.assertEqual(sigv4.verify("POST", path, headers, b"{}", "us-east-1", "bedrock", lookup, now=now),
                                 AKID)

    def test_wrong_signature_is_refused(self):
        path, headers = botocore_signed(MODELS[0], secret="not-the-secret")
        with self.assertRaises(sigv4.SigError) as caught:
            sigv4.verify("POST", path, headers, b"{}", "us-east-1", "bedrock", lookup)
        self.assertEqual(caught.exception.kind, "signature")

    def test_routes_to_the_model_resource(self):
        for model, arn in [
                (MODELS[0], "arn:aws:bedrock:us-east-1::foundation-model/" + MODELS[0]),
                (MODELS[1], "arn:aws:bedrock:us-east-1:123456789012:inference-profile/" + MODELS[1]),
                (MODELS[2], MODELS[2])]:
            with self.subTest(model=model):
                path, _ = botocore_signed(model)
                self.assertEqual(bedrock.route("bedrock-runtime", "POST", path, "us-east-1"),
                                 ("bedrock:InvokeModel", arn))


if __name__ == "__main__":
    unittest.main(verbosity=2)

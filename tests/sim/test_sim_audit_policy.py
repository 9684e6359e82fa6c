"""Issue 20: an endpoint policy that admits only some subnets via aws:VpcSourceIp (scenario vpc-audit-policy). A
real client (botocore's SigV4, bound to addresses in different subnets) gets what AWS answers: authorized from the
approved subnets, 403 AccessDeniedException with the explicit-deny message from the others, and the partly
approved subnet split at its /25."""
import os
import sys

from simtest import SimCase, main

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

ACCOUNT = "123456789012"
MODEL = "amazon.titan-text-express-v1"
RT_URL = "POST https://bedrock-runtime.us-east-1.amazonaws.com/model/%s/invoke" % MODEL
BR_URL = "GET https://bedrock.us-east-1.amazonaws.com/foundation-models"
SESSION = "arn:aws:sts::%s:assumed-role/bedrock-reach-test-role/i-0123456789abcdef0" % ACCOUNT
DENIED = ("User: %s is not authorized to perform: bedrock:InvokeModel on resource: "
          "arn:aws:bedrock:us-east-1::foundation-model/%s with an explicit deny in a VPC endpoint policy"
          % (SESSION, MODEL))


class AuditPolicy(SimCase):
    SCENARIO = "vpc-audit-policy"

    def test_source_subnets(self):
        # "-": the instance itself (10.0.1.10, subnet a); b approved; c not; main-nat's lower half only.
        res = {r["source"] or "-": r for r in self.inner("bedrock_from", RT_URL, "-", "10.0.2.10", "10.0.3.10",
                                                         "10.0.5.10", "10.0.5.200")}
        for allowed in ("-", "10.0.2.10", "10.0.5.10"):
            self.assertEqual(res[allowed]["status"], 400, res[allowed])  # authorized, then ValidationException
            self.assertTrue(res[allowed]["error_type"].startswith("ValidationException:"))
        for denied in ("10.0.3.10", "10.0.5.200"):
            self.assertEqual(res[denied]["status"], 403, res[denied])
            self.assertTrue(res[denied]["error_type"].startswith("AccessDeniedException:"))
            self.assertEqual(res[denied]["message"], DENIED)

    def test_other_endpoints_unrestricted(self):
        res = self.inner("bedrock_from", BR_URL, "10.0.3.10")
        self.assertEqual(res[0]["status"], 200, res)


if __name__ == "__main__":
    main()

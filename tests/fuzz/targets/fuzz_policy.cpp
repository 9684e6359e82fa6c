// Endpoint policy documents: parse, then evaluate for a realistic instance-role request, from one
// address (check) and from a subnet's range (audit: aws:VpcSourceIp as a CIDR).
#include <cstdint>
#include <string_view>

#include "policy/policy_eval.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bedrock_reach;
  std::string_view json(reinterpret_cast<const char*>(data), size);
  PolicyRequest request;
  request.principal_arn = "arn:aws:iam::123456789012:role/app";
  request.principal_account = "123456789012";
  request.source_vpc = "vpc-0a1b2c3d4e5f60718";
  request.source_vpce = "vpce-0123456789abcdef0";
  request.source_ip = "10.0.1.10";
  request.actions = required_actions("bedrock-runtime");
  auto verdicts = evaluate_endpoint_policy(json, request);
  (void)policy_findings("bedrock-runtime", "vpce-0123456789abcdef0", verdicts);
  for (const char* range : {"10.0.1.0/24", "2600:1f18:1:100::/64"}) {
    request.source_range = range;
    auto per_subnet = evaluate_endpoint_policy(json, request);
    (void)policy_findings("bedrock-runtime", "vpce-0123456789abcdef0", per_subnet);
  }
  return 0;
}

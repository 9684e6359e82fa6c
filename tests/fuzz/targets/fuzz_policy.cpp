// Endpoint policy documents: parse, then evaluate for a realistic instance-role request.
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
  return 0;
}

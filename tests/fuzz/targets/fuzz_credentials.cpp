// The application's credential sources and the clock evidence (issue 16): STS XML replies,
// container / IAM Identity Center / credential_process JSON, the SSO token cache, HTTP Date
// headers and SigV4 time refusals. Every byte comes from a server, a file or a process.
#include <chrono>
#include <cstdint>
#include <string_view>

#include "aws/clock_skew.hpp"
#include "aws/credential_parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bedrock_reach;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)parse_sts_credentials(body);
  (void)parse_sts_caller_arn(body);
  (void)parse_container_credentials(body);
  (void)parse_sso_role_credentials(body);
  (void)parse_process_credentials(body);
  (void)parse_sso_cache(body, "https://x.awsapps.com/start", std::chrono::system_clock::now());
  (void)parse_http_date(body);
  (void)aws_time_from_refusal(body);
  (void)is_time_refusal(body);
  return 0;
}

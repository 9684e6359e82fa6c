// Instance metadata bodies: listings, values, the credentials JSON, timestamps, identity JSON.
#include <cstdint>
#include <string_view>

#include "aws/imds_parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bedrock_reach;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)parse_imds_lines(body);
  (void)parse_imds_value(body);
  (void)parse_imds_role_credentials(body, "role");
  (void)parse_iso8601_utc(body);
  (void)parse_imds_instance_profile_arn(body);
  (void)parse_imds_account_id(body);
  return 0;
}

#pragma once
// Test-side SigV4: re-derives signatures with OpenSSL the way AWS verifies them, independent of
// the agent's signing (curl's CURLOPT_AWS_SIGV4). Shared by the EC2 and Bedrock fakes.
#include <cstddef>
#include <string>

namespace bedrock_reach::test {

std::string hex_lower(const unsigned char* data, std::size_t size);
std::string sha256_hex(const std::string& text);
std::string hmac_sha256(const std::string& key, const std::string& text);

/// `name=value` from an Authorization header ("Credential", "SignedHeaders", "Signature").
std::string authorization_field(const std::string& authorization, const std::string& name);

/// The hex signature of `string_to_sign` under the key derived from secret/day/region/service.
std::string sigv4_signature(const std::string& secret, const std::string& day,
                            const std::string& region, const std::string& service,
                            const std::string& string_to_sign);

}  // namespace bedrock_reach::test

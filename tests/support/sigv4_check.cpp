#include "support/sigv4_check.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

namespace bedrock_reach::test {

std::string hex_lower(const unsigned char* data, std::size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kHex[data[i] >> 4]);
    out.push_back(kHex[data[i] & 0x0F]);
  }
  return out;
}

std::string sha256_hex(const std::string& text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return hex_lower(digest, sizeof digest);
}

std::string hmac_sha256(const std::string& key, const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest, &length);
  return std::string(reinterpret_cast<char*>(digest), length);
}

std::string authorization_field(const std::string& authorization, const std::string& name) {
  auto at = authorization.find(name + "=");
  if (at == std::string::npos) return {};
  at += name.size() + 1;
  auto end = authorization.find_first_of(", ", at);
  return authorization.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

std::string sigv4_signature(const std::string& secret, const std::string& day,
                            const std::string& region, const std::string& service,
                            const std::string& string_to_sign) {
  std::string key = hmac_sha256("AWS4" + secret, day);
  key = hmac_sha256(key, region);
  key = hmac_sha256(key, service);
  key = hmac_sha256(key, "aws4_request");
  std::string signature = hmac_sha256(key, string_to_sign);
  return hex_lower(reinterpret_cast<const unsigned char*>(signature.data()), signature.size());
}

}  // namespace bedrock_reach::test

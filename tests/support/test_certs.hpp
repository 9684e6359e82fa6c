#pragma once
// Certificates generated at test time (OpenSSL 3, EC P-256): a throw-away CA and leaves that are
// valid, expired, expiring, for the wrong name or self-signed. Nothing is checked in.
#include <memory>
#include <string>
#include <vector>

namespace bedrock_reach::test {

struct TestCert {
  std::string cert_pem;  // the leaf
  std::string key_pem;
};

struct LeafSpec {
  std::vector<std::string> dns_names;           // SANs; the first is also the CN
  long long valid_from_offset_s = -3600;        // relative to now
  long long valid_until_offset_s = 90 * 86400;  // relative to now
  bool self_signed = false;                     // sign with its own key instead of the CA
};

class TestCa {
 public:
  /// Creates a CA valid from an hour ago for ten years.
  explicit TestCa(const std::string& common_name = "bedrock-reach test CA");
  ~TestCa();
  TestCa(const TestCa&) = delete;
  TestCa& operator=(const TestCa&) = delete;

  TestCert issue(const LeafSpec& spec) const;
  const std::string& ca_pem() const;
  /// A PEM file holding the CA certificate, removed with this object (for CURLOPT_CAINFO).
  const std::string& bundle_path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bedrock_reach::test

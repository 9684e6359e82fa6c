#pragma once
// IMDS as aws-reference §3.1 describes it, on an in-process loopback HTTP server: one instance in
// vpc-0123456789abcdef0 (10.0.0.0/16) with two ENIs and the role diag-role, and knobs for
// misbehaviour. Shared by the IMDS tests and the whole-check test.
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "support/fake_http_server.hpp"

namespace bedrock_reach::test {

inline constexpr const char* kMac = "0e:49:61:0f:c3:11";
inline constexpr const char* kMac2 = "0e:49:61:0f:c3:99";

struct FakeImds {
  std::mutex mutex;
  std::map<std::string, std::string> tree;  // path under /latest/ → body
  std::atomic<int> token_failures{0};       // next N token PUTs answer 500
  std::atomic<int> get_failures{0};         // next N GETs answer 503
  int token_status = 200;
  bool v2_required = true;
  std::chrono::milliseconds get_delay{0};
  std::chrono::milliseconds put_delay{0};  // > the token wait: a reply lost one hop away
  std::atomic<int> tokens_issued{0};

  FakeImds() {
    std::string m = std::string("meta-data/network/interfaces/macs/") + kMac + "/";
    std::string m2 = std::string("meta-data/network/interfaces/macs/") + kMac2 + "/";
    tree = {
        {"meta-data/placement/region", "us-east-1"},
        {"meta-data/placement/availability-zone", "us-east-1a"},
        {"meta-data/placement/availability-zone-id", "use1-az4"},
        {"meta-data/instance-id", "i-0123456789abcdef0"},
        {"meta-data/services/partition", "aws"},
        {"meta-data/services/domain", "amazonaws.com"},
        {"meta-data/mac", kMac},
        {"meta-data/network/interfaces/macs/", std::string(kMac2) + "/\n" + kMac + "/"},
        {m + "device-number", "0"},
        {m + "vpc-id", "vpc-0123456789abcdef0"},
        {m + "subnet-id", "subnet-0aaa1111bbbb2222c"},
        {m + "vpc-ipv4-cidr-blocks", "10.0.0.0/16\n100.64.0.0/16"},
        {m + "vpc-ipv6-cidr-blocks", "2600:1f18:1234:5600::/56"},
        {m + "subnet-ipv4-cidr-block", "10.0.1.0/24"},
        {m + "subnet-ipv6-cidr-blocks", "2600:1f18:1234:5601::/64"},
        {m + "local-ipv4s", "10.0.1.10\n10.0.1.11"},
        {m + "ipv6s", "2600:1f18:1234:5601::10"},
        {m + "security-group-ids", "sg-0a990000000000001\nsg-0b990000000000002"},
        {m2 + "device-number", "1"},
        {m2 + "vpc-id", "vpc-0123456789abcdef0"},
        {m2 + "subnet-id", "subnet-0ddd3333eeee4444f"},
        {"meta-data/iam/info",
         R"({"Code":"Success","InstanceProfileArn":"arn:aws:iam::123456789012:instance-profile/diag"})"},
        {"meta-data/iam/security-credentials/", "diag-role"},
        {"meta-data/iam/security-credentials/diag-role", R"({
  "Code" : "Success",
  "LastUpdated" : "2026-11-28T16:00:00Z",
  "Type" : "AWS-HMAC",
  "AccessKeyId" : "ASIAIOSFODNN7EXAMPLE",
  "SecretAccessKey" : "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  "Token" : "session-token-example",
  "Expiration" : "2099-05-17T15:09:54Z"
})"},
        {"dynamic/instance-identity/document",
         R"({"accountId" : "123456789012", "region" : "us-east-1"})"},
    };
  }

  FakeReply operator()(const FakeRequest& r) {
    FakeReply reply;
    if (r.method == "PUT") {
      if (r.path != "/latest/api/token") return {404, "not found"};
      if (token_failures > 0) {
        --token_failures;
        return {500, "oops"};
      }
      if (token_status != 200) return {token_status, "<title>refused</title>"};
      const std::string* ttl = r.header("x-aws-ec2-metadata-token-ttl-seconds");
      if (ttl == nullptr) return {400, "Missing or Invalid Parameters"};
      int n = ++tokens_issued;
      reply.delay = put_delay;
      reply.body = "token-" + std::to_string(n);
      reply.headers.emplace_back("X-aws-ec2-metadata-token-ttl-seconds", *ttl);
      return reply;
    }
    reply.delay = get_delay;
    const std::string* token = r.header("x-aws-ec2-metadata-token");
    bool token_ok = token != nullptr && token->rfind("token-", 0) == 0;
    if (token != nullptr && !token_ok) return {401, "<title>401 - Unauthorized</title>"};
    if (token == nullptr && v2_required) return {401, "<title>401 - Unauthorized</title>"};
    if (get_failures > 0) {
      --get_failures;
      return {503, "busy"};
    }
    std::string path = r.path.substr(std::string("/latest/").size());
    std::lock_guard lock(mutex);
    auto found = tree.find(path);
    if (found == tree.end()) return {404, "<title>404 - Not Found</title>"};
    reply.body = found->second;
    return reply;
  }
};

}  // namespace bedrock_reach::test

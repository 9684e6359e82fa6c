#pragma once
// A TlsServer handler that answers like Bedrock (aws-reference §6.3-6.5) and verifies SigV4 the
// way AWS does (§5.3 recipe), independently of the agent's signing code path (libcurl).
#include <string>

#include "support/tls_server.hpp"

namespace bedrock_reach::test {

enum class BedrockBehavior { allow, deny_policy_explicit, deny_policy_implicit, deny_iam };

struct BedrockFakeOptions {
  std::string region = "us-east-1";
  std::string signing_name = "bedrock";
  std::string access_key_id = "AKIDEXAMPLE";
  std::string secret_access_key;
  std::string session_token;  // required in X-Amz-Security-Token when not empty
  BedrockBehavior behavior = BedrockBehavior::allow;
};

/// Result of verifying one request's SigV4 signature; `error` empty when valid.
struct SigV4Check {
  bool present = false;
  std::string error;  // why it is invalid, for the fake's reply and test messages
};
SigV4Check verify_sigv4(const TestHttpRequest& request, const BedrockFakeOptions& options);

TlsServer::Handler bedrock_fake(BedrockFakeOptions options);

}  // namespace bedrock_reach::test

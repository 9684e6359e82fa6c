#pragma once
// Runs a CredentialPlan as the application's SDK would (issue 16): container endpoints, STS
// AssumeRole (SigV4 by libcurl, like the EC2 client) and AssumeRoleWithWebIdentity, the IAM
// Identity Center portal with the cached token, credential_process with a timeout. Completes once
// on the loop thread. Secrets (tokens, keys, process output) stay in Secret or are dropped.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "aws/credential_plan.hpp"
#include "bedrock_reach/credentials.hpp"
#include "bedrock_reach/environment.hpp"
#include "bedrock_reach/http.hpp"
#include "bedrock_reach/probe.hpp"
#include "bedrock_reach/report.hpp"

namespace bedrock_reach {

struct CredentialInputs {
  CredentialPlan plan;
  Environment env;
  std::string config_text;       // AWS_CONFIG_FILE (capped by the caller)
  std::string credentials_text;  // AWS_SHARED_CREDENTIALS_FILE
  std::optional<Credentials> instance_role;
  std::string instance_role_arn;  // arn:...:role/NAME from IMDS, when known
  std::string region;
  std::string dns_suffix = "amazonaws.com";
  std::string ca_bundle;
  Millis http_timeout{3000};
  Millis process_timeout{5000};
};

struct AppCredentials {
  std::optional<Credentials> credentials;
  Principal principal;
  std::vector<std::string> notes;
  bool used_sts = false;
};

/// The probe contract: completes once on the loop thread. Findings: CREDENTIAL_SOURCE_FAILED,
/// SSO_LOGIN_REQUIRED.
void probe_credentials(ProbeContext& ctx, HttpClient& http, CredentialInputs inputs,
                       ProbeCallback<AppCredentials> done);

/// Runs `command` with /bin/sh -c, as the SDKs do, without blocking `loop`: its stdout (at most
/// `cap` bytes) is read as it arrives; after `timeout` the child is killed. `done` runs exactly
/// once, on the loop thread, never inside this call. stderr is discarded: it may carry secrets.
/// Adapter.
void start_credential_process(EventLoop& loop, const std::string& command, Millis timeout,
                              std::size_t cap, std::function<void(Result<std::string>)> done);

}  // namespace bedrock_reach

#pragma once
// When the EC2 API cannot show the service's interface endpoint (a shared VPC owned by another
// account, no EC2 API path, access denied), the endpoint is inferred from what the data plane
// proved: a private answer inside this VPC's CIDRs whose TLS handshake verified the service name
// and whose HTTPS reply is AWS-shaped can only be an interface endpoint of this VPC (nothing else
// in a VPC can present that certificate and answer like the AWS front end). Pure.
#include <optional>
#include <string>
#include <vector>

#include "bedrock_reach/report.hpp"

namespace bedrock_reach {

struct InferenceAddress {
  std::string ip;
  std::string klass;               // classify_address: endpoint-eni|vpc-private|...
  const TlsResult* tls = nullptr;  // the direct (not proxied) probe of this address
};

struct InferenceInput {
  std::string service;   // bedrock-runtime
  std::string hostname;  // the name the addresses answer for
  // Why the endpoint list cannot be evidence, e.g. "the VPC is owned by account 111122223333
  // (shared VPC): DescribeVpcEndpoints lists only the caller's own endpoints".
  std::string why_hidden;
  std::vector<InferenceAddress> host_path;  // what applications resolve, host-path order
};

/// ENDPOINT_INFERRED (info) when every host-path answer is inside this VPC and proved itself an
/// AWS endpoint for the name; nullopt otherwise (the TLS and DNS findings then speak).
std::optional<Finding> infer_private_endpoint(const InferenceInput& input);

}  // namespace bedrock_reach

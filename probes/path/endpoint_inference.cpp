#include "path/endpoint_inference.hpp"

#include "bedrock_reach/probe.hpp"

namespace bedrock_reach {

std::optional<Finding> infer_private_endpoint(const InferenceInput& input) {
  if (input.host_path.empty() || input.why_hidden.empty()) return std::nullopt;
  std::vector<std::string> evidence{"endpoint not visible: " + input.why_hidden};
  std::string ips;
  for (const auto& address : input.host_path) {
    // Only addresses inside this VPC: private answers elsewhere may be a hub VPC or a stale record.
    if (address.klass != "vpc-private" && address.klass != "endpoint-eni") return std::nullopt;
    const TlsResult* tls = address.tls;
    if (tls == nullptr || !tls->ok || tls->via_proxy) return std::nullopt;
    // AWS-shaped: the front end's request id (every Bedrock reply carries x-amzn-RequestId).
    if (tls->aws_request_id.empty() || !tls->http_status) return std::nullopt;
    evidence.push_back(address.ip + ": TLS " + tls->version + " verified for " + input.hostname +
                       " (issuer " + tls->issuer + "), HTTP " + std::to_string(*tls->http_status) +
                       " with x-amzn-RequestId");
    ips += (ips.empty() ? "" : ", ") + address.ip;
  }
  return make_finding("ENDPOINT_INFERRED", input.service, "",
                      input.hostname + " resolves to " + ips +
                          " inside this VPC, and each presents the service's certificate and "
                          "answers as AWS: an interface endpoint of this VPC (inferred; " +
                          input.why_hidden + ")",
                      evidence);
}

}  // namespace bedrock_reach

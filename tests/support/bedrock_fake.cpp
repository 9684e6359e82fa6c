#include "support/bedrock_fake.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <sstream>

#include "support/sigv4_check.hpp"

namespace bedrock_reach::test {
namespace {

// RFC 3986 encoding of everything but unreserved characters (and '/' in paths).
std::string uri_encode(const std::string& text, bool keep_slash) {
  std::string out;
  char byte[4];
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
        (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      std::snprintf(byte, sizeof byte, "%%%02X", c);
      out += byte;
    }
  }
  return out;
}

std::string collapse(const std::string& value) {
  std::string out;
  bool space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::string json_error(const std::string& message) { return "{\"message\":\"" + message + "\"}"; }

TestHttpResponse aws_error(int status, const std::string& type, const std::string& message) {
  return TestHttpResponse{status,
                          {{"Content-Type", "application/json"},
                           {"x-amzn-RequestId", "8f0c6f3e-3c1a-4d59-9f1e-0d8c0b6f5a21"},
                           {"x-amzn-ErrorType", type + ":http://internal.amazon.com/coral/"}},
                          json_error(message)};
}

std::string action_of(const TestHttpRequest& request) {
  if (request.target.rfind("/foundation-models", 0) == 0) return "bedrock:ListFoundationModels";
  if (request.target.rfind("/model/", 0) == 0) return "bedrock:InvokeModel";
  if (request.target.rfind("/agents/", 0) == 0) return "bedrock:ListAgents";
  if (request.target.rfind("/sessions/", 0) == 0) return "bedrock:GetSession";
  if (request.target.rfind("/knowledgebases/", 0) == 0) return "bedrock:Retrieve";
  return "bedrock:Unknown";
}

}  // namespace

SigV4Check verify_sigv4(const TestHttpRequest& request, const BedrockFakeOptions& options) {
  SigV4Check check;
  const std::string* authorization = request.header("authorization");
  if (authorization == nullptr) return check;
  check.present = true;
  if (authorization->rfind("AWS4-HMAC-SHA256 ", 0) != 0) {
    check.error = "unsupported algorithm";
    return check;
  }
  std::string credential = authorization_field(*authorization, "Credential");
  std::string signed_headers = authorization_field(*authorization, "SignedHeaders");
  std::string signature = authorization_field(*authorization, "Signature");
  // AKID/date/region/service/aws4_request
  std::vector<std::string> scope_parts;
  std::stringstream parts(credential);
  for (std::string part; std::getline(parts, part, '/');) scope_parts.push_back(part);
  if (scope_parts.size() != 5 || scope_parts[4] != "aws4_request") {
    check.error = "malformed credential scope";
    return check;
  }
  if (scope_parts[0] != options.access_key_id) {
    check.error = "unknown access key";
    return check;
  }
  if (scope_parts[2] != options.region || scope_parts[3] != options.signing_name) {
    check.error = "credential scope " + scope_parts[2] + "/" + scope_parts[3] + " is wrong";
    return check;
  }
  const std::string* date = request.header("x-amz-date");
  if (date == nullptr || date->substr(0, 8) != scope_parts[1]) {
    check.error = "missing or mismatched X-Amz-Date";
    return check;
  }
  if (!options.session_token.empty()) {
    const std::string* token = request.header("x-amz-security-token");
    if (token == nullptr || *token != options.session_token) {
      check.error = "security token invalid";
      return check;
    }
  }
  // Canonical request: path segments encoded again (non-S3), query sorted.
  std::string path = request.target.substr(0, request.target.find('?'));
  std::string query = request.target.find('?') == std::string::npos
                          ? ""
                          : request.target.substr(request.target.find('?') + 1);
  std::vector<std::string> pairs;
  std::stringstream query_stream(query);
  for (std::string pair; std::getline(query_stream, pair, '&');) {
    if (!pair.empty()) pairs.push_back(pair.find('=') == std::string::npos ? pair + "=" : pair);
  }
  std::sort(pairs.begin(), pairs.end());
  std::string canonical_query;
  for (const auto& pair : pairs) canonical_query += (canonical_query.empty() ? "" : "&") + pair;
  std::string canonical_headers;
  std::stringstream header_names(signed_headers);
  for (std::string name; std::getline(header_names, name, ';');) {
    const std::string* value = request.header(name);
    if (value == nullptr) {
      check.error = "signed header " + name + " missing";
      return check;
    }
    canonical_headers += name + ":" + collapse(*value) + "\n";
  }
  std::string canonical = request.method + "\n" + uri_encode(path, true) + "\n" + canonical_query +
                          "\n" + canonical_headers + "\n" + signed_headers + "\n" +
                          sha256_hex(request.body);
  std::string scope =
      scope_parts[1] + "/" + scope_parts[2] + "/" + scope_parts[3] + "/aws4_request";
  std::string to_sign = "AWS4-HMAC-SHA256\n" + *date + "\n" + scope + "\n" + sha256_hex(canonical);
  if (sigv4_signature(options.secret_access_key, scope_parts[1], scope_parts[2], scope_parts[3],
                      to_sign) != signature) {
    check.error = "signature mismatch";
  }
  return check;
}

TlsServer::Handler bedrock_fake(BedrockFakeOptions options) {
  return [options](const TestHttpRequest& request) -> TestHttpResponse {
    SigV4Check check = verify_sigv4(request, options);
    if (!check.present) return TlsServer::aws_access_denied(request);
    if (check.error == "unknown access key" || check.error == "security token invalid") {
      return aws_error(403, "UnrecognizedClientException",
                       "The security token included in the request is invalid.");
    }
    if (!check.error.empty()) {
      return aws_error(403, "InvalidSignatureException",
                       "The request signature we calculated does not match the signature you "
                       "provided. Check your AWS Secret Access Key and signing method.");
    }
    const std::string action = action_of(request);
    const std::string who = "User: arn:aws:sts::123456789012:assumed-role/app-role/i-0abc";
    const std::string resource = "arn:aws:bedrock:" + options.region + "::foundation-model/x";
    switch (options.behavior) {
      case BedrockBehavior::deny_policy_explicit:
        return aws_error(403, "AccessDeniedException",
                         who + " is not authorized to perform: " + action + " on resource: " +
                             resource + " with an explicit deny in a VPC endpoint policy");
      case BedrockBehavior::deny_policy_implicit:
        return aws_error(403, "AccessDeniedException",
                         who + " is not authorized to perform: " + action +
                             " on resource: " + resource +
                             " because no VPC endpoint policy allows the " + action + " action");
      case BedrockBehavior::deny_iam:
        return aws_error(403, "AccessDeniedException",
                         who + " is not authorized to perform: " + action +
                             " on resource: " + resource +
                             " because no identity-based policy allows the " + action + " action");
      case BedrockBehavior::allow:
        break;
    }
    if (request.target.rfind("/foundation-models", 0) == 0) {
      TestHttpResponse ok{200,
                          {{"Content-Type", "application/json"},
                           {"x-amzn-RequestId", "0b2f3c4d-1111-2222-3333-444455556666"}},
                          R"({"modelSummaries":[{"modelArn":"arn:aws:bedrock:us-east-1::)"
                          R"(foundation-model/amazon.titan-text-express-v1","modelId":)"
                          R"("amazon.titan-text-express-v1"}]})"};
      return ok;
    }
    if (request.target.rfind("/model/", 0) == 0) {
      return aws_error(400, "ValidationException", "The provided model identifier is invalid.");
    }
    return aws_error(404, "ResourceNotFoundException", "The resource does not exist.");
  };
}

}  // namespace bedrock_reach::test

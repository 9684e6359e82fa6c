#pragma once
// SigV4 (AWS4-HMAC-SHA256, header authorization) computed in the agent, for the requests
// libcurl 7.88's CURLOPT_AWS_SIGV4 signs wrongly: a path that needs percent-encoding, such as
// InvokeModel for a model ID with ':' (curl signs the path as sent, AWS canonicalizes it;
// aws-reference.md 5.2, curl commit 768909d89c fixed it only in 8.9.0). Pure (OpenSSL digests).
//
// The algorithm is AWS's "Create a signed AWS API request" (IAM user guide,
// reference_sigv-create-signed-request.html) as botocore implements it (auth.py SigV4Auth): for
// every service but S3 the canonical URI is the path as sent, URI-encoded once more (each byte
// outside A-Z a-z 0-9 - _ . ~ and '/' as %XX, so "%3A" becomes "%253A"). Expected values in the
// tests are botocore's (tests/unit/sigv4_vectors.py).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bedrock_reach/credentials.hpp"

namespace bedrock_reach {

struct SigV4Request {
  std::string method;  // POST
  std::string path;    // as sent on the wire, already URI-encoded: /model/ID%3A0/invoke
  std::string query;   // as sent, without '?' (may be empty)
  std::string host;    // the Host header: host, with ":port" when not the scheme's default
  std::vector<std::pair<std::string, std::string>> headers;  // more headers to sign
  std::string body;
  std::string region;
  std::string service;      // the signing name: bedrock
  long long unix_time = 0;  // the request time (seconds since 1970, UTC)
};

struct SigV4Signed {
  /// Headers to send: X-Amz-Date, X-Amz-Security-Token when there is a session token, and
  /// Authorization. Authorization carries the signature: never log these values.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string canonical_request;  // no secret in it (for tests)
  std::string string_to_sign;
};

/// RFC 3986 encoding as SigV4 wants it: bytes outside A-Z a-z 0-9 - _ . ~ become %XX (upper
/// case); '/' stays when `keep_slash`.
std::string sigv4_uri_encode(std::string_view text, bool keep_slash);

/// The canonical URI of a non-S3 request: the path as sent, encoded once more ("/" for "").
std::string sigv4_canonical_uri(std::string_view path);

/// Whether libcurl 7.88 signs this path correctly: only when canonicalizing leaves it unchanged
/// (curl puts the raw path into its canonical request).
bool curl_signs_path_correctly(std::string_view path);

/// "YYYYMMDDTHHMMSSZ" for a Unix time.
std::string sigv4_amz_date(long long unix_time);

/// Signs `request` with `credentials`; the returned headers go on the request as they are.
SigV4Signed sign_sigv4(const SigV4Request& request, const Credentials& credentials);

}  // namespace bedrock_reach

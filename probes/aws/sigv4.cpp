#include "aws/sigv4.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <ctime>

namespace bedrock_reach {
namespace {

std::string hex(const unsigned char* data, std::size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kHex[data[i] >> 4]);
    out.push_back(kHex[data[i] & 0x0F]);
  }
  return out;
}

std::string sha256_hex(std::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return hex(digest, sizeof digest);
}

std::string hmac_sha256(std::string_view key, std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Trimmed, inner runs of spaces collapsed to one (botocore _header_value).
std::string header_value(std::string_view value) {
  std::string out;
  bool space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string uri_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 &&
        hex_digit(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// Query pairs decoded, re-encoded, sorted by name then value.
std::string canonical_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (part.empty()) continue;
    auto eq = part.find('=');
    std::string_view name = part.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
    pairs.emplace_back(sigv4_uri_encode(uri_decode(name), false),
                       sigv4_uri_encode(uri_decode(value), false));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (!out.empty()) out += '&';
    out += name + "=" + value;
  }
  return out;
}

}  // namespace

std::string sigv4_uri_encode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
        (keep_slash && c == '/')) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0F];
    }
  }
  return out;
}

std::string sigv4_canonical_uri(std::string_view path) {
  if (path.empty()) return "/";
  return sigv4_uri_encode(path, true);
}

bool curl_signs_path_correctly(std::string_view path) {
  return path.empty() || sigv4_canonical_uri(path) == path;
}

std::string sigv4_amz_date(long long unix_time) {
  std::time_t t = static_cast<std::time_t>(unix_time);
  std::tm parts{};
  gmtime_r(&t, &parts);
  char buffer[20];
  std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &parts);
  return buffer;
}

SigV4Signed sign_sigv4(const SigV4Request& request, const Credentials& credentials) {
  const std::string amz_date = sigv4_amz_date(request.unix_time);
  const std::string day = amz_date.substr(0, 8);
  std::vector<std::pair<std::string, std::string>> signed_headers;  // lower-case name, value
  signed_headers.emplace_back("host", header_value(request.host));
  signed_headers.emplace_back("x-amz-date", amz_date);
  if (!credentials.session_token.empty())
    signed_headers.emplace_back("x-amz-security-token",
                                header_value(credentials.session_token.reveal()));
  for (const auto& [name, value] : request.headers) {
    std::string key = lower(name);
    auto same = std::find_if(signed_headers.begin(), signed_headers.end(),
                             [&](const auto& h) { return h.first == key; });
    if (same != signed_headers.end()) {
      same->second += "," + header_value(value);  // repeated headers: comma-joined
    } else {
      signed_headers.emplace_back(key, header_value(value));
    }
  }
  std::sort(signed_headers.begin(), signed_headers.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string canonical_headers, names;
  for (const auto& [name, value] : signed_headers) {
    canonical_headers += name + ":" + value + "\n";
    names += (names.empty() ? "" : ";") + name;
  }
  SigV4Signed out;
  out.canonical_request = request.method + "\n" + sigv4_canonical_uri(request.path) + "\n" +
                          canonical_query(request.query) + "\n" + canonical_headers + "\n" + names +
                          "\n" + sha256_hex(request.body);
  const std::string scope = day + "/" + request.region + "/" + request.service + "/aws4_request";
  out.string_to_sign =
      "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope + "\n" + sha256_hex(out.canonical_request);
  std::string key = hmac_sha256("AWS4" + credentials.secret_access_key.reveal(), day);
  key = hmac_sha256(key, request.region);
  key = hmac_sha256(key, request.service);
  key = hmac_sha256(key, "aws4_request");
  const std::string digest = hmac_sha256(key, out.string_to_sign);
  const std::string signature =
      hex(reinterpret_cast<const unsigned char*>(digest.data()), digest.size());
  out.headers.emplace_back("X-Amz-Date", amz_date);
  if (!credentials.session_token.empty())
    out.headers.emplace_back("X-Amz-Security-Token", credentials.session_token.reveal());
  out.headers.emplace_back(
      "Authorization", "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" + scope +
                           ", SignedHeaders=" + names + ", Signature=" + signature);
  return out;
}

}  // namespace bedrock_reach

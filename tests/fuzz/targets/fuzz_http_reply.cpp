// HTTP replies from whatever answers on 443: the first line is the status, then header lines
// up to a blank line, then the body.
#include <cstdint>
#include <sstream>
#include <string>

#include "tls/tls_rules.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bedrock_reach;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  HttpResponse response;
  std::string line;
  if (std::getline(in, line))
    response.status = static_cast<long>(std::strtol(line.c_str(), nullptr, 10));
  while (std::getline(in, line) && !line.empty()) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    response.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  std::ostringstream body;
  body << in.rdbuf();
  response.body = body.str();
  (void)is_aws_shaped(response);
  (void)aws_error_of(response);
  (void)classify_signed_reply(response);
  return 0;
}

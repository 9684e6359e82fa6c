// Raw DNS replies as a server (or an attacker on the path) could send them.
#include <cstdint>
#include <span>

#include "dns/dns_message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)bedrock_reach::parse_dns_reply(std::span<const std::uint8_t>(data, size));
  return 0;
}

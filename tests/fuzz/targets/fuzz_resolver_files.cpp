// /etc/resolv.conf, /etc/hosts and nsswitch.conf parsers, plus a hosts lookup.
#include <cstdint>
#include <string_view>

#include "dns/hosts_file.hpp"
#include "dns/resolv_conf.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bedrock_reach;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)parse_resolv_conf(text);
  HostsFile hosts = parse_hosts_file(text);
  (void)hosts.lookup("bedrock-runtime.us-east-1.amazonaws.com");
  (void)hosts.evidence("bedrock-runtime.us-east-1.amazonaws.com");
  (void)parse_nsswitch_hosts(text);
  return 0;
}

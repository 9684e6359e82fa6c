// Replays the seed corpora of the DNS parsers (tests/fuzz/corpus/<parser>/) so every seed stays a
// regression test until the libFuzzer harness arrives: parsers must not crash on any of them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "dns/dns_message.hpp"
#include "dns/hosts_file.hpp"
#include "dns/resolv_conf.hpp"

namespace bedrock_reach {
namespace {

std::vector<std::string> corpus(const std::string& parser) {
  std::vector<std::string> inputs;
  std::filesystem::path dir = std::filesystem::path(BR_SOURCE_DIR) / "tests/fuzz/corpus" / parser;
  if (!std::filesystem::is_directory(dir)) return inputs;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    inputs.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return inputs;
}

TEST(DnsCorpus, DnsReplySeeds) {
  auto inputs = corpus("dns_reply");
  EXPECT_GE(inputs.size(), 5u);
  for (const auto& input : inputs) {
    std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(input.data()),
                                        input.size());
    auto reply = parse_dns_reply(bytes);
    if (reply) {
      EXPECT_LE(reply->addresses.size(), kMaxAddresses);
    }
  }
}

TEST(DnsCorpus, ResolvConfAndHostsSeeds) {
  auto resolv = corpus("resolv_conf");
  auto hosts = corpus("hosts_file");
  EXPECT_GE(resolv.size(), 3u);
  EXPECT_GE(hosts.size(), 3u);
  for (const auto& input : resolv) EXPECT_LE(parse_resolv_conf(input).nameservers.size(), 3u);
  for (const auto& input : hosts) (void)parse_hosts_file(input).lookup("localhost");
}

}  // namespace
}  // namespace bedrock_reach

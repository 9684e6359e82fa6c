#include <gtest/gtest.h>

#include "dns/hosts_file.hpp"

namespace bedrock_reach {
namespace {

TEST(HostsFile, LookupIsCaseInsensitiveAndIgnoresTrailingDot) {
  auto hosts = parse_hosts_file(
      "127.0.0.1 localhost\n"
      "::1 localhost ip6-localhost\n"
      "# pinned by someone in 2023\n"
      "10.0.9.9\tBedrock-Runtime.us-east-1.amazonaws.com. runtime # stale\n"
      "2600:1f18::9 bedrock-runtime.us-east-1.amazonaws.com\n"
      "10.0.9.9 bedrock-runtime.us-east-1.amazonaws.com\n");
  EXPECT_EQ(hosts.lookup("bedrock-runtime.us-east-1.amazonaws.com"),
            (std::vector<std::string>{"10.0.9.9", "2600:1f18::9"}));
  EXPECT_EQ(hosts.lookup("BEDROCK-RUNTIME.us-east-1.amazonaws.com."),
            (std::vector<std::string>{"10.0.9.9", "2600:1f18::9"}));
  EXPECT_EQ(hosts.lookup("runtime"), (std::vector<std::string>{"10.0.9.9"}));
  EXPECT_TRUE(hosts.lookup("bedrock.us-east-1.amazonaws.com").empty());
  EXPECT_EQ(hosts.lookup("localhost"), (std::vector<std::string>{"127.0.0.1", "::1"}));
  auto evidence = hosts.evidence("runtime");
  ASSERT_EQ(evidence.size(), 1u);
  EXPECT_EQ(evidence[0], "hosts line 4: 10.0.9.9 bedrock-runtime.us-east-1.amazonaws.com runtime");
}

TEST(HostsFile, BadLinesBecomeWarnings) {
  auto hosts = parse_hosts_file("not-an-ip name\n10.0.0.1\n999.1.1.1 x\nfe80::1%lo y\n\n   \n");
  EXPECT_TRUE(hosts.entries.empty());
  EXPECT_EQ(hosts.warnings.size(), 4u);
}

TEST(HostsFile, CapsAliasesAndLongLines) {
  std::string line = "10.0.0.1";
  for (int i = 0; i < 100; ++i) line += " n" + std::to_string(i);
  auto hosts = parse_hosts_file(line + "\n10.0.0.2 " + std::string(5000, 'a') + "\n");
  ASSERT_EQ(hosts.entries.size(), 1u);
  EXPECT_EQ(hosts.entries[0].names.size(), 35u);
  EXPECT_EQ(hosts.warnings.size(), 1u);
}

TEST(HostsFile, MissingFileIsEmpty) {
  auto hosts = load_hosts_file("/nonexistent/hosts");
  ASSERT_TRUE(hosts);
  EXPECT_TRUE(hosts->entries.empty());
}

TEST(Nsswitch, HostsLineTable) {
  struct Case {
    const char* text;
    std::vector<std::string> sources;
    std::vector<bool> notfound_return;
  } const cases[] = {
      {"", {"files", "dns"}, {false, false}},
      {"passwd: files\n", {"files", "dns"}, {false, false}},
      {"hosts: files dns\n", {"files", "dns"}, {false, false}},
      {"hosts:  dns files  # comment\n", {"dns", "files"}, {false, false}},
      {"hosts: files mdns4_minimal [NOTFOUND=return] resolve [!UNAVAIL=return] dns myhostname\n",
       {"files", "mdns4_minimal", "resolve", "dns", "myhostname"},
       {false, true, false, false, false}},
      {"hosts: files [notfound = return] dns\n", {"files", "dns"}, {true, false}},
      {"hosts: dns [!NOTFOUND=return] files\n", {"dns", "files"}, {false, false}},
      {"hosts:\nhosts: files\n", {"files", "dns"}, {false, false}},
  };
  for (const auto& c : cases) {
    auto sources = parse_nsswitch_hosts(c.text);
    std::vector<std::string> names;
    std::vector<bool> returns;
    for (const auto& source : sources) {
      names.push_back(source.name);
      returns.push_back(source.return_on_notfound);
    }
    EXPECT_EQ(names, c.sources) << c.text;
    EXPECT_EQ(returns, c.notfound_return) << c.text;
  }
}

}  // namespace
}  // namespace bedrock_reach

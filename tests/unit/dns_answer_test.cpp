#include <gtest/gtest.h>

#include "dns/dns_answer.hpp"
#include "support/dns_packet.hpp"

namespace bedrock_reach {
namespace {

using testing::DnsPacket;
using testing::DnsRecord;

QueryResult with_reply(const std::string& status, int rcode, std::vector<DnsRecord> answers) {
  DnsPacket packet;
  packet.set_response().set_rcode(rcode).add_question("x.example", 1);
  for (auto& answer : answers) packet.add_answer(std::move(answer));
  return QueryResult{status, "", packet.bytes()};
}

TEST(DnsAnswer, InterpretTable) {
  struct Case {
    QueryResult result;
    const char* status;
    const char* rcode;
    std::size_t addresses;
  } const cases[] = {
      {with_reply("ok", 0, {DnsRecord::a("x.example", "10.0.0.1")}), "ok", "NOERROR", 1},
      {with_reply("nodata", 0, {}), "nodata", "NOERROR", 0},
      {with_reply("ok", 0, {DnsRecord::cname("x.example", "y.example")}), "nodata", "NOERROR", 0},
      {with_reply("nxdomain", 3, {}), "nxdomain", "NXDOMAIN", 0},
      {with_reply("servfail", 2, {}), "servfail", "SERVFAIL", 0},
      {with_reply("refused", 5, {}), "refused", "REFUSED", 0},
      {with_reply("error", 4, {}), "error", "NOTIMP", 0},
      {with_reply("error", 1, {}), "error", "FORMERR", 0},
      {with_reply("ok", 0,
                  {DnsRecord::cname("x.example", "y.example"),
                   DnsRecord::cname("y.example", "x.example")}),
       "error", "NOERROR", 0},
      {QueryResult{"timeout", "Timeout while contacting DNS servers", {}}, "timeout", "", 0},
      {QueryResult{"servfail", "Server failed", {}}, "servfail", "", 0},
      {QueryResult{"cancelled", "", {}}, "timeout", "", 0},
      {QueryResult{"ok", "", {0x00, 0x01}}, "error", "", 0},
  };
  for (const auto& c : cases) {
    auto answer = interpret_query(c.result, 1.5);
    EXPECT_EQ(answer.status, c.status) << c.result.status << " " << c.rcode;
    EXPECT_EQ(answer.rcode, c.rcode) << c.result.status << " " << c.status;
    EXPECT_EQ(answer.addresses.size(), c.addresses) << c.status;
    EXPECT_EQ(answer.elapsed_ms, 1.5);
  }
}

ResolverAnswer part(const std::string& status, std::vector<std::string> addresses = {},
                    double ms = 1, std::optional<std::uint32_t> ttl = std::nullopt) {
  ResolverAnswer answer;
  answer.status = status;
  answer.addresses = std::move(addresses);
  answer.elapsed_ms = ms;
  answer.ttl = ttl;
  answer.rcode = status == "nxdomain" ? "NXDOMAIN" : (status == "ok" ? "NOERROR" : "");
  return answer;
}

TEST(DnsAnswer, MergeTable) {
  struct Case {
    std::vector<ResolverAnswer> parts;
    const char* status;
    std::vector<std::string> addresses;
  } const cases[] = {
      {{part("ok", {"10.0.0.1"}), part("nodata")}, "ok", {"10.0.0.1"}},
      {{part("ok", {"10.0.0.1"}), part("ok", {"2600::1", "10.0.0.1"})},
       "ok",
       {"10.0.0.1", "2600::1"}},
      {{part("timeout"), part("ok", {"2600::1"})}, "ok", {"2600::1"}},
      {{part("nxdomain"), part("nxdomain")}, "nxdomain", {}},
      {{part("timeout"), part("nodata")}, "timeout", {}},
      {{part("nodata"), part("servfail")}, "servfail", {}},
      {{part("nodata"), part("nodata")}, "nodata", {}},
      {{part("error"), part("timeout")}, "timeout", {}},
      {{}, "error", {}},
  };
  for (const auto& c : cases) {
    auto merged = merge_answers(c.parts);
    EXPECT_EQ(merged.status, c.status);
    EXPECT_EQ(merged.addresses, c.addresses) << c.status;
  }
  auto merged = merge_answers({part("ok", {"10.0.0.1"}, 3, 60), part("ok", {"2600::1"}, 7, 20)});
  EXPECT_EQ(merged.elapsed_ms, 7);
  EXPECT_EQ(merged.ttl, 20u);
  EXPECT_EQ(merged.rcode, "NOERROR");
}

TEST(DnsAnswer, ParseServerTable) {
  struct Case {
    const char* text;
    const char* address;
    int port;
  } const cases[] = {
      {"10.0.0.2", "10.0.0.2", 53},
      {"10.0.0.2:5353", "10.0.0.2", 5353},
      {"fd00:ec2::253", "fd00:ec2::253", 53},
      {"[::1]:5353", "::1", 5353},
      {"[::1]", "::1", 53},
      {"169.254.169.253", "169.254.169.253", 53},
  };
  for (const auto& c : cases) {
    auto server = parse_dns_server(c.text, 53);
    ASSERT_TRUE(server) << c.text;
    EXPECT_EQ(server->address, c.address);
    EXPECT_EQ(server->port, c.port);
  }
  for (const char* bad : {"", "dns.example", "10.0.0.2:0", "10.0.0.2:70000", "[::1", "[::1]x",
                          "10.0.0.2:53x", "::1:53:"}) {
    EXPECT_FALSE(parse_dns_server(bad, 53)) << bad;
  }
}

TEST(DnsAnswer, FitTimeoutToDeadline) {
  EXPECT_EQ(fit_timeout(Millis(1500), 2, 1, Millis(10000)), Millis(1500));
  EXPECT_EQ(fit_timeout(Millis(1500), 2, 1, Millis(3000)), Millis(1000));  // 1000 + 2000
  EXPECT_EQ(fit_timeout(Millis(1500), 2, 2, Millis(3000)), Millis(500));
  EXPECT_EQ(fit_timeout(Millis(1500), 3, 1, Millis(10)), Millis(50));
}

TEST(DnsAnswer, SearchCandidatesFollowGlibcOrder) {
  using Names = std::vector<std::string>;
  const Names search{"ec2.internal", "corp.example"};
  struct Case {
    const char* name;
    Names search;
    int ndots;
    Names expected;
  } const cases[] = {
      {"bedrock.us-east-1.amazonaws.com",
       search,
       1,
       {"bedrock.us-east-1.amazonaws.com", "bedrock.us-east-1.amazonaws.com.ec2.internal",
        "bedrock.us-east-1.amazonaws.com.corp.example"}},
      // Fewer dots than ndots: the search domains first, the name itself last.
      {"bedrock.us-east-1.amazonaws.com",
       search,
       5,
       {"bedrock.us-east-1.amazonaws.com.ec2.internal",
        "bedrock.us-east-1.amazonaws.com.corp.example", "bedrock.us-east-1.amazonaws.com"}},
      // Exactly ndots dots counts as enough.
      {"a.b.c.d", {"x"}, 3, {"a.b.c.d", "a.b.c.d.x"}},
      // A trailing dot is absolute: no search, the dot dropped for the query.
      {"bedrock.us-east-1.amazonaws.com.", search, 5, {"bedrock.us-east-1.amazonaws.com"}},
      {"bedrock.us-east-1.amazonaws.com", {}, 1, {"bedrock.us-east-1.amazonaws.com"}},
      {"bedrock.us-east-1.amazonaws.com", {""}, 1, {"bedrock.us-east-1.amazonaws.com"}},
      {"host", search, 0, {"host", "host.ec2.internal", "host.corp.example"}},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(search_candidates(c.name, c.search, c.ndots), c.expected) << c.name << " " << c.ndots;
  }
}

TEST(DnsAnswer, SearchGoesOnAfterMissesOnly) {
  for (const char* status : {"nxdomain", "nodata", "servfail"}) {
    ResolverAnswer answer;
    answer.status = status;
    EXPECT_TRUE(search_continues_after(answer)) << status;
  }
  for (const char* status : {"ok", "timeout", "refused", "error"}) {
    ResolverAnswer answer;
    answer.status = status;
    EXPECT_FALSE(search_continues_after(answer)) << status;
  }
}

}  // namespace
}  // namespace bedrock_reach

// Benchmark, not a timed test: 4 services x 3 paths x {A, AAAA} = 24 queries against fake
// servers that delay every reply by D. Concurrent resolution takes about D, not 24 x D. Prints
// the figure; asserts only that every answer arrived.
//   ctest --test-dir build/<dir> -L bench -V     or     build/<dir>/tests/dns_bench
#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/null_sink.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "dns/dns_probe.hpp"
#include "loop/epoll_loop.hpp"
#include "support/fake_dns_server.hpp"

namespace bedrock_reach {
namespace {

using testing::DnsRecord;
using testing::DnsRequest;
using testing::DnsResponse;
using testing::FakeDnsServer;
using testing::reply_to;

DnsResponse answer(const DnsRequest& request) {
  auto packet = reply_to(request);
  if (request.type == testing::kTypeA) packet.add_answer(DnsRecord::a(request.name, "10.0.1.10"));
  return DnsResponse::packet(packet);
}

TEST(DnsBench, TwentyFourDelayedQueriesTakeAboutOneDelay) {
  const Millis delay(200);
  EpollLoop loop;
  spdlog::logger log("dns-bench", std::make_shared<spdlog::sinks::null_sink_mt>());
  FakeDnsServer host_server(loop, FakeDnsServer::Family::v4);
  FakeDnsServer nameserver(loop, FakeDnsServer::Family::v4);
  FakeDnsServer amazon(loop, FakeDnsServer::Family::v6);
  for (auto* server : {&host_server, &nameserver, &amazon}) {
    server->set_handler(answer);
    server->set_delay(delay);
  }
  char dir[] = "/tmp/br-dns-bench-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  DnsPlanOptions options;
  options.per_try_timeout = Millis(2000);
  options.dns_port = host_server.port();
  options.resolv_conf_path = std::string(dir) + "/resolv.conf";
  options.hosts_path = std::string(dir) + "/hosts";
  options.nsswitch_path = std::string(dir) + "/nsswitch.conf";
  std::ofstream(options.resolv_conf_path) << "nameserver 127.0.0.1\n";
  std::ofstream(options.hosts_path) << "127.0.0.1 localhost\n";
  std::ofstream(options.nsswitch_path) << "hosts: files dns\n";

  auto targets = build_targets(*make_region("us-east-1", "test"), {}, false);
  ASSERT_TRUE(targets);
  std::vector<ResolverSpec> resolvers{
      {"host", ResolverSpec::Kind::host, ""},
      {nameserver.server_spec(), ResolverSpec::Kind::nameserver, nameserver.server_spec()},
      {amazon.server_spec(), ResolverSpec::Kind::amazon, amazon.server_spec()}};

  ProbeContext ctx{loop, loop.now() + Millis(10000), log};
  bool done = false;
  ProbeOutcome<std::vector<NameResolution>> outcome;
  auto started = loop.now();
  probe_dns(ctx, DnsProbeRequest{*targets, resolvers, options}, [&](auto result) {
    outcome = std::move(result);
    done = true;
  });
  ASSERT_TRUE(loop.run_until([&] { return done; }, loop.now() + Millis(15000)));
  double elapsed = std::chrono::duration<double, std::milli>(loop.now() - started).count();

  std::size_t queries =
      host_server.requests().size() + nameserver.requests().size() + amazon.requests().size();
  for (const auto& resolution : outcome.data)
    for (const auto& a : resolution.answers) EXPECT_EQ(a.status, "ok") << a.resolver;
  EXPECT_EQ(queries, 24u);
  std::printf(
      "DNS phase: %zu queries, reply delay D=%lld ms, took %.1f ms = %.2f x D "
      "(serial would be %zu x D = %lld ms)\n",
      queries, static_cast<long long>(delay.count()), elapsed,
      elapsed / static_cast<double>(delay.count()), queries,
      static_cast<long long>(delay.count()) * static_cast<long long>(queries));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace bedrock_reach

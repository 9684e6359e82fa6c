// The DNS probe against the in-process scripted server: every path, every rcode, malformed and
// hostile replies, over UDP and TCP, IPv4 and IPv6. Assertions are on our statuses and finding
// codes, never on c-ares internals (1.18.1 reports a garbage reply as a timeout; later versions
// as a bad response).
#include <gtest/gtest.h>

#include <spdlog/logger.h>
#include <spdlog/sinks/null_sink.h>
#include <unistd.h>
#include <thread>

#include <filesystem>
#include <fstream>

#include "dns/dns_probe.hpp"
#include "dns/dns_rules.hpp"
#include "loop/epoll_loop.hpp"
#include "support/fake_dns_server.hpp"

namespace bedrock_reach {
namespace {

using testing::DnsPacket;
using testing::DnsRecord;
using testing::DnsRequest;
using testing::DnsResponse;
using testing::FakeDnsServer;
using testing::kTypeA;
using testing::kTypeAaaa;
using testing::reply_to;

constexpr const char* kName = "bedrock-runtime.us-east-1.amazonaws.com";
const Target kTarget{"bedrock-runtime", kName, "bedrock"};

struct Mode {
  FakeDnsServer::Family family;
  bool tcp_only;
};

std::string mode_name(const ::testing::TestParamInfo<Mode>& info) {
  return std::string(info.param.family == FakeDnsServer::Family::v4 ? "IPv4" : "IPv6") +
         (info.param.tcp_only ? "Tcp" : "Udp");
}

/// Temporary resolv.conf / hosts / nsswitch.conf: the probe never reads the host's own files.
class TempFiles {
 public:
  TempFiles() {
    char pattern[] = "/tmp/br-dns-test-XXXXXX";
    dir_ = mkdtemp(pattern);
  }
  ~TempFiles() { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) const {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

 private:
  std::string dir_;
};

class DnsProbeTest : public ::testing::TestWithParam<Mode> {
 protected:
  DnsProbeTest()
      : log_("dns-test", std::make_shared<spdlog::sinks::null_sink_mt>()),
        server_(loop_, GetParam().family) {
    server_.set_tcp_only(GetParam().tcp_only);
    options_.per_try_timeout = Millis(150);
    options_.tries = 2;
    options_.dns_port = server_.port();
    options_.resolv_conf_path =
        files_.write("resolv.conf", "nameserver " + server_.address() + "\n");
    options_.hosts_path = files_.write("hosts", "127.0.0.1 localhost\n");
    options_.nsswitch_path = files_.write("nsswitch.conf", "hosts: files dns\n");
  }

  ResolverSpec direct(ResolverSpec::Kind kind = ResolverSpec::Kind::amazon) const {
    return ResolverSpec{server_.server_spec(), kind, server_.server_spec()};
  }
  static ResolverSpec host() { return ResolverSpec{"host", ResolverSpec::Kind::host, ""}; }

  ProbeOutcome<std::vector<NameResolution>> run(const std::vector<ResolverSpec>& resolvers,
                                                Millis budget = Millis(5000),
                                                std::vector<Target> targets = {kTarget}) {
    ProbeContext ctx{loop_, loop_.now() + budget, log_};
    int calls = 0;
    ProbeOutcome<std::vector<NameResolution>> outcome;
    probe_dns(ctx, DnsProbeRequest{targets, resolvers, options_}, [&](auto result) {
      ++calls;
      outcome = std::move(result);
    });
    EXPECT_EQ(calls, 0) << "completion must not run inside probe_dns()";
    EXPECT_TRUE(loop_.run_until([&] { return calls > 0; }, loop_.now() + budget + Millis(2000)));
    // Let the posted channel teardown run, then check nothing completes twice.
    loop_.run_until([] { return false; }, loop_.now() + Millis(5));
    EXPECT_EQ(calls, 1);
    return outcome;
  }

  /// One answer for a single target and resolver.
  ResolverAnswer run_one(const ResolverSpec& resolver) {
    auto outcome = run({resolver});
    EXPECT_EQ(outcome.data.size(), 1u);
    EXPECT_EQ(outcome.data.at(0).answers.size(), 1u);
    return outcome.data.at(0).answers.at(0);
  }

  /// The DNS finding codes this answer produces when it is the host path's.
  std::vector<std::string> host_codes(ResolverAnswer answer) {
    answer.kind = ResolverSpec::Kind::host;
    auto findings = dns_findings(NameResolution{kTarget, {answer}}, ClassifyInput{}, HostsFile{});
    std::vector<std::string> codes;
    for (const auto& f : findings) codes.push_back(f.code);
    return codes;
  }

  static DnsResponse endpoint_answer(const DnsRequest& request) {
    auto packet = reply_to(request).set_aa().set_compress();
    if (request.type == kTypeA) {
      packet.add_answer(DnsRecord::a(request.name, "10.0.1.10", 60))
          .add_answer(DnsRecord::a(request.name, "10.0.2.10", 60));
    } else if (request.type == kTypeAaaa) {
      packet.add_answer(DnsRecord::aaaa(request.name, "2600:1f18:aa00:1::10", 30));
    }
    return DnsResponse::packet(packet);
  }

  EpollLoop loop_;
  spdlog::logger log_;
  TempFiles files_;
  FakeDnsServer server_;
  DnsPlanOptions options_;
};

TEST_P(DnsProbeTest, AllPathsAnswerAandAaaaWithTtl) {
  server_.set_handler(endpoint_answer);
  auto outcome = run({host(), direct(ResolverSpec::Kind::nameserver), direct()});
  ASSERT_EQ(outcome.data.size(), 1u);
  EXPECT_FALSE(outcome.cut_by_deadline);
  ASSERT_EQ(outcome.data[0].answers.size(), 3u);
  for (const auto& answer : outcome.data[0].answers) {
    EXPECT_EQ(answer.status, "ok") << answer.resolver << " " << answer.error;
    EXPECT_EQ(answer.rcode, "NOERROR");
    EXPECT_EQ(answer.addresses,
              (std::vector<std::string>{"10.0.1.10", "10.0.2.10", "2600:1f18:aa00:1::10"}));
    EXPECT_EQ(answer.ttl, 30u);
    EXPECT_GT(answer.elapsed_ms, 0.0);
    EXPECT_FALSE(answer.from_hosts_file);
  }
  EXPECT_EQ(outcome.data[0].answers[0].kind, ResolverSpec::Kind::host);
  EXPECT_EQ(outcome.data[0].answers[2].resolver, server_.server_spec());
  EXPECT_EQ(server_.count(kName, kTypeA, GetParam().tcp_only), 3u);
  EXPECT_EQ(server_.count(kName, kTypeAaaa, GetParam().tcp_only), 3u);
}

TEST_P(DnsProbeTest, EveryRcodeMapsToOurStatusAndCode) {
  struct Case {
    int rcode;
    const char* status;
    const char* rcode_name;
    const char* code;
  } const cases[] = {
      {0, "nodata", "NOERROR", "DNS_NXDOMAIN"},    {1, "error", "FORMERR", "DNS_SERVFAIL"},
      {2, "servfail", "SERVFAIL", "DNS_SERVFAIL"}, {3, "nxdomain", "NXDOMAIN", "DNS_NXDOMAIN"},
      {4, "error", "NOTIMP", "DNS_SERVFAIL"},      {5, "refused", "REFUSED", "DNS_SERVFAIL"},
  };
  for (const auto& c : cases) {
    server_.set_handler([&](const DnsRequest& request) {
      return DnsResponse::packet(reply_to(request).set_rcode(c.rcode));
    });
    auto answer = run_one(direct());
    EXPECT_EQ(answer.status, c.status) << c.rcode_name;
    EXPECT_EQ(answer.rcode, c.rcode_name);
    EXPECT_EQ(host_codes(answer), (std::vector<std::string>{c.code})) << c.rcode_name;
  }
}

TEST_P(DnsProbeTest, HostPathServfailAndNxdomain) {
  server_.set_handler([](const DnsRequest& request) {
    return DnsResponse::packet(reply_to(request).set_rcode(2));
  });
  auto servfail = run_one(host());
  EXPECT_EQ(servfail.status, "servfail") << servfail.error;
  EXPECT_EQ(host_codes(servfail), (std::vector<std::string>{"DNS_SERVFAIL"}));
  server_.set_handler([](const DnsRequest& request) {
    return DnsResponse::packet(reply_to(request).set_rcode(3));
  });
  auto nxdomain = run_one(host());
  EXPECT_EQ(nxdomain.status, "nxdomain");
  EXPECT_EQ(host_codes(nxdomain), (std::vector<std::string>{"DNS_NXDOMAIN"}));
}

TEST_P(DnsProbeTest, SilenceTimesOutWithRetries) {
  server_.set_handler([](const DnsRequest&) { return DnsResponse::silence(); });
  auto answer = run_one(direct());
  EXPECT_EQ(answer.status, "timeout");
  EXPECT_EQ(answer.rcode, "");
  EXPECT_EQ(host_codes(answer), (std::vector<std::string>{"DNS_TIMEOUT"}));
  // Over UDP: two tries for each of A and AAAA (over TCP the retry pattern is c-ares' business).
  if (!GetParam().tcp_only) {
    EXPECT_EQ(server_.requests().size(), 4u);
  }
}

TEST_P(DnsProbeTest, DeadlineCutsSilentQueriesExactlyOnce) {
  // Timeouts are sized to the deadline but never below 50 ms per try, so three tries do not
  // fit in 100 ms: the deadline has to cut them.
  server_.set_handler([](const DnsRequest&) { return DnsResponse::silence(); });
  options_.tries = 3;
  auto started = loop_.now();
  auto outcome = run({host(), direct()}, Millis(100));
  auto took = std::chrono::duration_cast<Millis>(loop_.now() - started);
  // Over TCP, c-ares 1.18.1 gives up on a silent server after one timeout, inside the deadline;
  // either way every answer is a timeout and the run completes once, on time.
  if (!GetParam().tcp_only) {
    EXPECT_TRUE(outcome.cut_by_deadline);
  }
  for (const auto& answer : outcome.data.at(0).answers) EXPECT_EQ(answer.status, "timeout");
  EXPECT_LT(took.count(), 2000);
}

// The scheduler keeps the process off the CPU during a silent resolver's first try: c-ares times
// its second try from the late wake-up, so that try would end after the deadline. The planned
// end is kept in absolute time instead: a resolver timeout, not a deadline cut (CHECK_DEADLINE).
TEST_P(DnsProbeTest, StarvedLoopStillEndsSilenceAsAResolverTimeout) {
  server_.set_handler([](const DnsRequest&) { return DnsResponse::silence(); });
  // per try 150 ms, 2 tries, one server: planned 450 ms of a 1000 ms deadline, budget at 725 ms.
  auto start = loop_.now();
  loop_.add_timer(start + Millis(100), [&] {
    std::this_thread::sleep_until(start + Millis(800));  // stands in for a starved process
  });
  auto outcome = run({direct()}, Millis(1000));
  EXPECT_FALSE(outcome.cut_by_deadline);
  const auto& answer = outcome.data.at(0).answers.at(0);
  EXPECT_EQ(answer.status, "timeout");
  EXPECT_EQ(host_codes(answer), (std::vector<std::string>{"DNS_TIMEOUT"}));
}

TEST_P(DnsProbeTest, GarbageReplyIsAFailureNotAnAnswer) {
  for (std::vector<std::uint8_t> garbage :
       {std::vector<std::uint8_t>{0x00}, std::vector<std::uint8_t>(7, 0xFF),
        std::vector<std::uint8_t>{0x12, 0x34, 0x81, 0x80, 0x00, 0x01, 0x00, 0x01, 0, 0, 0, 0, 0xC0,
                                  0x0C}}) {
    server_.set_handler([&](const DnsRequest&) { return DnsResponse::raw(garbage); });
    auto answer = run_one(direct());
    EXPECT_TRUE(answer.status == "timeout" || answer.status == "error") << answer.status;
    EXPECT_TRUE(answer.addresses.empty());
    auto codes = host_codes(answer);
    ASSERT_EQ(codes.size(), 1u);
    EXPECT_TRUE(codes[0] == "DNS_TIMEOUT" || codes[0] == "DNS_SERVFAIL") << codes[0];
  }
}

TEST_P(DnsProbeTest, WrongQueryIdIsIgnored) {
  server_.set_handler([](const DnsRequest& request) {
    auto response = endpoint_answer(request);
    response.keep_id = true;
    response.bytes[0] = static_cast<std::uint8_t>((request.id >> 8) ^ 0x5A);
    return response;
  });
  auto answer = run_one(direct());
  EXPECT_EQ(answer.status, "timeout");
  EXPECT_TRUE(answer.addresses.empty());
}

TEST_P(DnsProbeTest, StaleIdThenGoodReplyOnRetry) {
  int calls = 0;
  server_.set_handler([&](const DnsRequest& request) {
    auto response = endpoint_answer(request);
    if (request.type == kTypeA && calls++ == 0) {
      response.keep_id = true;
      response.bytes[1] = static_cast<std::uint8_t>(request.id + 1);
    }
    return response;
  });
  auto answer = run_one(direct());
  EXPECT_EQ(answer.status, "ok");
  EXPECT_EQ(answer.addresses.size(), 3u);
}

TEST_P(DnsProbeTest, TruncatedUdpReplyIsRetriedOverTcp) {
  // 150 A records do not fit in 512 bytes: the fake truncates over UDP, c-ares retries on TCP.
  server_.set_handler([](const DnsRequest& request) {
    auto packet = reply_to(request).set_compress();
    if (request.type == kTypeA) {
      for (int i = 0; i < 150; ++i)
        packet.add_answer(DnsRecord::a(request.name, "10.0.1." + std::to_string(i + 1)));
    }
    return DnsResponse::packet(packet);
  });
  auto answer = run_one(direct());
  EXPECT_EQ(answer.status, "ok") << answer.error;
  EXPECT_EQ(answer.addresses.size(), 150u);
  EXPECT_GE(server_.count(kName, kTypeA, true), 1u);
}

TEST_P(DnsProbeTest, DisconnectIsAFailure) {
  server_.set_handler([](const DnsRequest&) { return DnsResponse::hang_up(); });
  auto answer = run_one(direct());
  EXPECT_NE(answer.status, "ok");
  auto codes = host_codes(answer);
  ASSERT_EQ(codes.size(), 1u);
  EXPECT_TRUE(codes[0] == "DNS_TIMEOUT" || codes[0] == "DNS_SERVFAIL") << codes[0];
}

TEST_P(DnsProbeTest, CnameChainIsReported) {
  server_.set_handler([](const DnsRequest& request) {
    auto packet = reply_to(request)
                      .add_answer(DnsRecord::cname(request.name, "vpce-1.example", 300))
                      .add_answer(DnsRecord::cname("vpce-1.example", "vpce-2.example", 120));
    if (request.type == kTypeA) packet.add_answer(DnsRecord::a("vpce-2.example", "10.0.1.10", 60));
    return DnsResponse::packet(packet);
  });
  auto answer = run_one(direct());
  EXPECT_EQ(answer.status, "ok");
  EXPECT_EQ(answer.cname_chain, (std::vector<std::string>{"vpce-1.example", "vpce-2.example"}));
  EXPECT_EQ(answer.addresses, (std::vector<std::string>{"10.0.1.10"}));
  EXPECT_EQ(answer.ttl, 60u);
}

TEST_P(DnsProbeTest, CnameLoopIsAServerFailure) {
  server_.set_handler([](const DnsRequest& request) {
    return DnsResponse::packet(reply_to(request)
                                   .add_answer(DnsRecord::cname(request.name, "loop.example"))
                                   .add_answer(DnsRecord::cname("loop.example", request.name)));
  });
  auto answer = run_one(direct());
  EXPECT_EQ(answer.status, "error");
  EXPECT_EQ(host_codes(answer), (std::vector<std::string>{"DNS_SERVFAIL"}));
}

TEST_P(DnsProbeTest, OversizedNameInReplyIsRejected) {
  std::string huge;
  for (int i = 0; i < 5; ++i) huge += (i ? "." : "") + std::string(63, 'x');
  server_.set_handler([&](const DnsRequest& request) {
    return DnsResponse::packet(reply_to(request)
                                   .add_answer(DnsRecord::cname(request.name, huge))
                                   .add_answer(DnsRecord::a(huge, "10.0.1.10")));
  });
  auto answer = run_one(direct());
  EXPECT_NE(answer.status, "ok");
  EXPECT_TRUE(answer.addresses.empty());
}

TEST_P(DnsProbeTest, HostsFileAnswersBeforeDns) {
  server_.set_handler(endpoint_answer);
  options_.hosts_path = files_.write("hosts", std::string("52.94.133.131 ") + kName + "\n");
  auto answer = run_one(host());
  EXPECT_EQ(answer.status, "ok");
  EXPECT_TRUE(answer.from_hosts_file);
  EXPECT_EQ(answer.addresses, (std::vector<std::string>{"52.94.133.131"}));
  EXPECT_TRUE(server_.requests().empty());
}

TEST_P(DnsProbeTest, NsswitchDnsFirstFallsBackToHostsOnNxdomain) {
  server_.set_handler([](const DnsRequest& request) {
    return DnsResponse::packet(reply_to(request).set_rcode(3));
  });
  options_.nsswitch_path = files_.write("nsswitch.conf", "hosts: dns files\n");
  options_.hosts_path = files_.write("hosts", std::string("10.0.9.9 ") + kName + "\n");
  auto answer = run_one(host());
  EXPECT_EQ(answer.status, "ok");
  EXPECT_TRUE(answer.from_hosts_file);
  EXPECT_FALSE(server_.requests().empty());
}

TEST_P(DnsProbeTest, HostPathAppliesSearchListAndNdots) {
  server_.set_handler([](const DnsRequest& request) {
    if (request.name != kName) return DnsResponse::packet(reply_to(request).set_rcode(3));
    return endpoint_answer(request);
  });
  options_.resolv_conf_path =
      files_.write("resolv.conf", "nameserver " + server_.address() +
                                      "\nsearch corp.example\noptions ndots:5 no-aaaa\n");
  auto answer = run_one(host());
  EXPECT_EQ(answer.status, "ok");
  EXPECT_EQ(answer.addresses, (std::vector<std::string>{"10.0.1.10", "10.0.2.10"}));
  // Four dots < ndots:5: the search domain is tried first, as applications do; no-aaaa is kept.
  ASSERT_FALSE(server_.requests().empty());
  EXPECT_EQ(server_.requests().front().name, std::string(kName) + ".corp.example");
  EXPECT_EQ(server_.count(kName, kTypeAaaa, false) + server_.count(kName, kTypeAaaa, true), 0u);
}

TEST_P(DnsProbeTest, HostPathStopsAtTheFirstNameThatAnswersEvenWithAaaaNodata) {
  // A answers, AAAA has no data: getaddrinfo(AF_UNSPEC) is satisfied and never asks
  // NAME.corp.example (c-ares' own search would, one dependent round trip later).
  server_.set_handler([](const DnsRequest& request) {
    if (request.name != kName) return DnsResponse::packet(reply_to(request).set_rcode(3));
    auto packet = reply_to(request).set_aa();
    if (request.type == kTypeA) packet.add_answer(DnsRecord::a(request.name, "10.0.1.10", 60));
    return DnsResponse::packet(packet);
  });
  options_.resolv_conf_path =
      files_.write("resolv.conf", "nameserver " + server_.address() + "\nsearch corp.example\n");
  auto answer = run_one(host());
  EXPECT_EQ(answer.status, "ok");
  EXPECT_EQ(answer.addresses, (std::vector<std::string>{"10.0.1.10"}));
  for (const auto& request : server_.requests()) EXPECT_EQ(request.name, kName);
}

TEST_P(DnsProbeTest, HostPathReportsTheNamesOwnMissWhenEverySearchNameMisses) {
  server_.set_handler([](const DnsRequest& request) {
    if (request.name == kName) return DnsResponse::packet(reply_to(request).set_rcode(3));
    return DnsResponse::packet(reply_to(request).set_rcode(2));  // search names: SERVFAIL
  });
  options_.resolv_conf_path =
      files_.write("resolv.conf", "nameserver " + server_.address() + "\nsearch corp.example\n");
  auto answer = run_one(host());
  EXPECT_EQ(answer.status, "nxdomain");
  EXPECT_EQ(server_.count(std::string(kName) + ".corp.example", kTypeA, GetParam().tcp_only), 1u);
}

TEST_P(DnsProbeTest, UnusableResolverIsAnErrorAndOthersStillAnswer) {
  server_.set_handler(endpoint_answer);
  auto outcome = run({ResolverSpec{"bad", ResolverSpec::Kind::extra, "dns.example"}, direct()});
  const auto& answers = outcome.data.at(0).answers;
  EXPECT_EQ(answers.at(0).status, "error");
  EXPECT_NE(answers.at(0).error.find("not a DNS server address"), std::string::npos);
  EXPECT_EQ(answers.at(1).status, "ok");
}

// A name that waits on a silent resolver must not hold back the others: each name is handed to
// on_name as soon as its resolvers are in (a check starts that name's TLS then), the silent one
// only in the final outcome.
TEST_P(DnsProbeTest, EachAnsweredNameIsAnnouncedBeforeTheSilentOneTimesOut) {
  const Target quick{"bedrock", "bedrock.us-east-1.amazonaws.com", "bedrock"};
  server_.set_handler([](const DnsRequest& request) {
    if (request.name == kName) return DnsResponse::silence();
    return endpoint_answer(request);
  });
  ProbeContext ctx{loop_, loop_.now() + Millis(5000), log_};
  std::vector<std::pair<std::string, std::string>> announced;  // service, status
  bool done = false;
  ProbeOutcome<std::vector<NameResolution>> outcome;
  DnsProbeRequest request{{kTarget, quick}, {direct()}, options_, {}};
  request.on_name = [&](const NameResolution& resolution) {
    EXPECT_FALSE(done) << "announced after the outcome";
    ASSERT_EQ(resolution.answers.size(), 1u);
    announced.emplace_back(resolution.target.service, resolution.answers.at(0).status);
  };
  probe_dns(ctx, request, [&](auto result) {
    done = true;
    outcome = std::move(result);
  });
  EXPECT_TRUE(announced.empty()) << "announced inside probe_dns()";
  ASSERT_TRUE(loop_.run_until([&] { return done; }, loop_.now() + Millis(7000)));
  // The answered name first; the silent one, once c-ares' tries (150 + 300 ms) time out, after it.
  ASSERT_GE(announced.size(), 1u);
  EXPECT_EQ(announced.at(0), std::make_pair(std::string("bedrock"), std::string("ok")));
  if (announced.size() > 1) {
    EXPECT_EQ(announced.at(1),
              std::make_pair(std::string("bedrock-runtime"), std::string("timeout")));
  }
  ASSERT_EQ(outcome.data.size(), 2u);
  EXPECT_EQ(outcome.data.at(0).answers.at(0).status, "timeout");
  EXPECT_EQ(outcome.data.at(1).answers.at(0).status, "ok");
}

TEST_P(DnsProbeTest, ManyTargetsAndResolversAtOnceOrQueued) {
  server_.set_handler(endpoint_answer);
  auto targets = build_targets(*make_region("us-east-1", "test"), {}, false);
  ASSERT_TRUE(targets);
  // All 12 (name, resolver) pairs at once, then one at a time (a queue of 12): same answers.
  for (std::size_t in_flight : {std::size_t{48}, std::size_t{1}}) {
    options_.max_names_in_flight = in_flight;
    server_.clear_requests();
    auto outcome =
        run({host(), direct(ResolverSpec::Kind::nameserver), direct()}, Millis(5000), *targets);
    ASSERT_EQ(outcome.data.size(), 4u);
    EXPECT_FALSE(outcome.cut_by_deadline);
    for (const auto& resolution : outcome.data) {
      ASSERT_EQ(resolution.answers.size(), 3u);
      for (const auto& answer : resolution.answers) EXPECT_EQ(answer.status, "ok") << in_flight;
    }
    EXPECT_EQ(server_.requests().size() - (GetParam().tcp_only ? 24u : 0u), 24u) << in_flight;
  }
}

INSTANTIATE_TEST_SUITE_P(FamiliesAndTransports, DnsProbeTest,
                         ::testing::Values(Mode{FakeDnsServer::Family::v4, false},
                                           Mode{FakeDnsServer::Family::v4, true},
                                           Mode{FakeDnsServer::Family::v6, false},
                                           Mode{FakeDnsServer::Family::v6, true}),
                         mode_name);

TEST(DnsProbe, NoTargetsCompletesOnTheNextIteration) {
  EpollLoop loop;
  spdlog::logger log("dns-test", std::make_shared<spdlog::sinks::null_sink_mt>());
  ProbeContext ctx{loop, loop.now() + Millis(1000), log};
  int calls = 0;
  probe_dns(ctx, DnsProbeRequest{}, [&](auto outcome) {
    ++calls;
    EXPECT_TRUE(outcome.data.empty());
    EXPECT_FALSE(outcome.cut_by_deadline);
  });
  EXPECT_EQ(calls, 0);
  EXPECT_TRUE(loop.run_until([&] { return calls == 1; }, loop.now() + Millis(1000)));
}

TEST(DnsProbe, AmazonResolverAddresses) {
  EXPECT_EQ(amazon_resolver_addresses({}), (std::vector<std::string>{"169.254.169.253"}));
  EXPECT_EQ(amazon_resolver_addresses({"10.0.0.0/16", "100.64.0.0/16"}),
            (std::vector<std::string>{"169.254.169.253", "10.0.0.2"}));
  EXPECT_EQ(amazon_resolver_addresses({"172.31.0.0/16"}),
            (std::vector<std::string>{"169.254.169.253", "172.31.0.2"}));
  EXPECT_EQ(amazon_resolver_addresses({"garbage"}), (std::vector<std::string>{"169.254.169.253"}));
}

TEST(DnsProbe, DefaultResolversDeduplicateAndKeepAmazonKind) {
  auto conf = parse_resolv_conf("nameserver 10.0.0.2\nnameserver 192.168.0.53\n");
  auto specs =
      default_resolvers(conf, {"169.254.169.253", "10.0.0.2"}, {"192.168.0.53", "1.1.1.1"});
  std::vector<std::string> shown;
  for (const auto& spec : specs) shown.push_back(spec.label + "/" + to_string(spec.kind));
  EXPECT_EQ(shown,
            (std::vector<std::string>{"host/host", "10.0.0.2/amazon", "192.168.0.53/nameserver",
                                      "169.254.169.253/amazon", "1.1.1.1/extra"}));
}

}  // namespace
}  // namespace bedrock_reach

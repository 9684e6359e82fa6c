// EC2 API connections kept across the daemon's checks (issue 19, KeptConnections): each "check"
// is a fresh CurlClient on a fresh loop over one CurlShared, as in the daemon. The fake EC2
// answers late so a round's calls are in flight at once (one connection each); the connections a
// round reused are the client ports it shares with the round before.
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "aws/ec2_request.hpp"
#include "aws_fake_ec2.hpp"
#include "support/fake_http_server.hpp"

namespace bedrock_reach::test {
namespace {

constexpr int kCalls = 12;  // more than the bound below, as a check's first round can be

KeptConnections bound_of(std::size_t kept, int idle_seconds = 90) {
  return KeptConnections{kept, std::chrono::seconds(idle_seconds)};
}

struct Round {
  std::set<int> ports;  // client ports the server saw
  int failures = 0;
};

/// One check's worth of concurrent EC2 calls through a new client on `shared`.
Round run_round(const std::shared_ptr<CurlShared>& shared, FakeHttpServer& server) {
  std::size_t seen_before = server.request_count();
  EpollLoop loop;
  CurlClient http(loop, shared);
  Ec2Options options = Ec2Options::from_environment(
      env_of({{"AWS_ENDPOINT_URL_EC2", server.url()}}), *make_region("us-east-1", "test"));
  Credentials credentials = sample_credentials();
  Round round;
  int done = 0;
  for (int i = 0; i < kCalls; ++i) {
    http.start(build_ec2_request(options, credentials, "DescribeVpcs", {}, Millis(5000)),
               [&](HttpResult result) {
                 ++done;
                 if (!result || result->status != 200) ++round.failures;
               });
  }
  EXPECT_TRUE(loop.run_until([&] { return done == kCalls; }, loop.now() + Millis(10000)));
  auto requests = server.requests();
  for (std::size_t i = seen_before; i < requests.size(); ++i) {
    round.ports.insert(requests[i].remote_port);
  }
  return round;
}

std::size_t reused(const Round& earlier, const Round& later) {
  std::size_t count = 0;
  for (int port : later.ports) count += earlier.ports.count(port);
  return count;
}

/// Established TCP connections of this namespace to 127.0.0.1:`port` (the client ends).
std::size_t open_connections_to(int port) {
  std::ifstream tcp("/proc/net/tcp");
  std::string line;
  std::getline(tcp, line);  // header
  std::size_t count = 0;
  char wanted[16];
  std::snprintf(wanted, sizeof wanted, "0100007F:%04X", port);
  while (std::getline(tcp, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    if (remote == wanted && state == "01") ++count;
  }
  return count;
}

// Answers late, so a round's calls are in flight together (one connection each).
struct SlowEc2 : FakeEc2 {
  SlowEc2() { delay = std::chrono::milliseconds(150); }
};

TEST(KeptConnections, AtMostTheBoundSurviveACheckAndTheNextCheckReusesThem) {
  SlowEc2 ec2;
  FakeHttpServer server([&](const FakeRequest& r) { return ec2(r); });
  auto shared = std::make_shared<CurlShared>(bound_of(4));
  Round first = run_round(shared, server);
  EXPECT_EQ(first.failures, 0);
  EXPECT_EQ(first.ports.size(), static_cast<std::size_t>(kCalls));
  EXPECT_EQ(open_connections_to(server.port()), 4u) << "kept between checks: the bound";
  Round second = run_round(shared, server);
  EXPECT_EQ(second.failures, 0);
  EXPECT_EQ(reused(first, second), 4u);
  EXPECT_EQ(open_connections_to(server.port()), 4u);
}

TEST(KeptConnections, NoneWithoutABoundOrForOtherRequests) {
  SlowEc2 ec2;
  FakeHttpServer server([&](const FakeRequest& r) { return ec2(r); });
  auto one_shot = std::make_shared<CurlShared>();  // what a one-shot check's client makes
  Round first = run_round(one_shot, server);
  EXPECT_EQ(open_connections_to(server.port()), 0u);
  Round second = run_round(one_shot, server);
  EXPECT_EQ(reused(first, second), 0u);

  // A request without keep_across_checks (IMDS, STS, the probes) keeps nothing beyond its client.
  auto daemon = std::make_shared<CurlShared>(bound_of(4));
  {
    EpollLoop loop;
    CurlClient http(loop, daemon);
    HttpRequest plain;
    plain.url = server.url() + "/";
    bool done = false;
    http.start(plain, [&](HttpResult) { done = true; });
    EXPECT_TRUE(loop.run_until([&] { return done; }, loop.now() + Millis(5000)));
  }
  EXPECT_EQ(open_connections_to(server.port()), 0u);
}

TEST(KeptConnections, ServerClosingThemBetweenChecksFailsNoCall) {
  SlowEc2 ec2;
  auto server = std::make_unique<FakeHttpServer>([&](const FakeRequest& r) { return ec2(r); });
  int port = server->port();
  auto shared = std::make_shared<CurlShared>(bound_of(4));
  Round first = run_round(shared, *server);
  EXPECT_EQ(first.failures, 0);
  ASSERT_EQ(open_connections_to(port), 4u);
  // The endpoint closes every kept-alive connection (as an idle timeout does) and listens again.
  server.reset();
  server = std::make_unique<FakeHttpServer>([&](const FakeRequest& r) { return ec2(r); },
                                            "127.0.0.1", 32, port);
  Round second = run_round(shared, *server);
  EXPECT_EQ(second.failures, 0) << "a dead kept connection must not fail a call";
  EXPECT_EQ(second.ports.size(), static_cast<std::size_t>(kCalls));
  EXPECT_EQ(open_connections_to(port), 4u);
}

TEST(KeptConnections, RetiredOrTurnedOffTheNextCheckStartsAfresh) {
  SlowEc2 ec2;
  FakeHttpServer server([&](const FakeRequest& r) { return ec2(r); });
  auto shared = std::make_shared<CurlShared>(bound_of(4));
  Round first = run_round(shared, server);
  shared->retire_kept_connections();  // a config reload
  Round second = run_round(shared, server);
  EXPECT_EQ(reused(first, second), 0u);
  EXPECT_EQ(open_connections_to(server.port()), 4u);
  shared->set_keeping(false);  // an interval longer than max_idle
  Round third = run_round(shared, server);
  EXPECT_EQ(reused(second, third), 0u);
  EXPECT_EQ(third.failures, 0);
  EXPECT_EQ(open_connections_to(server.port()), 0u);
}

TEST(KeptConnections, IdleLongerThanTheLimitIsNotReused) {
  SlowEc2 ec2;
  FakeHttpServer server([&](const FakeRequest& r) { return ec2(r); });
  auto shared = std::make_shared<CurlShared>(bound_of(4, 1));
  Round first = run_round(shared, server);
  // Idle time is the condition under test: wait past the 1 s limit (curl counts whole seconds).
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  Round second = run_round(shared, server);
  EXPECT_EQ(second.failures, 0);
  EXPECT_EQ(reused(first, second), 0u);
  EXPECT_EQ(open_connections_to(server.port()), 4u);
}

}  // namespace
}  // namespace bedrock_reach::test

// LimitedHttpClient (bounded concurrency) and the IPv6-connectivity parser.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "http/limited_client.hpp"
#include "tls/ipv6_connectivity.hpp"

namespace bedrock_reach {
namespace {

// Records starts; the test completes them by hand.
class ManualClient final : public HttpClient {
 public:
  void start(HttpRequest request, Callback done) override {
    started.push_back(request.url);
    pending.push_back(std::move(done));
  }
  void cancel_all() override {
    auto all = std::move(pending);
    pending.clear();
    for (auto& done : all) {
      HttpFailure f;
      f.kind = ErrorKind::cancelled;
      done(tl::unexpected(f));
    }
  }
  std::size_t in_flight() const override { return pending.size(); }
  void complete_first() {
    auto done = std::move(pending.front());
    pending.erase(pending.begin());
    HttpResponse ok;
    ok.status = 200;
    done(ok);
  }
  std::vector<std::string> started;
  std::vector<Callback> pending;
};

HttpRequest request(int i) {
  HttpRequest r;
  r.url = "https://example.invalid/" + std::to_string(i);
  return r;
}

TEST(LimitedHttpClient, RunsAtMostTheLimitInFifoOrder) {
  ManualClient inner;
  LimitedHttpClient limited(inner, 3);
  int completed = 0;
  for (int i = 0; i < 10; ++i) limited.start(request(i), [&](HttpResult) { ++completed; });
  EXPECT_EQ(inner.pending.size(), 3u);
  EXPECT_EQ(limited.in_flight(), 10u);
  EXPECT_EQ(limited.queued(), 7u);
  while (!inner.pending.empty()) {
    EXPECT_LE(inner.pending.size(), 3u);
    inner.complete_first();
  }
  EXPECT_EQ(completed, 10);
  EXPECT_EQ(limited.peak_running(), 3u);
  ASSERT_EQ(inner.started.size(), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(inner.started[i], request(i).url);
}

TEST(LimitedHttpClient, CancelAllFailsQueuedAndRunning) {
  ManualClient inner;
  LimitedHttpClient limited(inner, 2);
  int cancelled = 0;
  for (int i = 0; i < 5; ++i) {
    limited.start(request(i), [&](HttpResult r) {
      if (!r && r.error().kind == ErrorKind::cancelled) ++cancelled;
    });
  }
  limited.cancel_all();
  EXPECT_EQ(cancelled, 5);
  EXPECT_EQ(limited.in_flight(), 0u);
  EXPECT_EQ(inner.started.size(), 2u);  // the queued three never reached the network
}

TEST(LimitedHttpClient, ZeroLimitMeansOne) {
  ManualClient inner;
  LimitedHttpClient limited(inner, 0);
  limited.start(request(1), [](HttpResult) {});
  limited.start(request(2), [](HttpResult) {});
  EXPECT_EQ(inner.pending.size(), 1u);
  inner.complete_first();
  EXPECT_EQ(inner.pending.size(), 1u);
  inner.complete_first();
}

// Captured from a dual-stack container (fd00::/8 ULA is global scope to the kernel).
constexpr const char* kIfInet6 =
    "00000000000000000000000000000001 01 80 10 80       lo\n"
    "fd000000000000000000000000000002 04 40 00 82     eth0\n"
    "fe8000000000000000fc00fffe000001 04 40 20 80     eth0\n";
constexpr const char* kRoutes =
    "fd000000000000000000000000000000 40 00000000000000000000000000000000 00 "
    "00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n"
    "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
    "fd000000000000000000000000000001 00000400 00000002 00000000 00000003     eth0\n"
    "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
    "00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n";
// The kernel's unreachable default on lo is present even without IPv6 connectivity.
constexpr const char* kRejectOnly =
    "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
    "00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n";

TEST(Ipv6Connectivity, ParsesKernelTables) {
  EXPECT_TRUE(parse_ipv6_connectivity(kIfInet6, kRoutes).ok());
  auto no_route = parse_ipv6_connectivity(kIfInet6, kRejectOnly);
  EXPECT_TRUE(no_route.has_global_address);
  EXPECT_FALSE(no_route.ok());
  EXPECT_EQ(no_route.reason(), "the host has no default IPv6 route");
  auto link_local_only = parse_ipv6_connectivity(
      "fe8000000000000000fc00fffe000001 04 40 20 80     eth0\n"
      "00000000000000000000000000000001 01 80 10 80       lo\n",
      kRoutes);
  EXPECT_FALSE(link_local_only.has_global_address);
  EXPECT_FALSE(link_local_only.ok());
  auto tentative =
      parse_ipv6_connectivity("20010db8000000000000000000000001 04 40 00 40 eth0\n", kRoutes);
  EXPECT_FALSE(tentative.has_global_address);
  EXPECT_FALSE(parse_ipv6_connectivity("", "").ok());
  EXPECT_FALSE(parse_ipv6_connectivity("garbage\n\n zz 1 2 3 4 5 6\n", "x y z\n").ok());
}

TEST(Ipv6Connectivity, MissingFilesMeanNoIpv6) {
  EXPECT_FALSE(host_has_ipv6_connectivity("/nonexistent/if_inet6", "/nonexistent/route"));
  std::string base = ::testing::TempDir() + "/br_tls_" + std::to_string(::getpid());
  std::ofstream(base + "_if_inet6") << kIfInet6;
  std::ofstream(base + "_ipv6_route") << kRoutes;
  EXPECT_TRUE(host_has_ipv6_connectivity(base + "_if_inet6", base + "_ipv6_route"));
  std::remove((base + "_if_inet6").c_str());
  std::remove((base + "_ipv6_route").c_str());
}

}  // namespace
}  // namespace bedrock_reach

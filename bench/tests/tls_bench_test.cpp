// Benchmark (label bench): twelve addresses whose TLS servers each delay their first flight by
// 100 ms complete in about one handshake's time, because every probe runs at once on the one
// event loop. Prints the figures; asserts only that all probes succeeded.
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>

#include "http/curl_client.hpp"
#include "http/limited_client.hpp"
#include "loop/epoll_loop.hpp"
#include "support/test_certs.hpp"
#include "support/tls_server.hpp"
#include "tls/tls_probe.hpp"

namespace bedrock_reach {
namespace {

constexpr const char* kRuntime = "bedrock-runtime.us-east-1.amazonaws.com";
constexpr int kAddresses = 12;
constexpr Millis kFirstFlightDelay{100};

TEST(TlsBench, TwelveDelayedAddressesTakeAboutOneHandshake) {
  curl_global_setup();
  {
    test::TestCa ca;
    std::vector<std::unique_ptr<test::TlsServer>> servers;
    for (int i = 0; i < kAddresses; ++i) {
      test::TlsServerOptions options;
      options.cert = ca.issue(test::LeafSpec{{kRuntime}});
      options.first_flight_delay = kFirstFlightDelay;
      servers.push_back(
          std::make_unique<test::TlsServer>(options, &test::TlsServer::aws_access_denied));
    }
    EpollLoop loop;
    CurlClient curl(loop);
    LimitedHttpClient limited(curl, 64);
    auto log =
        std::make_shared<spdlog::logger>("bench", std::make_shared<spdlog::sinks::null_sink_mt>());
    auto probe_all = [&](int count) {
      ProbeContext ctx{loop, loop.now() + Millis{10000}, *log};
      int done = 0, ok = 0;
      auto start = SteadyClock::now();
      for (int i = 0; i < count; ++i) {
        TlsProbeRequest request;
        request.service = "bedrock-runtime";
        request.hostname = kRuntime;
        request.region = "us-east-1";
        request.address = "127.0.0.1";
        request.port = servers[static_cast<std::size_t>(i)]->port();
        request.ca_bundle = ca.bundle_path();
        probe_tls(ctx, limited, request, [&](ProbeOutcome<TlsResult> out) {
          ++done;
          ok += out.data.ok ? 1 : 0;
        });
      }
      loop.run_until([&] { return done == count; }, loop.now() + Millis{15000});
      EXPECT_EQ(ok, count);
      return std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
    };
    double one = probe_all(1);
    double twelve = probe_all(kAddresses);
    std::printf(
        "[bench] TLS probes with a %lld ms first-flight delay: 1 address %.1f ms, %d addresses "
        "%.1f ms (ratio %.2f; sequential would be ~%.0f ms); peak concurrent exchanges %zu\n",
        static_cast<long long>(kFirstFlightDelay.count()), one, kAddresses, twelve, twelve / one,
        one * kAddresses, limited.peak_running());
    RecordProperty("one_address_ms", std::to_string(one));
    RecordProperty("twelve_addresses_ms", std::to_string(twelve));
  }
  curl_global_teardown();
}

}  // namespace
}  // namespace bedrock_reach

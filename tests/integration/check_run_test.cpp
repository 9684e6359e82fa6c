// A whole check in process, without root: CheckRun on one EpollLoop and a CurlClient against the
// loopback fakes — IMDS (FakeImds), the EC2 Query API (FakeEc2, the validated samples), a DNS
// server for the host path and the "Amazon resolver", and a SigV4-verifying Bedrock fake behind
// TLS. Every address is on loopback, so the verdict on the address itself is not the subject (a
// loopback answer is no endpoint ENI); the wiring is: which probes ran, in which order of
// dependency, what each handed to the next, and that one deadline bounds it all.
#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/null_sink.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "aws_fake_ec2.hpp"
#include "aws_fake_imds.hpp"
#include "aws_test_rig.hpp"
#include "check/check_run.hpp"
#include "http/curl_client.hpp"
#include "loop/epoll_loop.hpp"
#include "support/bedrock_fake.hpp"
#include "support/dns_packet.hpp"
#include "support/fake_dns_server.hpp"
#include "support/fake_http_server.hpp"
#include "support/test_certs.hpp"
#include "support/tls_server.hpp"

namespace bedrock_reach::test {
namespace {

[[maybe_unused]] const auto* const kCurl = ::testing::AddGlobalTestEnvironment(new CurlGlobal);

constexpr const char* kRuntimeHost = "bedrock-runtime.us-east-1.amazonaws.com";
// FakeImds's role credentials.
constexpr const char* kAccessKey = "ASIAIOSFODNN7EXAMPLE";
constexpr const char* kSecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr const char* kSessionToken = "session-token-example";

class CheckRunTest : public ::testing::Test {
 protected:
  CheckRunTest()
      : dns_(loop_, testing::FakeDnsServer::Family::v4),
        imds_server_(std::ref(imds_)),
        ec2_server_(std::cref(ec2_)) {
    dns_.set_handler([this](const testing::DnsRequest& request) {
      ++dns_queries_;
      auto packet = testing::reply_to(request).set_aa();
      if (request.name == kRuntimeHost && request.type == testing::kTypeA)
        packet.add_answer(testing::DnsRecord::a(request.name, "127.0.0.1", 60));
      return testing::DnsResponse::packet(packet);  // AAAA: NOERROR, no data
    });
    dir_ = ::testing::TempDir() + "/br_check_run_" + std::to_string(::getpid());
    std::filesystem::create_directories(dir_);
    write(dir_ + "/resolv.conf", "nameserver 127.0.0.1\n");
    write(dir_ + "/hosts", "127.0.0.1 localhost\n");
    write(dir_ + "/nsswitch.conf", "hosts: files dns\n");
  }

  static void write(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
  }

  static BedrockFakeOptions fake_options(BedrockBehavior behavior = BedrockBehavior::allow) {
    BedrockFakeOptions options;
    options.access_key_id = kAccessKey;
    options.secret_access_key = kSecretKey;
    options.session_token = kSessionToken;
    options.behavior = behavior;
    return options;
  }

  std::unique_ptr<TlsServer> bedrock(BedrockBehavior behavior = BedrockBehavior::allow) {
    BedrockFakeOptions options = fake_options(behavior);
    TlsServerOptions server;
    server.cert = ca_.issue(LeafSpec{{kRuntimeHost}});
    return std::make_unique<TlsServer>(server, bedrock_fake(options));
  }

  CheckRequest request_for(const TlsServer& tls, int timeout_ms = 8000) {
    CheckRequest request;
    request.config.services = {"bedrock-runtime"};
    request.config.timeout_ms = timeout_ms;
    request.config.use_proxy = false;
    request.environment = env_of({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds_server_.url()},
                                  {"AWS_ENDPOINT_URL_EC2", ec2_server_.url()},
                                  {"AWS_CA_BUNDLE", ca_.bundle_path()},
                                  {"AWS_CONFIG_FILE", "/dev/null"},
                                  {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"}});
    request.resolv_conf_path = dir_ + "/resolv.conf";
    request.hosts_path = dir_ + "/hosts";
    request.nsswitch_path = dir_ + "/nsswitch.conf";
    request.dns_port = static_cast<std::uint16_t>(dns_.port());
    request.amazon_resolvers = {"127.0.0.1:" + std::to_string(dns_.port())};
    request.amazon_resolver_at_vpc_base = false;  // 10.0.0.2 is not ours to ask
    request.tls_port = tls.port();
    return request;
  }

  Report run(const CheckRequest& request) {
    CheckRun check(request, loop_, curl_, *log_);
    return check.run();
  }

  static const Finding* find(const Report& report, const std::string& code) {
    for (const auto& f : report.findings) {
      if (f.code == code) return &f;
    }
    return nullptr;
  }

  EpollLoop loop_;
  CurlClient curl_{loop_};
  std::shared_ptr<spdlog::logger> log_ = std::make_shared<spdlog::logger>(
      "check-test", std::make_shared<spdlog::sinks::null_sink_mt>());
  TestCa ca_;
  testing::FakeDnsServer dns_;
  int dns_queries_ = 0;
  FakeImds imds_;
  FakeEc2 ec2_;
  FakeHttpServer imds_server_;
  FakeHttpServer ec2_server_;
  std::string dir_;
};

TEST_F(CheckRunTest, EveryProbeRunsAndFeedsTheNext) {
  auto tls = bedrock();
  Report report = run(request_for(*tls));

  // IMDS named the Region and the instance; discovery read the VPC through the EC2 API.
  EXPECT_EQ(report.region, "us-east-1");
  EXPECT_EQ(report.region_source, "imds");
  ASSERT_TRUE(report.instance);
  EXPECT_EQ(report.instance->id, "i-0123456789abcdef0");
  EXPECT_EQ(report.evidence, "api");
  EXPECT_GT(imds_.tokens_issued.load(), 0);
  // DNS asked the host path and the "Amazon resolver"; TLS probed the answer with the service
  // name, then made the signed call with the instance role's credentials.
  EXPECT_GT(dns_queries_, 0);
  ASSERT_EQ(report.services.size(), 1u);
  const ServiceResult& service = report.services.front();
  EXPECT_EQ(service.hostname, kRuntimeHost);
  ASSERT_EQ(service.addresses.size(), 1u);
  const AddressResult& address = service.addresses.front();
  EXPECT_EQ(address.ip, "127.0.0.1");
  EXPECT_NE(std::find(address.resolvers.begin(), address.resolvers.end(), "host"),
            address.resolvers.end());
  ASSERT_TRUE(address.tls);
  EXPECT_TRUE(address.tls->ok) << address.tls->detail;
  EXPECT_EQ(address.tls->signed_call, "allowed") << address.tls->signed_skipped_reason;
  EXPECT_EQ(address.tls->signed_operation, "InvokeModel");
  auto seen = tls->requests();
  ASSERT_EQ(seen.size(), 2u);  // the unsigned probe, then the signed call
  EXPECT_TRUE(verify_sigv4(seen[1], fake_options()).error.empty());
  // Nothing ran out of time, and every phase reported its time.
  EXPECT_EQ(find(report, "CHECK_DEADLINE"), nullptr);
  EXPECT_FALSE(report.timings.empty());
}

TEST_F(CheckRunTest, AnEndpointPolicyDenyReachesTheVerdictAsItsCause) {
  auto tls = bedrock(BedrockBehavior::deny_policy_explicit);
  Report report = run(request_for(*tls));
  const Finding* denied = find(report, "SIGNED_CALL_DENIED_POLICY");
  ASSERT_NE(denied, nullptr);
  EXPECT_EQ(denied->service, "bedrock-runtime");
  EXPECT_EQ(denied->address, "127.0.0.1");
  EXPECT_EQ(report.status, Severity::critical);
}

TEST_F(CheckRunTest, ASlowEc2ApiEndsDiscoveryInsideTheDeadlineNotTheCheck) {
  ec2_.delay = std::chrono::milliseconds(5000);
  auto tls = bedrock();
  Report report = run(request_for(*tls, 1500));
  EXPECT_NE(find(report, "API_UNREACHABLE"), nullptr);
  EXPECT_EQ(find(report, "CHECK_DEADLINE"), nullptr);
  EXPECT_NE(report.evidence, "api");
  // The data path is still judged: TLS to the answer completed.
  ASSERT_EQ(report.services.size(), 1u);
  ASSERT_EQ(report.services.front().addresses.size(), 1u);
  ASSERT_TRUE(report.services.front().addresses.front().tls);
  EXPECT_TRUE(report.services.front().addresses.front().tls->ok);
}

TEST_F(CheckRunTest, ARegionFromSettingsStartsDnsWithoutWaitingForImds) {
  imds_.token_status = 403;  // IMDS refuses: no instance, no credentials
  imds_.v2_required = true;
  auto tls = bedrock();
  CheckRequest request = request_for(*tls);
  request.region = *make_region("us-east-1", "flag");
  Report report = run(request);
  EXPECT_EQ(report.region_source, "flag");
  EXPECT_EQ(report.evidence, "none");
  EXPECT_NE(find(report, "NO_CREDENTIALS"), nullptr);
  ASSERT_EQ(report.services.size(), 1u);
  ASSERT_EQ(report.services.front().addresses.size(), 1u);
  const auto& tls_result = report.services.front().addresses.front().tls;
  ASSERT_TRUE(tls_result);
  EXPECT_TRUE(tls_result->ok) << tls_result->detail;
  EXPECT_EQ(tls_result->signed_call, "");  // no credentials: no signed call
}

}  // namespace
}  // namespace bedrock_reach::test

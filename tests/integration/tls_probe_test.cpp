// probe_tls end to end on loopback: the real CurlClient on an EpollLoop against in-process TLS
// servers with certificates generated here, a CONNECT proxy and a SigV4-verifying Bedrock fake.
// The service name is pinned to 127.0.0.1 / ::1 (pin_address); nothing is ever resolved.
#include "tls/tls_probe.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <optional>

#include "http/curl_client.hpp"
#include "http/limited_client.hpp"
#include "loop/epoll_loop.hpp"
#include "support/bedrock_fake.hpp"
#include "support/connect_proxy.hpp"
#include "support/test_certs.hpp"
#include "support/tls_server.hpp"

namespace bedrock_reach {
namespace {

using test::BedrockBehavior;
using test::BedrockFakeOptions;
using test::ConnectProxy;
using test::LeafSpec;
using test::TestCa;
using test::TlsServer;
using test::TlsServerMode;
using test::TlsServerOptions;

constexpr const char* kRuntime = "bedrock-runtime.us-east-1.amazonaws.com";
constexpr const char* kControl = "bedrock.us-east-1.amazonaws.com";
constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr const char* kToken = "IQoJb3JpZ2luX2VjEXAMPLETOKENvalue0123456789";

bool has_code(const ProbeOutcome<TlsResult>& output, const std::string& code) {
  return std::any_of(output.findings.begin(), output.findings.end(),
                     [&](const Finding& f) { return f.code == code; });
}

std::string codes(const ProbeOutcome<TlsResult>& output) {
  std::string out;
  for (const auto& f : output.findings) out += f.code + " (" + f.message + "); ";
  return out;
}

class TlsProbeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    curl_global_setup();
    ca_ = new TestCa();
  }
  static void TearDownTestSuite() {
    delete ca_;
    curl_global_teardown();
  }

  static TestCa& ca() { return *ca_; }

  static test::TestCert cert_for(std::vector<std::string> names, long long from = -3600,
                                 long long until = 90 * 86400, bool self_signed = false) {
    return ca().issue(LeafSpec{std::move(names), from, until, self_signed});
  }
  static test::TestCert runtime_cert() {
    return cert_for({kRuntime, "*.bedrock-runtime.us-east-1.vpce.amazonaws.com"});
  }

  std::unique_ptr<TlsServer> server(test::TestCert cert, TlsServerMode mode = TlsServerMode::normal,
                                    TlsServer::Handler handler = &TlsServer::aws_access_denied,
                                    std::string bind = "127.0.0.1") {
    TlsServerOptions options;
    options.cert = std::move(cert);
    options.mode = mode;
    options.bind_address = std::move(bind);
    return std::make_unique<TlsServer>(std::move(options), std::move(handler));
  }

  TlsProbeRequest request_for(const TlsServer& target, std::string service = "bedrock-runtime",
                              std::string hostname = kRuntime) {
    TlsProbeRequest request;
    request.service = std::move(service);
    request.hostname = std::move(hostname);
    request.signing_name = "bedrock";
    request.region = "us-east-1";
    request.address = "127.0.0.1";
    request.port = target.port();
    request.ca_bundle = ca().bundle_path();
    request.connect_timeout = Millis{2000};
    request.total_timeout = Millis{4000};
    return request;
  }

  ProbeOutcome<TlsResult> run(const TlsProbeRequest& request, HttpClient* client = nullptr,
                              Millis budget = Millis{8000}, EventLoop* probe_loop = nullptr) {
    ProbeContext ctx{probe_loop != nullptr ? *probe_loop : loop_, loop_.now() + budget, *log_};
    std::optional<ProbeOutcome<TlsResult>> output;
    probe_tls(ctx, client != nullptr ? *client : curl_, request,
              [&](ProbeOutcome<TlsResult> o) { output = std::move(o); });
    EXPECT_FALSE(output.has_value()) << "done must not run inside probe_tls";
    loop_.run_until([&] { return output.has_value(); }, loop_.now() + budget + Millis{2000});
    EXPECT_TRUE(output.has_value());
    return output.value_or(ProbeOutcome<TlsResult>{});
  }

  Credentials credentials(std::string secret = kSecret, std::string token = "") {
    Credentials c;
    c.access_key_id = "AKIDEXAMPLE";
    c.secret_access_key = Secret(std::move(secret));
    c.session_token = Secret(std::move(token));
    c.source = "environment";
    return c;
  }
  /// bedrock-runtime behind the SigV4-verifying fake (secret kSecret), probed with `creds`.
  struct SignedRun {
    std::unique_ptr<TlsServer> fake;
    ProbeOutcome<TlsResult> out;
  };
  SignedRun run_signed(BedrockBehavior behavior, Credentials creds, bool signed_call = true) {
    BedrockFakeOptions options;
    options.secret_access_key = kSecret;
    options.behavior = behavior;
    SignedRun result;
    result.fake = server(runtime_cert(), TlsServerMode::normal, test::bedrock_fake(options));
    auto request = request_for(*result.fake);
    request.credentials = &creds;
    request.signed_call = signed_call;
    result.out = run(request);
    return result;
  }

  EpollLoop loop_;
  CurlClient curl_{loop_};
  std::shared_ptr<spdlog::logger> log_ =
      std::make_shared<spdlog::logger>("tls-test", std::make_shared<spdlog::sinks::null_sink_mt>());

 private:
  static TestCa* ca_;
};

TestCa* TlsProbeTest::ca_ = nullptr;

TEST_F(TlsProbeTest, ValidCertificateAndAwsShapedReply) {
  auto fake = server(runtime_cert());
  auto out = run(request_for(*fake));
  const TlsResult& r = out.data;
  EXPECT_TRUE(r.ok) << r.error << " " << r.detail;
  EXPECT_TRUE(out.findings.empty()) << codes(out);
  EXPECT_EQ(r.version, "TLSv1.3");
  EXPECT_FALSE(r.cipher.empty());
  EXPECT_NE(r.subject.find(kRuntime), std::string::npos) << r.subject;
  EXPECT_NE(r.issuer.find("bedrock-reach test CA"), std::string::npos) << r.issuer;
  EXPECT_EQ(r.sans.size(), 2u);
  ASSERT_TRUE(r.cert_days_left);
  EXPECT_GE(*r.cert_days_left, 88);
  EXPECT_LE(*r.cert_days_left, 90);
  EXPECT_EQ(r.http_status, 403);
  EXPECT_EQ(r.aws_error_type, "AccessDeniedException");
  EXPECT_FALSE(r.aws_request_id.empty());
  EXPECT_GT(r.connect_ms, 0);
  EXPECT_GE(r.handshake_ms, r.connect_ms);
  EXPECT_GE(r.first_byte_ms, r.handshake_ms);
  EXPECT_EQ(r.signed_skipped_reason, "no credentials");
  EXPECT_FALSE(r.via_proxy);
  auto seen = fake->requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].sni, kRuntime);  // SNI and Host are the service name, not the address
  ASSERT_NE(seen[0].header("host"), nullptr);
  EXPECT_EQ(*seen[0].header("host"), std::string(kRuntime) + ":" + std::to_string(fake->port()));
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].target, "/model/bedrock-reach-probe-nonexistent/invoke");
}

TEST_F(TlsProbeTest, VpceWildcardNameIsValid) {
  auto fake = server(runtime_cert());
  auto out = run(request_for(*fake, "bedrock-runtime",
                             "vpce-0abc-k4l5m6n7.bedrock-runtime.us-east-1.vpce.amazonaws.com"));
  EXPECT_TRUE(out.data.ok) << out.data.detail;
}

TEST_F(TlsProbeTest, ExpiredCertificate) {
  auto fake = server(cert_for({kRuntime}, -30 * 86400, -2 * 86400));
  auto out = run(request_for(*fake));
  EXPECT_FALSE(out.data.ok);
  EXPECT_EQ(out.data.error, "TLS_CERT_EXPIRED");
  EXPECT_TRUE(has_code(out, "TLS_CERT_EXPIRED")) << codes(out);
  // The verify callback kept the certificate although verification failed.
  ASSERT_TRUE(out.data.cert_days_left);
  EXPECT_LT(*out.data.cert_days_left, 0);
  EXPECT_NE(out.data.subject.find(kRuntime), std::string::npos);
  EXPECT_TRUE(fake->requests().empty());
}

TEST_F(TlsProbeTest, ExpiringCertificateWarns) {
  auto fake = server(cert_for({kRuntime}, -86400, 5 * 86400 + 600));
  auto out = run(request_for(*fake));
  EXPECT_TRUE(out.data.ok);
  ASSERT_EQ(out.findings.size(), 1u) << codes(out);
  EXPECT_EQ(out.findings[0].code, "TLS_CERT_EXPIRING");
  EXPECT_EQ(out.findings[0].severity, Severity::warning);
  EXPECT_EQ(out.findings[0].address, "127.0.0.1");
  EXPECT_EQ(out.findings[0].service, "bedrock-runtime");
  auto relaxed = request_for(*fake);
  relaxed.cert_expiry_warning_days = 3;
  EXPECT_TRUE(run(relaxed).findings.empty());
}

TEST_F(TlsProbeTest, WrongNameCertificate) {
  auto fake = server(cert_for({"www.example.com"}));
  auto out = run(request_for(*fake));
  EXPECT_EQ(out.data.error, "TLS_CERT_NAME_MISMATCH") << out.data.detail;
  EXPECT_TRUE(has_code(out, "TLS_CERT_NAME_MISMATCH"));
  ASSERT_EQ(out.data.sans.size(), 1u);
  EXPECT_EQ(out.data.sans[0], "www.example.com");
}

TEST_F(TlsProbeTest, SelfSignedCertificate) {
  auto fake = server(cert_for({kRuntime}, -3600, 86400 * 90, /*self_signed=*/true));
  auto out = run(request_for(*fake));
  EXPECT_EQ(out.data.error, "TLS_CERT_UNTRUSTED") << out.data.detail;
  EXPECT_NE(out.data.issuer.find(kRuntime), std::string::npos);
}

TEST_F(TlsProbeTest, CertificateFromAnotherCa) {
  // An intercepting middlebox: its own CA, not in the bundle.
  TestCa other("Corp TLS Inspection CA");
  auto fake = server(other.issue(LeafSpec{{kRuntime}}));
  auto out = run(request_for(*fake));
  EXPECT_EQ(out.data.error, "TLS_CERT_UNTRUSTED") << out.data.detail;
  EXPECT_NE(out.data.issuer.find("Corp TLS Inspection CA"), std::string::npos);
}

TEST_F(TlsProbeTest, ForgedIssuerWithTheSameName) {
  // Same CA name, different key: the signature check fails inside the handshake.
  TestCa impostor;
  auto fake = server(impostor.issue(LeafSpec{{kRuntime}}));
  auto out = run(request_for(*fake));
  EXPECT_EQ(out.data.error, "TLS_CERT_UNTRUSTED") << out.data.detail;
}

TEST_F(TlsProbeTest, Tls11OnlyServer) {
  auto fake = server(runtime_cert(), TlsServerMode::tls11_only);
  auto out = run(request_for(*fake));
  EXPECT_EQ(out.data.error, "TLS_PROTOCOL_OLD") << out.data.detail;
  EXPECT_TRUE(has_code(out, "TLS_PROTOCOL_OLD"));
  // Nothing at TLS 1.2+: no SDK connects, so this is critical, not the catalog's warning.
  for (const auto& finding : out.findings) {
    if (finding.code == "TLS_PROTOCOL_OLD") {
      EXPECT_EQ(finding.severity, Severity::critical);
    }
  }
}

TEST_F(TlsProbeTest, StalledHandshake) {
  auto fake = server(runtime_cert(), TlsServerMode::stall_handshake);
  auto request = request_for(*fake);
  request.connect_timeout = Millis{300};
  auto out = run(request);
  EXPECT_EQ(out.data.error, "TLS_HANDSHAKE_FAILED") << out.data.detail;
  EXPECT_FALSE(out.cut_by_deadline);
  EXPECT_NE(out.data.detail.find("SSL connection timeout"), std::string::npos);
}

// The probe's view of the loop with a scripted CPU wait: `step` more at every reading, as when
// the host keeps the agent's thread off the CPU. I/O still runs on the fixture's real loop.
class StarvedLoop final : public EventLoop {
 public:
  StarvedLoop(EventLoop& inner, Millis step) : inner_(inner), step_(step) {}
  void watch(int fd, bool r, bool w, FdCallback cb) override {
    inner_.watch(fd, r, w, std::move(cb));
  }
  void unwatch(int fd) override { inner_.unwatch(fd); }
  TimerId add_timer(TimePoint at, std::function<void()> cb) override {
    return inner_.add_timer(at, std::move(cb));
  }
  void cancel_timer(TimerId id) override { inner_.cancel_timer(id); }
  void post(std::function<void()> cb) override { inner_.post(std::move(cb)); }
  bool run_until(const std::function<bool()>& done, TimePoint deadline) override {
    return inner_.run_until(done, deadline);
  }
  TimePoint now() const override { return inner_.now(); }
  std::optional<Millis> cpu_wait() const override { return waited_ += step_; }

 private:
  EventLoop& inner_;
  Millis step_;
  mutable Millis waited_{0};
};

// A real stall on a starved host stays the endpoint's: the server never sent its flight, so the
// loop's CPU wait (the other probes' work) does not explain the timeout.
TEST_F(TlsProbeTest, AStallIsTheEndpointsEvenWhileTheHostStarvesTheAgent) {
  auto fake = server(runtime_cert(), TlsServerMode::stall_handshake);
  auto request = request_for(*fake);
  request.connect_timeout = Millis{300};
  StarvedLoop starved(loop_, Millis{200});  // 200 ms of the 300 ms spent waiting for a CPU
  auto out = run(request, nullptr, Millis{8000}, &starved);
  EXPECT_EQ(out.data.error, "TLS_HANDSHAKE_FAILED") << out.data.detail;
  EXPECT_FALSE(has_code(out, "HOST_CPU_STARVED"));
}

// What curl reports when the server's TLS 1.3 flight (certificate included) had arrived and the
// connect timeout still fired: only the agent's own work was left.
class TimeoutAfterServerFlight final : public HttpClient {
 public:
  TimeoutAfterServerFlight(EventLoop& loop, std::string version)
      : loop_(loop), version_(std::move(version)) {}
  void start(HttpRequest, Callback done) override {
    loop_.post([done = std::move(done), version = version_] {
      HttpFailure failure;
      failure.kind = ErrorKind::timeout;
      failure.message = "SSL connection timeout";
      failure.connected = true;
      failure.tls_version = version;
      failure.leaf = CertDetails{"/CN=" + std::string(kRuntime), "/CN=test CA", {kRuntime}, 0, 0};
      done(tl::unexpected(failure));
    });
  }
  void cancel_all() override {}
  std::size_t in_flight() const override { return 0; }

 private:
  EventLoop& loop_;
  std::string version_;
};

TEST_F(TlsProbeTest, AHandshakeTheServerFinishedButTheStarvedAgentDidNotIsNotTheEndpoints) {
  auto fake = server(runtime_cert());
  auto request = request_for(*fake);
  TimeoutAfterServerFlight tls13(loop_, "TLSv1.3");
  StarvedLoop starved(loop_, Millis{600});  // 600 ms of the 2,000 ms allowed
  auto out = run(request, &tls13, Millis{8000}, &starved);
  EXPECT_EQ(out.data.error, "HOST_CPU_STARVED") << out.data.detail;
  ASSERT_TRUE(has_code(out, "HOST_CPU_STARVED"));
  EXPECT_FALSE(has_code(out, "TLS_HANDSHAKE_FAILED"));
  EXPECT_EQ(out.findings.front().severity, Severity::warning);
  std::string evidence;
  for (const auto& e : out.findings.front().evidence) evidence += e + "\n";
  EXPECT_NE(evidence.find("waited 600 ms for a CPU between connecting and its 2000 ms timeout"),
            std::string::npos)
      << evidence;
  EXPECT_NE(evidence.find("TLS_HANDSHAKE_FAILED would have been reported"), std::string::npos);

  StarvedLoop idle(loop_, Millis{0});  // not starved: the handshake's timeout is the endpoint's
  EXPECT_EQ(run(request, &tls13, Millis{8000}, &idle).data.error, "TLS_HANDSHAKE_FAILED");
  TimeoutAfterServerFlight tls12(loop_, "TLSv1.2");  // a round trip was still owed by the server
  StarvedLoop starved12(loop_, Millis{600});
  EXPECT_EQ(run(request, &tls12, Millis{8000}, &starved12).data.error, "TLS_HANDSHAKE_FAILED");
}

TEST_F(TlsProbeTest, ResetAfterClientHello) {
  auto fake = server(runtime_cert(), TlsServerMode::reset_after_client_hello);
  auto out = run(request_for(*fake));
  EXPECT_EQ(out.data.error, "TLS_HANDSHAKE_FAILED") << out.data.detail;
  EXPECT_TRUE(has_code(out, "TLS_HANDSHAKE_FAILED"));
}

TEST_F(TlsProbeTest, ConnectionRefused) {
  // A bound but not listening socket: the kernel answers SYN with RST; kept open so the port
  // cannot be reused meanwhile.
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), length), 0);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  auto fake = server(runtime_cert());
  auto request = request_for(*fake);
  request.port = ntohs(address.sin_port);
  auto out = run(request);
  ::close(fd);
  EXPECT_EQ(out.data.error, "TLS_CONNECT_REFUSED") << out.data.detail;
  EXPECT_EQ(out.findings.size(), 1u);
}

TEST_F(TlsProbeTest, NotAwsReply) {
  auto fake = server(runtime_cert(), TlsServerMode::normal, [](const test::TestHttpRequest&) {
    return test::TestHttpResponse{200, {{"Server", "nginx"}}, "<html>hello</html>"};
  });
  auto out = run(request_for(*fake));
  EXPECT_FALSE(out.data.ok);
  EXPECT_EQ(out.data.error, "HTTP_NOT_AWS");
  EXPECT_EQ(out.data.http_status, 200);
  EXPECT_TRUE(has_code(out, "HTTP_NOT_AWS"));
}

TEST_F(TlsProbeTest, Ipv6Loopback) {
  std::unique_ptr<TlsServer> fake;
  try {
    fake = server(runtime_cert(), TlsServerMode::normal, &TlsServer::aws_access_denied, "::1");
  } catch (const std::exception&) {
    GTEST_SKIP() << "no ::1 on this host";
  }
  auto request = request_for(*fake);
  request.address = "::1";
  auto out = run(request);
  EXPECT_TRUE(out.data.ok) << out.data.detail;
}

TEST_F(TlsProbeTest, DeadlineAlreadyPassed) {
  auto fake = server(runtime_cert());
  auto out = run(request_for(*fake), nullptr, Millis{0});
  EXPECT_TRUE(out.cut_by_deadline);
  EXPECT_TRUE(out.findings.empty());
  EXPECT_EQ(out.data.error, "CHECK_DEADLINE");
}

TEST_F(TlsProbeTest, DeadlineCutsStalledHandshake) {
  auto fake = server(runtime_cert(), TlsServerMode::stall_handshake);
  auto out = run(request_for(*fake), nullptr, Millis{250});
  EXPECT_TRUE(out.cut_by_deadline);
  EXPECT_TRUE(out.findings.empty()) << codes(out);
}

// ---- signed calls against the SigV4-verifying fake ----

TEST_F(TlsProbeTest, SignedRuntimeCallAllowed) {
  auto [fake, out] = run_signed(BedrockBehavior::allow, credentials());
  BedrockFakeOptions options;
  options.secret_access_key = kSecret;
  EXPECT_TRUE(out.data.ok) << out.data.detail;
  EXPECT_EQ(out.data.signed_call, "allowed") << codes(out);
  EXPECT_EQ(out.data.signed_status, 400);
  EXPECT_EQ(out.data.signed_error_type, "ValidationException");
  EXPECT_EQ(out.data.signed_operation, "InvokeModel");
  EXPECT_TRUE(out.findings.empty()) << codes(out);
  auto seen = fake->requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].header("authorization"), nullptr);
  ASSERT_NE(seen[1].header("authorization"), nullptr);
  EXPECT_EQ(seen[1].body, "{}");
  EXPECT_EQ(*seen[1].header("content-type"), "application/json");
  EXPECT_TRUE(test::verify_sigv4(seen[1], options).error.empty());
}

TEST_F(TlsProbeTest, SignedControlPlaneListFoundationModelsWithSessionToken) {
  BedrockFakeOptions options;
  options.secret_access_key = kSecret;
  options.session_token = kToken;
  auto fake = server(cert_for({kControl}), TlsServerMode::normal, test::bedrock_fake(options));
  auto creds = credentials(kSecret, kToken);
  auto request = request_for(*fake, "bedrock", kControl);
  request.credentials = &creds;
  auto out = run(request);
  EXPECT_EQ(out.data.signed_call, "allowed") << codes(out);
  EXPECT_EQ(out.data.signed_status, 200);
  EXPECT_EQ(fake->requests().at(1).target, "/foundation-models");
}

TEST_F(TlsProbeTest, SignedCallDeniedByEndpointPolicy) {
  for (auto behavior :
       {BedrockBehavior::deny_policy_explicit, BedrockBehavior::deny_policy_implicit}) {
    auto [fake, out] = run_signed(behavior, credentials());
    EXPECT_TRUE(out.data.ok);  // the network is fine
    EXPECT_EQ(out.data.signed_call, "denied-policy");
    ASSERT_EQ(out.findings.size(), 1u) << codes(out);
    EXPECT_EQ(out.findings[0].code, "SIGNED_CALL_DENIED_POLICY");
    EXPECT_EQ(out.findings[0].severity, Severity::critical);
  }
}

TEST_F(TlsProbeTest, SignedCallDeniedByIam) {
  auto [fake, out] = run_signed(BedrockBehavior::deny_iam, credentials());
  EXPECT_EQ(out.data.signed_call, "denied-iam");
  ASSERT_EQ(out.findings.size(), 1u) << codes(out);
  EXPECT_EQ(out.findings[0].code, "SIGNED_CALL_DENIED_IAM");
}

TEST_F(TlsProbeTest, WrongSecretIsCredentialsInvalidAndNeverLeaks) {
  const std::string wrong_secret = "notTheRightSecretKeyButLongEnough0123456789";
  auto [fake, out] = run_signed(BedrockBehavior::allow, credentials(wrong_secret, kToken));
  EXPECT_EQ(out.data.signed_call, "credentials-invalid");
  ASSERT_EQ(out.findings.size(), 1u) << codes(out);
  EXPECT_EQ(out.findings[0].code, "CREDENTIALS_INVALID");
  for (const auto& f : out.findings) {
    for (const std::string& text : [&] {
           auto all = f.evidence;
           all.push_back(f.message);
           return all;
         }()) {
      EXPECT_EQ(text.find(wrong_secret), std::string::npos);
      EXPECT_EQ(text.find(kToken), std::string::npos);
    }
  }
}

TEST_F(TlsProbeTest, NoSignedFlagSkipsTheSignedCall) {
  auto [fake, out] = run_signed(BedrockBehavior::allow, credentials(), /*signed_call=*/false);
  EXPECT_EQ(out.data.signed_call, "");
  EXPECT_NE(out.data.signed_skipped_reason.find("--no-signed"), std::string::npos);
  EXPECT_EQ(fake->requests().size(), 1u);
}

TEST_F(TlsProbeTest, AgentServicesUseHarmlessCalls) {
  BedrockFakeOptions options;
  options.secret_access_key = kSecret;
  for (auto [service, method, path] :
       {std::tuple{"bedrock-agent", "POST", "/agents/"},
        std::tuple{"bedrock-agent-runtime", "POST", "/knowledgebases/BRPROBE000/retrieve"}}) {
    std::string host = std::string(service) + ".us-east-1.amazonaws.com";
    auto fake = server(cert_for({host}), TlsServerMode::normal, test::bedrock_fake(options));
    auto creds = credentials();
    auto request = request_for(*fake, service, host);
    request.credentials = &creds;
    auto out = run(request);
    EXPECT_EQ(out.data.signed_call, "allowed") << service << " " << codes(out);
    auto seen = fake->requests();
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[1].method, method);
    EXPECT_EQ(seen[1].target, path);
  }
}

// ---- proxies ----

TEST_F(TlsProbeTest, ThroughConnectProxyPinnedToTheAddress) {
  auto fake = server(runtime_cert());
  ConnectProxy proxy;
  auto request = request_for(*fake);
  request.proxy_url = proxy.url();
  auto out = run(request);
  EXPECT_TRUE(out.data.ok) << out.data.detail;
  EXPECT_TRUE(out.data.via_proxy);
  ASSERT_EQ(proxy.targets().size(), 1u);
  EXPECT_EQ(proxy.targets()[0], "127.0.0.1:" + std::to_string(fake->port()));
  EXPECT_EQ(fake->requests().at(0).sni, kRuntime);
}

TEST_F(TlsProbeTest, ThroughConnectProxyAsTheApplication) {
  auto fake = server(runtime_cert());
  ConnectProxy proxy;
  proxy.map_host(kRuntime, "127.0.0.1");  // the proxy resolves; the agent does not
  auto request = request_for(*fake);
  request.address.clear();
  request.proxy_url = proxy.url();
  auto out = run(request);
  EXPECT_TRUE(out.data.ok) << out.data.detail;
  ASSERT_EQ(proxy.targets().size(), 1u);
  EXPECT_EQ(proxy.targets()[0], std::string(kRuntime) + ":" + std::to_string(fake->port()));
}

TEST_F(TlsProbeTest, ProxyRefusesTheTunnel) {
  auto fake = server(runtime_cert());
  ConnectProxy proxy;
  proxy.deny_all(true);
  auto request = request_for(*fake);
  request.proxy_url = "http://user:hunter2pass@127.0.0.1:" + std::to_string(proxy.port());
  auto out = run(request);
  EXPECT_EQ(out.data.error, "TLS_CONNECT_REFUSED") << out.data.detail;
  EXPECT_TRUE(out.data.via_proxy);
  ASSERT_EQ(out.findings.size(), 1u);
  for (const auto& line : out.findings[0].evidence) {
    EXPECT_EQ(line.find("hunter2pass"), std::string::npos) << line;
  }
  EXPECT_EQ(out.findings[0].message.find("hunter2pass"), std::string::npos);
}

// ---- bounded concurrency on the real client ----

TEST_F(TlsProbeTest, LimitedClientBoundsSockets) {
  auto fake = server(runtime_cert());
  LimitedHttpClient limited(curl_, 4);
  ProbeContext ctx{loop_, loop_.now() + Millis{10000}, *log_};
  int done = 0, ok = 0;
  for (int i = 0; i < 16; ++i) {
    probe_tls(ctx, limited, request_for(*fake), [&](ProbeOutcome<TlsResult> out) {
      ++done;
      ok += out.data.ok ? 1 : 0;
      EXPECT_LE(curl_.in_flight(), 4u);
    });
  }
  loop_.run_until([&] { return done == 16; }, loop_.now() + Millis{15000});
  EXPECT_EQ(done, 16);
  EXPECT_EQ(ok, 16);
  EXPECT_EQ(limited.peak_running(), 4u);
}

}  // namespace
}  // namespace bedrock_reach

namespace bedrock_reach {
namespace {

// Issue 19: the daemon keeps one CurlShared (CA stores) for its life. A bundle replaced on disk
// (a ca-certificates update) must be read again, as curl's own per-check loading did.
TEST_F(TlsProbeTest, KeptCaStoreFollowsABundleReplacedOnDisk) {
  TestCa first("first CA");
  TestCa second("second CA");
  auto fake = server(first.issue(LeafSpec{{kRuntime}}));
  std::string path = ::testing::TempDir() + "br-kept-bundle.pem";
  auto write = [&path](const std::string& pem) {
    std::ofstream out(path, std::ios::trunc);
    out << pem;
  };
  write(first.ca_pem());
  auto shared = std::make_shared<CurlShared>();
  auto probe_with_kept_store = [&] {
    CurlClient client(loop_, shared);  // a new client per check, as the daemon does
    auto request = request_for(*fake);
    request.ca_bundle = path;
    return run(request, &client);
  };
  auto trusted = probe_with_kept_store();
  EXPECT_TRUE(trusted.data.error.empty()) << trusted.data.error << " " << trusted.data.detail;
  write(second.ca_pem());  // the first CA is gone from the bundle
  auto untrusted = probe_with_kept_store();
  EXPECT_EQ(untrusted.data.error, "TLS_CERT_UNTRUSTED") << untrusted.data.detail;
  write(first.ca_pem() + second.ca_pem());
  auto again = probe_with_kept_store();
  EXPECT_TRUE(again.data.error.empty()) << again.data.error << " " << again.data.detail;
  std::remove(path.c_str());
}

}  // namespace
}  // namespace bedrock_reach

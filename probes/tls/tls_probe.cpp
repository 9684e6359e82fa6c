#include "tls/tls_probe.hpp"

#include <algorithm>
#include <chrono>
#include <memory>

#include "aws/sigv4.hpp"
#include "proxy/proxy_config.hpp"
#include "tls/tls_rules.hpp"

namespace bedrock_reach {
namespace {

constexpr std::size_t kMaxReplyBytes = 64 * 1024;

// Everything one probe needs across its two exchanges; owned by the callbacks.
struct ProbeState {
  ProbeContext& ctx;
  HttpClient& http;
  TlsProbeRequest request;
  ProbeCallback<TlsResult> done;
  ProbeOutcome<TlsResult> output;
  long long now_unix = 0;
  bool capped_by_deadline = false;  // a timeout then means the check ran out of time
  // The loop thread's CPU wait when the measured (unsigned) exchange started, and what it was
  // allowed: only that exchange's failure carries the server's certificate the rule needs.
  std::optional<Millis> cpu_wait_at_start;
  Millis exchange_allowed{0};

  ProbeState(ProbeContext& c, HttpClient& h, TlsProbeRequest r, ProbeCallback<TlsResult> d)
      : ctx(c), http(h), request(std::move(r)), done(std::move(d)) {}

  std::string where() const {
    std::string text =
        request.hostname + " at " +
        (request.address.empty() ? std::string("its resolved address") : request.address);
    if (request.proxy_url) text += " through the proxy " + redact_proxy_url(*request.proxy_url);
    return text;
  }

  // Service error text could in theory echo request material; never let a secret through.
  std::string scrub(std::string text) const {
    if (request.credentials == nullptr) return text;
    for (const Secret* secret :
         {&request.credentials->secret_access_key, &request.credentials->session_token}) {
      const std::string& value = secret->reveal();
      if (value.size() < 8) continue;
      for (auto at = text.find(value); at != std::string::npos; at = text.find(value)) {
        text.replace(at, value.size(), "***");
      }
    }
    return text;
  }

  std::vector<std::string> base_evidence() const {
    std::vector<std::string> evidence;
    evidence.push_back(
        "connected to " + (request.address.empty() ? std::string("(resolved)") : request.address) +
        " port " + std::to_string(request.port) + ", SNI and Host " + request.hostname);
    if (request.proxy_url) evidence.push_back("via proxy " + redact_proxy_url(*request.proxy_url));
    return evidence;
  }

  void add(const std::string& code, std::string message, std::vector<std::string> extra = {}) {
    auto evidence = base_evidence();
    for (auto& line : extra) evidence.push_back(scrub(std::move(line)));
    output.findings.push_back(make_finding(code, request.service, request.address,
                                           scrub(std::move(message)), std::move(evidence)));
  }

  HttpRequest http_request(const ProbeCall& call, bool sign) {
    HttpRequest out;
    out.method = call.method;
    out.url = "https://" + request.hostname +
              (request.port == 443 ? std::string() : ":" + std::to_string(request.port)) +
              call.path;
    if (!call.body.empty()) {
      out.body = call.body;
      out.headers.emplace_back("Content-Type", "application/json");
    }
    if (!request.address.empty()) out.pin_address = request.address;
    Millis left = ctx.remaining();
    out.connect_timeout = std::max(Millis{1}, std::min(request.connect_timeout, left));
    out.total_timeout = std::max(Millis{1}, std::min(request.total_timeout, left));
    if (left < request.connect_timeout || left < request.total_timeout) capped_by_deadline = true;
    if (!sign) {
      cpu_wait_at_start = ctx.loop.cpu_wait();
      exchange_allowed = out.connect_timeout;
    }
    out.ca_bundle = request.ca_bundle;
    out.proxy = request.proxy_url;
    out.max_body_bytes = kMaxReplyBytes;
    // The unsigned request's handshake is the measurement; the signed one follows on the same
    // connection (one handshake per address, not two).
    out.want_tls_details = !sign;
    out.keep_connection = !sign && will_sign();
    out.reuse_connection = sign;
    if (sign) {
      const std::string signing_name =
          request.signing_name.empty() ? "bedrock" : request.signing_name;
      if (curl_signs_path_correctly(call.path)) {
        out.sigv4 = SigV4Signing{request.region, signing_name, request.credentials};
      } else {
        // A path with %XX (a model ID with ':' or '/'): curl 7.88.1 signs the path as sent where
        // AWS encodes it once more (reference §5.2), so the agent signs; the Authorization
        // header it adds is never logged or reported.
        SigV4Request to_sign;
        to_sign.method = call.method;
        to_sign.path = call.path;
        to_sign.host = request.hostname +
                       (request.port == 443 ? std::string() : ":" + std::to_string(request.port));
        to_sign.headers = out.headers;
        to_sign.body = out.body;
        to_sign.region = request.region;
        to_sign.service = signing_name;
        to_sign.unix_time = std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
        SigV4Signed signed_request = sign_sigv4(to_sign, *request.credentials);
        for (auto& header : signed_request.headers) out.headers.push_back(std::move(header));
      }
    }
    return out;
  }

  bool will_sign() const {
    return request.signed_call && request.credentials != nullptr &&
           signed_probe_call(request.service).has_value();
  }

  void describe_leaf(const std::optional<CertDetails>& leaf) {
    if (!leaf) return;
    TlsResult& r = output.data;
    r.subject = leaf->subject;
    r.issuer = leaf->issuer;
    r.sans = leaf->sans;
    if (leaf->not_after != 0) {
      r.cert_not_after = leaf->not_after;
      r.cert_days_left = days_left(*leaf, now_unix);
    }
  }

  std::vector<std::string> leaf_evidence() const {
    const TlsResult& r = output.data;
    std::vector<std::string> evidence;
    if (!r.version.empty()) evidence.push_back("TLS " + r.version + " " + r.cipher);
    if (!r.subject.empty()) evidence.push_back("certificate subject " + r.subject);
    if (!r.issuer.empty()) evidence.push_back("certificate issuer " + r.issuer);
    if (!r.sans.empty()) {
      std::string sans;
      for (const auto& san : r.sans) sans += (sans.empty() ? "" : ", ") + san;
      evidence.push_back("certificate names " + sans);
    }
    if (r.cert_days_left) evidence.push_back("days to expiry " + std::to_string(*r.cert_days_left));
    return evidence;
  }

  void fail(const HttpFailure& failure, const std::string& stage) {
    TlsResult& r = output.data;
    std::string code = failure_code(failure, request.proxy_url.has_value());
    if (failure.kind == ErrorKind::timeout && capped_by_deadline && ctx.remaining() <= Millis{0}) {
      code = "CHECK_DEADLINE";
    }
    // The run-queue wait alone does not explain a timeout: it is the whole loop's, so under load a
    // real stall or a dropped SYN-ACK would read as starved too (faults.tls-stall,
    // firewall-return).
    std::string starved;
    if (code == "TLS_HANDSHAKE_FAILED" && server_flight_arrived(failure)) {
      auto now = ctx.loop.cpu_wait();
      Millis waited = now && cpu_wait_at_start ? *now - *cpu_wait_at_start : Millis{0};
      if (starved_of_cpu(waited, exchange_allowed)) {
        starved = "the server's TLS 1.3 flight had arrived; the agent waited " +
                  std::to_string(waited.count()) + " ms for a CPU between connecting and its " +
                  std::to_string(exchange_allowed.count()) + " ms timeout (" + code +
                  " would have been reported)";
        code = "HOST_CPU_STARVED";
      }
    }
    r.ok = false;
    r.error = code;
    r.detail = scrub(failure_detail(failure));
    if (code == "CHECK_DEADLINE") {
      output.cut_by_deadline = true;  // the caller reports CHECK_DEADLINE once for the check
      return;
    }
    auto evidence = leaf_evidence();
    evidence.push_back("curl: " + r.detail);
    evidence.push_back("connect " + std::to_string(failure.timings.connect_ms) + " ms, TLS " +
                       std::to_string(failure.timings.tls_ms) + " ms, total " +
                       std::to_string(failure.timings.total_ms) + " ms");
    if (!starved.empty()) {
      evidence.push_back(starved);
      add(code,
          stage + " to " + where() +
              " timed out, but the host kept the agent from running for much of that time: the "
              "timeout says nothing about the endpoint",
          std::move(evidence));
      return;
    }
    add(code, stage + " to " + where() + " failed: " + r.detail, std::move(evidence));
    if (code == "TLS_PROTOCOL_OLD") {
      // The listener offered nothing at TLS 1.2 or above, so no AWS SDK can connect at all: worse
      // than an old version negotiated (the catalog's warning).
      output.findings.back().severity = Severity::critical;
      output.findings.back().message += "; AWS SDKs require TLS 1.2 or later";
    }
  }

  void finish() {
    auto callback = std::move(done);
    callback(std::move(output));
  }
};

void run_signed(const std::shared_ptr<ProbeState>& state, const ProbeCall& call) {
  state->output.data.signed_operation = call.operation;
  state->http.start(state->http_request(call, true), [state, call](HttpResult result) {
    TlsResult& r = state->output.data;
    if (!result) {
      r.signed_call = "failed";
      state->fail(result.error(), "the signed " + call.operation + " call");
      state->finish();
      return;
    }
    SignedClassification verdict = classify_signed_reply(*result);
    r.signed_call = to_string(verdict.verdict);
    r.signed_status = static_cast<int>(result->status);
    r.signed_error_type = verdict.error.type;
    std::vector<std::string> evidence = {
        "signed " + call.method + " " + call.path + " (" + call.operation + ", signing name " +
            (state->request.signing_name.empty() ? "bedrock" : state->request.signing_name) +
            (curl_signs_path_correctly(call.path) ? "" : ", SigV4 computed by the agent") +
            ") → HTTP " + std::to_string(result->status),
        "x-amzn-ErrorType " + (verdict.error.type.empty() ? "(none)" : verdict.error.type),
        "message " + (verdict.error.message.empty() ? "(none)" : verdict.error.message),
        "x-amzn-RequestId " +
            (verdict.error.request_id.empty() ? "(none)" : verdict.error.request_id)};
    if (state->request.credentials != nullptr) {
      evidence.push_back("credentials from " + state->request.credentials->source);
    }
    const std::string what = "the signed " + call.operation + " call to " + state->where();
    switch (verdict.verdict) {
      case SignedVerdict::allowed:
      case SignedVerdict::inconclusive:
        break;
      case SignedVerdict::denied_policy:
        state->add("SIGNED_CALL_DENIED_POLICY",
                   what + " was denied by the VPC endpoint policy" +
                       (verdict.explicit_deny ? " (explicit deny)" : " (no statement allows it)"),
                   std::move(evidence));
        break;
      case SignedVerdict::denied_iam:
        state->add("SIGNED_CALL_DENIED_IAM",
                   what + " reached the service and was denied by IAM: " + verdict.error.message,
                   std::move(evidence));
        break;
      case SignedVerdict::credentials_invalid:
        state->add("CREDENTIALS_INVALID",
                   what + " was rejected for its credentials or signature: " +
                       (verdict.error.type.empty() ? verdict.error.message : verdict.error.type),
                   std::move(evidence));
        break;
      case SignedVerdict::not_aws:
        r.ok = false;
        r.error = "HTTP_NOT_AWS";
        state->add("HTTP_NOT_AWS", what + " got a reply without AWS request headers",
                   std::move(evidence));
        break;
    }
    state->finish();
  });
}

void on_unsigned(const std::shared_ptr<ProbeState>& state, HttpResult result) {
  TlsResult& r = state->output.data;
  if (!result) {
    r.version = result.error().tls_version;
    r.cipher = result.error().tls_cipher;
    r.connect_ms = result.error().timings.connect_ms;
    r.handshake_ms = result.error().timings.tls_ms;
    state->describe_leaf(result.error().leaf);
    state->fail(result.error(), "HTTPS");
    state->finish();
    return;
  }
  const HttpResponse& response = *result;
  r.version = response.tls_version;
  r.cipher = response.tls_cipher;
  r.connect_ms = response.timings.connect_ms;
  r.handshake_ms = response.timings.tls_ms;
  r.first_byte_ms = response.timings.first_byte_ms;
  r.http_status = static_cast<int>(response.status);
  state->describe_leaf(response.leaf);
  AwsError aws = aws_error_of(response);
  r.aws_request_id = aws.request_id;
  r.aws_error_type = aws.type;
  r.ok = true;
  for (auto& hit : handshake_checks(response.tls_version, response.leaf, state->now_unix,
                                    state->request.cert_expiry_warning_days)) {
    auto evidence = state->leaf_evidence();
    evidence.insert(evidence.end(), hit.evidence.begin(), hit.evidence.end());
    state->add(hit.code, state->where() + ": " + hit.message, std::move(evidence));
    if (hit.code == "TLS_CERT_EXPIRED") {
      r.ok = false;
      r.error = hit.code;
    }
  }
  if (!is_aws_shaped(response)) {
    r.ok = false;
    r.error = "HTTP_NOT_AWS";
    const std::string* server = response.header("server");
    state->add("HTTP_NOT_AWS",
               state->where() + " answered HTTP " + std::to_string(response.status) +
                   " without x-amzn-RequestId: not an AWS endpoint",
               {"HTTP status " + std::to_string(response.status),
                "server " + (server != nullptr ? server->substr(0, 80) : std::string("(none)"))});
    state->finish();
    return;
  }
  auto call = signed_probe_call(state->request.service, state->request.model);
  if (!state->request.signed_call) {
    r.signed_skipped_reason = "signed calls are off (--no-signed)";
  } else if (state->request.credentials == nullptr) {
    r.signed_skipped_reason = "no credentials";
  } else if (!call) {
    r.signed_skipped_reason = "no harmless signed call is known for " + state->request.service;
  } else if (state->ctx.remaining() <= Millis{0}) {
    r.signed_skipped_reason = "the check deadline passed";
    state->output.cut_by_deadline = true;
  } else {
    run_signed(state, *call);
    return;
  }
  state->finish();
}

}  // namespace

void probe_tls(ProbeContext& ctx, HttpClient& http, const TlsProbeRequest& request,
               ProbeCallback<TlsResult> done) {
  auto state = std::make_shared<ProbeState>(ctx, http, request, std::move(done));
  state->now_unix = request.now_unix != 0 ? request.now_unix
                                          : std::chrono::duration_cast<std::chrono::seconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count();
  state->output.data.via_proxy = request.proxy_url.has_value();
  if (ctx.remaining() <= Millis{0}) {
    state->output.data.error = "CHECK_DEADLINE";
    state->output.data.detail = "the check deadline passed before the probe started";
    state->output.cut_by_deadline = true;
    // Still asynchronous: callers may rely on `done` not running inside probe_tls.
    // A due timer rather than post(): EpollLoop::run_once blocks after running posted work.
    ctx.loop.add_timer(ctx.loop.now(), [state] { state->finish(); });
    return;
  }
  ProbeCall call = unsigned_probe_call(request.service);
  http.start(state->http_request(call, false),
             [state](HttpResult result) { on_unsigned(state, std::move(result)); });
}

ProbeOutcome<TlsResult> not_probed(std::string reason) {
  ProbeOutcome<TlsResult> output;
  output.data.probed = false;
  output.data.not_probed_reason = std::move(reason);
  return output;
}

}  // namespace bedrock_reach

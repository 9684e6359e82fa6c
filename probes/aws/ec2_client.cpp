#include "aws/ec2_client.hpp"

#include <random>

namespace bedrock_reach {

namespace {
// Below this, an attempt could not finish anyway: fail with what we know instead.
constexpr Millis kMinAttemptTime{100};
}  // namespace

struct Ec2Client::Shared {
  EventLoop& loop;
  HttpClient& http;
  Ec2Options options;
  Credentials credentials;  // signed requests point here: lives as long as any call
  std::mt19937_64 rng;
  Stats stats;

  Shared(EventLoop& l, HttpClient& h, Ec2Options o, Credentials c)
      : loop(l),
        http(h),
        options(std::move(o)),
        credentials(std::move(c)),
        rng(options.jitter_seed != 0 ? options.jitter_seed : std::random_device{}()) {}
};

namespace {

struct Call {
  std::string action;
  QueryParams params;
  TimePoint deadline;
  Ec2Client::BodyCallback done;
  int attempts = 0;
  int timeouts = 0;
  std::optional<Ec2Failure> last;
};

void attempt(const std::shared_ptr<Ec2Client::Shared>& shared, const std::shared_ptr<Call>& call);

void fail(const std::shared_ptr<Call>& call, Ec2Failure failure) {
  failure.attempts = call->attempts;
  auto done = std::move(call->done);
  done(tl::unexpected(std::move(failure)));
}

Ec2Failure deadline_failure(const Call& call) {
  if (call.last) return *call.last;
  Ec2Failure f;
  f.kind = Ec2FailureKind::deadline;
  f.action = call.action;
  f.message = "no time left before the check deadline";
  return f;
}

void on_answer(const std::shared_ptr<Ec2Client::Shared>& shared, const std::shared_ptr<Call>& call,
               HttpResult result) {
  auto failure = classify_ec2_answer(call->action, result);
  if (!failure) {
    auto done = std::move(call->done);
    done(std::move(result->body));
    return;
  }
  failure->attempts = call->attempts;
  if (failure->kind == Ec2FailureKind::throttled) ++shared->stats.throttled;
  bool timed_out =
      failure->kind == Ec2FailureKind::transport && failure->transport == ErrorKind::timeout;
  if (timed_out && shared->loop.now() + kMinAttemptTime >= call->deadline) {
    // The attempt was cut to the check's deadline: that is the deadline's doing, not the API's.
    failure->kind = Ec2FailureKind::deadline;
    failure->message = "still waiting at the check deadline";
    return fail(call, std::move(*failure));
  }
  if (timed_out) ++call->timeouts;
  call->last = *failure;
  const Ec2Options& o = shared->options;
  bool again = ec2_retryable(*failure) && call->attempts < o.max_attempts &&
               (!timed_out || call->timeouts < o.max_timeout_attempts);
  if (!again) return fail(call, std::move(*failure));
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  Millis delay =
      ec2_backoff_delay(call->attempts - 1, o.backoff_base, o.backoff_cap, unit(shared->rng));
  TimePoint now = shared->loop.now();
  if (now + delay + kMinAttemptTime >= call->deadline) return fail(call, std::move(*failure));
  shared->loop.add_timer(now + delay, [shared, call] { attempt(shared, call); });
}

void attempt(const std::shared_ptr<Ec2Client::Shared>& shared, const std::shared_ptr<Call>& call) {
  auto left = std::chrono::duration_cast<Millis>(call->deadline - shared->loop.now());
  if (left < kMinAttemptTime) return fail(call, deadline_failure(*call));
  ++call->attempts;
  ++shared->stats.requests;
  if (call->attempts > 1) ++shared->stats.retries;
  Millis timeout = std::min(shared->options.attempt_timeout, left);
  HttpRequest r =
      build_ec2_request(shared->options, shared->credentials, call->action, call->params, timeout);
  shared->http.start(std::move(r), [shared, call](HttpResult result) {
    on_answer(shared, call, std::move(result));
  });
}

}  // namespace

Ec2Client::Ec2Client(EventLoop& loop, HttpClient& http, Ec2Options options, Credentials credentials)
    : shared_(std::make_shared<Shared>(loop, http, std::move(options), std::move(credentials))) {}

void Ec2Client::request(std::string action, QueryParams params, TimePoint deadline,
                        BodyCallback done) {
  auto call = std::make_shared<Call>();
  call->action = std::move(action);
  call->params = std::move(params);
  call->deadline = deadline;
  call->done = std::move(done);
  // Always asynchronous, even when the deadline has passed: callers may count before they issue.
  // A due timer rather than post(): run_until re-checks its condition after timers.
  shared_->loop.add_timer(shared_->loop.now(), [shared = shared_, call] { attempt(shared, call); });
}

const Ec2Client::Stats& Ec2Client::stats() const { return shared_->stats; }
const Ec2Options& Ec2Client::options() const { return shared_->options; }
int Ec2Client::shared_max_pages(const Shared& shared) { return shared.options.max_pages; }

}  // namespace bedrock_reach

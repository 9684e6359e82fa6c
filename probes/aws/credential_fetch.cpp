#include "aws/credential_fetch.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <memory>

#include "aws/credential_parse.hpp"
#include "aws/credentials_chain.hpp"
#include "aws/ec2_request.hpp"
#include "fs/text_file.hpp"

extern char** environ;

namespace bedrock_reach {
namespace {

using Kind = CredentialStep::Kind;
constexpr std::size_t kMaxFile = 64 * 1024;
constexpr std::size_t kMaxReply = 256 * 1024;

/// A token file's content without its trailing line end; nullopt when unreadable or over the cap.
std::optional<std::string> read_token_file(const std::string& path) {
  auto text = read_text_file(path, kMaxFile);
  if (!text) return std::nullopt;
  while (!text->empty() && (text->back() == '\n' || text->back() == '\r' || text->back() == ' '))
    text->pop_back();
  return std::move(*text);
}

std::string describe(const CredentialStep& s) {
  std::string out = s.method;
  if (!s.profile.empty()) out += " (profile " + s.profile + ")";
  if (!s.role_arn.empty()) out += " role " + s.role_arn;
  return out;
}

class FetchRun : public std::enable_shared_from_this<FetchRun> {
 public:
  FetchRun(ProbeContext& ctx, HttpClient& http, CredentialInputs in,
           ProbeCallback<AppCredentials> done)
      : ctx_(ctx), http_(http), in_(std::move(in)), done_(std::move(done)) {}

  void start() {
    const CredentialStep* last = in_.plan.final_step();
    if (last == nullptr) {
      return fail(in_.plan.error.value_or("no credential source"), "configuration");
    }
    result_.principal.source = last->method;
    result_.principal.profile = in_.plan.profile == "default" ? "" : in_.plan.profile;
    if (!last->role_arn.empty()) result_.principal.arn = last->role_arn;
    step(0);
  }

 private:
  Millis budget(Millis wanted) const { return std::min(wanted, ctx_.remaining()); }

  void step(std::size_t i) {
    if (i >= in_.plan.steps.size()) return identify();
    const CredentialStep& s = in_.plan.steps[i];
    result_.notes.push_back("credential step " + std::to_string(i + 1) + ": " + describe(s));
    switch (s.kind) {
      case Kind::environment:
      case Kind::static_keys:
        return static_keys(i, s);
      case Kind::instance_role:
        if (!in_.instance_role)
          return fail("the instance role (IMDS) gave no credentials", describe(s));
        current_ = *in_.instance_role;
        if (result_.principal.arn.empty() && i + 1 == in_.plan.steps.size())
          result_.principal.arn = in_.instance_role_arn;
        return step(i + 1);
      case Kind::container:
        return container(i, s);
      case Kind::web_identity:
        return web_identity(i, s);
      case Kind::assume_role:
        return assume_role(i, s);
      case Kind::sso:
        return sso(i, s);
      case Kind::process:
        return process(i, s);
    }
  }

  void static_keys(std::size_t i, const CredentialStep& s) {
    if (s.kind == Kind::environment) {
      auto r = resolve_credentials(in_.env, std::nullopt, std::chrono::system_clock::now());
      if (!r.credentials)
        return fail("no usable AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY", describe(s));
      current_ = std::move(*r.credentials);
      return step(i + 1);
    }
    auto keys = parse_profile_keys(in_.credentials_text, s.profile, false);
    if (!keys) keys = parse_profile_keys(in_.config_text, s.profile, true);
    if (!keys) return fail("profile " + s.profile + " has no access key pair", describe(s));
    Credentials c;
    c.access_key_id = keys->access_key_id;
    c.secret_access_key = keys->secret_access_key;
    c.session_token = keys->session_token;
    c.source = "shared-file:" + s.profile;
    current_ = std::move(c);
    step(i + 1);
  }

  HttpRequest base_request(std::string method, std::string url) const {
    HttpRequest r;
    r.method = std::move(method);
    r.url = std::move(url);
    r.connect_timeout = budget(Millis(2000));
    r.total_timeout = budget(in_.http_timeout);
    r.ca_bundle = in_.ca_bundle;
    r.proxy = std::nullopt;
    r.max_body_bytes = kMaxReply;
    return r;
  }

  static std::string failure_text(const HttpResult& r) {
    if (r) return "HTTP " + std::to_string(r->status);
    return std::string(to_string(r.error().kind)) + " (" + r.error().message.substr(0, 200) + ")";
  }

  void container(std::size_t i, const CredentialStep& s) {
    if (!container_uri_allowed(s.url)) {
      return fail("AWS_CONTAINER_CREDENTIALS_FULL_URI host is not one the SDKs accept",
                  describe(s));
    }
    HttpRequest r = base_request("GET", s.url);
    if (!s.auth_token_file.empty()) {
      auto token = read_token_file(s.auth_token_file);
      if (!token) return fail("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", describe(s));
      r.headers.emplace_back("Authorization", *token);
    } else if (!s.auth_token.empty()) {
      r.headers.emplace_back("Authorization", s.auth_token);
    }
    auto self = shared_from_this();
    std::string where = s.url.substr(0, s.url.find('/', 8));  // scheme://host[:port], no path
    http_.start(std::move(r), [self, i, where](HttpResult result) {
      if (!result || result->status != 200) {
        return self->fail("container credentials endpoint " + where + ": " + failure_text(result),
                          describe(self->in_.plan.steps[i]));
      }
      auto parsed = parse_container_credentials(result->body);
      if (!parsed) return self->fail(parsed.error().message, describe(self->in_.plan.steps[i]));
      self->current_ = std::move(parsed->credentials);
      self->current_->source = "container-role";
      if (!parsed->arn.empty() && i + 1 == self->in_.plan.steps.size())
        self->result_.principal.arn = parsed->arn;
      self->step(i + 1);
    });
  }

  std::string sts_url() const {
    return "https://" + sts_hostname(in_.env, in_.region, in_.dns_suffix) + "/";
  }

  void sts_call(std::size_t i, std::string body, bool sign) {
    result_.used_sts = true;
    HttpRequest r = base_request("POST", sts_url());
    r.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    r.body = std::move(body);
    if (sign) r.sigv4 = SigV4Signing{in_.region, "sts", &*signer_};
    auto self = shared_from_this();
    http_.start(std::move(r), [self, i](HttpResult result) {
      const CredentialStep& s = self->in_.plan.steps[i];
      if (!result) {
        return self->fail("STS at " + self->sts_url() + ": " + failure_text(result), describe(s),
                          true);
      }
      auto parsed = parse_sts_credentials(result->body);
      if (!parsed) {
        return self->fail("STS refused (" + failure_text(result) + "): " + parsed.error().message,
                          describe(s), true);
      }
      self->current_ = std::move(parsed->credentials);
      self->current_->source = s.method;
      self->step(i + 1);
    });
  }

  std::string session_name(const CredentialStep& s) const {
    if (!s.session_name.empty()) return s.session_name;
    auto now = std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    return "bedrock-reach-" + std::to_string(now);  // botocore: botocore-session-EPOCH
  }

  void web_identity(std::size_t i, const CredentialStep& s) {
    auto token = read_token_file(s.token_file);
    if (!token || token->empty()) {
      return fail("cannot read the web identity token file " + s.token_file, describe(s));
    }
    sts_call(i, sts_web_identity_body(s.role_arn, session_name(s), *token), false);
  }

  void assume_role(std::size_t i, const CredentialStep& s) {
    if (!current_) return fail("no source credentials to assume the role with", describe(s));
    signer_ = std::make_unique<Credentials>(*current_);  // must outlive the request
    sts_call(i, sts_assume_role_body(s.role_arn, session_name(s), s.external_id), true);
  }

  void sso(std::size_t i, const CredentialStep& s) {
    auto home = in_.env.get("HOME");
    std::optional<Secret> token;
    std::error_code ec;
    if (home) {
      // botocore names the file sha1(session name or start URL); matching on startUrl finds the
      // same file without hashing (the cache holds one token per start URL).
      std::filesystem::path dir = *home + "/.aws/sso/cache";
      int seen = 0;
      for (auto it = std::filesystem::directory_iterator(dir, ec);
           !ec && it != std::filesystem::directory_iterator() && seen < 200; it.increment(ec)) {
        ++seen;
        if (it->path().extension() != ".json") continue;
        if (auto text = read_token_file(it->path().string())) {
          token = parse_sso_cache(*text, s.sso_start_url, std::chrono::system_clock::now());
          if (token) break;
        }
      }
    }
    if (!token) {
      findings_.push_back(
          make_finding("SSO_LOGIN_REQUIRED", "", "",
                       "Profile " + s.profile +
                           " uses IAM Identity Center and has no valid cached token: the "
                           "application's principal cannot be evaluated until `aws sso login`",
                       {"sso_start_url " + s.sso_start_url,
                        "cache " + home.value_or("$HOME") + "/.aws/sso/cache"}));
      return finish();
    }
    std::string region = s.sso_region.empty() ? in_.region : s.sso_region;
    HttpRequest r = base_request(
        "GET", "https://portal.sso." + region + "." + in_.dns_suffix +
                   "/federation/credentials?role_name=" + rfc3986_encode(s.sso_role_name) +
                   "&account_id=" + rfc3986_encode(s.sso_account_id));
    r.headers.emplace_back("x-amz-sso_bearer_token", token->reveal());
    auto self = shared_from_this();
    http_.start(std::move(r), [self, i](HttpResult result) {
      const CredentialStep& step = self->in_.plan.steps[i];
      if (!result || result->status != 200) {
        return self->fail("IAM Identity Center portal: " + failure_text(result), describe(step));
      }
      auto parsed = parse_sso_role_credentials(result->body);
      if (!parsed) return self->fail(parsed.error().message, describe(step));
      self->current_ = std::move(*parsed);
      self->current_->source = "sso";
      self->step(i + 1);
    });
  }

  void process(std::size_t i, const CredentialStep& s) {
    auto self = shared_from_this();
    start_credential_process(ctx_.loop, s.command, budget(in_.process_timeout), kMaxFile,
                             [self, i](Result<std::string> out) {
                               const CredentialStep& step = self->in_.plan.steps[i];
                               if (!out)
                                 return self->fail("credential_process: " + out.error().message,
                                                   describe(step));
                               auto parsed = parse_process_credentials(*out);
                               // The output is secret: only the parser's own words go further.
                               if (!parsed)
                                 return self->fail(parsed.error().message, describe(step));
                               self->current_ = std::move(*parsed);
                               self->current_->source = "custom-process";
                               self->step(i + 1);
                             });
  }

  /// The caller's ARN when the source did not say it (Pod Identity, SSO, process): best effort.
  void identify() {
    if (!result_.principal.arn.empty() || !current_ ||
        in_.plan.final_step()->kind == Kind::instance_role) {
      return finish();
    }
    signer_ = std::make_unique<Credentials>(*current_);
    HttpRequest r = base_request("POST", sts_url());
    r.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    r.body = sts_caller_identity_body();
    r.sigv4 = SigV4Signing{in_.region, "sts", &*signer_};
    r.total_timeout = budget(Millis(1500));
    auto self = shared_from_this();
    http_.start(std::move(r), [self](HttpResult result) {
      if (result && result->status == 200) {
        if (auto arn = parse_sts_caller_arn(result->body)) self->result_.principal.arn = *arn;
      } else {
        self->result_.notes.push_back("GetCallerIdentity: " + failure_text(result));
      }
      self->finish();
    });
  }

  void fail(const std::string& why, const std::string& step, bool sts = false) {
    std::vector<std::string> evidence{"source " + step};
    if (sts) evidence.push_back("needs STS: " + sts_url());
    for (const auto& n : result_.notes)
      if (evidence.size() < 8) evidence.push_back(n);
    Finding f = make_finding("CREDENTIAL_SOURCE_FAILED", "", "",
                             "The application's credentials could not be obtained: " + why,
                             std::move(evidence));
    findings_.push_back(std::move(f));
    current_.reset();
    finish();
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    result_.credentials = std::move(current_);
    auto self = shared_from_this();
    // On its own loop turn: never re-enter the caller from inside an HTTP callback chain.
    ctx_.loop.add_timer(ctx_.loop.now(), [self] {
      ProbeOutcome<AppCredentials> outcome;
      outcome.data = std::move(self->result_);
      outcome.findings = std::move(self->findings_);
      outcome.elapsed_ms =
          std::chrono::duration<double, std::milli>(self->ctx_.loop.now() - self->started_).count();
      auto done = std::move(self->done_);
      done(std::move(outcome));
    });
  }

  ProbeContext& ctx_;
  HttpClient& http_;
  CredentialInputs in_;
  ProbeCallback<AppCredentials> done_;
  AppCredentials result_;
  std::vector<Finding> findings_;
  TimePoint started_ = ctx_.loop.now();
  std::optional<Credentials> current_;
  std::unique_ptr<Credentials> signer_;
  bool finished_ = false;
};

}  // namespace

void probe_credentials(ProbeContext& ctx, HttpClient& http, CredentialInputs inputs,
                       ProbeCallback<AppCredentials> done) {
  auto run = std::make_shared<FetchRun>(ctx, http, std::move(inputs), std::move(done));
  run->start();
}

namespace {

/// One credential_process child on the loop: its stdout pipe is watched, a timer kills it at the
/// timeout, and it is reaped without waiting (a child that closed stdout but lingers is polled
/// with WNOHANG until the timeout, then killed).
class ProcessRun : public std::enable_shared_from_this<ProcessRun> {
 public:
  ProcessRun(EventLoop& loop, std::size_t cap, std::function<void(Result<std::string>)> done)
      : loop_(loop), cap_(cap), done_(std::move(done)) {}

  void start(const std::string& command, Millis timeout) {
    auto self = shared_from_this();
    int out[2];
    if (pipe2(out, O_CLOEXEC | O_NONBLOCK) != 0) {
      return finish(make_error(ErrorKind::internal, "pipe failed"));
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
    // Its own process group, so a timeout kills what the shell started too.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
    int rc = posix_spawn(&pid_, "/bin/sh", &actions, &attributes, const_cast<char* const*>(argv),
                         environ);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    if (rc != 0) {
      close(out[0]);
      pid_ = 0;
      return finish(make_error(ErrorKind::internal, "could not start the process"));
    }
    fd_ = out[0];
    timeout_ = timeout;
    deadline_ = loop_.now() + timeout;
    timer_ = loop_.add_timer(deadline_, [self] { self->on_deadline(); });
    loop_.watch(fd_, true, false, [self](int, bool, bool) { self->on_readable(); });
  }

 private:
  void on_readable() {
    char buffer[4096];
    for (;;) {
      ssize_t got = read(fd_, buffer, sizeof buffer);
      if (got > 0) {
        if (data_.size() < cap_)
          data_.append(buffer, std::min(static_cast<std::size_t>(got), cap_ - data_.size()));
        continue;
      }
      if (got < 0 && (errno == EAGAIN || errno == EINTR)) return;
      break;  // EOF or error: the output is complete
    }
    close_pipe();
    reap();
  }

  void reap() {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == 0) {  // stdout closed, still running: look again shortly, the deadline still holds
      auto self = shared_from_this();
      loop_.add_timer(loop_.now() + Millis(10), [self] {
        if (!self->finished_) self->reap();
      });
      return;
    }
    pid_ = 0;
    if (r < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      return finish(
          make_error(ErrorKind::internal,
                     "exited with status " +
                         std::to_string(r > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1)));
    }
    finish(std::move(data_));
  }

  void on_deadline() {
    if (finished_) return;
    close_pipe();
    if (pid_ > 0) {
      kill(-pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);  // immediate after SIGKILL
      pid_ = 0;
    }
    finish(make_error(ErrorKind::timeout,
                      "no output within " + std::to_string(timeout_.count()) + " ms (killed)"));
  }

  void close_pipe() {
    if (fd_ < 0) return;
    loop_.unwatch(fd_);
    close(fd_);
    fd_ = -1;
  }

  void finish(Result<std::string> result) {
    if (finished_) return;
    finished_ = true;
    if (timer_ != 0) loop_.cancel_timer(timer_);
    auto self = shared_from_this();
    auto shared = std::make_shared<Result<std::string>>(std::move(result));
    // Never inside start(): the caller's state must be set up before `done` runs.
    loop_.add_timer(loop_.now(), [self, shared] {
      auto done = std::move(self->done_);
      done(std::move(*shared));
    });
  }

  EventLoop& loop_;
  std::size_t cap_;
  std::function<void(Result<std::string>)> done_;
  pid_t pid_ = 0;
  int fd_ = -1;
  Millis timeout_{0};
  TimePoint deadline_{};
  EventLoop::TimerId timer_ = 0;
  std::string data_;
  bool finished_ = false;
};

}  // namespace

void start_credential_process(EventLoop& loop, const std::string& command, Millis timeout,
                              std::size_t cap, std::function<void(Result<std::string>)> done) {
  std::make_shared<ProcessRun>(loop, cap, std::move(done))->start(command, timeout);
}

}  // namespace bedrock_reach

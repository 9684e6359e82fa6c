#include "daemon/agent.hpp"

#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <spdlog/logger.h>
#include <random>
#include <thread>

#include "daemon/agent_state.hpp"
#include "daemon/health.hpp"
#include "daemon/signals.hpp"
#include "daemon/status_server.hpp"

namespace bedrock_reach {

namespace {

/// One check in flight. Shared with its worker thread, so a thread abandoned at shutdown
/// still owns everything it touches.
struct CheckJob {
  explicit CheckJob(int fd) : done_fd(fd) {}
  ~CheckJob() { close(done_fd); }
  CheckJob(const CheckJob&) = delete;
  CheckJob& operator=(const CheckJob&) = delete;

  const int done_fd;  // eventfd, signalled once when the check returns
  Config config;
  CheckFunction check;
  TimePoint started;
  TimePoint finished;
  Report report;
  std::string error;  // what() of an exception that escaped the check
};

void signal_eventfd(int fd) {
  std::uint64_t one = 1;
  (void)!write(fd, &one, sizeof(one));
}

void drain_eventfd(int fd) {
  std::uint64_t value = 0;
  (void)!read(fd, &value, sizeof(value));
}

double unix_now() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

HealthPolicy policy_for(const Config& config) {
  return {stale_after(config.stale_after_ms, config.interval_ms, config.timeout_ms),
          config.healthz_warning_ok};
}

spdlog::level::level_enum log_level_for(Severity status) {
  switch (status) {
    case Severity::ok:
    case Severity::info:
      return spdlog::level::info;
    case Severity::warning:
      return spdlog::level::warn;
    default:
      return spdlog::level::err;
  }
}

}  // namespace

struct Agent::Impl {
  Impl(AgentOptions agent_options, Notifier& agent_notifier, spdlog::logger& logger)
      : options(std::move(agent_options)),
        notifier(agent_notifier),
        log(logger),
        random(options.jitter_seed != 0 ? options.jitter_seed : std::random_device{}()),
        state(options.version, unix_now(), policy_for(options.config)) {}

  AgentOptions options;
  Notifier& notifier;
  spdlog::logger& log;
  int wake_fd = -1;
  std::atomic<bool> stop_requested{false};
  std::atomic<bool> reload_requested{false};
  std::mt19937_64 random;
  AgentState state;
  std::unique_ptr<StatusServer> server;
  std::shared_ptr<CheckJob> job;
  std::thread worker;
  std::optional<StateSnapshot> last_state;
  std::string last_summary = "first check running";
  bool ready_sent = false;
  bool overdue_logged = false;
  std::optional<TimePoint> last_start;
  std::optional<TimePoint> last_finish;
  TimePoint next_check;
  int once_exit = 3;

  Millis jittered() {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    return jittered_interval(Millis(options.config.interval_ms), options.jitter_fraction,
                             unit(random));
  }

  bool check_overdue(TimePoint now) const {
    return job && now - job->started > Millis(options.config.timeout_ms) + options.overdue_grace;
  }

  int start_serving(std::atomic<int>& port_out);
  void start_check(TimePoint now);
  void finish_check();
  void reload();
  void handle_signals();
  int shut_down(bool& abandoned);
};

int Agent::Impl::start_serving(std::atomic<int>& port_out) {
  auto address = parse_listen_address(options.config.listen);
  if (!address) {
    log.error("{}", address.error().message);
    notifier.notify("STATUS=" + address.error().message);
    return 3;
  }
  if (!address->loopback()) {
    log.warn("serving on {}, which is not a loopback address: other hosts can read the report",
             options.config.listen);
  }
  server = std::make_unique<StatusServer>(state, [] { return SteadyClock::now(); });
  auto port = server->start(*address);
  if (!port) {
    log.error("{}", port.error().message);
    notifier.notify("STATUS=" + port.error().message);
    return 3;
  }
  port_out = *port;
  std::string where =
      (address->host.find(':') != std::string::npos ? "[" + address->host + "]" : address->host) +
      ":" + std::to_string(*port);
  log.info("serving /metrics /healthz /report on {}", where);
  notifier.notify("STATUS=listening on " + where + "; first check running");
  return 0;
}

void Agent::Impl::start_check(TimePoint now) {
  int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) {
    log.error("cannot start a check: eventfd failed; retrying in one interval");
    next_check = now + jittered();
    return;
  }
  auto fresh = std::make_shared<CheckJob>(fd);
  fresh->config = options.config;
  fresh->check = options.check;
  fresh->started = now;
  try {
    worker = std::thread([fresh] {
      try {
        fresh->report = fresh->check(fresh->config);
      } catch (const std::exception& error) {
        fresh->error = error.what();
      } catch (...) {
        fresh->error = "non-standard exception";
      }
      fresh->finished = SteadyClock::now();
      signal_eventfd(fresh->done_fd);
    });
  } catch (const std::system_error& error) {
    log.error("cannot start a check thread: {}; retrying in one interval", error.what());
    next_check = now + jittered();
    return;
  }
  job = std::move(fresh);
  overdue_logged = false;
}

void Agent::Impl::finish_check() {
  worker.join();
  auto done = std::move(job);
  Report report = std::move(done->report);
  if (!done->error.empty()) {
    log.error("the check failed internally: {}", done->error);
    report = Report{};
    report.status = Severity::unknown;
    report.version = options.version;
  }
  double seconds = std::chrono::duration<double>(done->finished - done->started).count();
  if (report.duration_ms <= 0) report.duration_ms = seconds * 1000.0;

  CheckRecord record;
  record.status = report.status;
  record.codes = problem_codes(report);
  try {
    const Config& config = done->config;
    record.json = options.renderers.json ? options.renderers.json(report, config) : "{}\n";
    record.prometheus =
        options.renderers.prometheus ? options.renderers.prometheus(report, config) : "";
    if (options.renderers.document) {
      record.report = std::make_shared<const Report>(report);
      record.render = options.renderers.document;
    }
  } catch (const std::exception& error) {
    log.error("rendering the report failed: {}", error.what());
  }
  record.finished = done->finished;
  record.finished_unix_seconds = unix_now();
  record.duration_seconds = seconds;
  state.record_check(record);

  StateSnapshot snapshot{report.status, record.codes};
  if (auto change = state_change_message(last_state, snapshot)) {
    if (options.state_event) {
      options.state_event(report.status, *change, state_fields(report, record.codes));
    } else {
      log.log(log_level_for(report.status), "{}", *change);
    }
  }
  last_state = snapshot;
  last_summary = status_summary(report);
  notifier.notify((ready_sent ? "" : "READY=1\n") + std::string("STATUS=") + last_summary);
  ready_sent = true;

  bool textfile_ok = true;
  if (!options.config.textfile.empty() && options.write_textfile) {
    auto written =
        options.write_textfile(options.config.textfile, state.metrics_text(SteadyClock::now()));
    if (!written) {
      textfile_ok = false;
      log.error("cannot write the textfile: {}", written.error().message);
    }
  }

  if (!options.config.emf_file.empty() && options.append_emf && options.renderers.emf) {
    try {
      if (auto appended = options.append_emf(options.config.emf_file,
                                             options.renderers.emf(report, done->config));
          !appended) {
        log.error("cannot append EMF: {}", appended.error().message);
      }
    } catch (const std::exception& error) {
      log.error("rendering EMF failed: {}", error.what());
    }
  }

  last_start = done->started;
  last_finish = done->finished;
  Millis interval = jittered();
  next_check = next_check_start(*last_start, *last_finish, interval);
  log.debug("check finished in {:.0f} ms: {}; next in {} ms", seconds * 1000.0, last_summary,
            std::chrono::duration_cast<Millis>(next_check - SteadyClock::now()).count());
  if (options.once) {
    once_exit = textfile_ok ? exit_code(report.status) : 3;
    stop_requested = true;
  }
  // A check allocates a few MiB (TLS contexts, the report) on its own thread and frees it all;
  // hand the pages back so the agent's resident memory is its baseline between checks.
  report = Report{};
  done.reset();
  malloc_trim(0);
}

void Agent::Impl::reload() {
  if (ready_sent) notifier.notify("RELOADING=1");
  std::string note;
  try {
    if (!options.reload_config) throw ConfigError("this agent was started without a config source");
    Config fresh = options.reload_config();
    validate_config(fresh);
    if (fresh.listen != options.config.listen) {
      log.warn("agent.listen changed to {}; restart the agent to move the listener (still on {})",
               fresh.listen, options.config.listen);
      fresh.listen = options.config.listen;
    }
    options.config = std::move(fresh);
    state.set_policy(policy_for(options.config));
    log.set_level(spdlog::level::from_str(options.config.log_level));
    state.count_reload(true);
    log.info("config reloaded{}{}; interval {} ms",
             options.config.source_file.empty() ? "" : " from ", options.config.source_file,
             options.config.interval_ms);
    if (!job && last_start && last_finish) {
      next_check = next_check_start(*last_start, *last_finish, jittered());
    }
  } catch (const std::exception& error) {
    state.count_reload(false);
    log.error("config reload failed, keeping the previous config: {}", error.what());
    note = std::string(" (config reload failed: ") + error.what() + ")";
  }
  notifier.notify((ready_sent ? "READY=1\n" : "") + std::string("STATUS=") + last_summary + note);
}

void Agent::Impl::handle_signals() {
  while (auto signal_number = read_signal(options.signal_fd)) {
    if (*signal_number == SIGHUP) {
      reload_requested = true;
    } else {
      log.info("received {}, stopping", *signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
      stop_requested = true;
    }
  }
}

int Agent::Impl::shut_down(bool& abandoned) {
  notifier.notify("STOPPING=1");
  if (server) server->stop();
  if (job) {
    pollfd done{job->done_fd, POLLIN, 0};
    if (poll(&done, 1, static_cast<int>(options.stop_grace.count())) > 0) {
      worker.join();
    } else {
      // The check still holds its own state (CheckJob); leaving it running is safe, waiting
      // for it would break the stop-within-a-second promise.
      log.warn("stopping while a check is still running; abandoning it");
      worker.detach();
      abandoned = true;
    }
    job.reset();
  }
  return options.once ? once_exit : 0;
}

Agent::Agent(AgentOptions options, Notifier& notifier, spdlog::logger& log)
    : impl_(std::make_unique<Impl>(std::move(options), notifier, log)) {
  impl_->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (impl_->wake_fd < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
}

Agent::~Agent() {
  if (impl_->worker.joinable()) impl_->worker.detach();
  close(impl_->wake_fd);
}

void Agent::request_stop() {
  impl_->stop_requested = true;
  signal_eventfd(impl_->wake_fd);
}

void Agent::request_reload() {
  impl_->reload_requested = true;
  signal_eventfd(impl_->wake_fd);
}

int Agent::run() {
  Impl& s = *impl_;
  // One malloc arena for the whole daemon (issue 19, goal 4). Each check runs on a thread of its
  // own, and glibc gives that thread a second arena whose top chunk malloc_trim() cannot hand
  // back (it only shrinks the main arena's): ~2.3 MiB stayed resident between checks. With the
  // check's allocations in the main arena, the trim after each check returns them. Set before the
  // status server's and the first check's threads exist; the threads barely contend (one check
  // at a time, a scrape now and then).
  mallopt(M_ARENA_MAX, 1);
  if (!s.options.once) {
    if (int failed = s.start_serving(http_port_); failed != 0) return failed;
  }
  auto watchdog = s.options.once ? std::nullopt : s.notifier.watchdog_interval();
  TimePoint next_watchdog = SteadyClock::now();
  s.next_check = SteadyClock::now();

  while (!s.stop_requested) {
    TimePoint now = SteadyClock::now();
    if (!s.job && now >= s.next_check) s.start_check(now);
    if (watchdog && now >= next_watchdog) {
      // A check stuck past its deadline withholds the keepalive, so systemd restarts us.
      if (!s.check_overdue(now)) {
        s.notifier.notify("WATCHDOG=1");
      } else if (!s.overdue_logged) {
        s.log.error("the check has run past its deadline; withholding watchdog keepalives");
        s.overdue_logged = true;
      }
      next_watchdog = now + *watchdog;
    }

    TimePoint wake = s.job ? now + std::chrono::hours(1) : s.next_check;
    if (watchdog) wake = std::min(wake, next_watchdog);
    auto wait = std::chrono::ceil<Millis>(wake - now).count();
    pollfd fds[3];
    nfds_t count = 0;
    fds[count++] = {s.wake_fd, POLLIN, 0};
    if (s.options.signal_fd >= 0) fds[count++] = {s.options.signal_fd, POLLIN, 0};
    if (s.job) fds[count++] = {s.job->done_fd, POLLIN, 0};
    int ready = poll(fds, count, static_cast<int>(std::clamp<long long>(wait, 0, 60000)));
    if (ready < 0) continue;  // EINTR: re-evaluate
    if (fds[0].revents & POLLIN) drain_eventfd(s.wake_fd);
    if (s.options.signal_fd >= 0 && (fds[1].revents & POLLIN)) s.handle_signals();
    if (s.job && (fds[count - 1].revents & POLLIN)) s.finish_check();
    if (s.reload_requested.exchange(false) && !s.stop_requested) s.reload();
  }
  return s.shut_down(abandoned_check_);
}

}  // namespace bedrock_reach

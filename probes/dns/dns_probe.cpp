#include "dns/dns_probe.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>

#include "bedrock_reach/ip.hpp"
#include "dns/ares_channel.hpp"
#include "dns/dns_answer.hpp"
#include "dns/dns_message.hpp"
#include "dns/hosts_file.hpp"

namespace bedrock_reach {

const char* to_string(ResolverSpec::Kind kind) {
  switch (kind) {
    case ResolverSpec::Kind::host:
      return "host";
    case ResolverSpec::Kind::nameserver:
      return "nameserver";
    case ResolverSpec::Kind::amazon:
      return "amazon";
    case ResolverSpec::Kind::extra:
      return "extra";
  }
  return "extra";
}

std::vector<ResolverSpec> default_resolvers(const ResolvConf& resolv_conf,
                                            const std::vector<std::string>& amazon_resolvers,
                                            const std::vector<std::string>& extra) {
  std::vector<ResolverSpec> specs{{"host", ResolverSpec::Kind::host, ""}};
  auto add = [&](const std::string& server, ResolverSpec::Kind kind) {
    auto parsed = parse_dns_server(server, 53);
    std::string key = parsed ? parsed->address + ":" + std::to_string(parsed->port) : server;
    for (auto& spec : specs) {
      auto other = parse_dns_server(spec.server, 53);
      std::string other_key =
          other ? other->address + ":" + std::to_string(other->port) : spec.server;
      if (spec.kind != ResolverSpec::Kind::host && other_key == key) {
        // The Amazon resolver listed in resolv.conf is still the Amazon resolver.
        if (kind == ResolverSpec::Kind::amazon) spec.kind = kind;
        return;
      }
    }
    specs.push_back(ResolverSpec{server, kind, server});
  };
  for (const auto& ns : resolv_conf.nameservers) add(ns, ResolverSpec::Kind::nameserver);
  for (const auto& amazon : amazon_resolvers) add(amazon, ResolverSpec::Kind::amazon);
  for (const auto& server : extra) add(server, ResolverSpec::Kind::extra);
  return specs;
}

std::vector<std::string> amazon_resolver_addresses(const std::vector<std::string>& vpc_ipv4_cidrs) {
  std::vector<std::string> addresses{"169.254.169.253"};
  if (vpc_ipv4_cidrs.empty()) return addresses;
  // Only the primary CIDR hosts the resolver (aws-reference.md §2).
  auto primary = IpPrefix::parse(vpc_ipv4_cidrs.front(), true);
  if (primary && primary->family() == IpFamily::v4 && primary->length() <= 28)
    addresses.push_back(primary->address().plus(2).to_string());
  return addresses;
}

namespace {

double ms_between(TimePoint from, TimePoint to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

/// One (target, resolver) pair: its A/AAAA queries and the merged answer.
struct Cell {
  ResolverAnswer answer;
  std::vector<ResolverAnswer> parts;
  int pending = 0;
  bool done = false;
  TimePoint started{};
  // Host path only: where we are in the nsswitch source list, and DNS's answer so far.
  std::size_t next_source = 0;
  std::optional<ResolverAnswer> dns_answer;
  // Host path only: the search-list names still to ask, and the miss for the name itself.
  std::vector<std::string> names;
  std::size_t next_name = 0;
  std::optional<ResolverAnswer> own_name_miss;
};

class ResolveRun : public std::enable_shared_from_this<ResolveRun> {
 public:
  ResolveRun(ProbeContext& ctx, std::vector<Target> targets, std::vector<ResolverSpec> resolvers,
             DnsPlanOptions options, std::function<void(const NameResolution&)> on_name,
             ProbeCallback<std::vector<NameResolution>> done)
      : loop_(ctx.loop),
        deadline_(ctx.deadline),
        log_(ctx.log),
        remaining_(ctx.remaining()),
        targets_(std::move(targets)),
        resolvers_(std::move(resolvers)),
        options_(std::move(options)),
        on_name_(std::move(on_name)),
        done_(std::move(done)) {}

  void start() {
    started_ = loop_.now();
    load_host_files();
    cells_.resize(targets_.size() * resolvers_.size());
    channels_.resize(resolvers_.size());
    for (std::size_t r = 0; r < resolvers_.size(); ++r) open_channel(r);
    auto self = shared_from_this();
    deadline_timer_ = loop_.add_timer(deadline_, [self] {
      self->deadline_armed_ = false;
      self->finish(Reason::deadline);
    });
    deadline_armed_ = true;
    arm_resolver_budget();
    pump();
    maybe_finish();
  }

 private:
  Cell& cell(std::size_t t, std::size_t r) { return cells_[t * resolvers_.size() + r]; }

  /// Starts queued (name, resolver) pairs while fewer than max_names_in_flight are open. A pair
  /// may complete synchronously (/etc/hosts, an unusable resolver), which re-enters through
  /// complete(); the guard keeps that to this one loop.
  void pump() {
    if (pumping_) return;
    pumping_ = true;
    std::size_t limit = std::max<std::size_t>(1, options_.max_names_in_flight);
    while (!finished_ && next_cell_ < cells_.size() && active_ < limit) {
      std::size_t t = next_cell_ / resolvers_.size();
      std::size_t r = next_cell_ % resolvers_.size();
      ++next_cell_;
      ++active_;
      Cell& c = cell(t, r);
      c.started = loop_.now();
      c.answer.resolver = resolvers_[r].label;
      c.answer.kind = resolvers_[r].kind;
      if (resolvers_[r].kind == ResolverSpec::Kind::host) {
        host_step(t, r);
      } else {
        send_dns(t, r);
      }
    }
    pumping_ = false;
  }

  void load_host_files() {
    auto conf = load_resolv_conf(options_.resolv_conf_path);
    if (conf) {
      resolv_conf_ = std::move(*conf);
    } else {
      host_error_ = "cannot read resolv.conf: " + conf.error().message;
    }
    auto hosts = load_hosts_file(options_.hosts_path);
    if (hosts) hosts_ = std::move(*hosts);
    nss_sources_ = load_nsswitch_hosts(options_.nsswitch_path);
  }

  void open_channel(std::size_t r) {
    const ResolverSpec& spec = resolvers_[r];
    ChannelConfig config;
    config.tries = std::max(1, options_.tries);
    if (spec.kind == ResolverSpec::Kind::host) {
      if (!host_error_.empty()) return;
      for (const auto& ns : resolv_conf_.nameservers) {
        if (auto server = parse_dns_server(ns, options_.dns_port))
          config.servers.push_back(*server);
      }
      config.rotate = resolv_conf_.rotate;
      config.use_tcp = resolv_conf_.use_vc;
      // With several servers a SERVFAIL must move on to the next one, as glibc does; with one,
      // keep the reply so its rcode is the evidence (c-ares would report "could not contact").
      config.keep_error_replies = config.servers.size() == 1;
    } else {
      auto server = parse_dns_server(spec.server, options_.dns_port);
      if (!server) {
        channel_errors_.resize(resolvers_.size());
        channel_errors_[r] = "not a DNS server address: '" + spec.server.substr(0, 64) + "'";
        return;
      }
      config.servers.push_back(*server);
      config.keep_error_replies = true;  // one server: its rcode is the evidence
    }
    // All tries end a little before the deadline, so a silent resolver is reported as DNS_TIMEOUT
    // by c-ares' own timeouts rather than cut by the check's deadline.
    config.timeout = fit_timeout(options_.per_try_timeout, config.tries, config.servers.size(),
                                 Millis(remaining_.count() * 9 / 10));
    planned_end_ = std::max(
        planned_end_,
        loop_.now() + planned_resolver_time(config.timeout, config.tries, config.servers.size()));
    auto channel = AresChannel::create(loop_, config);
    if (!channel) {
      channel_errors_.resize(resolvers_.size());
      channel_errors_[r] = channel.error().message;
      return;
    }
    channels_[r] = std::move(*channel);
  }

  std::string channel_error(std::size_t r) const {
    if (r < channel_errors_.size() && !channel_errors_[r].empty()) return channel_errors_[r];
    if (resolvers_[r].kind == ResolverSpec::Kind::host && !host_error_.empty()) return host_error_;
    return "resolver not available";
  }

  /// Walks the nsswitch `hosts:` sources as glibc would, for the host path.
  void host_step(std::size_t t, std::size_t r) {
    Cell& c = cell(t, r);
    while (c.next_source < nss_sources_.size()) {
      const NssSource& source = nss_sources_[c.next_source++];
      if (source.name == "files") {
        auto pinned = hosts_.lookup(targets_[t].hostname);
        if (!pinned.empty()) {
          ResolverAnswer answer;
          answer.status = "ok";
          answer.addresses = std::move(pinned);
          answer.from_hosts_file = true;
          complete(t, r, std::move(answer));
          return;
        }
        if (source.return_on_notfound) break;
      } else if (source.name == "dns" || source.name == "resolve") {
        if (c.dns_answer) continue;  // DNS asked once is enough
        send_dns(t, r);
        return;
      }
    }
    if (c.dns_answer) {
      complete(t, r, *c.dns_answer);
    } else {
      ResolverAnswer answer;
      answer.status = "nxdomain";
      answer.error = "not found by the nsswitch hosts sources";
      complete(t, r, std::move(answer));
    }
  }

  void send_dns(std::size_t t, std::size_t r) {
    AresChannel* channel = channels_[r].get();
    if (channel == nullptr) {
      ResolverAnswer answer;
      answer.status = "error";
      answer.error = channel_error(r);
      on_dns_answer(t, r, std::move(answer));
      return;
    }
    std::vector<std::uint16_t> types{kDnsTypeA};
    bool host = resolvers_[r].kind == ResolverSpec::Kind::host;
    if (options_.query_aaaa && !(host && resolv_conf_.no_aaaa)) types.push_back(kDnsTypeAaaa);
    Cell& c = cell(t, r);
    if (host && c.names.empty()) {
      c.names = search_candidates(targets_[t].hostname, resolv_conf_.search, resolv_conf_.ndots);
      c.next_name = 0;
    }
    const std::string name = host ? c.names[c.next_name] : targets_[t].hostname;
    c.pending = static_cast<int>(types.size());
    c.parts.clear();
    auto weak = weak_from_this();
    // A and AAAA for one name at once, as getaddrinfo(AF_UNSPEC) asks them.
    for (auto type : types) {
      TimePoint sent = loop_.now();
      channel->query(name, type, [weak, t, r, sent](QueryResult result) {
        auto self = weak.lock();
        if (!self || self->finished_) return;
        double elapsed = ms_between(sent, self->loop_.now());
        Cell& target_cell = self->cell(t, r);
        target_cell.parts.push_back(interpret_query(result, elapsed));
        if (--target_cell.pending == 0)
          self->on_name_answer(t, r, merge_answers(target_cell.parts));
      });
      if (finished_) return;
    }
  }

  /// Host path: an answer for one search-list name; either the next name or the result.
  void on_name_answer(std::size_t t, std::size_t r, ResolverAnswer answer) {
    Cell& c = cell(t, r);
    if (resolvers_[r].kind != ResolverSpec::Kind::host || answer.status == "ok") {
      on_dns_answer(t, r, std::move(answer));
      return;
    }
    if (c.names[c.next_name] == targets_[t].hostname) c.own_name_miss = answer;
    if (search_continues_after(answer) && c.next_name + 1 < c.names.size()) {
      ++c.next_name;
      send_dns(t, r);
      return;
    }
    // Every name missed: what the name itself got is the evidence.
    on_dns_answer(t, r, c.own_name_miss ? *c.own_name_miss : std::move(answer));
  }

  void on_dns_answer(std::size_t t, std::size_t r, ResolverAnswer answer) {
    Cell& c = cell(t, r);
    if (resolvers_[r].kind == ResolverSpec::Kind::host) {
      c.dns_answer = answer;
      bool stop = answer.status == "ok" ||
                  (c.next_source > 0 && nss_sources_[c.next_source - 1].return_on_notfound &&
                   (answer.status == "nxdomain" || answer.status == "nodata"));
      if (!stop) {
        host_step(t, r);  // e.g. "hosts: dns files": /etc/hosts after a DNS miss
        return;
      }
    }
    complete(t, r, std::move(answer));
  }

  void complete(std::size_t t, std::size_t r, ResolverAnswer answer) {
    Cell& c = cell(t, r);
    if (c.done || finished_) return;
    answer.resolver = resolvers_[r].label;
    answer.kind = resolvers_[r].kind;
    answer.elapsed_ms = answer.from_hosts_file ? 0.0 : ms_between(c.started, loop_.now());
    c.answer = std::move(answer);
    c.done = true;
    ++completed_;
    --active_;
    announce_if_answered(t);
    pump();
    maybe_finish();
  }

  /// Hands a name to on_name once all its resolvers are in (a copy: finish() still reports it),
  /// on the next iteration like every completion.
  void announce_if_answered(std::size_t t) {
    if (!on_name_) return;
    for (std::size_t r = 0; r < resolvers_.size(); ++r)
      if (!cell(t, r).done) return;
    NameResolution resolution{targets_[t], {}};
    for (std::size_t r = 0; r < resolvers_.size(); ++r)
      resolution.answers.push_back(cell(t, r).answer);
    auto self = shared_from_this();
    loop_.add_timer(loop_.now(), [self, resolution = std::move(resolution)] {
      if (self->on_name_) self->on_name_(resolution);
    });
  }

  /// c-ares times each try from the end of the one before, so on a starved process late wake-ups
  /// add up over the tries and a silent resolver's last try can end after the check's deadline
  /// (seen: a 4 s check under ASan at load 10 cut at 4061 ms, CHECK_DEADLINE beside
  /// DNS_TIMEOUT). When the plan fits before the deadline it is also kept in absolute time:
  /// what has not answered half-way between the planned end and the deadline is a resolver
  /// timeout, not a cut. A plan that cannot fit (tries at the 50 ms floor) is still cut.
  void arm_resolver_budget() {
    if (planned_end_ == TimePoint{} || planned_end_ >= deadline_) return;
    budget_end_ = planned_end_ + (deadline_ - planned_end_) / 2;
    auto self = shared_from_this();
    budget_timer_ = loop_.add_timer(budget_end_, [self] {
      self->budget_armed_ = false;
      self->finish(Reason::budget);
    });
    budget_armed_ = true;
  }

  void maybe_finish() {
    if (!finished_ && started_all() && completed_ == cells_.size()) finish(Reason::answered);
  }
  bool started_all() const { return next_cell_ == cells_.size(); }

  enum class Reason { answered, budget, deadline };

  void finish(Reason reason) {
    if (finished_) return;
    finished_ = true;
    auto self = shared_from_this();  // keep alive to the end of this call
    if (deadline_armed_) {
      loop_.cancel_timer(deadline_timer_);
      deadline_armed_ = false;
    }
    if (budget_armed_) {
      loop_.cancel_timer(budget_timer_);
      budget_armed_ = false;
    }
    ProbeOutcome<std::vector<NameResolution>> outcome;
    outcome.cut_by_deadline = reason == Reason::deadline && completed_ < cells_.size();
    const std::string unanswered =
        reason == Reason::budget
            ? "no answer within the resolver's tries (" +
                  std::to_string(
                      std::chrono::duration_cast<Millis>(budget_end_ - started_).count()) +
                  " ms)"
            : "no answer before the check deadline";
    outcome.elapsed_ms = ms_between(started_, loop_.now());
    for (std::size_t t = 0; t < targets_.size(); ++t) {
      NameResolution resolution{targets_[t], {}};
      for (std::size_t r = 0; r < resolvers_.size(); ++r) {
        Cell& c = cell(t, r);
        if (!c.done) {
          c.answer.status = "timeout";
          c.answer.error = unanswered;
          c.answer.elapsed_ms = ms_between(c.started, loop_.now());
        }
        resolution.answers.push_back(std::move(c.answer));
      }
      outcome.data.push_back(std::move(resolution));
    }
    log_.debug("dns: {} names x {} resolvers in {:.1f} ms{}", targets_.size(), resolvers_.size(),
               outcome.elapsed_ms, outcome.cut_by_deadline ? " (cut by deadline)" : "");
    // Deliver on the next loop iteration: never inside probe_dns() itself. Channels may be
    // inside ares_process_fd right now, so they are destroyed there too (after `done`).
    struct Delivery {
      ProbeCallback<std::vector<NameResolution>> done;
      ProbeOutcome<std::vector<NameResolution>> outcome;
      std::vector<std::unique_ptr<AresChannel>> channels;
    };
    auto delivery = std::make_shared<Delivery>(
        Delivery{std::move(done_), std::move(outcome), std::move(channels_)});
    // A due-now timer rather than post(): EpollLoop runs posted work before it blocks in
    // epoll_wait, so a posted completion would not end run_until() until the next event.
    loop_.add_timer(loop_.now(), [delivery] {
      auto done = std::move(delivery->done);
      done(std::move(delivery->outcome));
      delivery->channels.clear();
    });
  }

  EventLoop& loop_;
  TimePoint deadline_;
  spdlog::logger& log_;
  Millis remaining_;
  std::vector<Target> targets_;
  std::vector<ResolverSpec> resolvers_;
  DnsPlanOptions options_;
  std::function<void(const NameResolution&)> on_name_;
  ProbeCallback<std::vector<NameResolution>> done_;

  ResolvConf resolv_conf_;
  HostsFile hosts_;
  std::vector<NssSource> nss_sources_;
  std::string host_error_;
  std::vector<std::unique_ptr<AresChannel>> channels_;
  std::vector<std::string> channel_errors_;
  std::vector<Cell> cells_;
  std::size_t completed_ = 0;
  std::size_t next_cell_ = 0;  // cells_ are started in order, by pump()
  std::size_t active_ = 0;     // started and not yet complete
  bool pumping_ = false;
  TimePoint started_{};
  EventLoop::TimerId deadline_timer_ = 0;
  bool deadline_armed_ = false;
  TimePoint planned_end_{};  // when every channel's tries end, as planned at open
  TimePoint budget_end_{};
  EventLoop::TimerId budget_timer_ = 0;
  bool budget_armed_ = false;
  bool finished_ = false;
};

}  // namespace

void probe_dns(ProbeContext& ctx, const DnsProbeRequest& request,
               ProbeCallback<std::vector<NameResolution>> done) {
  auto run = std::make_shared<ResolveRun>(ctx, request.targets, request.resolvers, request.options,
                                          request.on_name, std::move(done));
  run->start();
}

}  // namespace bedrock_reach

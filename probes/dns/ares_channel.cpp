#include "dns/ares_channel.hpp"

#include <ares.h>
#include <arpa/inet.h>

#include <algorithm>
#include <chrono>
#include <cstring>

namespace bedrock_reach {

void dns_global_setup() { ares_library_init(ARES_LIB_INIT_ALL); }
void dns_global_teardown() { ares_library_cleanup(); }

namespace {

/// The one mapping from c-ares statuses to ours.
QueryResult map_status(int status) {
  QueryResult result;
  switch (status) {
    case ARES_SUCCESS:
      result.status = "ok";
      break;
    case ARES_ENODATA:
      result.status = "nodata";
      break;
    case ARES_ENOTFOUND:
    case ARES_ENONAME:
      result.status = "nxdomain";
      break;
    case ARES_ESERVFAIL:
      result.status = "servfail";
      break;
    case ARES_EREFUSED:
      result.status = "refused";
      break;
    case ARES_ETIMEOUT:
      result.status = "timeout";
      break;
    case ARES_ECANCELLED:
    case ARES_EDESTRUCTION:
      result.status = "cancelled";
      break;
    case ARES_ECONNREFUSED:
      result.status = "error";
      break;  // connection refused / reset
    default:
      result.status = "error";
      break;  // EBADRESP, EFORMERR, ENOTIMP, EBADNAME, ENOMEM...
  }
  if (status == ARES_ECONNREFUSED) {
    // 1.18.1 also says this when every server answered SERVFAIL/REFUSED and was skipped.
    result.error = "no server answered (connection refused, or SERVFAIL/REFUSED from each)";
  } else if (status != ARES_SUCCESS) {
    result.error = ares_strerror(status);
  }
  return result;
}

}  // namespace

struct AresChannel::Impl {
  EventLoop& loop;
  ares_channel channel = nullptr;
  EventLoop::TimerId timer = 0;
  bool timer_armed = false;
  bool destroying = false;
  std::size_t in_flight = 0;

  explicit Impl(EventLoop& l) : loop(l) {}

  struct Pending {
    Impl* owner;
    Callback done;
  };

  static void on_sock_state(void* data, ares_socket_t fd, int readable, int writable) {
    auto* self = static_cast<Impl*>(data);
    if (!readable && !writable) {
      self->loop.unwatch(fd);
      return;
    }
    self->loop.watch(fd, readable != 0, writable != 0, [self](int ready_fd, bool r, bool w) {
      ares_process_fd(self->channel, r ? ready_fd : ARES_SOCKET_BAD,
                      w ? ready_fd : ARES_SOCKET_BAD);
      self->rearm();
    });
  }

  static void on_answer(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
    std::unique_ptr<Pending> pending(static_cast<Pending*>(arg));
    Impl* self = pending->owner;
    --self->in_flight;
    if (self->destroying) return;  // the owner is going away: drop, never call back
    QueryResult result = map_status(status);
    if (abuf != nullptr && alen > 0)
      result.reply.assign(abuf, abuf + static_cast<std::size_t>(alen));
    pending->done(std::move(result));
  }

  /// One loop timer at c-ares' next timeout; re-armed after every call into c-ares.
  void rearm() {
    if (destroying) return;
    if (timer_armed) {
      loop.cancel_timer(timer);
      timer_armed = false;
    }
    if (in_flight == 0) return;
    timeval max{5, 0};
    timeval tv{};
    timeval* next = ares_timeout(channel, &max, &tv);
    auto wait = std::chrono::seconds(next->tv_sec) + std::chrono::microseconds(next->tv_usec);
    timer_armed = true;
    timer = loop.add_timer(loop.now() + std::chrono::duration_cast<SteadyClock::duration>(wait),
                           [this] {
                             timer_armed = false;
                             ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
                             rearm();
                           });
  }
};

AresChannel::AresChannel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Result<std::unique_ptr<AresChannel>> AresChannel::create(EventLoop& loop,
                                                         const ChannelConfig& config) {
  if (config.servers.empty()) return make_error(ErrorKind::invalid_input, "no DNS servers");
  auto impl = std::make_unique<Impl>(loop);

  ares_options options{};
  // The search list is walked by the DNS probe itself (search_candidates()): c-ares 1.18 would go
  // on into the search list after an AAAA NODATA even though the A query answered, which no
  // getaddrinfo() caller sees, and cost a dependent round trip.
  int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB |
             ARES_OPT_LOOKUPS;
  options.flags = (config.keep_error_replies ? ARES_FLAG_NOCHECKRESP : 0) |
                  (config.use_tcp ? ARES_FLAG_USEVC : 0) | ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES;
  options.timeout = static_cast<int>(std::max<long>(1, config.timeout.count()));
  options.tries = std::max(1, config.tries);
  options.sock_state_cb = &Impl::on_sock_state;
  options.sock_state_cb_data = impl.get();
  char lookups[] = "b";  // DNS only: /etc/hosts is modelled by us, per nsswitch order
  options.lookups = lookups;
  mask |= config.rotate ? ARES_OPT_ROTATE : ARES_OPT_NOROTATE;

  int status = ares_init_options(&impl->channel, &options, mask);
  if (status != ARES_SUCCESS)
    return make_error(ErrorKind::internal, std::string("c-ares init: ") + ares_strerror(status));

  std::vector<ares_addr_port_node> nodes(config.servers.size());
  for (std::size_t i = 0; i < config.servers.size(); ++i) {
    auto& node = nodes[i];
    node.next = i + 1 < nodes.size() ? &nodes[i + 1] : nullptr;
    node.udp_port = config.servers[i].port;
    node.tcp_port = config.servers[i].port;
    const std::string& address = config.servers[i].address;
    if (inet_pton(AF_INET, address.c_str(), &node.addr.addr4) == 1) {
      node.family = AF_INET;
    } else if (inet_pton(AF_INET6, address.c_str(), &node.addr.addr6) == 1) {
      node.family = AF_INET6;
    } else {
      ares_destroy(impl->channel);
      return make_error(ErrorKind::invalid_input, "not a DNS server address: " + address);
    }
  }
  status = ares_set_servers_ports(impl->channel, nodes.data());
  if (status != ARES_SUCCESS) {
    ares_destroy(impl->channel);
    return make_error(ErrorKind::internal, std::string("c-ares servers: ") + ares_strerror(status));
  }
  return std::unique_ptr<AresChannel>(new AresChannel(std::move(impl)));
}

AresChannel::~AresChannel() {
  if (!impl_) return;
  impl_->destroying = true;
  if (impl_->timer_armed) impl_->loop.cancel_timer(impl_->timer);
  // Closes every socket (the state callback unwatches them) and frees pending queries.
  ares_destroy(impl_->channel);
}

void AresChannel::query(const std::string& name, std::uint16_t type, Callback done) {
  auto* pending = new Impl::Pending{impl_.get(), std::move(done)};
  ++impl_->in_flight;
  // class IN = 1; the name is sent as it is. A bad name completes synchronously, which our
  // callers accept.
  ares_query(impl_->channel, name.c_str(), 1, type, &Impl::on_answer, pending);
  impl_->rearm();
}

std::size_t AresChannel::in_flight() const { return impl_->in_flight; }

}  // namespace bedrock_reach

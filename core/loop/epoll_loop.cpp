#include "loop/epoll_loop.hpp"

#include <fcntl.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "loop/schedstat.hpp"

namespace bedrock_reach {

std::optional<Millis> EpollLoop::cpu_wait() const {
  int fd = ::open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;  // no CONFIG_SCHED_INFO, or no /proc (a bare container)
  char text[128];
  ssize_t got = ::read(fd, text, sizeof text);
  ::close(fd);
  if (got <= 0) return std::nullopt;
  auto wait = parse_schedstat_wait(std::string_view(text, static_cast<std::size_t>(got)));
  if (!wait) return std::nullopt;
  return std::chrono::duration_cast<Millis>(*wait);
}

EpollLoop::EpollLoop() : epoll_fd_(epoll_create1(EPOLL_CLOEXEC)) {
  // Start-up failure: the one place this layer throws; main turns it into exit 3.
  if (epoll_fd_ < 0)
    throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
}

EpollLoop::~EpollLoop() {
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

void EpollLoop::watch(int fd, bool want_read, bool want_write, FdCallback callback) {
  if (!want_read && !want_write) {
    unwatch(fd);
    return;
  }
  epoll_event event{};
  event.events = (want_read ? EPOLLIN : 0u) | (want_write ? EPOLLOUT : 0u);
  event.data.fd = fd;
  auto found = watches_.find(fd);
  if (found == watches_.end()) {
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0 && errno == EEXIST) {
      epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &event);
    }
    watches_.emplace(fd, std::make_shared<FdCallback>(std::move(callback)));
  } else {
    // The owner may have closed the fd and opened a new socket with the same number before
    // telling us: the kernel then dropped the old registration, so MOD fails and ADD is right.
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &event) != 0 && errno == ENOENT) {
      epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event);
    }
    found->second = std::make_shared<FdCallback>(std::move(callback));
  }
}

void EpollLoop::unwatch(int fd) {
  auto found = watches_.find(fd);
  if (found == watches_.end()) return;
  // The fd may already be closed by its owner (c-ares, curl): ignore EBADF/ENOENT.
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  watches_.erase(found);
}

EventLoop::TimerId EpollLoop::add_timer(TimePoint at, std::function<void()> callback) {
  TimerId id = next_timer_id_++;
  timers_.emplace(at, id);
  timer_callbacks_.emplace(id, std::make_pair(at, std::move(callback)));
  return id;
}

void EpollLoop::cancel_timer(TimerId id) {
  auto found = timer_callbacks_.find(id);
  if (found == timer_callbacks_.end()) return;
  auto [first, last] = timers_.equal_range(found->second.first);
  for (auto it = first; it != last; ++it) {
    if (it->second == id) {
      timers_.erase(it);
      break;
    }
  }
  timer_callbacks_.erase(found);
}

void EpollLoop::post(std::function<void()> callback) { posted_.push_back(std::move(callback)); }

void EpollLoop::fire_due_timers() {
  auto now = SteadyClock::now();
  while (!timers_.empty() && timers_.begin()->first <= now) {
    TimerId id = timers_.begin()->second;
    timers_.erase(timers_.begin());
    auto found = timer_callbacks_.find(id);
    if (found == timer_callbacks_.end()) continue;
    auto callback = std::move(found->second.second);
    timer_callbacks_.erase(found);
    callback();
  }
}

void EpollLoop::run_once(TimePoint deadline, const std::function<bool()>& done) {
  if (!posted_.empty()) {
    auto batch = std::move(posted_);
    posted_.clear();
    for (auto& callback : batch) callback();
    // A posted callback may have finished the work: never block in epoll_wait after that.
    if (done()) return;
  }
  TimePoint wake = deadline;
  if (!timers_.empty() && timers_.begin()->first < wake) wake = timers_.begin()->first;
  if (!posted_.empty()) wake = SteadyClock::now();
  auto wait = std::chrono::duration_cast<std::chrono::microseconds>(wake - SteadyClock::now());
  // Round up so a timer due in 0.3 ms does not spin at timeout 0.
  int timeout_ms = wait.count() <= 0 ? 0 : static_cast<int>((wait.count() + 999) / 1000);

  epoll_event events[64];
  int ready = epoll_wait(epoll_fd_, events, 64, timeout_ms);
  for (int i = 0; i < ready; ++i) {
    int fd = events[i].data.fd;
    auto found = watches_.find(fd);
    if (found == watches_.end()) continue;
    auto callback = found->second;  // keep alive across an unwatch inside the callback
    bool readable = (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0;
    bool writable = (events[i].events & (EPOLLOUT | EPOLLERR)) != 0;
    (*callback)(fd, readable, writable);
  }
  fire_due_timers();
}

bool EpollLoop::run_until(const std::function<bool()>& done, TimePoint deadline) {
  while (!done()) {
    if (SteadyClock::now() >= deadline) {
      // A starved process (a loaded machine, a sanitizer build) can wake after the deadline
      // with work that fell due before it: a timer, a completion it scheduled, a ready socket.
      // A few non-blocking passes deliver it, so what the caller sees does not depend on when
      // the scheduler let us run. Bounded: nothing new is waited for.
      for (int pass = 0; pass < kPassesAfterDeadline && !done(); ++pass)
        run_once(SteadyClock::now(), done);
      return done();
    }
    run_once(deadline, done);
  }
  return true;
}

}  // namespace bedrock_reach

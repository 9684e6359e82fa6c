#pragma once
#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

#include "bedrock_reach/event_loop.hpp"

namespace bedrock_reach {

/// EventLoop on Linux epoll with an ordered timer map. Single-threaded: every call and callback
/// happens on the thread that runs it.
class EpollLoop final : public EventLoop {
 public:
  EpollLoop();
  ~EpollLoop() override;
  EpollLoop(const EpollLoop&) = delete;
  EpollLoop& operator=(const EpollLoop&) = delete;

  // EventLoop::
  void watch(int fd, bool want_read, bool want_write, FdCallback callback) override;
  void unwatch(int fd) override;
  TimerId add_timer(TimePoint at, std::function<void()> callback) override;
  void cancel_timer(TimerId id) override;
  void post(std::function<void()> callback) override;
  bool run_until(const std::function<bool()>& done, TimePoint deadline) override;
  /// /proc/thread-self/schedstat of the calling thread (the loop's: every call is made on it).
  std::optional<Millis> cpu_wait() const override;
  /// Non-blocking passes run_until makes once the deadline has passed (a completion scheduled
  /// by a due timer needs a second pass).
  static constexpr int kPassesAfterDeadline = 3;

  std::size_t watched_fds() const { return watches_.size(); }
  std::size_t pending_timers() const { return timers_.size(); }

 private:
  void run_once(TimePoint deadline, const std::function<bool()>& done);
  void fire_due_timers();

  int epoll_fd_ = -1;
  // Callbacks are shared so a callback may unwatch (or re-watch) its own fd safely.
  std::unordered_map<int, std::shared_ptr<FdCallback>> watches_;
  std::multimap<TimePoint, TimerId> timers_;
  std::unordered_map<TimerId, std::pair<TimePoint, std::function<void()>>> timer_callbacks_;
  TimerId next_timer_id_ = 1;
  std::vector<std::function<void()>> posted_;
};

}  // namespace bedrock_reach

#pragma once
// The one event loop a check runs on. c-ares and libcurl multi both register their sockets and
// timers here, so DNS, IMDS, EC2 API and TLS work all proceed at once on one thread.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

namespace bedrock_reach {

using SteadyClock = std::chrono::steady_clock;
using TimePoint = SteadyClock::time_point;
using Millis = std::chrono::milliseconds;

class EventLoop {
 public:
  using FdCallback = std::function<void(int fd, bool readable, bool writable)>;
  using TimerId = std::uint64_t;

  virtual ~EventLoop() = default;
  /// Watch `fd` for the given interest, replacing any earlier watch of it. Both false = unwatch.
  virtual void watch(int fd, bool want_read, bool want_write, FdCallback callback) = 0;
  virtual void unwatch(int fd) = 0;
  /// One-shot timer; returns an id for cancel_timer. Callbacks run on the loop thread.
  virtual TimerId add_timer(TimePoint at, std::function<void()> callback) = 0;
  virtual void cancel_timer(TimerId id) = 0;
  /// Run `callback` on the next loop iteration (safe to call from callbacks).
  virtual void post(std::function<void()> callback) = 0;
  /// Dispatch events until `done()` is true (checked after each iteration) or `deadline` passes.
  /// Returns true when done() became true, false on deadline. Work already due when the
  /// deadline is seen to have passed (timers, completions, ready sockets) is still delivered.
  virtual bool run_until(const std::function<bool()>& done, TimePoint deadline) = 0;
  virtual TimePoint now() const { return SteadyClock::now(); }
  /// How long, in all, the loop's thread has been ready to run but waiting for a CPU (Linux
  /// schedstat); nullopt where not known. The difference over a timed step says how much of the
  /// step's time the host, not the network, took (a starved agent misses its own timeouts).
  virtual std::optional<Millis> cpu_wait() const { return std::nullopt; }
};

}  // namespace bedrock_reach

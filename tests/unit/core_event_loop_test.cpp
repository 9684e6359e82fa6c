#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "loop/epoll_loop.hpp"
#include "loop/schedstat.hpp"

namespace bedrock_reach {
namespace {

TEST(EpollLoop, TimersFireInOrderAndCancelWorks) {
  EpollLoop loop;
  std::vector<int> fired;
  auto now = loop.now();
  loop.add_timer(now + Millis(3), [&] { fired.push_back(3); });
  loop.add_timer(now + Millis(1), [&] { fired.push_back(1); });
  auto cancelled = loop.add_timer(now + Millis(2), [&] { fired.push_back(2); });
  loop.cancel_timer(cancelled);
  EXPECT_TRUE(loop.run_until([&] { return fired.size() == 2; }, now + Millis(2000)));
  EXPECT_EQ(fired, (std::vector<int>{1, 3}));
  EXPECT_EQ(loop.pending_timers(), 0u);
}

TEST(EpollLoop, DispatchesReadinessAndStopsAtDeadline) {
  EpollLoop loop;
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
  std::string got;
  loop.watch(fds[0], true, false, [&](int fd, bool readable, bool) {
    char buffer[16];
    if (readable) {
      auto n = read(fd, buffer, sizeof buffer);
      if (n > 0) got.assign(buffer, static_cast<size_t>(n));
    }
    loop.unwatch(fd);
  });
  loop.post([&] { ASSERT_EQ(write(fds[1], "hi", 2), 2); });
  EXPECT_TRUE(loop.run_until([&] { return !got.empty(); }, loop.now() + Millis(2000)));
  EXPECT_EQ(got, "hi");
  EXPECT_EQ(loop.watched_fds(), 0u);
  // Nothing left to happen: run_until returns false at the deadline instead of hanging.
  EXPECT_FALSE(loop.run_until([] { return false; }, loop.now() + Millis(20)));
  close(fds[0]);
  close(fds[1]);
}

// libcurl may close a socket and open another with the same number before it tells the loop to
// stop watching the old one; the new socket must still be watched.
TEST(EpollLoop, RewatchOfAReusedFdNumberStillDelivers) {
  EpollLoop loop;
  int first[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, first), 0);
  int reused_number = first[0];
  loop.watch(reused_number, true, false, [](int, bool, bool) {});
  close(first[0]);  // the kernel drops the registration; the loop still thinks it watches it
  int second[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, second), 0);
  int reader = second[0] == reused_number ? second[0] : second[1];
  int writer = reader == second[0] ? second[1] : second[0];
  ASSERT_EQ(reader, reused_number) << "the kernel did not reuse the fd number";
  bool readable = false;
  loop.watch(reader, true, false, [&](int, bool r, bool) { readable = r; });
  ASSERT_EQ(write(writer, "x", 1), 1);
  EXPECT_TRUE(loop.run_until([&] { return readable; }, loop.now() + Millis(2000)));
  loop.unwatch(reader);
  close(second[0]);
  close(second[1]);
  close(first[1]);
}

TEST(EpollLoop, PostedCompletionEndsRunWithoutWaitingForTheDeadline) {
  EpollLoop loop;
  bool done = false;
  loop.post([&] { done = true; });
  auto started = loop.now();
  // A far deadline: the loop must return right after the posted callback, not block until then.
  EXPECT_TRUE(loop.run_until([&] { return done; }, started + std::chrono::hours(1)));
  EXPECT_LT(loop.now() - started, std::chrono::minutes(1));
}

// A starved process wakes after its deadline: work that fell due before the deadline (here a
// timer that schedules a completion, as the probes deliver theirs) is still delivered, so the
// verdict does not depend on when the scheduler ran the loop. The blocking callback stands in
// for the scheduler keeping the process off the CPU; it makes the overrun certain.
TEST(EpollLoop, WorkDueBeforeALateWakeUpIsDeliveredAfterTheDeadline) {
  EpollLoop loop;
  auto start = loop.now();
  auto deadline = start + Millis(40);
  bool done = false;
  loop.add_timer(start + Millis(5), [&] { std::this_thread::sleep_until(deadline + Millis(30)); });
  loop.add_timer(start + Millis(10), [&] {
    loop.add_timer(loop.now(), [&] { done = true; });  // a completion for the next iteration
  });
  EXPECT_TRUE(loop.run_until([&] { return done; }, deadline));
  EXPECT_TRUE(done);
  // Work due only after the deadline is not waited for.
  bool late = false;
  auto now = loop.now();
  loop.add_timer(now + Millis(500), [&] { late = true; });
  EXPECT_FALSE(loop.run_until([&] { return late; }, now + Millis(5)));
  EXPECT_FALSE(late);
}

TEST(Schedstat, ParsesTheRunQueueWait) {
  EXPECT_EQ(parse_schedstat_wait("123456 7890123 45\n"), std::chrono::nanoseconds(7890123));
  EXPECT_EQ(parse_schedstat_wait("0 0 0"), std::chrono::nanoseconds(0));
  EXPECT_EQ(parse_schedstat_wait("18446744073709551615 9223372036854775807 1\n"),
            std::chrono::nanoseconds(INT64_MAX));
  for (const char* bad : {"", "\n", "12", "12 ", "12 x 3", "-1 5 2", "1 18446744073709551615 2",
                          "1 2x 3", "1 99999999999999999999999 3"}) {
    EXPECT_FALSE(parse_schedstat_wait(bad)) << bad;
  }
  EXPECT_FALSE(parse_schedstat_wait(std::string(300, '1')));
}

TEST(EpollLoop, CpuWaitIsTheThreadsRunQueueWaitAndNeverGoesBack) {
  EpollLoop loop;
  auto first = loop.cpu_wait();
  if (!first) GTEST_SKIP() << "no /proc/thread-self/schedstat here (kernel without schedstats)";
  auto second = loop.cpu_wait();
  ASSERT_TRUE(second);
  EXPECT_GE(*second, *first);
}

}  // namespace
}  // namespace bedrock_reach

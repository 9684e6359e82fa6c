// LimitedHttpClient: bounded concurrency in FIFO order on top of any HttpClient.
#include <gtest/gtest.h>

#include "http/limited_client.hpp"

namespace bedrock_reach {
namespace {

// Records starts; the test completes them by hand.
class ManualClient final : public HttpClient {
 public:
  void start(HttpRequest request, Callback done) override {
    started.push_back(request.url);
    pending.push_back(std::move(done));
  }
  void cancel_all() override {
    auto all = std::move(pending);
    pending.clear();
    for (auto& done : all) {
      HttpFailure f;
      f.kind = ErrorKind::cancelled;
      done(tl::unexpected(f));
    }
  }
  std::size_t in_flight() const override { return pending.size(); }
  void complete_first() {
    auto done = std::move(pending.front());
    pending.erase(pending.begin());
    HttpResponse ok;
    ok.status = 200;
    done(ok);
  }
  std::vector<std::string> started;
  std::vector<Callback> pending;
};

HttpRequest request(int i) {
  HttpRequest r;
  r.url = "https://example.invalid/" + std::to_string(i);
  return r;
}

TEST(LimitedHttpClient, RunsAtMostTheLimitInFifoOrder) {
  ManualClient inner;
  LimitedHttpClient limited(inner, 3);
  int completed = 0;
  for (int i = 0; i < 10; ++i) limited.start(request(i), [&](HttpResult) { ++completed; });
  EXPECT_EQ(inner.pending.size(), 3u);
  EXPECT_EQ(limited.in_flight(), 10u);
  EXPECT_EQ(limited.queued(), 7u);
  while (!inner.pending.empty()) {
    EXPECT_LE(inner.pending.size(), 3u);
    inner.complete_first();
  }
  EXPECT_EQ(completed, 10);
  EXPECT_EQ(limited.peak_running(), 3u);
  ASSERT_EQ(inner.started.size(), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(inner.started[i], request(i).url);
}

TEST(LimitedHttpClient, CancelAllFailsQueuedAndRunning) {
  ManualClient inner;
  LimitedHttpClient limited(inner, 2);
  int cancelled = 0;
  for (int i = 0; i < 5; ++i) {
    limited.start(request(i), [&](HttpResult r) {
      if (!r && r.error().kind == ErrorKind::cancelled) ++cancelled;
    });
  }
  limited.cancel_all();
  EXPECT_EQ(cancelled, 5);
  EXPECT_EQ(limited.in_flight(), 0u);
  EXPECT_EQ(inner.started.size(), 2u);  // the queued three never reached the network
}

TEST(LimitedHttpClient, ZeroLimitMeansOne) {
  ManualClient inner;
  LimitedHttpClient limited(inner, 0);
  limited.start(request(1), [](HttpResult) {});
  limited.start(request(2), [](HttpResult) {});
  EXPECT_EQ(inner.pending.size(), 1u);
  inner.complete_first();
  EXPECT_EQ(inner.pending.size(), 1u);
  inner.complete_first();
}

// Captured from a dual-stack container (fd00::/8 ULA is global scope to the kernel).

}  // namespace
}  // namespace bedrock_reach

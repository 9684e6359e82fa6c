#pragma once
// Bounded concurrency in front of any HttpClient: at most `max_in_flight` exchanges run at once,
// the rest wait in FIFO order, so a thousand targets never open a thousand sockets together.
#include <cstddef>
#include <deque>
#include <memory>

#include "bedrock_reach/http.hpp"

namespace bedrock_reach {

class LimitedHttpClient final : public HttpClient {
 public:
  /// `inner` must outlive this client; max_in_flight 0 is treated as 1.
  LimitedHttpClient(HttpClient& inner, std::size_t max_in_flight);
  ~LimitedHttpClient() override;
  LimitedHttpClient(const LimitedHttpClient&) = delete;
  LimitedHttpClient& operator=(const LimitedHttpClient&) = delete;

  // HttpClient::
  void start(HttpRequest request, Callback done) override;
  /// Fails the queued exchanges with ErrorKind::cancelled and cancels the inner client's.
  void cancel_all() override;
  /// Running plus queued.
  std::size_t in_flight() const override;

  std::size_t running() const { return running_; }
  std::size_t queued() const { return queue_.size(); }
  /// Highest number running at once so far (for tests and the benchmark).
  std::size_t peak_running() const { return peak_running_; }

 private:
  struct Pending {
    HttpRequest request;
    Callback done;
  };
  void pump();

  HttpClient& inner_;
  std::size_t max_in_flight_;
  std::size_t running_ = 0;
  std::size_t peak_running_ = 0;
  std::deque<Pending> queue_;
  // Completion callbacks may arrive after this client is gone (inner cancel in its destructor);
  // they check this flag instead of touching a dead object.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace bedrock_reach

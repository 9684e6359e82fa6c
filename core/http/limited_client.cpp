#include "http/limited_client.hpp"

#include <algorithm>

namespace bedrock_reach {

LimitedHttpClient::LimitedHttpClient(HttpClient& inner, std::size_t max_in_flight)
    : inner_(inner), max_in_flight_(std::max<std::size_t>(1, max_in_flight)) {}

LimitedHttpClient::~LimitedHttpClient() {
  *alive_ = false;
  auto pending = std::move(queue_);
  for (auto& item : pending) {
    HttpFailure failure;
    failure.kind = ErrorKind::cancelled;
    failure.message = "cancelled: the HTTP client was destroyed";
    item.done(tl::unexpected(std::move(failure)));
  }
}

void LimitedHttpClient::start(HttpRequest request, Callback done) {
  queue_.push_back(Pending{std::move(request), std::move(done)});
  pump();
}

void LimitedHttpClient::pump() {
  while (running_ < max_in_flight_ && !queue_.empty()) {
    Pending next = std::move(queue_.front());
    queue_.pop_front();
    ++running_;
    peak_running_ = std::max(peak_running_, running_);
    std::weak_ptr<bool> alive = alive_;
    inner_.start(std::move(next.request),
                 [this, alive, done = std::move(next.done)](HttpResult result) mutable {
                   if (auto flag = alive.lock(); flag && *flag) {
                     --running_;
                     pump();
                   }
                   done(std::move(result));
                 });
  }
}

void LimitedHttpClient::cancel_all() {
  auto pending = std::move(queue_);
  queue_.clear();
  for (auto& item : pending) {
    HttpFailure failure;
    failure.kind = ErrorKind::cancelled;
    failure.message = "cancelled by the check deadline";
    item.done(tl::unexpected(std::move(failure)));
  }
  inner_.cancel_all();
}

std::size_t LimitedHttpClient::in_flight() const { return running_ + queue_.size(); }

}  // namespace bedrock_reach

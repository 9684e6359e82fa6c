#pragma once
// An HttpClient that passes every exchange through and notes AWS's clock from the replies of AWS
// HTTPS endpoints (Date header, SigV4 time refusals): the evidence for CLOCK_SKEW without a single
// extra request. Plain-HTTP link-local services (IMDS, container credentials) are not AWS's clock.
#include <vector>

#include "aws/clock_skew.hpp"
#include "bedrock_reach/http.hpp"

namespace bedrock_reach {

class ClockObserver : public HttpClient {
 public:
  explicit ClockObserver(HttpClient& inner) : inner_(inner) {}
  void start(HttpRequest request, Callback done) override;
  void cancel_all() override { inner_.cancel_all(); }
  std::size_t in_flight() const override { return inner_.in_flight(); }

  const std::vector<ClockSample>& samples() const { return samples_; }
  int refused_without_time() const { return refused_without_time_; }

 private:
  HttpClient& inner_;
  std::vector<ClockSample> samples_;
  int refused_without_time_ = 0;
};

/// "EC2 API" / "STS" / "IAM Identity Center" / the first DNS label, for an https URL; "" for
/// anything else (plain HTTP is never AWS's clock here).
std::string clock_source_of(std::string_view url);

}  // namespace bedrock_reach

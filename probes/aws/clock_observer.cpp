#include "aws/clock_observer.hpp"

#include <ctime>

namespace bedrock_reach {

std::string clock_source_of(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (url.substr(0, kScheme.size()) != kScheme) return "";
  std::string_view host = url.substr(kScheme.size());
  host = host.substr(0, host.find_first_of("/:?"));
  std::string_view first = host.substr(0, host.find('.'));
  if (first == "ec2") return "EC2 API";
  if (first == "sts") return "STS";
  if (host.substr(0, 11) == "portal.sso.") return "IAM Identity Center";
  return std::string(first);
}

void ClockObserver::start(HttpRequest request, Callback done) {
  std::string source = clock_source_of(request.url);
  if (source.empty()) return inner_.start(std::move(request), std::move(done));
  inner_.start(std::move(request), [this, source = std::move(source),
                                    done = std::move(done)](HttpResult result) mutable {
    if (result) {
      long long local = static_cast<long long>(std::time(nullptr));
      // Bounded: one sample per reply, and the check makes a bounded number of requests.
      if (samples_.size() < 256) {
        if (auto t = aws_time_from_refusal(result->body)) {
          samples_.push_back(ClockSample{source, local, *t, "SigV4 refusal"});
        } else if (const std::string* date = result->header("date")) {
          if (auto parsed = parse_http_date(*date)) {
            samples_.push_back(ClockSample{source, local, *parsed, "Date header"});
          }
        }
      }
      if (result->status >= 400 && is_time_refusal(result->body)) ++refused_without_time_;
    }
    done(std::move(result));
  });
}

}  // namespace bedrock_reach

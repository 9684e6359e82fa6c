#pragma once
// Clock skew between this host and AWS (issue 16). Every SigV4 request carries the local time and
// AWS refuses it when that is more than 5 minutes off, so a wrong clock breaks every signed call
// at once. The evidence: the Date header of AWS replies, and the time inside SigV4 refusals
// ("Signature expired: 20261204T170820Z is now earlier than 20261204T172320Z (20261204T172820Z -
// 5 min.)" names AWS's time last). Pure apart from kernel_clock_unsynchronised().
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bedrock_reach/report.hpp"

namespace bedrock_reach {

struct ClockSample {
  std::string source;        // "EC2 API", "STS", "bedrock-runtime", ... (what answered)
  long long local_unix = 0;  // this host's clock when the reply arrived
  long long aws_unix = 0;    // AWS's clock, from `how`
  std::string how;           // "Date header" | "SigV4 refusal"
};

/// RFC 7231 IMF-fixdate ("Fri, 04 Dec 2026 17:24:14 GMT") to unix seconds; nullopt when malformed.
std::optional<long long> parse_http_date(std::string_view text);

/// AWS's clock from a SigV4 time refusal body (Bedrock's InvalidSignatureException and STS's
/// SignatureDoesNotMatch "Signature expired: A is now earlier than B (NOW - 5 min.)", or the
/// "is now later than" form); nullopt when the body is not one.
std::optional<long long> aws_time_from_refusal(std::string_view body);

/// True when the body is a SigV4 time refusal without a time: EC2's RequestExpired.
bool is_time_refusal(std::string_view body);

/// CLOCK_SKEW (critical beyond 5 minutes, warning beyond 1 minute) from the samples, with local
/// time, AWS time and where it came from as evidence; CLOCK_UNSYNCHRONIZED (info) when the kernel
/// says its clock is not synchronised. `refused_without_time` counts RequestExpired replies.
std::vector<Finding> clock_findings(const std::vector<ClockSample>& samples,
                                    int refused_without_time,
                                    std::optional<bool> kernel_unsynchronised);

/// adjtimex(2): true when the kernel reports its clock unsynchronised (TIME_ERROR / STA_UNSYNC),
/// nullopt when it cannot say. Thin adapter.
std::optional<bool> kernel_clock_unsynchronised();

}  // namespace bedrock_reach

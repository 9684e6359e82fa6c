#include "aws/clock_skew.hpp"

#include <sys/timex.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <ctime>

#include "aws/imds_parse.hpp"
#include "bedrock_reach/probe.hpp"

namespace bedrock_reach {
namespace {

constexpr long long kCriticalSeconds = 5 * 60;  // SigV4's window: every signed call fails
constexpr long long kWarningSeconds = 60;

std::optional<int> digits(std::string_view s) {
  if (s.empty() || s.size() > 4) return std::nullopt;
  int value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

/// "20261204T172820Z" (SigV4's basic ISO 8601).
std::optional<long long> parse_amz_date(std::string_view s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  auto y = digits(s.substr(0, 4)), mo = digits(s.substr(4, 2)), d = digits(s.substr(6, 2));
  auto h = digits(s.substr(9, 2)), mi = digits(s.substr(11, 2)), se = digits(s.substr(13, 2));
  if (!y || !mo || !d || !h || !mi || !se) return std::nullopt;
  return unix_seconds_utc(*y, *mo, *d, *h, *mi, *se);
}

std::string utc_text(long long unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm parts{};
  gmtime_r(&t, &parts);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return buffer;
}

std::string duration_text(long long seconds) {
  long long s = std::llabs(seconds);
  if (s < 120) return std::to_string(s) + " s";
  return std::to_string(s / 60) + " min " + std::to_string(s % 60) + " s";
}

}  // namespace

std::optional<long long> parse_http_date(std::string_view text) {
  // "Fri, 04 Dec 2026 17:24:14 GMT"
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (text.size() != 29 || text[3] != ',' || text.substr(26) != "GMT") return std::nullopt;
  auto day = digits(text.substr(5, 2));
  auto month_it = std::find(kMonths.begin(), kMonths.end(), text.substr(8, 3));
  auto year = digits(text.substr(12, 4));
  auto hour = digits(text.substr(17, 2)), minute = digits(text.substr(20, 2));
  auto second = digits(text.substr(23, 2));
  if (!day || month_it == kMonths.end() || !year || !hour || !minute || !second ||
      text[19] != ':' || text[22] != ':') {
    return std::nullopt;
  }
  return unix_seconds_utc(*year, static_cast<int>(month_it - kMonths.begin()) + 1, *day, *hour,
                          *minute, *second);
}

std::optional<long long> aws_time_from_refusal(std::string_view body) {
  if (body.find("Signature expired") == std::string_view::npos &&
      body.find("Signature not yet current") == std::string_view::npos) {
    return std::nullopt;
  }
  // The last "(YYYYMMDDTHHMMSSZ" in the message is AWS's own time.
  auto open = body.rfind("(");
  while (open != std::string_view::npos) {
    if (auto t = parse_amz_date(body.substr(open + 1, 16))) return t;
    if (open == 0) break;
    open = body.rfind("(", open - 1);
  }
  return std::nullopt;
}

bool is_time_refusal(std::string_view body) {
  return body.find("<Code>RequestExpired</Code>") != std::string_view::npos;
}

std::vector<Finding> clock_findings(const std::vector<ClockSample>& samples,
                                    int refused_without_time,
                                    std::optional<bool> kernel_unsynchronised) {
  std::vector<Finding> out;
  const ClockSample* worst = nullptr;
  for (const auto& s : samples) {
    if (worst == nullptr ||
        std::llabs(s.aws_unix - s.local_unix) > std::llabs(worst->aws_unix - worst->local_unix)) {
      worst = &s;
    }
  }
  std::vector<std::string> evidence;
  if (worst != nullptr) {
    long long skew = worst->aws_unix - worst->local_unix;
    long long size = std::llabs(skew);
    evidence.push_back("local time " + utc_text(worst->local_unix) + ", AWS time " +
                       utc_text(worst->aws_unix) + " (" + worst->how + " of " + worst->source +
                       ")");
    for (const auto& s : samples) {
      if (&s == worst || evidence.size() >= 4) continue;
      evidence.push_back(s.source + " " + s.how + ": AWS is " +
                         duration_text(s.aws_unix - s.local_unix) +
                         (s.aws_unix >= s.local_unix ? " ahead" : " behind"));
    }
    if (refused_without_time > 0) {
      evidence.push_back(std::to_string(refused_without_time) +
                         " EC2 API call(s) refused with RequestExpired");
    }
    if (size > kWarningSeconds) {
      std::string direction = skew > 0 ? "behind" : "ahead of";
      Finding f = make_finding(
          "CLOCK_SKEW", "", "",
          "This host's clock is " + duration_text(skew) + " " + direction + " AWS's" +
              (size > kCriticalSeconds ? ": every signed AWS call is refused (SigV4 allows 5 min)"
                                       : ": signed calls fail once it passes 5 min"),
          evidence);
      f.severity = size > kCriticalSeconds ? Severity::critical : Severity::warning;
      out.push_back(std::move(f));
    }
  } else if (refused_without_time > 0) {
    out.push_back(make_finding(
        "CLOCK_SKEW", "", "",
        "AWS refused signed calls as expired (RequestExpired): this host's clock is more than 5 "
        "min off",
        {std::to_string(refused_without_time) + " EC2 API call(s) refused with RequestExpired"}));
  }
  if (kernel_unsynchronised.value_or(false)) {
    out.push_back(make_finding("CLOCK_UNSYNCHRONIZED", "", "",
                               "The kernel reports its clock as not synchronised (adjtimex)",
                               {"adjtimex: TIME_ERROR / STA_UNSYNC"}));
  }
  return out;
}

std::optional<bool> kernel_clock_unsynchronised() {
  timex tx{};
  int state = adjtimex(&tx);
  if (state == -1) return std::nullopt;
  return state == TIME_ERROR || (tx.status & STA_UNSYNC) != 0;
}

}  // namespace bedrock_reach

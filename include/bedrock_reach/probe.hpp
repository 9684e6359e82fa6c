#pragma once
// The probe contract. Every probe is asynchronous on the check's EventLoop, receives the same
// context, and completes exactly once with a ProbeOutcome: its data plus the findings it proves.
// Pure rules live apart from the adapters that do I/O.
#include <functional>
#include <string>
#include <vector>

#include "bedrock_reach/event_loop.hpp"
#include "bedrock_reach/report.hpp"

namespace spdlog {
class logger;
}

namespace bedrock_reach {

struct ProbeContext {
  EventLoop& loop;
  TimePoint deadline;  // nothing a probe starts may outlive this
  spdlog::logger& log;

  Millis remaining() const {
    auto left = std::chrono::duration_cast<Millis>(deadline - loop.now());
    return left.count() > 0 ? left : Millis{0};
  }
};

template <typename T>
struct ProbeOutcome {
  T data{};
  std::vector<Finding> findings;
  double elapsed_ms = 0;
  bool cut_by_deadline = false;  // true when the deadline ended it early (→ CHECK_DEADLINE)
};

template <typename T>
using ProbeCallback = std::function<void(ProbeOutcome<T>)>;

/// Builds a finding from the catalog entry for `code` (severity and remediation defaults).
Finding make_finding(std::string_view code, std::string service, std::string address,
                     std::string message, std::vector<std::string> evidence = {});

}  // namespace bedrock_reach

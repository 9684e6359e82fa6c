#pragma once
// What the HTTP endpoints serve: the last check (already rendered) and the agent's counters,
// behind one mutex. The main loop writes; server threads read. No I/O here.
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/health.hpp"

namespace bedrock_reach {

struct HttpReply {
  int status = 200;
  std::string content_type;
  std::string body;
};

/// The outcome of one check as the endpoints need it.
struct CheckRecord {
  Severity status = Severity::unknown;
  std::vector<std::string> codes;  // problem_codes()
  std::string json;                // /report
  std::string prometheus;          // the check's series, before the agent's
  /// The report itself and how to render it, for /report?format=text|html (rendered only
  /// when asked: most agents never are). Either may be empty: JSON only.
  std::shared_ptr<const Report> report;
  std::function<std::optional<std::string>(const Report&, std::string_view format)> render;
  TimePoint finished;
  double finished_unix_seconds = 0;
  double duration_seconds = 0;
};

class AgentState {
 public:
  AgentState(std::string version, double start_unix_seconds, HealthPolicy policy);

  void set_policy(const HealthPolicy& policy);
  void record_check(CheckRecord record);
  void count_reload(bool ok);

  HttpReply healthz(TimePoint now) const;
  HttpReply metrics(TimePoint now) const;
  /// /report: `format` "" or "json" (the stored JSON), or one `render` knows (text, html);
  /// 400 naming the choices for anything else, 503 before the first check.
  HttpReply report(std::string_view format = {}) const;
  /// The check's series plus the agent's, as /metrics serves them (also the textfile).
  std::string metrics_text(TimePoint now) const;
  AgentCounters counters(TimePoint now) const;

 private:
  HealthVerdict verdict_locked(TimePoint now) const;
  AgentCounters counters_locked(TimePoint now) const;

  mutable std::mutex mutex_;
  std::string version_;
  HealthPolicy policy_;
  AgentCounters counters_;
  std::optional<CheckRecord> last_;
};

}  // namespace bedrock_reach

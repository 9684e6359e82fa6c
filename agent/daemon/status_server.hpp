#pragma once
// /metrics, /healthz and /report over HTTP (cpp-httplib, its own small thread pool). Handlers
// only read AgentState; they never run a check.
#include <functional>
#include <memory>
#include <thread>

#include "bedrock_reach/result.hpp"
#include "daemon/agent_state.hpp"
#include "daemon/health.hpp"

namespace httplib {
class Server;
}

namespace bedrock_reach {

class StatusServer {
 public:
  using Clock = std::function<TimePoint()>;
  StatusServer(const AgentState& state, Clock clock);
  ~StatusServer();  // stops
  StatusServer(const StatusServer&) = delete;
  StatusServer& operator=(const StatusServer&) = delete;

  /// Binds (port 0: any free port) and starts serving; returns the bound port.
  Result<int> start(const ListenAddress& address);
  /// Stops accepting and joins the server threads. Idempotent.
  void stop();

 private:
  const AgentState& state_;
  Clock clock_;
  std::unique_ptr<httplib::Server> server_;
  std::thread listener_;
};

}  // namespace bedrock_reach

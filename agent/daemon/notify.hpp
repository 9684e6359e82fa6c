#pragma once
// The service manager seam: sd_notify in production, a recorder in tests.
#include <optional>
#include <string>

#include "bedrock_reach/event_loop.hpp"

namespace bedrock_reach {

class Notifier {
 public:
  virtual ~Notifier() = default;
  /// One sd_notify(3) message, e.g. "READY=1\nSTATUS=ok (4 services, 812 ms)".
  virtual void notify(const std::string& message) = 0;
  /// How often to send WATCHDOG=1 (half of WatchdogSec), nullopt when no watchdog is set.
  virtual std::optional<Millis> watchdog_interval() const = 0;
};

/// Talks to $NOTIFY_SOCKET through libsystemd; silently does nothing when it is unset.
class SystemdNotifier final : public Notifier {
 public:
  void notify(const std::string& message) override;
  std::optional<Millis> watchdog_interval() const override;
};

}  // namespace bedrock_reach

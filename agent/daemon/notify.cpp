#include "daemon/notify.hpp"

#include <systemd/sd-daemon.h>

namespace bedrock_reach {

void SystemdNotifier::notify(const std::string& message) {
  // Best effort: a missing or full socket must never stop the agent.
  (void)sd_notify(0, message.c_str());
}

std::optional<Millis> SystemdNotifier::watchdog_interval() const {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  // systemd's advice: ping at half the timeout.
  return Millis(std::max<uint64_t>(usec / 2000, 1));
}

}  // namespace bedrock_reach

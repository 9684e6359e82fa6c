#pragma once
// SIGTERM, SIGINT and SIGHUP as readable events on a signalfd: no work in signal handlers.
// Construct it before starting any thread, so every thread inherits the blocked mask.
#include <optional>

#include "bedrock_reach/result.hpp"

namespace bedrock_reach {

class SignalChannel {
 public:
  /// Blocks the three signals in the calling thread and opens a non-blocking signalfd.
  static Result<SignalChannel> open();
  SignalChannel(SignalChannel&& other) noexcept;
  SignalChannel& operator=(SignalChannel&&) = delete;
  SignalChannel(const SignalChannel&) = delete;
  ~SignalChannel();  // closes the fd and restores the previous mask

  int fd() const { return fd_; }

 private:
  SignalChannel(int fd, const void* old_mask);
  int fd_ = -1;
  unsigned char old_mask_[128] = {};  // sigset_t, kept opaque here
  bool restore_ = false;
};

/// Reads one pending signal from a signalfd; nullopt when none is pending.
std::optional<int> read_signal(int signal_fd);

}  // namespace bedrock_reach

#include "daemon/signals.hpp"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bedrock_reach {

static_assert(sizeof(sigset_t) <= 128, "SignalChannel::old_mask_ too small");

Result<SignalChannel> SignalChannel::open() {
  sigset_t wanted;
  sigemptyset(&wanted);
  sigaddset(&wanted, SIGTERM);
  sigaddset(&wanted, SIGINT);
  sigaddset(&wanted, SIGHUP);
  sigset_t old;
  if (int error = pthread_sigmask(SIG_BLOCK, &wanted, &old); error != 0) {
    return make_error(ErrorKind::internal, std::string("pthread_sigmask: ") + std::strerror(error));
  }
  int fd = signalfd(-1, &wanted, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0) {
    int error = errno;
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    return make_error(ErrorKind::internal, std::string("signalfd: ") + std::strerror(error));
  }
  return SignalChannel(fd, &old);
}

SignalChannel::SignalChannel(int fd, const void* old_mask) : fd_(fd), restore_(true) {
  std::memcpy(old_mask_, old_mask, sizeof(sigset_t));
}

SignalChannel::SignalChannel(SignalChannel&& other) noexcept
    : fd_(other.fd_), restore_(other.restore_) {
  std::memcpy(old_mask_, other.old_mask_, sizeof(old_mask_));
  other.fd_ = -1;
  other.restore_ = false;
}

SignalChannel::~SignalChannel() {
  if (fd_ >= 0) close(fd_);
  if (restore_) {
    sigset_t old;
    std::memcpy(&old, old_mask_, sizeof(sigset_t));
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
  }
}

std::optional<int> read_signal(int signal_fd) {
  signalfd_siginfo info{};
  ssize_t got = read(signal_fd, &info, sizeof(info));
  if (got != static_cast<ssize_t>(sizeof(info))) return std::nullopt;
  return static_cast<int>(info.ssi_signo);
}

}  // namespace bedrock_reach

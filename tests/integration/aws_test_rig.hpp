#pragma once
// What the AWS integration tests share: a real CurlClient on an EpollLoop, a quiet logger, a
// ProbeContext with a deadline, sample XML, and loopback sockets that refuse or stay silent.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/null_sink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "bedrock_reach/environment.hpp"
#include "bedrock_reach/probe.hpp"
#include "http/curl_client.hpp"
#include "loop/epoll_loop.hpp"

namespace bedrock_reach::test {

struct CurlGlobal : ::testing::Environment {
  void SetUp() override { curl_global_setup(); }
  void TearDown() override { curl_global_teardown(); }
};

struct AwsRig {
  EpollLoop loop;
  CurlClient http{loop};
  std::shared_ptr<spdlog::logger> logger =
      std::make_shared<spdlog::logger>("aws-test", std::make_shared<spdlog::sinks::null_sink_mt>());

  ProbeContext context(Millis budget) { return ProbeContext{loop, loop.now() + budget, *logger}; }

  /// Runs the loop until `done` or `limit` passes; true when done.
  bool run(const std::function<bool()>& done, Millis limit = Millis(10000)) {
    return loop.run_until(done, loop.now() + limit);
  }
};

/// Environment from literal pairs (a braced single pair is ambiguous for Environment itself).
inline Environment env_of(std::map<std::string, std::string> vars) {
  return Environment(std::move(vars));
}

inline std::string read_aws_sample(const std::string& name) {
  std::ifstream in(std::string(BR_SOURCE_DIR) + "/tests/unit/aws_samples/" + name,
                   std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A loopback socket: listening but never accepting (connects complete, nothing answers), or
/// closed right away (its port then refuses).
class LoopbackSocket {
 public:
  explicit LoopbackSocket(bool listen_silently) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    if (listen_silently) {
      ::listen(fd_, 64);
    } else {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~LoopbackSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  LoopbackSocket(const LoopbackSocket&) = delete;
  LoopbackSocket& operator=(const LoopbackSocket&) = delete;
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

inline bool has_finding(const std::vector<Finding>& findings, const std::string& code) {
  for (const auto& f : findings) {
    if (f.code == code) return true;
  }
  return false;
}

}  // namespace bedrock_reach::test

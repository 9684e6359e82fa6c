#pragma once
// An in-process HTTP CONNECT proxy on loopback (port 0) for integration tests. It never resolves
// names: targets must be 127.0.0.1 / ::1 literals or names mapped with map_host, so a test can
// never make it reach beyond loopback.
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace bedrock_reach::test {

class ConnectProxy {
 public:
  ConnectProxy();
  ~ConnectProxy();
  ConnectProxy(const ConnectProxy&) = delete;
  ConnectProxy& operator=(const ConnectProxy&) = delete;

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  /// The proxy's own "DNS": CONNECT name:port goes to address:port (a loopback literal).
  void map_host(const std::string& name, const std::string& loopback_address);
  /// Answer every CONNECT with 403 (a proxy that refuses the destination).
  void deny_all(bool deny) { deny_all_ = deny; }
  /// The CONNECT targets seen, "host:port", in order.
  std::vector<std::string> targets() const;

 private:
  void accept_loop();
  void serve(int client);

  int listen_fd_ = -1;
  int stop_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> deny_all_{false};
  mutable std::mutex mutex_;
  std::map<std::string, std::string> hosts_;
  std::vector<std::string> targets_;
  std::vector<std::thread> workers_;
  std::thread acceptor_;
};

}  // namespace bedrock_reach::test

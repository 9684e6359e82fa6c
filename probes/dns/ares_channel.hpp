#pragma once
// RAII c-ares 1.18.1 channel driven by the check's EventLoop (socket-state callback + one loop
// timer from ares_timeout). The implementation is the only file that includes ares.h, and the
// only place where c-ares statuses map to ours.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bedrock_reach/event_loop.hpp"
#include "bedrock_reach/result.hpp"

namespace bedrock_reach {

/// Call once in main before any channel exists (ares_library_init is not thread-safe).
void dns_global_setup();
void dns_global_teardown();

struct DnsServerAddress {
  std::string address;  // normalised IP text
  std::uint16_t port = 53;
};

struct ChannelConfig {
  std::vector<DnsServerAddress> servers;  // at least one
  Millis timeout{1500};                   // first try; c-ares doubles it on each later round
  int tries = 2;                          // rounds over the server list
  bool rotate = false;
  /// Deliver SERVFAIL/REFUSED/NOTIMP replies as they are instead of trying the next server;
  /// right for one-server channels where the rcode is the evidence.
  bool keep_error_replies = false;
  bool use_tcp = false;
};

struct QueryResult {
  std::string status;               // ok|nxdomain|nodata|servfail|refused|timeout|error|cancelled
  std::string error;                // library message when not ok
  std::vector<std::uint8_t> reply;  // raw reply bytes when a server answered
};

class AresChannel {
 public:
  using Callback = std::function<void(QueryResult)>;

  static Result<std::unique_ptr<AresChannel>> create(EventLoop& loop, const ChannelConfig& config);
  /// Destroys the channel; callbacks of unfinished queries are dropped, never called. Must not
  /// run inside one of this channel's callbacks.
  ~AresChannel();
  AresChannel(const AresChannel&) = delete;
  AresChannel& operator=(const AresChannel&) = delete;

  /// Starts one query (type 1 = A, 28 = AAAA); `done` runs exactly once on the loop thread,
  /// unless the channel is destroyed first.
  void query(const std::string& name, std::uint16_t type, Callback done);
  std::size_t in_flight() const;

  struct Impl;

 private:
  explicit AresChannel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace bedrock_reach

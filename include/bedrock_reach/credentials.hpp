#pragma once
#include <chrono>
#include <optional>
#include <ostream>
#include <string>

namespace bedrock_reach {

/// A secret value that never prints itself: formatting shows a fixed mask, so keys, tokens and
/// signatures cannot reach a log, a report or an error by accident. reveal() is for the signer.
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }
  friend std::ostream& operator<<(std::ostream& out, const Secret&) { return out << "***"; }

 private:
  std::string value_;
};

struct Credentials {
  std::string access_key_id;  // identifies, not secret; still shown only as a prefix
  Secret secret_access_key;
  Secret session_token;
  std::optional<std::chrono::system_clock::time_point> expiration;
  std::string source;  // environment|shared-file:PROFILE|instance-role:NAME
};

}  // namespace bedrock_reach

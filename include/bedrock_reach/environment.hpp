#pragma once
// Environment variables as a value, so rules and tests never read the process environment
// implicitly. main snapshots the real one once.
#include <map>
#include <optional>
#include <string>

namespace bedrock_reach {

class Environment {
 public:
  Environment() = default;
  explicit Environment(std::map<std::string, std::string> vars) : vars_(std::move(vars)) {}
  static Environment from_process();

  /// The value when set and non-empty.
  std::optional<std::string> get(const std::string& name) const {
    auto found = vars_.find(name);
    if (found == vars_.end() || found->second.empty()) return std::nullopt;
    return found->second;
  }
  void set(const std::string& name, std::string value) { vars_[name] = std::move(value); }

 private:
  std::map<std::string, std::string> vars_;
};

}  // namespace bedrock_reach

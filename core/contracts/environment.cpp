#include "bedrock_reach/environment.hpp"

#include <unistd.h>

extern char** environ;

namespace bedrock_reach {

Environment Environment::from_process() {
  std::map<std::string, std::string> vars;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string text(*entry);
    auto equals = text.find('=');
    if (equals != std::string::npos) vars.emplace(text.substr(0, equals), text.substr(equals + 1));
  }
  return Environment(std::move(vars));
}

}  // namespace bedrock_reach

#include "config/config.hpp"

#include <toml++/toml.h>
#include <fstream>
#include <set>
#include <sstream>

namespace bedrock_reach {
namespace {

constexpr std::size_t kMaxConfigBytes = 1 << 20;

struct Reader {
  const toml::table& table;
  std::string section;
  std::set<std::string> known;

  std::string key_name(const std::string& key) const {
    return section.empty() ? key : section + "." + key;
  }

  template <typename T>
  void get(const std::string& key, T& out) {
    known.insert(key);
    const toml::node* node = table.get(key);
    if (node == nullptr) return;
    auto value = node->value<T>();
    if (!value || node->type() != toml::impl::node_type_of<T>) {
      throw ConfigError("config key '" + key_name(key) + "' has the wrong type");
    }
    out = *value;
  }

  void get_int(const std::string& key, int& out) {
    long long value = out;
    get(key, value);
    if (value < INT32_MIN || value > INT32_MAX) {
      throw ConfigError("config key '" + key_name(key) + "' is out of range");
    }
    out = static_cast<int>(value);
  }

  void get_strings(const std::string& key, std::vector<std::string>& out) {
    known.insert(key);
    const toml::node* node = table.get(key);
    if (node == nullptr) return;
    const toml::array* array = node->as_array();
    if (array == nullptr)
      throw ConfigError("config key '" + key_name(key) + "' must be an array of strings");
    out.clear();
    for (const auto& element : *array) {
      auto text = element.value<std::string>();
      if (!text || !element.is_string()) {
        throw ConfigError("config key '" + key_name(key) + "' must be an array of strings");
      }
      out.push_back(*text);
    }
  }

  void reject_unknown() const {
    for (const auto& [key, node] : table) {
      if (!known.count(std::string(key.str()))) {
        throw ConfigError("unknown config key '" + key_name(std::string(key.str())) + "'");
      }
    }
  }
};

const toml::table& section_table(const toml::table& root, const std::string& name) {
  static const toml::table kEmpty;
  const toml::node* node = root.get(name);
  if (node == nullptr) return kEmpty;
  const toml::table* table = node->as_table();
  if (table == nullptr) throw ConfigError("config key '" + name + "' must be a table");
  return *table;
}

}  // namespace

Config parse_config(const std::string& toml_text, const std::string& origin) {
  if (toml_text.size() > kMaxConfigBytes) throw ConfigError(origin + ": larger than 1 MiB");
  toml::table root;
  try {
    root = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& error) {
    std::ostringstream message;
    message << origin << ":" << error.source().begin.line << ": " << error.description();
    throw ConfigError(message.str());
  }
  Config config;
  config.source_file = origin;
  for (const auto& [key, node] : root) {
    std::string name(key.str());
    if (name != "check" && name != "output" && name != "agent" && name != "log") {
      throw ConfigError("unknown config key '" + name + "'");
    }
  }
  Reader check{section_table(root, "check"), "check", {}};
  check.get("region", config.region);
  check.get_strings("services", config.services);
  check.get_strings("extra_services", config.extra_services);
  check.get("fips", config.fips);
  check.get_int("timeout_ms", config.timeout_ms);
  check.get_int("max_concurrency", config.max_concurrency);
  check.get("all_resolvers", config.all_resolvers);
  check.get_strings("resolvers", config.resolvers);
  check.get("signed_calls", config.signed_calls);
  check.get("use_proxy", config.use_proxy);
  check.get_int("cert_expiry_warning_days", config.cert_expiry_warning_days);
  check.get("use_ec2_api", config.use_ec2_api);
  check.reject_unknown();

  Reader output{section_table(root, "output"), "output", {}};
  output.get("format", config.format);
  output.get("prometheus_address_labels", config.prometheus_address_labels);
  output.reject_unknown();

  Reader agent{section_table(root, "agent"), "agent", {}};
  agent.get_int("interval_ms", config.interval_ms);
  agent.get("listen", config.listen);
  agent.get_int("stale_after_ms", config.stale_after_ms);
  agent.get("healthz_warning_ok", config.healthz_warning_ok);
  agent.get("textfile", config.textfile);
  agent.reject_unknown();

  Reader log{section_table(root, "log"), "log", {}};
  log.get("level", config.log_level);
  log.reject_unknown();

  validate_config(config);
  return config;
}

Config load_config_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError("cannot read config file '" + path + "'");
  std::string text;
  text.resize(kMaxConfigBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return parse_config(text, path);
}

void validate_config(const Config& c) {
  auto fail = [](const std::string& key, const std::string& why) {
    throw ConfigError("config key '" + key + "' " + why);
  };
  if (c.timeout_ms < 100 || c.timeout_ms > 600000) fail("check.timeout_ms", "must be 100..600000");
  if (c.max_concurrency < 1 || c.max_concurrency > 4096)
    fail("check.max_concurrency", "must be 1..4096");
  if (c.cert_expiry_warning_days < 0 || c.cert_expiry_warning_days > 3650) {
    fail("check.cert_expiry_warning_days", "must be 0..3650");
  }
  static const std::set<std::string> kFormats = {"text", "json", "prometheus", "emf", "html"};
  if (!kFormats.count(c.format))
    fail("output.format", "must be one of text, json, prometheus, emf, html");
  if (c.interval_ms < 100 || c.interval_ms > 86400000)
    fail("agent.interval_ms", "must be 100..86400000");
  if (c.stale_after_ms < 0) fail("agent.stale_after_ms", "must be >= 0");
  if (c.listen.find(':') == std::string::npos) fail("agent.listen", "must be ADDRESS:PORT");
  static const std::set<std::string> kLevels = {"trace", "debug", "info", "warn", "error", "off"};
  if (!kLevels.count(c.log_level))
    fail("log.level", "must be one of trace, debug, info, warn, error, off");
}

namespace {

std::string quoted(const std::string& text) {
  std::ostringstream out;
  out << toml::value<std::string>(text);
  return out.str();
}

std::string list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + quoted(items[i]);
  return out + "]";
}

}  // namespace

std::string config_to_toml(const Config& c) {
  std::ostringstream out;
  auto b = [](bool v) { return v ? "true" : "false"; };
  out << "[check]\n"
      << "region = " << quoted(c.region) << "\n"
      << "services = " << list(c.services) << "\n"
      << "extra_services = " << list(c.extra_services) << "\n"
      << "fips = " << b(c.fips) << "\n"
      << "timeout_ms = " << c.timeout_ms << "\n"
      << "max_concurrency = " << c.max_concurrency << "\n"
      << "all_resolvers = " << b(c.all_resolvers) << "\n"
      << "resolvers = " << list(c.resolvers) << "\n"
      << "signed_calls = " << b(c.signed_calls) << "\n"
      << "use_proxy = " << b(c.use_proxy) << "\n"
      << "cert_expiry_warning_days = " << c.cert_expiry_warning_days << "\n"
      << "use_ec2_api = " << b(c.use_ec2_api) << "\n\n"
      << "[output]\n"
      << "format = " << quoted(c.format) << "\n"
      << "prometheus_address_labels = " << b(c.prometheus_address_labels) << "\n\n"
      << "[agent]\n"
      << "interval_ms = " << c.interval_ms << "\n"
      << "listen = " << quoted(c.listen) << "\n"
      << "stale_after_ms = " << c.stale_after_ms << "\n"
      << "healthz_warning_ok = " << b(c.healthz_warning_ok) << "\n"
      << "textfile = " << quoted(c.textfile) << "\n\n"
      << "[log]\n"
      << "level = " << quoted(c.log_level) << "\n";
  return out.str();
}

}  // namespace bedrock_reach

#include "config/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>

#include "aws/region.hpp"
#include "bedrock_reach/ip.hpp"
#include "daemon/health.hpp"
#include "dns/targets.hpp"
#include "render/render.hpp"

namespace bedrock_reach {
namespace {

constexpr std::size_t kMaxConfigBytes = 1 << 20;

// Where each key sits in the file, so a message can name the line.
using KeyLines = std::map<std::string, long>;

std::string at_line(const std::string& origin, const toml::node& node) {
  const auto line = node.source().begin.line;
  return line > 0 ? origin + ":" + std::to_string(line) + ": " : origin + ": ";
}

// Levenshtein distance, for "did you mean": config keys are short, so O(n*m) is nothing.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The closest of `candidates` to `word`, if it is close enough to be a typo.
std::string closest(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    const std::size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

struct Reader {
  const toml::table& table;
  std::string section;
  std::string origin;
  KeyLines& lines;
  std::vector<std::string> known;

  std::string key_name(const std::string& key) const {
    return section.empty() ? key : section + "." + key;
  }

  const toml::node* find(const std::string& key) {
    known.push_back(key);
    const toml::node* node = table.get(key);
    if (node != nullptr) lines[key_name(key)] = node->source().begin.line;
    return node;
  }

  [[noreturn]] void fail(const toml::node& node, const std::string& key,
                         const std::string& why) const {
    throw ConfigError(at_line(origin, node) + "config key '" + key_name(key) + "': " + why,
                      key_name(key));
  }

  template <typename T>
  void get(const std::string& key, T& out) {
    const toml::node* node = find(key);
    if (node == nullptr) return;
    auto value = node->value<T>();
    if (!value || node->type() != toml::impl::node_type_of<T>) {
      fail(*node, key, "has the wrong type");
    }
    out = *value;
  }

  void get_int(const std::string& key, int& out) {
    long long value = out;
    get(key, value);
    if (value < INT32_MIN || value > INT32_MAX) fail(*table.get(key), key, "is out of range");
    out = static_cast<int>(value);
  }

  void get_strings(const std::string& key, std::vector<std::string>& out) {
    const toml::node* node = find(key);
    if (node == nullptr) return;
    const toml::array* array = node->as_array();
    if (array == nullptr) fail(*node, key, "must be an array of strings");
    out.clear();
    for (const auto& element : *array) {
      auto text = element.value<std::string>();
      if (!text || !element.is_string()) fail(*node, key, "must be an array of strings");
      out.push_back(*text);
    }
  }

  // After every section was read, so a key in the wrong table can point to the right one.
  void reject_unknown(const std::vector<const Reader*>& all) const {
    for (const auto& [key, node] : table) {
      const std::string name(key.str());
      if (std::find(known.begin(), known.end(), name) != known.end()) continue;
      std::string hint;
      if (std::string near = closest(name, known); !near.empty()) {
        hint = " (did you mean '" + key_name(near) + "'?)";
      } else {
        for (const Reader* other : all) {
          if (std::find(other->known.begin(), other->known.end(), name) != other->known.end()) {
            hint = " (did you mean '" + other->key_name(name) + "' in [" + other->section + "]?)";
          }
        }
      }
      throw ConfigError(
          at_line(origin, node) + "unknown config key '" + key_name(name) + "'" + hint,
          key_name(name));
    }
  }
};

const std::vector<std::string> kSections = {"check", "output", "agent", "log"};

const toml::table& section_table(const toml::table& root, const std::string& name,
                                 const std::string& origin) {
  static const toml::table kEmpty;
  const toml::node* node = root.get(name);
  if (node == nullptr) return kEmpty;
  const toml::table* table = node->as_table();
  if (table == nullptr) {
    throw ConfigError(at_line(origin, *node) + "config key '" + name + "' must be a table", name);
  }
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
    if (std::find(kSections.begin(), kSections.end(), name) == kSections.end()) {
      std::string near = closest(name, kSections);
      throw ConfigError(at_line(origin, node) + "unknown config table '" + name + "'" +
                            (near.empty() ? "" : " (did you mean '" + near + "'?)"),
                        name);
    }
  }
  KeyLines lines;
  Reader check{section_table(root, "check", origin), "check", origin, lines, {}};
  check.get("region", config.region);
  check.get_strings("services", config.services);
  check.get_strings("extra_services", config.extra_services);
  check.get("fips", config.fips);
  check.get_strings("models", config.models);
  check.get_strings("endpoint_urls", config.endpoint_urls);
  check.get_int("timeout_ms", config.timeout_ms);
  check.get_int("max_concurrency", config.max_concurrency);
  check.get("all_resolvers", config.all_resolvers);
  check.get_strings("resolvers", config.resolvers);
  check.get("signed_calls", config.signed_calls);
  check.get("use_proxy", config.use_proxy);
  check.get_int("cert_expiry_warning_days", config.cert_expiry_warning_days);
  check.get("use_ec2_api", config.use_ec2_api);

  Reader output{section_table(root, "output", origin), "output", origin, lines, {}};
  output.get("format", config.format);
  output.get("prometheus_address_labels", config.prometheus_address_labels);

  Reader agent{section_table(root, "agent", origin), "agent", origin, lines, {}};
  agent.get_int("interval_ms", config.interval_ms);
  agent.get("listen", config.listen);
  agent.get_int("stale_after_ms", config.stale_after_ms);
  agent.get("healthz_warning_ok", config.healthz_warning_ok);
  agent.get("textfile", config.textfile);
  agent.get("emf_file", config.emf_file);

  Reader log{section_table(root, "log", origin), "log", origin, lines, {}};
  log.get("level", config.log_level);
  log.get("format", config.log_format);

  const std::vector<const Reader*> all = {&check, &output, &agent, &log};
  for (const Reader* reader : all) reader->reject_unknown(all);

  if (auto problems = config_problems(config); !problems.empty()) {
    const auto& first = problems.front();
    auto line = lines.find(first.key);
    std::string where = line != lines.end() && line->second > 0
                            ? origin + ":" + std::to_string(line->second) + ": "
                            : origin + ": ";
    throw ConfigError(where + "config key '" + first.key + "': " + first.reason, first.key);
  }
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

namespace {

// Untrusted text echoed in a one-line message: at most 64 printable characters.
std::string shown(const std::string& text) {
  std::string out = text.substr(0, 64);
  for (auto& c : out) {
    if (!std::isprint(static_cast<unsigned char>(c))) c = '?';
  }
  return "'" + out + "'";
}

}  // namespace

std::vector<ConfigProblem> config_problems(const Config& c) {
  std::vector<ConfigProblem> problems;
  auto add = [&problems](std::string key, std::string why) {
    problems.push_back({std::move(key), std::move(why)});
  };
  if (!c.region.empty() && !partition_for_region(c.region)) {
    add("check.region",
        shown(c.region) + " is not a Region name such as us-east-1, us-gov-west-1 or cn-north-1");
  }
  // build_targets holds the one rule for service names (lowercase DNS labels); any valid
  // Region serves to ask it.
  const auto any_region = make_region("us-east-1", "config");
  for (const auto* list : {&c.services, &c.extra_services}) {
    for (const auto& service : *list) {
      if (any_region && !build_targets(*any_region, {service}, false)) {
        add(list == &c.services ? "check.services" : "check.extra_services",
            shown(service) + " is not a service name (a lowercase DNS label such as " +
                "bedrock-runtime)");
      }
    }
  }
  if (c.timeout_ms < 100 || c.timeout_ms > 600000) add("check.timeout_ms", "must be 100..600000");
  if (c.models.size() > 32) add("check.models", "must list at most 32 models");
  for (const auto& model : c.models) {
    // Model and inference-profile IDs and ARNs: letters, digits and . - _ : / only.
    bool ok = !model.empty() && model.size() <= 256 &&
              std::all_of(model.begin(), model.end(), [](char ch) {
                return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' ||
                       ch == '_' || ch == ':' || ch == '/';
              });
    if (!ok) {
      add("check.models", "must be model IDs or ARNs (letters, digits, . - _ : /)");
      break;
    }
  }
  if (c.endpoint_urls.size() > 16) add("check.endpoint_urls", "must list at most 16 endpoints");
  for (const auto& text : c.endpoint_urls) {
    if (auto parsed = parse_endpoint_override(text); !parsed) {
      add("check.endpoint_urls", shown(text) + ": " + parsed.error().message);
      break;
    }
  }
  if (c.max_concurrency < 1 || c.max_concurrency > 4096)
    add("check.max_concurrency", "must be 1..4096");
  for (const auto& resolver : c.resolvers) {
    if (!IpAddress::parse(resolver))
      add("check.resolvers", shown(resolver) + " is not an IP address");
  }
  if (c.cert_expiry_warning_days < 0 || c.cert_expiry_warning_days > 3650) {
    add("check.cert_expiry_warning_days", "must be 0..3650");
  }
  if (!parse_output_format(c.format))
    add("output.format", shown(c.format) + " is not one of " + output_format_list());
  if (c.interval_ms < 100 || c.interval_ms > 86400000)
    add("agent.interval_ms", "must be 100..86400000");
  if (auto listen = parse_listen_address(c.listen); !listen)
    add("agent.listen", "must be ADDRESS:PORT (" + listen.error().message + ")");
  if (c.stale_after_ms < 0) add("agent.stale_after_ms", "must be >= 0");
  static const std::vector<std::string> kLevels = {"trace", "debug", "info",
                                                   "warn",  "error", "off"};
  if (std::find(kLevels.begin(), kLevels.end(), c.log_level) == kLevels.end())
    add("log.level", shown(c.log_level) + " is not one of trace, debug, info, warn, error, off");
  if (c.log_format != "text" && c.log_format != "json")
    add("log.format", shown(c.log_format) + " is not one of text, json");
  return problems;
}

void validate_config(const Config& c) {
  if (auto problems = config_problems(c); !problems.empty()) {
    const auto& first = problems.front();
    throw ConfigError("config key '" + first.key + "': " + first.reason, first.key);
  }
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
      << "models = " << list(c.models) << "\n"
      << "endpoint_urls = " << list(c.endpoint_urls) << "\n"
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
      << "textfile = " << quoted(c.textfile) << "\n"
      << "emf_file = " << quoted(c.emf_file) << "\n\n"
      << "[log]\n"
      << "level = " << quoted(c.log_level) << "\n"
      << "format = " << quoted(c.log_format) << "\n";
  return out.str();
}

}  // namespace bedrock_reach

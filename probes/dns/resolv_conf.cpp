#include "dns/resolv_conf.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "bedrock_reach/ip.hpp"
#include "bedrock_reach/strings.hpp"
#include "fs/text_file.hpp"

namespace bedrock_reach {
namespace {

constexpr std::size_t kMaxNameservers = 3;  // glibc MAXNS
constexpr std::size_t kMaxSearch = 32;
constexpr std::size_t kMaxLineBytes = 1024;
constexpr std::size_t kMaxNameBytes = 253;
constexpr std::size_t kMaxWarnings = 32;

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

void warn(ResolvConf& conf, int line, const std::string& what) {
  if (conf.warnings.size() < kMaxWarnings)
    conf.warnings.push_back("line " + std::to_string(line) + ": " + what);
}

int capped_number(std::string_view text, int cap, int fallback) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return fallback;
  return std::min(value, cap);
}

void apply_option(ResolvConf& conf, std::string_view option, int line) {
  conf.options.emplace_back(option.substr(0, 64));
  auto colon = option.find(':');
  std::string_view key = option.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? "" : option.substr(colon + 1);
  if (key == "ndots") {
    conf.ndots = capped_number(value, 15, conf.ndots);
  } else if (key == "timeout") {
    conf.timeout_s = std::max(1, capped_number(value, 30, conf.timeout_s));
  } else if (key == "attempts") {
    conf.attempts = std::max(1, capped_number(value, 5, conf.attempts));
  } else if (key == "rotate") {
    conf.rotate = true;
  } else if (key == "edns0") {
    conf.edns0 = true;
  } else if (key == "use-vc") {
    conf.use_vc = true;
  } else if (key == "no-aaaa") {
    conf.no_aaaa = true;
  } else if (key == "single-request" || key == "single-request-reopen") {
    conf.single_request = true;
  } else if (key == "trust-ad") {
    conf.trust_ad = true;
  } else if (key != "debug" && key != "inet6" && key != "no-check-names" && key != "no-tld-query" &&
             key != "no-reload" && key != "ip6-bytestring" && key != "ip6-dotint" &&
             key != "no-ip6-dotint") {
    warn(conf, line, "unknown option '" + std::string(option.substr(0, 64)) + "'");
  }
}

std::string lower_name(std::string_view name) {
  std::string out = strings::lower(name);
  if (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

}  // namespace

ResolvConf parse_resolv_conf(std::string_view text) {
  ResolvConf conf;
  int line_number = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (line.size() > kMaxLineBytes) {
      warn(conf, line_number, "line longer than 1024 bytes ignored");
      continue;
    }
    auto comment = line.find_first_of("#;");
    if (comment != std::string_view::npos) line = line.substr(0, comment);
    auto words = split_words(line);
    if (words.empty()) continue;
    std::string_view keyword = words.front();
    if (keyword == "nameserver") {
      if (words.size() < 2) {
        warn(conf, line_number, "nameserver without an address");
        continue;
      }
      auto address = IpAddress::parse(words[1]);
      std::string shown(words[1].substr(0, 64));
      if (!address) {
        // Scoped link-local (fe80::1%eth0) and names are not usable by us: keep them visible.
        warn(conf, line_number, "nameserver '" + shown + "' is not an IP address");
        conf.ignored_nameservers.push_back(shown);
      } else if (conf.nameservers.size() >= kMaxNameservers) {
        warn(conf, line_number, "more than 3 nameservers: glibc ignores '" + shown + "'");
        conf.ignored_nameservers.push_back(address->to_string());
      } else {
        conf.nameservers.push_back(address->to_string());
      }
    } else if (keyword == "search" || keyword == "domain") {
      conf.search.clear();
      for (std::size_t i = 1; i < words.size() && conf.search.size() < kMaxSearch; ++i) {
        if (words[i].size() > kMaxNameBytes) continue;
        auto name = lower_name(words[i]);
        if (!name.empty() && name != ".") conf.search.push_back(name);
      }
    } else if (keyword == "options") {
      for (std::size_t i = 1; i < words.size() && conf.options.size() < 64; ++i)
        apply_option(conf, words[i], line_number);
    } else if (keyword != "sortlist") {
      warn(conf, line_number, "unknown keyword '" + std::string(keyword.substr(0, 32)) + "'");
    }
  }
  return conf;
}

Result<ResolvConf> load_resolv_conf(const std::string& path) {
  auto text = read_text_file(path, kMaxResolvConfBytes);
  if (!text) {
    if (text.error().kind != ErrorKind::not_found) return tl::unexpected(text.error());
    ResolvConf conf;
    conf.file_missing = true;
    conf.nameservers.push_back("127.0.0.1");
    conf.warnings.push_back(path + " is missing: the resolver uses 127.0.0.1");
    return conf;
  }
  return parse_resolv_conf(*text);
}

}  // namespace bedrock_reach

#include "dns/hosts_file.hpp"

#include <algorithm>
#include <cctype>

#include "bedrock_reach/ip.hpp"
#include "bedrock_reach/strings.hpp"
#include "fs/text_file.hpp"

namespace bedrock_reach {
namespace {

constexpr std::size_t kMaxEntries = 200000;
constexpr std::size_t kMaxNamesPerLine = 35;  // glibc MAXALIASES
constexpr std::size_t kMaxLineBytes = 4096;
constexpr std::size_t kMaxNameBytes = 253;
constexpr std::size_t kMaxWarnings = 32;

std::string normalise_name(std::string_view name) {
  std::string out = strings::lower(name.substr(0, kMaxNameBytes + 1));
  if (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    std::size_t start = i;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

template <typename Fn>
void for_each_line(std::string_view text, Fn&& fn) {
  std::size_t pos = 0;
  int number = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    fn(++number, text.substr(pos, end - pos));
    pos = end + 1;
  }
}

bool matches(const HostsEntry& entry, const std::string& wanted) {
  return std::find(entry.names.begin(), entry.names.end(), wanted) != entry.names.end();
}

}  // namespace

HostsFile parse_hosts_file(std::string_view text) {
  HostsFile hosts;
  auto warn = [&](int line, const std::string& what) {
    if (hosts.warnings.size() < kMaxWarnings)
      hosts.warnings.push_back("line " + std::to_string(line) + ": " + what);
  };
  for_each_line(text, [&](int number, std::string_view line) {
    if (hosts.entries.size() >= kMaxEntries) return;
    if (line.size() > kMaxLineBytes) {
      warn(number, "line longer than 4096 bytes ignored");
      return;
    }
    auto hash = line.find('#');
    if (hash != std::string_view::npos) line = line.substr(0, hash);
    auto words = split_words(line);
    if (words.empty()) return;
    auto address = IpAddress::parse(words.front());
    if (!address) {
      warn(number, "'" + std::string(words.front().substr(0, 64)) + "' is not an IP address");
      return;
    }
    if (words.size() < 2) {
      warn(number, "address without a name");
      return;
    }
    HostsEntry entry;
    entry.address = address->to_string();
    entry.line = number;
    for (std::size_t i = 1; i < words.size() && entry.names.size() < kMaxNamesPerLine; ++i) {
      if (words[i].size() > kMaxNameBytes) continue;
      entry.names.push_back(normalise_name(words[i]));
    }
    if (!entry.names.empty()) hosts.entries.push_back(std::move(entry));
  });
  if (hosts.entries.size() >= kMaxEntries)
    hosts.warnings.push_back("more than 200000 entries: the rest ignored");
  return hosts;
}

std::vector<std::string> HostsFile::lookup(std::string_view name) const {
  std::string wanted = normalise_name(name);
  std::vector<std::string> addresses;
  for (const auto& entry : entries) {
    if (matches(entry, wanted) &&
        std::find(addresses.begin(), addresses.end(), entry.address) == addresses.end())
      addresses.push_back(entry.address);
  }
  return addresses;
}

std::vector<std::string> HostsFile::evidence(std::string_view name) const {
  std::string wanted = normalise_name(name);
  std::vector<std::string> lines;
  for (const auto& entry : entries) {
    if (!matches(entry, wanted) || lines.size() >= 16) continue;
    std::string line = "hosts line " + std::to_string(entry.line) + ": " + entry.address;
    for (const auto& alias : entry.names) line += " " + alias;
    lines.push_back(std::move(line));
  }
  return lines;
}

Result<HostsFile> load_hosts_file(const std::string& path) {
  auto text = read_text_file(path, kMaxHostsBytes);
  if (!text) {
    if (text.error().kind == ErrorKind::not_found) return HostsFile{};
    return tl::unexpected(text.error());
  }
  return parse_hosts_file(*text);
}

std::vector<NssSource> parse_nsswitch_hosts(std::string_view text) {
  std::vector<NssSource> sources;
  bool found = false;
  for_each_line(text, [&](int, std::string_view line) {
    if (found || line.size() > kMaxLineBytes) return;
    auto hash = line.find('#');
    if (hash != std::string_view::npos) line = line.substr(0, hash);
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return;
    auto key = split_words(line.substr(0, colon));
    if (key.size() != 1 || key.front() != "hosts") return;
    found = true;
    // Sources and [STATUS=action] groups; only NOTFOUND=return changes what we model.
    std::string_view rest = line.substr(colon + 1);
    std::size_t i = 0;
    while (i < rest.size() && sources.size() < 16) {
      if (std::isspace(static_cast<unsigned char>(rest[i]))) {
        ++i;
      } else if (rest[i] == '[') {
        auto close = rest.find(']', i);
        std::string action(
            rest.substr(i + 1, (close == std::string_view::npos ? rest.size() : close) - i - 1));
        std::transform(action.begin(), action.end(), action.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        action.erase(std::remove_if(action.begin(), action.end(),
                                    [](unsigned char c) { return std::isspace(c); }),
                     action.end());
        if (!sources.empty() && action.find("NOTFOUND=RETURN") != std::string::npos &&
            action.find("!NOTFOUND") == std::string::npos)
          sources.back().return_on_notfound = true;
        i = close == std::string_view::npos ? rest.size() : close + 1;
      } else {
        std::size_t start = i;
        while (i < rest.size() && !std::isspace(static_cast<unsigned char>(rest[i])) &&
               rest[i] != '[')
          ++i;
        sources.push_back(NssSource{std::string(rest.substr(start, i - start)), false});
      }
    }
  });
  if (!found || sources.empty()) return {NssSource{"files", false}, NssSource{"dns", false}};
  return sources;
}

std::vector<NssSource> load_nsswitch_hosts(const std::string& path) {
  auto text = read_text_file(path, 64 * 1024);
  return parse_nsswitch_hosts(text ? std::string_view(*text) : std::string_view());
}

}  // namespace bedrock_reach

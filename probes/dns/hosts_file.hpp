#pragma once
// /etc/hosts and the `hosts:` line of nsswitch.conf: what the host path consults before (or
// after) DNS. Pure parsers with caps.
#include <string>
#include <string_view>
#include <vector>

#include "bedrock_reach/result.hpp"

namespace bedrock_reach {

struct HostsEntry {
  std::string address;             // normalised
  std::vector<std::string> names;  // lowercased, canonical name first
  int line = 0;
};

struct HostsFile {
  std::vector<HostsEntry> entries;
  std::vector<std::string> warnings;  // "line N: ..." for ignored lines, caps hit

  /// Addresses pinned for `name` (case-insensitive, trailing dot ignored), file order, no
  /// duplicates.
  std::vector<std::string> lookup(std::string_view name) const;
  /// The matching lines as evidence: "/etc/hosts line 3: 10.0.0.9 bedrock-runtime...".
  std::vector<std::string> evidence(std::string_view name) const;
};

inline constexpr std::size_t kMaxHostsBytes = 8 * 1024 * 1024;

HostsFile parse_hosts_file(std::string_view text);
/// A missing file is an empty HostsFile.
Result<HostsFile> load_hosts_file(const std::string& path);

/// One source of the nsswitch `hosts:` line and whether NOTFOUND stops the lookup there.
struct NssSource {
  std::string name;  // files, dns, resolve, myhostname, mdns4_minimal, ...
  bool return_on_notfound = false;
};

/// `hosts:` sources in order; "files dns" (glibc's default) when the line or file is absent.
std::vector<NssSource> parse_nsswitch_hosts(std::string_view text);
std::vector<NssSource> load_nsswitch_hosts(const std::string& path);

}  // namespace bedrock_reach

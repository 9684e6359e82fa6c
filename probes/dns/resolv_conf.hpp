#pragma once
// resolv.conf as glibc reads it (resolv.conf(5)): nameservers, search list, options. Pure parser
// with caps; unknown lines are kept as warnings, never errors.
#include <string>
#include <string_view>
#include <vector>

#include "bedrock_reach/result.hpp"

namespace bedrock_reach {

struct ResolvConf {
  std::vector<std::string> nameservers;          // normalised addresses, first 3 (glibc MAXNS)
  std::vector<std::string> ignored_nameservers;  // beyond the third, or not an address
  std::vector<std::string> search;               // the last search/domain line wins
  int ndots = 1;                                 // capped at 15
  int timeout_s = 5;                             // capped at 30
  int attempts = 2;                              // capped at 5
  bool rotate = false;
  bool edns0 = false;
  bool use_vc = false;
  bool no_aaaa = false;  // glibc 2.36: applications get no AAAA answers
  bool single_request = false;
  bool trust_ad = false;
  std::vector<std::string> options;   // every option token as written, in order
  std::vector<std::string> warnings;  // ignored lines and caps hit, "line N: ..."
  bool file_missing = false;          // glibc then uses the local server (127.0.0.1)
};

inline constexpr std::size_t kMaxResolvConfBytes = 64 * 1024;

ResolvConf parse_resolv_conf(std::string_view text);
/// A missing file yields glibc's defaults (nameserver 127.0.0.1, file_missing); other read
/// errors are errors.
Result<ResolvConf> load_resolv_conf(const std::string& path);

}  // namespace bedrock_reach

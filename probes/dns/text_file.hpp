#pragma once
// Reads a small local text file (resolv.conf, hosts, nsswitch.conf) with a size cap. Local files
// only: called before any query starts, never from inside the loop's hot path.
#include <cstddef>
#include <string>

#include "bedrock_reach/result.hpp"

namespace bedrock_reach {

/// ErrorKind::not_found when the file is absent, too_large past `max_bytes`, io otherwise.
Result<std::string> read_text_file(const std::string& path, std::size_t max_bytes);

}  // namespace bedrock_reach

#pragma once
// Reads a small local text file (resolv.conf, hosts, AWS config and credentials, token files) with
// a size cap: a hostile or runaway file costs at most the cap. Local files only.
#include <cstddef>
#include <string>

#include "bedrock_reach/result.hpp"

namespace bedrock_reach {

/// ErrorKind::not_found when the file is absent, too_large past `max_bytes`, io otherwise.
Result<std::string> read_text_file(const std::string& path, std::size_t max_bytes);

}  // namespace bedrock_reach

#pragma once
// Writing --output and the Prometheus textfile: readers never see a half-written file.
#include <sys/types.h>
#include <string>
#include <string_view>

#include "bedrock_reach/result.hpp"

namespace bedrock_reach {

/// Writes `content` to a temporary file in the same directory, fsyncs it, sets `mode`, renames
/// it over `path` and fsyncs the directory. On any error the temporary file is removed and
/// the error (kind io) names `path` and the failing step; the old file, if any, is untouched.
Result<void> write_file_atomically(const std::string& path, std::string_view content,
                                   mode_t mode = 0644);

}  // namespace bedrock_reach

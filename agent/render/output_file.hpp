#pragma once
// Writing --output and the Prometheus textfile: readers never see a half-written file, and
// whatever already sits at the path is never destroyed. Regular files are replaced atomically
// (their mode and owner kept); a symlink is written through to the regular file it names;
// FIFOs, devices, sockets and directories are refused (a rename would replace the node itself:
// `-o /dev/stdout` as root once replaced the host's /dev/stdout with a file).
#include <sys/types.h>
#include <string>
#include <string_view>

#include "bedrock_reach/result.hpp"

namespace bedrock_reach {

/// What a write to `path` would do, decided without writing anything.
struct OutputTarget {
  std::string path;     // the path written (a symlink's resolved target)
  bool exists = false;  // a regular file is there: its mode and owner are kept
  mode_t mode = 0;      // of the existing file
  uid_t uid = 0;
  gid_t gid = 0;
};

/// Checks that `path` can be written before any work starts: the node there (after following
/// symlinks) is absent or a regular file, and its directory accepts a new file (probed by
/// creating and removing one, which is the only test that sees read-only mounts and ACLs).
/// Errors (kind invalid_input or io) are one line naming `path`.
Result<OutputTarget> prepare_output(const std::string& path);

/// prepare_output(), then: writes `content` to a temporary file in the target's directory,
/// fsyncs it, sets the mode (`mode` for a new file, the old one's mode and owner otherwise),
/// renames it over the target and fsyncs the directory. On any error the temporary file is
/// removed and the error names `path` and the failing step; the old file is untouched.
Result<void> write_file_atomically(const std::string& path, std::string_view content,
                                   mode_t mode = 0644);

/// Appends `content` (whole lines) to the regular file at `path`, creating it (0644) if absent;
/// for logs another program tails (EMF for the CloudWatch agent). Symlinks and anything but a
/// regular file are refused, as with write_file_atomically.
Result<void> append_to_file(const std::string& path, std::string_view content);

}  // namespace bedrock_reach

#include "fs/text_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace bedrock_reach {

Result<std::string> read_text_file(const std::string& path, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int saved = errno;
    if (saved == ENOENT) return make_error(ErrorKind::not_found, path + ": no such file");
    return make_error(ErrorKind::io, path + ": " + std::strerror(saved));
  }
  std::string text;
  char buffer[8192];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_bytes)
      return make_error(ErrorKind::too_large,
                        path + ": larger than " + std::to_string(max_bytes) + " bytes");
  }
  return text;
}

}  // namespace bedrock_reach

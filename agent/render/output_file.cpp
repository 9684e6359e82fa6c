#include "render/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <string>

namespace bedrock_reach {
namespace {

// Owns a file descriptor; closes it on every path out.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() { reset(); }
  int get() const { return fd_; }
  // Closes now and reports the close error (a write error can surface only here).
  int reset() {
    int rc = 0;
    if (fd_ >= 0) rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

tl::unexpected<Error> io_error(const std::string& path, const char* step, int err) {
  return make_error(ErrorKind::io,
                    "cannot write " + path + ": " + step + ": " + std::strerror(err));
}

}  // namespace

Result<void> write_file_atomically(const std::string& path, std::string_view content, mode_t mode) {
  if (path.empty()) return make_error(ErrorKind::invalid_input, "output path is empty");
  const auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "."
                          : slash == 0               ? "/"
                                                     : path.substr(0, slash);
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  if (base.empty())
    return make_error(ErrorKind::invalid_input, "output path names a directory: " + path);

  // Same directory, so rename() is atomic; a leading dot keeps collectors (node_exporter
  // reads *.prom) from picking up the temporary file.
  std::string temp = (dir == "/" ? "" : dir) + "/." + base + ".tmp.XXXXXX";
  FileDescriptor fd(::mkostemp(temp.data(), O_CLOEXEC));
  if (fd.get() < 0) return io_error(path, "create temporary file", errno);

  auto fail = [&](const char* step) {
    const int err = errno;
    fd.reset();
    ::unlink(temp.c_str());
    return io_error(path, step, err);
  };
  size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd.get(), content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("write");
    written += static_cast<size_t>(n);
  }
  if (::fchmod(fd.get(), mode) != 0) return fail("chmod");
  if (::fsync(fd.get()) != 0) return fail("fsync");
  if (fd.reset() != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return io_error(path, "close", err);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return io_error(path, "rename", err);
  }
  // The rename is durable only once the directory entry is on disk.
  FileDescriptor dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() >= 0) ::fsync(dir_fd.get());
  return {};
}

}  // namespace bedrock_reach

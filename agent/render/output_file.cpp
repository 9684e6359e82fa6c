#include "render/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>
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

tl::unexpected<Error> refuse(const std::string& path, const std::string& why) {
  return make_error(ErrorKind::invalid_input, path + " " + why + "; refusing to replace it");
}

// The kind of a node that must not be replaced by a file, or nullptr for a regular file.
const char* not_a_file(mode_t mode) {
  if (S_ISREG(mode)) return nullptr;
  if (S_ISDIR(mode)) return "is a directory";
  if (S_ISFIFO(mode)) return "is a FIFO";
  if (S_ISCHR(mode)) return "is a character device";
  if (S_ISBLK(mode)) return "is a block device";
  if (S_ISSOCK(mode)) return "is a socket";
  return "is not a regular file";
}

std::string directory_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string temp_pattern(const std::string& dir, const std::string& base) {
  // Same directory, so rename() is atomic; a leading dot keeps collectors (node_exporter
  // reads *.prom) from picking up the temporary file.
  return (dir == "/" ? "" : dir) + "/." + base + ".tmp.XXXXXX";
}

}  // namespace

Result<OutputTarget> prepare_output(const std::string& path) {
  if (path.empty()) return make_error(ErrorKind::invalid_input, "output path is empty");
  if (path.back() == '/')
    return make_error(ErrorKind::invalid_input, path + " names a directory, not a file");
  OutputTarget target;
  target.path = path;
  struct stat node {};
  if (::lstat(path.c_str(), &node) == 0) {
    if (S_ISLNK(node.st_mode)) {
      // Written through: the link stays and its target gets the report (documented in the
      // man page). A link to nothing, or to a pipe or terminal (/dev/stdout), is refused.
      std::unique_ptr<char, decltype(&std::free)> resolved(::realpath(path.c_str(), nullptr),
                                                           &std::free);
      if (!resolved) {
        return refuse(path, std::string("is a symlink that does not name a file (") +
                                std::strerror(errno) + ")");
      }
      target.path = resolved.get();
      if (::stat(target.path.c_str(), &node) != 0) return io_error(path, "stat", errno);
    }
    if (const char* why = not_a_file(node.st_mode)) return refuse(path, why);
    target.exists = true;
    target.mode = node.st_mode & 0777;
    target.uid = node.st_uid;
    target.gid = node.st_gid;
  } else if (errno != ENOENT) {
    return io_error(path, "stat", errno);
  }
  const std::string dir = directory_of(target.path);
  struct stat dir_node {};
  if (::stat(dir.c_str(), &dir_node) != 0) return io_error(path, "directory", errno);
  if (!S_ISDIR(dir_node.st_mode)) return io_error(path, "directory", ENOTDIR);
  // The real test: create (and remove) a file where the temporary file will go.
  std::string probe = temp_pattern(dir, "bedrock-reach-probe");
  FileDescriptor fd(::mkostemp(probe.data(), O_CLOEXEC));
  if (fd.get() < 0) return io_error(path, "create a file in its directory", errno);
  fd.reset();
  ::unlink(probe.c_str());
  return target;
}

Result<void> write_file_atomically(const std::string& path, std::string_view content, mode_t mode) {
  // Checked again at write time: the node may have changed since the pre-flight.
  auto target = prepare_output(path);
  if (!target) return tl::unexpected(target.error());
  const std::string dir = directory_of(target->path);
  const auto slash = target->path.rfind('/');
  const std::string base =
      slash == std::string::npos ? target->path : target->path.substr(slash + 1);

  std::string temp = temp_pattern(dir, base);
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
  if (target->exists && (target->uid != ::geteuid() || target->gid != ::getegid())) {
    // Keep the owner. Only root (or the owner changing the group to one of its own) may; a
    // user who can replace the file but not chown it gets a file of their own, as cp would.
    if (::fchown(fd.get(), target->uid, target->gid) != 0 && errno != EPERM) return fail("chown");
  }
  if (::fchmod(fd.get(), target->exists ? target->mode : mode) != 0) return fail("chmod");
  if (::fsync(fd.get()) != 0) return fail("fsync");
  if (fd.reset() != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return io_error(path, "close", err);
  }
  if (::rename(temp.c_str(), target->path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return io_error(path, "rename", err);
  }
  // The rename is durable only once the directory entry is on disk.
  FileDescriptor dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() >= 0) ::fsync(dir_fd.get());
  return {};
}

Result<void> append_to_file(const std::string& path, std::string_view content) {
  if (path.empty()) return make_error(ErrorKind::invalid_input, "output path is empty");
  // O_NOFOLLOW and O_NONBLOCK: a symlink fails, and a FIFO with no reader cannot block the agent.
  FileDescriptor fd(::open(
      path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644));
  if (fd.get() < 0) return io_error(path, "open", errno);
  struct stat node {};
  if (::fstat(fd.get(), &node) != 0) return io_error(path, "stat", errno);
  if (const char* why = not_a_file(node.st_mode)) return refuse(path, why);
  size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd.get(), content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error(path, "write", errno);
    written += static_cast<size_t>(n);
  }
  if (fd.reset() != 0) return io_error(path, "close", errno);
  return {};
}

}  // namespace bedrock_reach

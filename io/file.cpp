// Opening, creating and closing log files and their directories. Cold path: every failure is a
// Status naming the path.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>

#include "io/writer.hpp"

namespace lynx::io {
namespace {

// Directories are created like `mkdir -p`, before the umask. Log files carry their own mode.
constexpr mode_t kDirectoryMode = 0755;

// mkdir that accepts an existing directory (or a symlink to one).
Status make_one_directory(const std::string& dir) {
  if (::mkdir(dir.c_str(), kDirectoryMode) == 0) return {};
  const int err = errno;
  if (err == EEXIST) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return {};
    return Status::from_errno(ENOTDIR, "create directory " + dir);
  }
  return Status::from_errno(err, "create directory " + dir);
}

}  // namespace

Status create_file(const std::string& path, unsigned mode, int* fd) {
  *fd = -1;
  // O_EXCL never reuses an existing file; with O_CREAT it also refuses a symlink at `path`
  // (EEXIST), and O_NOFOLLOW says the same in case O_CREAT is ever dropped. The mode goes through
  // the umask like any other program's files.
  constexpr int kFlags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
  int f = -1;
  do {
    f = ::open(path.c_str(), kFlags, static_cast<mode_t>(mode));
  } while (f < 0 && errno == EINTR);
  if (f < 0) return Status::from_errno(errno, "create " + path);
  *fd = f;
  return {};
}

Status open_for_append(const std::string& path, unsigned mode, int* fd, std::uint64_t* size) {
  *fd = -1;
  *size = 0;
  constexpr int kFlags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC;
  int f = -1;
  do {
    f = ::open(path.c_str(), kFlags, static_cast<mode_t>(mode));
  } while (f < 0 && errno == EINTR);
  if (f < 0) return Status::from_errno(errno, "open " + path);
  struct stat st {};
  if (::fstat(f, &st) != 0) {
    const int err = errno;
    ::close(f);
    return Status::from_errno(err, "stat " + path);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(f);
    return Status::error(Status::Code::invalid_argument, "open " + path + ": not a regular file");
  }
  *fd = f;
  *size = static_cast<std::uint64_t>(st.st_size);
  return {};
}

Status rename_file(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0)
    return Status::from_errno(errno, "rename " + from + " to " + to);
  return {};
}

Status create_directories(const std::string& dir) {
  if (dir.empty()) {
    return Status::error(Status::Code::invalid_argument, "create directory: empty path");
  }
  // Every prefix ending before a '/', then the whole path; "a//b/" and "/abs" work too.
  for (std::size_t pos = dir.find('/', 1); pos != std::string::npos; pos = dir.find('/', pos + 1)) {
    if (dir[pos - 1] == '/') continue;
    Status s = make_one_directory(dir.substr(0, pos));
    if (!s.ok()) return s;
  }
  return make_one_directory(dir);
}

Status close_file(int fd, const std::string& path) {
  if (fd < 0) {
    return Status::error(Status::Code::invalid_argument, "close " + path + ": no open file");
  }
  // On Linux the fd is gone even when close() reports EINTR: retrying could close another
  // thread's new fd. EINTR is therefore success; other errors (EIO on NFS) are reported.
  if (::close(fd) != 0 && errno != EINTR) return Status::from_errno(errno, "close " + path);
  return {};
}

Status sync_file(int fd, const std::string& path) {
  if (::fdatasync(fd) != 0) return Status::from_errno(errno, "fdatasync " + path);
  return {};
}

Status remove_file(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return Status::from_errno(errno, "remove " + path);
  return {};
}

}  // namespace lynx::io

#include "format/byte_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace lynx::format {

Status FdSource::open(const std::string& path, std::unique_ptr<FdSource>* out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::from_errno(errno, "open " + path);
  *out = std::make_unique<FdSource>(fd, path);
  return {};
}

FdSource::~FdSource() {
  if (fd_ >= 0) ::close(fd_);
}

Status FdSource::read(std::byte* dst, std::size_t n, std::size_t* got) {
  for (;;) {
    const ssize_t r = ::read(fd_, dst, n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return Status::from_errno(errno, "read " + name_);
    *got = static_cast<std::size_t>(r);
    return {};
  }
}

bool FdSource::regular_file() const {
  struct stat st {};
  return ::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode);
}

Status MemorySource::read(std::byte* dst, std::size_t n, std::size_t* got) {
  *got = std::min(n, bytes_.size() - at_);
  if (*got != 0) std::memcpy(dst, bytes_.data() + at_, *got);
  at_ += *got;
  return {};
}

}  // namespace lynx::format

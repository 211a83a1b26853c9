// The one place where errno values become a Status (STYLE.md habit 6). Callers pass the errno they
// got, positive or as io_uring's negative result, and say what they were doing.
#include "io/errno_status.hpp"

#include <cerrno>
#include <string>
#include <system_error>

#include "base/status.hpp"

namespace lynx {

Status Status::from_errno(int err, const std::string& what) {
  const int e = err < 0 ? -err : err;
  Code code = Code::io_error;
  switch (e) {
    case ENOSPC:
    case EDQUOT:  // a full quota is a full disk to whoever writes the log
      code = Code::no_space;
      break;
    case ENOSYS:
    case EPERM:
    case EOPNOTSUPP:
      code = Code::unavailable;
      break;
    case EINVAL:
      code = Code::invalid_argument;
      break;
    default:
      break;
  }
  // generic_category().message() is strerror()'s text without strerror()'s shared static buffer:
  // the backend and the caller's thread may both build a Status at the same time.
  std::string text =
      e == 0 ? std::string("unknown error (errno 0)") : std::generic_category().message(e);
  return Status(code, what + ": " + text, e);
}

namespace io {

Status write_error(int err, int fd, std::uint64_t offset, std::size_t done, std::size_t size) {
  std::string what = "write fd " + std::to_string(fd) + " at offset " + std::to_string(offset);
  if (done > 0) {
    // Only a prefix reached the file: say how much, a reader of the file will find it torn there.
    what += " (" + std::to_string(done) + " of " + std::to_string(size) + " bytes written)";
  }
  return Status::from_errno(err, what);
}

}  // namespace io
}  // namespace lynx

// The one place where errno values become a Status (STYLE.md habit 6). Callers pass the errno they
// got, positive or as io_uring's negative result, and say what they were doing. In base/ (not io/)
// so that format/ and the CLI, which report open and read errors too, need no io library and so
// no liburing.
#include "base/status.hpp"

#include <cerrno>
#include <string>
#include <system_error>

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
    case EOPNOTSUPP: code = Code::unavailable; break;
    case EINVAL: code = Code::invalid_argument; break;
    default: break;
  }
  // generic_category().message() is strerror()'s text without strerror()'s shared static buffer:
  // the backend and the caller's thread may both build a Status at the same time.
  std::string text =
      e == 0 ? std::string("unknown error (errno 0)") : std::generic_category().message(e);
  return Status(code, what + ": " + text, e);
}

}  // namespace lynx

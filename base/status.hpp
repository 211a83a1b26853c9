// Cold-path error vocabulary shared by io/, compress/, format/, engine/ and tools/.
// A Status is either ok() or carries a code and a human-readable message. It is never used on
// the producer hot path (which reports a full ring as a return value, not a Status).
#pragma once

#include <string>
#include <utility>

namespace lynx {

class Status {
 public:
  enum class Code { ok, invalid_argument, io_error, no_space, unavailable, corrupt, unsupported };

  Status() = default;
  static Status ok_status() { return {}; }
  static Status error(Code code, std::string message) { return Status(code, std::move(message)); }
  // -errno from a syscall or io_uring completion turned into a Status. `what` names the operation
  // and its object ("write logs/app.0.0.lynx"). Defined in base/status.cpp: the one place
  // where errno values are interpreted.
  static Status from_errno(int err, const std::string& what);

  bool ok() const { return code_ == Code::ok; }
  Code code() const { return code_; }
  int sys_errno() const { return errno_; }
  const std::string& message() const { return message_; }
  std::string to_string() const { return ok() ? std::string("ok") : message_; }

 private:
  Status(Code code, std::string message, int err = 0)
      : code_(code), errno_(err), message_(std::move(message)) {}
  Code code_ = Code::ok;
  int errno_ = 0;
  std::string message_;
};

}  // namespace lynx

#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "io/errno_status.hpp"

#include <doctest/doctest.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "base/status.hpp"

using lynx::Status;
using Code = lynx::Status::Code;

TEST_CASE("errno values map to codes") {
  CHECK(Status::from_errno(ENOSPC, "w").code() == Code::no_space);
  CHECK(Status::from_errno(EDQUOT, "w").code() == Code::no_space);
  CHECK(Status::from_errno(ENOSYS, "w").code() == Code::unavailable);
  CHECK(Status::from_errno(EPERM, "w").code() == Code::unavailable);
  CHECK(Status::from_errno(EOPNOTSUPP, "w").code() == Code::unavailable);
  CHECK(Status::from_errno(EINVAL, "w").code() == Code::invalid_argument);
  CHECK(Status::from_errno(EIO, "w").code() == Code::io_error);
  CHECK(Status::from_errno(EBADF, "w").code() == Code::io_error);
  CHECK(Status::from_errno(EEXIST, "w").code() == Code::io_error);
}

TEST_CASE("-errno (an io_uring result) means the same as errno") {
  const Status s = Status::from_errno(-ENOSPC, "write a.log");
  CHECK(s.code() == Code::no_space);
  CHECK(s.sys_errno() == ENOSPC);
  CHECK(s.message() == std::string("write a.log: ") + std::strerror(ENOSPC));
}

TEST_CASE("the message is what, a colon, and strerror") {
  const Status s = Status::from_errno(EIO, "close logs/app.0.lynx");
  CHECK_FALSE(s.ok());
  CHECK(s.message() == std::string("close logs/app.0.lynx: ") + std::strerror(EIO));
  CHECK(s.to_string() == s.message());
}

TEST_CASE("errno 0 is still an error, never ok") { CHECK_FALSE(Status::from_errno(0, "w").ok()); }

TEST_CASE("write_error says where and how much reached the file") {
  const Status none = lynx::io::write_error(ENOSPC, 7, 4096, 0, 8192);
  CHECK(none.code() == Code::no_space);
  CHECK(none.message().find("fd 7") != std::string::npos);
  CHECK(none.message().find("4096") != std::string::npos);
  CHECK(none.message().find("bytes written") == std::string::npos);
  const Status torn = lynx::io::write_error(-EIO, 7, 0, 100, 8192);
  CHECK(torn.code() == Code::io_error);
  CHECK(torn.message().find("100 of 8192 bytes written") != std::string::npos);
}

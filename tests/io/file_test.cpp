#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

#include "io/writer.hpp"
#include "tests/io/io_test_util.hpp"

using lynx::io::close_file;
using lynx::io::create_directories;
using lynx::io::create_file;
using lynx::io::test::read_all;
using lynx::io::test::TempDir;

namespace {

mode_t mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

void write_text(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// Sets the umask for one test and puts the old one back.
struct Umask {
  explicit Umask(mode_t m) : old(::umask(m)) {}
  ~Umask() { ::umask(old); }
  mode_t old;
};

}  // namespace

TEST_CASE("create_file creates a new write-only file with the mode, through the umask") {
  TempDir dir;
  Umask umask(022);
  int fd = -1;
  REQUIRE(create_file(dir.file("a.log"), 0640, &fd).ok());
  CHECK(fd >= 0);
  CHECK(mode_of(dir.file("a.log")) == 0640);
  CHECK((::fcntl(fd, F_GETFL) & O_ACCMODE) == O_WRONLY);
  CHECK((::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
  CHECK(::write(fd, "x", 1) == 1);
  CHECK(close_file(fd, dir.file("a.log")).ok());

  REQUIRE(create_file(dir.file("b.log"), 0666, &fd).ok());
  CHECK(mode_of(dir.file("b.log")) == 0644);
  CHECK(close_file(fd, dir.file("b.log")).ok());
}

TEST_CASE("create_file refuses an existing file and leaves it untouched") {
  TempDir dir;
  write_text(dir.file("old.log"), "keep me");
  int fd = 123;
  const lynx::Status s = create_file(dir.file("old.log"), 0644, &fd);
  CHECK_FALSE(s.ok());
  CHECK(s.sys_errno() == EEXIST);
  CHECK(s.message().find(dir.file("old.log")) != std::string::npos);
  CHECK(fd == -1);
  CHECK(read_all(dir.file("old.log")).size() == 7);
}

TEST_CASE("create_file never follows a symlink") {
  TempDir dir;
  write_text(dir.file("target"), "secret");
  REQUIRE(::symlink(dir.file("target").c_str(), dir.file("link.log").c_str()) == 0);
  REQUIRE(::symlink(dir.file("missing").c_str(), dir.file("dangling.log").c_str()) == 0);
  int fd = -1;
  CHECK_FALSE(create_file(dir.file("link.log"), 0644, &fd).ok());
  CHECK(fd == -1);
  CHECK(read_all(dir.file("target")).size() == 6);
  // A dangling link must not create its target either.
  CHECK_FALSE(create_file(dir.file("dangling.log"), 0644, &fd).ok());
  CHECK(fd == -1);
  CHECK(::access(dir.file("missing").c_str(), F_OK) != 0);
}

TEST_CASE("create_file in a missing directory fails with the path in the message") {
  TempDir dir;
  int fd = -1;
  const lynx::Status s = create_file(dir.file("no/such/dir/a.log"), 0644, &fd);
  CHECK(s.code() == lynx::Status::Code::io_error);
  CHECK(s.sys_errno() == ENOENT);
  CHECK(s.message().find("no/such/dir/a.log") != std::string::npos);
}

TEST_CASE("create_directories makes nested directories and accepts existing ones") {
  TempDir dir;
  const std::string nested = dir.file("a/b/c");
  REQUIRE(create_directories(nested).ok());
  CHECK(is_directory(dir.file("a")));
  CHECK(is_directory(dir.file("a/b")));
  CHECK(is_directory(nested));
  CHECK(create_directories(nested).ok());
  CHECK(create_directories(dir.file("a/b/")).ok());
  CHECK(create_directories(dir.file("a//b2/c2/")).ok());
  CHECK(is_directory(dir.file("a/b2/c2")));
  CHECK(create_directories(dir.path()).ok());
}

TEST_CASE("create_directories accepts a symlink to a directory") {
  TempDir dir;
  REQUIRE(create_directories(dir.file("real")).ok());
  REQUIRE(::symlink(dir.file("real").c_str(), dir.file("alias").c_str()) == 0);
  CHECK(create_directories(dir.file("alias/sub")).ok());
  CHECK(is_directory(dir.file("real/sub")));
}

TEST_CASE("create_directories fails where a file is in the way") {
  TempDir dir;
  write_text(dir.file("file"), "x");
  const lynx::Status s = create_directories(dir.file("file"));
  CHECK_FALSE(s.ok());
  CHECK(s.message().find(dir.file("file")) != std::string::npos);
  CHECK_FALSE(create_directories(dir.file("file/sub")).ok());
  CHECK(create_directories("").code() == lynx::Status::Code::invalid_argument);
}

TEST_CASE("close_file reports a bad fd") {
  TempDir dir;
  int fd = -1;
  REQUIRE(create_file(dir.file("a.log"), 0644, &fd).ok());
  CHECK(close_file(fd, "a.log").ok());
  const lynx::Status again = close_file(fd, "a.log");
  CHECK_FALSE(again.ok());
  CHECK(again.sys_errno() == EBADF);
  CHECK(close_file(-1, "a.log").code() == lynx::Status::Code::invalid_argument);
}

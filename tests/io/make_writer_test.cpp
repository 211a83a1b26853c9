#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "io/writer.hpp"
#include "tests/io/io_test_util.hpp"

using lynx::Status;
using lynx::io::BufferPool;
using lynx::io::Kind;
using lynx::io::make_writer;
using lynx::io::WriterConfig;
using namespace lynx::io::test;

namespace {

// Sets LYNX_IO_DISABLE_URING for one test case and restores the previous state.
class DisableUring {
 public:
  DisableUring() {
    const char* old = std::getenv("LYNX_IO_DISABLE_URING");
    had_ = old != nullptr;
    if (had_) old_ = old;
    ::setenv("LYNX_IO_DISABLE_URING", "1", 1);
  }
  ~DisableUring() {
    if (had_) {
      ::setenv("LYNX_IO_DISABLE_URING", old_.c_str(), 1);
    } else {
      ::unsetenv("LYNX_IO_DISABLE_URING");
    }
  }

 private:
  bool had_ = false;
  std::string old_;
};

WriterConfig config_of(Kind kind, BufferPool* pool = nullptr) {
  WriterConfig config;
  config.kind = kind;
  config.pool = pool;
  return config;
}

}  // namespace

TEST_CASE("kind=psync is always pwritev, with no note") {
  Status s = Status::error(Status::Code::io_error, "not set");
  std::string note = "not set";
  auto w = make_writer(config_of(Kind::psync), &s, &note);
  REQUIRE(w != nullptr);
  CHECK(s.ok());
  CHECK(note.empty());
  CHECK(std::string(w->name()) == "pwritev");
}

TEST_CASE("without io_uring, kind=uring fails with Code::unavailable and no writer") {
  DisableUring disable;
  Status s;
  std::string note;
  auto w = make_writer(config_of(Kind::uring), &s, &note);
  CHECK(w == nullptr);
  CHECK(s.code() == Status::Code::unavailable);
  CHECK(s.message().find("io_uring") != std::string::npos);
  CHECK(s.message().find("LYNX_IO_DISABLE_URING") != std::string::npos);
}

TEST_CASE("without io_uring, kind=automatic falls back to pwritev and says so once") {
  DisableUring disable;
  TempDir dir;
  BufferPool pool(8192, 8);
  Status s;
  std::string note;
  auto w = make_writer(config_of(Kind::automatic, &pool), &s, &note);
  REQUIRE(w != nullptr);
  CHECK(s.ok());
  CHECK(std::string(w->name()) == "pwritev");
  CHECK(note.find("io_uring unavailable") != std::string::npos);
  CHECK(note.find("pwritev") != std::string::npos);
  CHECK(note.find('\n') == std::string::npos);
  check_writes_land(*w, pool, dir.file("a.log"));
}

TEST_CASE("kind=automatic works on this kernel whichever writer it picks") {
  TempDir dir;
  BufferPool pool(8192, 8);
  Status s;
  std::string note;
  auto w = make_writer(config_of(Kind::automatic, &pool), &s, &note);
  REQUIRE(w != nullptr);
  CHECK(s.ok());
  const std::string name = w->name();
  MESSAGE("automatic picked " << name << (note.empty() ? "" : ": ") << note);
  if (name == "pwritev") CHECK_FALSE(note.empty());  // a fallback is always explained
  check_writes_land(*w, pool, dir.file("a.log"));
}

TEST_CASE("status and note may be null") {
  DisableUring disable;
  CHECK(make_writer(config_of(Kind::automatic), nullptr, nullptr) != nullptr);
  CHECK(make_writer(config_of(Kind::uring), nullptr, nullptr) == nullptr);
}

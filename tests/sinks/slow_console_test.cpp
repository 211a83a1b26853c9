// A console sink on a pipe nobody reads must not hold the other sinks back: the binary files and a
// text sink get every record, flush() returns, and the console drops what its bounded buffer
// cannot hold, saying how many in-band once the pipe moves again (the lines it wrote plus the
// counts in its notices are exactly the records logged). A pipe whose reader left (EPIPE) neither
// kills the process (SIGPIPE) nor stops the other sinks.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>
#include <lynx/lynx.hpp>

#include <cstdlib>
#include <string>

#include "sink_support.hpp"
#include "tests/engine/test_support.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

// Everything the pipe holds now (its read end is non-blocking).
std::string read_available(int fd) {
  std::string out;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return out;
    out.append(buf, static_cast<std::size_t>(n));
  }
}

constexpr const char* kNotice = " records dropped by the console sink (output blocked)";

}  // namespace

TEST_CASE("a console nobody reads drops and counts in-band; the other sinks get everything") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  REQUIRE(::fcntl(fds[0], F_SETFL, O_NONBLOCK) == 0);
  lynx::test::TempDir dir("slow-console");
  constexpr int kRecords = 20000;
  std::string console;
  {
    lynx::Options o{.directory = dir / "bin", .name = "t"};
    o.sinks.push_back(lynx::console_sink(
        {.colour = lynx::Colour::never, .buffer_bytes = 16u << 10, .fd = fds[1]}));
    o.sinks.push_back(lynx::text_sink({.path = dir / "app.log"}));
    lynx::Engine engine(o);
    lynx::Logger& log = lynx::logger("slow");
    for (int i = 0; i < kRecords; ++i) LYNX_INFO(log, "record {i} of the slow console test", i);
    engine.flush();  // returns although the pipe is full
    CHECK(lynx::test::lines_of(lynx::test::slurp(dir / "app.log")).size() == kRecords);
    CHECK(engine.stats().records_written == kRecords);

    console = read_available(fds[0]);  // the reader wakes up
    LYNX_INFO(log, "after the pipe moved");
    engine.flush();
    console += read_available(fds[0]);
  }
  ::close(fds[0]);
  ::close(fds[1]);

  std::uint64_t shown = 0, dropped = 0;
  bool last_is_after = false;
  for (const std::string& line : lynx::test::lines_of(console)) {
    const std::size_t at = line.find(kNotice);
    if (at != std::string::npos) {
      const std::size_t start = line.rfind(' ', at - 1) + 1;
      dropped += std::strtoull(line.c_str() + start, nullptr, 10);
      last_is_after = false;
      continue;
    }
    ++shown;
    last_is_after = line.find("after the pipe moved") != std::string::npos;
  }
  CHECK(dropped > 0);                      // the pipe (64 KiB) and buffer cannot hold 20000 lines
  CHECK(shown + dropped == kRecords + 1);  // exact: every record shown or counted
  CHECK(last_is_after);
  const auto decoded = lynx::test::decode_dir(dir / "bin");
  CHECK(decoded.user_records().size() == kRecords + 1);
}

TEST_CASE("a console whose reader left (EPIPE) does not kill the process or stop the others") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  ::close(fds[0]);
  lynx::test::TempDir dir("slow-console");
  {
    lynx::Options o{.directory = dir.path(), .name = "t", .binary = false};
    o.sinks.push_back(lynx::console_sink({.fd = fds[1]}));
    o.sinks.push_back(lynx::text_sink({.path = dir / "app.log"}));
    lynx::Engine engine(o);
    for (int i = 0; i < 100; ++i) LYNX_INFO(lynx::logger("gone"), "record {i}", i);
    engine.flush();
  }
  ::close(fds[1]);
  CHECK(lynx::test::lines_of(lynx::test::slurp(dir / "app.log")).size() == 100);
}

// The lazy default engine: with no lynx::Engine constructed, the first log call starts one that
// writes ./logs/app.<shard>.<seq>.lynx, and it is flushed when the process exits normally.
// A forked child does the logging and exits; the parent decodes what the child left behind.
// Its own executable: the default engine is process-wide state.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <lynx/lynx.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "test_support.hpp"

namespace {

constexpr int kChildRecords = 1000;

// The child: log without constructing an Engine, from this thread and from one that exits first,
// then exit normally right after the last call. Exit codes other than 0 say what went wrong.
[[noreturn]] void child() {
  lynx::Logger& log = lynx::logger("x");
  if (log.level() != lynx::Level::info) std::_Exit(3);
  for (int i = 0; i < kChildRecords; ++i) LYNX_INFO(log, "child {i}", i);
  std::thread([&] { LYNX_WARN(log, "from a thread {n}", 7); }).join();
  LYNX_ERROR(log, "last words {pid}", static_cast<int>(::getpid()));
  if (lynx::dropped_without_engine() != 0) std::_Exit(4);
  std::exit(0);  // runs atexit handlers: the default engine writes everything and stops
}

}  // namespace

TEST_CASE(
    "no Engine: the first log call starts the default engine in ./logs, flushed at normal exit") {
  lynx::test::TempDir dir("default");
  REQUIRE(::chdir(dir.path().c_str()) == 0);
  std::fflush(nullptr);  // nothing buffered may be written twice
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) child();

  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(::chdir("/") == 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);

  const auto files = lynx::test::lynx_files(dir / "logs");
  REQUIRE(files.size() == 1);
  CHECK(files[0] == dir / "logs/app.0.000000.lynx");

  const auto decoded = lynx::test::decode_dir(dir / "logs");
  CHECK(decoded.problems == 0);
  for (const std::string& p : decoded.problem_messages) MESSAGE(p);
  REQUIRE(decoded.files.size() == 1);
  CHECK(decoded.files[0].pid == static_cast<std::uint32_t>(pid));
  CHECK(decoded.files[0].shard == 0);
  CHECK(decoded.files[0].sequence == 0);

  const auto got = decoded.user_records();
  REQUIRE(got.size() == kChildRecords + 2);
  for (int i = 0; i < kChildRecords; ++i) {
    CAPTURE(i);
    CHECK(got[i]->logger == "x");
    CHECK(got[i]->value("i") == std::to_string(i));
  }
  CHECK(got[kChildRecords]->format == "from a thread {n}");
  CHECK(got[kChildRecords]->os_tid != got[0]->os_tid);
  CHECK(got[kChildRecords + 1]->format == "last words {pid}");
  CHECK(got[kChildRecords + 1]->value("pid") == std::to_string(pid));
  CHECK(got[kChildRecords + 1]->level == lynx::Level::error);
  CHECK(decoded.notice_count() == 0);
}

// Early records and exit paths: records logged before any Engine wait in their thread's ring;
// with no Engine before exit, the default engine writes them to ./logs, including records of
// atexit handlers and static destructors, whether registered before or after the first log call.
// An early ring that fills starts the default engine, which an Engine then replaces: nothing is
// lost. Each scenario runs in a child whose parent never logs.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <lynx/lynx.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "child_process.hpp"
#include "test_support.hpp"

namespace {

lynx::Logger& log_x() { return lynx::logger("early"); }

void atexit_logger() { LYNX_WARN(log_x(), "from atexit {n}", 1); }
void atexit_logger_late() { LYNX_WARN(log_x(), "from late atexit {n}", 2); }

struct LogsAtStaticDestruction {
  ~LogsAtStaticDestruction() { LYNX_INFO(log_x(), "from static destructor {n}", 3); }
};

int count(const lynx::test::Decoded& d, const std::string& format) {
  int n = 0;
  for (const auto* r : d.user_records()) n += r->format == format;
  return n;
}

}  // namespace

TEST_CASE(
    "no Engine: early, atexit (before and after) and static destructor records reach ./logs") {
  lynx::test::TempDir dir("early");
  const lynx::test::Ended e = lynx::test::run_child([&] {
    if (::chdir(dir.path().c_str()) != 0) std::_Exit(2);
    std::atexit(atexit_logger);  // registered before the first log call
    static LogsAtStaticDestruction s;
    for (int i = 0; i < 100; ++i) LYNX_INFO(log_x(), "early {i}", i);
    std::atexit(atexit_logger_late);  // and after it
    std::exit(0);
  });
  CHECK(e.exited);
  CHECK(e.code == 0);
  const auto d = lynx::test::decode_dir(dir / "logs");
  CHECK(d.problems == 0);
  CHECK(count(d, "early {i}") == 100);
  CHECK(count(d, "from atexit {n}") == 1);
  CHECK(count(d, "from late atexit {n}") == 1);
  CHECK(count(d, "from static destructor {n}") == 1);
}

TEST_CASE("an early ring that fills starts the default engine; an Engine replaces it; none lost") {
  lynx::test::TempDir dir("early");
  constexpr int kEarly = 5000;  // ~150 bytes each: more than an early ring holds
  const std::string payload(120, 'e');
  const lynx::test::Ended e = lynx::test::run_child([&] {
    if (::chdir(dir.path().c_str()) != 0) std::_Exit(2);
    for (int i = 0; i < kEarly; ++i) LYNX_INFO(log_x(), "early {i} {s}", i, payload);
    {
      lynx::Engine engine(lynx::Options{.directory = dir / "explicit", .name = "e"});
      for (int i = 0; i < 10; ++i) LYNX_INFO(log_x(), "explicit {i}", i);
    }
    std::_Exit(lynx::dropped_without_engine() == 0 ? 0 : 4);
  });
  CHECK(e.exited);
  CHECK(e.code == 0);
  const auto logs = lynx::test::decode_dir(dir / "logs");
  const auto mine = lynx::test::decode_dir(dir / "explicit");
  CHECK(logs.problems + mine.problems == 0);
  CHECK(logs.dropped_in_notices() + mine.dropped_in_notices() == 0);
  CHECK(count(logs, "early {i} {s}") + count(mine, "early {i} {s}") == kEarly);
  CHECK(count(mine, "explicit {i}") == 10);
}

// Records logged before any Engine wait in their thread's ring and are written by the first
// Engine, in its directory (docs/reliability.md, "Early records"); a default engine started by a
// full early ring is flushed and replaced when a lynx::Engine is constructed (lynx/engine.hpp),
// instead of making the constructor throw. Its own executable: process-wide state.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <unistd.h>
#include <lynx/lynx.hpp>

#include <filesystem>
#include <string>
#include <thread>

#include "test_support.hpp"

TEST_CASE("records logged before any Engine are written by the first Engine, in its directory") {
  lynx::test::TempDir dir("default-replaced");
  REQUIRE(::chdir(dir.path().c_str()) == 0);
  lynx::Logger& log = lynx::logger("replaced");

  for (int i = 0; i < 100; ++i) LYNX_INFO(log, "early {i}", i);  // no engine yet
  // A thread that logs before the engine and exits before it starts.
  std::thread other([&] { LYNX_INFO(log, "early from another thread {n}", 1); });
  other.join();
  CHECK(!std::filesystem::exists(dir / "logs"));  // nothing went to the default directory

  {
    lynx::Engine engine(lynx::Options{.directory = dir / "explicit", .name = "e"});
    // The same thread logs on: its early ring is replaced by one of the engine.
    for (int i = 0; i < 10; ++i) LYNX_INFO(log, "explicit {i}", i);
    engine.flush();
    const auto mine = lynx::test::decode_dir(dir / "explicit");
    CHECK(mine.problems == 0);
    const auto got = mine.user_records();
    REQUIRE(got.size() == 111);
    int early = 0, explicit_next = 0, from_thread = 0;
    for (const auto* r : got) {
      if (r->format == "early {i}") {
        CHECK(r->value("i") == std::to_string(early));
        ++early;
      } else if (r->format == "explicit {i}") {
        CHECK(early == 100);  // after every early record of the thread
        CHECK(r->value("i") == std::to_string(explicit_next));
        ++explicit_next;
      } else if (r->format == "early from another thread {n}") {
        ++from_thread;
      }
    }
    CHECK(early == 100);
    CHECK(explicit_next == 10);
    CHECK(from_thread == 1);
    CHECK(lynx::dropped_without_engine() == 0);
  }
  CHECK(!std::filesystem::exists(dir / "logs"));
  REQUIRE(::chdir("/") == 0);
}

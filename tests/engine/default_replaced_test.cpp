// A lazily started default engine is flushed and replaced when a lynx::Engine is constructed
// (lynx/engine.hpp), instead of making the constructor throw. Its own executable: it starts the
// process-wide default engine.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <unistd.h>
#include <lynx/lynx.hpp>

#include <string>
#include <thread>

#include "test_support.hpp"

TEST_CASE(
    "an explicit Engine replaces the default engine; the default engine's records are on disk") {
  lynx::test::TempDir dir("default-replaced");
  REQUIRE(::chdir(dir.path().c_str()) == 0);
  lynx::Logger& log = lynx::logger("replaced");

  for (int i = 0; i < 100; ++i) LYNX_INFO(log, "default {i}", i);  // starts the default engine
  // A thread that logs under the default engine and keeps running into the explicit one.
  std::thread other([&] { LYNX_INFO(log, "default from another thread {n}", 1); });
  other.join();

  {
    lynx::Engine engine(lynx::Options{.directory = dir / "explicit", .name = "e"});
    // Everything the default engine got is written by now: its files are complete.
    const auto defaults = lynx::test::decode_dir(dir / "logs");
    CHECK(defaults.problems == 0);
    const auto got = defaults.user_records();
    REQUIRE(got.size() == 101);
    for (int i = 0; i < 100; ++i) CHECK(got[i]->value("i") == std::to_string(i));
    CHECK(got[100]->format == "default from another thread {n}");

    // The same thread logs on: its ring from the default engine is replaced.
    for (int i = 0; i < 10; ++i) LYNX_INFO(log, "explicit {i}", i);
    engine.flush();
    const auto mine = lynx::test::decode_dir(dir / "explicit");
    CHECK(mine.problems == 0);
    const auto again = mine.user_records();
    REQUIRE(again.size() == 10);
    for (int i = 0; i < 10; ++i) CHECK(again[i]->value("i") == std::to_string(i));
    CHECK(lynx::dropped_without_engine() == 0);
  }
  // The default engine's directory got nothing from the explicit engine.
  CHECK(lynx::test::decode_dir(dir / "logs").records.size() == 101);
  REQUIRE(::chdir("/") == 0);
}

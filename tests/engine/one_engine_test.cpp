// At most one lynx::Engine runs at a time: a second one throws std::logic_error and leaves the
// first untouched; once the first is destroyed a new one can start. Its own executable: it depends
// on which engine runs.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <lynx/lynx.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "test_support.hpp"

TEST_CASE(
    "a second concurrent Engine throws std::logic_error; after the first is gone a new one "
    "starts") {
  lynx::Logger& log = lynx::logger("one-engine");
  lynx::test::TempDir dir("one-engine");
  lynx::test::TempDir other_dir("one-engine");
  {
    lynx::Engine first(lynx::Options{.directory = dir.path(), .name = "first"});
    LYNX_INFO(log, "before {i}", 1);

    CHECK_THROWS_AS(lynx::Engine(lynx::Options{.directory = other_dir.path(), .name = "second"}),
                    std::logic_error);
    // Also from another thread, and also with options that would otherwise be valid for it.
    bool threw = false;
    std::thread([&] {
      try {
        lynx::Engine again(lynx::Options{.directory = dir.path(), .name = "first"});
      } catch (const std::logic_error&) {
        threw = true;
      }
    }).join();
    CHECK(threw);
    // The failed attempts created no files and did not disturb the running engine.
    CHECK(lynx::test::lynx_files(other_dir.path()).empty());
    LYNX_INFO(log, "after {i}", 2);
    first.flush();
    const auto decoded = lynx::test::decode_dir(dir.path());
    CHECK(decoded.problems == 0);
    CHECK(decoded.files.size() == 1);
    const auto got = decoded.user_records();
    REQUIRE(got.size() == 2);
    CHECK(got[0]->format == "before {i}");
    CHECK(got[1]->format == "after {i}");
    CHECK(lynx::dropped_without_engine() == 0);
  }
  {
    lynx::Engine next(lynx::Options{.directory = other_dir.path(), .name = "next"});
    LYNX_INFO(log, "next engine {i}", 3);
    next.flush();
    const auto decoded = lynx::test::decode_dir(other_dir.path());
    const auto got = decoded.user_records();
    REQUIRE(got.size() == 1);
    CHECK(got[0]->format == "next engine {i}");
  }
}

TEST_CASE("invalid options throw std::invalid_argument and leave no engine running") {
  lynx::test::TempDir dir("one-engine");
  CHECK_THROWS_AS(lynx::Engine(lynx::Options{.directory = dir.path(), .shards = 0}),
                  std::invalid_argument);
  CHECK_THROWS_AS(lynx::Engine(lynx::Options{.directory = ""}), std::invalid_argument);
  CHECK_THROWS_AS(lynx::Engine(lynx::Options{.directory = dir.path(), .name = "a/b"}),
                  std::invalid_argument);
  CHECK_THROWS_AS(lynx::Engine(lynx::Options{.directory = dir.path(),
                                             .flush_every = std::chrono::milliseconds(0)}),
                  std::invalid_argument);
  // Nothing runs now, so a valid engine starts.
  std::optional<lynx::Engine> engine;
  CHECK_NOTHROW(engine.emplace(lynx::Options{.directory = dir.path(), .name = "ok"}));
}

TEST_CASE("a directory that cannot be created makes the constructor throw std::system_error") {
  lynx::test::TempDir dir("one-engine");
  // A regular file where a directory component should be.
  {
    std::FILE* f = std::fopen((dir / "file").c_str(), "w");
    REQUIRE(f != nullptr);
    std::fclose(f);
  }
  CHECK_THROWS_AS(lynx::Engine(lynx::Options{.directory = dir / "file/sub", .name = "t"}),
                  std::system_error);
  // And the failure left no engine running.
  CHECK_NOTHROW(lynx::Engine(lynx::Options{.directory = dir / "fine", .name = "t"}));
}

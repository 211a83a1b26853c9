// Level filtering: what a logger's level lets through, changing it at run time, arguments of a
// filtered call never evaluated, Level::off, and Options::level for loggers old and new.
// Its own executable: Options::level changes the process-wide level of new loggers.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <lynx/lynx.hpp>

#include <string>
#include <vector>

#include "test_support.hpp"

namespace {

int g_evaluated = 0;
int side_effect() { return ++g_evaluated; }

// Logs one record at every level, each carrying its level number.
void log_every_level(lynx::Logger& log) {
  LYNX_TRACE(log, "at {level}", 0);
  LYNX_DEBUG(log, "at {level}", 1);
  LYNX_INFO(log, "at {level}", 2);
  LYNX_WARN(log, "at {level}", 3);
  LYNX_ERROR(log, "at {level}", 4);
  LYNX_CRITICAL(log, "at {level}", 5);
}

std::vector<std::string> levels_written(const lynx::test::Decoded& decoded,
                                        const std::string& logger) {
  std::vector<std::string> out;
  for (const auto* r : decoded.user_records()) {
    if (r->logger == logger) out.push_back(r->value("level"));
  }
  return out;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("a logger at warn writes warn, error and critical, and drops trace, debug and info") {
  lynx::test::TempDir dir("level");
  lynx::Engine engine(lynx::Options{.directory = dir.path(), .name = "t"});
  lynx::Logger& log = lynx::logger("level.warn");
  log.set_level(lynx::Level::warn);
  CHECK(log.level() == lynx::Level::warn);
  CHECK_FALSE(log.enabled(lynx::Level::info));
  CHECK(log.enabled(lynx::Level::warn));
  log_every_level(log);
  engine.flush();

  const auto decoded = lynx::test::decode_dir(dir.path());
  CHECK(decoded.problems == 0);
  CHECK(levels_written(decoded, "level.warn") == V{"3", "4", "5"});
  CHECK(engine.stats().records_dropped == 0);  // filtered is not dropped
}

TEST_CASE("set_level takes effect for the next call, in both directions") {
  lynx::test::TempDir dir("level");
  lynx::Engine engine(lynx::Options{.directory = dir.path(), .name = "t"});
  lynx::Logger& log = lynx::logger("level.runtime");
  log.set_level(lynx::Level::info);
  log_every_level(log);  // 2 3 4 5
  log.set_level(lynx::Level::error);
  log_every_level(log);  // 4 5
  log.set_level(lynx::Level::trace);
  log_every_level(log);  // 0 1 2 3 4 5
  engine.flush();

  const auto decoded = lynx::test::decode_dir(dir.path());
  CHECK(levels_written(decoded, "level.runtime") ==
        V{"2", "3", "4", "5", "4", "5", "0", "1", "2", "3", "4", "5"});
}

TEST_CASE("the arguments of a filtered call are not evaluated") {
  lynx::test::TempDir dir("level");
  lynx::Engine engine(lynx::Options{.directory = dir.path(), .name = "t"});
  lynx::Logger& log = lynx::logger("level.lazy");
  log.set_level(lynx::Level::info);
  g_evaluated = 0;

  LYNX_TRACE(log, "trace {n}", side_effect());
  LYNX_DEBUG(log, "debug {n} {m}", side_effect(), side_effect());
  CHECK(g_evaluated == 0);
  LYNX_INFO(log, "info {n}", side_effect());
  CHECK(g_evaluated == 1);
  log.set_level(lynx::Level::off);
  LYNX_CRITICAL(log, "critical {n}", side_effect());
  CHECK(g_evaluated == 1);
  // The logger expression itself is evaluated exactly once either way.
  int lookups = 0;
  auto lookup = [&]() -> lynx::Logger& {
    ++lookups;
    return log;
  };
  LYNX_CRITICAL(lookup(), "critical {n}", side_effect());
  CHECK(lookups == 1);
  CHECK(g_evaluated == 1);
  engine.flush();

  const auto decoded = lynx::test::decode_dir(dir.path());
  const auto got = decoded.user_records();
  REQUIRE(got.size() == 1);
  CHECK(got[0]->format == "info {n}");
  CHECK(got[0]->value("n") == "1");
}

TEST_CASE("Level::off disables every level, critical included") {
  lynx::test::TempDir dir("level");
  lynx::Engine engine(lynx::Options{.directory = dir.path(), .name = "t"});
  lynx::Logger& log = lynx::logger("level.off");
  log.set_level(lynx::Level::off);
  for (auto l : {lynx::Level::trace, lynx::Level::debug, lynx::Level::info, lynx::Level::warn,
                 lynx::Level::error, lynx::Level::critical}) {
    CAPTURE(lynx::to_string(l));
    CHECK_FALSE(log.enabled(l));
  }
  log_every_level(log);
  lynx::Logger& on = lynx::logger("level.on");  // proves the engine wrote something
  on.set_level(lynx::Level::critical);
  log_every_level(on);
  engine.flush();

  const auto decoded = lynx::test::decode_dir(dir.path());
  CHECK(levels_written(decoded, "level.off").empty());
  CHECK(levels_written(decoded, "level.on") == V{"5"});
}

TEST_CASE(
    "Options::level applies to loggers created before and after the engine starts, except those "
    "set explicitly") {
  lynx::Logger& before = lynx::logger("level.created-before");
  lynx::Logger& pinned = lynx::logger("level.pinned");
  pinned.set_level(lynx::Level::warn);
  lynx::test::TempDir dir("level");
  {
    lynx::Engine engine(
        lynx::Options{.directory = dir.path(), .name = "t", .level = lynx::Level::error});
    lynx::Logger& after = lynx::logger("level.created-after");
    CHECK(after.level() == lynx::Level::error);
    CHECK(before.level() == lynx::Level::error);
    CHECK(pinned.level() == lynx::Level::warn);
    log_every_level(after);
    log_every_level(before);
    engine.flush();
    const auto decoded = lynx::test::decode_dir(dir.path());
    CHECK(levels_written(decoded, "level.created-after") == V{"4", "5"});
    CHECK(levels_written(decoded, "level.created-before") == V{"4", "5"});
    CHECK(&lynx::logger("level.created-before") == &before);
  }
  lynx::test::TempDir dir2("level");
  {
    lynx::Engine engine(
        lynx::Options{.directory = dir2.path(), .name = "t", .level = lynx::Level::trace});
    CHECK(lynx::logger("level.created-under-trace").level() == lynx::Level::trace);
    CHECK(lynx::logger("level.created-after").level() == lynx::Level::trace);
    CHECK(pinned.level() == lynx::Level::warn);
  }
}

TEST_CASE(
    "a logger created while no engine runs is at info (lynx/logger.hpp: 'info when none runs')") {
  {
    lynx::test::TempDir dir("level");
    lynx::Engine engine(
        lynx::Options{.directory = dir.path(), .name = "t", .level = lynx::Level::critical});
    CHECK(lynx::logger("level.under-critical").level() == lynx::Level::critical);
  }
  // The engine above has stopped: no engine runs now.
  CHECK(lynx::logger("level.created-with-no-engine").level() == lynx::Level::info);
}

// Drops are counted and reported: OnFull::drop on a full ring, and a record too large for its ring
// under either policy. The backend writes notices "{count} records dropped" (logger "lynx") whose
// counts add up to Stats::records_dropped.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <lynx/lynx.hpp>

#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace {

using lynx::detail::ArgType;

// Checks the bookkeeping that must hold after a flush, whatever was dropped:
//  - every attempted record is either in the file or counted as dropped,
//  - the notices in the file add up to the dropped count,
//  - records_written counts user records and notices alike.
void check_accounting(const lynx::Stats& stats, const lynx::test::Decoded& decoded,
                      std::uint64_t attempted) {
  const std::uint64_t user = decoded.user_records().size();
  CAPTURE(stats.records_written);
  CAPTURE(stats.records_dropped);
  CAPTURE(user);
  CHECK(decoded.problems == 0);
  CHECK(user + stats.records_dropped == attempted);
  CHECK(decoded.dropped_in_notices() == stats.records_dropped);
  CHECK(stats.records_written == user + decoded.notice_count());
  CHECK(stats.records_written + stats.records_dropped == attempted + decoded.notice_count());
  for (const lynx::test::DecodedRecord& r : decoded.records) {
    if (r.logger != "lynx") continue;
    // "{count} record dropped: {level} of logger {logger} at {file}:{line}", singular for one.
    const std::uint64_t count = std::stoull(r.values.at(0));
    CHECK(count > 0);
    CHECK(r.format.starts_with(count == 1 ? "{count} record dropped" : "{count} records dropped"));
    CHECK(r.level == lynx::Level::warn);
    REQUIRE(r.names.size() == 5);  // every drop here comes from a named site
    CHECK(r.names == std::vector<std::string>{"count", "level", "logger", "file", "line"});
    CHECK(r.types == std::vector<ArgType>{ArgType::u64, ArgType::string, ArgType::string,
                                          ArgType::string, ArgType::u32});
    CHECK(r.value("level") == "info");
    CHECK(r.value("logger").starts_with("drop."));
    CHECK(r.value("file").ends_with("drop_test.cpp"));
  }
}

// A 4 KiB ring under OnFull::drop, in `dir`. No string cut (max_string_bytes): these tests are
// about records that cannot fit.
lynx::Options small_dropping_ring(const lynx::test::TempDir& dir) {
  return lynx::Options{.directory = dir.path(),
                       .name = "t",
                       .buffer_bytes = 4096,
                       .max_string_bytes = 1u << 30,
                       .on_full = lynx::OnFull::drop};
}

}  // namespace

TEST_CASE(
    "OnFull::drop with a 4 KiB ring: a burst drops records, counts them and says so in the log") {
  lynx::test::TempDir dir("drop");
  lynx::Engine engine(small_dropping_ring(dir));
  lynx::Logger& log = lynx::logger("drop.burst");

  // A ring of 4 KiB holds about a hundred of these records; a tight loop of many thousands outruns
  // the backend. Repeat bursts (each followed by a flush) until one dropped something, so the test
  // does not depend on how fast the backend happens to be.
  std::uint64_t attempted = 0;
  for (int burst = 0; burst < 100 && engine.stats().records_dropped == 0; ++burst) {
    for (int i = 0; i < 100'000; ++i) {
      LYNX_INFO(log, "burst {i}", attempted);
      ++attempted;
    }
    engine.flush();
  }
  const lynx::Stats stats = engine.stats();
  const auto decoded = lynx::test::decode_dir(dir.path());
  REQUIRE(stats.records_dropped > 0);
  CHECK(decoded.notice_count() > 0);
  check_accounting(stats, decoded, attempted);

  // What was kept is in program order with no duplicates.
  std::int64_t last = -1;
  std::uint64_t out_of_order = 0;
  for (const auto* r : decoded.user_records()) {
    const auto i = static_cast<std::int64_t>(std::stoull(r->value("i")));
    if (i <= last) ++out_of_order;
    last = i;
  }
  CHECK(out_of_order == 0);
}

TEST_CASE("OnFull::drop: a later flush still accounts for drops made after the previous one") {
  lynx::test::TempDir dir("drop");
  lynx::Engine engine(small_dropping_ring(dir));
  lynx::Logger& log = lynx::logger("drop.twice");
  std::uint64_t attempted = 0;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 50'000; ++i) {
      LYNX_INFO(log, "round {r} {i}", round, i);
      ++attempted;
    }
    engine.flush();
    check_accounting(engine.stats(), lynx::test::decode_dir(dir.path()), attempted);
  }
}

TEST_CASE("a record larger than half the ring is dropped and counted even with OnFull::block") {
  lynx::test::TempDir dir("drop");
  lynx::Engine engine(lynx::Options{
      .directory = dir.path(),
      .name = "t",
      .buffer_bytes = 4096,
      .max_string_bytes = 1u << 30,  // no cut: these tests are about records that cannot fit
      .on_full = lynx::OnFull::block});
  lynx::Logger& log = lynx::logger("drop.large");

  // Ring record = 24-byte header + 4-byte length + the bytes, rounded up to 8. With a 4 KiB ring
  // the largest record allowed is 2048 bytes: a string of 2020 bytes fits exactly, 2021 does not.
  const std::string fits(2020, 'f');
  const std::string too_big(2021, 'b');
  const std::string far_too_big(3000, 'B');
  LYNX_INFO(log, "large {s}", too_big);
  LYNX_INFO(log, "large {s}", fits);
  LYNX_INFO(log, "large {s}", far_too_big);
  LYNX_INFO(log, "small {i}", 1);
  engine.flush();

  const lynx::Stats stats = engine.stats();
  const auto decoded = lynx::test::decode_dir(dir.path());
  CHECK(stats.records_dropped == 2);
  check_accounting(stats, decoded, 4);
  const auto got = decoded.user_records();
  REQUIRE(got.size() == 2);
  CHECK(got[0]->value("s") == fits);
  CHECK(got[1]->value("i") == "1");
  CHECK(decoded.notice_count() >= 1);
}

TEST_CASE(
    "with the default 1 MiB ring and no string cut a 600 KB string is over the limit and "
    "dropped, 400 KB is written") {
  lynx::test::TempDir dir("drop");
  // Strings are not cut here (max_string_bytes): tests/tools/types_test.cpp checks the cut.
  lynx::Engine engine(
      lynx::Options{.directory = dir.path(), .name = "t", .max_string_bytes = 1u << 30});
  lynx::Logger& log = lynx::logger("drop.default-ring");
  const std::string big(600'000, 'x');
  const std::string ok(400'000, 'y');
  LYNX_INFO(log, "big {s}", big);
  LYNX_INFO(log, "ok {s}", ok);
  engine.flush();

  const lynx::Stats stats = engine.stats();
  const auto decoded = lynx::test::decode_dir(dir.path());
  CHECK(stats.records_dropped == 1);
  check_accounting(stats, decoded, 2);
  const auto got = decoded.user_records();
  REQUIRE(got.size() == 1);
  CHECK(got[0]->value("s") == ok);
}

TEST_CASE("drops of a thread that has exited are still counted and reported") {
  lynx::test::TempDir dir("drop");
  lynx::Engine engine(small_dropping_ring(dir));
  lynx::Logger& log = lynx::logger("drop.exited");
  std::uint64_t attempted = 0;
  for (int round = 0; round < 100 && engine.stats().records_dropped == 0; ++round) {
    std::thread([&] {
      for (int i = 0; i < 100'000; ++i) LYNX_INFO(log, "exiting thread {i}", i);
      // One record surely too large, so at least one drop even if the backend kept up.
      LYNX_INFO(log, "too large {s}", std::string(3000, 'x'));
    }).join();
    attempted += 100'001;
    engine.flush();
  }
  const lynx::Stats stats = engine.stats();
  const auto decoded = lynx::test::decode_dir(dir.path());
  CHECK(stats.records_dropped > 0);
  check_accounting(stats, decoded, attempted);
}

TEST_CASE("a drop notice names the level, logger and call site, in the singular for one record") {
  lynx::test::TempDir dir("drop");
  // The string cut off (max_string_bytes): a record too big for the ring is dropped, not cut.
  lynx::Engine engine(lynx::Options{
      .directory = dir.path(), .name = "t", .buffer_bytes = 4096, .max_string_bytes = 1u << 30});
  lynx::Logger& log = lynx::logger("drop.named");
  const std::string too_big(3000, 'x');
  LYNX_ERROR(log, "too big {s}", too_big);
  const std::uint32_t line = __LINE__ - 1;
  LYNX_INFO(log, "fits {i}", 1);
  for (int i = 0; i < 3; ++i) LYNX_WARN(log, "too big again {s}", too_big);
  const std::uint32_t line_again = __LINE__ - 1;
  engine.flush();
  const auto decoded = lynx::test::decode_dir(dir.path());
  std::vector<const lynx::test::DecodedRecord*> notices;
  for (const auto& r : decoded.records) {
    if (r.logger == "lynx") notices.push_back(&r);
  }
  REQUIRE(notices.size() == 2);
  CHECK(notices[0]->format ==
        "{count} record dropped: {level} of logger {logger} at {file}:{line}");
  CHECK(notices[0]->value("count") == "1");
  CHECK(notices[0]->value("level") == "error");
  CHECK(notices[0]->value("logger") == "drop.named");
  CHECK(notices[0]->value("line") == std::to_string(line));
  CHECK(notices[1]->format.starts_with("{count} records dropped: "));
  CHECK(notices[1]->value("count") == "3");
  CHECK(notices[1]->value("level") == "warn");
  CHECK(notices[1]->value("line") == std::to_string(line_again));
}

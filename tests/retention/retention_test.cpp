// Rotation by time, retention by count, bytes and age, and the sync policies, through a real
// Engine. Time is moved with the injectable file clock (engine/file_clock.hpp): nothing sleeps.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <unistd.h>
#include <lynx/lynx.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/file_clock.hpp"
#include "engine/retention.hpp"
#include "format/reader.hpp"
#include "tests/support/payload.hpp"
#include "tests/support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::atomic<std::int64_t> g_now{0};
std::int64_t fake_clock() { return g_now.load(); }
constexpr std::int64_t kHour = 3600'000'000'000;

using lynx::test::TempDir;

std::vector<lynx::detail::ShardFile> files_of(const fs::path& dir, std::uint32_t shard = 0) {
  return lynx::detail::list_shard_files(dir.string(), "r", shard);
}

// Decodes one file alone; returns its records' "i" values.
std::vector<std::int64_t> values_in(const std::string& path) {
  lynx::format::FileReader reader(path);
  REQUIRE(reader.open().ok());
  std::vector<std::int64_t> out;
  std::uint64_t problems = 0;
  reader.read(
      [&](const lynx::format::Record& r) {
        if (r.site->logger == "ret") out.push_back(r.args[0].i);
      },
      [&](const lynx::format::Problem&) { ++problems; });
  CHECK(problems == 0);
  return out;
}

struct ClockGuard {
  ClockGuard() { lynx::detail::set_file_clock_for_testing(fake_clock); }
  ~ClockGuard() { lynx::detail::set_file_clock_for_testing(nullptr); }
};

}  // namespace

TEST_CASE(
    "rotate_every starts a new file at each wall-clock boundary, and every file decodes alone") {
  ClockGuard clock;
  TempDir dir("time");
  g_now = 1000 * kHour + 10 * 60'000'000'000;  // 10 minutes past an hour
  lynx::Logger& log = lynx::logger("ret");
  {
    lynx::Engine engine({.directory = dir.path(), .name = "r", .rotate_every = 1h});
    for (int i = 0; i < 10; ++i) LYNX_INFO(log, "before {i}", i);
    engine.flush();
    g_now += 49 * 60'000'000'000ll;  // 10:59: same hour
    for (int i = 10; i < 20; ++i) LYNX_INFO(log, "still {i}", i);
    engine.flush();
    CHECK(files_of(dir.path()).size() == 1);
    g_now += 2 * 60'000'000'000ll;  // 11:01: next hour
    engine.flush();                 // a backend pass sees the new time
    for (int i = 20; i < 30; ++i) LYNX_INFO(log, "after {i}", i);
    engine.flush();
    g_now += 2 * kHour;  // two boundaries later: one new file, not one per missed boundary
    engine.flush();
    for (int i = 30; i < 40; ++i) LYNX_INFO(log, "later {i}", i);
  }
  const auto files = files_of(dir.path());
  REQUIRE(files.size() == 3);
  std::vector<std::int64_t> all;
  for (const auto& f : files) {
    const auto v = values_in(f.path);
    all.insert(all.end(), v.begin(), v.end());
  }
  REQUIRE(all.size() == 40);
  for (std::int64_t i = 0; i < 40; ++i) CHECK(all[i] == i);
  CHECK(values_in(files[0].path).size() == 20);
  CHECK(values_in(files[1].path).size() == 10);
  CHECK(values_in(files[2].path).size() == 10);
}

TEST_CASE("keep_files keeps the newest files, counting files of an earlier run") {
  TempDir dir("count");
  lynx::Logger& log = lynx::logger("ret");
  const std::string filler(2000, 'x');
  for (int run = 0; run < 2; ++run) {
    lynx::Engine engine({.directory = dir.path(),
                         .name = "r",
                         .rotate_bytes = 16 * 1024,
                         .keep_files = 3,
                         .compression = lynx::Compression::none});
    for (int i = 0; i < 100; ++i)
      LYNX_INFO(log, "{i} {filler}", i, lynx::test::payload(filler.size(), i, filler[1]));
  }
  const auto files = files_of(dir.path());
  CHECK(files.size() == 3);
  // The survivors are the newest: their sequences are the highest ever written, and consecutive.
  REQUIRE(files.size() == 3);
  CHECK(files[1].sequence == files[0].sequence + 1);
  CHECK(files[2].sequence == files[1].sequence + 1);
  CHECK(files[0].sequence > 3);
}

TEST_CASE("keep_bytes bounds the shard's total size; keep_for deletes old files") {
  TempDir dir("bytes");
  lynx::Logger& log = lynx::logger("ret");
  const std::string filler(2000, 'y');
  {
    lynx::Engine engine({.directory = dir.path(),
                         .name = "r",
                         .rotate_bytes = 16 * 1024,
                         .keep_bytes = 64 * 1024,
                         .compression = lynx::Compression::none});
    for (int i = 0; i < 200; ++i)
      LYNX_INFO(log, "{i} {filler}", i, lynx::test::payload(filler.size(), i, filler[1]));
  }
  std::uint64_t total = 0;
  for (const auto& f : files_of(dir.path())) total += f.bytes;
  CHECK(total <= 64 * 1024);
  CHECK(files_of(dir.path()).size() >= 3);

  // Age: make every existing file look two days old; a new engine with keep_for = 1 day removes
  // them.
  ClockGuard clock;
  g_now = std::chrono::duration_cast<std::chrono::nanoseconds>(
              std::chrono::system_clock::now().time_since_epoch())
              .count() +
          2 * 24 * kHour;
  const auto old_files = files_of(dir.path());
  {
    lynx::Engine engine({.directory = dir.path(), .name = "r", .keep_for = 24h});
    LYNX_INFO(log, "{i} fresh", 1);
  }
  const auto now_files = files_of(dir.path());
  REQUIRE(now_files.size() == 1);
  CHECK(now_files[0].sequence > old_files.back().sequence);
}

TEST_CASE("every sync policy writes the same records") {
  for (const auto sync : {lynx::Sync::none, lynx::Sync::on_rotate, lynx::Sync::every_batch}) {
    CAPTURE(static_cast<int>(sync));
    TempDir dir("sync");
    lynx::Logger& log = lynx::logger("ret");
    {
      lynx::Engine engine(
          {.directory = dir.path(), .name = "r", .rotate_bytes = 8 * 1024, .sync = sync});
      for (int i = 0; i < 500; ++i) {
        LYNX_INFO(log, "{i}", i);
        if (i % 100 == 0) engine.flush();
      }
      engine.flush();
      CHECK(engine.stats().write_errors == 0);
    }
    std::vector<std::int64_t> all;
    for (const auto& f : files_of(dir.path())) {
      const auto v = values_in(f.path);
      all.insert(all.end(), v.begin(), v.end());
    }
    REQUIRE(all.size() == 500);
    for (std::int64_t i = 0; i < 500; ++i) CHECK(all[i] == i);
  }
}

// Options::flush_every is measured on the steady clock (engine/steady_clock.hpp), which NTP never
// steps: records that waited flush_every on it are written without a flush(), and a jump of the
// wall clock changes nothing. The test moves a fake steady clock; it never sleeps for the interval.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <lynx/lynx.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

#include "engine/file_clock.hpp"
#include "engine/steady_clock.hpp"
#include "test_support.hpp"

namespace {

constexpr std::int64_t kHourNs = 3'600'000'000'000;
std::atomic<std::int64_t> g_steady{kHourNs};
std::int64_t fake_steady() { return g_steady.load(); }
std::atomic<std::int64_t> g_wall{0};
std::int64_t fake_wall() { return g_wall.load(); }

struct Clocks {
  Clocks() {
    lynx::detail::set_steady_clock_for_testing(fake_steady);
    g_wall = std::chrono::duration_cast<std::chrono::nanoseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
    lynx::detail::set_file_clock_for_testing(fake_wall);
  }
  ~Clocks() {
    lynx::detail::set_steady_clock_for_testing(nullptr);
    lynx::detail::set_file_clock_for_testing(nullptr);
  }
};

// Polls until `done()` holds or about 60 s passed (a bound for a loaded sanitizer machine, not a
// measurement); `step()` runs before every check.
template <class Step, class Done>
bool eventually(Step step, Done done) {
  for (int i = 0; i < 6000; ++i) {
    step();
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

}  // namespace

TEST_CASE("records that waited flush_every on the steady clock are written without flush()") {
  Clocks clocks;
  lynx::test::TempDir dir("flush-every");
  lynx::Engine engine({.directory = dir.path(), .name = "s", .flush_every = std::chrono::hours(1)});
  lynx::Logger& log = lynx::logger("flush_every");
  for (int i = 0; i < 10; ++i) LYNX_INFO(log, "pending {i}", i);
  // The wall clock (file clock) stands still: only the steady clock moves, an hour at a time, so
  // whenever the backend took the records, a later step is more than flush_every after it.
  const bool written = eventually([] { g_steady += 2 * kHourNs; },
                                  [&] { return engine.stats().records_written == 10; });
  CHECK(written);
  const auto decoded = lynx::test::decode_dir(dir.path());
  CHECK(decoded.problems == 0);
  CHECK(decoded.user_records().size() == 10);
}

TEST_CASE("the steady clock restarting near zero (a fresh fake) still flushes") {
  Clocks clocks;
  g_steady = 0;  // 0 must not read as "nothing pending"
  lynx::test::TempDir dir("flush-every");
  lynx::Engine engine({.directory = dir.path(), .name = "z", .flush_every = std::chrono::hours(1)});
  lynx::Logger& log = lynx::logger("flush_every.zero");
  LYNX_INFO(log, "pending {i}", 1);
  const bool written = eventually([] { g_steady += 2 * kHourNs; },
                                  [&] { return engine.stats().records_written == 1; });
  CHECK(written);
}

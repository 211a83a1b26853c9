// Exact accounting at stop: an Engine destroyed while 8 threads log into 4 KiB rings, under
// OnFull::drop and OnFull::block. Every record logged is on disk, in a drop notice, or counted by
// lynx::dropped_without_engine() (records committed after the backend's last pass over a ring,
// and records logged once no engine runs); the threads keep logging through the stop.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <lynx/lynx.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace {

constexpr int kThreads = 8;
constexpr int kTrials = 6;
constexpr int kAfterStop = 200;  // records each thread logs once the engine is gone

void stop_race(lynx::OnFull policy) {
  for (int trial = 0; trial < kTrials; ++trial) {
    CAPTURE(trial);
    lynx::test::TempDir dir("stop-race");
    const std::uint64_t dropped_before = lynx::dropped_without_engine();
    auto engine = std::make_unique<lynx::Engine>(lynx::Options{.directory = dir.path(),
                                                               .name = "s",
                                                               .buffer_bytes = 4096,
                                                               .initial_buffer_bytes = 4096,
                                                               .on_full = policy});
    lynx::Logger& log = lynx::logger("stop.race");
    std::atomic<bool> gone{false};
    std::atomic<std::uint64_t> attempted{0};
    std::atomic<int> started{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        std::uint64_t n = 0;
        started.fetch_add(1);
        while (!gone.load(std::memory_order_relaxed)) {
          LYNX_INFO(log, "r {t} {i}", t, n);
          ++n;
        }
        for (int i = 0; i < kAfterStop; ++i) {
          LYNX_INFO(log, "r {t} {i}", t, n);
          ++n;
        }
        attempted.fetch_add(n);
      });
    }
    while (started.load() < kThreads) std::this_thread::yield();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    engine.reset();  // while they log
    gone.store(true);
    for (auto& t : threads) t.join();

    const auto d = lynx::test::decode_dir(dir.path());
    CHECK(d.problems == 0);
    const std::uint64_t on_disk = d.user_records().size();
    const std::uint64_t in_notices = d.dropped_in_notices();
    const std::uint64_t counted = lynx::dropped_without_engine() - dropped_before;
    CAPTURE(on_disk);
    CAPTURE(in_notices);
    CAPTURE(counted);
    CHECK(on_disk + in_notices + counted == attempted.load());
    if (policy == lynx::OnFull::block) CHECK(in_notices == 0);
  }
}

}  // namespace

TEST_CASE("OnFull::drop: the stop race loses nothing uncounted") { stop_race(lynx::OnFull::drop); }

TEST_CASE("OnFull::block: the stop race loses nothing uncounted") {
  stop_race(lynx::OnFull::block);
}

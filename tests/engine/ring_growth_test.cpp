// Rings start at Options::initial_buffer_bytes and a thread that fills its ring, or logs a record
// larger than half of it, moves to a bigger one up to Options::buffer_bytes (engine/lifecycle.cpp,
// reserve_slow). Across the switches nothing is lost or reordered, with either OnFull policy;
// records too large for the largest ring are still dropped and counted; rings of exited threads
// are reused by size; and an engine that stops while threads sit on grown rings drains and closes
// all of them.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <lynx/lynx.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"
#include "tests/support/sizing.hpp"

namespace {

constexpr std::size_t kInitial = 64u << 10;

// Each value of "seq" of thread `t` (field "t") in `records` exactly once, 0, 1, 2, ... in order.
std::uint64_t count_out_of_order(const std::vector<const lynx::test::DecodedRecord*>& records,
                                 unsigned threads, std::uint64_t per_thread) {
  std::vector<std::uint64_t> next(threads, 0);
  std::uint64_t bad = 0;
  for (const auto* r : records) {
    const auto t = std::stoul(r->value("t"));
    const auto seq = std::stoull(r->value("seq"));
    if (t >= threads || seq != next[t]) {
      ++bad;
      continue;
    }
    ++next[t];
  }
  for (const std::uint64_t n : next) bad += n == per_thread ? 0 : 1;
  return bad;
}

}  // namespace

TEST_CASE("a burst larger than the first ring: the thread moves to bigger rings, loses nothing") {
  // 150,000 records of about 40 ring bytes are 6 MB: more than every ring up to 4 MiB holds
  // together, less than the chain up to 8 MiB, so even a backend that drained nothing during the
  // burst leaves room for all of it and OnFull::drop drops nothing.
  const std::uint64_t records = 150'000;
  for (const auto on_full : {lynx::OnFull::block, lynx::OnFull::drop}) {
    CAPTURE(static_cast<int>(on_full));
    lynx::test::TempDir dir("growth");
    std::size_t first = 0, last = 0;
    lynx::Stats stats;
    {
      lynx::Engine engine({.directory = dir.path(),
                           .name = "g",
                           .buffer_bytes = 8u << 20,
                           .initial_buffer_bytes = kInitial,
                           .on_full = on_full});
      lynx::Logger& log = lynx::logger("growth.burst");
      std::thread t([&] {
        LYNX_INFO(log, "t {t} seq {seq}", 0u, std::uint64_t{0});
        first = lynx::detail::tls_ring->capacity();
        for (std::uint64_t seq = 1; seq < records; ++seq)
          LYNX_INFO(log, "t {t} seq {seq}", 0u, seq);
        last = lynx::detail::tls_ring->capacity();
      });
      t.join();
      engine.flush();
      stats = engine.stats();
    }
    CHECK(first == kInitial);
    CHECK(last > kInitial);  // the burst outran the backend at least once: it grew
    CHECK(last <= (8u << 20));
    CHECK(stats.records_dropped == 0);
    CHECK(stats.threads_registered == 1);
    const auto decoded = lynx::test::decode_dir(dir.path());
    CHECK(decoded.problems == 0);
    CHECK(decoded.notice_count() == 0);
    const auto got = decoded.user_records();
    CHECK(got.size() == records);
    CHECK(count_out_of_order(got, 1, records) == 0);
    // One thread entry for all its rings.
    std::uint64_t other_thread = 0;
    for (const auto* r : got) other_thread += r->thread_id != got.front()->thread_id ? 1 : 0;
    CHECK(other_thread == 0);
  }
}

TEST_CASE("a record larger than the first ring allows is written; one too large for any is not") {
  for (const auto on_full : {lynx::OnFull::block, lynx::OnFull::drop}) {
    CAPTURE(static_cast<int>(on_full));
    lynx::test::TempDir dir("growth");
    // Half of the 64 KiB first ring is 32 KiB; 200 KiB needs a 512 KiB ring, 600 KiB one larger
    // than buffer_bytes allows.
    const std::string big(200u << 10, 'b');
    const std::string too_big(600u << 10, 'x');
    std::size_t after_big = 0;
    lynx::Stats stats;
    {
      lynx::Engine engine({.directory = dir.path(),
                           .name = "g",
                           .buffer_bytes = 1u << 20,
                           .initial_buffer_bytes = kInitial,
                           .max_string_bytes = 1u << 30,  // no cut: too_big must not fit
                           .on_full = on_full});
      lynx::Logger& log = lynx::logger("growth.big");
      std::thread t([&] {
        LYNX_INFO(log, "before {seq}", 0);
        LYNX_INFO(log, "big {s}", big);
        after_big = lynx::detail::tls_ring->capacity();
        LYNX_INFO(log, "too big {s}", too_big);
        LYNX_INFO(log, "after {seq}", 1);
      });
      t.join();
      engine.flush();
      stats = engine.stats();
    }
    CHECK(after_big == (512u << 10));  // straight to the ring that fits it, not one step
    CHECK(stats.records_dropped == 1);
    const auto decoded = lynx::test::decode_dir(dir.path());
    CHECK(decoded.problems == 0);
    CHECK(decoded.dropped_in_notices() == 1);
    const auto got = decoded.user_records();
    REQUIRE(got.size() == 3);
    CHECK(got[0]->format == "before {seq}");
    CHECK(got[1]->value("s") == big);
    CHECK(got[2]->format == "after {seq}");
  }
}

TEST_CASE("many threads grow at once, others exit and their rings are reused: nothing lost") {
  lynx::test::TempDir dir("growth");
  constexpr unsigned kWaves = 6, kPerWave = 4;
  const std::uint64_t per_thread = lynx::test::sized<std::uint64_t>(40'000, 10'000);
  lynx::Stats stats;
  {
    lynx::Engine engine({.directory = dir.path(),
                         .name = "g",
                         .buffer_bytes = 1u << 20,
                         .initial_buffer_bytes = 4096,
                         .on_full = lynx::OnFull::block});
    lynx::Logger& log = lynx::logger("growth.waves");
    for (unsigned wave = 0; wave < kWaves; ++wave) {
      std::vector<std::thread> workers;
      for (unsigned k = 0; k < kPerWave; ++k) {
        const unsigned t = wave * kPerWave + k;
        workers.emplace_back([&log, t, per_thread] {
          for (std::uint64_t seq = 0; seq < per_thread; ++seq)
            LYNX_INFO(log, "t {t} seq {seq}", t, seq);
        });
      }
      for (std::thread& w : workers) w.join();
      if (wave % 2 == 0) engine.flush();  // some waves retire rings while the next one starts
    }
    engine.flush();
    stats = engine.stats();
  }
  CHECK(stats.records_dropped == 0);
  CHECK(stats.threads_registered == kWaves * kPerWave);
  const auto decoded = lynx::test::decode_dir(dir.path());
  CHECK(decoded.problems == 0);
  const auto got = decoded.user_records();
  CHECK(got.size() == kWaves * kPerWave * per_thread);
  CHECK(count_out_of_order(got, kWaves * kPerWave, per_thread) == 0);
}

TEST_CASE(
    "the engine stops while threads log into grown rings: what it wrote is whole and ordered") {
  lynx::test::TempDir dir("growth");
  constexpr unsigned kThreads = 4;
  std::atomic<bool> go_on{true};
  std::atomic<unsigned> grown{0};
  std::vector<std::uint64_t> logged(kThreads, 0);
  std::vector<std::thread> workers;
  {
    lynx::Engine engine({.directory = dir.path(),
                         .name = "g",
                         .buffer_bytes = 1u << 20,
                         .initial_buffer_bytes = 4096,
                         .on_full = lynx::OnFull::block});
    lynx::Logger& log = lynx::logger("growth.stop");
    for (unsigned t = 0; t < kThreads; ++t) {
      workers.emplace_back([&, t] {
        bool counted = false;
        for (std::uint64_t seq = 0; go_on.load(std::memory_order_relaxed); ++seq) {
          LYNX_INFO(log, "t {t} seq {seq}", t, seq);
          logged[t] = seq + 1;
          if (!counted && lynx::detail::tls_ring != nullptr &&
              lynx::detail::tls_ring->capacity() > 4096) {
            counted = true;
            grown.fetch_add(1);
          }
        }
      });
    }
    // Stop once every thread moved to a bigger ring (4 KiB hold about 100 records, so they do at
    // once); should the backend keep up after all, stop after a while anyway.
    for (int i = 0; i < 10'000 && grown.load() < kThreads; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }  // stops the engine while the threads go on logging (into closed rings, then without engine)
  go_on.store(false);
  for (std::thread& w : workers) w.join();
  const auto decoded = lynx::test::decode_dir(dir.path());
  CHECK(decoded.problems == 0);
  // Each thread's records in the files: 0, 1, 2, ... up to where the engine stopped, no gap.
  std::vector<std::uint64_t> next(kThreads, 0);
  std::uint64_t bad = 0;
  for (const auto* r : decoded.user_records()) {
    const auto t = std::stoul(r->value("t"));
    if (t >= kThreads || std::stoull(r->value("seq")) != next[t]) {
      ++bad;
      continue;
    }
    ++next[t];
  }
  CHECK(bad == 0);
  for (unsigned t = 0; t < kThreads; ++t) {
    CAPTURE(t);
    CHECK(next[t] > 0);
    CHECK(next[t] <= logged[t]);
  }
}

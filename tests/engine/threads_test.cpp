// Many threads log at once: every record is written exactly once, and each thread's records keep
// program order (sequence numbers and timestamps) in the file, also when the rings wrap and
// producers block on a full ring.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <pthread.h>
#include <lynx/lynx.hpp>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"
#include "tests/support/sizing.hpp"

namespace {

struct Variant {
  const char* what;
  std::size_t buffer_bytes;
  unsigned threads;
  std::uint64_t per_thread;
};

void run(const Variant& v) {
  CAPTURE(v.what);
  lynx::test::TempDir dir("threads");
  lynx::Engine engine(lynx::Options{.directory = dir.path(),
                                    .name = "t",
                                    .buffer_bytes = v.buffer_bytes,
                                    .on_full = lynx::OnFull::block});
  lynx::Logger& log = lynx::logger("threads");

  std::vector<std::uint64_t> tids(v.threads);
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < v.threads; ++t) {
    workers.emplace_back([&, t] {
      const std::string name = "worker-" + std::to_string(t);
      pthread_setname_np(pthread_self(), name.c_str());
      tids[t] = lynx::test::current_os_tid();
      for (std::uint64_t seq = 0; seq < v.per_thread; ++seq) {
        LYNX_INFO(log, "thread {thread} seq {seq}", t, seq);
      }
    });
  }
  for (std::thread& w : workers) w.join();
  engine.flush();

  const lynx::Stats stats = engine.stats();
  const auto decoded = lynx::test::decode_dir(dir.path());
  CHECK(decoded.problems == 0);
  for (const std::string& p : decoded.problem_messages) MESSAGE(p);
  CHECK(stats.records_dropped == 0);
  CHECK(decoded.notice_count() == 0);
  CHECK(stats.threads_registered == v.threads);

  const std::uint64_t total = v.threads * v.per_thread;
  REQUIRE(decoded.records.size() == total);
  CHECK(stats.records_written == total);

  // Per thread: which sequence numbers were seen, and the last one and its timestamp in file order.
  std::vector<std::vector<bool>> seen(v.threads, std::vector<bool>(v.per_thread, false));
  std::vector<std::int64_t> last_seq(v.threads, -1);
  std::vector<std::int64_t> last_ts(v.threads, 0);
  std::uint64_t malformed = 0, duplicates = 0, out_of_order = 0, ts_backwards = 0, wrong_tid = 0,
                wrong_name = 0;
  std::int64_t worst_ts_step_back = 0;
  for (const lynx::test::DecodedRecord& r : decoded.records) {
    const unsigned t =
        r.values.size() == 2 ? static_cast<unsigned>(std::stoul(r.values[0])) : v.threads;
    const std::uint64_t seq = r.values.size() == 2 ? std::stoull(r.values[1]) : v.per_thread;
    if (t >= v.threads || seq >= v.per_thread) {
      ++malformed;
      continue;
    }
    if (seen[t][seq]) ++duplicates;
    seen[t][seq] = true;
    if (static_cast<std::int64_t>(seq) <= last_seq[t]) ++out_of_order;
    last_seq[t] = static_cast<std::int64_t>(seq);
    if (r.ts_ns < last_ts[t]) {
      ++ts_backwards;
      worst_ts_step_back = std::max(worst_ts_step_back, last_ts[t] - r.ts_ns);
    }
    last_ts[t] = r.ts_ns;
    if (r.os_tid != tids[t]) ++wrong_tid;
    if (r.thread_name != "worker-" + std::to_string(t)) ++wrong_name;
  }
  std::uint64_t missing = 0;
  for (const auto& s : seen) {
    for (bool b : s) missing += b ? 0 : 1;
  }
  CHECK(malformed == 0);
  CHECK(duplicates == 0);
  CHECK(missing == 0);
  CHECK(out_of_order == 0);
  CHECK(wrong_tid == 0);
  CHECK(wrong_name == 0);
  CAPTURE(worst_ts_step_back);
  CHECK(ts_backwards == 0);
  CHECK(std::set<std::uint64_t>(tids.begin(), tids.end()).size() == v.threads);
}

}  // namespace

// Sanitizer builds log a fifth of the records (lynx::test::sized): the same threads, rings and
// wrapping, at 5-20 times the cost per record.
TEST_CASE(
    "8 threads x 100k records, default ring: each record exactly once, per-thread order kept") {
  run({"1 MiB rings", 1u << 20, 8, lynx::test::sized<std::uint64_t>(100'000, 20'000)});
}

TEST_CASE(
    "8 threads x 100k records, 64 KiB rings: the rings wrap and producers block, nothing is lost") {
  run({"64 KiB rings", 64u << 10, 8, lynx::test::sized<std::uint64_t>(100'000, 20'000)});
}

TEST_CASE("8 threads, smallest (4 KiB) rings: constant wrapping and blocking, nothing is lost") {
  run({"4 KiB rings", 4u << 10, 8, lynx::test::sized<std::uint64_t>(20'000, 5'000)});
}

TEST_CASE(
    "many short-lived threads: rings of exited threads are drained and reused, nothing is lost") {
  lynx::test::TempDir dir("threads");
  lynx::Engine engine(
      lynx::Options{.directory = dir.path(), .name = "t", .buffer_bytes = 64u << 10});
  lynx::Logger& log = lynx::logger("threads.short");
  constexpr unsigned kWaves = 50, kPerWave = 4, kPerThread = 200;
  for (unsigned wave = 0; wave < kWaves; ++wave) {
    std::vector<std::thread> workers;
    for (unsigned k = 0; k < kPerWave; ++k) {
      const unsigned t = wave * kPerWave + k;
      workers.emplace_back([&log, t] {
        for (unsigned seq = 0; seq < kPerThread; ++seq)
          LYNX_INFO(log, "short {thread} {seq}", t, seq);
      });
    }
    for (std::thread& w : workers) w.join();
    if (wave % 10 == 0) engine.flush();  // lets the backend retire some rings while others are live
  }
  engine.flush();

  const lynx::Stats stats = engine.stats();
  CHECK(stats.threads_registered == kWaves * kPerWave);
  CHECK(stats.records_dropped == 0);
  const auto decoded = lynx::test::decode_dir(dir.path());
  CHECK(decoded.problems == 0);
  REQUIRE(decoded.records.size() == kWaves * kPerWave * kPerThread);
  std::vector<std::int64_t> last(kWaves * kPerWave, -1);
  std::uint64_t bad = 0;
  for (const auto& r : decoded.records) {
    const auto t = std::stoul(r.value("thread"));
    const auto seq = static_cast<std::int64_t>(std::stoul(r.value("seq")));
    if (t >= last.size() || seq != last[t] + 1)
      ++bad;  // each thread: 0, 1, 2, ... exactly once
    else
      last[t] = seq;
  }
  CHECK(bad == 0);
  CHECK(std::count(last.begin(), last.end(), std::int64_t{kPerThread - 1}) ==
        static_cast<long>(last.size()));
}

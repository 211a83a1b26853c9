// The same records logged through an Engine writing with io_uring (Options::io = Io::uring) and
// with pwritev (Io::psync) decode to the same records. The files themselves differ (headers carry
// the creation time and pid, timestamps differ run to run, so do block and rotation boundaries), so
// the comparison is on decoded content: for each thread, the sequence of its records with call
// site, level, logger and every argument value, in the order it logged them. Several shards,
// rotation, zstd and records larger than an I/O buffer make many writes overlap on io_uring.
// Its own executable: where io_uring is unavailable (kernel, seccomp, LYNX_IO_DISABLE_URING=1)
// main() exits 77 and meson reports SKIP (tests/support/skip.hpp).
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <pthread.h>
#include <lynx/lynx.hpp>

#include <cstdint>
#include <cstdio>
#include <exception>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"
#include "tests/support/sizing.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/uring.hpp"

namespace {

enum class Color : std::uint8_t { red = 1, green = 2, blue = 3 };

constexpr unsigned kThreads = 4;
// Sanitizer builds: 2000 (four of the 200 KB records per thread instead of twelve).
const int kPerThread = lynx::test::sized(6000, 2000);

// Deterministic text of varied length: most records are short, every 500th is about 200 KB of
// letters zstd cannot squeeze much (in an "order" record: case i % 4 == 0 below logs all of it).
std::string text(unsigned t, int i) {
  if (i % 500 == 496) {
    std::minstd_rand rng(t * 100'000 + static_cast<unsigned>(i) + 1);
    std::string big(200'000 + 1000 * t, ' ');
    for (char& c : big) c = static_cast<char>('a' + rng() % 26);
    return big;
  }
  std::string s = "t" + std::to_string(t) + "-" + std::to_string(i * 2654435761u % 1000003);
  s.append(static_cast<std::size_t>(i % 97), static_cast<char>('A' + (i + t) % 26));
  return s;
}

// What thread `t` logs: every argument type, two loggers, several levels.
void workload(unsigned t) {
  lynx::Logger& orders = lynx::logger("orders");
  lynx::Logger& audit = lynx::logger("audit");
  for (int i = 0; i < kPerThread; ++i) {
    const std::string s = text(t, i);
    switch (i % 4) {
      case 0:
        LYNX_INFO(orders, "order {id} for {user} at {price:.2f}",
                  static_cast<std::uint64_t>(i) * 7919u, s, 0.25 * i);
        break;
      case 1:
        LYNX_WARN(audit, "{neg} {small} {flag} {ch} {f} {color}",
                  -static_cast<std::int64_t>(i) * 31, static_cast<std::int16_t>(i % 30000),
                  i % 3 == 0, static_cast<char>('a' + i % 26), static_cast<float>(i) / 3.0f,
                  static_cast<Color>(1 + i % 3));
        break;
      case 2:
        LYNX_ERROR(orders, "raw {p} and {sv} and {cs}",
                   reinterpret_cast<const void*>(std::uintptr_t{0x1000} + i),
                   std::string_view(s).substr(0, s.size() / 2), "constant text");
        break;
      default: LYNX_INFO(audit, "thread {t} seq {i}", t, i); break;
    }
  }
}

// One record as the reader gives it back, minus what legitimately differs between runs
// (timestamp, os thread id, file-local thread number, file path).
std::string content_of(const lynx::test::DecodedRecord& r) {
  std::string out = r.logger + "|" + std::to_string(static_cast<int>(r.level)) + "|" + r.file +
                    ":" + std::to_string(r.line) + "|" + r.function + "|" + r.format + "|";
  for (std::size_t i = 0; i < r.values.size(); ++i) {
    out += r.names.at(i) + "=" + std::to_string(static_cast<int>(r.types.at(i))) + ":" +
           r.values[i] + ";";
  }
  return out;
}

struct Outcome {
  // By thread name: that thread's records, in the order the files give them.
  std::map<std::string, std::vector<std::string>> by_thread;
  std::map<std::string, std::set<std::uint32_t>> shards_of_thread;
  std::uint64_t records = 0;
  std::uint64_t files = 0;
  lynx::Stats stats;
};

Outcome run(lynx::Io io, lynx::Compression compression) {
  lynx::test::TempDir dir("io_backends");
  Outcome out;
  {
    lynx::Engine engine(lynx::Options{.directory = dir.path(),
                                      .name = "io",
                                      .shards = 2,
                                      .rotate_bytes = 512 * 1024,
                                      .compression = compression,
                                      .buffer_bytes = 4 << 20,
                                      .io = io});
    std::vector<std::thread> workers;
    for (unsigned t = 0; t < kThreads; ++t) {
      workers.emplace_back([t] {
        pthread_setname_np(pthread_self(), ("w" + std::to_string(t)).c_str());
        workload(t);
      });
    }
    for (std::thread& w : workers) w.join();
    // The main thread too, after the others: its records follow theirs in time.
    lynx::Logger& main_log = lynx::logger("main");
    for (int i = 0; i < 100; ++i) LYNX_CRITICAL(main_log, "main {i} {s}", i, text(99, i));
    engine.flush();
    out.stats = engine.stats();
  }
  const lynx::test::Decoded decoded = lynx::test::decode_dir(dir.path());
  CHECK(decoded.problems == 0);
  for (const std::string& p : decoded.problem_messages) MESSAGE(p);
  std::map<std::string, std::uint32_t> shard_of_path;
  for (const auto& f : decoded.files) shard_of_path[f.path] = f.shard;
  for (const auto* r : decoded.user_records()) {
    out.by_thread[r->thread_name].push_back(content_of(*r));
    out.shards_of_thread[r->thread_name].insert(shard_of_path[r->path]);
  }
  out.records = decoded.records.size();
  out.files = decoded.files.size();
  return out;
}

void check_outcome(const Outcome& o) {
  CHECK(o.stats.write_errors == 0);
  CHECK(o.stats.records_dropped == 0);
  CHECK(o.records == kThreads * kPerThread + 100);
  CHECK(o.stats.records_written == o.records);
  CHECK(o.files > 2);  // rotation happened on each shard
  CHECK(o.by_thread.size() == kThreads + 1);
  for (const auto& [thread, shards] : o.shards_of_thread) {
    CAPTURE(thread);
    CHECK(shards.size() == 1);  // a thread writes to one shard only
  }
}

void check_same(const Outcome& uring, const Outcome& psync) {
  REQUIRE(uring.by_thread.size() == psync.by_thread.size());
  for (const auto& [thread, records] : psync.by_thread) {
    CAPTURE(thread);
    const auto it = uring.by_thread.find(thread);
    REQUIRE(it != uring.by_thread.end());
    REQUIRE(it->second.size() == records.size());
    std::size_t differing = 0;
    for (std::size_t i = 0; i < records.size(); ++i) {
      if (it->second[i] == records[i]) continue;
      if (differing++ == 0) {
        MESSAGE("record " << i << " differs:\n  uring: " << it->second[i].substr(0, 300)
                          << "\n  psync: " << records[i].substr(0, 300));
      }
    }
    CHECK(differing == 0);
  }
  CHECK(uring.stats.records_written == psync.stats.records_written);
}

}  // namespace

TEST_CASE("Io::uring and Io::psync: the same records decode to the same records") {
  for (const auto compression : {lynx::Compression::none, lynx::Compression::zstd}) {
    CAPTURE(compression == lynx::Compression::zstd);
    const Outcome psync = run(lynx::Io::psync, compression);
    check_outcome(psync);
    const Outcome uring = run(lynx::Io::uring, compression);
    check_outcome(uring);
    check_same(uring, psync);
  }
}

int main(int argc, char** argv) {
  return lynx::test::run_or_skip(argc, argv, lynx::test::io_uring_missing());
}

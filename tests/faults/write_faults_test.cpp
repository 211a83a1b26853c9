// Write faults under a real Engine. The engine's writer is wrapped in io::FaultInjectingWriter
// (short writes, EAGAIN, ENOSPC, EIO, torn writes, or a disk that stays full until the test makes
// room). Whatever the faults, a record the engine accepted is either decodable from the files
// afterwards or counted in Stats::records_dropped; nothing already on disk is damaged.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <lynx/lynx.hpp>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "test_support.hpp"
#include "tests/support/fault_seam.hpp"
#include "tests/support/payload.hpp"

namespace {

using lynx::io::Fault;
using lynx::test::FaultSeam;

// Values of field `i` of the user records, in file order.
std::vector<std::uint64_t> sequence_of(const lynx::test::Decoded& decoded) {
  std::vector<std::uint64_t> out;
  for (const auto* r : decoded.user_records()) out.push_back(std::stoull(r->value("i")));
  return out;
}

std::vector<std::uint64_t> iota(std::uint64_t from, std::uint64_t to) {
  std::vector<std::uint64_t> out;
  for (std::uint64_t i = from; i < to; ++i) out.push_back(i);
  return out;
}

// Big records (every byte stored: tests/support/payload.hpp): buffers fill after a few thousand.
std::string payload(std::uint64_t i) { return lynx::test::payload(200, i); }

}  // namespace

// Faults by script; writes are numbered from 0 in submission order and retries are new writes.
static void scripted_faults(lynx::Sync sync) {
  lynx::test::TempDir dir("faults");
  FaultSeam seam({{Fault::short_write, 0, 100},
                  {Fault::enospc, 1, 0},
                  {Fault::eio, 2, 0},
                  {Fault::torn_write, 3, 5000},
                  {Fault::eagain, 4, 0},
                  {Fault::enospc, 5, 0},
                  {Fault::torn_write, 7, 1},
                  {Fault::short_write, 9, 4097}});
  constexpr std::uint64_t kBatches = 12, kPerBatch = 2000;
  {
    lynx::Engine engine(lynx::Options{
        .directory = dir.path(), .name = "w", .sync = sync, .flush_every = std::chrono::hours(1)});
    lynx::Logger& log = lynx::logger("faults.script");
    std::uint64_t i = 0;
    for (std::uint64_t b = 0; b < kBatches; ++b) {
      for (std::uint64_t k = 0; k < kPerBatch; ++k, ++i)
        LYNX_INFO(log, "record {i} {s}", i, payload(i));
      engine.flush();  // one or more writes per batch
    }
    const lynx::Stats stats = engine.stats();
    CHECK(seam.writer().faults_injected() >= 6);
    CHECK(stats.write_errors >= 4);  // enospc, eio, two torn writes (more if a retry failed too)
    CHECK(stats.records_dropped == 0);
  }
  const auto decoded = lynx::test::decode_dir(dir.path());
  CAPTURE(decoded.problem_messages.size());
  CHECK(decoded.problems == 0);  // torn writes were overwritten whole by their retries
  CHECK(sequence_of(decoded) == iota(0, kBatches * kPerBatch));
}

TEST_CASE("short writes, EAGAIN, ENOSPC, EIO and torn writes: every record is written, in order") {
  scripted_faults(lynx::Sync::none);
}

TEST_CASE(
    "the same faults with Sync::every_batch: each write and its retry carry their own fdatasync") {
  scripted_faults(lynx::Sync::every_batch);
}

TEST_CASE(
    "a full disk: flush() does not hang, records wait in memory and reach the files once there is "
    "room") {
  lynx::test::TempDir dir("faults");
  FaultSeam seam;
  lynx::Engine engine(lynx::Options{.directory = dir.path(),
                                    .name = "w",
                                    .rotate_bytes = 256 * 1024,
                                    .compression = lynx::Compression::none,
                                    .flush_every = std::chrono::hours(1)});
  seam.writer().fail_all(Fault::enospc);
  lynx::Logger& log = lynx::logger("faults.full");
  constexpr std::uint64_t kRecords = 5000;  // about 1 MB: several rotations while the disk is full
  for (std::uint64_t i = 0; i < kRecords; ++i) {
    LYNX_INFO(log, "record {i} {s}", i, payload(i));
    if (i % 1000 == 999) engine.flush();
  }
  engine.flush();
  const lynx::Stats full = engine.stats();
  CHECK(full.write_errors > 0);
  CHECK(full.records_written == 0);
  CHECK(full.records_dropped == 0);

  seam.writer().heal();
  engine.flush();  // retries the failed writes first
  const lynx::Stats healed = engine.stats();
  CHECK(healed.records_written == kRecords);
  CHECK(healed.records_dropped == 0);
  const auto decoded = lynx::test::decode_dir(dir.path());
  CHECK(decoded.files.size() >= 3);  // rotated while the disk was full; each file is complete
  CHECK(decoded.problems == 0);
  CHECK(sequence_of(decoded) == iota(0, kRecords));
}

TEST_CASE(
    "a full disk for longer than the buffers last: the rings fill, OnFull::drop counts, nothing "
    "else is lost") {
  lynx::test::TempDir dir("faults");
  FaultSeam seam;
  lynx::Engine engine(lynx::Options{.directory = dir.path(),
                                    .name = "w",
                                    .compression = lynx::Compression::none,
                                    .buffer_bytes = 64 * 1024,
                                    .on_full = lynx::OnFull::drop,
                                    .flush_every = std::chrono::hours(1)});
  seam.writer().fail_all(Fault::enospc);
  lynx::Logger& log = lynx::logger("faults.starved");
  // 16 MiB of I/O buffers hold about 70,000 of these records; log far more than that.
  constexpr std::uint64_t kRecords = 300'000;
  for (std::uint64_t i = 0; i < kRecords; ++i) LYNX_INFO(log, "record {i} {s}", i, payload(i));
  engine.flush();
  CHECK(engine.stats().records_dropped > 0);  // the backend stopped draining: the ring filled

  seam.writer().heal();
  engine.flush();
  const lynx::Stats stats = engine.stats();
  const auto decoded = lynx::test::decode_dir(dir.path());
  const std::vector<std::uint64_t> kept = sequence_of(decoded);
  CHECK(decoded.problems == 0);
  CHECK(kept.size() + stats.records_dropped == kRecords);
  CHECK(decoded.dropped_in_notices() == stats.records_dropped);
  CHECK(stats.records_written == kept.size() + decoded.notice_count());
  // What was kept is in program order with no duplicates.
  bool ordered = true;
  for (std::size_t k = 1; k < kept.size(); ++k) ordered = ordered && kept[k - 1] < kept[k];
  CHECK(ordered);
}

TEST_CASE(
    "stopping while the disk stays full: no hang, and what reached the disk before is intact") {
  lynx::test::TempDir dir("faults");
  FaultSeam seam;
  constexpr std::uint64_t kBefore = 3000, kAfter = 2000;
  {
    lynx::Engine engine(
        lynx::Options{.directory = dir.path(), .name = "w", .flush_every = std::chrono::hours(1)});
    lynx::Logger& log = lynx::logger("faults.stop");
    for (std::uint64_t i = 0; i < kBefore; ++i) LYNX_INFO(log, "record {i} {s}", i, payload(i));
    engine.flush();
    REQUIRE(engine.stats().records_written == kBefore);
    seam.writer().fail_all(Fault::eio);
    for (std::uint64_t i = kBefore; i < kBefore + kAfter; ++i)
      LYNX_INFO(log, "record {i} {s}", i, payload(i));
    engine.flush();
    CHECK(engine.stats().write_errors > 0);
  }  // the engine retries for a while, then gives the failed writes up
  const auto decoded = lynx::test::decode_dir(dir.path());
  CHECK(decoded.problems == 0);
  CHECK(sequence_of(decoded) == iota(0, kBefore));
}

TEST_CASE(
    "a full disk under several shards: each failed write goes back to its own shard, even "
    "oversized ones and across rotation") {
  lynx::test::TempDir dir("faults");
  FaultSeam seam;
  constexpr unsigned kThreads = 3;
  constexpr std::uint64_t kPerThread = 1500;
  const std::string huge(1536 * 1024, 'h');  // a block bigger than a pooled 1 MiB I/O buffer
  lynx::Engine engine(lynx::Options{.directory = dir.path(),
                                    .name = "w",
                                    .shards = kThreads,
                                    .rotate_bytes = 128 * 1024,
                                    .compression = lynx::Compression::none,
                                    .buffer_bytes = 4u << 20,
                                    .max_string_bytes = 2u << 20,  // the huge string stays whole
                                    .flush_every = std::chrono::hours(1)});
  lynx::Logger& log = lynx::logger("faults.shards");
  seam.writer().fail_all(Fault::enospc);
  // Every thread registers before any logs more, so each gets a shard of its own.
  std::atomic<unsigned> registered{0};
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      LYNX_INFO(log, "thread {t} record {i} {s}", t, std::uint64_t{0}, payload(0));
      registered.fetch_add(1);
      while (registered.load() < kThreads) std::this_thread::yield();
      for (std::uint64_t i = 1; i < kPerThread; ++i) {
        if (t == 0 && i == kPerThread / 2) {
          LYNX_INFO(log, "thread {t} record {i} {s}", t, i, huge);
        } else {
          LYNX_INFO(log, "thread {t} record {i} {s}", t, i, payload(i));
        }
        if (i % 500 == 0) engine.flush();
      }
    });
  }
  for (std::thread& th : threads) th.join();
  engine.flush();
  CHECK(engine.stats().records_written == 0);
  CHECK(engine.stats().write_errors > 0);

  seam.writer().heal();
  engine.flush();
  const lynx::Stats healed = engine.stats();
  CHECK(healed.records_dropped == 0);
  CHECK(healed.records_written == kThreads * kPerThread);
  const auto decoded = lynx::test::decode_dir(dir.path());
  CHECK(decoded.problems == 0);
  std::map<std::string, std::uint32_t> shard_of;
  for (const auto& f : decoded.files) shard_of[f.path] = f.shard;
  for (unsigned t = 0; t < kThreads; ++t) {
    CAPTURE(t);
    std::vector<std::uint64_t> seq;
    std::set<std::uint32_t> shards;
    for (const auto* r : decoded.user_records()) {
      if (r->value("t") != std::to_string(t)) continue;
      seq.push_back(std::stoull(r->value("i")));
      shards.insert(shard_of[r->path]);
      if (seq.back() == kPerThread / 2 && t == 0) CHECK(r->value("s").size() == huge.size());
    }
    CHECK(seq == iota(0, kPerThread));
    CHECK(shards.size() == 1);  // a thread's records live in its shard's files only
  }
  std::set<std::uint32_t> used;
  for (const auto& [path, shard] : shard_of) used.insert(shard);
  CHECK(used.size() == kThreads);
  CHECK(decoded.files.size() > kThreads);  // rotated while the disk was full
}

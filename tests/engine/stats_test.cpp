// Engine::stats() agrees with what is on disk: records_written is the number of decodable records,
// bytes_written the sum of the file sizes, files_opened the number of files.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <lynx/lynx.hpp>

#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"
#include "tests/support/sizing.hpp"

namespace {

void check_against_disk(const lynx::Engine& engine, const std::string& dir,
                        std::uint64_t user_records, unsigned threads) {
  const lynx::Stats s = engine.stats();
  const auto decoded = lynx::test::decode_dir(dir);
  CHECK(decoded.problems == 0);
  CHECK(decoded.user_records().size() == user_records);
  CHECK(s.records_written == decoded.records.size());
  CHECK(s.bytes_written == decoded.bytes);
  CHECK(s.files_opened == decoded.files.size());
  CHECK(s.threads_registered == threads);
  CHECK(s.records_dropped == 0);
  CHECK(s.write_errors == 0);
  CHECK(s.bytes_raw > 0);
  CHECK(s.blocks_written > 0);
}

}  // namespace

TEST_CASE("stats match the files after each flush, with and without compression and rotation") {
  struct Variant {
    lynx::Compression compression;
    std::uint64_t rotate_bytes;
    unsigned shards;
  };
  for (const Variant v :
       {Variant{lynx::Compression::none, 0, 1}, Variant{lynx::Compression::zstd, 0, 1},
        Variant{lynx::Compression::none, 64 * 1024, 2},
        Variant{lynx::Compression::zstd, 64 * 1024, 2}}) {
    CAPTURE(static_cast<int>(v.compression));
    CAPTURE(v.rotate_bytes);
    lynx::test::TempDir dir("stats");
    lynx::Engine engine(lynx::Options{.directory = dir.path(),
                                      .name = "s",
                                      .shards = v.shards,
                                      .rotate_bytes = v.rotate_bytes,
                                      .compression = v.compression,
                                      .flush_every = std::chrono::hours(1)});
    lynx::Logger& log = lynx::logger("stats");

    std::uint64_t logged = 0;
    unsigned threads = 0;
    // Sanitizer builds: 1500 per thread and round, still several 64 KiB files per round.
    const int per_thread = lynx::test::sized(5000, 1500);
    for (int round = 0; round < 3; ++round) {
      CAPTURE(round);
      std::vector<std::thread> workers;
      for (unsigned t = 0; t < 2; ++t) {
        workers.emplace_back([&log, t, round, per_thread] {
          for (int i = 0; i < per_thread; ++i) {
            LYNX_INFO(log, "round {r} thread {t} {i} {text}", round, t, i,
                      std::to_string(i * 7919));
          }
        });
      }
      for (std::thread& w : workers) w.join();
      logged += 2 * static_cast<std::uint64_t>(per_thread);
      threads += 2;
      engine.flush();
      check_against_disk(engine, dir.path(), logged, threads);
    }
  }
}

TEST_CASE("stats of an engine that wrote nothing: the empty first files are counted, no records") {
  lynx::test::TempDir dir("stats");
  lynx::Engine engine(lynx::Options{.directory = dir.path(), .name = "s", .shards = 3});
  engine.flush();
  const lynx::Stats s = engine.stats();
  const auto decoded = lynx::test::decode_dir(dir.path());
  CHECK(decoded.problems == 0);
  CHECK(decoded.files.size() == 3);
  CHECK(s.files_opened == 3);
  CHECK(s.records_written == 0);
  CHECK(s.bytes_written == decoded.bytes);
  CHECK(s.threads_registered == 0);
}

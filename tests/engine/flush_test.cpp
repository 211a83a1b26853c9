// Engine::flush(): once it returns, a fresh FileReader sees every record logged before the call
// (by this thread, or by threads that finished before it), for every compression and writer.
// flush_every is an hour, so nothing but flush() can have written the records.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <lynx/lynx.hpp>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "test_support.hpp"
#include "tests/support/sizing.hpp"

namespace {

struct Variant {
  const char* what;
  lynx::Compression compression;
  lynx::Io io;
};

constexpr Variant kVariants[] = {
    {"none + psync", lynx::Compression::none, lynx::Io::psync},
    {"zstd + psync", lynx::Compression::zstd, lynx::Io::psync},
    {"none + automatic", lynx::Compression::none, lynx::Io::automatic},
    {"zstd + automatic", lynx::Compression::zstd, lynx::Io::automatic},
    {"none + uring", lynx::Compression::none, lynx::Io::uring},
    {"zstd + uring", lynx::Compression::zstd, lynx::Io::uring},
};

lynx::Options options(const lynx::test::TempDir& dir, const Variant& v) {
  return lynx::Options{.directory = dir.path(),
                       .name = "f",
                       .compression = v.compression,
                       .flush_every = std::chrono::hours(1),
                       .io = v.io};
}

// Starts the engine, or returns false when the variant asks for io_uring and the kernel forbids it.
bool start(std::optional<lynx::Engine>& engine, const lynx::test::TempDir& dir, const Variant& v) {
  try {
    engine.emplace(options(dir, v));
    return true;
  } catch (const std::exception& e) {
    if (v.io != lynx::Io::uring) throw;
    MESSAGE("io_uring unavailable, variant not run: " << e.what());
    // Run with LYNX_IO_DISABLE_URING=1 (the psync suite): the failure must say what and why.
    const char* disabled = std::getenv("LYNX_IO_DISABLE_URING");
    if (disabled != nullptr && std::string(disabled) == "1") {
      CHECK(std::string(e.what()).find("io_uring was requested but is unavailable") !=
            std::string::npos);
      CHECK(std::string(e.what()).find("LYNX_IO_DISABLE_URING") != std::string::npos);
    }
    return false;
  }
}

}  // namespace

TEST_CASE("after flush() returns, a fresh reader sees every record logged before it") {
  for (const Variant& v : kVariants) {
    CAPTURE(v.what);
    lynx::test::TempDir dir("flush");
    std::optional<lynx::Engine> engine;
    if (!start(engine, dir, v)) continue;
    lynx::Logger& log = lynx::logger("flush");

    std::uint64_t logged = 0;
    // Sanitizer builds stop after 3 rounds (1, 3000 and 6000 records): still past one block.
    const int rounds = lynx::test::sized(6, 3);
    for (int round = 0; round < rounds; ++round) {
      CAPTURE(round);
      // Round sizes from a single record up to more than one block.
      const int n = round == 0 ? 1 : round * 3000;
      for (int i = 0; i < n; ++i) LYNX_INFO(log, "round {r} {i}", round, i);
      std::thread other([&] { LYNX_INFO(log, "round {r} from another thread", round); });
      other.join();
      logged += static_cast<std::uint64_t>(n) + 1;
      engine->flush();

      const auto decoded = lynx::test::decode_dir(dir.path());
      CHECK(decoded.problems == 0);
      REQUIRE(decoded.records.size() == logged);
      CHECK(decoded.records.back().format == "round {r} from another thread");
      CHECK(decoded.records.back().value("r") == std::to_string(round));
    }
    // A flush with nothing new returns and changes nothing.
    engine->flush();
    engine->flush();
    CHECK(lynx::test::decode_dir(dir.path()).records.size() == logged);
  }
}

TEST_CASE("concurrent flushes: each thread's flush covers that thread's own earlier records") {
  for (const Variant& v : kVariants) {
    CAPTURE(v.what);
    lynx::test::TempDir dir("flush");
    std::optional<lynx::Engine> engine;
    if (!start(engine, dir, v)) continue;
    lynx::Logger& log = lynx::logger("flush.concurrent");

    constexpr unsigned kThreads = 4;
    // Each round decodes every file: 3 rounds in sanitizer builds.
    const int kRounds = lynx::test::sized(5, 3);
    // failures[t]: rounds after whose flush thread t did not find all of its own records.
    std::vector<int> failures(kThreads, 0);
    std::vector<std::thread> workers;
    for (unsigned t = 0; t < kThreads; ++t) {
      workers.emplace_back([&, t] {
        for (int round = 0; round < kRounds; ++round) {
          for (int i = 0; i < 500; ++i) LYNX_INFO(log, "thread {t} round {r} {i}", t, round, i);
          engine->flush();
          std::uint64_t mine = 0;
          for (const auto& r : lynx::test::decode_dir(dir.path()).records) {
            if (r.value("t") == std::to_string(t)) ++mine;
          }
          if (mine < static_cast<std::uint64_t>(round + 1) * 500) ++failures[t];
        }
      });
    }
    for (std::thread& w : workers) w.join();
    CHECK(failures == std::vector<int>(kThreads, 0));
    engine->flush();
    CHECK(lynx::test::decode_dir(dir.path()).records.size() == kThreads * kRounds * 500);
  }
}

TEST_CASE("destroying the engine writes everything logged before, without an explicit flush") {
  for (const Variant& v : kVariants) {
    CAPTURE(v.what);
    lynx::test::TempDir dir("flush");
    {
      std::optional<lynx::Engine> engine;
      if (!start(engine, dir, v)) continue;
      lynx::Logger& log = lynx::logger("flush.destroy");
      for (int i = 0; i < 10'000; ++i) LYNX_INFO(log, "unflushed {i}", i);
    }
    const auto decoded = lynx::test::decode_dir(dir.path());
    CHECK(decoded.problems == 0);
    CHECK(decoded.records.size() == 10'000);
  }
}

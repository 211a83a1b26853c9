// What a thread that logs once costs: its first log call takes a ring of
// Options::initial_buffer_bytes (64 KiB by default, touched whole so later calls take no page
// fault), not one of buffer_bytes (1 MiB). 100 threads that each log one record must add at most
// 128 KiB of resident memory each (VmRSS from /proc/self/statm, read while the threads are alive,
// before and after their log call). A memory check, not a timing. Sanitizer builds SKIP (exit 77):
// their shadow memory and allocator make resident memory say nothing about lynx.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <unistd.h>
#include <lynx/lynx.hpp>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <thread>
#include <vector>

#include "test_support.hpp"
#include "tests/support/sizing.hpp"

namespace {

// Resident bytes of this process.
std::uint64_t resident_bytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  REQUIRE(f != nullptr);
  unsigned long long size = 0, resident = 0;
  const int n = std::fscanf(f, "%llu %llu", &size, &resident);
  std::fclose(f);
  REQUIRE(n == 2);
  return resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace

TEST_CASE("100 threads that each log one record add at most 128 KiB resident each") {
  constexpr unsigned kThreads = 100;
  constexpr std::uint64_t kMaxPerThread = 128u << 10;
  lynx::test::TempDir dir("footprint");
  lynx::Engine engine({.directory = dir.path(), .name = "f"});  // default ring sizes
  REQUIRE(engine.options().buffer_bytes == (1u << 20));
  lynx::Logger& log = lynx::logger("footprint");
  LYNX_INFO(log, "main thread {i}", 0);  // the engine's own first-use costs are not the threads'
  engine.flush();

  std::atomic<int> phase{0};
  std::atomic<unsigned> ready{0};
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ready.fetch_add(1);
      phase.wait(0);
      LYNX_INFO(log, "thread {t} logs once", t);
      ready.fetch_add(1);
      phase.wait(1);
    });
  }
  while (ready.load() < kThreads) std::this_thread::yield();
  const std::uint64_t before = resident_bytes();  // threads started, stacks touched, no log yet
  phase.store(1);
  phase.notify_all();
  while (ready.load() < 2 * kThreads) std::this_thread::yield();
  engine.flush();
  const std::uint64_t after = resident_bytes();
  phase.store(2);
  phase.notify_all();
  for (std::thread& t : threads) t.join();

  const std::uint64_t per_thread = after > before ? (after - before) / kThreads : 0;
  MESSAGE("resident memory per thread that logged once: " << per_thread / 1024 << " KiB");
  CHECK(per_thread <= kMaxPerThread);
  CHECK(engine.stats().records_dropped == 0);
}

int main(int argc, char** argv) {
  if (lynx::test::kSanitized) {
    std::puts("SKIP: resident memory means nothing under a sanitizer");
    return 77;
  }
  doctest::Context context(argc, argv);
  return context.run();
}

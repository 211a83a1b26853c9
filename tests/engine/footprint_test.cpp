// What a thread that logs once costs: its first log call takes a ring of
// Options::initial_buffer_bytes (64 KiB by default, touched whole so later calls take no page
// fault), not one of buffer_bytes (1 MiB). 100 threads that each log one record must add at most
// 128 KiB of resident memory each (VmRSS from /proc/self/statm, read while the threads are alive,
// before and after their log call); one that grew to the largest ring costs that ring, not also the
// rings it outgrew. Memory checks, not timings. Sanitizer builds SKIP (exit 77):
// their shadow memory and allocator make resident memory say nothing about lynx.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <unistd.h>
#include <lynx/lynx.hpp>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
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

TEST_CASE("a thread that grew to the largest ring costs that ring, not every ring it outgrew") {
  // Records of 40, 70, 130 and 300 KiB move each thread through rings of 128, 256, 512 KiB and
  // 1 MiB; the 64..512 KiB rings it left are drained and freed, so the thread costs about 1 MiB,
  // not the 1.9 MiB of the whole chain.
  constexpr unsigned kThreads = 16;
  constexpr std::uint64_t kMaxPerThread = (1u << 20) + (128u << 10);
  lynx::test::TempDir dir("footprint");
  lynx::Engine engine(
      {.directory = dir.path(), .name = "g", .compression = lynx::Compression::none});
  lynx::Logger& log = lynx::logger("footprint.grow");
  // Made before measuring, so that the threads allocate nothing of their own; one record of each
  // size from this thread first, so that the backend's buffers for such records exist already.
  std::vector<std::string> texts;
  for (const std::size_t kib : {40u, 70u, 130u, 300u}) texts.emplace_back(kib << 10, 'g');
  for (const std::string& text : texts) LYNX_INFO(log, "main thread {s}", std::string_view(text));
  engine.flush();

  std::atomic<int> phase{0};
  std::atomic<unsigned> ready{0};
  std::vector<std::size_t> capacity(kThreads, 0);
  std::atomic<unsigned> stepped[4] = {};
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ready.fetch_add(1);
      phase.wait(0);
      for (std::size_t k = 0; k < texts.size(); ++k) {
        LYNX_INFO(log, "thread {t} {s}", t, std::string_view(texts[k]));
        // Every thread reaches this size before any grows further, so no thread can move into a
        // ring another one outgrew: each thread's outgrown rings are its own to free.
        stepped[k].fetch_add(1);
        while (stepped[k].load() < kThreads) std::this_thread::yield();
      }
      capacity[t] = lynx::detail::tls_ring->capacity();
      ready.fetch_add(1);
      phase.wait(1);
    });
  }
  while (ready.load() < kThreads) std::this_thread::yield();
  const std::uint64_t before = resident_bytes();
  phase.store(1);
  phase.notify_all();
  while (ready.load() < 2 * kThreads) std::this_thread::yield();
  engine.flush();  // drains every outgrown ring, which the backend then frees
  const std::uint64_t after = resident_bytes();
  phase.store(2);
  phase.notify_all();
  for (std::thread& t : threads) t.join();

  for (const std::size_t c : capacity) CHECK(c == (1u << 20));
  const std::uint64_t per_thread = after > before ? (after - before) / kThreads : 0;
  MESSAGE("resident memory per thread grown to 1 MiB: " << per_thread / 1024 << " KiB");
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

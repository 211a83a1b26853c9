// Producer threads for one run, shared by the latency and throughput modes so that both start,
// warm up and synchronise the same way:
//   1. each thread makes `warmup` calls (lynx registers the thread's ring there; spdlog and stdio
//      set up their first-call state) outside anything measured;
//   2. once every thread is warm, the session's ready() runs (lynx: flush, so the measured part
//      starts with empty rings), then on_go() (e.g. the start time), then all threads are released;
//   3. each runs body(thread_index, sink, state, first_i) and the call returns after every thread
//      finished.
// Thread t's values start at base + (t << 40), so threads log different numbers.
// (The first of these calls registers the thread with lynx: the one slow call of a thread.)
#pragma once

#include <emmintrin.h>

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "bench/sys_probe.hpp"

namespace lynx::bench {

template <class Workload, class Session, class OnGo, class Body>
void run_producers(Session& session, unsigned threads, unsigned warmup, bool pin, OnGo&& on_go,
                   Body&& body, std::uint64_t base = 0) {
  std::atomic<unsigned> warm{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      // Producers take the CPUs from the last one down; the logger's own thread is left unpinned.
      if (pin) pin_this_thread(online_cpus() - 1 - t % online_cpus());
      auto sink = session.sink();
      typename Workload::State state;
      std::uint64_t i = base + (std::uint64_t{t} << 40);
      for (unsigned w = 0; w < warmup; ++w) Workload::log(sink, i++, state);
      warm.fetch_add(1);
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      body(t, sink, state, i);
    });
  }
  while (warm.load() < threads) std::this_thread::yield();
  session.ready();
  on_go();
  go.store(true, std::memory_order_release);
  for (auto& th : pool) th.join();
}

}  // namespace lynx::bench

// The benchmark's stopwatch: the TSC read between two LFENCEs, and its calibration to nanoseconds.
//
// This is the method of the public logger benchmarks (Quill, fmtlog, spdlog comparisons): rdtsc
// around each call, ticks converted to ns with a rate that is the median of several ~10 ms spins
// against steady_clock. LFENCE on both sides keeps the measured call from moving into or out of the
// timed region. The fences and rdtsc have a cost of their own (the "timer floor"); latency tables
// report it beside every figure, measured exactly like a log call (see latency.cpp).
#pragma once

#include <x86intrin.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

namespace lynx::bench {

inline std::uint64_t tsc_fenced() noexcept {
  _mm_lfence();
  const std::uint64_t t = __rdtsc();
  _mm_lfence();
  return t;
}

class TscClock {
 public:
  // Median of `trials` spins of `spin` each. Blocks for about trials * spin.
  static TscClock calibrate(std::chrono::milliseconds spin = std::chrono::milliseconds(10),
                            int trials = 13) {
    std::vector<double> ticks_per_ns;
    for (int i = 0; i < trials; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      const std::uint64_t c0 = tsc_fenced();
      std::chrono::steady_clock::time_point t1;
      std::uint64_t c1;
      do {
        t1 = std::chrono::steady_clock::now();
        c1 = tsc_fenced();
      } while (t1 - t0 < spin);
      const double ns = static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
      ticks_per_ns.push_back(static_cast<double>(c1 - c0) / ns);
    }
    std::nth_element(ticks_per_ns.begin(), ticks_per_ns.begin() + trials / 2, ticks_per_ns.end());
    return TscClock(1.0 / ticks_per_ns[static_cast<std::size_t>(trials / 2)]);
  }

  double ns_per_tick() const { return ns_per_tick_; }

  // The smallest step the TSC is seen to take between two reads (some CPUs and hypervisors
  // advance it in steps of several ticks, which quantises per-call timings), in ns.
  double resolution_ns() const {
    std::uint64_t best = ~std::uint64_t{0};
    for (int i = 0; i < 100000; ++i) {
      const std::uint64_t a = __rdtsc(), b = __rdtsc();
      if (b > a && b - a < best) best = b - a;
    }
    return to_ns(best);
  }
  // What one rdtsc costs when issued back to back (what a TSC-stamping log call pays at least).
  double rdtsc_cost_ns() const {
    constexpr int kReads = 1000000;
    std::uint64_t sink = 0;
    const std::uint64_t t0 = tsc_fenced();
    for (int i = 0; i < kReads; ++i) sink += __rdtsc();
    const std::uint64_t t1 = tsc_fenced();
    asm volatile("" : : "r"(sink));
    return to_ns(t1 - t0) / kReads;
  }
  double to_ns(std::uint64_t ticks) const { return static_cast<double>(ticks) * ns_per_tick_; }
  std::uint64_t ticks_for_ns(double ns) const { return static_cast<std::uint64_t>(ns / ns_per_tick_); }

  // Busy-waits `ns` nanoseconds (the pause between batches; sleeping would let the core go idle
  // and turn the next call into a cold-cache measurement).
  void spin_for_ns(double ns) const {
    const std::uint64_t end = __rdtsc() + ticks_for_ns(ns);
    while (__rdtsc() < end) _mm_pause();
  }

 private:
  explicit TscClock(double ns_per_tick) : ns_per_tick_(ns_per_tick) {}
  double ns_per_tick_;
};

}  // namespace lynx::bench

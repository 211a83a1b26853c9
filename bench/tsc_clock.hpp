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
      const double ns = static_cast<double>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
      ticks_per_ns.push_back(static_cast<double>(c1 - c0) / ns);
    }
    std::nth_element(ticks_per_ns.begin(), ticks_per_ns.begin() + trials / 2, ticks_per_ns.end());
    return TscClock(1.0 / ticks_per_ns[static_cast<std::size_t>(trials / 2)]);
  }

  double ns_per_tick() const { return ns_per_tick_; }

  // The step in which the TSC is seen to advance, in ns. Some hypervisors advance it by many
  // ticks at a time (e.g. by 25 or 27, 26 on average, on a 2.6 GHz TSC fed by a 100 MHz clock),
  // which quantises per-call timings to multiples of the step. Found as the largest step s (4 to
  // 1024 ticks) such that at least 95% of the differences between two reads, taken a random
  // number of pauses apart, are within one tick of a multiple of s; 1 tick when there is none.
  double resolution_ns() const {
    constexpr int kPairs = 20000;
    std::vector<std::uint64_t> deltas;
    deltas.reserve(kPairs);
    std::uint64_t rng = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < kPairs; ++i) {
      rng ^= rng << 13;
      rng ^= rng >> 7;
      rng ^= rng << 17;
      const std::uint64_t a = __rdtsc();
      for (unsigned k = rng % 16; k > 0; --k) _mm_pause();
      const std::uint64_t b = __rdtsc();
      if (b > a) deltas.push_back(b - a);
    }
    std::uint64_t step = 1;
    for (std::uint64_t s = 4; s <= 1024; ++s) {
      std::size_t near = 0;
      for (const std::uint64_t d : deltas) {
        const std::uint64_t r = d % s;
        near += r <= 1 || r == s - 1;
      }
      if (near * 100 >= deltas.size() * 95) step = s;
    }
    return to_ns(step);
  }
  // What one rdtsc costs when issued back to back (what a TSC-stamping log call pays at least):
  // the fastest of 50 runs of 10,000 reads, so that a run the scheduler interrupted does not count.
  double rdtsc_cost_ns() const {
    constexpr int kReads = 10000;
    std::uint64_t best = ~std::uint64_t{0};
    for (int run = 0; run < 50; ++run) {
      std::uint64_t sink = 0;
      const std::uint64_t t0 = tsc_fenced();
      for (int i = 0; i < kReads; ++i) sink += __rdtsc();
      const std::uint64_t t1 = tsc_fenced();
      asm volatile("" : : "r"(sink));
      best = std::min(best, t1 - t0);
    }
    return to_ns(best) / kReads;
  }
  double to_ns(std::uint64_t ticks) const { return static_cast<double>(ticks) * ns_per_tick_; }
  std::uint64_t ticks_for_ns(double ns) const {
    return static_cast<std::uint64_t>(ns / ns_per_tick_);
  }

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

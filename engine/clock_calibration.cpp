#include "engine/clock_calibration.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "lynx/detail/clock.hpp"

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace lynx::detail {

namespace {

bool invariant_tsc() {
#if defined(__x86_64__)
  unsigned a, b, c, d;
  if (__get_cpuid(0x80000007, &a, &b, &c, &d) == 0) return false;
  return (d & (1u << 8)) != 0;
#else
  return true;
#endif
}

}  // namespace

ClockCalibration::Sample ClockCalibration::sample() {
  if constexpr (!kTicksAreTsc) {
    const auto ns = static_cast<std::int64_t>(wall_clock_ns());
    return {static_cast<std::uint64_t>(ns), ns};
  }
  // Bracket the clock read between two tick reads and keep the tightest of a few tries, so a
  // preemption in between does not skew the pair.
  Sample best{};
  std::uint64_t best_gap = ~std::uint64_t{0};
  for (int i = 0; i < 5; ++i) {
    const std::uint64_t t1 = now_ticks();
    const auto ns = static_cast<std::int64_t>(wall_clock_ns());
    const std::uint64_t t2 = now_ticks();
    if (t2 - t1 < best_gap) {
      best_gap = t2 - t1;
      best = {t1 + (t2 - t1) / 2, ns};
    }
  }
  return best;
}

void ClockCalibration::start(unsigned initial_ms) {
  reliable_ = invariant_tsc();
  first_ = sample();
  if constexpr (kTicksAreTsc) {
    std::this_thread::sleep_for(std::chrono::milliseconds(initial_ms));
    const Sample s = sample();
    if (s.ticks > first_.ticks && s.ns > first_.ns) {
      ns_per_tick_ =
          static_cast<double>(s.ns - first_.ns) / static_cast<double>(s.ticks - first_.ticks);
    }
    anchor_ticks_ = s.ticks;
    anchor_ns_ = s.ns;
  } else {
    ns_per_tick_ = 1.0;
    anchor_ticks_ = 0;
    anchor_ns_ = 0;
  }
  last_refresh_ns_ = static_cast<std::int64_t>(wall_clock_ns());
}

void ClockCalibration::maybe_refresh() {
  if constexpr (!kTicksAreTsc) return;
  const Sample s = sample();
  if (s.ns - last_refresh_ns_ < 1'000'000'000) return;
  last_refresh_ns_ = s.ns;
  if (s.ticks <= first_.ticks || s.ns <= first_.ns) return;
  // The rate over the whole run so far: the longer the baseline, the smaller its error.
  const double rate =
      static_cast<double>(s.ns - first_.ns) / static_cast<double>(s.ticks - first_.ticks);
  const std::int64_t predicted = to_ns(s.ticks);
  const std::int64_t error = s.ns - predicted;
  if (error > kMaxSlewNs || error < -kMaxSlewNs) {
    // The system clock was stepped (or we were badly off): follow it at once.
    anchor_ticks_ = s.ticks;
    anchor_ns_ = s.ns;
    ns_per_tick_ = rate;
    return;
  }
  // Slew: continue from where the current line is now and close the error over the next second,
  // so converted timestamps never jump, and never go backwards for increasing ticks.
  const double horizon_ticks = 1e9 / rate;
  anchor_ticks_ = s.ticks;
  anchor_ns_ = predicted;
  ns_per_tick_ = std::max(rate + static_cast<double>(error) / horizon_ticks, rate / 2);
}

}  // namespace lynx::detail

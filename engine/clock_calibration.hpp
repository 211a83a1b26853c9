// Converts the producers' raw ticks (TSC on x86-64) to Unix nanoseconds. Backend thread only.
// Calibrated against the system clock at start (a few ms) and refined about once a second over an
// ever longer baseline. The mapping is continuous and increasing: a refresh slews towards the
// system clock over the next second instead of jumping (so one thread's timestamps never go
// backwards); only an error beyond kMaxSlewNs (a stepped clock) is followed at once.
#pragma once

#include <cstdint>

namespace lynx::detail {

class ClockCalibration {
 public:
  // Measures the tick rate; blocks the calling thread for about `initial_ms` milliseconds.
  void start(unsigned initial_ms = 5);
  // Re-anchors and refines the rate when at least a second passed since the last refresh.
  void maybe_refresh();

  std::int64_t to_ns(std::uint64_t ticks) const {
    const auto delta = static_cast<std::int64_t>(ticks - anchor_ticks_);
    return anchor_ns_ + static_cast<std::int64_t>(static_cast<double>(delta) * ns_per_tick_);
  }
  std::uint64_t anchor_ticks() const { return anchor_ticks_; }
  std::int64_t anchor_ns() const { return anchor_ns_; }
  double ns_per_tick() const { return ns_per_tick_; }
  // False when the TSC is not invariant (timestamps may then drift between refreshes).
  bool reliable() const { return reliable_; }

 private:
  struct Sample {
    std::uint64_t ticks;
    std::int64_t ns;
  };
  static Sample sample();
  static constexpr std::int64_t kMaxSlewNs = 100'000'000;

  Sample first_{};
  std::uint64_t anchor_ticks_ = 0;
  std::int64_t anchor_ns_ = 0;
  double ns_per_tick_ = 1.0;
  std::int64_t last_refresh_ns_ = 0;
  bool reliable_ = true;
};

}  // namespace lynx::detail

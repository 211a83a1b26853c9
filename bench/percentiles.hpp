// Percentiles of per-call timings, and medians over repetitions. Percentiles are nearest-rank
// (the smallest sample with at least p% of the samples at or below it), so p99.99 of 100,000
// samples is the 10th largest: a real measurement, never an interpolation.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace lynx::bench {

inline constexpr std::array<double, 6> kPercentiles = {50, 75, 90, 99, 99.9, 99.99};
inline constexpr std::array<std::string_view, 7> kPercentileNames = {
    "p50", "p75", "p90", "p99", "p99.9", "p99.99", "max"};

// Values in ns, in the order of kPercentileNames (the last is the maximum).
struct Percentiles {
  std::array<double, 7> ns{};
  std::size_t samples = 0;
  double p50() const { return ns[0]; }
  double p999() const { return ns[4]; }
};

// Sorts `ticks` in place.
inline Percentiles percentiles(std::vector<std::uint64_t>& ticks, double ns_per_tick) {
  Percentiles r;
  r.samples = ticks.size();
  if (ticks.empty()) return r;
  std::sort(ticks.begin(), ticks.end());
  const double n = static_cast<double>(ticks.size());
  for (std::size_t i = 0; i < kPercentiles.size(); ++i) {
    auto rank = static_cast<std::size_t>(std::ceil(kPercentiles[i] / 100.0 * n));
    rank = std::clamp<std::size_t>(rank, 1, ticks.size());
    r.ns[i] = static_cast<double>(ticks[rank - 1]) * ns_per_tick;
  }
  r.ns.back() = static_cast<double>(ticks.back()) * ns_per_tick;
  return r;
}

inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
}

// Element-wise median of several repetitions' percentiles.
inline Percentiles median(const std::vector<Percentiles>& reps) {
  Percentiles r;
  for (std::size_t i = 0; i < r.ns.size(); ++i) {
    std::vector<double> v;
    for (const Percentiles& p : reps) v.push_back(p.ns[i]);
    r.ns[i] = median(std::move(v));
  }
  for (const Percentiles& p : reps) r.samples += p.samples;
  return r;
}

}  // namespace lynx::bench

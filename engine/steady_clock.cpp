#include "engine/steady_clock.hpp"

#include <atomic>
#include <chrono>

namespace lynx::detail {

namespace {
std::atomic<std::int64_t (*)()> g_clock{nullptr};
}

std::int64_t steady_clock_ns() {
  if (auto* clock = g_clock.load(std::memory_order_relaxed)) return clock();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void set_steady_clock_for_testing(std::int64_t (*clock)()) {
  g_clock.store(clock, std::memory_order_relaxed);
}

}  // namespace lynx::detail

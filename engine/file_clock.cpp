#include "engine/file_clock.hpp"

#include <atomic>

#include "lynx/detail/clock.hpp"

namespace lynx::detail {

namespace {
std::atomic<std::int64_t (*)()> g_clock{nullptr};
}

std::int64_t file_clock_ns() {
  if (auto* clock = g_clock.load(std::memory_order_relaxed)) return clock();
  return static_cast<std::int64_t>(wall_clock_ns());
}

void set_file_clock_for_testing(std::int64_t (*clock)()) {
  g_clock.store(clock, std::memory_order_relaxed);
}

}  // namespace lynx::detail

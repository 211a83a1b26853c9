// Timestamps for the hot path. On x86-64 the raw TSC (one instruction, no syscall); the backend
// calibrates ticks to wall-clock nanoseconds (engine/clock_calibration.cpp). Elsewhere the
// system clock in nanoseconds, read through the vDSO (no syscall), with a 1:1 calibration.
#pragma once

#include <chrono>
#include <cstdint>

namespace lynx::detail {

#if defined(__x86_64__) && !defined(LYNX_NO_TSC)
inline constexpr bool kTicksAreTsc = true;
#else
inline constexpr bool kTicksAreTsc = false;
#endif

inline std::uint64_t wall_clock_ns() noexcept {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

inline std::uint64_t now_ticks() noexcept {
#if defined(__x86_64__) && !defined(LYNX_NO_TSC)
  return __builtin_ia32_rdtsc();
#else
  return wall_clock_ns();
#endif
}

}  // namespace lynx::detail
